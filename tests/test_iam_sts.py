"""STS: AssumeRole with the trust policy checked, temporary credentials on the simulated
clock, GetCallerIdentity, and credentials resolved with each protocol's errors."""

from __future__ import annotations

from typing import Any

import pytest

from _iam_support import A, B, World, doc, error_of, make_world, trust
from secretkit.iam.credentials import BAD_SIGNATURE, EXPIRED_TOKEN, INVALID_TOKEN

ASSUME = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}


@pytest.fixture
def world() -> World:
    return make_world()


def role(world: World, name: str, principal: Any, account: str = A, **extra: Any) -> str:
    return world.iam(account).create_role(RoleName=name, AssumeRolePolicyDocument=trust(principal), **extra)["Role"]["Arn"]


def test_assume_role_issues_temporary_credentials(world: World) -> None:
    arn = role(world, "app-reader", {"AWS": A}, Path="/apps/")
    alice = world.user_with_key("alice", ASSUME)
    out = world.sts().invoke("assume_role", alice, RoleArn=arn, RoleSessionName="reader-1")
    creds, user = out["Credentials"], out["AssumedRoleUser"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert len(creds["SecretAccessKey"]) == 40 and creds["SessionToken"]
    assert (creds["Expiration"] - world.clock.now).total_seconds() == 3600
    assert user["Arn"] == f"arn:aws:sts::{A}:assumed-role/app-reader/reader-1"  # the role path is dropped
    assert user["AssumedRoleId"].startswith("AROA") and user["AssumedRoleId"].endswith(":reader-1")
    session = world.directory.resolve(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"], service="secretsmanager")
    assert world.sts().invoke("get_caller_identity", session) == {
        "UserId": user["AssumedRoleId"], "Account": A, "Arn": user["Arn"]}
    assert world.iam().get_role(RoleName="app-reader")["Role"]["RoleLastUsed"] == {
        "LastUsedDate": world.clock.now, "Region": "us-east-1"}


def test_trust_policy_naming_the_account_needs_the_callers_permission(world: World) -> None:
    arn = role(world, "app", {"AWS": A})
    bob = world.user_with_key("bob")
    error = error_of(world.sts().invoke, "assume_role", bob, RoleArn=arn, RoleSessionName="s1")
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message == (f"User: arn:aws:iam::{A}:user/bob is not authorized to perform: sts:AssumeRole on resource: "
                             f"{arn} because no identity-based policy allows the sts:AssumeRole action")
    assert world.directory.keys and all(k.startswith("AKIA") for k in world.directory.keys)  # no session was made


def test_trust_policy_naming_the_user_is_enough_in_the_same_account(world: World) -> None:
    carol = world.user_with_key("carol")
    arn = role(world, "app", {"AWS": f"arn:aws:iam::{A}:user/carol"})
    assert world.sts().invoke("assume_role", carol, RoleArn=arn, RoleSessionName="s1")["Credentials"]


def test_trust_policy_that_does_not_trust_the_caller(world: World) -> None:
    arn = role(world, "lambda-role", {"Service": "lambda.amazonaws.com"})
    alice = world.user_with_key("alice", ASSUME)
    error = error_of(world.sts().invoke, "assume_role", alice, RoleArn=arn, RoleSessionName="s1")
    assert error.message.endswith("because no role trust policy allows the sts:AssumeRole action")


def test_cross_account_needs_trust_and_identity(world: World) -> None:
    arn = role(world, "shared-reader", {"AWS": B})
    outsider = world.user_with_key("reader", account=B)
    assert error_of(world.sts().invoke, "assume_role", outsider, RoleArn=arn, RoleSessionName="s1").code == "AccessDenied"
    world.iam(B).put_user_policy(UserName="reader", PolicyName="p", PolicyDocument=doc({**ASSUME, "Resource": arn}))
    out = world.sts().invoke("assume_role", outsider, RoleArn=arn, RoleSessionName="s1")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{A}:assumed-role/shared-reader/s1"


def test_unknown_role_and_root_user(world: World) -> None:
    alice = world.user_with_key("alice", ASSUME)
    ghost = f"arn:aws:iam::{A}:role/ghost"
    error = error_of(world.sts().invoke, "assume_role", alice, RoleArn=ghost, RoleSessionName="s1")
    assert (error.code, error.message) == ("AccessDenied", f"User: arn:aws:iam::{A}:user/alice is not authorized to perform: "
                                                          f"sts:AssumeRole on resource: {ghost}")
    arn = role(world, "app", {"AWS": A})
    error = error_of(world.sts().assume_role, RoleArn=arn, RoleSessionName="s1")
    assert (error.code, error.message) == ("AccessDenied", "Roles may not be assumed by root accounts.")


def test_session_expires_on_the_simulated_clock(world: World) -> None:
    arn = role(world, "app", {"AWS": A})
    alice = world.user_with_key("alice", ASSUME)
    creds = world.sts().invoke("assume_role", alice, RoleArn=arn, RoleSessionName="s1", DurationSeconds=900)["Credentials"]
    world.clock.advance(seconds=899)
    assert world.directory.resolve(creds["AccessKeyId"], None, creds["SessionToken"], service="kms").kind == "session"
    world.clock.advance(seconds=1)
    for service, code, status in (("kms", "ExpiredTokenException", 400), ("sts", "ExpiredToken", 403),
                                  ("lambda", "ExpiredTokenException", 403)):
        error = error_of(world.directory.resolve, creds["AccessKeyId"], None, creds["SessionToken"], service=service)
        assert (error.code, error.status, error.message) == (code, status, EXPIRED_TOKEN)


def test_duration_limits(world: World) -> None:
    arn = role(world, "app", {"AWS": A}, MaxSessionDuration=7200)
    alice = world.user_with_key("alice", ASSUME)
    sts = world.sts()
    assert sts.invoke("assume_role", alice, RoleArn=arn, RoleSessionName="s1", DurationSeconds=7200)
    error = error_of(sts.invoke, "assume_role", alice, RoleArn=arn, RoleSessionName="s1", DurationSeconds=7201)
    assert (error.code, error.message) == ("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    error = error_of(sts.invoke, "assume_role", alice, RoleArn=arn, RoleSessionName="s1", DurationSeconds=899)
    assert error.message.endswith("Member must have value greater than or equal to 900")


def test_role_chaining_is_limited_to_one_hour(world: World) -> None:
    first = role(world, "first", {"AWS": A})
    world.iam().put_role_policy(RoleName="first", PolicyName="p", PolicyDocument=doc(ASSUME))
    second = role(world, "second", {"AWS": f"arn:aws:iam::{A}:role/first"}, MaxSessionDuration=7200)
    alice = world.user_with_key("alice", ASSUME)
    creds = world.sts().invoke("assume_role", alice, RoleArn=first, RoleSessionName="s1")["Credentials"]
    session = world.directory.resolve(creds["AccessKeyId"], None, creds["SessionToken"], service="sts")
    assert world.sts().invoke("assume_role", session, RoleArn=second, RoleSessionName="chained")
    error = error_of(world.sts().invoke, "assume_role", session, RoleArn=second, RoleSessionName="c1", DurationSeconds=3601)
    assert error.message == "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."


def test_session_policy_narrows_the_session(world: World) -> None:
    arn = role(world, "app", {"AWS": A})
    world.iam().put_role_policy(RoleName="app", PolicyName="all", PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    alice = world.user_with_key("alice", ASSUME)
    narrow = doc({"Effect": "Allow", "Action": "secretsmanager:DescribeSecret", "Resource": "*"})
    out = world.sts().invoke("assume_role", alice, RoleArn=arn, RoleSessionName="s1", Policy=narrow)
    assert 0 < out["PackedPolicySize"] <= 100
    creds = out["Credentials"]
    session = world.directory.resolve(creds["AccessKeyId"], None, creds["SessionToken"], service="secretsmanager")
    assert world.authorizer.decide(session, "secretsmanager:DescribeSecret", "*").allowed
    denied = world.authorizer.decide(session, "secretsmanager:GetSecretValue", "*")
    assert (denied.decision, denied.missing) == ("implicitDeny", "session")
    error = error_of(world.sts().invoke, "assume_role", alice, RoleArn=arn, RoleSessionName="s1", Policy="{")
    assert (error.code, error.message) == ("MalformedPolicyDocument", "Syntax errors in policy.")


def test_get_caller_identity_needs_no_permission(world: World) -> None:
    alice = world.user_with_key("alice", {"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert world.sts().invoke("get_caller_identity", alice) == {"UserId": alice.user_id, "Account": A, "Arn": alice.arn}
    assert world.sts().get_caller_identity() == {"UserId": A, "Account": A, "Arn": f"arn:aws:iam::{A}:root"}


@pytest.mark.parametrize("service, code, status", [
    ("secretsmanager", "UnrecognizedClientException", 400),
    ("kms", "UnrecognizedClientException", 400),
    ("ssm", "UnrecognizedClientException", 400),
    ("iam", "InvalidClientTokenId", 403),
    ("sts", "InvalidClientTokenId", 403),
    ("lambda", "UnrecognizedClientException", 403),
])
def test_unknown_credentials_per_protocol(world: World, service: str, code: str, status: int) -> None:
    error = error_of(world.directory.resolve, "AKIAIOSFODNN7EXAMPLE", "x" * 40, service=service)
    assert (error.code, error.status, error.message) == (code, status, INVALID_TOKEN)


def test_wrong_secret_or_token(world: World) -> None:
    alice = world.user_with_key("alice", ASSUME)
    key = alice.access_keys[0]
    error = error_of(world.directory.resolve, key.key_id, "wrong", service="secretsmanager")
    assert (error.code, error.message) == ("InvalidSignatureException", BAD_SIGNATURE)
    assert error_of(world.directory.resolve, key.key_id, "wrong", service="iam").code == "SignatureDoesNotMatch"
    assert error_of(world.directory.resolve, key.key_id, key.secret, "token", service="iam").code == "InvalidClientTokenId"
    arn = role(world, "app", {"AWS": A})
    creds = world.sts().invoke("assume_role", alice, RoleArn=arn, RoleSessionName="s1")["Credentials"]
    assert error_of(world.directory.resolve, creds["AccessKeyId"], None, None, service="kms").code == "UnrecognizedClientException"
    assert error_of(world.directory.resolve, creds["AccessKeyId"], None, "other", service="kms").code == "UnrecognizedClientException"


def test_seeded_ids_are_reproducible() -> None:
    def run() -> list[str]:
        world = make_world()
        alice = world.user_with_key("alice", ASSUME)
        arn = role(world, "app", {"AWS": A})
        creds = world.sts().invoke("assume_role", alice, RoleArn=arn, RoleSessionName="s1")["Credentials"]
        return [alice.user_id, alice.access_keys[0].key_id, creds["AccessKeyId"], creds["SessionToken"]]

    assert run() == run()


@pytest.mark.parametrize("params, field", [
    ({"RoleSessionName": "a"}, "roleSessionName"),
    ({"RoleSessionName": "has space"}, "roleSessionName"),
    ({"RoleSessionName": "s1", "DurationSeconds": 50000}, "durationSeconds"),
    ({"RoleSessionName": "s1", "ExternalId": "x"}, "externalId"),
])
def test_bad_assume_role_input(world: World, params: dict[str, Any], field: str) -> None:
    arn = role(world, "app", {"AWS": A})
    alice = world.user_with_key("alice", ASSUME)
    error = error_of(world.sts().invoke, "assume_role", alice, RoleArn=arn, **params)
    assert error.code == "ValidationError" and f"'{field}'" in error.message


def test_remembered_decisions_follow_policy_changes_and_the_clock(world: World) -> None:
    iam = world.iam()
    alice = world.user_with_key("alice", {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"})
    secret = f"arn:aws:secretsmanager:us-east-1:{A}:secret:prod/db-a1B2c3"
    decide = world.authorizer.decide
    assert decide(alice, "secretsmanager:GetSecretValue", secret, keys={"k": "v"}).allowed
    assert decide(alice, "secretsmanager:GetSecretValue", secret, keys={"k": "v"}) is world.authorizer.last
    iam.put_user_policy(UserName="alice", PolicyName="guard", PolicyDocument=doc(
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-01-02T00:00:00Z"}}}))
    assert decide(alice, "secretsmanager:GetSecretValue", secret, keys={"k": "v"}).allowed  # the new policy is read
    world.clock.advance(days=2)
    assert decide(alice, "secretsmanager:GetSecretValue", secret, keys={"k": "v"}).decision == "explicitDeny"
    iam.delete_user_policy(UserName="alice", PolicyName="p")
    iam.delete_user_policy(UserName="alice", PolicyName="guard")
    assert decide(alice, "secretsmanager:GetSecretValue", secret, keys={"k": ["a", "b"]}).decision == "implicitDeny"
