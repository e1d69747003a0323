"""Modelled time inside a function: how long an invocation takes, and when it times out.

The model never reads the wall clock, so how long a function runs is *modelled*:

``duration = the function's declared compute time + the time it spends in time.sleep``

* **Declared compute time** (``duration_ms``, 100 ms unless set with the kit-only
  ``kit_set_timing``) stands for the work the handler does. Measuring it with a
  stopwatch would make two runs of the same notebook bill differently, and the time
  this machine takes says nothing about the time a 128 MB Lambda would.
* **Sleeping** is how a function waits (AWS's ElastiCache rotation template polls with
  ``time.sleep``). Inside a function ``time.sleep(n)`` waits nothing: it adds ``n`` seconds
  to the invocation's clock, so ``context.get_remaining_time_in_millis()`` falls, log lines
  are stamped later, and a wait past the timeout ends the invocation there, as Lambda
  would: "Task timed out after 3.00 seconds".
* API calls the handler makes add nothing. AWS publishes no latency for them, and a
  figure invented here would end up in every bill the meter prints.

A cold start adds an Init phase: the declared ``init_ms`` (100 ms unless set: the low
end of what AWS documents for cold starts, "from under 100 ms to over 1 second") plus
what module-level code sleeps. Since 1 August 2025 Lambda bills Init for functions like
these, so the billed duration of a cold invocation is Init plus Invoke, rounded up to the
millisecond. Init has its own limit of 10 seconds; if it runs past that, Lambda starts
Init again inside the invocation, under the function's timeout (a "suppressed init").

The Cloud's clock does not move while a function runs: an invocation's times are its
start plus this stopwatch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "DEFAULT_DURATION_MS",
    "DEFAULT_INIT_MS",
    "INIT_LIMIT_MS",
    "KitTiming",
    "Stopwatch",
    "Timedout",
    "billed_ms",
]

DEFAULT_DURATION_MS = 100.0
DEFAULT_INIT_MS = 100.0
INIT_LIMIT_MS = 10_000.0


class Timedout(BaseException):
    """Raised inside a function whose modelled time reached its limit.

    A ``BaseException`` so that ``except Exception`` in the function does not swallow it,
    as nothing in the function can stop Lambda ending it; the runtime also checks the
    stopwatch afterwards, in case a bare ``except:`` did.
    """


@dataclass(slots=True)
class KitTiming:
    """The modelled figures of one function (kit-only; AWS has no such setting)."""

    duration_ms: float = DEFAULT_DURATION_MS
    init_ms: float = DEFAULT_INIT_MS


@dataclass(slots=True)
class Stopwatch:
    """The modelled clock of one phase (Init or Invoke) of one invocation."""

    start: datetime
    limit_ms: float
    elapsed_ms: float = 0.0
    expired: bool = False

    def now(self) -> datetime:
        """The modelled instant inside the phase."""
        return self.start + timedelta(milliseconds=self.elapsed_ms)

    def remaining_ms(self) -> int:
        """Milliseconds left before the limit, never negative (``get_remaining_time_in_millis``)."""
        return max(0, int(self.limit_ms - self.elapsed_ms))

    def spend(self, milliseconds: float) -> None:
        """Let ``milliseconds`` of modelled time pass; raise :class:`Timedout` at the limit."""
        if self.elapsed_ms + milliseconds >= self.limit_ms and milliseconds > 0:
            self.elapsed_ms = self.limit_ms
            self.expired = True
            raise Timedout()
        self.elapsed_ms += milliseconds

    def sleep(self, seconds: float) -> None:
        """``time.sleep`` inside a function: check the argument as Python does, then spend it."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"'{type(seconds).__name__}' object cannot be interpreted as an integer or float")
        if math.isnan(seconds):
            raise ValueError("Invalid value NaN (not a number)")
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        self.spend(seconds * 1000.0)


def billed_ms(duration_ms: float) -> int:
    """Lambda bills duration rounded up to the next millisecond."""
    return int(math.ceil(round(duration_ms, 6)))
