"""Estimates: what a described workload costs a month or a year, without running anything.

Describe the workload once, as a :class:`Workload`, then ask:

>>> w = Workload(secrets=100, replicas_per_secret=1, reads_per_day=20)
>>> cents(monthly(w).total)
Decimal('80.30')

The estimate counts the same things, in the same units, as the meter counts in a log
(:mod:`secretkit.pricing.meter`), so a workload run through the model for one billing
month (730 hours) gets the same bill to the cent. The assumptions:

* A month is 730 hours, so a day-rate becomes ``per_day * 730 / 24`` per month
  (30.42 days).
* Each read of a secret is one ``GetSecretValue`` call in the primary region; with
  ``secrets_on_customer_key`` it is also one KMS ``Decrypt``.
* A rotation is ``calls_per_rotation`` Secrets Manager calls (14 for AWS's single-user
  template: four ``DescribeSecret`` gates, six reads, ``GetRandomPassword``,
  ``PutSecretValue``, one more ``DescribeSecret`` and ``UpdateSecretVersionStage``) and
  ``invocations_per_rotation`` Lambda invocations (one per step). On a customer key it
  adds ``kms_requests_per_rotation`` KMS requests (five decrypting reads and one new data
  key), plus one data key per replica for the new version.
* Parameter reads touch one parameter each. Only reads of Advanced parameters are API
  interactions, unless higher throughput is on, when every read is. Parameters are
  assumed to use ``aws/ssm`` (free) or no key at all.
* One-off setup calls (CreateSecret, CreateKey) are left out: an estimate is the steady
  state. A simulated month that starts by creating its secrets pays for those few calls
  on top (a fraction of a cent).
* KMS's free 20,000 requests are applied once a month. The Lambda free tier is not, for
  the reason given in the meter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from .bill import Bill, LineItem, cents, merge
from .prices import FREE_TIERS, HOURS_PER_MONTH

__all__ = ["PARAMETER_STORE_DEFAULT_TPS", "Comparison", "Workload", "compare", "monthly", "yearly"]

_MONTH = Decimal(HOURS_PER_MONTH)
_OTHER = "other regions"
_ALL_REGIONS = "all regions"
#: Parameter Store's default throughput (reads a second, per account and region); above it
#: "higher throughput" must be on, and every read is billed as an API interaction.
PARAMETER_STORE_DEFAULT_TPS = 40


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _dec(value: float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Workload:
    """A workload described by its counts and rates (all rates are *per secret* or *per parameter*).

    ``replicas_per_secret`` may be given as a count or by naming the regions in
    ``replica_regions`` (the bill then shows each region). ``customer_keys`` is how many
    customer managed KMS keys you pay for; ``secrets_on_customer_key`` says whether the
    secrets are encrypted with one (so every read is also a billed KMS request).
    """

    secrets: int = 0
    replicas_per_secret: int = 0
    reads_per_day: float = 0
    rotation_days: float | None = None
    calls_per_rotation: int = 14
    invocations_per_rotation: int = 4
    invocation_ms: float = 2000
    function_memory_mb: int = 128
    standard_parameters: int = 0
    advanced_parameters: int = 0
    parameter_reads_per_day: float = 0
    high_throughput: bool = False
    customer_keys: int = 0
    secrets_on_customer_key: bool = False
    kms_requests_per_rotation: int = 6
    region: str = "us-east-1"
    replica_regions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("secrets", "replicas_per_secret", "calls_per_rotation", "invocations_per_rotation",
                     "function_memory_mb", "standard_parameters", "advanced_parameters", "customer_keys",
                     "kms_requests_per_rotation"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
        for name in ("reads_per_day", "parameter_reads_per_day", "invocation_ms"):
            if _dec(getattr(self, name)) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        if self.rotation_days is not None and _dec(self.rotation_days) <= 0:
            raise ValueError(f"rotation_days must be > 0 (or None for no rotation), got {self.rotation_days!r}")
        regions = tuple(self.replica_regions)
        object.__setattr__(self, "replica_regions", regions)
        if regions and self.replicas_per_secret == 0:
            object.__setattr__(self, "replicas_per_secret", len(regions))
        if len(regions) > self.replicas_per_secret or self.region in regions or len(set(regions)) < len(regions):
            raise ValueError(
                f"replica_regions {regions} must be distinct regions other than {self.region!r}, "
                f"at most replicas_per_secret ({self.replicas_per_secret})"
            )
        if self.secrets_on_customer_key and self.customer_keys < 1:
            raise ValueError("secrets_on_customer_key needs customer_keys >= 1")

    @property
    def rotations_per_month(self) -> Decimal:
        """Rotations of *one* secret in a 730-hour month (0 without rotation)."""
        if self.rotation_days is None:
            return Decimal(0)
        return _MONTH / (24 * _dec(self.rotation_days))

    def per_month(self, per_day: float | Decimal) -> Decimal:
        """A daily rate over a 730-hour month (multiplied before dividing, to stay exact)."""
        return _dec(per_day) * _MONTH / 24


def _secrets_manager_lines(w: Workload) -> list[LineItem]:
    n, region = w.secrets, w.region
    if n == 0:
        return []
    lines = [LineItem.priced(region, _count(n, "secret"), "secretsmanager:secret-month", n * _MONTH)]
    named = list(w.replica_regions) + [_OTHER] * (w.replicas_per_secret - len(w.replica_regions))
    for where in named:
        lines.append(LineItem.priced(where, _count(n, "replica secret"), "secretsmanager:secret-month", n * _MONTH))
    reads = n * w.per_month(w.reads_per_day)
    if reads:
        lines.append(LineItem.priced(region, "GetSecretValue (reads)", "secretsmanager:api-calls", reads))
    rotations = n * w.rotations_per_month
    if rotations:
        lines.append(LineItem.priced(region, "rotation function calls", "secretsmanager:api-calls",
                                     rotations * w.calls_per_rotation))
        lines += _lambda_lines(w, rotations * w.invocations_per_rotation, "rotation function")
    return lines


def _lambda_lines(w: Workload, invocations: Decimal, what: str) -> list[LineItem]:
    if not invocations:
        return []
    ms = _dec(w.invocation_ms).to_integral_value(rounding=ROUND_CEILING)
    gb_seconds = invocations * Decimal(w.function_memory_mb) / 1024 * ms / 1000
    return [
        LineItem.priced(w.region, what, "lambda:requests", invocations),
        LineItem.priced(w.region, what, "lambda:gb-seconds", gb_seconds),
    ]


def _parameter_lines(w: Workload) -> list[LineItem]:
    lines: list[LineItem] = []
    s, a = w.standard_parameters, w.advanced_parameters
    if s:
        lines.append(LineItem.priced(w.region, _count(s, "Standard parameter"), "ssm:standard-parameter-month", s * _MONTH))
    if a:
        lines.append(LineItem.priced(w.region, _count(a, "Advanced parameter"), "ssm:advanced-parameter-month", a * _MONTH))
    reads = w.per_month(w.parameter_reads_per_day)
    if reads and a:
        lines.append(LineItem.priced(w.region, "Advanced parameter reads", "ssm:api-interactions", a * reads))
    if reads and s and w.high_throughput:
        lines.append(LineItem.priced(w.region, "Standard parameter reads (higher throughput)",
                                     "ssm:api-interactions", s * reads))
    return lines


def _kms_lines(w: Workload, extra: list[LineItem] | None = None) -> list[LineItem]:
    lines: list[LineItem] = []
    if w.customer_keys:
        lines.append(LineItem.priced(w.region, _count(w.customer_keys, "customer managed key"), "kms:key-month",
                                     w.customer_keys * _MONTH))
    if w.secrets_on_customer_key and w.secrets:
        reads = w.secrets * w.per_month(w.reads_per_day)
        if reads:
            lines.append(LineItem.priced(w.region, "Decrypt for secret reads", "kms:requests", reads))
        rotations = w.secrets * w.rotations_per_month
        if rotations:
            per = w.kms_requests_per_rotation + w.replicas_per_secret
            lines.append(LineItem.priced(w.region, "rotation (decrypts and new data keys)", "kms:requests", rotations * per))
    lines += extra or []
    used = sum((line.quantity for line in lines if line.dimension == "kms:requests"), Decimal(0))
    free = min(used, Decimal(FREE_TIERS["kms:requests"].quantity))
    if free:
        lines.append(LineItem.priced(_ALL_REGIONS, f"free tier: first {FREE_TIERS['kms:requests'].quantity:,} a month",
                                     "kms:requests", -free))
    return lines


def monthly(workload: Workload) -> Bill:
    """The itemised cost of ``workload`` for one 730-hour billing month."""
    w = workload
    lines = _secrets_manager_lines(w) + _parameter_lines(w) + _kms_lines(w)
    return Bill("Estimate: one month", tuple(lines), _MONTH)


def yearly(workload: Workload) -> Bill:
    """Twelve months of :func:`monthly` (each month gets its own free tier)."""
    return merge("Estimate: one year", _MONTH * 12, monthly(workload).lines, scale=12)


@dataclass(frozen=True)
class Comparison:
    """The same secret values priced in Secrets Manager and in Parameter Store, with notes on
    what each price buys (or leaves you to build)."""

    secrets_manager: Bill
    parameter_store: Bill
    notes: tuple[str, ...]
    #: The workload's reads of its secrets, per second on average over the month.
    reads_per_second: Decimal = Decimal(0)
    #: Whether the Parameter Store side needs higher throughput (so its reads are billed).
    higher_throughput: bool = False

    @property
    def cheaper(self) -> str:
        """``"Parameter Store"``, ``"Secrets Manager"`` or ``"same"`` (compared to the cent)."""
        a, b = cents(self.secrets_manager.total), cents(self.parameter_store.total)
        return "same" if a == b else ("Parameter Store" if b < a else "Secrets Manager")

    @property
    def difference(self) -> Decimal:
        """Secrets Manager minus Parameter Store, per month (exact)."""
        return self.secrets_manager.total - self.parameter_store.total

    def table(self) -> str:
        rows = [
            f"{'':28}{'Secrets Manager':>18}{'Parameter Store':>18}",
            _row("per month", self.secrets_manager.total, self.parameter_store.total),
            _row("per year", self.secrets_manager.total * 12, self.parameter_store.total * 12),
        ]
        return "\n".join(rows + [""] + [f"- {note}" for note in self.notes])


def _row(label: str, sm: Decimal, ps: Decimal) -> str:
    return f"{label:28}{'$' + str(cents(sm)):>18}{'$' + str(cents(ps)):>18}"


def compare(workload: Workload) -> Comparison:
    """Price the workload's *secrets* both ways, per month.

    Secrets Manager side: the secrets, replicas, reads and rotation as :func:`monthly`
    prices them. Parameter Store side: the same values as Standard ``SecureString``
    parameters on ``aws/ssm``; each replica becomes a parameter you keep in sync yourself
    in the other region, and rotation becomes one scheduled invocation of your own
    function per rotation. The workload's own parameters are the same either way, so
    they are left out of both sides.
    """
    w = workload
    sm_only = Workload(
        secrets=w.secrets, replicas_per_secret=w.replicas_per_secret, reads_per_day=w.reads_per_day,
        rotation_days=w.rotation_days, calls_per_rotation=w.calls_per_rotation,
        invocations_per_rotation=w.invocations_per_rotation, invocation_ms=w.invocation_ms,
        function_memory_mb=w.function_memory_mb, customer_keys=w.customer_keys,
        secrets_on_customer_key=w.secrets_on_customer_key, kms_requests_per_rotation=w.kms_requests_per_rotation,
        region=w.region, replica_regions=w.replica_regions,
    )
    sm = Bill("Secrets Manager: one month", tuple(_secrets_manager_lines(sm_only) + _kms_lines(sm_only)), _MONTH)

    copies = w.secrets * (1 + w.replicas_per_secret)
    reads = w.secrets * w.per_month(w.reads_per_day)
    tps = _dec(w.secrets) * _dec(w.reads_per_day) / 86_400
    high = w.high_throughput or tps > PARAMETER_STORE_DEFAULT_TPS
    ps_lines: list[LineItem] = []
    if copies:
        ps_lines.append(LineItem.priced(w.region, _count(copies, "Standard SecureString parameter"),
                                        "ssm:standard-parameter-month", copies * _MONTH))
    if reads and high:
        ps_lines.append(LineItem.priced(w.region, "GetParameter (reads, higher throughput)", "ssm:api-interactions", reads))
    rotations = w.secrets * w.rotations_per_month
    ps_lines += _lambda_lines(w, rotations, "your own rotation function")
    kms_extra: list[LineItem] = []
    if w.secrets_on_customer_key and reads:
        kms_extra.append(LineItem.priced(w.region, "Decrypt for parameter reads", "kms:requests", reads))
    ps_keys = Workload(customer_keys=w.customer_keys, region=w.region)
    ps = Bill("Parameter Store: one month", tuple(ps_lines + _kms_lines(ps_keys, kms_extra)), _MONTH)

    notes = [
        ("Parameter Store has no rotation: the price above assumes you schedule and write your own "
         "function, and you own its correctness (Secrets Manager runs the four-step protocol for you)."),
    ]
    if w.replicas_per_secret:
        notes.append("Parameter Store has no replication: each replica is a separate parameter you must "
                     "write and keep in sync in every region yourself.")
    if tps > PARAMETER_STORE_DEFAULT_TPS and not w.high_throughput:
        notes.append(f"About {tps:.0f} reads a second on average exceeds Parameter Store's default "
                     f"{PARAMETER_STORE_DEFAULT_TPS} TPS, so higher throughput (and its per-call price) is assumed.")
    notes.append("Standard parameters hold at most 4 KB; a bigger value needs the Advanced tier ($0.05 a month).")
    notes.append("KMS requests that Parameter Store makes with aws/ssm are treated as free, like those "
                 "Secrets Manager makes with aws/secretsmanager.")
    return Comparison(sm, ps, tuple(notes), tps, high)
