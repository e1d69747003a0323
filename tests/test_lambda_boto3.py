"""boto3 inside a function reaches the Cloud; nothing inside a function reaches the network.

The rotation function below is written by this project in exactly the structure of AWS's
published rotation templates: a module-level client made with
``endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"]``, ``lambda_handler(event, context)``
checking the secret's state and dispatching on ``event["Step"]`` to the four steps.
"""

from __future__ import annotations

import json
import socket

import boto3
import boto3.session
import pytest

import secretkit
from secretkit.awslambda import guard
from secretkit.awslambda.environ import Credentials
from secretkit.awslambda.routing import factory_from
from secretkit.awslambda.service import Lambda

from _lambda_support import ROLE, call, deploy, lambda_service, zip_of

ENDPOINT = {"Variables": {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.us-east-1.amazonaws.com"}}

ROTATION_FUNCTION = '''
import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

service_client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])


def lambda_handler(event, context):
    arn = event["SecretId"]
    token = event["ClientRequestToken"]
    step = event["Step"]
    metadata = service_client.describe_secret(SecretId=arn)
    if "RotationEnabled" in metadata and not metadata["RotationEnabled"]:
        raise ValueError("Secret %s is not enabled for rotation" % arn)
    versions = metadata["VersionIdsToStages"]
    if token not in versions:
        raise ValueError("Secret version %s has no stage for rotation of secret %s." % (token, arn))
    if "AWSCURRENT" in versions[token]:
        logger.info("Secret version %s already set as AWSCURRENT for secret %s.", token, arn)
        return
    if "AWSPENDING" not in versions[token]:
        raise ValueError("Secret version %s not set as AWSPENDING for rotation of secret %s." % (token, arn))
    steps = {"createSecret": create_secret, "setSecret": set_secret, "testSecret": test_secret,
             "finishSecret": finish_secret}
    if step not in steps:
        raise ValueError("Invalid step parameter %s for secret %s" % (step, arn))
    steps[step](service_client, arn, token)


def create_secret(client, arn, token):
    current = json.loads(client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])
    try:
        client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        logger.info("createSecret: pending value already there for %s.", arn)
    except client.exceptions.ResourceNotFoundException:
        exclude = os.environ.get("EXCLUDE_CHARACTERS", "/@\\"'\\\\")
        current["password"] = client.get_random_password(ExcludeCharacters=exclude)["RandomPassword"]
        client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(current),
                                VersionStages=["AWSPENDING"])
        logger.info("createSecret: put a new pending value for %s with token %s.", arn, token)


def set_secret(client, arn, token):
    logger.info("setSecret: no database behind %s in this test.", arn)


def test_secret(client, arn, token):
    pending = json.loads(client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"])
    if not pending.get("password"):
        raise ValueError("testSecret: the pending value has no password")


def finish_secret(client, arn, token):
    metadata = client.describe_secret(SecretId=arn)
    current_version = next(v for v, stages in metadata["VersionIdsToStages"].items() if "AWSCURRENT" in stages)
    if current_version == token:
        return
    client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                       RemoveFromVersionId=current_version)
    logger.info("finishSecret: moved AWSCURRENT to %s for %s.", token, arn)
'''


@pytest.fixture
def cloud() -> secretkit.Cloud:
    return secretkit.Cloud(seed=5, start="2026-02-01")


@pytest.fixture
def lam(cloud: secretkit.Cloud) -> Lambda:
    return lambda_service(cloud)


def test_a_template_shaped_rotation_function_rotates_a_secret_through_the_runtime(cloud: secretkit.Cloud) -> None:
    sm = cloud.secretsmanager("us-east-1")
    lam = lambda_service(cloud)
    secret = sm.create_secret(Name="app/db", SecretString=json.dumps({"username": "app", "password": "old"}))["ARN"]
    lam.create_function(FunctionName="rotate-app-db", Runtime="python3.12", Role=ROLE, Timeout=30,
                        Handler="lambda_function.lambda_handler", Code={"ZipFile": zip_of(ROTATION_FUNCTION)},
                        Environment={"Variables": {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.us-east-1.amazonaws.com",
                                                   "EXCLUDE_CHARACTERS": ":/@\"'\\"}})
    function_arn = lam.get_function(FunctionName="rotate-app-db")["Configuration"]["FunctionArn"]
    with pytest.raises(secretkit.ClientError) as denied:  # no resource policy yet: Secrets Manager may not invoke it
        sm.rotate_secret(SecretId=secret, RotationLambdaARN=function_arn)
    assert denied.value.code == "AccessDeniedException"
    assert "secretsmanager.amazonaws.com" in denied.value.message
    assert "RotationEnabled" not in sm.describe_secret(SecretId=secret)  # the refusal changed nothing
    lam.add_permission(FunctionName="rotate-app-db", StatementId="SecretsManagerAccess",
                       Action="lambda:InvokeFunction", Principal="secretsmanager.amazonaws.com",
                       SourceAccount="123456789012")
    sm.rotate_secret(SecretId=secret, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 30})
    cloud.clock.advance(seconds=1)

    value = json.loads(sm.get_secret_value(SecretId=secret)["SecretString"])
    assert value["username"] == "app" and value["password"] != "old" and len(value["password"]) == 32
    assert not set(value["password"]) & set(":/@\"'\\")
    assert cloud.events.select(kind="notice", operation="RotationSucceeded")
    logs = lam.kit_logs("rotate-app-db")
    assert len(logs) == 4 and "createSecret: put a new pending value" in logs[0] and "moved AWSCURRENT" in logs[3]
    invokes = [e for e in cloud.events.select(kind="invoke") if e.detail["function"] == "rotate-app-db"]
    assert [e.detail["cold_start"] for e in invokes] == [True, False, False, False]  # one module-level client
    assert [e.detail["step"] for e in invokes] == ["createSecret", "setSecret", "testSecret", "finishSecret"]
    # Each step starts when the one before ended: 100 ms of Init on the cold start, 100 ms per step.
    starts = [e.time for e in invokes]
    assert [(b - a).total_seconds() for a, b in zip(starts, starts[1:])] == [0.2, 0.1, 0.1]


def test_without_the_permission_a_service_may_not_invoke(lam: Lambda) -> None:
    deploy(lam, "private", "def lambda_handler(e, c):\n    return 1\n")
    assert not lam.may_invoke("private", principal="secretsmanager.amazonaws.com", source_account="123456789012")
    assert not lam.may_invoke("missing", principal="secretsmanager.amazonaws.com")
    with pytest.raises(secretkit.ClientError) as info:
        lam.invoke_as_service("private", {}, principal="secretsmanager.amazonaws.com", source_account="123456789012")
    assert info.value.code == "AccessDeniedException"
    lam.add_permission(FunctionName="private", StatementId="other-account", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com", SourceAccount="210987654321")
    with pytest.raises(secretkit.ClientError):
        lam.invoke_as_service("private", {}, principal="secretsmanager.amazonaws.com", source_account="123456789012")
    assert lam.env.events.select(kind="invoke") == []
    assert lam.may_invoke("private", principal="secretsmanager.amazonaws.com", source_account="210987654321")
    assert not lam.may_invoke("private", principal="events.amazonaws.com", source_account="210987654321")


def test_the_templates_form_making_the_client_inside_the_handler(cloud: secretkit.Cloud, lam: Lambda) -> None:
    cloud.secretsmanager("us-east-1").create_secret(Name="db", SecretString="s3cret")
    deploy(lam, "inside", """
        import os
        import boto3
        def lambda_handler(event, context):
            service_client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])
            return service_client.get_secret_value(SecretId="db")["SecretString"]
    """, Environment=ENDPOINT)
    assert call(lam, "inside")[1] == "s3cret"


def test_every_boto3_form_reaches_the_same_cloud_in_the_right_region(cloud: secretkit.Cloud, lam: Lambda) -> None:
    cloud.secretsmanager("us-east-1").create_secret(Name="east", SecretString="e")
    cloud.secretsmanager("eu-west-1").create_secret(Name="west", SecretString="w")
    cloud.ssm("us-east-1").put_parameter(Name="/app/flag", Value="on", Type="String")
    deploy(lam, "forms", """
        import boto3
        def names(client):
            return [s["Name"] for s in client.list_secrets()["SecretList"]]
        def lambda_handler(event, context):
            return {
                "module": names(boto3.client("secretsmanager")),
                "session": boto3.session.Session().client("ssm").get_parameter(Name="/app/flag")["Parameter"]["Value"],
                "region_session": names(boto3.Session(region_name="eu-west-1").client("secretsmanager")),
                "region_arg": names(boto3.client("secretsmanager", region_name="eu-west-1")),
                "aws_endpoint": names(boto3.client("secretsmanager",
                                                   endpoint_url="https://secretsmanager.eu-west-1.amazonaws.com")),
                "other_endpoint": names(boto3.client("secretsmanager", endpoint_url="http://localhost:4566")),
                "kms": [k["KeyArn"] for k in boto3.client("kms").list_keys()["Keys"]],
            }
    """)
    _, body = call(lam, "forms")
    keys = [k["KeyArn"] for k in cloud.kms("us-east-1").list_keys()["Keys"]]
    assert len(keys) == 1  # the AWS managed key Secrets Manager made for "east"
    assert body == {"module": ["east"], "session": "on", "region_session": ["west"], "region_arg": ["west"],
                    "aws_endpoint": ["west"], "other_endpoint": ["east"], "kms": keys}


@pytest.mark.parametrize(
    "line, error_type, fragment",
    [
        ('boto3.client("s3")', "ServiceNotServedError", "does not serve 's3' to Lambda functions"),
        ('boto3.client("secretsmanager", endpoint_url="secretsmanager.us-east-1.amazonaws.com")', "ValueError",
         "Invalid endpoint: secretsmanager.us-east-1.amazonaws.com"),
    ],
)
def test_clear_errors_for_a_service_not_served_and_an_endpoint_botocore_refuses(lam: Lambda, line: str,
                                                                              error_type: str, fragment: str) -> None:
    deploy(lam, "bad", f"import boto3\ndef lambda_handler(e, c):\n    return {line}\n")
    _, body = call(lam, "bad")
    assert body["errorType"] == error_type and fragment in body["errorMessage"]


def test_a_module_level_client_stays_bound_to_the_cloud_when_warm(cloud: secretkit.Cloud, lam: Lambda) -> None:
    sm = cloud.secretsmanager("us-east-1")
    deploy(lam, "warm", """
        import boto3
        client = boto3.client("secretsmanager")
        def lambda_handler(event, context):
            return [id(client), len(client.list_secrets()["SecretList"])]
    """)
    first = call(lam, "warm")[1]
    sm.create_secret(Name="later", SecretString="x")
    second = call(lam, "warm")[1]
    assert first[0] == second[0] and (first[1], second[1]) == (0, 1)


def test_boto3_outside_functions_is_untouched(lam: Lambda) -> None:
    original = boto3.session.Session.client
    default = boto3.DEFAULT_SESSION
    deploy(lam, "uses-boto3", "import boto3\nc = boto3.client('secretsmanager')\ndef lambda_handler(e, c2):\n    return 1\n")
    call(lam, "uses-boto3")
    assert boto3.session.Session.client is original
    assert boto3.DEFAULT_SESSION is default
    mine = boto3.session.Session(region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b").client(
        "secretsmanager", endpoint_url="http://127.0.0.1:9")
    assert mine.meta.endpoint_url == "http://127.0.0.1:9"  # a real botocore client, not routed


def test_the_factory_gets_the_execution_roles_credentials(cloud: secretkit.Cloud) -> None:
    seen: list[tuple[str, str, Credentials]] = []
    inner = factory_from(lambda c, name, region, credentials: c.client(name, region_name=region), cloud, cloud.service_names)

    def recording(service: str, region: str, credentials: Credentials):  # type: ignore[no-untyped-def]
        seen.append((service, region, credentials))
        return inner(service, region, credentials)

    lam = Lambda(cloud.env("us-east-1"), client_factory=recording)
    deploy(lam, "who", """
        import os, boto3
        def lambda_handler(event, context):
            boto3.client("kms")
            boto3.client("ssm", aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x")
            return os.environ["AWS_ACCESS_KEY_ID"]
    """)
    _, key = call(lam, "who")
    (service, region, role), (_, _, explicit) = seen
    assert (service, region) == ("kms", "us-east-1")
    assert role.access_key_id == key and role.role_arn == ROLE
    assert role.principal == "arn:aws:sts::123456789012:assumed-role/lambda-exec/who"
    assert (explicit.access_key_id, explicit.principal) == ("AKIAEXAMPLE", None)


def test_a_function_invoking_another_gets_its_own_world_and_back(lam: Lambda) -> None:
    deploy(lam, "inner", "import os\ndef lambda_handler(e, c):\n    return os.environ['AWS_LAMBDA_FUNCTION_NAME']\n")

    def outer(event, context):  # type: ignore[no-untyped-def]
        import os
        before = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        inner = json.loads(lam.invoke(FunctionName="inner")["Payload"])
        return [before, inner, os.environ["AWS_LAMBDA_FUNCTION_NAME"]]

    lam.kit_deploy_callable("outer", outer, Role=ROLE)
    assert call(lam, "outer")[1] == ["outer", "inner", "outer"]


# ------------------------------------------------------------------ the socket guard
NETWORK_PROBE = """
import socket, urllib.request
import botocore.session
def lambda_handler(event, context):
    results = {}
    try:
        socket.create_connection(("203.0.113.10", 443), timeout=1)
    except OSError as exc:
        results["lookup"] = [type(exc).__name__, str(exc)]
    sock = socket.socket()
    try:
        sock.connect(("203.0.113.10", 443))
    except OSError as exc:
        results["socket"] = [type(exc).__name__, str(exc)]
    finally:
        sock.close()
    try:
        urllib.request.urlopen("http://example.com/", timeout=1)
    except OSError as exc:
        results["urllib"] = [type(exc).__name__, str(exc)]
    raw = botocore.session.get_session().create_client("secretsmanager", region_name="us-east-1")
    try:
        raw.list_secrets()
    except Exception as exc:
        results["botocore"] = [type(exc).__name__, str(exc)]
    return results
"""


def test_nothing_in_a_function_reaches_the_network(lam: Lambda) -> None:
    deploy(lam, "net", NETWORK_PROBE, Timeout=30)
    _, body = call(lam, "net")
    assert body["lookup"][0] == body["socket"][0] == "NetworkBlockedError"
    assert "cannot reach the network (looking up 203.0.113.10 refused)" in body["lookup"][1]
    assert "cannot reach the network (connect to 203.0.113.10:443 refused)" in body["socket"][1]
    assert body["urllib"][0] == "URLError" and "cannot reach the network (looking up example.com" in body["urllib"][1]
    assert body["botocore"][0] == "EndpointConnectionError"  # a client that escaped the routing cannot get out


def test_sockets_work_outside_functions_and_where_the_cloud_allows(lam: Lambda) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        deploy(lam, "local", f"import socket\ndef lambda_handler(e, c):\n    socket.create_connection(('127.0.0.1', {port})).close()\n    return 'connected'\n")
        _, body = call(lam, "local")
        assert body["errorType"] == "NetworkBlockedError"
        guard.allow("127.0.0.1", port)
        try:
            assert call(lam, "local")[1] == "connected"
        finally:
            guard.revoke("127.0.0.1", port)
        client = socket.create_connection(("127.0.0.1", port))  # outside a function: allowed
        client.close()
    finally:
        server.close()
