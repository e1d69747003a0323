"""``/_secretkit/clock``: the Cloud's simulated clock over HTTP — the one thing AWS cannot do.

* ``GET /_secretkit/clock`` answers ``{"now": "2026-12-01T10:00:00+00:00"}``;
* ``POST /_secretkit/clock`` with ``{"advance": {"days": 30}}`` moves the clock forward
  (any of ``days``, ``hours``, ``minutes``, ``seconds``, non-negative numbers) and answers
  the new ``{"now": ...}``. Behind it is the Cloud's ``SimClock``, whose ``advance`` runs
  whatever falls due on the way (a rotation, a deletion at the end of its recovery window).

A body the door cannot use gets HTTP 400 and ``{"error": "<what was wrong>"}``; this path
is the kit's own, so its errors are plain JSON rather than an AWS error shape. The clock
itself is an injected callable — ``clock(None)`` reads it, ``clock(timedelta)`` advances it
— so the door never holds the Cloud.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..protocols.wire import HttpResponse

__all__ = ["CLOCK_PATH", "ClockControl", "ClockRequestError", "UNITS", "clock_response", "parse_advance"]

CLOCK_PATH = "/_secretkit/clock"
UNITS = ("days", "hours", "minutes", "seconds")
ClockControl = Callable[[timedelta | None], datetime]
_EXAMPLE = '{"advance": {"days": 30}}'


class ClockRequestError(ValueError):
    """A clock request the door refuses; its text is the 400 answer's ``error``."""


def parse_advance(body: bytes) -> timedelta:
    """The step a ``POST`` body asks for; :class:`ClockRequestError` explains a bad one."""
    if not body.strip():
        raise ClockRequestError(f"POST needs a JSON body such as {_EXAMPLE}")
    try:
        document = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ClockRequestError(f"the body is not JSON; send for example {_EXAMPLE}") from None
    if not isinstance(document, dict) or set(document) != {"advance"}:
        found = sorted(document) if isinstance(document, dict) else type(document).__name__
        raise ClockRequestError(f"the body must be an object with one key, 'advance' (got {found})")
    step = document["advance"]
    if not isinstance(step, dict) or not step:
        raise ClockRequestError(f"'advance' must be an object of {', '.join(UNITS)}, e.g. {_EXAMPLE}")
    unknown = sorted(set(step) - set(UNITS))
    if unknown:
        raise ClockRequestError(f"unknown unit(s) {', '.join(unknown)}; use {', '.join(UNITS)}")
    amounts: dict[str, float] = {}
    for unit, amount in step.items():
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount):
            raise ClockRequestError(f"'{unit}' must be a number, not {json.dumps(amount)}")
        if amount < 0:
            raise ClockRequestError(f"'{unit}' is negative: the clock only moves forward")
        amounts[unit] = float(amount)
    try:
        return timedelta(**amounts)
    except OverflowError:
        raise ClockRequestError("that step is too large for a calendar") from None


def _json(status: int, document: dict[str, Any]) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(document).encode("utf-8"))


def clock_response(method: str, body: bytes, clock: ClockControl | None) -> HttpResponse:
    """The answer to ``method`` on :data:`CLOCK_PATH`."""
    if clock is None:
        return _json(404, {"error": "this endpoint was started without a clock"})
    if method not in ("GET", "POST"):
        response = _json(405, {"error": f"{method} is not allowed here; GET reads the clock, POST advances it"})
        response.headers.append(("Allow", "GET, POST"))
        return response
    try:
        step = parse_advance(body) if method == "POST" else None
        now = clock(step)
    except (ClockRequestError, ValueError, OverflowError) as exc:
        return _json(400, {"error": str(exc)})
    return _json(200, {"now": now.isoformat()})
