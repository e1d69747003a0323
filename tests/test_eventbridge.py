"""EventBridge's rules API and its firing: scheduled rules whose targets are Lambda functions,
invoked asynchronously through the runtime once the function's policy lets EventBridge in.
Also the rate()/cron() expressions rules and rotation schedules share."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import botocore.exceptions
import pytest
from _lambda_support import lambda_role

from secretkit import Cloud
from secretkit.core.errors import ClientError
from secretkit.core.expressions import Cron, Rate, ScheduleError, parse

ROLE = "arn:aws:iam::123456789012:role/rotate-token-role"
ACCOUNT = "123456789012"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


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


def _error(call, **kwargs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises((ClientError, botocore.exceptions.ClientError)) as info:
        call(**kwargs)
    return info.value.response["Error"]


@pytest.fixture(params=["model", "boto3"])
def events(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    cloud = Cloud(seed=4)
    api = cloud.eventbridge("us-east-1") if request.param == "model" else cloud.client("events", region_name="us-east-1")
    return cloud, api


def _target(cloud: Cloud, name: str, handler, *, permit: bool = True, source_arn: str | None = None) -> str:  # type: ignore[no-untyped-def]
    lam = cloud.awslambda("us-east-1")
    lam.kit_deploy_callable(name, handler, Role=lambda_role(cloud, ROLE.rsplit("/", 1)[-1]))
    if permit:
        extra = {"SourceArn": source_arn} if source_arn else {}
        lam.add_permission(FunctionName=name, StatementId="events", Action="lambda:InvokeFunction",
                           Principal="events.amazonaws.com", **extra)
    return lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]


def test_a_scheduled_rule_rotates_a_parameter_by_hand(events) -> None:  # type: ignore[no-untyped-def]
    cloud, api = events
    ssm = cloud.ssm()
    ssm.put_parameter(Name="/app/token", Value="v0", Type="SecureString")
    seen = []

    def rotate(event, context):  # type: ignore[no-untyped-def]
        import boto3  # the function makes its own client, the AWS way

        client = boto3.client("ssm")
        old = client.get_parameter(Name="/app/token", WithDecryption=True)["Parameter"]["Value"]
        client.put_parameter(Name="/app/token", Value=f"v{int(old[1:]) + 1}", Type="SecureString", Overwrite=True)
        seen.append(event)

    rule_arn = api.put_rule(Name="weekly", ScheduleExpression="rate(7 days)")["RuleArn"]
    assert rule_arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/weekly"
    function_arn = _target(cloud, "rotate-token", rotate, source_arn=rule_arn)
    assert api.put_targets(Rule="weekly", Targets=[{"Id": "1", "Arn": function_arn}])["FailedEntryCount"] == 0
    cloud.clock.advance(days=21)
    assert ssm.get_parameter(Name="/app/token", WithDecryption=True)["Parameter"]["Value"] == "v3"
    assert [e["detail-type"] for e in seen] == ["Scheduled Event"] * 3
    assert seen[0]["source"] == "aws.events" and seen[0]["resources"] == [rule_arn]
    assert seen[0]["time"] == "2026-01-08T00:00:00Z" and seen[0]["account"] == ACCOUNT
    invokes = cloud.events.select(kind="invoke")
    assert [e.detail["invocation_type"] for e in invokes] == ["Event"] * 3  # asynchronous, as EventBridge invokes
    assert invokes[0].detail["rule"] == rule_arn
    api.disable_rule(Name="weekly")
    assert api.describe_rule(Name="weekly")["State"] == "DISABLED"
    cloud.clock.advance(days=14)
    assert len(seen) == 3
    api.enable_rule(Name="weekly")
    cloud.clock.advance(days=7)
    assert len(seen) == 4


def test_a_target_with_input_gets_that_event(events) -> None:  # type: ignore[no-untyped-def]
    cloud, api = events
    seen = []
    function_arn = _target(cloud, "echo", lambda event, context: seen.append(event))
    api.put_rule(Name="hourly", ScheduleExpression="cron(0 * * * ? *)")
    api.put_targets(Rule="hourly", Targets=[{"Id": "t", "Arn": function_arn, "Input": '{"job": "rotate"}'}])
    cloud.clock.advance(hours=2)
    assert seen == [{"job": "rotate"}, {"job": "rotate"}]
    assert api.list_targets_by_rule(Rule="hourly")["Targets"] == [{"Id": "t", "Arn": function_arn, "Input": '{"job": "rotate"}'}]


def test_without_permission_the_target_is_not_invoked_and_the_rule_keeps_firing(events) -> None:  # type: ignore[no-untyped-def]
    cloud, api = events
    seen = []
    function_arn = _target(cloud, "private", lambda event, context: seen.append(event), permit=False)
    api.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    api.put_targets(Rule="hourly", Targets=[{"Id": "t", "Arn": function_arn}])
    cloud.clock.advance(hours=2)
    assert seen == [] and cloud.events.select(kind="invoke") == []
    failed = cloud.events.select(kind="notice", operation="FailedInvocation")
    assert len(failed) == 2 and "AccessDeniedException" in failed[0].detail["error"]
    # A permission for another rule's ARN does not let this one in either.
    cloud.awslambda().add_permission(FunctionName="private", StatementId="other", Action="lambda:InvokeFunction",
                                     Principal="events.amazonaws.com",
                                     SourceArn=f"arn:aws:events:us-east-1:{ACCOUNT}:rule/other")
    cloud.clock.advance(hours=1)
    assert seen == [] and len(cloud.events.select(kind="notice", operation="FailedInvocation")) == 3


def test_a_failing_target_is_retried_by_lambda_and_does_not_stop_the_rule(events) -> None:  # type: ignore[no-untyped-def]
    cloud, api = events
    function_arn = _target(cloud, "flaky", lambda event, context: 1 / 0)
    api.put_rule(Name="daily", ScheduleExpression="rate(1 day)")
    api.put_targets(Rule="daily", Targets=[{"Id": "t", "Arn": function_arn}])
    cloud.clock.advance(days=2, minutes=5)  # two firings, each retried a minute and then two minutes later
    invokes = cloud.events.select(kind="invoke")
    assert [e.detail["attempt"] for e in invokes] == [1, 2, 3, 1, 2, 3]  # Lambda's two retries, each day
    assert all(e.outcome == "FunctionError" for e in invokes)
    assert len(cloud.events.select(kind="notice", operation="AsyncEventDiscarded")) == 2


def test_rules_are_described_listed_and_deleted_as_aws_does(events) -> None:  # type: ignore[no-untyped-def]
    cloud, api = events
    function_arn = _target(cloud, "f", lambda event, context: None)
    for name in ("b-rule", "a-rule", "c-other"):
        api.put_rule(Name=name, ScheduleExpression="rate(5 minutes)", Description=f"rule {name}")
    described = api.describe_rule(Name="a-rule")
    assert {k: described[k] for k in ("Name", "ScheduleExpression", "State", "EventBusName", "CreatedBy", "Description")} == {
        "Name": "a-rule", "ScheduleExpression": "rate(5 minutes)", "State": "ENABLED", "EventBusName": "default",
        "CreatedBy": ACCOUNT, "Description": "rule a-rule"}
    page = api.list_rules(Limit=2)
    assert [r["Name"] for r in page["Rules"]] == ["a-rule", "b-rule"] and "NextToken" in page
    rest = api.list_rules(Limit=2, NextToken=page["NextToken"])
    assert [r["Name"] for r in rest["Rules"]] == ["c-other"] and "NextToken" not in rest
    assert [r["Name"] for r in api.list_rules(NamePrefix="c")["Rules"]] == ["c-other"]
    api.put_rule(Name="a-rule", ScheduleExpression="rate(1 day)")  # an update keeps the rule's targets
    api.put_targets(Rule="a-rule", Targets=[{"Id": "1", "Arn": function_arn}])
    api.put_rule(Name="a-rule", ScheduleExpression="rate(2 days)")
    assert len(api.list_targets_by_rule(Rule="a-rule")["Targets"]) == 1
    assert _error(api.delete_rule, Name="a-rule") == {"Code": "ValidationException",
                                                      "Message": "Rule can't be deleted since it has targets."}
    out = api.remove_targets(Rule="a-rule", Ids=["1", "2"])
    assert out["FailedEntryCount"] == 1 and out["FailedEntries"][0]["TargetId"] == "2"
    api.delete_rule(Name="a-rule")
    api.delete_rule(Name="a-rule")  # deleting a rule that is gone succeeds, as on AWS
    assert [r["Name"] for r in api.list_rules()["Rules"]] == ["b-rule", "c-other"]


@pytest.mark.parametrize("call, kwargs, code, message", [
    ("put_rule", {"Name": "r", "ScheduleExpression": "rate(banana)"}, "ValidationException",
     "Parameter ScheduleExpression is not valid."),
    ("put_rule", {"Name": "r", "ScheduleExpression": "rate(1 days)"}, "ValidationException",
     "Parameter ScheduleExpression is not valid."),
    ("put_rule", {"Name": "r"}, "ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified."),
    ("put_rule", {"Name": "bad name", "ScheduleExpression": "rate(1 day)"}, "ValidationException", None),
    ("put_rule", {"Name": "r", "ScheduleExpression": "rate(1 day)", "EventBusName": "orders"},
     "ResourceNotFoundException", "Event bus orders does not exist."),
    ("describe_rule", {"Name": "none"}, "ResourceNotFoundException", "Rule none does not exist on EventBus default."),
    ("enable_rule", {"Name": "none"}, "ResourceNotFoundException", "Rule none does not exist on EventBus default."),
    ("put_targets", {"Rule": "none", "Targets": [{"Id": "1", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f"}]},
     "ResourceNotFoundException", "Rule none does not exist on EventBus default."),
    ("list_targets_by_rule", {"Rule": "none"}, "ResourceNotFoundException", "Rule none does not exist on EventBus default."),
])
def test_bad_input_gets_eventbridges_error_and_changes_nothing(events, call, kwargs, code, message) -> None:  # type: ignore[no-untyped-def]
    cloud, api = events
    err = _error(getattr(api, call), **kwargs)
    assert err["Code"] == code
    if message is not None:
        assert err["Message"] == message
    assert cloud.eventbridge().rules == {}


def test_targets_are_checked_before_any_is_added(events) -> None:  # type: ignore[no-untyped-def]
    cloud, api = events
    api.put_rule(Name="r", ScheduleExpression="rate(1 day)")
    fn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    not_lambda = [{"Id": "1", "Arn": fn}, {"Id": "2", "Arn": "arn:aws:sqs:us-east-1:123456789012:queue"}]
    assert _error(api.put_targets, Rule="r", Targets=not_lambda)["Code"] == "ValidationException"
    assert _error(api.put_targets, Rule="r", Targets=[{"Id": "1", "Arn": fn, "Input": "{not json"}])["Code"] == "ValidationException"
    six = [{"Id": str(i), "Arn": fn} for i in range(6)]
    assert _error(api.put_targets, Rule="r", Targets=six)["Code"] == "LimitExceededException"
    assert api.list_targets_by_rule(Rule="r")["Targets"] == []
