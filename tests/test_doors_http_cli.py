"""The real AWS CLI (v1) against the endpoint: each protocol arrives decoded, and the CLI
prints answers and errors as it does against AWS.

The CLI runs as a subprocess (see ``_aws_cli``), exactly as a student's terminal would set
it up. The backend here is a small fake, so that what the door delivered to it can be
asserted exactly; ``test_serve_cli`` runs the CLI against a real Cloud.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

import _fake_backend as fake
from _aws_cli import needs_cli, private_home, run_cli
from secretkit.doors.http import Endpoint

pytestmark = needs_cli


@pytest.fixture(scope="module")
def door(tmp_path_factory: pytest.TempPathFactory) -> Any:
    backend = fake.FakeBackend(page_size=2)
    endpoint = Endpoint(backend, fake.keys).start()
    home = private_home(tmp_path_factory.mktemp("home"))
    yield endpoint, backend, home
    endpoint.stop()


def run(door: Any, *args: str, key: str = fake.ACCESS_KEY, secret: str = fake.SECRET_KEY, token: str | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    endpoint, _, home = door
    return run_cli(home, endpoint.endpoint_url, key, secret, *args, region="eu-west-2", token=token, cwd=cwd)


def last_call(door: Any, operation: str) -> tuple[str, str, dict[str, Any], Any, str]:
    return [c for c in door[1].calls if c[1] == operation][-1]


def test_json_protocol_create_read_list_and_not_found(door: Any) -> None:
    made = run(door, "secretsmanager", "create-secret", "--name", "prod/db", "--secret-string", '{"user":"app"}')
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["ARN"] == f"arn:aws:secretsmanager:eu-west-2:{fake.ACCOUNT}:secret:prod/db-AbCdEf"
    service, _, params, caller, region = last_call(door, "CreateSecret")
    assert (service, region, caller.access_key_id) == ("secretsmanager", "eu-west-2", fake.ACCESS_KEY)
    assert params["Name"] == "prod/db" and params["SecretString"] == '{"user":"app"}'
    assert len(params["ClientRequestToken"]) == 36  # the CLI's idempotency token arrived

    got = run(door, "secretsmanager", "get-secret-value", "--secret-id", "prod/db")
    assert json.loads(got.stdout)["SecretString"] == '{"user":"app"}'
    assert json.loads(got.stdout)["CreatedDate"] == fake.CREATED.timestamp()  # CLI v1 prints JSON timestamps as sent

    for i in range(3):
        run(door, "secretsmanager", "create-secret", "--name", f"page/{i}", "--secret-string", "x")
    listed = run(door, "secretsmanager", "list-secrets")
    names = [s["Name"] for s in json.loads(listed.stdout)["SecretList"]]
    assert names == sorted(["prod/db", "page/0", "page/1", "page/2"])  # the CLI followed NextToken over 2 pages
    assert [c[2].get("NextToken") for c in door[1].calls if c[1] == "ListSecrets"] == [None, "2"]

    missing = run(door, "secretsmanager", "get-secret-value", "--secret-id", "nope")
    assert missing.returncode == 255  # CLI v1 exits 255 on a service error
    assert missing.stderr.strip() == (
        "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: "
        "Secrets Manager can't find the specified secret."
    )


def test_json_protocol_blobs_and_booleans(door: Any, tmp_path: Path) -> None:
    (tmp_path / "plain.bin").write_bytes(b"\x00\xffsecret")
    sealed = run(door, "kms", "encrypt", "--key-id", "alias/app", "--plaintext", f"fileb://{tmp_path / 'plain.bin'}")
    assert sealed.returncode == 0, sealed.stderr
    assert last_call(door, "Encrypt")[2]["Plaintext"] == b"\x00\xffsecret"
    assert base64.b64decode(json.loads(sealed.stdout)["CiphertextBlob"]) == b"fake:\x00\xffsecret"

    put = run(door, "ssm", "put-parameter", "--name", "/app/url", "--value", "postgres://db", "--type", "String", "--overwrite")
    assert put.returncode == 0, put.stderr
    assert last_call(door, "PutParameter")[2] == {"Name": "/app/url", "Value": "postgres://db", "Type": "String", "Overwrite": True}
    value = run(door, "ssm", "get-parameter", "--name", "/app/url", "--query", "Parameter.Value")
    assert json.loads(value.stdout) == "postgres://db"


def test_query_protocol_lists_structures_paging_and_errors(door: Any) -> None:
    made = run(door, "iam", "create-user", "--user-name", "ana", "--path", "/team/")
    assert made.returncode == 0, made.stderr
    user = json.loads(made.stdout)["User"]
    assert user["Arn"] == f"arn:aws:iam::{fake.ACCOUNT}:user/team/ana"
    assert user["CreateDate"].startswith("2026-12-01T10:00:00")
    assert last_call(door, "CreateUser")[4] == "eu-west-2"  # a global service, signed with the configured region

    for name in ("bo", "cy"):
        run(door, "iam", "create-user", "--user-name", name)
    listed = run(door, "iam", "list-users")
    assert [u["UserName"] for u in json.loads(listed.stdout)["Users"]] == ["ana", "bo", "cy"]
    assert [c[2].get("Marker") for c in door[1].calls if c[1] == "ListUsers"] == [None, "2"]

    missing = run(door, "iam", "get-user", "--user-name", "zed")
    assert missing.returncode == 255  # CLI v1 exits 255 on a service error
    assert missing.stderr.strip() == (
        "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name zed cannot be found."
    )

    policy = run(door, "iam", "get-role-policy", "--role-name", "app", "--policy-name", "read")
    assert json.loads(policy.stdout)["PolicyDocument"]["Statement"][0]["Action"] == "secretsmanager:GetSecretValue"

    stack = run(door, "cloudformation", "create-stack", "--stack-name", "web", "--template-body", '{"Resources": {}}',
                "--parameters", "ParameterKey=DbUser,ParameterValue=app", "ParameterKey=Size,UsePreviousValue=true",
                "--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "--tags", "Key=team,Value=web")
    assert stack.returncode == 0, stack.stderr
    params = last_call(door, "CreateStack")[2]
    assert params["Parameters"] == [{"ParameterKey": "DbUser", "ParameterValue": "app"},
                                    {"ParameterKey": "Size", "UsePreviousValue": True}]
    assert params["Capabilities"] == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
    assert params["Tags"] == [{"Key": "team", "Value": "web"}]

    me = run(door, "sts", "get-caller-identity")
    assert json.loads(me.stdout) == {"UserId": "AIDAANAEXAMPLE000001", "Account": fake.ACCOUNT,
                                     "Arn": f"arn:aws:iam::{fake.ACCOUNT}:user/ana"}


def test_rest_json_invoke_paths_headers_and_raw_payload(door: Any, tmp_path: Path) -> None:
    arn = f"arn:aws:lambda:eu-west-2:{fake.ACCOUNT}:function:rotate:live"
    out = tmp_path / "out.json"
    done = run(door, "lambda", "invoke", "--function-name", arn, "--payload", '{"Step": "fail"}', "--log-type", "Tail",
               str(out))
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["StatusCode"] == 200 and printed["FunctionError"] == "Unhandled"
    assert printed["ExecutedVersion"] == "$LATEST"
    assert base64.b64decode(printed["LogResult"]).startswith(b"START RequestId")
    assert out.read_bytes() == b'{"echo": {"Step": "fail"}}'
    params = last_call(door, "Invoke")[2]
    assert params == {"FunctionName": arn, "Payload": b'{"Step": "fail"}', "LogType": "Tail"}

    event = run(door, "lambda", "invoke", "--function-name", "rotate", "--invocation-type", "Event", str(out))
    assert json.loads(event.stdout)["StatusCode"] == 202

    functions = run(door, "lambda", "list-functions")
    assert [f["FunctionName"] for f in json.loads(functions.stdout)["Functions"]] == [f"fn-{i}" for i in range(5)]

    missing = run(door, "lambda", "get-function", "--function-name", "ghost")
    assert missing.returncode == 255  # CLI v1 exits 255 on a service error
    assert missing.stderr.strip() == (
        "An error occurred (ResourceNotFoundException) when calling the GetFunction operation: "
        f"Function not found: arn:aws:lambda:eu-west-2:{fake.ACCOUNT}:function:ghost"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["secretsmanager", "list-secrets"], "InvalidSignatureException", "The request signature we calculated"),
        (["iam", "list-users"], "SignatureDoesNotMatch", "The request signature we calculated"),
        (["lambda", "list-functions"], "InvalidSignatureException", "The request signature we calculated"),
    ],
)
def test_a_wrong_secret_key_is_refused_as_aws_refuses_it(door: Any, args: list[str], code: str, message: str) -> None:
    refused = run(door, *args, secret="not-the-issued-secret")
    assert refused.returncode == 255  # CLI v1 exits 255 on a service error
    assert f"An error occurred ({code}) when calling the " in refused.stderr
    assert message in refused.stderr


def test_unknown_and_expired_keys_and_session_tokens(door: Any) -> None:
    unknown = run(door, "sts", "get-caller-identity", key="AKIANOBODY0000000000")
    assert "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: " \
           "The security token included in the request is invalid." in unknown.stderr
    unknown_json = run(door, "secretsmanager", "list-secrets", key="AKIANOBODY0000000000")
    assert "(UnrecognizedClientException)" in unknown_json.stderr
    expired = run(door, "kms", "list-keys", key=fake.EXPIRED_KEY, secret="old", token="old-token")
    assert "An error occurred (ExpiredTokenException) when calling the ListKeys operation: " \
           "The security token included in the request is expired" in expired.stderr
    session = run(door, "secretsmanager", "get-secret-value", "--secret-id", "prod/db",
                  key=fake.TEMP_KEY, secret=fake.TEMP_SECRET, token=fake.TEMP_TOKEN)
    assert session.returncode == 0, session.stderr
    assert last_call(door, "GetSecretValue")[3].principal == "assumed-role/app/s1"
    no_token = run(door, "secretsmanager", "get-secret-value", "--secret-id", "prod/db", key=fake.TEMP_KEY, secret=fake.TEMP_SECRET)
    assert "(UnrecognizedClientException)" in no_token.stderr
