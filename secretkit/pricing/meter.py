"""The meter: what a run of the model cost, read from its event log.

:func:`bill` walks the log once and prices what it finds:

=========================  ================================================================
log record                 billed as
=========================  ================================================================
``lifecycle`` start/stop   hours of ``secret``/``replica-secret`` (secret-months),
                           ``advanced-parameter`` and ``kms-key`` (key-months)
``call`` secretsmanager    one API call, whatever its outcome
``call`` ssm               one API interaction, only if the parameter it touched is
                           Advanced (``detail["tier"]``) or higher throughput is on
``call`` kms, direct       one KMS request, whatever the key and outcome
``call`` kms, ``via``      free with an AWS managed key (``key_manager == "AWS"``); one KMS
                           request with a customer managed key
``invoke`` lambda          one invocation, plus its GB-seconds
``notice``                 nothing
=========================  ================================================================

Billing rules (decisions, with reasons)
---------------------------------------
* **Hours.** Monthly prices are prorated by the hour, 730 hours to the month. Time is cut
  into UTC clock hours and a resource pays for every hour in which it existed at all. AWS
  says only "prorated by the hour"; counting a part hour as a whole one is secretkit's
  reading of that, and it never matters in a lab whose clock moves in whole hours. A
  resource that existed for no time at all pays nothing. A bill covers the hours that
  *begin* inside ``[start, end)``, so bills for back-to-back periods add up exactly to the
  bill for the whole.
* **Pending deletion is free.** Secrets Manager logs ``stop`` when DeleteSecret schedules
  a deletion and ``start`` again on RestoreSecret; KMS does the same around
  ScheduleKeyDeletion and CancelKeyDeletion. A ``stop`` with no earlier ``start`` in the
  log is taken to have run since the start of the period.
* **Failed calls count.** AWS answered them, and the 14 calls of one rotation include a
  ``ResourceNotFoundException`` on purpose; counting only successes would undercount it.
* **KMS on your behalf.** Secrets Manager documents that its AWS managed key is free to
  use, and AWS managed keys in general are "charged by the service they are assigned to";
  so requests a service makes with one cost nothing extra. With a customer managed key
  they are ordinary KMS requests.
* **Free tiers.** The first 20,000 KMS requests of each calendar month (UTC) are free,
  across all regions; requests earlier in the same month, before ``start``, use the
  allowance up first. This is on by default because AWS applies it to every account.
  The Lambda free tier (1M invocations and 400,000 GB-s a month) is **off** by default:
  it is shared with every other function in the account, and a rotation costs a few
  millionths of a dollar, which the free tier would otherwise hide from the lesson.
  Pass ``lambda_free_tier=True`` to apply it.
* **Higher throughput** is a per-region Parameter Store setting. The meter follows the
  log: any ``ssm`` record whose ``detail`` carries ``"ssm_high_throughput": True/False``
  turns it on or off in that region from that moment. ``high_throughput=True`` or
  ``False`` overrides the log for every region.

Pass the *whole* log, not just the period: the meter needs the ``start`` of a secret
created last month to bill this month's hours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from operator import itemgetter
from typing import Any

from ..core.events import Event
from .bill import Bill, LineItem
from .prices import FREE_TIERS

__all__ = ["bill", "bill_cloud"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_HOUR_US = 3_600_000_000
_MS = Decimal("0.001")
_MB_PER_GB = 1024

# lifecycle detail["type"] -> the dimension its hours are billed under
_LIFECYCLE = {
    "secret": "secretsmanager:secret-month",
    "replica-secret": "secretsmanager:secret-month",
    "advanced-parameter": "ssm:advanced-parameter-month",
    "kms-key": "kms:key-month",
}
_SM_CALLS = "secretsmanager:api-calls"
_time = itemgetter(0)  # an Event's time (events are named tuples)
_ALL_REGIONS = "all regions"
_NO_RESOURCE = "(no resource)"


def bill(
    events: Iterable[Event],
    start: str | date | datetime,
    end: str | date | datetime,
    *,
    high_throughput: bool | None = None,
    kms_free_tier: bool = True,
    lambda_free_tier: bool = False,
) -> Bill:
    """The bill for simulated time ``[start, end)`` from an event log (see the module rules).

    ``high_throughput`` ``None`` follows the log's Parameter Store setting; ``True`` or
    ``False`` forces it for every region.
    """
    t0, t1 = _instant(start), _instant(end)
    if t1 < t0:
        raise ValueError(f"end ({t1.isoformat()}) is before start ({t0.isoformat()})")
    first_hour, end_hour = _ceil_hour(t0), _ceil_hour(t1)

    counts: dict[tuple[str, str, str], int] = defaultdict(int)  # (region, resource, dimension)
    hours: dict[tuple[str, str, str], int] = defaultdict(int)
    running: dict[str, tuple[datetime, str, str]] = {}  # ARN -> (interval began, region, dimension)
    billed_to: dict[str, int] = {}  # ARN -> first hour not billed yet
    throughput: dict[str, bool] = {}
    # Free-tier bookkeeping per calendar month: requests before the period, inside it.
    kms_months: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    # (region, function, (duration_ms, memory_mb), (year, month), inside the period) -> invocations
    invokes: dict[tuple[str, str, tuple[Any, Any], tuple[int, int], bool], int] = defaultdict(int)

    def add_hours(region: str, arn: str, dimension: str, began: datetime, ended: datetime) -> None:
        if ended <= began:
            return  # existed for no time at all: nothing to pay
        lo = max(_floor_hour(began), first_hour, billed_to.get(arn, first_hour))
        hi = min(_ceil_hour(ended), end_hour)
        if hi > lo:
            hours[(region, arn, dimension)] += hi - lo
            billed_to[arn] = hi

    for e in sorted(events, key=_time):
        when, kind, region, service, operation, outcome, resource, detail, _principal = e
        if kind == "call":
            # Priced first: the call that changes the throughput setting pays under the old one.
            dimension = _SM_CALLS if service == "secretsmanager" else _call_dimension(e, throughput, high_throughput)
            if service == "ssm" and "ssm_high_throughput" in detail and outcome == "OK":
                throughput[region] = bool(detail["ssm_high_throughput"])
            if dimension is None or when >= t1:
                continue
            inside = when >= t0
            if dimension == "kms:requests":
                kms_months[(when.year, when.month)][inside] += 1
            if inside:
                counts[(region, resource or _NO_RESOURCE, dimension)] += 1
        elif kind == "lifecycle":
            dimension = _LIFECYCLE.get(detail.get("type", ""))
            if dimension is None or resource is None:
                continue
            if operation == "start":
                running.setdefault(resource, (when, region, dimension))
            elif operation == "stop":
                began = running.pop(resource, None)
                add_hours(region, resource, dimension, t0 if began is None else began[0], when)
        elif kind == "invoke":
            if when < t1:
                function = resource or str(detail.get("function", _NO_RESOURCE))
                shape = (detail.get("duration_ms", 0), detail.get("memory_mb", 128))
                invokes[(region, function, shape, (when.year, when.month), when >= t0)] += 1
        elif service == "ssm" and "ssm_high_throughput" in detail and outcome == "OK":
            throughput[region] = bool(detail["ssm_high_throughput"])  # a setting change logged as a notice

    # Whatever is still running when the log ends runs to the end of the period.
    for arn, (began, region, dimension) in running.items():
        add_hours(region, arn, dimension, began, max(t1, began))

    # Lambda: invocations and GB-seconds per function, and the same per month for the free tier.
    gb_seconds: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    fn_months: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for (region, function, shape, month, inside), n in invokes.items():
        gbs = _gb_seconds(*shape) * n
        fn_months[month][2 * inside] += n
        fn_months[month][2 * inside + 1] += gbs
        if inside:
            counts[(region, function, "lambda:requests")] += n
            gb_seconds[(region, function)] += gbs

    lines = [LineItem.priced(region, arn, dim, n) for (region, arn, dim), n in hours.items()]
    lines += [LineItem.priced(region, res, dim, n) for (region, res, dim), n in counts.items()]
    lines += [LineItem.priced(region, fn, "lambda:gb-seconds", q) for (region, fn), q in gb_seconds.items()]
    if kms_free_tier:
        lines += _credit("kms:requests", [(Decimal(b), Decimal(i)) for b, i in kms_months.values()])
    if lambda_free_tier:
        lines += _credit("lambda:requests", [(m[0], m[2]) for m in fn_months.values()])
        lines += _credit("lambda:gb-seconds", [(m[1], m[3]) for m in fn_months.values()])
    lines.sort(key=lambda line: (line.service, line.quantity < 0, line.region, line.resource, line.dimension))
    span = Decimal((t1 - t0) // _US) / _HOUR_US
    label = f"Bill {t0:%Y-%m-%d %H:%M} to {t1:%Y-%m-%d %H:%M} UTC"
    return Bill(label, tuple(lines), span, t0, t1)


def bill_cloud(cloud: Any, start: str | date | datetime | None = None, end: str | date | datetime | None = None,
               **options: Any) -> Bill:
    """The bill of a :class:`secretkit.Cloud` from its own event log.

    ``start`` defaults to the moment the Cloud was made and ``end`` to its clock's ``now``;
    ``options`` are those of :func:`bill`.
    """
    events = cloud.events
    if start is None:
        start = getattr(cloud, "start", None) or (events[0].time if len(events) else cloud.clock.now)
    if end is None:
        end = cloud.clock.now
    return bill(events, start, end, **options)


# ----------------------------------------------------------------------------- rules
def _call_dimension(e: Event, throughput: dict[str, bool], forced: bool | None) -> str | None:
    """The dimension one ``call`` record is billed under, or ``None`` if it is free."""
    service = e.service
    if service == "secretsmanager":
        return _SM_CALLS
    if service == "kms":
        if "via" not in e.detail:
            return "kms:requests"
        return "kms:requests" if e.detail.get("key_manager") == "CUSTOMER" else None
    if service == "ssm":
        high = throughput.get(e.region, False) if forced is None else forced
        if high or e.detail.get("tier") == "Advanced":
            return "ssm:api-interactions"
    return None


def _gb_seconds(duration_ms: Any, memory_mb: Any) -> Decimal:
    """Memory in GB times duration in seconds, the duration rounded up to the millisecond."""
    ms = Decimal(str(duration_ms)).to_integral_value(rounding=ROUND_CEILING)
    return Decimal(int(memory_mb)) / _MB_PER_GB * ms * _MS


def _credit(dimension: str, months: list[tuple[Decimal, Decimal]]) -> list[LineItem]:
    """The free-tier line for ``dimension``: per calendar month, what the period used of
    what was left after the usage earlier in that month (``months`` = (before, inside))."""
    allowance = Decimal(FREE_TIERS[dimension].quantity)
    free = sum((min(inside, max(Decimal(0), allowance - before)) for before, inside in months), Decimal(0))
    if not free:
        return []
    return [LineItem.priced(_ALL_REGIONS, f"free tier: first {allowance:,} a month", dimension, -free)]


# ------------------------------------------------------------------------------ time
def _instant(value: str | date | datetime) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value)  # Python 3.11+ reads a trailing "Z"
    else:
        raise TypeError(f"expected a datetime, date or ISO string, got {type(value).__name__}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _floor_hour(moment: datetime) -> int:
    return ((moment - _EPOCH) // _US) // _HOUR_US


def _ceil_hour(moment: datetime) -> int:
    return -(-((moment - _EPOCH) // _US) // _HOUR_US)
