"""The pre-built functions run unchanged on a real boto3 client; the direct adapter behaves like one;
the gate every step passes; the student template."""

from __future__ import annotations

import json

import pytest
from _rotation_support import make_setup

from secretkit.core.errors import ClientError
from secretkit.doors.model_client import ModelClient
from secretkit.rotation_functions import (
    FailurePlan,
    StudentTemplate,
    alternate_username,
    rotation_function,
)


@pytest.mark.parametrize("strategy", ("single-user", "alternating-users"))
def test_prebuilt_functions_run_on_a_real_boto3_client(strategy: str) -> None:
    s = make_setup("postgres", strategy)
    s.function.client = s.cloud.client("secretsmanager", region_name="us-east-1")
    s.function.failures.fail("setSecret", when="after")  # exercises the except-by-code paths too
    token = s.rotate()
    s.cloud.clock.advance(minutes=6)
    assert "AWSCURRENT" in s.labels()[token] and s.current_works()


def test_single_user_under_the_aws_caching_library() -> None:
    from aws_secretsmanager_caching import SecretCache, SecretCacheConfig

    s = make_setup("postgres", "single-user")
    client = s.cloud.client("secretsmanager", region_name="us-east-1")
    before = json.loads(SecretCache(SecretCacheConfig(), client).get_secret_string(s.arn))
    s.rotate()
    after = json.loads(SecretCache(SecretCacheConfig(), client).get_secret_string(s.arn))
    assert after["password"] != before["password"]
    assert s.db.accepts(after["username"], after["password"]) and not s.db.accepts(before["username"], before["password"])


def test_model_client_mirrors_boto3() -> None:
    s = make_setup()
    client = ModelClient(s.sm)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.get_secret_value(SecretId="missing")
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert issubclass(client.exceptions.ResourceNotFoundException, client.exceptions.ClientError)
    assert not hasattr(client, "find")  # a helper of the model, not an operation
    assert client.describe_secret(SecretId=s.arn)["ARN"] == s.arn


def test_the_gate_refuses_unknown_tokens_and_does_nothing_when_already_current() -> None:
    s = make_setup()
    token = s.rotate()
    client = ModelClient(s.sm)
    function = rotation_function("postgres", "single-user", s.connector, client=client)
    with pytest.raises(ValueError, match="has no stage for rotation"):
        function({"Step": "setSecret", "SecretId": s.arn, "ClientRequestToken": "0" * 36})
    calls = len(s.cloud.events)
    function({"Step": "setSecret", "SecretId": s.arn, "ClientRequestToken": token})
    assert [e.operation for e in list(s.cloud.events)[calls:]] == ["DescribeSecret"]  # a finished token: nothing more
    previous = next(v for v, st in s.labels().items() if st == ["AWSPREVIOUS"])
    with pytest.raises(ValueError, match="not set as AWSPENDING"):
        function({"Step": "setSecret", "SecretId": s.arn, "ClientRequestToken": previous})


def test_wrong_engine_and_missing_fields_fail_create_secret_without_damage() -> None:
    s = make_setup("postgres", "single-user")
    mysql_fn = rotation_function("mysql", "single-user", s.connector)
    arn = s.cloud.register_function("wrong-engine", mysql_fn)
    before = s.current()
    s.sm.rotate_secret(SecretId=s.arn, RotationLambdaARN=arn)
    failed = s.cloud.events.select(kind="notice", operation="RotationFailed")
    assert "Database engine must be set" in failed[-1].detail["error"]
    assert s.current() == before and s.current_works()


def test_student_template_until_written_fails_at_set_secret_and_loses_nothing() -> None:
    s = make_setup()
    arn = s.cloud.register_function("student", StudentTemplate(s.connector))
    before = s.current()
    token = s.sm.rotate_secret(SecretId=s.arn, RotationLambdaARN=arn)["VersionId"]
    s.cloud.clock.advance(seconds=1)
    failed = s.cloud.events.select(kind="notice", operation="RotationFailed")
    assert failed[-1].detail["step"] == "setSecret" and "NotImplementedError" in failed[-1].detail["error"]
    assert s.current() == before and s.current_works()
    assert s.sm.get_secret_value(SecretId=s.arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"]


def test_student_template_completed() -> None:
    class Mine(StudentTemplate):
        def set_secret(self, client, arn, token):  # type: ignore[no-untyped-def]
            current = self.secret_dict(client, arn, "AWSCURRENT")
            pending = self.secret_dict(client, arn, "AWSPENDING", token)
            if self.connect(pending) is None:
                with self.connect(current) as conn:
                    conn.set_password(pending["username"], pending["password"])

        def test_secret(self, client, arn, token):  # type: ignore[no-untyped-def]
            if self.connect(self.secret_dict(client, arn, "AWSPENDING", token)) is None:
                raise ValueError("pending does not log in")

    s = make_setup()
    arn = s.cloud.register_function("student", Mine(s.connector))
    s.sm.rotate_secret(SecretId=s.arn, RotationLambdaARN=arn)
    s.cloud.clock.advance(seconds=1)
    assert s.current()["password"] != "app-password-0" and s.current_works()


def test_helpers() -> None:
    assert alternate_username("app", "postgres") == "app_clone"
    assert alternate_username("app_clone", "mysql") == "app"
    with pytest.raises(ValueError):
        alternate_username("x" * 60, "postgres")
    with pytest.raises(ValueError):
        rotation_function("oracle", "single-user", None)
    with pytest.raises(ValueError):
        rotation_function("postgres", "triple-user", None)
    with pytest.raises(ValueError):
        FailurePlan().fail("deleteSecret")
    with pytest.raises(ClientError):
        ModelClient(make_setup().sm).get_secret_value(SecretId="")
