"""RotateSecret and CancelRotateSecret as AWS documents them, on the model and through boto3."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import botocore.exceptions
import pytest
from _lambda_support import lambda_role
from _rotation_support import make_setup

from secretkit import Cloud
from secretkit.core.errors import ClientError


def _error(call, **kwargs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises((ClientError, botocore.exceptions.ClientError)) as info:
        call(**kwargs)
    return info.value.response["Error"]


@pytest.fixture(params=["model", "boto3"])
def path(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    s = make_setup("postgres", "single-user")
    api = s.sm if request.param == "model" else s.cloud.client("secretsmanager", region_name="us-east-1")
    return s, api


def test_no_function_is_refused(path) -> None:  # type: ignore[no-untyped-def]
    s, api = path
    err = _error(api.rotate_secret, SecretId=s.arn)
    assert err["Code"] == "InvalidRequestException"
    assert err["Message"] == "No Lambda rotation function ARN is associated with this secret."


def test_unknown_function_cannot_be_invoked(path) -> None:  # type: ignore[no-untyped-def]
    s, api = path
    err = _error(api.rotate_secret, SecretId=s.arn, RotationLambdaARN="arn:aws:lambda:us-east-1:123456789012:function:nope")
    assert err["Code"] == "AccessDeniedException"
    assert "RotationEnabled" not in s.sm.describe_secret(SecretId=s.arn)  # nothing stored


@pytest.mark.parametrize(
    "rules, code",
    [
        ({"AutomaticallyAfterDays": 0}, "ValidationException"),
        ({"AutomaticallyAfterDays": 1001}, "ValidationException"),
        ({"AutomaticallyAfterDays": 7, "ScheduleExpression": "rate(7 days)"}, "InvalidParameterException"),
        ({"ScheduleExpression": "rate(2 hours)"}, "InvalidParameterException"),
        ({"ScheduleExpression": "rate(30 minutes)"}, "InvalidParameterException"),
        ({"ScheduleExpression": "cron(15 10 * * ? *)"}, "InvalidParameterException"),
        ({"ScheduleExpression": "cron(0 10 * * ? 2027)"}, "InvalidParameterException"),
        ({"ScheduleExpression": "cron(0 10 * * * *)"}, "InvalidParameterException"),
        ({"ScheduleExpression": "every day"}, "InvalidParameterException"),
        ({"ScheduleExpression": "cron(0 22 * * ? *)", "Duration": "4h"}, "InvalidParameterException"),
        ({"ScheduleExpression": "rate(4 hours)", "Duration": "5h"}, "InvalidParameterException"),
        ({"AutomaticallyAfterDays": 7, "Duration": "25h"}, "InvalidParameterException"),
    ],
)
def test_rule_checks(path, rules, code) -> None:  # type: ignore[no-untyped-def]
    s, api = path
    if api is not s.sm and rules.get("AutomaticallyAfterDays") == 0:
        # botocore itself checks the model's minimum before anything is sent, as against AWS.
        with pytest.raises(botocore.exceptions.ParamValidationError):
            api.rotate_secret(SecretId=s.arn, RotationLambdaARN=s.function_arn, RotationRules=rules)
    else:
        err = _error(api.rotate_secret, SecretId=s.arn, RotationLambdaARN=s.function_arn, RotationRules=rules)
        assert err["Code"] == code
    assert "RotationRules" not in s.sm.describe_secret(SecretId=s.arn)


def test_rotation_in_progress_is_refused_and_cancel_reports_it(path) -> None:  # type: ignore[no-untyped-def]
    s, api = path
    s.failures.fail("setSecret", times=10)
    token = api.rotate_secret(SecretId=s.arn, RotationLambdaARN=s.function_arn)["VersionId"]
    s.cloud.clock.advance(seconds=1)  # setSecret fails; a retry is scheduled
    err = _error(api.rotate_secret, SecretId=s.arn)
    assert err == {"Code": "InvalidRequestException", "Message": "A previous rotation isn't complete. That rotation will be reattempted."}
    out = api.cancel_rotate_secret(SecretId=s.arn)
    assert out["VersionId"] == token
    described = s.sm.describe_secret(SecretId=s.arn)
    assert described["RotationEnabled"] is False and described["RotationLambdaARN"] == s.function_arn
    assert "NextRotationDate" not in described
    assert "AWSPENDING" in described["VersionIdsToStages"][token]  # labels left as they are
    s.cloud.clock.advance(days=1)
    assert len(s.cloud.events.select(kind="notice", operation="RotationFailed")) == 1  # no retries once cancelled
    # The user clears AWSPENDING; then rotation can run again.
    s.sm.update_secret_version_stage(SecretId=s.arn, VersionStage="AWSPENDING", RemoveFromVersionId=token)
    s.failures.armed.clear()
    new = s.rotate()
    assert "AWSCURRENT" in s.labels()[new] and s.current_works()


def _spy(s, record, duration_ms=None) -> str:  # type: ignore[no-untyped-def]
    """Deploy a function that calls ``record(event, client)`` with a client of its own, then
    has the pre-built function do the step (invoking it through Lambda); return its ARN."""
    lam = s.lam

    def spy(event, context):  # type: ignore[no-untyped-def]
        record(event, boto3.client("secretsmanager"))
        out = lam.invoke(FunctionName="rotate-app", Payload=json.dumps(event))
        if "FunctionError" in out:
            raise RuntimeError(out["Payload"].decode())

    lam.kit_deploy_callable("spy", spy, Role=lambda_role(s.cloud), duration_ms=duration_ms)
    lam.add_permission(FunctionName="spy", StatementId="sm", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com")
    return lam.get_function(FunctionName="spy")["Configuration"]["FunctionArn"]


def test_placeholder_version_has_no_value_until_create_secret(path) -> None:  # type: ignore[no-untyped-def]
    s, api = path
    seen = {}

    def record(event, client):  # type: ignore[no-untyped-def]
        if event["Step"] == "createSecret":
            seen["stages"] = client.describe_secret(SecretId=event["SecretId"])["VersionIdsToStages"][event["ClientRequestToken"]]
            try:
                client.get_secret_value(SecretId=event["SecretId"], VersionId=event["ClientRequestToken"], VersionStage="AWSPENDING")
            except client.exceptions.ResourceNotFoundException as exc:
                seen["error"] = exc.response["Error"]["Code"]

    api.rotate_secret(SecretId=s.arn, RotationLambdaARN=_spy(s, record))
    s.cloud.clock.advance(seconds=1)
    assert seen == {"stages": ["AWSPENDING"], "error": "ResourceNotFoundException"}
    assert s.current_works()


def test_steps_run_in_order_with_the_same_token(path) -> None:  # type: ignore[no-untyped-def]
    s, api = path
    calls = []
    arn = _spy(s, lambda event, client: calls.append((event["Step"], event["ClientRequestToken"], event["SecretId"])),
               duration_ms=500)
    token = api.rotate_secret(SecretId=s.arn, RotationLambdaARN=arn)["VersionId"]
    assert [c[0] for c in calls] == ["createSecret"]  # the rest follows as time passes
    s.cloud.clock.advance(seconds=2)
    assert calls == [(step, token, s.arn) for step in ("createSecret", "setSecret", "testSecret", "finishSecret")]
    invokes = [e for e in s.cloud.events.select(kind="invoke") if e.detail["function"] == "spy"]
    assert [e.detail["step"] for e in invokes] == ["createSecret", "setSecret", "testSecret", "finishSecret"]
    assert [e.detail["cold_start"] for e in invokes] == [True, False, False, False]
    # Each step starts once the one before has run: the first also had its Init (100 ms).
    assert invokes[1].time - invokes[0].time == timedelta(milliseconds=600)
    assert invokes[2].time - invokes[1].time == timedelta(milliseconds=500)


def test_rotate_immediately_false_runs_only_test_secret_on_a_temporary_copy(path) -> None:  # type: ignore[no-untyped-def]
    s, api = path
    calls = []

    def record(event, client):  # type: ignore[no-untyped-def]
        pending = client.get_secret_value(SecretId=event["SecretId"], VersionStage="AWSPENDING")
        calls.append((event["Step"], pending["SecretString"], pending["VersionStages"]))

    arn = _spy(s, record)
    before = s.labels()
    value = s.sm.get_secret_value(SecretId=s.arn)["SecretString"]
    api.rotate_secret(SecretId=s.arn, RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 10}, RotateImmediately=False)
    s.cloud.clock.advance(seconds=5)
    assert calls == [("testSecret", value, ["AWSPENDING"])]
    assert s.labels() == before  # the temporary version is gone
    described = s.sm.describe_secret(SecretId=s.arn)
    assert described["RotationEnabled"] is True and "LastRotatedDate" not in described
    assert described["NextRotationDate"] == datetime(2026, 1, 11, 23, 59, 59, tzinfo=UTC)


def test_scheduled_rotation_fires_inside_its_window() -> None:
    s = make_setup()
    s.rotate(RotationRules={"AutomaticallyAfterDays": 30, "Duration": "3h"})
    first = s.sm.describe_secret(SecretId=s.arn)
    assert first["NextRotationDate"] == datetime(2026, 1, 31, 2, 59, 59, tzinfo=UTC)
    s.cloud.clock.advance(days=31)
    done = s.cloud.events.select(kind="notice", operation="RotationSucceeded")
    assert len(done) == 2
    assert datetime(2026, 1, 31, tzinfo=UTC) <= done[1].time < datetime(2026, 1, 31, 3, tzinfo=UTC)
    assert s.current_works()


def test_the_instant_is_drawn_from_the_seeded_source() -> None:
    times = []
    for seed in (1, 1, 2):
        s = make_setup(seed=seed)
        s.rotate(RotationRules={"AutomaticallyAfterDays": 5})
        s.cloud.clock.advance(days=6)
        times.append(s.cloud.events.select(kind="notice", operation="RotationSucceeded")[-1].time)
    assert times[0] == times[1] != times[2]


def test_manual_put_counts_as_a_rotation_for_day_schedules() -> None:
    s = make_setup()
    s.rotate(RotationRules={"AutomaticallyAfterDays": 10})
    s.cloud.clock.advance(days=5)
    value = s.current()
    s.sm.put_secret_value(SecretId=s.arn, SecretString=json.dumps(value))
    assert s.sm.describe_secret(SecretId=s.arn)["NextRotationDate"] == datetime(2026, 1, 16, 23, 59, 59, tzinfo=UTC)
    s.cloud.clock.advance(days=9)
    assert len(s.cloud.events.select(kind="notice", operation="RotationSucceeded")) == 1


def test_cron_and_hourly_rate_schedules() -> None:
    s = make_setup()
    s.rotate(RotationRules={"ScheduleExpression": "cron(0 4 ? * MON *)"})  # Mondays, 04:00 to midnight
    assert s.sm.describe_secret(SecretId=s.arn)["NextRotationDate"] == datetime(2026, 1, 5, 23, 59, 59, tzinfo=UTC)
    s.cloud.clock.advance(days=8)
    done = s.cloud.events.select(kind="notice", operation="RotationSucceeded")
    assert len(done) == 2 and done[1].time.weekday() == 0 and done[1].time.hour >= 4
    s2 = make_setup()
    s2.rotate(RotationRules={"ScheduleExpression": "rate(6 hours)"})
    s2.cloud.clock.advance(days=1, hours=1)  # windows open at 06, 12, 18 and 24 h, an hour each
    assert len(s2.cloud.events.select(kind="notice", operation="RotationSucceeded")) == 5


def test_rotation_of_a_deleted_secret_stops() -> None:
    s = make_setup()
    s.rotate(RotationRules={"AutomaticallyAfterDays": 1})
    s.sm.delete_secret(SecretId=s.arn, RecoveryWindowInDays=7)
    s.cloud.clock.advance(days=3)
    assert len(s.cloud.events.select(kind="notice", operation="RotationSucceeded")) == 1
    err = _error(s.sm.rotate_secret, SecretId=s.arn)
    assert err["Code"] == "InvalidRequestException"


def test_outage_fails_the_attempt_and_the_retry_finishes_it() -> None:
    s = make_setup()
    token = s.sm.rotate_secret(SecretId=s.arn, RotationLambdaARN=s.function_arn)["VersionId"]
    s.cloud.outage("us-east-1")
    s.cloud.clock.advance(seconds=1)
    s.cloud.recover("us-east-1")
    assert s.sm.get_secret_value(SecretId=s.arn)["VersionId"] != token
    s.cloud.clock.advance(minutes=10)
    assert s.sm.get_secret_value(SecretId=s.arn)["VersionId"] == token and s.current_works()


def test_bad_input_types() -> None:
    s = make_setup()
    assert _error(s.sm.rotate_secret, SecretId=s.arn, RotationLambdaARN=s.function_arn, RotateImmediately="yes")["Code"] == "ValidationException"
    assert _error(s.sm.rotate_secret, SecretId="missing", RotationLambdaARN=s.function_arn)["Code"] == "ResourceNotFoundException"
    assert _error(s.sm.cancel_rotate_secret, SecretId="missing")["Code"] == "ResourceNotFoundException"
    assert _error(s.sm.rotate_secret, SecretId=s.arn, RotationLambdaARN=s.function_arn, RotationRules=[1])["Code"] == "ValidationException"


def test_secret_without_rotation_describes_no_rotation_fields() -> None:
    cloud = Cloud()
    sm = cloud.secretsmanager()
    arn = sm.create_secret(Name="plain", SecretString="x")["ARN"]
    described = sm.describe_secret(SecretId=arn)
    assert not {"RotationEnabled", "NextRotationDate", "LastRotatedDate"} & set(described)
