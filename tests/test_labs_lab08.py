"""Lab 8's checks against the policies students write: the right ones pass, and each wrong
one below differs from a right one in exactly the way its message names."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from secretkit.labs import lab08
from _labs_support import answer_table_tests

SM_VIA = {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}


def app_policy(secret_name: str, region: str, account: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
        "Resource": f"arn:aws:secretsmanager:{region}:{account}:secret:{secret_name}-??????"}]}


def key_policy(account: str, reader: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": reader}, "Action": "kms:Decrypt", "Resource": "*",
         "Condition": SM_VIA}]}


def guard_policy(account: str, reader: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": reader}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": account},
                       "ArnNotEquals": {"aws:PrincipalArn": reader}}}]}


def changed(right: Any, change: Any) -> Any:
    def answer(*args: Any) -> Any:
        policy = copy.deepcopy(right(*args))
        change(policy, *args)
        return policy
    return answer


def _set(path: str, value: Any) -> Any:
    def change(policy: dict[str, Any], *args: Any) -> None:
        index, key = path.split(".", 1)
        policy["Statement"][int(index)][key] = value(*args) if callable(value) else value
    return change


def test_the_right_policies_pass_as_dicts_and_as_json_text() -> None:
    import json

    assert lab08.check("q1", app_policy).passed
    assert lab08.check("q1", lambda *a: json.dumps(app_policy(*a))).passed
    assert lab08.check("q2", key_policy).passed
    assert lab08.check("q3", guard_policy).passed


Q1 = [
    (_set("0.Resource", lambda name, region, account: f"arn:aws:secretsmanager:{region}:{account}:secret:{name}*"),
     "the role may also read prod-db-credentials-old: a name followed by * matches longer names too (a secret's "
     "ARN ends in a hyphen and six characters)"),
    (_set("0.Resource", lambda name, region, account: f"arn:aws:secretsmanager:{region}:{account}:secret:{name}"),
     "the role cannot read its own secret by name"),
    (_set("0.Resource", "*"), "the role may read other secrets of the account"),
    (_set("0.Action", ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]),
     "the role may change its secret: an application only reads it"),
    (_set("0.Action", "secretsmanager:*"), "the role may change its secret: an application only reads it"),
]


def test_q1_a_policy_iam_refuses_is_named() -> None:
    message = lab08.check("q1", changed(app_policy, _set("0.Effect", "Maybe"))).message
    assert message.startswith("IAM refuses the app's policy: MalformedPolicyDocument")


def _drop_condition(policy: dict[str, Any], *args: Any) -> None:
    del policy["Statement"][1]["Condition"]


def _no_account(policy: dict[str, Any], *args: Any) -> None:
    policy["Statement"].pop(0)


Q2 = [
    (_drop_condition, "the reader may decrypt anything under the key directly, outside Secrets Manager: a "
                      "condition on kms:ViaService keeps it to Secrets Manager"),
    (_no_account, "the account's administrators cannot manage the key: a key policy that does not name the account "
                  "locks even its root user out, for good"),
    (_set("1.Principal", {"AWS": "*"}), "a role with no permission on the key can read the secret: the key policy "
                                        "lets too many principals decrypt"),
    (_set("1.Action", "kms:Encrypt"), "the reader cannot read the secret: Secrets Manager decrypts as the reader, so "
                                      "the key policy must allow it kms:Decrypt"),
]


def _no_deny(policy: dict[str, Any], *args: Any) -> None:
    policy["Statement"].pop()


def _deny_everyone(policy: dict[str, Any], *args: Any) -> None:
    del policy["Statement"][1]["Condition"]["StringNotEquals"]


Q3 = [
    (_no_deny, "another user of the partner account is refused only because nothing allows it: add the explicit deny "
               "that refuses every principal outside your account but the reader, whatever their own policies say"),
    (_deny_everyone, "the deny also refuses your own account's application: scope it to principals of other "
                     "accounts"),
    (_set("0.Principal", "*"), "Secrets Manager refuses the policy as public: an Allow to every principal with no "
                               "condition on who the caller is grants broad access"),
    (lambda policy, *args: policy["Statement"].pop(0),
     "the partner's reader cannot read the secret: across accounts the secret's policy must allow it"),
]


TABLES = {q: ([(changed(right, change), hint) for change, hint in table], right)
          for q, table, right in (("q1", Q1, app_policy), ("q2", Q2, key_policy), ("q3", Q3, guard_policy))}
# Widening the app's actions to PutSecretValue or to secretsmanager:* is one mistake with one message.
(test_each_wrong_answer_gets_its_own_message, test_the_table_is_long_enough_and_each_mistake_has_its_message,
 test_the_right_answer_passes) = answer_table_tests(lab08.check, TABLES, shared_hints={"q1": 1})


def test_placeholders_are_not_answered() -> None:
    def placeholder(*args: Any) -> None:
        ...

    for name in lab08.checks.names:
        assert lab08.check(name, ...).status == "unanswered"
        assert lab08.check(name, placeholder).status == "unanswered"
