"""The application through rotations: single-user has a failure window, alternating users none,
and a cache makes the window longer."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from _rotation_support import make_setup

from secretkit.apps import Application, RotationTimeline, SecretCache


def run(strategy: str, *, cached: bool, refresh: timedelta = timedelta(hours=1)):  # type: ignore[no-untyped-def]
    s = make_setup("postgres", strategy, duration_ms=2000)  # each step takes 2 s of simulated time
    clock = s.cloud.clock
    cache = SecretCache(s.sm, clock, random.Random(7), refresh) if cached else None
    app = Application(clock, s.connector, s.arn, client=None if cached else s.sm, cache=cache, every=timedelta(seconds=1))
    timeline = RotationTimeline(s.cloud.events, s.sm, s.arn, s.db)
    app.start()
    clock.advance(minutes=10)
    s.sm.rotate_secret(SecretId=s.arn, RotationLambdaARN=s.function_arn)
    clock.advance(hours=2)
    app.stop()
    return s, app, timeline


@pytest.mark.parametrize("cached", (False, True))
def test_alternating_users_never_fail_a_request(cached: bool) -> None:
    _, app, timeline = run("alternating-users", cached=cached)
    assert len(app.requests) > 7000 and app.failures == []
    assert {r.username for r in app.requests} == {"app", "app_clone"}  # it did switch users
    assert timeline.disagreements() == [] and len(timeline.rows) == 4


def test_single_user_fails_between_set_and_finish() -> None:
    s, app, timeline = run("single-user", cached=False)
    invokes = {e.detail["step"]: e.time for e in s.cloud.events.select(kind="invoke")}
    failed = app.failures
    assert len(failed) > 0
    assert all(invokes["setSecret"] <= r.time <= invokes["finishSecret"] for r in failed)
    assert all(r.reason == "login refused" for r in failed)
    # The chart's records: after setSecret and testSecret the database refuses what AWSCURRENT holds.
    assert [row.step for row in timeline.disagreements()] == ["setSecret", "testSecret"]
    assert [row.current_accepted for row in timeline.rows] == [True, False, False, True]
    assert timeline.rows[1].pending_accepted is True


def test_a_cache_makes_the_single_user_window_longer() -> None:
    _, direct, _ = run("single-user", cached=False)
    _, cached, _ = run("single-user", cached=True)
    d_start, d_end = direct.failure_window()  # type: ignore[misc]
    c_start, c_end = cached.failure_window()  # type: ignore[misc]
    assert len(cached.failures) > len(direct.failures)
    assert c_end - c_start > d_end - d_start
    assert c_end - c_start <= timedelta(hours=1)  # never staler than the refresh interval
    assert cached.requests[-1].ok  # the cache caught up


def test_a_shorter_refresh_shortens_the_window() -> None:
    _, hourly, _ = run("single-user", cached=True)
    _, quick, _ = run("single-user", cached=True, refresh=timedelta(minutes=5))
    assert 0 < len(quick.failures) < len(hourly.failures)


def test_cache_refresh_interval_is_jittered_between_half_and_full() -> None:
    s = make_setup()
    cache = SecretCache(s.sm, s.cloud.clock, random.Random(1), timedelta(hours=1))
    cache.get_secret_string(s.arn)
    due = cache._next_refresh[s.arn] - s.cloud.clock.now
    assert timedelta(minutes=30) <= due <= timedelta(hours=1)
    reads = len(s.cloud.events.select(kind="call", operation="GetSecretValue"))
    cache.get_secret_string(s.arn)
    assert len(s.cloud.events.select(kind="call", operation="GetSecretValue")) == reads  # served from the cache


def test_application_argument_checks() -> None:
    s = make_setup()
    with pytest.raises(ValueError):
        Application(s.cloud.clock, s.connector, s.arn)
    with pytest.raises(ValueError):
        Application(s.cloud.clock, s.connector, s.arn, client=s.sm, every=timedelta(0))
