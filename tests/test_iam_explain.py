"""Explanations: AWS's AccessDenied messages per protocol, and the plain-English account."""

from __future__ import annotations

import json
from typing import Any

import pytest

from secretkit.core.clock import SimClock
from secretkit.core.ids import Ids
from secretkit.iam import (AccessRequest, Directory, PolicyKind, access_denied, access_denied_message,
                           default_key_policy, evaluate, explain, load_policy)
from secretkit.iam.principals import InlinePolicy, Role, User

A, B = "111122223333", "444455556666"
SECRET = f"arn:aws:secretsmanager:us-east-1:{A}:secret:prod/db-a1B2c3"
KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def world() -> dict[str, Any]:
    clock = SimClock("2026-01-01")
    directory = Directory(clock, Ids(2), A)
    trust = load_policy(doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}), PolicyKind.TRUST)
    role = Role(A, "app-reader", "/", "AROAEXAMPLE", clock.now, trust)
    read = doc({"Sid": "ReadOwnSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": SECRET})
    role.inline["read"] = InlinePolicy("read", read, load_policy(read, PolicyKind.INLINE))
    directory.account(A).roles["app-reader"] = role
    session = directory.new_session(role, "app", 3600, "x")
    alice = User(A, "alice", "/", "AIDAEXAMPLE", clock.now)
    outsider = User(B, "mallory", "/", "AIDAEXAMPLE2", clock.now)
    return {"clock": clock, "session": session, "alice": alice, "outsider": outsider}


def decide(world: dict[str, Any], caller: str, action: str, resource: str, policy: tuple[PolicyKind, str] | None = None,
           keys: dict[str, Any] | None = None, label: str = "secret prod/db") -> Any:
    loaded = load_policy(policy[1], policy[0]) if policy else None
    return evaluate(AccessRequest(world[caller], action, resource, loaded, keys, "us-east-1", label), world["clock"].now)


def test_allowed_names_the_statement_policy_and_role(world: dict[str, Any]) -> None:
    decision = decide(world, "session", "secretsmanager:GetSecretValue", SECRET)
    assert explain(decision) == "Allowed by statement 'ReadOwnSecret' of inline policy 'read' on role app-reader."


def test_implicit_deny_names_the_missing_policy_and_the_resource_policy(world: dict[str, Any]) -> None:
    other = SECRET.replace("prod/db", "prod/other")
    policy = (PolicyKind.SECRET, doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/alice"},
                                      "Action": "secretsmanager:*", "Resource": "*"}))
    decision = decide(world, "session", "secretsmanager:GetSecretValue", other, policy, label="secret prod/other")
    assert explain(decision) == (
        f"Denied: no identity-based policy of role app-reader (session app) allows secretsmanager:GetSecretValue on "
        f"{other}; the resource policy of secret prod/other does not mention this principal.")
    assert access_denied_message(decision, "prod/other") == (
        f"User: arn:aws:sts::{A}:assumed-role/app-reader/app is not authorized to perform: "
        "secretsmanager:GetSecretValue on resource: prod/other because no identity-based policy allows the "
        "secretsmanager:GetSecretValue action")


def test_explicit_deny_in_a_resource_policy(world: dict[str, Any]) -> None:
    policy = (PolicyKind.SECRET, doc({"Sid": "NoOneReads", "Effect": "Deny", "Principal": "*",
                                      "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
    decision = decide(world, "session", "secretsmanager:GetSecretValue", SECRET, policy)
    text = explain(decision)
    assert text.startswith("Denied: statement 'NoOneReads' of the resource policy of secret prod/db explicitly denies")
    assert "An explicit deny overrides every allow." in text
    assert access_denied_message(decision).endswith(
        f"on resource: {SECRET} with an explicit deny in a resource-based policy")


def test_explicit_deny_in_an_identity_policy_names_the_condition_that_held(world: dict[str, Any]) -> None:
    statement = {"Sid": "OffHours", "Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2025-12-31T00:00:00Z"}}}
    world["alice"].inline["guard"] = InlinePolicy("guard", doc(statement), load_policy(doc(statement), PolicyKind.INLINE))
    decision = decide(world, "alice", "secretsmanager:GetSecretValue", SECRET)
    assert 'condition DateGreaterThan aws:CurrentTime = "2025-12-31T00:00:00Z" held (the request has aws:CurrentTime = "2026-01-01T00:00:00Z")' in explain(decision)
    assert access_denied_message(decision).endswith("with an explicit deny in an identity-based policy")


def test_near_miss_shows_the_condition_and_the_request_value(world: dict[str, Any]) -> None:
    statement = {"Sid": "TeamOnly", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
                 "Condition": {"StringEquals": {"secretsmanager:ResourceTag/team": "payments"}}}
    world["alice"].inline["team"] = InlinePolicy("team", doc(statement), load_policy(doc(statement), PolicyKind.INLINE))
    decision = decide(world, "alice", "secretsmanager:GetSecretValue", SECRET, keys={"secretsmanager:ResourceTag/team": "web"})
    assert ("Statement 'TeamOnly' of inline policy 'team' on user alice would allow it, but its condition StringEquals "
            'secretsmanager:ResourceTag/team = "payments" does not hold: the request has '
            'secretsmanager:ResourceTag/team = "web".') in explain(decision)
    absent = decide(world, "alice", "secretsmanager:GetSecretValue", SECRET)
    assert "the request has no secretsmanager:ResourceTag/team" in explain(absent)


def test_cross_account_without_resource_policy(world: dict[str, Any]) -> None:
    world["outsider"].inline["all"] = InlinePolicy("all", doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                                                   load_policy(doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), PolicyKind.INLINE))
    decision = decide(world, "outsider", "secretsmanager:GetSecretValue", SECRET)
    assert decision.missing == "resource-based"
    assert f"user mallory from account {B} asks for a resource of account {A}" in explain(decision)
    assert access_denied_message(decision).endswith("because no resource-based policy allows the secretsmanager:GetSecretValue action")


