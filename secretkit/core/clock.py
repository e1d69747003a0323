"""The simulated clock: the only source of time in secretkit.

Time moves only when told to (``advance`` / ``run_until``). Work that falls due is kept
in a heap of ``(when, priority, sequence, callback)``; the sequence number breaks ties so
that events scheduled for the same instant run in the order they were scheduled, which
makes every run reproducible.

>>> clock = SimClock("2026-01-01")
>>> fired = []
>>> _ = clock.schedule(clock.now + timedelta(days=1), lambda: fired.append(clock.now.day))
>>> clock.advance(days=2)
>>> fired
[2]
"""

from __future__ import annotations

import heapq
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable

__all__ = ["SimClock", "Timer", "parse_instant"]

UTC = timezone.utc


def parse_instant(value: str | date | datetime) -> datetime:
    """Turn ``"2026-01-01"``, an ISO timestamp, a date or a datetime into an aware UTC datetime."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"start must be an ISO date or timestamp, got {value!r}") from None
    else:
        raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(order=True, slots=True)
class Timer:
    """A scheduled callback. Call :meth:`cancel` to stop it from firing."""

    when: datetime
    priority: int
    seq: int
    callback: Callable[[], object] = field(compare=False)
    label: str = field(default="", compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class SimClock:
    """Simulated UTC time with a queue of work that falls due as time passes."""

    lock: threading.RLock  #: the Cloud's lock (re-entrant): held by every operation and every clock step

    def __new__(cls, *args: object, **kwargs: object) -> SimClock:
        # The lock is made with the object, before any state: a Cloud being loaded binds its
        # regions to it while the clock's own state is still to come (see __getstate__).
        self = super().__new__(cls)
        self.lock = threading.RLock()
        return self

    def __init__(self, start: str | date | datetime = "2026-01-01") -> None:
        self._now = parse_instant(start)
        self._queue: list[Timer] = []
        self._seq = 0  # the sequence number of the next timer
        self._running = False

    def __getstate__(self) -> dict[str, object]:
        """Everything but the lock: a loaded clock keeps the new, unheld one ``__new__`` made."""
        return {name: value for name, value in self.__dict__.items() if name != "lock"}

    @property
    def now(self) -> datetime:
        """The current simulated instant (timezone-aware, UTC)."""
        return self._now

    def schedule(
        self,
        when: datetime,
        callback: Callable[[], object],
        *,
        priority: int = 0,
        label: str = "",
    ) -> Timer:
        """Run ``callback`` once the clock reaches ``when`` (at once on the next advance if past)."""
        if when.tzinfo is None:
            raise ValueError("when must be timezone-aware")
        with self.lock:
            timer = Timer(max(when, self._now), priority, self._seq, callback, label)
            self._seq += 1
            heapq.heappush(self._queue, timer)
            return timer

    def call_later(self, delay: timedelta, callback: Callable[[], object], *, label: str = "") -> Timer:
        """Run ``callback`` after ``delay`` of simulated time."""
        return self.schedule(self._now + delay, callback, label=label)

    def peek(self) -> datetime | None:
        """When the next pending timer fires, or ``None`` if nothing is scheduled."""
        with self.lock:
            while self._queue and self._queue[0].cancelled:
                heapq.heappop(self._queue)
            return self._queue[0].when if self._queue else None

    def pending(self) -> list[Timer]:
        """The timers still to fire, in firing order (for notebooks and tests)."""
        with self.lock:
            return sorted(t for t in self._queue if not t.cancelled)

    def step(self) -> bool:
        """Fire the next timer, moving the clock to its instant. Returns False if none is due."""
        with self.lock:
            if self.peek() is None:
                return False
            timer = heapq.heappop(self._queue)
            self._now = max(self._now, timer.when)
            timer.callback()
            return True

    def run_until(self, until: str | date | datetime) -> None:
        """Fire, in time order, everything due up to ``until``, then stop the clock at ``until``."""
        target = parse_instant(until)
        with self.lock:  # the whole advance: no call sees the clock between two of its timers
            if target < self._now:
                raise ValueError(f"until ({target.isoformat()}) must not be before now ({self._now.isoformat()})")
            if self._running:
                raise RuntimeError("the clock cannot be advanced from inside a scheduled callback")
            self._running = True
            try:
                while True:
                    nxt = self.peek()
                    if nxt is None or nxt > target:
                        break
                    self.step()
                self._now = target
            finally:
                self._running = False

    def advance(
        self,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> None:
        """Move time forward, running everything that falls due on the way, in time order."""
        delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if delta < timedelta(0):
            raise ValueError(f"time only moves forward; got a negative step of {delta}")
        with self.lock:  # "now" read and moved in one step
            self.run_until(self._now + delta)

    def __repr__(self) -> str:
        return f"SimClock(now={self._now.isoformat()}, pending={len(self.pending())})"
