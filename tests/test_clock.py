"""The simulated clock: time moves only when told, work runs in time order."""

from datetime import datetime, timedelta, timezone

import pytest

from secretkit.core.clock import SimClock, parse_instant


def test_start_is_aware_utc():
    clock = SimClock("2026-01-01")
    assert clock.now == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert clock.now.tzinfo is timezone.utc


def test_parse_instant_accepts_offsets_and_rejects_garbage():
    assert parse_instant("2026-01-01T02:00:00+02:00") == datetime(2026, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="ISO"):
        parse_instant("yesterday")
    with pytest.raises(TypeError):
        parse_instant(42)  # type: ignore[arg-type]


def test_advance_runs_due_work_in_time_order_with_clock_at_each_instant():
    clock = SimClock("2026-01-01")
    seen = []
    start = clock.now
    clock.schedule(start + timedelta(days=2), lambda: seen.append(("b", clock.now)))
    clock.schedule(start + timedelta(days=1), lambda: seen.append(("a", clock.now)))
    clock.schedule(start + timedelta(days=5), lambda: seen.append(("late", clock.now)))
    clock.advance(days=3)
    assert seen == [("a", start + timedelta(days=1)), ("b", start + timedelta(days=2))]
    assert clock.now == start + timedelta(days=3)
    clock.advance(days=2)
    assert seen[-1] == ("late", start + timedelta(days=5))


def test_same_instant_runs_in_scheduling_order():
    clock = SimClock("2026-01-01")
    order = []
    when = clock.now + timedelta(hours=1)
    for i in range(5):
        clock.schedule(when, lambda i=i: order.append(i))
    clock.advance(hours=1)
    assert order == [0, 1, 2, 3, 4]


def test_callbacks_can_schedule_more_work_that_falls_due_in_the_same_advance():
    clock = SimClock("2026-01-01")
    fired = []

    def tick():
        fired.append(clock.now)
        if len(fired) < 3:
            clock.call_later(timedelta(days=1), tick)

    clock.call_later(timedelta(days=1), tick)
    clock.advance(days=10)
    assert [d.day for d in fired] == [2, 3, 4]


def test_cancelled_timer_never_fires_and_peek_skips_it():
    clock = SimClock("2026-01-01")
    fired = []
    timer = clock.call_later(timedelta(hours=1), lambda: fired.append(1))
    timer.cancel()
    assert clock.peek() is None
    clock.advance(days=1)
    assert fired == []


def test_time_never_goes_backwards():
    clock = SimClock("2026-01-01")
    with pytest.raises(ValueError, match="forward"):
        clock.advance(days=-1)
    with pytest.raises(ValueError, match="before now"):
        clock.run_until("2025-12-31")


def test_advancing_from_inside_a_callback_is_refused():
    clock = SimClock("2026-01-01")
    errors = []

    def nested():
        try:
            clock.advance(days=1)
        except RuntimeError as exc:
            errors.append(str(exc))

    clock.call_later(timedelta(hours=1), nested)
    clock.advance(hours=2)
    assert errors and "inside a scheduled callback" in errors[0]


def test_naive_datetimes_are_refused_for_scheduling():
    clock = SimClock("2026-01-01")
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.schedule(datetime(2026, 1, 2), lambda: None)
