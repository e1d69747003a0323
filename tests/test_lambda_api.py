"""The Lambda API: AWS's shapes, codes and messages, and failed calls that change nothing."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest

import secretkit
from secretkit.awslambda.service import Lambda
from secretkit.pricing.meter import bill_cloud

from _lambda_support import HANDLER, ROLE, call, deploy, lambda_service, zip_of

HELLO = "def lambda_handler(event, context):\n    return {'hello': event.get('name', 'world')}\n"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


@pytest.fixture
def cloud() -> secretkit.Cloud:
    return secretkit.Cloud(seed=7, start="2026-04-01T09:30:00")


@pytest.fixture
def lam(cloud: secretkit.Cloud) -> Lambda:
    return lambda_service(cloud)


def error_of(call_, **args):  # type: ignore[no-untyped-def]
    with pytest.raises(secretkit.ClientError) as info:
        call_(**args)
    return info.value.code, info.value.message


def create(lam: Lambda, name: str = "hello", **overrides):  # type: ignore[no-untyped-def]
    args = dict(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler=HANDLER, Code={"ZipFile": zip_of(HELLO)})
    args.update(overrides)
    return lam.create_function(**args)


# ------------------------------------------------------------------ create and read
def test_create_returns_the_function_configuration_as_aws_does(lam: Lambda) -> None:
    blob = zip_of(HELLO)
    out = lam.create_function(FunctionName="hello", Runtime="python3.12", Role=ROLE, Handler=HANDLER,
                              Code={"ZipFile": blob}, Description="greets", Timeout=10, MemorySize=256,
                              Environment={"Variables": {"STAGE": "dev"}}, Tags={"team": "course"})
    assert out["FunctionName"] == "hello" and out["FunctionArn"] == ARN + "hello"
    assert (out["Runtime"], out["Role"], out["Handler"]) == ("python3.12", ROLE, HANDLER)
    assert out["CodeSize"] == len(blob)
    assert out["CodeSha256"] == base64.b64encode(hashlib.sha256(blob).digest()).decode()
    assert (out["Timeout"], out["MemorySize"], out["Description"]) == (10, 256, "greets")
    assert out["Environment"] == {"Variables": {"STAGE": "dev"}}
    assert out["LastModified"] == "2026-04-01T09:30:00.000+0000"
    assert (out["Version"], out["PackageType"], out["Architectures"]) == ("$LATEST", "Zip", ["x86_64"])
    assert (out["State"], out["StateReasonCode"]) == ("Pending", "Creating")
    got = lam.get_function(FunctionName="hello")
    assert got["Configuration"]["State"] == "Active" and got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert got["Code"]["RepositoryType"] == "S3" and got["Tags"] == {"team": "course"}
    assert lam.get_function_configuration(FunctionName=ARN + "hello")["RevisionId"] == out["RevisionId"]


def test_function_names_in_every_form_aws_accepts(lam: Lambda) -> None:
    create(lam)
    for name in ("hello", "hello:$LATEST", "123456789012:function:hello", ARN + "hello", ARN + "hello:$LATEST"):
        assert lam.get_function_configuration(FunctionName=name)["FunctionName"] == "hello"
    code, message = error_of(lam.get_function, FunctionName="arn:aws:lambda:eu-west-1:123456789012:function:hello")
    assert (code, message) == ("ResourceNotFoundException",
                               "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:hello")


def test_creating_an_existing_name_is_a_conflict_and_keeps_the_original(lam: Lambda) -> None:
    first = create(lam)
    code, message = error_of(create, lam=lam, Code={"ZipFile": zip_of("def lambda_handler(e, c):\n    return 'other'\n")})
    assert (code, message) == ("ResourceConflictException", "Function already exist: hello")
    assert lam.get_function_configuration(FunctionName="hello")["CodeSha256"] == first["CodeSha256"]
    assert call(lam, "hello")[1] == {"hello": "world"}


@pytest.mark.parametrize(
    "overrides, code, message",
    [
        ({"Code": {"ZipFile": b"PK\x03\x04 not really a zip"}}, "InvalidParameterValueException",
         "Could not unzip uploaded file. Please check your file, then try to upload again."),
        ({"Code": {"ZipFile": b""}}, "InvalidParameterValueException",
         "Could not unzip uploaded file. Please check your file, then try to upload again."),
        ({"FunctionName": "f" * 65}, "ValidationException",
         f"1 validation error detected: Value '{'f' * 65}' at 'functionName' failed to satisfy constraint: "
         "Member must have length less than or equal to 64"),
        ({"Timeout": 901}, "ValidationException",
         "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
         "Member must have value less than or equal to 900"),
        ({"Timeout": 0}, "ValidationException",
         "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: "
         "Member must have value greater than or equal to 1"),
        ({"MemorySize": 10241}, "ValidationException",
         "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: "
         "Member must have value less than or equal to 10240"),
        ({"MemorySize": 64}, "ValidationException",
         "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: "
         "Member must have value greater than or equal to 128"),
        ({"Runtime": "python3.8"}, "InvalidParameterValueException",
         "The runtime parameter of python3.8 is no longer supported for creating or updating AWS Lambda functions. "
         "We recommend you use the new runtime (python3.14) while creating or updating functions."),
        ({"Runtime": "nodejs20.x"}, "InvalidParameterValueException",
         "secretkit runs Python functions only (python3.9, python3.10, python3.11, python3.12, python3.13, "
         "python3.14); runtime nodejs20.x is not modelled."),
        ({"Runtime": None}, "InvalidParameterValueException",
         "Runtime and Handler are mandatory parameters for functions created with deployment packages."),
        ({"Role": "lambda-exec"}, "ValidationException",
         "1 validation error detected: Value 'lambda-exec' at 'role' failed to satisfy constraint: Member must "
         r"satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"),
        ({"Environment": {"Variables": {"AWS_REGION": "x", "AWS_LAMBDA_FUNCTION_NAME": "y"}}},
         "InvalidParameterValueException",
         "Lambda was unable to configure your environment variables because the environment variables you have "
         "provided contains reserved keys that are currently not supported for modification. "
         "Reserved keys used in this request: AWS_REGION, AWS_LAMBDA_FUNCTION_NAME"),
        ({"Environment": {"Variables": {"1ST": "x"}}}, "ValidationException",
         "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must "
         "satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]"),
        ({"Code": {"S3Bucket": "b", "S3Key": "k"}}, "InvalidParameterValueException",
         "secretkit does not model Amazon S3: pass the package itself as Code={'ZipFile': <bytes of the .zip>}."),
    ],
)
def test_bad_input_gets_lambdas_error_and_creates_nothing(lam: Lambda, overrides, code, message) -> None:  # type: ignore[no-untyped-def]
    assert error_of(create, lam=lam, **overrides) == (code, message)
    assert lam.functions == {} and lam.list_functions()["Functions"] == []


def test_unknown_runtime_fails_the_enum_check(lam: Lambda) -> None:
    code, message = error_of(create, lam=lam, Runtime="python2.8")
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'python2.8' at 'runtime' failed to satisfy "
                              "constraint: Member must satisfy enum value set: [python2.7,")


def test_environment_over_4_kb_is_refused_and_exactly_4_kb_is_accepted(lam: Lambda) -> None:
    # {"BIG":"..."} is 10 characters of JSON around the value
    ok = {"Variables": {"BIG": "x" * 4086}}
    create(lam, "fits", Environment=ok)
    big = {"Variables": {"BIG": "x" * 4087}}
    code, message = error_of(create, lam=lam, FunctionName="too-big", Environment=big)
    assert code == "InvalidParameterValueException"
    assert message == ("Lambda was unable to configure your environment variables because the environment variables "
                       "you have provided exceeded the 4KB limit. String measured: " + json.dumps(big["Variables"], separators=(",", ":")))
    assert "too-big" not in lam.functions


# ------------------------------------------------------------------ updates
def test_a_failed_update_changes_nothing_and_keeps_the_environment_warm(lam: Lambda) -> None:
    create(lam, Environment={"Variables": {"AA": "1"}})
    call(lam, "hello")
    before = lam.get_function_configuration(FunctionName="hello")
    assert error_of(lam.update_function_configuration, FunctionName="hello", Timeout=5, MemorySize=99999)[0] == "ValidationException"
    assert error_of(lam.update_function_configuration, FunctionName="hello", Environment={"Variables": {"AWS_REGION": "x"}})[0] == "InvalidParameterValueException"
    assert error_of(lam.update_function_code, FunctionName="hello", ZipFile=b"garbage")[0] == "InvalidParameterValueException"
    assert lam.get_function_configuration(FunctionName="hello") == before
    call(lam, "hello")
    assert [e.detail["cold_start"] for e in lam.env.events.select(kind="invoke")] == [True, False]


def test_update_configuration_replaces_the_whole_environment_and_checks_the_revision(lam: Lambda) -> None:
    first = create(lam, Environment={"Variables": {"AA": "1", "BB": "2"}})
    out = lam.update_function_configuration(FunctionName="hello", Environment={"Variables": {"CC": "3"}}, Timeout=9,
                                            RevisionId=first["RevisionId"])
    assert out["Environment"] == {"Variables": {"CC": "3"}} and out["Timeout"] == 9
    assert out["LastUpdateStatus"] == "InProgress" and out["RevisionId"] != first["RevisionId"]
    code, message = error_of(lam.update_function_configuration, FunctionName="hello", Timeout=4,
                             RevisionId=first["RevisionId"])
    assert code == "PreconditionFailedException" and message.startswith("The Revision Id provided does not match")
    assert lam.get_function_configuration(FunctionName="hello")["Timeout"] == 9


def test_update_code_runs_the_new_code(lam: Lambda) -> None:
    create(lam)
    out = lam.update_function_code(FunctionName="hello", ZipFile=zip_of("def lambda_handler(e, c):\n    return 'v2'\n"))
    assert out["LastUpdateStatus"] == "InProgress"
    assert call(lam, "hello")[1] == "v2"


def test_publish_makes_immutable_numbered_versions(lam: Lambda) -> None:
    out = create(lam, Publish=True)
    assert out["Version"] == "1" and out["FunctionArn"] == ARN + "hello:1"
    lam.update_function_code(FunctionName="hello", ZipFile=zip_of("def lambda_handler(e, c):\n    return 'v2'\n"),
                             Publish=True)
    assert call(lam, "hello")[1] == "v2"
    assert call(lam, "hello", Qualifier="1")[1] == {"hello": "world"}
    response, _ = call(lam, "hello:2")
    assert response["ExecutedVersion"] == "2"
    again = lam.update_function_code(FunctionName="hello", ZipFile=zip_of("def lambda_handler(e, c):\n    return 'v2'\n"),
                                     Publish=True)
    assert again["Version"] == "2"  # nothing changed since version 2: no new version
    everything = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert [f["Version"] for f in everything] == ["$LATEST", "1", "2"]
    assert error_of(lam.get_function, FunctionName="hello", Qualifier="7") == (
        "ResourceNotFoundException", f"Function not found: {ARN}hello:7")


def test_delete_then_everything_is_not_found(lam: Lambda) -> None:
    create(lam)
    assert lam.delete_function(FunctionName="hello") == {}
    for operation in (lam.get_function, lam.get_function_configuration, lam.invoke, lam.delete_function):
        assert error_of(operation, FunctionName="hello") == ("ResourceNotFoundException", f"Function not found: {ARN}hello")


def test_list_functions_pages_with_marker_and_max_items(lam: Lambda) -> None:
    for name in ("e", "a", "d", "b", "c"):
        create(lam, name)
    first = lam.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in first["Functions"]] == ["a", "b"]
    second = lam.list_functions(MaxItems=2, Marker=first["NextMarker"])
    third = lam.list_functions(MaxItems=2, Marker=second["NextMarker"])
    assert [f["FunctionName"] for f in second["Functions"] + third["Functions"]] == ["c", "d", "e"]
    assert "NextMarker" not in third
    assert error_of(lam.list_functions, MaxItems=0)[0] == "ValidationException"
    assert error_of(lam.list_functions, Marker="not-a-marker")[0] == "InvalidParameterValueException"


# ------------------------------------------------------------------ invoking
def test_invoke_checks_its_payload_and_type(lam: Lambda) -> None:
    create(lam)
    code, message = error_of(lam.invoke, FunctionName="hello", Payload=b"{not json")
    assert code == "InvalidRequestContentException"
    assert message.startswith("Could not parse request body into json: Could not parse payload into json:")
    code, message = error_of(lam.invoke, FunctionName="hello", Payload=b"1" * (6 * 1024 * 1024 + 1))
    assert (code, message) == ("RequestEntityTooLargeException",
                               "6291457 byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)")
    code, _ = error_of(lam.invoke, FunctionName="hello", Payload=b"1" * (1024 * 1024 + 1), InvocationType="Event")
    assert code == "RequestEntityTooLargeException"
    assert error_of(lam.invoke, FunctionName="hello", InvocationType="Later")[0] == "ValidationException"
    assert lam.env.events.select(kind="invoke") == []
    assert json.loads(lam.invoke(FunctionName="hello")["Payload"]) == {"hello": "world"}  # no payload: {}


def test_dry_run_checks_and_runs_nothing(lam: Lambda) -> None:
    create(lam)
    assert lam.invoke(FunctionName="hello", InvocationType="DryRun") == {"StatusCode": 204, "Payload": b""}
    assert lam.env.events.select(kind="invoke") == []


def test_client_context_reaches_the_handler(lam: Lambda) -> None:
    deploy(lam, "cc", "def lambda_handler(e, context):\n    return context.client_context.custom\n")
    blob = base64.b64encode(json.dumps({"custom": {"user": "ada"}}).encode()).decode()
    assert call(lam, "cc", ClientContext=blob)[1] == {"user": "ada"}
    assert error_of(lam.invoke, FunctionName="cc", ClientContext="%%%")[0] == "InvalidRequestContentException"


def test_event_invocations_run_on_the_clock_and_failures_are_retried_twice(cloud: secretkit.Cloud, lam: Lambda) -> None:
    deploy(lam, "flaky", "def lambda_handler(event, context):\n    raise RuntimeError('down')\n")
    t0 = cloud.clock.now
    assert lam.invoke(FunctionName="flaky", InvocationType="Event", Payload=b'{"n": 1}') == {"StatusCode": 202, "Payload": b""}
    assert cloud.events.select(kind="invoke") == []  # queued, not yet run
    cloud.clock.advance(minutes=10)
    runs = cloud.events.select(kind="invoke")
    assert [e.time - t0 for e in runs] == [timedelta(0), timedelta(minutes=1), timedelta(minutes=3)]
    assert [e.detail["attempt"] for e in runs] == [1, 2, 3]
    (discarded,) = cloud.events.select(kind="notice", operation="AsyncEventDiscarded")
    assert discarded.detail["attempts"] == 3


def test_an_event_that_succeeds_runs_once(cloud: secretkit.Cloud, lam: Lambda) -> None:
    create(lam)
    lam.invoke(FunctionName="hello", InvocationType="Event", Payload=b'{"name": "async"}')
    cloud.clock.advance(minutes=10)
    assert len(cloud.events.select(kind="invoke")) == 1
    assert "END RequestId" in lam.kit_logs("hello")[0]


# ------------------------------------------------------------------ permissions
def test_add_permission_and_get_policy_give_aws_documents(lam: Lambda) -> None:
    create(lam, "rotator")
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf"
    out = lam.add_permission(FunctionName="rotator", StatementId="SecretsManagerAccess", Action="lambda:InvokeFunction",
                             Principal="secretsmanager.amazonaws.com", SourceAccount="123456789012", SourceArn=secret)
    statement = {
        "Sid": "SecretsManagerAccess", "Effect": "Allow", "Principal": {"Service": "secretsmanager.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": ARN + "rotator",
        "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}, "ArnLike": {"AWS:SourceArn": secret}},
    }
    assert json.loads(out["Statement"]) == statement
    lam.add_permission(FunctionName="rotator", StatementId="account", Action="lambda:InvokeFunction",
                       Principal="210987654321")
    policy = lam.get_policy(FunctionName="rotator")
    assert policy["RevisionId"] == lam.get_function_configuration(FunctionName="rotator")["RevisionId"]
    assert policy["Policy"] == json.dumps({
        "Version": "2012-10-17", "Id": "default",
        "Statement": [statement, {"Sid": "account", "Effect": "Allow",
                                  "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                                  "Action": "lambda:InvokeFunction", "Resource": ARN + "rotator"}],
    }, separators=(",", ":"))
    assert lam.invoke_as_service("rotator", {}, principal="secretsmanager.amazonaws.com",
                                 source_account="123456789012", source_arn=secret).ok
    with pytest.raises(secretkit.ClientError):  # the condition names another secret
        lam.invoke_as_service("rotator", {}, principal="secretsmanager.amazonaws.com",
                              source_account="123456789012", source_arn=secret.replace("app/db", "other"))


def test_permission_errors_and_removal(lam: Lambda) -> None:
    create(lam)
    assert error_of(lam.get_policy, FunctionName="hello") == ("ResourceNotFoundException",
                                                               "The resource you requested does not exist.")
    args = dict(FunctionName="hello", StatementId="s1", Action="lambda:InvokeFunction", Principal="events.amazonaws.com")
    lam.add_permission(**args)
    before = lam.get_policy(FunctionName="hello")
    assert error_of(lam.add_permission, **args) == (
        "ResourceConflictException",
        "The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing statement.")
    assert error_of(lam.add_permission, **{**args, "StatementId": "s2", "Principal": "not a principal"})[0] == "InvalidParameterValueException"
    assert error_of(lam.add_permission, **{**args, "StatementId": "s3", "Action": "invoke"})[0] == "ValidationException"
    assert lam.get_policy(FunctionName="hello") == before
    assert error_of(lam.remove_permission, FunctionName="hello", StatementId="nope") == (
        "ResourceNotFoundException", "Statement nope is not found in resource policy.")
    assert lam.remove_permission(FunctionName="hello", StatementId="s1") == {}
    assert error_of(lam.get_policy, FunctionName="hello")[0] == "ResourceNotFoundException"


# ------------------------------------------------------------------ cost
def test_the_meter_prices_invocations_from_memory_and_modelled_duration(cloud: secretkit.Cloud, lam: Lambda) -> None:
    deploy(lam, "priced", "import time\ndef lambda_handler(e, c):\n    time.sleep(0.25)\n", MemorySize=512)
    for _ in range(3):
        call(lam, "priced")
    records = cloud.events.select(kind="invoke")
    # cold: 100 ms Init + 250 ms sleep + 100 ms compute; warm: 350 ms
    assert [(e.detail["duration_ms"], e.detail["memory_mb"]) for e in records] == [(450.0, 512), (350.0, 512), (350.0, 512)]
    cloud.clock.advance(hours=1)
    lines = {line.dimension: line for line in bill_cloud(cloud).lines if line.service == "lambda"}
    assert lines["lambda:requests"].quantity == 3
    assert lines["lambda:gb-seconds"].quantity == Decimal("0.5") * Decimal("1.150")


def test_update_code_dry_run_shows_the_result_and_changes_nothing(lam: Lambda) -> None:
    create(lam)
    before = lam.get_function_configuration(FunctionName="hello")
    blob = zip_of("def lambda_handler(e, c):\n    return 'v2'\n")
    preview = lam.update_function_code(FunctionName="hello", ZipFile=blob, DryRun=True)
    assert preview["CodeSha256"] == base64.b64encode(hashlib.sha256(blob).digest()).decode()
    assert lam.get_function_configuration(FunctionName="hello") == before
    assert call(lam, "hello")[1] == {"hello": "world"}
