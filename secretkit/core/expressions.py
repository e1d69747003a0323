"""Schedule expressions, AWS's ``rate(...)`` and ``cron(...)``, parsed into objects that say
when they next fire.

Secrets Manager rotation schedules and EventBridge scheduled rules share this syntax, in UTC:

* ``rate(5 minutes)``, ``rate(1 hour)``, ``rate(7 days)``: a value of 1 takes the singular unit.
* ``cron(Minutes Hours Day-of-month Month Day-of-week Year)``: six fields; ``*`` any,
  ``,`` lists, ``-`` ranges, ``/`` steps; ``?`` in exactly one of day-of-month and
  day-of-week; ``L`` (last day of the month) in day-of-month; ``2#1`` (first Monday) in
  day-of-week, whose values run 1-7 = SUN-SAT. Month and weekday names (JAN, MON) work.

:func:`parse` turns an expression into a :class:`Rate` or :class:`Cron` with
``next_after(moment)``; :func:`first_after` is the same, or ``None`` when the schedule has
no instant left (a ``cron()`` of years gone by, or past the last date Python can hold), for
the clock callbacks that re-arm a schedule and must never raise. A ``rate()`` longer than
the ten years a ``cron()`` is searched over is refused, as is a ``cron()`` whose days can
never come (``cron(0 0 30 2 ? *)``, the 30th of February). Each service adds its own limits on top (rotation, for instance,
wants the minutes of a ``cron()`` to be 0).
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .checks import ascii_int

__all__ = ["Cron", "Rate", "ScheduleError", "first_after", "parse"]

_RATE_RE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", re.ASCII)
_CRON_RE = re.compile(r"cron\(([^()]*)\)")
_UNIT = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_HORIZON_DAYS = 366 * 10  # how far ahead a schedule is searched for its next instant
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


class ScheduleError(ValueError):
    """An expression that is not valid; the message says why."""


@dataclass(frozen=True, slots=True)
class Rate:
    """``rate(N unit)``: every ``period``, counted from a starting instant."""

    expression: str
    value: int
    unit: str  # "minute", "hour" or "day"

    @property
    def period(self) -> timedelta:
        return self.value * _UNIT[self.unit]

    def next_after(self, moment: datetime) -> datetime:
        """One period after ``moment`` (EventBridge counts a rate from when the rule starts)."""
        return moment + self.period


@dataclass(frozen=True, slots=True)
class Cron:
    """``cron(...)``: the UTC minutes at which every field matches."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int] | None  # None: any year
    dom: frozenset[int] | None  # None: '?' (day-of-week decides)
    dom_last: bool = False
    dow: frozenset[int] | None = None  # 1-7 = SUN-SAT; None: '?'
    dow_nth: tuple[int, int] | None = None  # (weekday 1-7, n) for 'D#n'
    _sorted: tuple[tuple[int, ...], tuple[int, ...]] = field(default=((), ()), compare=False)

    def day_matches(self, day: datetime) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        weekday = (day.weekday() + 1) % 7 + 1  # Python Monday=0 -> AWS MON=2
        if self.dom is not None or self.dom_last:
            last = calendar.monthrange(day.year, day.month)[1]
            return (self.dom is not None and day.day in self.dom) or (self.dom_last and day.day == last)
        if self.dow_nth is not None:
            wanted, nth = self.dow_nth
            return weekday == wanted and (day.day - 1) // 7 + 1 == nth
        return self.dow is not None and weekday in self.dow

    def next_after(self, moment: datetime) -> datetime:
        """The first matching minute strictly after ``moment`` (searched up to 10 years ahead)."""
        hours, minutes = self._sorted
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        for _ in range(_HORIZON_DAYS):
            if self.day_matches(day):
                for hour in hours:
                    for minute in minutes:
                        candidate = day.replace(hour=hour, minute=minute)
                        if candidate > moment:
                            return candidate
            day += timedelta(days=1)
        raise ScheduleError(f"{self.expression} never fires in the next ten years")

    def fires_more_than_daily(self) -> bool:
        return len(self.hours) * len(self.minutes) > 1


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    """Expand one cron field (``*``, lists, ranges, steps, names) into its values."""
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step_value = ascii_int(step_text, 4)
            if not step_value:
                raise ScheduleError(f"bad step in cron field {text!r}")
            step = step_value
        if part == "*":
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _value(a, names), _value(b, names)
        else:
            start = _value(part, names)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise ScheduleError(f"cron field {text!r} is out of range {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    number = ascii_int(text, 4)
    if number is None:
        raise ScheduleError(f"bad cron value {text!r}")
    return number


def _parse_cron(expression: str, body: str) -> Cron:
    parts = body.split()
    if len(parts) != 6:
        raise ScheduleError("a cron expression has six fields: minutes hours day-of-month month day-of-week year")
    minute_f, hour_f, dom_f, month_f, dow_f, year_f = parts
    if (dom_f == "?") == (dow_f == "?"):
        raise ScheduleError("exactly one of day-of-month and day-of-week must be '?'")
    dom, dom_last, dow, dow_nth = None, False, None, None
    if dom_f != "?":
        if dom_f == "L":
            dom_last = True
        else:
            dom = _field(dom_f, 1, 31)
    else:
        match = re.fullmatch(r"(\w+)#([1-5])", dow_f)
        if match:
            dow_nth = (_value(match.group(1), _DAYS), int(match.group(2)))
            if not 1 <= dow_nth[0] <= 7:
                raise ScheduleError(f"bad day of week in {dow_f!r}")
        else:
            dow = _field(dow_f, 1, 7, _DAYS)
    minutes, hours = _field(minute_f, 0, 59), _field(hour_f, 0, 23)
    cron = Cron(
        expression,
        minutes,
        hours,
        _field(month_f, 1, 12, _MONTHS),
        None if year_f == "*" else _field(year_f, 1970, 2199),
        dom,
        dom_last,
        dow,
        dow_nth,
    )
    object.__setattr__(cron, "_sorted", (tuple(sorted(hours)), tuple(sorted(minutes))))
    if cron.years is None and first_after(cron, _ANY_START) is None:
        raise ScheduleError(f"{expression} names days that never come")
    return cron


_ANY_START = datetime(2000, 1, 1)  # every year's days recur within the horizon, leap days included


def first_after(schedule: Rate | Cron, moment: datetime) -> datetime | None:
    """``schedule.next_after(moment)``, or ``None`` when it has no instant left to fire at."""
    try:
        return schedule.next_after(moment)
    except (ScheduleError, OverflowError):
        return None


def parse(expression: object) -> Rate | Cron:
    """Parse a ``rate(...)`` or ``cron(...)`` expression; :class:`ScheduleError` says what is wrong."""
    if not isinstance(expression, str):
        raise ScheduleError("a schedule expression is a string")
    return _parse(expression)


@functools.lru_cache(maxsize=256)  # services re-read stored rules; the parsed schedules are immutable
def _parse(expression: str) -> Rate | Cron:
    match = _RATE_RE.fullmatch(expression)
    if match:
        value, unit = int(match.group(1)), match.group(2)
        if value < 1:
            raise ScheduleError("a rate must be a positive whole number")
        if value * _UNIT_SECONDS[unit.rstrip("s")] > _HORIZON_DAYS * 86400:
            raise ScheduleError("a rate is at most ten years")
        if (value == 1) != (not unit.endswith("s")):
            raise ScheduleError("use the singular unit for a value of 1 and the plural otherwise")
        return Rate(expression, value, unit.rstrip("s"))
    match = _CRON_RE.fullmatch(expression)
    if match:
        return _parse_cron(expression, match.group(1))
    raise ScheduleError("a schedule expression looks like rate(7 days) or cron(0 10 * * ? *)")
