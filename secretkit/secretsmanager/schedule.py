"""Rotation schedules: checking ``RotationRules`` and finding the next rotation window.

Secrets Manager does not rotate at an exact instant: it rotates at *some moment inside a
window*. The rules, all in UTC:

* ``AutomaticallyAfterDays: N`` (1-1000): the window is the whole UTC day N days after the
  last rotation. A manual ``PutSecretValue`` or ``UpdateSecret`` counts as a rotation here.
* ``ScheduleExpression: "rate(N days)"``: the same, with windows opening at midnight UTC.
  ``rate(N hours)`` (at least 4 hours): windows open on the hour, N hours apart.
* ``ScheduleExpression: "cron(0 H DoM Mon DoW *)"``: minutes must be 0 and the year ``*``.
* ``Duration: "3h"`` shortens the window (1-24 hours). Without it, a window that opens more
  than once a day lasts one hour and a daily one lasts to the end of the UTC day. A window
  may not run into the next UTC day.

``NextRotationDate`` is the "on or before" date: the last second of the next window.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from ..core.checks import check_int, check_length, check_str, fail
from ..core.expressions import Cron, Rate, ScheduleError, parse

__all__ = ["check_rules", "is_day_based", "next_window"]

_DURATION_RE = re.compile(r"(\d{1,2})h", re.ASCII)
_DAY = timedelta(days=1)


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _bad_expression(why: str) -> Exception:
    return fail("InvalidParameterException", f"Invalid ScheduleExpression: {why}")


def check_rules(rules: object) -> dict[str, Any]:
    """Validate ``RotationRules`` as Secrets Manager does; return them as DescribeSecret shows them."""
    if not isinstance(rules, dict):
        raise fail("ValidationException", "Invalid type for parameter RotationRules, value must be a dict.")
    unknown = set(rules) - {"AutomaticallyAfterDays", "Duration", "ScheduleExpression"}
    if unknown:
        raise fail("ValidationException", f'Unknown parameter in RotationRules: "{min(unknown)}"')
    days, expression, duration = rules.get("AutomaticallyAfterDays"), rules.get("ScheduleExpression"), rules.get("Duration")
    if days is not None and expression is not None:
        raise fail("InvalidParameterException", "You cannot specify both rotation frequency and schedule expression together.")
    if days is None and expression is None:
        raise fail("InvalidParameterException", "You must specify either AutomaticallyAfterDays or ScheduleExpression.")
    out: dict[str, Any] = {}
    if days is not None:
        out["AutomaticallyAfterDays"] = check_int(days, "rotationRules.automaticallyAfterDays", 1, 1000)
    else:
        check_length(check_str(expression, "ScheduleExpression"), "rotationRules.scheduleExpression", 1, 256)
        schedule = _check_expression(expression)  # type: ignore[arg-type]
        out["ScheduleExpression"] = expression
    if duration is not None:
        check_length(check_str(duration, "Duration"), "rotationRules.duration", 2, 3)
        match = _DURATION_RE.fullmatch(duration)  # type: ignore[arg-type]
        if not match or not 1 <= int(match.group(1)) <= 24:
            raise fail("InvalidParameterException", "Duration must be a whole number of hours from 1h to 24h.")
        hours = int(match.group(1))
        if expression is not None and isinstance(schedule, Rate) and schedule.unit == "hour" and hours > schedule.value:
            raise fail("InvalidParameterException", "The rotation window can't run into the next rotation window.")
        if expression is not None and isinstance(schedule, Cron):
            if max(schedule.hours) + hours > 24:
                raise fail("InvalidParameterException", "The rotation window can't extend into the next UTC day.")
            if len(schedule.hours) > 1:
                ordered = sorted(schedule.hours)
                if min(b - a for a, b in pairwise(ordered)) < hours:
                    raise fail("InvalidParameterException", "The rotation window can't run into the next rotation window.")
        out["Duration"] = duration
    return out


def _check_expression(expression: str) -> Rate | Cron:
    try:
        schedule = parse(expression)
    except ScheduleError as exc:
        raise _bad_expression(str(exc)) from None
    if isinstance(schedule, Rate):
        if schedule.unit == "minute" or (schedule.unit == "hour" and schedule.value < 4):
            raise _bad_expression("a rate() rotates at most once every four hours")
        if schedule.unit == "day" and schedule.value > 999:
            raise _bad_expression("a rate() in days is at most 999 days")
        return schedule
    body = expression[len("cron(") : -1].split()
    if body[0] != "0":
        raise _bad_expression("the minutes field must be 0 (rotation windows open on the hour)")
    if body[5] != "*":
        raise _bad_expression("the year field must be *")
    return schedule


def is_day_based(rules: dict[str, Any] | None) -> bool:
    """Whether the schedule counts days from the last rotation (so a manual change resets it)."""
    if not rules:
        return False
    if "AutomaticallyAfterDays" in rules:
        return True
    schedule = parse(rules["ScheduleExpression"])
    return isinstance(schedule, Rate) and schedule.unit == "day"


def next_window(rules: dict[str, Any], last_rotation: datetime, now: datetime) -> tuple[datetime, datetime]:
    """The next rotation window ``[start, end)`` for ``rules``.

    Day-based rules count from ``last_rotation``; the window found may lie in the past when
    rotations kept failing (AWS's NextRotationDate can too). ``cron()`` counts from ``now``.
    """
    duration = rules.get("Duration")
    span = timedelta(hours=int(duration[:-1])) if duration else None
    if "AutomaticallyAfterDays" in rules:
        start = _midnight(last_rotation) + rules["AutomaticallyAfterDays"] * _DAY
        return start, start + (span or _DAY)
    schedule = parse(rules["ScheduleExpression"])
    if isinstance(schedule, Rate):
        if schedule.unit == "day":
            start = _midnight(last_rotation) + schedule.value * _DAY
            return start, start + (span or _DAY)
        start = last_rotation.replace(minute=0, second=0, microsecond=0) + schedule.period
        return start, start + (span or timedelta(hours=1))
    start = schedule.next_after(now)
    if span is None:
        span = timedelta(hours=1) if schedule.fires_more_than_daily() else _midnight(start) + _DAY - start
    return start, start + span
