"""Access control enforced, through genuine boto3 clients made with credentials.

Who calls (credentials: a user's key, a role session, another account's root, none at all),
what decides (identity policies, resource policies, key policies, explicit denies,
conditions), across accounts, and how a decision is explained afterwards.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _lambda_support import lambda_role
from botocore.exceptions import ClientError

import secretkit

B = "444455556666"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


def message(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Message"]


@pytest.fixture
def cloud() -> secretkit.Cloud:
    return secretkit.Cloud(seed=3, start="2026-03-01")


def user(cloud: secretkit.Cloud, name: str, *statements: dict[str, Any], **client_args: Any) -> dict[str, str]:
    """A user with an inline policy; its credentials, as ``cloud.client`` takes them."""
    iam = cloud.client("iam", **client_args)
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def session(sts: Any, role_arn: str, name: str = "s1", **extra: Any) -> dict[str, str]:
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=name, **extra)["Credentials"]
    return {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}


# ------------------------------------------------------------------------ credentials
def test_no_credentials_is_the_root_user_and_keeps_every_call_working(cloud: secretkit.Cloud) -> None:
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="app/db", SecretString="v1")
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    assert cloud.client("sts").get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:root"
    assert cloud.events.select(kind="access") == []  # the root user's own calls are logged as calls only


def test_credentials_decide_the_principal(cloud: secretkit.Cloud) -> None:
    creds = user(cloud, "alice")
    sts = cloud.client("sts", **creds)
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:user/alice"


@pytest.mark.parametrize(("service", "wanted"), [
    ("secretsmanager", "UnrecognizedClientException"), ("kms", "UnrecognizedClientException"),
    ("iam", "InvalidClientTokenId"), ("sts", "InvalidClientTokenId"), ("lambda", "UnrecognizedClientException"),
])
def test_unknown_credentials_get_each_protocols_error(cloud: secretkit.Cloud, service: str, wanted: str) -> None:
    client = cloud.client(service, aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40)
    call = {"secretsmanager": lambda: client.list_secrets(), "kms": lambda: client.list_keys(),
            "iam": lambda: client.list_users() if hasattr(client, "list_users") else client.list_roles(),
            "sts": lambda: client.get_caller_identity(), "lambda": lambda: client.list_functions()}[service]
    with pytest.raises(ClientError) as exc:
        call()
    assert code(exc) == wanted
    assert "security token included in the request is invalid" in message(exc)


def test_a_deleted_key_stops_working_at_once(cloud: secretkit.Cloud) -> None:
    creds = user(cloud, "bob", allow("secretsmanager:ListSecrets"))
    sm = cloud.client("secretsmanager", **creds)
    assert sm.list_secrets()["SecretList"] == []
    cloud.client("iam").delete_access_key(UserName="bob", AccessKeyId=creds["aws_access_key_id"])
    with pytest.raises(ClientError) as exc:
        sm.list_secrets()
    assert code(exc) == "UnrecognizedClientException"


def test_a_session_expires_on_the_simulated_clock(cloud: secretkit.Cloud) -> None:
    iam = cloud.client("iam")
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="reader", PolicyName="p", PolicyDocument=doc(allow("secretsmanager:ListSecrets")))
    creds = user(cloud, "carol", allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/reader"))
    sm = cloud.client("secretsmanager", **session(cloud.client("sts", **creds),
                                                  "arn:aws:iam::123456789012:role/reader", DurationSeconds=900))
    assert sm.list_secrets()["SecretList"] == []
    cloud.clock.advance(minutes=16)
    with pytest.raises(ClientError) as exc:
        sm.list_secrets()
    assert code(exc) == "ExpiredTokenException"


# ---------------------------------------------------------------------- deciding
def test_identity_policy_grants_exactly_its_secret(cloud: secretkit.Cloud) -> None:
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="app/db", SecretString="mine")
    sm.create_secret(Name="app/other", SecretString="not mine")
    reader = cloud.client("secretsmanager", **user(cloud, "app", allow(
        "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-??????")))
    assert reader.get_secret_value(SecretId="app/db")["SecretString"] == "mine"
    with pytest.raises(ClientError) as exc:
        reader.get_secret_value(SecretId="app/other")
    assert code(exc) == "AccessDeniedException"
    assert message(exc) == ("User: arn:aws:iam::123456789012:user/app is not authorized to perform: "
                            "secretsmanager:GetSecretValue on resource: app/other because no identity-based "
                            "policy allows the secretsmanager:GetSecretValue action")
    with pytest.raises(ClientError) as exc:
        reader.put_secret_value(SecretId="app/db", SecretString="changed")
    assert code(exc) == "AccessDeniedException"
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "mine"  # the refused call changed nothing


def test_a_missing_secret_is_access_denied_without_permission_and_not_found_with_it(cloud: secretkit.Cloud) -> None:
    nobody = cloud.client("secretsmanager", **user(cloud, "nobody"))
    with pytest.raises(ClientError) as exc:
        nobody.get_secret_value(SecretId="ghost")
    assert code(exc) == "AccessDeniedException"
    reader = cloud.client("secretsmanager", **user(cloud, "reader", allow("secretsmanager:GetSecretValue")))
    with pytest.raises(ClientError) as exc:
        reader.get_secret_value(SecretId="ghost")
    assert code(exc) == "ResourceNotFoundException"


def test_explicit_deny_in_a_resource_policy_binds_even_the_root_user(cloud: secretkit.Cloud) -> None:
    sm = cloud.client("secretsmanager")
    arn = sm.create_secret(Name="locked", SecretString="v")["ARN"]
    sm.put_resource_policy(SecretId="locked", ResourcePolicy=doc(
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
    with pytest.raises(ClientError) as exc:
        sm.get_secret_value(SecretId=arn)
    assert code(exc) == "AccessDeniedException"
    assert message(exc).endswith("with an explicit deny in a resource-based policy")
    assert "explicitly denies secretsmanager:GetSecretValue" in cloud.explain(exc.value)


def test_a_resource_policy_alone_can_grant_within_the_account(cloud: secretkit.Cloud) -> None:
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="shared", SecretString="v")
    creds = user(cloud, "dave")
    sm.put_resource_policy(SecretId="shared", ResourcePolicy=doc(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/dave"},
         "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
    assert cloud.client("secretsmanager", **creds).get_secret_value(SecretId="shared")["SecretString"] == "v"
    assert "resource policy of secret shared" in cloud.explain(cloud.events.select(kind="access")[-2])


def test_conditions_on_tags_decide(cloud: secretkit.Cloud) -> None:
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="dev/x", SecretString="d", Tags=[{"Key": "env", "Value": "dev"}])
    sm.create_secret(Name="prod/x", SecretString="p", Tags=[{"Key": "env", "Value": "prod"}])
    reader = cloud.client("secretsmanager", **user(cloud, "dev", allow(
        "secretsmanager:GetSecretValue", "*", Condition={"StringEquals": {"aws:ResourceTag/env": "dev"}})))
    assert reader.get_secret_value(SecretId="dev/x")["SecretString"] == "d"
    with pytest.raises(ClientError):
        reader.get_secret_value(SecretId="prod/x")
    said = cloud.explain()
    assert "aws:ResourceTag/env" in said and '"prod"' in said


# --------------------------------------------------------------------------- KMS
def test_a_reader_without_kms_decrypt_on_a_customer_key_is_refused(cloud: secretkit.Cloud) -> None:
    key = cloud.client("kms").create_key()["KeyMetadata"]["Arn"]
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="cmk", SecretString="v", KmsKeyId=key)
    reader = cloud.client("secretsmanager", **user(cloud, "r", allow("secretsmanager:GetSecretValue")))
    with pytest.raises(ClientError) as exc:
        reader.get_secret_value(SecretId="cmk")
    assert (code(exc), message(exc)) == ("AccessDeniedException", "Access to KMS is not allowed")
    assert "kms:Decrypt" in cloud.explain()
    via = cloud.client("secretsmanager", **user(cloud, "r2", allow("secretsmanager:GetSecretValue"), allow(
        "kms:Decrypt", key, Condition={"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}})))
    assert via.get_secret_value(SecretId="cmk")["SecretString"] == "v"
    direct = cloud.client("kms", **user(cloud, "r3", allow(
        "kms:Encrypt", key, Condition={"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}})))
    with pytest.raises(ClientError) as exc:
        direct.encrypt(KeyId=key, Plaintext=b"x")  # not through Secrets Manager: the condition fails
    assert code(exc) == "AccessDeniedException"


def test_a_key_policy_that_does_not_name_the_account_denies_even_root(cloud: secretkit.Cloud) -> None:
    kms = cloud.client("kms")
    creds = user(cloud, "keyadmin")
    key = kms.create_key(Policy=doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/keyadmin"},
                                     "Action": "kms:*", "Resource": "*"}), BypassPolicyLockoutSafetyCheck=True)
    key_id = key["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert code(exc) == "AccessDeniedException"
    assert "because no resource-based policy allows the kms:Encrypt action" in message(exc)
    assert "key policy" in cloud.explain()
    blob = cloud.client("kms", **creds).encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    assert cloud.client("kms", **creds).decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
    assert json.loads(cloud.client("kms", **creds).get_key_policy(KeyId=key_id)["Policy"])["Statement"][0]["Action"] == "kms:*"


def test_the_default_key_policy_hands_the_key_to_iam(cloud: secretkit.Cloud) -> None:
    kms = cloud.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key_id, Plaintext=b"k")["CiphertextBlob"])["Plaintext"] == b"k"


# ------------------------------------------------------------------ across accounts
def _shared_secret(cloud: secretkit.Cloud, key: str | None) -> str:
    sm = cloud.client("secretsmanager")
    args = {"KmsKeyId": key} if key else {}
    arn = sm.create_secret(Name="shared/db", SecretString="across", **args)["ARN"]
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:user/reader"},
         "Action": "secretsmanager:GetSecretValue", "Resource": "*"}), BlockPublicPolicy=True)
    return arn


def test_a_reader_in_another_account_needs_both_sides_and_a_customer_key(cloud: secretkit.Cloud) -> None:
    root_b = cloud.kit_add_account(B)
    assert cloud.accounts == ["123456789012", B]
    assert cloud.client("sts", **root_b).get_caller_identity()["Account"] == B
    without = cloud.client("secretsmanager", **user(cloud, "reader", **root_b))  # policies name it: made first
    kms = cloud.client("kms")
    key = kms.create_key(Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:user/reader"}, "Action": "kms:Decrypt",
         "Resource": "*"}))["KeyMetadata"]["Arn"]
    arn = _shared_secret(cloud, key)
    with pytest.raises(ClientError) as exc:
        without.get_secret_value(SecretId=arn)  # the resource policy allows, the identity policy does not
    assert code(exc) == "AccessDeniedException"
    assert "across accounts" in cloud.explain()
    cloud.client("iam", **root_b).put_user_policy(UserName="reader", PolicyName="p", PolicyDocument=doc(
        allow("secretsmanager:GetSecretValue", arn), allow("kms:Decrypt", key)))
    assert without.get_secret_value(SecretId=arn)["SecretString"] == "across"
    with pytest.raises(ClientError) as exc:
        without.get_secret_value(SecretId="shared/db")  # a name is looked up in the caller's own account
    assert code(exc) in ("AccessDeniedException", "ResourceNotFoundException")


def test_the_aws_managed_key_cannot_serve_another_account(cloud: secretkit.Cloud) -> None:
    root_b = cloud.kit_add_account(B)
    reader = cloud.client("secretsmanager", **user(cloud, "reader", allow("secretsmanager:GetSecretValue"),
                                                  allow("kms:Decrypt"), **root_b))
    arn = _shared_secret(cloud, None)
    with pytest.raises(ClientError) as exc:
        reader.get_secret_value(SecretId=arn)
    assert (code(exc), message(exc)) == ("AccessDeniedException", "Access to KMS is not allowed")
    assert "kms:CallerAccount" in cloud.explain()


def test_an_added_account_id_is_twelve_ascii_digits(cloud: secretkit.Cloud) -> None:
    for wrong in ("12345678901", "1234567890123", "12345678901²", "١٢٣٤٥٦٧٨٩٠١٢", 444455556666):
        with pytest.raises(ValueError, match="an account id is 12 digits"):
            cloud.kit_add_account(wrong)  # type: ignore[arg-type]
    assert cloud.accounts == ["123456789012"]


def test_assume_role_across_accounts(cloud: secretkit.Cloud) -> None:
    root_b = cloud.kit_add_account(B)
    iam = cloud.client("iam")
    iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:root"}, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="auditor", PolicyName="p", PolicyDocument=doc(allow("secretsmanager:ListSecrets")))
    creds = user(cloud, "ops", allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/auditor"), **root_b)
    sts = cloud.client("sts", **creds)
    assumed = session(sts, "arn:aws:iam::123456789012:role/auditor", "audit")
    assert cloud.client("sts", **assumed).get_caller_identity()["Arn"] == \
        "arn:aws:sts::123456789012:assumed-role/auditor/audit"
    assert cloud.client("secretsmanager", **assumed).list_secrets()["SecretList"] == []
    with pytest.raises(ClientError) as exc:
        cloud.client("secretsmanager", **assumed).create_secret(Name="x", SecretString="y")
    assert "assumed-role/auditor/audit" in message(exc)


# --------------------------------------------------------------- resource policies
def test_block_public_policy_refuses_a_public_policy_and_validate_reports_it(cloud: secretkit.Cloud) -> None:
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="p", SecretString="v")
    public = doc({"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"})
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(SecretId="p", ResourcePolicy=public, BlockPublicPolicy=True)
    assert code(exc) == "PublicPolicyException"
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="p")
    found = sm.validate_resource_policy(ResourcePolicy=public)
    assert found["PolicyValidationPassed"] is False
    assert [e["CheckName"] for e in found["ValidationErrors"]] == ["BROAD_ACCESS"]
    pinned = doc({"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
                  "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}})
    assert sm.validate_resource_policy(ResourcePolicy=pinned)["PolicyValidationPassed"] is True
    sm.put_resource_policy(SecretId="p", ResourcePolicy=pinned, BlockPublicPolicy=True)
    unknown = doc({"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:Get", "Resource": "*",
                   "Condition": {"StringSpelledWrong": {"aws:PrincipalAccount": "1"}}})
    assert sm.validate_resource_policy(ResourcePolicy=unknown)["ValidationErrors"][0]["CheckName"] == "SYNTAX"


# ------------------------------------------------------------------- explaining
def test_every_decision_other_than_roots_own_is_in_the_event_log(cloud: secretkit.Cloud) -> None:
    cloud.client("secretsmanager").create_secret(Name="s", SecretString="v")
    reader = cloud.client("secretsmanager", **user(cloud, "eve"))
    with pytest.raises(ClientError):
        reader.describe_secret(SecretId="s")
    event = cloud.events.select(kind="access")[-1]
    assert (event.operation, event.outcome, event.principal) == (
        "secretsmanager:DescribeSecret", "implicitDeny", "arn:aws:iam::123456789012:user/eve")
    assert event.detail["missing"] == "identity-based"
    assert cloud.explain(event).startswith("Denied: no identity-based policy of user eve allows")
    with pytest.raises(ValueError):
        cloud.explain("something else")


# ------------------------------------------------------------ rotation as its role
LAMBDA_TRUST = doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
ROTATION_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage"]


def _rotation(cloud: secretkit.Cloud, actions: list[str]) -> tuple[Any, str, str, Any]:
    from secretkit import rotation_functions
    from secretkit.databases import databases
    from secretkit.rotation_functions.deployment import execution_role_arn

    iam = cloud.client("iam")
    role = execution_role_arn(cloud.account_id, "rotate-app").rsplit("/", 1)[-1]
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=LAMBDA_TRUST)
    db = databases(cloud).create("postgres", "pg.db.example", "admin", "master-pw")
    db.add_user("app", "app-pw-0", grants=("SELECT",))
    sm = cloud.client("secretsmanager")
    arn = sm.create_secret(Name="app", SecretString=json.dumps(db.secret_dict("app", "app-pw-0")))["ARN"]
    iam.put_role_policy(RoleName=role, PolicyName="rotation", PolicyDocument=doc(
        allow(actions, arn), allow("secretsmanager:GetRandomPassword")))
    return sm, arn, rotation_functions.deploy(cloud, "rotate-app", "postgres", "single-user"), db


def test_a_rotation_runs_as_its_role_and_a_weak_role_makes_it_fail(cloud: secretkit.Cloud) -> None:
    sm, arn, function, db = _rotation(cloud, ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
    token = sm.rotate_secret(SecretId=arn, RotationLambdaARN=function)["VersionId"]
    cloud.clock.advance(seconds=5)
    failed = [e for e in cloud.events.select(kind="notice", operation="RotationFailed")]
    assert failed and "AccessDeniedException" in failed[-1].detail["error"]
    assert "PutSecretValue" in failed[-1].detail["error"]
    denied = cloud.events.select(kind="access")[-1]
    assert denied.principal == "arn:aws:sts::123456789012:assumed-role/rotate-app-role/rotate-app"
    assert "no identity-based policy of role rotate-app-role" in cloud.explain()
    assert json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])["password"] == "app-pw-0"  # still readable
    assert sm.describe_secret(SecretId=arn)["VersionIdsToStages"].get(token) == ["AWSPENDING"]


def test_a_rotation_with_its_least_privilege_role_succeeds(cloud: secretkit.Cloud) -> None:
    sm, arn, function, db = _rotation(cloud, ROTATION_ACTIONS)
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=function)
    cloud.clock.advance(seconds=5)
    value = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    assert value["password"] != "app-pw-0" and db.accepts("app", value["password"])
    assert cloud.events.select(kind="notice", operation="RotationFailed") == []


def test_rotations_months_apart_each_run_with_a_live_session_of_the_role(cloud: secretkit.Cloud) -> None:
    # A warm environment never outlives its role's one-hour session: a month later the
    # function starts cold with a new session instead of calling with an expired token.
    sm, arn, function, db = _rotation(cloud, ROTATION_ACTIONS)
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=function, RotationRules={"AutomaticallyAfterDays": 30})
    cloud.clock.advance(days=61)
    assert cloud.events.select(kind="notice", operation="RotationFailed") == []
    value = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    assert value["password"] != "app-pw-0" and db.accepts("app", value["password"])
    starts = [e.detail for e in cloud.events.select(kind="invoke") if e.detail.get("step") == "createSecret"]
    assert [d["cold_start"] for d in starts] == [True, True, True]  # now, after 30 days, after 60


def test_a_role_that_does_not_trust_lambda_cannot_be_a_functions_role(cloud: secretkit.Cloud) -> None:
    iam = cloud.client("iam")
    iam.create_role(RoleName="not-for-lambda", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    lam = cloud.client("lambda")
    from secretkit.awslambda.code import build_zip

    with pytest.raises(ClientError) as exc:
        lam.create_function(FunctionName="f", Runtime="python3.12", Handler="lambda_function.lambda_handler",
                            Role="arn:aws:iam::123456789012:role/not-for-lambda",
                            Code={"ZipFile": build_zip({"lambda_function.py": "def lambda_handler(e, c):\n    return 1\n"})})
    assert (code(exc), message(exc)) == ("InvalidParameterValueException",
                                         "The role defined for the function cannot be assumed by Lambda.")
    with pytest.raises(ClientError):
        lam.get_function(FunctionName="f")  # nothing was made


def test_a_role_that_does_not_exist_cannot_be_a_functions_role(cloud: secretkit.Cloud) -> None:
    from secretkit.awslambda.code import build_zip

    lam = cloud.client("lambda")
    code_ = {"ZipFile": build_zip({"lambda_function.py": "def lambda_handler(e, c):\n    return 1\n"})}
    missing = "arn:aws:iam::123456789012:role/never-made"
    with pytest.raises(ClientError) as exc:
        lam.create_function(FunctionName="f", Runtime="python3.12", Handler="lambda_function.lambda_handler",
                            Role=missing, Code=code_)
    assert (code(exc), message(exc)) == ("InvalidParameterValueException",
                                         "The role defined for the function cannot be assumed by Lambda.")
    assert lam.list_functions()["Functions"] == []  # nothing was made
    lam.create_function(FunctionName="f", Runtime="python3.12", Handler="lambda_function.lambda_handler",
                        Role=lambda_role(cloud), Code=code_)
    with pytest.raises(ClientError) as exc:
        lam.update_function_configuration(FunctionName="f", Role=missing, MemorySize=256)
    assert code(exc) == "InvalidParameterValueException"
    config = lam.get_function_configuration(FunctionName="f")
    assert (config["Role"], config["MemorySize"]) == (lambda_role(cloud), 128)  # unchanged
    with pytest.raises(secretkit.ClientError) as kit_exc:
        cloud.awslambda().kit_deploy_callable("g", lambda event, context: 1, Role=missing)
    assert kit_exc.value.code == "InvalidParameterValueException"
    # a role deleted after deployment: the next cold start cannot assume it
    cloud.iam().delete_role_policy(RoleName="lambda-exec", PolicyName="function")
    cloud.iam().delete_role(RoleName="lambda-exec")
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="f")
    assert message(exc) == "The role defined for the function cannot be assumed by Lambda."


def test_a_key_of_another_account_is_used_by_its_arn_when_both_sides_allow(cloud: secretkit.Cloud) -> None:
    root_b = cloud.kit_add_account(B)
    kms = cloud.client("kms")
    key = kms.create_key(Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:root"}, "Action": "kms:Encrypt", "Resource": "*"},
    ))["KeyMetadata"]["Arn"]
    outsider = cloud.client("kms", **user(cloud, "enc", **root_b))
    with pytest.raises(ClientError) as exc:
        outsider.encrypt(KeyId=key, Plaintext=b"x")  # the key policy hands it to account B's IAM; none allows
    assert code(exc) == "AccessDeniedException"
    cloud.client("iam", **root_b).put_user_policy(UserName="enc", PolicyName="p", PolicyDocument=doc(
        allow("kms:Encrypt", key)))
    blob = outsider.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_rotate_secret_needs_invoke_permission_on_the_function_too(cloud: secretkit.Cloud) -> None:
    sm, arn, function, db = _rotation(cloud, ROTATION_ACTIONS)
    operator = cloud.client("secretsmanager", **user(cloud, "operator", allow("secretsmanager:RotateSecret", arn)))
    with pytest.raises(ClientError) as exc:
        operator.rotate_secret(SecretId=arn, RotationLambdaARN=function)
    assert "lambda:InvokeFunction on resource: " + function in message(exc)
    assert sm.describe_secret(SecretId=arn).get("RotationEnabled") is not True  # nothing changed
    cloud.client("iam").put_user_policy(UserName="operator", PolicyName="p", PolicyDocument=doc(
        allow("secretsmanager:RotateSecret", arn), allow("lambda:InvokeFunction", function)))
    operator.rotate_secret(SecretId=arn, RotationLambdaARN=function)
    cloud.clock.advance(seconds=5)
    assert sm.describe_secret(SecretId=arn)["RotationEnabled"] is True


def test_a_function_of_another_account_is_invoked_when_its_policy_and_the_callers_allow(cloud: secretkit.Cloud) -> None:
    root_b = cloud.kit_add_account(B)
    arn = cloud.awslambda().kit_deploy_callable("hello", lambda event, context: {"hi": 1}, Role=lambda_role(cloud))["FunctionArn"]
    cloud.client("lambda").add_permission(FunctionName="hello", StatementId="b", Action="lambda:InvokeFunction",
                                          Principal=B)
    caller_b = cloud.client("lambda", **user(cloud, "caller", allow("lambda:InvokeFunction"), **root_b))
    assert json.loads(caller_b.invoke(FunctionName=arn)["Payload"].read()) == {"hi": 1}
    other_b = cloud.client("lambda", **user(cloud, "other", **root_b))
    with pytest.raises(ClientError) as exc:
        other_b.invoke(FunctionName=arn)
    assert code(exc) == "AccessDeniedException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "across accounts" in cloud.explain()


def test_put_resource_policy_parses_the_policy_as_iam_does(cloud: secretkit.Cloud) -> None:
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="m", SecretString="v")
    with pytest.raises(ClientError) as exc:
        sm.put_resource_policy(SecretId="m", ResourcePolicy=doc(
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
             "Action": "secretsmanager:GetSecretValue", "Resource": "*",
             "Condition": {"StringSpelledWrong": {"aws:PrincipalAccount": "1"}}}))
    assert code(exc) == "MalformedPolicyDocumentException"
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="m")


# ------------------------------------------------------------------ iam:PassRole
def test_handing_a_function_its_role_needs_pass_role_on_that_role(cloud: secretkit.Cloud) -> None:
    from secretkit.awslambda.code import build_zip

    role = lambda_role(cloud)
    other = lambda_role(cloud, "other-exec")
    args = dict(Runtime="python3.12", Handler="lambda_function.lambda_handler",
                Code={"ZipFile": build_zip({"lambda_function.py": "def lambda_handler(e, c):\n    return 1\n"})})
    dev = cloud.client("lambda", **user(cloud, "dev", allow(["lambda:CreateFunction", "lambda:GetFunction*",
                                                            "lambda:UpdateFunctionConfiguration"])))
    with pytest.raises(ClientError) as exc:
        dev.create_function(FunctionName="f", Role=role, **args)
    assert code(exc) == "AccessDeniedException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert message(exc).startswith("User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
                                   f"iam:PassRole on resource: {role}")
    assert cloud.client("lambda").list_functions()["Functions"] == []  # nothing was made
    # PassRole for Lambda only, on the one role: the function is made; handing it another role is refused
    cloud.client("iam").put_user_policy(UserName="dev", PolicyName="pass", PolicyDocument=doc(
        allow("iam:PassRole", role, Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})))
    assert dev.create_function(FunctionName="f", Role=role, **args)["Role"] == role
    dev.update_function_configuration(FunctionName="f", MemorySize=256)  # no Role given: nothing to pass
    with pytest.raises(ClientError) as exc:
        dev.update_function_configuration(FunctionName="f", Role=other)
    assert f"iam:PassRole on resource: {other}" in message(exc)
    assert dev.get_function_configuration(FunctionName="f")["Role"] == role
    # the condition holds only for Lambda: a PassRole meant for EC2 does not let a role be passed to Lambda
    cloud.client("iam").put_user_policy(UserName="dev", PolicyName="pass", PolicyDocument=doc(
        allow("iam:PassRole", "*", Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}})))
    with pytest.raises(ClientError) as exc:
        dev.create_function(FunctionName="g", Role=role, **args)
    assert "iam:PassRole" in message(exc)


def test_a_rule_target_with_a_role_needs_pass_role_on_it(cloud: secretkit.Cloud) -> None:
    role = lambda_role(cloud, "events-role", policy=None)
    ops = cloud.client("events", **user(cloud, "ops", allow(["events:PutRule", "events:PutTargets"])))
    ops.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    target = {"Id": "t", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f", "RoleArn": role}
    with pytest.raises(ClientError) as exc:
        ops.put_targets(Rule="nightly", Targets=[target])
    assert code(exc) == "AccessDeniedException" and f"iam:PassRole on resource: {role}" in message(exc)
    assert cloud.client("events").list_targets_by_rule(Rule="nightly")["Targets"] == []
    cloud.client("iam").put_user_policy(UserName="ops", PolicyName="pass", PolicyDocument=doc(
        allow(["events:PutRule", "events:PutTargets"]), allow("iam:PassRole", role)))
    assert ops.put_targets(Rule="nightly", Targets=[target])["FailedEntryCount"] == 0


# ------------------------------------------------- policies name principals that exist
def test_resource_policies_naming_a_user_or_role_that_does_not_exist_are_refused(cloud: secretkit.Cloud) -> None:
    root_b = cloud.kit_add_account(B)
    ghost, real = "arn:aws:iam::123456789012:role/ghost", lambda_role(cloud, "real", policy=None)
    naming = lambda who: doc({"Effect": "Allow", "Principal": {"AWS": who},  # noqa: E731
                              "Action": "secretsmanager:GetSecretValue", "Resource": "*"})
    sm = cloud.client("secretsmanager")
    arn = sm.create_secret(Name="s", SecretString="v")["ARN"]
    for who in (ghost, f"arn:aws:iam::{B}:user/nobody", "arn:aws:iam::999999999999:role/elsewhere"):
        with pytest.raises(ClientError) as exc:
            sm.put_resource_policy(SecretId=arn, ResourcePolicy=naming(who))
        assert (code(exc), message(exc)) == ("MalformedPolicyDocumentException",
                                             "This resource policy contains an unsupported principal.")
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=arn)  # nothing was written
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=naming(real))
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=naming(f"arn:aws:iam::{B}:root"))  # an account: fine
    cloud.client("iam", **root_b).create_user(UserName="reader")
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=naming(f"arn:aws:iam::{B}:user/reader"))

    kms = cloud.client("kms")
    admin = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*",
             "Resource": "*"}
    user_of = lambda who: {"Effect": "Allow", "Principal": {"AWS": who}, "Action": "kms:Decrypt",  # noqa: E731
                           "Resource": "*"}
    keys = kms.list_keys()["Keys"]  # the AWS managed aws/secretsmanager key
    with pytest.raises(ClientError) as exc:
        kms.create_key(Policy=doc(admin, user_of(ghost)))
    assert (code(exc), message(exc)) == ("MalformedPolicyDocumentException",
                                         "Policy contains a statement with one or more invalid principals.")
    assert kms.list_keys()["Keys"] == keys  # no key was made
    key = kms.create_key(Policy=doc(admin, user_of(real)))["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as exc:
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=doc(admin, user_of(ghost)))
    assert code(exc) == "MalformedPolicyDocumentException"
    assert real in kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]  # unchanged

    from secretkit.awslambda.code import build_zip

    lam = cloud.client("lambda")
    lam.create_function(FunctionName="f", Runtime="python3.12", Handler="lambda_function.lambda_handler",
                        Role=real, Code={"ZipFile": build_zip({"lambda_function.py": "def lambda_handler(e, c):\n"
                                                                                     "    return 1\n"})})
    with pytest.raises(ClientError) as exc:
        lam.add_permission(FunctionName="f", StatementId="ghost", Action="lambda:InvokeFunction", Principal=ghost)
    assert (code(exc), message(exc)) == ("InvalidParameterValueException",
                                         "The provided principal was invalid. Please check the principal and try again.")
    lam.add_permission(FunctionName="f", StatementId="real", Action="lambda:InvokeFunction", Principal=real)
    assert [s["Sid"] for s in json.loads(lam.get_policy(FunctionName="f")["Policy"])["Statement"]] == ["real"]
