"""Rotation and scheduled rules through functions that cannot work: a module that raises on
import, a handler that does not exist, a result that is not JSON, a step that runs past the
function's timeout. Each failure is Lambda's own (its ``errorType``), reported the way AWS
shows a failed rotation step (a RotationFailed notice, retried later with the same token),
and every secret stays readable with its value unchanged."""

from __future__ import annotations

import json

import pytest
from _lambda_support import lambda_role

from secretkit import Cloud
from secretkit.awslambda.code import build_zip

ENDPOINT = {"Variables": {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.us-east-1.amazonaws.com"}}

BROKEN = {
    "raises on import": ("lambda_function.lambda_handler", "raise RuntimeError('no config')\n", "RuntimeError"),
    "syntax error": ("lambda_function.lambda_handler", "def lambda_handler(event, context)\n    return 1\n",
                     "Runtime.UserCodeSyntaxError"),
    "missing module": ("missing.lambda_handler", "def lambda_handler(event, context):\n    return None\n",
                       "Runtime.ImportModuleError"),
    "missing handler": ("lambda_function.nope", "def lambda_handler(event, context):\n    return None\n",
                        "Runtime.HandlerNotFound"),
    "result not JSON": ("lambda_function.lambda_handler", "def lambda_handler(event, context):\n    return {1, 2}\n",
                        "Runtime.MarshalError"),
}


def _deploy(cloud: Cloud, handler: str, code: str, timeout: int = 30) -> str:
    lam = cloud.awslambda("us-east-1")
    config = lam.create_function(FunctionName="broken", Runtime="python3.12", Role=lambda_role(cloud, "rotate-role"), Handler=handler,
                                 Timeout=timeout, Code={"ZipFile": build_zip({"lambda_function.py": code})},
                                 Environment=ENDPOINT)
    lam.add_permission(FunctionName="broken", StatementId="sm", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com")
    lam.add_permission(FunctionName="broken", StatementId="events", Action="lambda:InvokeFunction",
                       Principal="events.amazonaws.com")
    return str(config["FunctionArn"])


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_function_fails_the_rotation_and_every_secret_stays_readable(case: str) -> None:
    handler, code, error_type = BROKEN[case]
    cloud = Cloud(seed=15)
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    arn = sm.create_secret(Name="app/db", SecretString=json.dumps({"username": "app", "password": "v0"}))["ARN"]
    other = sm.create_secret(Name="app/other", SecretString="untouched")["ARN"]
    function_arn = _deploy(cloud, handler, code)
    token = sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn)["VersionId"]  # accepted: AWS runs it later
    cloud.clock.advance(minutes=10)  # the first attempt and the retry five minutes later
    failed = cloud.events.select(kind="notice", operation="RotationFailed")
    assert [e.detail["step"] for e in failed] == ["createSecret", "createSecret"]
    assert all(e.detail["token"] == token for e in failed)  # the retry uses the same token
    assert failed[0].detail["error"].startswith(error_type)
    assert json.loads(sm.get_secret_value(SecretId=arn)["SecretString"]) == {"username": "app", "password": "v0"}
    assert sm.get_secret_value(SecretId=other)["SecretString"] == "untouched"
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    assert stages[token] == ["AWSPENDING"] and sum("AWSCURRENT" in s for s in stages.values()) == 1
    with pytest.raises(sm.exceptions.InvalidRequestException):  # the rotation is still in progress
        sm.rotate_secret(SecretId=arn)


def test_a_step_past_the_timeout_fails_as_lambda_times_it_out() -> None:
    cloud = Cloud(seed=16)
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    arn = sm.create_secret(Name="app/db", SecretString="v0")["ARN"]
    function_arn = _deploy(cloud, "lambda_function.lambda_handler",
                           "def lambda_handler(event, context):\n    return None\n", timeout=3)
    cloud.awslambda().kit_set_timing("broken", duration_ms=5_000)  # every invocation would run 5 s
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn)
    cloud.clock.advance(seconds=30)
    failed = cloud.events.select(kind="notice", operation="RotationFailed")
    assert failed[0].detail["step"] == "createSecret"
    error = failed[0].detail["error"]  # Lambda's own words: "RequestId: ... Error: Task timed out after ..."
    assert error.startswith("Sandbox.Timedout: RequestId: ") and error.endswith("Error: Task timed out after 3.00 seconds")
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == "v0"


@pytest.mark.parametrize("case", ["raises on import", "result not JSON"])
def test_a_rule_whose_target_is_broken_keeps_firing_and_changes_nothing(case: str) -> None:
    handler, code, error_type = BROKEN[case]
    cloud = Cloud(seed=17)
    ssm = cloud.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/app/token", Value="t0", Type="SecureString")
    function_arn = _deploy(cloud, handler, code)
    events = cloud.client("events", region_name="us-east-1")
    events.put_rule(Name="daily", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule="daily", Targets=[{"Id": "1", "Arn": function_arn}])
    cloud.clock.advance(days=2, minutes=5)
    invokes = cloud.events.select(kind="invoke")
    assert len(invokes) == 6 and all(e.outcome != "OK" for e in invokes)  # two firings, each retried twice
    assert {e.detail["error_type"] for e in invokes} == {error_type}
    assert len(cloud.events.select(kind="notice", operation="AsyncEventDiscarded")) == 2
    assert ssm.get_parameter(Name="/app/token", WithDecryption=True)["Parameter"]["Value"] == "t0"
