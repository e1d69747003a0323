"""Lambda-style functions and EventBridge-style scheduled rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from secretkit import Cloud
from secretkit.core.errors import ClientError
from secretkit.core.expressions import Cron, Rate, ScheduleError, parse


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_register_and_invoke_logs_the_invocation() -> None:
    cloud = Cloud()
    seen = []
    arn = cloud.register_function("hello", lambda event, ctx: seen.append((event, ctx.function_name)) or "hi",
                                  memory_mb=256, duration_ms=40)
    assert arn == "arn:aws:lambda:us-east-1:123456789012:function:hello"
    assert cloud.invoke(arn, {"a": 1}) == "hi"
    assert seen == [({"a": 1}, "hello")]
    (event,) = cloud.events.select(kind="invoke")
    assert (event.service, event.operation, event.outcome) == ("lambda", "Invoke", "OK")
    assert event.detail == {"function": "hello", "duration_ms": 40.0, "memory_mb": 256}


def test_a_failing_handler_is_logged_and_raises() -> None:
    cloud = Cloud()

    def boom(event, ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    arn = cloud.register_function("boom", boom)
    with pytest.raises(RuntimeError):
        cloud.invoke(arn, {})
    assert cloud.events.select(kind="invoke")[0].outcome == "FunctionError"


def test_bad_registrations_and_unknown_functions() -> None:
    cloud = Cloud()
    with pytest.raises(ValueError):
        cloud.register_function("bad name!", lambda e, c: None)
    with pytest.raises(ValueError):
        cloud.register_function("ok", lambda e, c: None, memory_mb=64)
    with pytest.raises(TypeError):
        cloud.register_function("ok", "not callable")  # type: ignore[arg-type]
    with pytest.raises(ClientError) as info:
        cloud.invoke("arn:aws:lambda:us-east-1:123456789012:function:none", {})
    assert info.value.code == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "expression, after, expected",
    [
        ("rate(5 minutes)", utc(2026, 1, 1, 10), utc(2026, 1, 1, 10, 5)),
        ("rate(1 day)", utc(2026, 1, 1, 10), utc(2026, 1, 2, 10)),
        ("cron(0 10 * * ? *)", utc(2026, 1, 1, 10), utc(2026, 1, 2, 10)),
        ("cron(0/15 * * * ? *)", utc(2026, 1, 1, 10, 1), utc(2026, 1, 1, 10, 15)),
        ("cron(0 8 ? * MON-FRI *)", utc(2026, 1, 2, 9), utc(2026, 1, 5, 8)),  # Friday 09:00 -> Monday
        ("cron(0 0 L * ? *)", utc(2026, 2, 1), utc(2026, 2, 28)),
        ("cron(0 12 ? * 2#1 *)", utc(2026, 1, 1), utc(2026, 1, 5, 12)),  # first Monday
        ("cron(30 6 1 JAN,JUL ? 2027)", utc(2026, 1, 1), utc(2027, 1, 1, 6, 30)),
    ],
)
def test_next_firing(expression: str, after: datetime, expected: datetime) -> None:
    assert parse(expression).next_after(after) == expected


@pytest.mark.parametrize(
    "expression",
    ["rate(1 days)", "rate(2 hour)", "rate(0 minutes)", "rate(5 weeks)", "cron(0 10 * * * *)", "cron(0 10 ? * ? *)",
     "cron(0 25 * * ? *)", "cron(0 10 * *)", "daily", 7],
)
def test_invalid_expressions(expression: object) -> None:
    with pytest.raises(ScheduleError):
        parse(expression)


def test_types() -> None:
    assert isinstance(parse("rate(4 hours)"), Rate) and isinstance(parse("cron(0 4 * * ? *)"), Cron)


def test_a_rule_rotates_a_parameter_by_hand() -> None:
    cloud = Cloud()
    ssm = cloud.ssm()
    ssm.put_parameter(Name="/app/token", Value="v0", Type="SecureString")
    counter = iter(range(1, 100))

    def rotate(event, ctx):  # type: ignore[no-untyped-def]
        assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
        ssm.put_parameter(Name="/app/token", Value=f"v{next(counter)}", Type="SecureString", Overwrite=True)

    arn = cloud.register_function("rotate-token", rotate)
    rule = cloud.put_rule("weekly", "rate(7 days)", arn)
    cloud.clock.advance(days=21)
    assert rule.fired == 3
    assert ssm.get_parameter(Name="/app/token", WithDecryption=True)["Parameter"]["Value"] == "v3"
    cloud.rules.disable_rule("weekly")
    cloud.clock.advance(days=14)
    assert rule.fired == 3
    cloud.rules.enable_rule("weekly")
    cloud.clock.advance(days=7)
    assert rule.fired == 4


def test_a_failing_target_does_not_stop_the_rule() -> None:
    cloud = Cloud()
    arn = cloud.register_function("flaky", lambda e, c: 1 / 0)
    rule = cloud.put_rule("hourly", "cron(0 * * * ? *)", arn)
    cloud.clock.advance(hours=3)
    assert (rule.fired, rule.failures) == (3, 3)


def test_rule_errors() -> None:
    cloud = Cloud()
    arn = cloud.register_function("f", lambda e, c: None)
    for name, expr, target, code in (
        ("r", "rate(banana)", arn, "ValidationException"),
        ("bad name", "rate(1 day)", arn, "ValidationException"),
        ("r", "rate(1 day)", "arn:aws:lambda:us-east-1:123456789012:function:none", "ResourceNotFoundException"),
    ):
        with pytest.raises(ClientError) as info:
            cloud.put_rule(name, expr, target)
        assert info.value.code == code
    with pytest.raises(ClientError):
        cloud.rules.delete_rule("never-made")
