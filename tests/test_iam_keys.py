"""The condition keys services put in their requests, and policies written against them."""

from __future__ import annotations

import json

from secretkit.core.clock import SimClock
from secretkit.iam import AccessRequest, Policy, PolicyKind, Root, evaluate, load_policy
from secretkit.iam.keys import kms_keys, parameter_arn, parameter_keys, secret_keys, via_service
from secretkit.iam.principals import InlinePolicy, User

A = "111122223333"
SECRET = f"arn:aws:secretsmanager:us-east-1:{A}:secret:prod/db-a1B2c3"
KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_secret_keys() -> None:
    keys = secret_keys(SECRET, tags=[{"Key": "team", "Value": "payments"}], rotation_lambda_arn="arn:aws:lambda:x",
                       request={"VersionStage": "AWSPREVIOUS", "VersionId": None, "RotationRules": {}},
                       request_tags=[{"Key": "env", "Value": "prod"}])
    assert keys == {
        "secretsmanager:SecretId": SECRET,
        "secretsmanager:ResourceTag/team": "payments",
        "aws:ResourceTag/team": "payments",
        "secretsmanager:resource/AllowRotationLambdaArn": "arn:aws:lambda:x",
        "secretsmanager:VersionStage": "AWSPREVIOUS",
        "secretsmanager:ModifyRotationRules": True,
        "aws:RequestTag/env": "prod",
        "aws:TagKeys": ("env",),
    }


def test_kms_keys_and_parameter_keys() -> None:
    keys = kms_keys(via=via_service("secretsmanager", "eu-west-1"),
                    encryption_context={"SecretARN": SECRET, "SecretVersionId": "v1"}, aliases=["alias/app"])
    assert keys["kms:ViaService"] == "secretsmanager.eu-west-1.amazonaws.com"
    assert keys["kms:EncryptionContext:SecretARN"] == SECRET
    assert keys["kms:EncryptionContextKeys"] == ("SecretARN", "SecretVersionId")
    assert keys["kms:KeySpec"] == "SYMMETRIC_DEFAULT" and keys["kms:ResourceAliases"] == ("alias/app",)
    assert parameter_keys(tags={"env": "prod"}, overwrite=True) == {
        "ssm:resourceTag/env": "prod", "aws:ResourceTag/env": "prod", "ssm:Overwrite": True}
    assert parameter_arn("us-east-1", A, "/app/db") == parameter_arn("us-east-1", A, "app/db") == \
        f"arn:aws:ssm:us-east-1:{A}:parameter/app/db"


def _user(*statements: dict[str, object]) -> User:
    clock = SimClock("2026-01-01")
    user = User(A, "app", "/", "AIDAEXAMPLE", clock.now)
    text = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    user.inline["p"] = InlinePolicy("p", text, load_policy(text, PolicyKind.INLINE))
    return user


def test_a_key_usable_only_through_secrets_manager_for_one_secret() -> None:
    user = _user({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY, "Condition": {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
                         "kms:EncryptionContext:SecretARN": SECRET}}})
    now = SimClock("2026-01-01").now
    through = kms_keys(via=via_service("secretsmanager", "us-east-1"),
                       encryption_context={"SecretARN": SECRET, "SecretVersionId": "v1"})
    assert evaluate(AccessRequest(user, "kms:Decrypt", KEY, keys=through), now).allowed
    direct = kms_keys(encryption_context={"SecretARN": SECRET, "SecretVersionId": "v1"})
    assert not evaluate(AccessRequest(user, "kms:Decrypt", KEY, keys=direct), now).allowed
    other = kms_keys(via=via_service("secretsmanager", "us-east-1"), encryption_context={"SecretARN": SECRET + "x"})
    assert not evaluate(AccessRequest(user, "kms:Decrypt", KEY, keys=other), now).allowed


def test_tag_based_access_with_secret_keys() -> None:
    user = _user({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
                  "Condition": {"StringEquals": {"secretsmanager:ResourceTag/team": "${aws:PrincipalTag/team}"}}})
    user.tags.append({"Key": "team", "Value": "payments"})
    user.changed()
    now = SimClock("2026-01-01").now
    mine = secret_keys(SECRET, tags={"team": "payments"})
    theirs = secret_keys(SECRET, tags={"team": "web"})
    assert evaluate(AccessRequest(user, "secretsmanager:GetSecretValue", SECRET, keys=mine), now).allowed
    assert not evaluate(AccessRequest(user, "secretsmanager:GetSecretValue", SECRET, keys=theirs), now).allowed
    assert evaluate(AccessRequest(Root(A, now), "secretsmanager:GetSecretValue", SECRET, keys=theirs), now).allowed


def _secret_policy(*statements: dict[str, object]) -> Policy:
    return load_policy(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), PolicyKind.SECRET)


def test_broad_access() -> None:
    from secretkit.iam.analysis import grants_broad_access

    anyone = {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
    assert grants_broad_access(_secret_policy(anyone))
    assert grants_broad_access(_secret_policy({**anyone, "Principal": {"AWS": "*"}}))
    not_principal = {k: v for k, v in anyone.items() if k != "Principal"} | {"NotPrincipal": {"AWS": A}}
    assert grants_broad_access(_secret_policy(not_principal))
    assert not grants_broad_access(_secret_policy({**anyone, "Condition": {"StringEquals": {"aws:PrincipalAccount": A}}}))
    assert not grants_broad_access(_secret_policy({**anyone, "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:lambda:us-east-1:1:function:f"}}}))
    assert grants_broad_access(_secret_policy({**anyone, "Condition": {"StringLike": {"aws:PrincipalAccount": "1*"}}}))
    assert grants_broad_access(_secret_policy({**anyone, "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}}))
    assert grants_broad_access(_secret_policy({**anyone, "Condition": {"StringEquals": {"aws:ResourceTag/x": "y"}}}))
    assert not grants_broad_access(_secret_policy({**anyone, "Effect": "Deny"}))
    assert not grants_broad_access(_secret_policy({**anyone, "Principal": {"AWS": f"arn:aws:iam::{A}:root"}}))
