"""The pre-built rotation functions as code packages: their zip, their source, their deployment,
the gate every step passes, the templates' environment variables, and the kit's drivers."""

from __future__ import annotations

import ast
import io
import json
import zipfile

import pytest
from _lambda_support import lambda_role
from _rotation_support import FUNCTION, make_setup

from secretkit import Cloud, rotation_functions
from secretkit.awslambda.code import build_zip
from secretkit.awslambda.network import NotInAFunctionError
from secretkit.rotation_functions.drivers import bundle_files, pgdb


def _invoke(s, event) -> dict:  # type: ignore[no-untyped-def]
    """Invoke the deployed function directly with ``event``; return Lambda's answer, decoded."""
    out = s.lam.invoke(FunctionName=FUNCTION, Payload=json.dumps(event))
    return {"error": out.get("FunctionError"), "payload": json.loads(out["Payload"]) if out["Payload"] else None}


@pytest.mark.parametrize("engine", sorted(rotation_functions.ENGINES))
@pytest.mark.parametrize("strategy", rotation_functions.STRATEGIES)
def test_every_package_holds_a_template_shaped_lambda_function(engine: str, strategy: str) -> None:
    blob = rotation_functions.package(engine, strategy)
    assert blob == rotation_functions.package(engine, strategy)  # the same bytes every time
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        names = set(archive.namelist())
        code = archive.read("lambda_function.py").decode()
    assert code == rotation_functions.source(engine, strategy)
    tree = ast.parse(code)
    functions = {node.name: [a.arg for a in node.args.args] for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert functions["lambda_handler"] == ["event", "context"]
    for step in ("create_secret", "set_secret", "test_secret", "finish_secret"):
        assert functions[step] == ["service_client", "arn", "token"]
    assert 'boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])' in code
    for variable in ("EXCLUDE_CHARACTERS", "PASSWORD_LENGTH", "EXCLUDE_NUMBERS", "EXCLUDE_PUNCTUATION",
                     "EXCLUDE_UPPERCASE", "EXCLUDE_LOWERCASE", "REQUIRE_EACH_INCLUDED_TYPE"):
        assert f'"{variable}"' in code
    assert "secretkit" not in code.replace("Written by secretkit", "")  # nothing kit-only in the function
    imported = {alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
    drivers = imported - {"json", "logging", "os", "boto3"}
    # the package bundles, as a module or a package of its own, every driver the code imports
    assert all(f"{d}.py" in names or f"{d}/__init__.py" in names for d in drivers) and drivers
    plain = rotation_functions.package(engine, strategy, driver="none")
    assert zipfile.ZipFile(io.BytesIO(plain)).namelist() == ["lambda_function.py"]


def test_package_and_deploy_refuse_what_does_not_exist() -> None:
    with pytest.raises(ValueError, match="no pre-built rotation function for engine 'oracle'"):
        rotation_functions.package("oracle", "single-user")
    with pytest.raises(ValueError, match="strategy must be one of"):
        rotation_functions.package("postgres", "triple-user")
    with pytest.raises(ValueError, match="driver must be one of"):
        rotation_functions.package("postgres", "single-user", driver="odbc")
    with pytest.raises(ValueError, match="runs no real Amazon DocumentDB"):
        rotation_functions.package("docdb", "single-user", driver="real")
    cloud = Cloud()
    rotation_functions.deploy(cloud, "rotate", "postgres", "single-user")
    with pytest.raises(Exception) as info:  # Lambda's own refusal; nothing else is made
        rotation_functions.deploy(cloud, "rotate", "mysql", "single-user")
    assert getattr(info.value, "code", None) == "ResourceConflictException"
    assert cloud.awslambda().get_function(FunctionName="rotate")["Configuration"]["Description"].startswith(
        "Rotates PostgreSQL")


def test_deploy_makes_what_the_serverless_application_makes() -> None:
    cloud = Cloud()
    arn = rotation_functions.deploy(cloud, "rotate-orders", "mysql", "alternating-users", region="eu-west-1",
                                    exclude_characters="/@", variables={"PASSWORD_LENGTH": "24"})
    lam = cloud.awslambda("eu-west-1")
    found = lam.get_function(FunctionName="rotate-orders")
    config = found["Configuration"]
    assert arn == config["FunctionArn"] == "arn:aws:lambda:eu-west-1:123456789012:function:rotate-orders"
    assert (config["Handler"], config["Timeout"], config["Runtime"]) == ("lambda_function.lambda_handler", 30, "python3.12")
    assert config["Environment"]["Variables"] == {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.eu-west-1.amazonaws.com",
                                                  "EXCLUDE_CHARACTERS": "/@", "PASSWORD_LENGTH": "24"}
    assert config["Role"] == "arn:aws:iam::123456789012:role/rotate-orders-role"
    assert found["Tags"] == {"SecretsManagerLambda": "Rotation"}
    (statement,) = json.loads(lam.get_policy(FunctionName="rotate-orders")["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "secretsmanager.amazonaws.com"}
    assert statement["Action"] == "lambda:InvokeFunction" and statement["Resource"] == arn
    # the execution role, made first: Lambda may assume it, and it may rotate only the secrets
    # whose rotation function this is
    iam = cloud.client("iam")
    trust = iam.get_role(RoleName="rotate-orders-role")["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    policy = iam.get_role_policy(RoleName="rotate-orders-role", PolicyName="SecretsManagerRotationPolicy")
    document = policy["PolicyDocument"]
    first = document["Statement"][0]
    assert first["Condition"] == {"StringEquals": {"secretsmanager:resource/AllowRotationLambdaArn": arn}}
    assert "secretsmanager:PutSecretValue" in first["Action"]


def test_deploy_scopes_the_role_to_the_secret_it_is_given_and_keeps_a_role_that_exists() -> None:
    cloud = Cloud()
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf"
    rotation_functions.deploy(cloud, "rotate", "postgres", "single-user", secret_arn=secret,
                              kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/k")
    document = cloud.iam().get_role_policy(RoleName="rotate-role", PolicyName="SecretsManagerRotationPolicy")
    statements = document["PolicyDocument"]["Statement"]  # IAM returns the document parsed, as boto3 does
    assert statements[0]["Resource"] == secret and "Condition" not in statements[0]
    assert statements[-1]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    lambda_role(cloud, "rotate-two-role", policy=None)  # a role of your own is used as it is
    rotation_functions.deploy(cloud, "rotate-two", "postgres", "single-user")
    assert cloud.iam().list_role_policies(RoleName="rotate-two-role")["PolicyNames"] == []


def test_the_gate_refuses_unknown_tokens_and_does_nothing_when_already_current() -> None:
    s = make_setup()
    token = s.rotate()
    unknown = _invoke(s, {"Step": "setSecret", "SecretId": s.arn, "ClientRequestToken": "0" * 36})
    assert unknown["error"] == "Unhandled" and unknown["payload"]["errorType"] == "ValueError"
    assert "has no stage for rotation" in unknown["payload"]["errorMessage"]
    calls = len(s.cloud.events)
    assert _invoke(s, {"Step": "setSecret", "SecretId": s.arn, "ClientRequestToken": token})["error"] is None
    made = [e.operation for e in list(s.cloud.events)[calls:] if e.kind == "call"]
    assert made == ["DescribeSecret", "Invoke"]  # a finished token: the gate, and nothing more
    previous = next(v for v, st in s.labels().items() if st == ["AWSPREVIOUS"])
    stale = _invoke(s, {"Step": "setSecret", "SecretId": s.arn, "ClientRequestToken": previous})
    assert "not set as AWSPENDING" in stale["payload"]["errorMessage"]
    s.sm.update_secret_version_stage(SecretId=s.arn, VersionStage="AWSPENDING", MoveToVersionId=previous,
                                     RemoveFromVersionId=token)
    bad_step = _invoke(s, {"Step": "deleteSecret", "SecretId": s.arn, "ClientRequestToken": previous})
    assert bad_step["payload"]["errorMessage"].startswith("Invalid step parameter deleteSecret")


def test_wrong_engine_fails_create_secret_without_damage() -> None:
    s = make_setup("postgres", "single-user")
    arn = rotation_functions.deploy(s.cloud, "wrong-engine", "mysql", "single-user")
    before = s.current()
    s.sm.rotate_secret(SecretId=s.arn, RotationLambdaARN=arn)
    failed = s.cloud.events.select(kind="notice", operation="RotationFailed")
    assert failed[-1].detail["step"] == "createSecret"
    assert failed[-1].detail["error"].startswith("KeyError: ") and "Database engine must be set" in failed[-1].detail["error"]
    assert s.current() == before and s.current_works()


def test_the_templates_password_variables_shape_the_new_password() -> None:
    s = make_setup()
    s.lam.update_function_configuration(FunctionName=FUNCTION, Environment={"Variables": {
        "SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.us-east-1.amazonaws.com",
        "PASSWORD_LENGTH": "20", "EXCLUDE_PUNCTUATION": "true", "EXCLUDE_NUMBERS": "yes",
        "EXCLUDE_CHARACTERS": "aeiouAEIOU"}})
    s.rotate()
    password = s.current()["password"]
    assert len(password) == 20 and password.isalpha() and not set(password) & set("aeiouAEIOU")
    assert s.current_works()


def test_without_the_endpoint_variable_every_step_fails_as_the_templates_do() -> None:
    s = make_setup()
    s.lam.update_function_configuration(FunctionName=FUNCTION, Environment={"Variables": {}})
    before = s.current()
    s.rotate()
    failed = s.cloud.events.select(kind="notice", operation="RotationFailed")
    assert failed[-1].detail == {"step": "createSecret", "attempt": 1, "token": failed[-1].detail["token"],
                                 "error": "KeyError: 'SECRETS_MANAGER_ENDPOINT'"}
    assert s.current() == before and s.current_works()


def test_the_single_user_function_under_the_aws_caching_library() -> None:
    from aws_secretsmanager_caching import SecretCache, SecretCacheConfig

    s = make_setup("postgres", "single-user")
    client = s.cloud.client("secretsmanager", region_name="us-east-1")
    before = json.loads(SecretCache(SecretCacheConfig(), client).get_secret_string(s.arn))
    s.rotate()
    after = json.loads(SecretCache(SecretCacheConfig(), client).get_secret_string(s.arn))
    assert after["password"] != before["password"]
    assert s.db.accepts(after["username"], after["password"]) and not s.db.accepts(before["username"], before["password"])


def test_the_kit_drivers_reach_the_simulated_servers_only_from_inside_a_function() -> None:
    with pytest.raises(NotInAFunctionError, match="only from inside a Lambda function"):
        pgdb.connect(host="postgres.db.example", user="app", password="x")


SQL_PROBE = '''
import json
import pg
import pgdb


def lambda_handler(event, context):
    conn = pgdb.connect(host=event["host"], user=event["user"], password=event["password"], database="postgres")
    with conn.cursor() as cur:
        cur.execute(event["sql"], event.get("params"))
        rows = cur.fetchall() if cur.description else []
    conn.close()
    return [list(map(str, row)) for row in rows]
'''


def test_the_kit_pgdb_reads_the_sql_it_knows_and_names_what_it_reads_otherwise() -> None:
    s = make_setup()
    files = {"lambda_function.py": SQL_PROBE, **bundle_files("pygresql")}
    s.lam.create_function(FunctionName="probe", Runtime="python3.12", Role=lambda_role(s.cloud),
                          Handler="lambda_function.lambda_handler",
                          Code={"ZipFile": build_zip(files)})
    login = {"host": s.db.host, "user": "admin", "password": "master-password-0"}

    def run(sql: str, params=None):  # type: ignore[no-untyped-def]
        out = s.lam.invoke(FunctionName="probe", Payload=json.dumps({**login, "sql": sql, "params": params}))
        return json.loads(out["Payload"])

    assert run("SELECT quote_ident(%s)", ["App User"]) == [['"App User"']]
    assert run("SELECT 1 FROM pg_roles WHERE rolname = %s", ["app"]) == [["1"]]
    assert run("SELECT 1 FROM pg_roles WHERE rolname = %s", ["nobody"]) == []
    assert run("ALTER USER app WITH PASSWORD %s", ["it's-new-1"]) == []
    assert s.db.accepts("app", "it's-new-1")  # the literal was quoted and read back as written
    refused = run("DROP TABLE orders")
    assert refused["errorType"] == "ProgrammingError"
    assert "the kit's simulated PostgreSQL does not read 'DROP TABLE ORDERS'" in refused["errorMessage"]
    assert "ALTER USER name WITH PASSWORD %s" in refused["errorMessage"]
    wrong = s.lam.invoke(FunctionName="probe", Payload=json.dumps({**login, "password": "wrong", "sql": "SELECT 1"}))
    assert json.loads(wrong["Payload"])["errorType"] == "InternalError"  # PyGreSQL's class for a refused login
    denied = s.lam.invoke(FunctionName="probe", Payload=json.dumps(
        {"host": s.db.host, "user": "app", "password": "it's-new-1", "sql": "CREATE ROLE x WITH LOGIN PASSWORD 'p'"}))
    assert "permission denied" in json.loads(denied["Payload"])["errorMessage"]
    assert "x" not in s.db.users
