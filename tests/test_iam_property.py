"""Whatever text arrives as a policy, the answer is a policy or the service's AWS error,
and whatever a request looks like, evaluating an accepted policy never fails."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _iam_support import A, make_world, trust
from secretkit.core.errors import ClientError
from secretkit.iam import AccessRequest, PolicyKind, evaluate, load_policy
from secretkit.iam.conditions import BASE_OPERATORS
from secretkit.iam.principals import InlinePolicy, User

KINDS = list(PolicyKind)
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=25)

words = st.sampled_from(["*", "s3:Get*", "secretsmanager:GetSecretValue", "kms:?ecrypt", "arn:aws:s3:::b/*", "arn:aws",
                         "arn:aws:iam::111122223333:root", "111122223333", "${aws:username}", "a:b:c", "", "x y:z",
                         "arn:aws:secretsmanager:*:*:secret:prod/*", "2026-01-01T00:00:00Z", "true", "10.0.0.0/8"])
operators = st.sampled_from(sorted(BASE_OPERATORS) + ["ForAnyValue:StringLike", "ForAllValues:StringEquals",
                                                      "StringEqualsIfExists", "NullIfExists", "Nope", "ForAnyValue::X"])
element = st.one_of(words, st.lists(words, max_size=3), json_values)
principal = st.one_of(st.just("*"), st.dictionaries(st.sampled_from(["AWS", "Service", "Federated", "Other"]),
                                                    st.one_of(words, st.lists(words, max_size=3)), max_size=2), json_values)
condition = st.one_of(st.dictionaries(operators, st.dictionaries(words, st.one_of(words, st.lists(words, max_size=3), json_values),
                                                                 max_size=2), max_size=3), json_values)
statement = st.fixed_dictionaries({}, optional={
    "Sid": st.one_of(st.text(max_size=5), json_values),
    "Effect": st.one_of(st.sampled_from(["Allow", "Deny", "allow", "Maybe"]), json_values),
    "Action": element, "NotAction": element, "Resource": element, "NotResource": element,
    "Principal": principal, "NotPrincipal": principal, "Condition": condition,
    "Extra": json_values,
})
document = st.fixed_dictionaries({}, optional={
    "Version": st.one_of(st.sampled_from(["2012-10-17", "2008-10-17", "2013-01-01"]), json_values),
    "Id": st.one_of(st.text(max_size=5), json_values),
    "Statement": st.one_of(statement, st.lists(statement, max_size=4), json_values),
    "Other": json_values,
})


actions = st.sampled_from(["*", "secretsmanager:*", "secretsmanager:GetSecretValue", "kms:?ecrypt", "KMS:Decrypt", "s3:Get*"])
resources = st.sampled_from(["*", "arn:aws:secretsmanager:*:*:secret:prod/*", "arn:aws:kms:us-east-1:111122223333:key/*",
                             "arn:aws:secretsmanager:us-east-1:111122223333:secret:${aws:username}-??????", "arn:aws:s3:::b/*"])
principals = st.sampled_from(["*", {"AWS": "111122223333"}, {"AWS": "arn:aws:iam::111122223333:user/alice"},
                              {"Service": "secretsmanager.amazonaws.com"}, {"AWS": ["*", "444455556666"]}])
values = st.one_of(st.text(max_size=8), st.sampled_from(["true", "10.0.0.0/8", "2026-01-01T00:00:00Z", "5", "prod*"]))
valid_conditions = st.dictionaries(
    st.sampled_from(["StringEquals", "StringLike", "StringNotEquals", "Bool", "NumericLessThan", "DateLessThan", "IpAddress",
                     "ArnLike", "Null", "ForAnyValue:StringLike", "ForAllValues:StringEquals", "StringEqualsIfExists"]),
    st.dictionaries(st.sampled_from(["aws:username", "k", "aws:SourceIp", "aws:CurrentTime", "aws:ResourceTag/env"]),
                    st.one_of(values, st.lists(values, max_size=3)), min_size=1, max_size=2), max_size=2)
def _plausible(principal: bool) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, Any] = {"Effect": st.sampled_from(["Allow", "Deny"]),
                                "Action": st.one_of(actions, st.lists(actions, min_size=1, max_size=3)), "Resource": resources}
    if principal:
        required["Principal"] = principals
    one = st.fixed_dictionaries(required, optional={"Condition": valid_conditions, "Sid": st.sampled_from(["A", "B", "C"])})
    return st.fixed_dictionaries({"Version": st.sampled_from(["2012-10-17", "2008-10-17"]),
                                  "Statement": st.lists(one, min_size=1, max_size=4)})


identity_docs = st.one_of(_plausible(False), document)
resource_docs = st.one_of(_plausible(True), document)


def _outcome(text: Any, kind: PolicyKind) -> Any:
    try:
        return load_policy(text, kind)
    except ClientError as error:
        assert error.code and isinstance(error.message, str)
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=document, kind=st.sampled_from(KINDS))
def test_policy_shaped_documents_get_a_policy_or_the_aws_error(doc: dict[str, Any], kind: PolicyKind) -> None:
    _outcome(json.dumps(doc), kind)


@settings(max_examples=100, deadline=None)
@given(value=json_values, kind=st.sampled_from(KINDS))
def test_any_json_gets_a_policy_or_the_aws_error(value: Any, kind: PolicyKind) -> None:
    _outcome(json.dumps(value), kind)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), kind=st.sampled_from(KINDS))
def test_any_text_gets_a_policy_or_the_aws_error(text: str, kind: PolicyKind) -> None:
    _outcome(text, kind)


@settings(max_examples=10, deadline=None)
@given(depth=st.integers(min_value=500, max_value=100_000), opener=st.sampled_from(["[", '{"a":']),
       kind=st.sampled_from(KINDS))
def test_deep_or_huge_documents_get_the_aws_error(depth: int, opener: str, kind: PolicyKind) -> None:
    closer = "]" if opener == "[" else "}"
    assert _outcome(opener * depth + closer * depth, kind) is None
    assert _outcome('{"Statement": "' + "x" * depth + '"}', kind) is None


requests = st.fixed_dictionaries({
    "action": st.sampled_from(["secretsmanager:GetSecretValue", "kms:Decrypt", "s3:GetObject", "SECRETSMANAGER:getsecretvalue"]),
    "resource": st.one_of(words, st.text(max_size=30)),
    "keys": st.dictionaries(st.sampled_from(["aws:username", "k", "aws:SourceIp", "aws:CurrentTime", "aws:ResourceTag/env"]),
                            st.one_of(st.text(max_size=10), st.lists(st.text(max_size=5), max_size=3), st.booleans(),
                                      st.integers()), max_size=3),
})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(identity_doc=identity_docs, resource_doc=resource_docs, request=requests)
def test_evaluating_accepted_policies_never_fails(identity_doc: dict[str, Any], resource_doc: dict[str, Any],
                                                  request: dict[str, Any]) -> None:
    identity = _outcome(json.dumps(identity_doc), PolicyKind.INLINE)
    resource = _outcome(json.dumps(resource_doc), PolicyKind.SECRET)
    user = User("111122223333", "alice", "/", "AIDAEXAMPLE", NOW)
    if identity is not None:
        user.inline["p"] = InlinePolicy("p", identity.text, identity)
    decision = evaluate(AccessRequest(user, request["action"], request["resource"], resource, request["keys"]), NOW,
                        track_missing=True)
    assert decision.decision in ("allowed", "explicitDeny", "implicitDeny")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.text(max_size=60), json_values, identity_docs.map(json.dumps), resource_docs.map(json.dumps)),
       which=st.sampled_from(["create_policy", "put_role_policy", "create_role", "update_assume_role_policy"]))
def test_iam_calls_with_any_document_answer_or_refuse_and_a_refusal_changes_nothing(value: Any, which: str) -> None:
    world = make_world()
    iam = world.iam()
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": A}))
    before = (dict(iam.account.policies), dict(iam.account.roles), dict(iam.account.roles["r"].inline),
              iam.account.roles["r"].trust)
    calls = {
        "create_policy": lambda: iam.create_policy(PolicyName="p", PolicyDocument=value),
        "put_role_policy": lambda: iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=value),
        "create_role": lambda: iam.create_role(RoleName="r2", AssumeRolePolicyDocument=value),
        "update_assume_role_policy": lambda: iam.update_assume_role_policy(RoleName="r", PolicyDocument=value),
    }
    try:
        calls[which]()
    except ClientError as error:
        assert error.code in ("MalformedPolicyDocument", "ValidationError", "LimitExceeded")
        after = (dict(iam.account.policies), dict(iam.account.roles), dict(iam.account.roles["r"].inline),
                 iam.account.roles["r"].trust)
        assert after == before
