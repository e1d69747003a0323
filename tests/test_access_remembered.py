"""Remembered access decisions: a question asked again is answered without a new evaluation,
yet every answer is still an ``access`` event that explains itself, and any change that could
change the answer (the caller's policies, the secret's policy, tags or rotation function, the
key's policy, the call's arguments) makes a new question.

Everything goes through genuine boto3 clients made with a user's credentials.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

import secretkit

A = "123456789012"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.fixture
def cloud() -> secretkit.Cloud:
    return secretkit.Cloud(seed=5, start="2026-03-01")


KEYS: dict[int, dict[str, str]] = {}  # each test's cloud -> bob's credentials


def reader(cloud: secretkit.Cloud, *statements: dict[str, Any]) -> tuple[Any, Any]:
    """IAM (as root) and a Secrets Manager client of user ``bob`` with ``statements``."""
    iam = cloud.client("iam")
    iam.create_user(UserName="bob")
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=doc(*statements))
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    KEYS[id(cloud)] = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
    return iam, cloud.client("secretsmanager", **KEYS[id(cloud)])


def denied(call: Any) -> str:
    with pytest.raises(ClientError) as exc:
        call()
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"
    return str(exc.value.response["Error"]["Message"])


def test_each_repeated_read_is_an_access_event_that_explains_itself(cloud: secretkit.Cloud) -> None:
    root = cloud.client("secretsmanager")
    root.create_secret(Name="app/db", SecretString="v1")
    _, sm = reader(cloud, allow("secretsmanager:GetSecretValue"))
    for _ in range(3):
        assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    reads = [e for e in cloud.events.select(kind="access") if e.operation == "secretsmanager:GetSecretValue"]
    assert len(reads) == 3
    assert [e.outcome for e in reads] == ["OK"] * 3
    assert reads[1].time <= reads[2].time and reads[2].principal.endswith(":user/bob")
    for event in reads:
        assert event.detail["decision"] == "allowed"
        assert event.detail["principal"] == f"arn:aws:iam::{A}:user/bob"
        assert cloud.explain(event) == "Allowed by statement #1 of inline policy 'p' on user bob."
    assert dict(reads[0].detail) == dict(reads[2].detail)


def test_a_policy_change_is_a_new_question(cloud: secretkit.Cloud) -> None:
    cloud.client("secretsmanager").create_secret(Name="app/db", SecretString="v1")
    iam, sm = reader(cloud, allow("secretsmanager:GetSecretValue"))
    sm.get_secret_value(SecretId="app/db")
    sm.get_secret_value(SecretId="app/db")
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=doc(allow("secretsmanager:DescribeSecret")))
    assert "secretsmanager:GetSecretValue" in denied(lambda: sm.get_secret_value(SecretId="app/db"))
    assert cloud.events.select(kind="access")[-1].outcome == "implicitDeny"
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=doc(allow("secretsmanager:*")))
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"


def test_a_resource_policy_put_or_deleted_changes_the_answer(cloud: secretkit.Cloud) -> None:
    root = cloud.client("secretsmanager")
    root.create_secret(Name="app/db", SecretString="v1")
    _, sm = reader(cloud, allow("secretsmanager:GetSecretValue"))
    sm.get_secret_value(SecretId="app/db")
    root.put_resource_policy(SecretId="app/db", ResourcePolicy=doc({
        "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{A}:user/bob"},
        "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
    denied(lambda: sm.get_secret_value(SecretId="app/db"))
    denied(lambda: sm.get_secret_value(SecretId="app/db"))
    assert [e.outcome for e in cloud.events.select(kind="access")[-2:]] == ["explicitDeny"] * 2
    root.delete_resource_policy(SecretId="app/db")
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"


def test_a_secret_made_again_under_the_same_name_is_a_new_question(cloud: secretkit.Cloud) -> None:
    # The remembered answer is about the secret's record, not its name: the new secret has another
    # ARN (its six random characters), which bob's policy does not name.
    root = cloud.client("secretsmanager")
    arn = root.create_secret(Name="app/db", SecretString="v1")["ARN"]
    _, sm = reader(cloud, allow("secretsmanager:GetSecretValue", arn))
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    root.delete_secret(SecretId="app/db", ForceDeleteWithoutRecovery=True)
    again = root.create_secret(Name="app/db", SecretString="v2")["ARN"]
    assert again != arn
    assert "secretsmanager:GetSecretValue" in denied(lambda: sm.get_secret_value(SecretId="app/db"))
    last = cloud.events.select(kind="access")[-1]
    assert (last.outcome, last.resource) == ("implicitDeny", again)


def test_tags_and_arguments_are_part_of_the_question(cloud: secretkit.Cloud) -> None:
    root = cloud.client("secretsmanager")
    root.create_secret(Name="app/db", SecretString="v1", Tags=[{"Key": "env", "Value": "dev"}])
    _, sm = reader(cloud, allow("secretsmanager:GetSecretValue",
                                Condition={"StringEquals": {"secretsmanager:ResourceTag/env": "dev",
                                                            "secretsmanager:VersionStage": "AWSCURRENT"}}))
    assert sm.get_secret_value(SecretId="app/db", VersionStage="AWSCURRENT")["SecretString"] == "v1"
    denied(lambda: sm.get_secret_value(SecretId="app/db", VersionStage="AWSPREVIOUS"))
    root.tag_resource(SecretId="app/db", Tags=[{"Key": "env", "Value": "prod"}])
    denied(lambda: sm.get_secret_value(SecretId="app/db", VersionStage="AWSCURRENT"))
    root.tag_resource(SecretId="app/db", Tags=[{"Key": "env", "Value": "dev"}])
    assert sm.get_secret_value(SecretId="app/db", VersionStage="AWSCURRENT")["SecretString"] == "v1"


def test_a_key_policy_change_is_a_new_question_for_the_read_through_kms(cloud: secretkit.Cloud) -> None:
    _, sm = reader(cloud, allow("secretsmanager:GetSecretValue"))  # bob exists before a key policy names him
    kms = cloud.client("kms")
    grant = {"Sid": "bob", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/bob"},
             "Action": "kms:Decrypt", "Resource": "*"}
    admin = {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
             "Action": "kms:*", "Resource": "*"}
    key = kms.create_key(Policy=doc(admin, grant))["KeyMetadata"]["KeyId"]
    root = cloud.client("secretsmanager")
    root.create_secret(Name="app/db", SecretString="v1", KmsKeyId=key)
    sm.get_secret_value(SecretId="app/db")
    sm.get_secret_value(SecretId="app/db")
    decrypts = [e for e in cloud.events.select(kind="access") if e.operation == "kms:Decrypt"]
    assert [e.outcome for e in decrypts] == ["OK", "OK"]
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=doc(admin))
    assert denied(lambda: sm.get_secret_value(SecretId="app/db")) == "Access to KMS is not allowed"
    assert cloud.events.select(kind="access")[-1].operation == "kms:Decrypt"
    assert cloud.events.select(kind="access")[-1].outcome == "implicitDeny"


def test_a_saved_cloud_keeps_every_event_but_no_remembered_answers(cloud: secretkit.Cloud, tmp_path: Any) -> None:
    cloud.client("secretsmanager").create_secret(Name="app/db", SecretString="v1")
    _, sm = reader(cloud, allow("secretsmanager:GetSecretValue"))
    sm.get_secret_value(SecretId="app/db")
    sm.get_secret_value(SecretId="app/db")
    cloud.save(tmp_path / "cloud.skit")
    copy = secretkit.Cloud.load(tmp_path / "cloud.skit")
    before = [(e.operation, e.outcome, dict(e.detail)) for e in cloud.events.select(kind="access")]
    after = [(e.operation, e.outcome, {k: v for k, v in e.detail.items() if k != "explained"})
             for e in copy.events.select(kind="access")]
    assert [(o, r, {k: v for k, v in d.items() if k != "explained"}) for o, r, d in before] == after
    assert copy.enforcer()._answers == {}
    assert copy.client("secretsmanager", **KEYS[id(cloud)]).get_secret_value(SecretId="app/db")["SecretString"] == "v1"


def test_a_role_sessions_answer_follows_its_roles_policies(cloud: secretkit.Cloud) -> None:
    # A session's identity policies are its role's: a change to the role's policies (made after
    # the session was issued) is a new question for the session's next read, in both directions.
    cloud.client("secretsmanager").create_secret(Name="app/db", SecretString="v1")
    iam, _ = reader(cloud, allow("sts:AssumeRole"))
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/bob"}, "Action": "sts:AssumeRole"})
    role = iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="app", PolicyName="read", PolicyDocument=doc(allow("secretsmanager:GetSecretValue")))
    creds = cloud.client("sts", **KEYS[id(cloud)]).assume_role(RoleArn=role, RoleSessionName="s1")["Credentials"]
    sm = cloud.client("secretsmanager", aws_access_key_id=creds["AccessKeyId"],
                      aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    iam.put_role_policy(RoleName="app", PolicyName="read", PolicyDocument=doc(allow("secretsmanager:DescribeSecret")))
    assert "assumed-role/app/s1" in denied(lambda: sm.get_secret_value(SecretId="app/db"))
    iam.put_role_policy(RoleName="app", PolicyName="read", PolicyDocument=doc(allow("secretsmanager:Get*")))
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    event = [e for e in cloud.events.select(kind="access") if e.operation == "secretsmanager:GetSecretValue"][-1]
    assert event.principal.endswith("assumed-role/app/s1") and event.outcome == "OK"
    assert "role app" in cloud.explain(event)
