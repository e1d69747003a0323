"""AWS's evaluation logic, case by case (IAM User Guide: "Policy evaluation logic",
"Cross-account policy evaluation logic"; KMS Developer Guide: "Default key policy").

Two accounts: A (111122223333) owns the secrets and keys, B (444455556666) holds a reader.
Each case names the caller, the request, the resource's own policy, and the decision AWS
documents, with the policy type AWS's message would blame.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable

import pytest

from secretkit.core.clock import SimClock
from secretkit.core.ids import Ids
from secretkit.iam import (AccessRequest, Directory, PolicyKind, ServicePrincipal, aws_managed_key_policy,
                           default_key_policy, evaluate, load_policy)
from secretkit.iam.principals import InlinePolicy, PolicySource, Session

A, B = "111122223333", "444455556666"
SECRET = f"arn:aws:secretsmanager:us-east-1:{A}:secret:prod/db-a1B2c3"
OTHER = f"arn:aws:secretsmanager:us-east-1:{A}:secret:dev/db-x9Y8z7"
KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FUNCTION = f"arn:aws:lambda:us-east-1:{A}:function:rotate-db"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


READ = allow("secretsmanager:GetSecretValue", SECRET, Sid="ReadOwnSecret")
DECRYPT = allow("kms:Decrypt", KEY, Sid="UseKey")


class World:
    """Users, roles and sessions in two accounts, built directly on the directory."""

    def __init__(self) -> None:
        self.clock = SimClock("2026-01-01")
        self.dir = Directory(self.clock, Ids(1), A)
        self.trust = load_policy(doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}),
                                 PolicyKind.TRUST)

    def user(self, name: str, *statements: dict[str, Any], account: str = A) -> Any:
        from secretkit.iam.principals import User

        u = User(account, name, "/", self.dir.unique_id("AIDA"), self.clock.now)
        self.dir.account(account).users[name] = u
        if statements:
            u.inline["p"] = InlinePolicy("p", doc(*statements), load_policy(doc(*statements), PolicyKind.INLINE))
        return u

    def session(self, role_name: str, *statements: dict[str, Any], account: str = A,
                session_policy: list[dict[str, Any]] | None = None, role_path: str = "/") -> Session:
        from secretkit.iam.principals import Role

        role = Role(account, role_name, role_path, self.dir.unique_id("AROA"), self.clock.now, self.trust)
        self.dir.account(account).roles[role_name] = role
        if statements:
            role.inline["p"] = InlinePolicy("p", doc(*statements), load_policy(doc(*statements), PolicyKind.INLINE))
        policies: tuple[Any, ...] = ()
        if session_policy is not None:
            policies = ((PolicySource("session", "session policy", role_name, "none"),
                         load_policy(doc(*session_policy), PolicyKind.SESSION)),)
        return self.dir.new_session(role, "s", 3600, "x", policies)


@dataclass
class Case:
    name: str
    caller: Callable[[World], Any]
    action: str
    resource: str
    expected: str
    blamed: str | None = None
    policy: tuple[PolicyKind, str] | None = None
    keys: dict[str, Any] = field(default_factory=dict)


def key_policy(*statements: dict[str, Any]) -> tuple[PolicyKind, str]:
    return PolicyKind.KEY, doc(*statements)


def secret_policy(*statements: dict[str, Any]) -> tuple[PolicyKind, str]:
    return PolicyKind.SECRET, doc(*statements)


ALICE = f"arn:aws:iam::{A}:user/alice"
READER_B = f"arn:aws:iam::{B}:role/reader"

CASES = [
    # ---- same account
    Case("nothing allows: implicit deny", lambda w: w.user("alice"), "secretsmanager:GetSecretValue", SECRET,
         "implicitDeny", "identity-based"),
    Case("identity policy allows", lambda w: w.user("alice", READ), "secretsmanager:GetSecretValue", SECRET, "allowed"),
    Case("identity policy for another secret", lambda w: w.user("alice", READ), "secretsmanager:GetSecretValue", OTHER,
         "implicitDeny", "identity-based"),
    Case("action names ignore case", lambda w: w.user("alice", READ), "SecretsManager:getsecretvalue", SECRET, "allowed"),
    Case("resource policy naming the user grants alone", lambda w: w.user("alice"), "secretsmanager:GetSecretValue",
         SECRET, "allowed", policy=secret_policy(allow("secretsmanager:GetSecretValue", Principal={"AWS": ALICE}))),
    Case("resource policy naming the account only delegates", lambda w: w.user("alice"), "secretsmanager:GetSecretValue",
         SECRET, "implicitDeny", "identity-based",
         secret_policy(allow("secretsmanager:GetSecretValue", Principal={"AWS": A}))),
    Case("resource policy for * grants everyone", lambda w: w.user("alice"), "secretsmanager:GetSecretValue", SECRET,
         "allowed", policy=secret_policy(allow("secretsmanager:GetSecretValue", Principal="*"))),
    Case("resource policy naming the role grants its sessions", lambda w: w.session("app"), "secretsmanager:GetSecretValue",
         SECRET, "allowed",
         policy=secret_policy(allow("secretsmanager:GetSecretValue", Principal={"AWS": f"arn:aws:iam::{A}:role/app"}))),
    Case("explicit deny in the identity policy wins", lambda w: w.user("alice", READ, deny("secretsmanager:*")),
         "secretsmanager:GetSecretValue", SECRET, "explicitDeny", "identity-based"),
    Case("explicit deny in the resource policy wins over identity", lambda w: w.user("alice", READ),
         "secretsmanager:GetSecretValue", SECRET, "explicitDeny", "resource-based",
         secret_policy(deny("secretsmanager:GetSecretValue", Principal="*"))),
    Case("deny with a condition that does not hold does not deny", lambda w: w.user("alice", READ),
         "secretsmanager:GetSecretValue", SECRET, "allowed",
         policy=secret_policy(deny("secretsmanager:*", Principal="*", Condition={"StringNotEquals": {"aws:PrincipalAccount": A}}))),
    Case("NotPrincipal deny spares the listed principal", lambda w: w.user("alice", READ),
         "secretsmanager:GetSecretValue", SECRET, "allowed",
         policy=secret_policy(deny("secretsmanager:*", NotPrincipal={"AWS": [ALICE, f"arn:aws:iam::{A}:root"]}))),
    Case("NotPrincipal deny hits everyone else", lambda w: w.user("bob", READ),
         "secretsmanager:GetSecretValue", SECRET, "explicitDeny", "resource-based",
         secret_policy(deny("secretsmanager:*", NotPrincipal={"AWS": [ALICE, f"arn:aws:iam::{A}:root"]}))),
    Case("NotAction allows everything but what it names", lambda w: w.user("alice", {"Effect": "Allow", "NotAction": "secretsmanager:DeleteSecret", "Resource": "*"}),
         "secretsmanager:GetSecretValue", SECRET, "allowed"),
    Case("NotAction does not allow what it names", lambda w: w.user("alice", {"Effect": "Allow", "NotAction": "secretsmanager:*", "Resource": "*"}),
         "secretsmanager:DeleteSecret", SECRET, "implicitDeny", "identity-based"),
    Case("NotResource deny protects everything but its list", lambda w: w.user("alice", allow("secretsmanager:*"), {"Effect": "Deny", "Action": "secretsmanager:*", "NotResource": OTHER}),
         "secretsmanager:GetSecretValue", SECRET, "explicitDeny", "identity-based"),
    Case("NotResource deny leaves its list alone", lambda w: w.user("alice", allow("secretsmanager:*"), {"Effect": "Deny", "Action": "secretsmanager:*", "NotResource": OTHER}),
         "secretsmanager:GetSecretValue", OTHER, "allowed"),
    Case("condition on a resource tag", lambda w: w.user("alice", allow("secretsmanager:GetSecretValue", Condition={"StringEquals": {"secretsmanager:ResourceTag/team": "payments"}})),
         "secretsmanager:GetSecretValue", SECRET, "allowed", keys={"secretsmanager:ResourceTag/team": "payments"}),
    Case("condition on a resource tag not met", lambda w: w.user("alice", allow("secretsmanager:GetSecretValue", Condition={"StringEquals": {"secretsmanager:ResourceTag/team": "payments"}})),
         "secretsmanager:GetSecretValue", SECRET, "implicitDeny", "identity-based", keys={"secretsmanager:ResourceTag/team": "web"}),
    Case("policy variable in the resource", lambda w: w.user("alice", allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:*:{A}:secret:${{aws:username}}/*")),
         "secretsmanager:GetSecretValue", SECRET.replace("prod/", "alice/"), "allowed"),
    Case("time window on the simulated clock", lambda w: w.user("alice", allow("secretsmanager:GetSecretValue", Condition={"DateLessThan": {"aws:CurrentTime": "2026-01-02T00:00:00Z"}})),
         "secretsmanager:GetSecretValue", SECRET, "allowed"),
    Case("the root user needs no policy in its account", lambda w: w.dir.root(A), "secretsmanager:DeleteSecret", SECRET, "allowed"),
    Case("but an explicit deny binds the root user too", lambda w: w.dir.root(A), "secretsmanager:GetSecretValue", SECRET,
         "explicitDeny", "resource-based", secret_policy(deny("secretsmanager:*", Principal="*"))),
    Case("session policy narrows the role", lambda w: w.session("app", allow("secretsmanager:*"), session_policy=[allow("secretsmanager:DescribeSecret")]),
         "secretsmanager:GetSecretValue", SECRET, "implicitDeny", "session"),
    Case("session policy and role both allow", lambda w: w.session("app", allow("secretsmanager:*"), session_policy=[READ]),
         "secretsmanager:GetSecretValue", SECRET, "allowed"),
    Case("session ARN named in the resource policy is not narrowed", lambda w: w.session("app", session_policy=[allow("s3:*")]),
         "secretsmanager:GetSecretValue", SECRET, "allowed",
         policy=secret_policy(allow("secretsmanager:GetSecretValue", Principal={"AWS": f"arn:aws:sts::{A}:assumed-role/app/s"}))),
    Case("role ARN named in the resource policy is narrowed by a session policy", lambda w: w.session("app", session_policy=[allow("s3:*")]),
         "secretsmanager:GetSecretValue", SECRET, "implicitDeny", "session",
         secret_policy(allow("secretsmanager:GetSecretValue", Principal={"AWS": f"arn:aws:iam::{A}:role/app"}))),
    # ---- across accounts
    Case("cross-account: identity alone is not enough", lambda w: w.session("reader", READ, account=B),
         "secretsmanager:GetSecretValue", SECRET, "implicitDeny", "resource-based"),
    Case("cross-account: resource policy alone is not enough", lambda w: w.session("reader", account=B),
         "secretsmanager:GetSecretValue", SECRET, "implicitDeny", "identity-based",
         secret_policy(allow("secretsmanager:GetSecretValue", Principal={"AWS": READER_B}))),
    Case("cross-account: both allow", lambda w: w.session("reader", READ, account=B),
         "secretsmanager:GetSecretValue", SECRET, "allowed",
         policy=secret_policy(allow("secretsmanager:GetSecretValue", Principal={"AWS": READER_B}))),
    Case("cross-account: resource policy granting the other account", lambda w: w.session("reader", READ, account=B),
         "secretsmanager:GetSecretValue", SECRET, "allowed",
         policy=secret_policy(allow("secretsmanager:GetSecretValue", Principal={"AWS": f"arn:aws:iam::{B}:root"}))),
    Case("cross-account root user still needs the resource policy", lambda w: w.dir.root(B),
         "secretsmanager:GetSecretValue", SECRET, "implicitDeny", "resource-based"),
    Case("cross-account root user with the resource policy", lambda w: w.dir.root(B),
         "secretsmanager:GetSecretValue", SECRET, "allowed", policy=secret_policy(allow("secretsmanager:*", Principal={"AWS": B}))),
    # ---- KMS: the key policy decides
    Case("default key policy lets IAM policies work", lambda w: w.user("alice", DECRYPT), "kms:Decrypt", KEY, "allowed",
         policy=(PolicyKind.KEY, default_key_policy(A))),
    Case("default key policy, no IAM permission", lambda w: w.user("alice"), "kms:Decrypt", KEY, "implicitDeny",
         "identity-based", (PolicyKind.KEY, default_key_policy(A))),
    Case("default key policy, the root user", lambda w: w.dir.root(A), "kms:ScheduleKeyDeletion", KEY, "allowed",
         policy=(PolicyKind.KEY, default_key_policy(A))),
    Case("key policy not granting the account: IAM cannot help", lambda w: w.user("alice", allow("kms:*")), "kms:Decrypt",
         KEY, "implicitDeny", "resource-based",
         key_policy(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{A}:user/keyadmin"}))),
    Case("key policy not granting the account: not even the root user", lambda w: w.dir.root(A), "kms:Decrypt", KEY,
         "implicitDeny", "resource-based", key_policy(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{A}:user/keyadmin"}))),
    Case("key policy naming the user grants without IAM policy", lambda w: w.user("keyadmin"), "kms:Decrypt", KEY, "allowed",
         policy=key_policy(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{A}:user/keyadmin"}))),
    Case("key policy statement without Resource has no effect", lambda w: w.user("keyadmin"), "kms:Decrypt", KEY,
         "implicitDeny", "resource-based",
         key_policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/keyadmin"}, "Action": "kms:*"})),
    Case("IAM deny still applies under a key policy grant", lambda w: w.user("keyadmin", deny("kms:Decrypt")), "kms:Decrypt",
         KEY, "explicitDeny", "identity-based",
         key_policy(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{A}:user/keyadmin"}))),
    Case("encryption context condition", lambda w: w.user("alice", allow("kms:Decrypt", KEY, Condition={"StringEquals": {"kms:EncryptionContext:SecretARN": SECRET}})),
         "kms:Decrypt", KEY, "allowed", policy=(PolicyKind.KEY, default_key_policy(A)), keys={"kms:EncryptionContext:SecretARN": SECRET}),
    Case("kms:ViaService restricts a key to Secrets Manager", lambda w: w.user("alice", allow("kms:Decrypt", KEY, Condition={"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}})),
         "kms:Decrypt", KEY, "implicitDeny", "identity-based", (PolicyKind.KEY, default_key_policy(A))),
    Case("aws/secretsmanager: any principal of the account, via Secrets Manager", lambda w: w.user("alice"), "kms:Decrypt",
         KEY, "allowed", policy=(PolicyKind.KEY, aws_managed_key_policy(A, "us-east-1", "secretsmanager")),
         keys={"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}),
    Case("aws/secretsmanager: not directly", lambda w: w.user("alice"), "kms:Decrypt", KEY, "implicitDeny", "resource-based",
         (PolicyKind.KEY, aws_managed_key_policy(A, "us-east-1", "secretsmanager"))),
    Case("aws/secretsmanager: never another account", lambda w: w.session("reader", allow("kms:*"), account=B), "kms:Decrypt",
         KEY, "implicitDeny", "resource-based", (PolicyKind.KEY, aws_managed_key_policy(A, "us-east-1", "secretsmanager")),
         {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}),
    Case("customer key shared with another account", lambda w: w.session("reader", DECRYPT, account=B), "kms:Decrypt", KEY,
         "allowed", policy=key_policy(allow("kms:*", Principal={"AWS": A}), allow("kms:Decrypt", Principal={"AWS": READER_B}))),
    # ---- AWS service principals
    Case("Secrets Manager may invoke the rotation function", lambda w: ServicePrincipal("secretsmanager.amazonaws.com"),
         "lambda:InvokeFunction", FUNCTION, "allowed",
         policy=(PolicyKind.LAMBDA, doc(allow("lambda:InvokeFunction", FUNCTION, Principal={"Service": "secretsmanager.amazonaws.com"}))),
         keys={"aws:SourceAccount": A}),
    Case("without the function policy it may not", lambda w: ServicePrincipal("secretsmanager.amazonaws.com"),
         "lambda:InvokeFunction", FUNCTION, "implicitDeny", "resource-based"),
    Case("a function policy for another service", lambda w: ServicePrincipal("secretsmanager.amazonaws.com"),
         "lambda:InvokeFunction", FUNCTION, "implicitDeny", "resource-based",
         (PolicyKind.LAMBDA, doc(allow("lambda:InvokeFunction", FUNCTION, Principal={"Service": "events.amazonaws.com"})))),
    Case("source account condition", lambda w: ServicePrincipal("secretsmanager.amazonaws.com"),
         "lambda:InvokeFunction", FUNCTION, "implicitDeny", "resource-based",
         (PolicyKind.LAMBDA, doc(allow("lambda:InvokeFunction", FUNCTION, Principal={"Service": "secretsmanager.amazonaws.com"},
                                       Condition={"StringEquals": {"aws:SourceAccount": A}}))),
         {"aws:SourceAccount": B}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_evaluation(case: Case) -> None:
    world = World()
    caller = case.caller(world)
    policy = load_policy(case.policy[1], case.policy[0]) if case.policy else None
    decision = evaluate(AccessRequest(caller, case.action, case.resource, policy, case.keys, "us-east-1"), world.clock.now)
    assert decision.decision == case.expected
    assert (decision.missing or decision.denied_in) == case.blamed
    if decision.decision == "explicitDeny":
        assert decision.deciding and all(not m.statement.allow for m in decision.deciding)
    if decision.allowed and not caller.is_root:
        assert decision.deciding and all(m.statement.allow for m in decision.deciding)


def test_trust_policy_naming_the_user_needs_no_identity_policy_in_the_same_account() -> None:
    world = World()
    alice = world.user("alice")
    trust = load_policy(doc({"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"}), PolicyKind.TRUST)
    role = f"arn:aws:iam::{A}:role/app"
    assert evaluate(AccessRequest(alice, "sts:AssumeRole", role, trust), world.clock.now).allowed
    bob = world.user("bob", allow("sts:AssumeRole"))
    decision = evaluate(AccessRequest(bob, "sts:AssumeRole", role, trust), world.clock.now)
    assert (decision.decision, decision.missing) == ("implicitDeny", "role trust")


def test_time_conditions_read_the_clock_handed_in() -> None:
    world = World()
    alice = world.user("alice", allow("secretsmanager:GetSecretValue", Condition={"DateLessThan": {"aws:CurrentTime": "2026-01-02T00:00:00Z"}}))
    request = AccessRequest(alice, "secretsmanager:GetSecretValue", SECRET)
    assert evaluate(request, world.clock.now).allowed
    assert not evaluate(request, world.clock.now + timedelta(days=2)).allowed


def test_global_keys_describe_the_caller() -> None:
    world = World()
    session = world.session("app", role_path="/apps/")
    checks = {
        "aws:PrincipalArn": f"arn:aws:iam::{A}:role/apps/app",  # the role, not the session
        "aws:PrincipalAccount": A,
        "aws:PrincipalType": "AssumedRole",
        "aws:userid": f"{session.role.role_id}:s",
        "kms:CallerAccount": A,
        "aws:ResourceAccount": A,
        "aws:RequestedRegion": "us-east-1",
    }
    for key, value in checks.items():
        statement = allow("*", Condition={"StringEquals": {key: value}})
        session.role.inline["p"] = InlinePolicy("p", doc(statement), load_policy(doc(statement), PolicyKind.INLINE))
        session.role.changed()
        decision = evaluate(AccessRequest(session, "kms:Decrypt", KEY, region="us-east-1"), world.clock.now)
        assert decision.allowed, key
    assert session.arn == f"arn:aws:sts::{A}:assumed-role/app/s"  # no role path in a session ARN


def test_near_misses_name_the_failed_condition() -> None:
    world = World()
    alice = world.user("alice", allow("secretsmanager:GetSecretValue", Sid="OnlyProd",
                                      Condition={"StringEquals": {"aws:ResourceTag/env": "prod"}}))
    decision = evaluate(AccessRequest(alice, "secretsmanager:GetSecretValue", SECRET, keys={"aws:ResourceTag/env": "dev"}),
                        world.clock.now)
    [miss] = decision.near_misses
    assert miss.statement.sid == "OnlyProd" and miss.failed_condition is not None
    assert miss.failed_condition.request_values == ("dev",)


def test_missing_context_is_tracked_on_request() -> None:
    world = World()
    alice = world.user("alice", allow("secretsmanager:GetSecretValue", Condition={"StringEquals": {"aws:SourceIp": "1.2.3.4"}}))
    decision = evaluate(AccessRequest(alice, "secretsmanager:GetSecretValue", SECRET), world.clock.now, track_missing=True)
    assert decision.missing_context == ("aws:sourceip",)