def test_key_policy_that_does_not_grant_the_account(world: dict[str, Any]) -> None:
    policy = (PolicyKind.KEY, doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/keyadmin"},
                                   "Action": "kms:*", "Resource": "*"}))
    decision = decide(world, "alice", "kms:Decrypt", KEY, policy, label=f"key {KEY.rsplit('/', 1)[1]}")
    text = explain(decision)
    assert "a KMS key's key policy decides who may use it" in text and f"arn:aws:iam::{A}:root" in text
    error = access_denied(decision, "kms")
    assert (error.code, error.status) == ("AccessDeniedException", 400)
    assert error.message == (f"User: arn:aws:iam::{A}:user/alice is not authorized to perform: kms:Decrypt on resource: "
                             f"{KEY} because no resource-based policy allows the kms:Decrypt action")


def test_default_key_policy_hands_over_to_iam(world: dict[str, Any]) -> None:
    decision = decide(world, "alice", "kms:Decrypt", KEY, (PolicyKind.KEY, default_key_policy(A)), label="key k")
    assert decision.missing == "identity-based"
    assert "grants the account, which hands the decision to its IAM policies" in explain(decision)


def test_root_user_explanation(world: dict[str, Any]) -> None:
    clock = world["clock"]
    root = Directory(clock, Ids(0), A).root(A)
    decision = evaluate(AccessRequest(root, "secretsmanager:DeleteSecret", SECRET), clock.now)
    assert explain(decision).startswith(f"Allowed: the root user of account {A} may do anything")


@pytest.mark.parametrize("service, code, status", [
    ("secretsmanager", "AccessDeniedException", 400),
    ("ssm", "AccessDeniedException", 400),
    ("kms", "AccessDeniedException", 400),
    ("lambda", "AccessDeniedException", 403),
    ("iam", "AccessDenied", 403),
    ("sts", "AccessDenied", 403),
])
def test_access_denied_per_protocol(world: dict[str, Any], service: str, code: str, status: int) -> None:
    decision = decide(world, "alice", "secretsmanager:GetSecretValue", SECRET)
    error = access_denied(decision, service)
    assert (error.code, error.status) == (code, status)
    assert error.response["Error"] == {"Code": code, "Message": access_denied_message(decision)}


def test_an_allowed_decision_has_no_access_denied_message(world: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        access_denied_message(decide(world, "session", "secretsmanager:GetSecretValue", SECRET))


def test_decision_summary_is_small_and_holds_no_values(world: dict[str, Any]) -> None:
    summary = decide(world, "session", "secretsmanager:GetSecretValue", SECRET).summary()
    assert summary["decision"] == "allowed" and summary["statements"][0]["sid"] == "ReadOwnSecret"
    assert set(summary) == {"principal", "action", "resource", "decision", "statements", "missing"}


def test_resource_policy_granting_only_the_account_is_explained_as_delegation(world: dict[str, Any]) -> None:
    policy = (PolicyKind.SECRET, doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "secretsmanager:*", "Resource": "*"}))
    decision = decide(world, "alice", "secretsmanager:GetSecretValue", SECRET, policy)
    assert decision.missing == "identity-based" and decision.partial_grants[0].principal_match == "account"
    assert explain(decision).endswith(
        f"the resource policy of secret prod/db grants only the account (arn:aws:iam::{A}:root), which leaves the "
        "decision to the account's IAM policies.")


def test_service_principal_near_miss_is_explained() -> None:
    from secretkit.iam import ServicePrincipal

    clock = SimClock("2026-01-01")
    function = f"arn:aws:lambda:us-east-1:{A}:function:rotate"
    policy = load_policy(doc({"Effect": "Allow", "Principal": {"Service": "secretsmanager.amazonaws.com"},
                              "Action": "lambda:InvokeFunction", "Resource": function,
                              "Condition": {"StringEquals": {"aws:SourceAccount": A}}}), PolicyKind.LAMBDA)
    decision = evaluate(AccessRequest(ServicePrincipal("secretsmanager.amazonaws.com"), "lambda:InvokeFunction", function,
                                      policy, {"aws:SourceAccount": B}, resource_label="function rotate"), clock.now)
    assert 'its condition StringEquals aws:SourceAccount = "111122223333" does not hold: the request has ' \
           'aws:SourceAccount = "444455556666".' in explain(decision)
    assert access_denied(decision, "lambda").status == 403
