"""Access-control benchmark: microseconds of CPU to authorise one request.

The request is what a ``GetSecretValue`` under a customer managed key needs: a role session
with a 10-statement identity policy, checked against the secret's resource policy, and the
``kms:Decrypt`` Secrets Manager makes for it checked against the key policy. Parsed policies
are cached, so the figures are evaluation only; the cold parse of the identity policy is
measured separately. ``Authorizer`` remembers decisions that read no clock, so a repeated
read costs a dictionary lookup; the fresh evaluation is shown too.

Figures are the best of several runs in process CPU time, which other programs sharing the
machine disturb least; the direct ``get_secret_value`` they are compared with is measured the
same way in the same run.

Aim (issue #17): a few microseconds per evaluation, and authorisation adding under 20% to a
direct ``get_secret_value``.
"""

from __future__ import annotations

import json
import time
import timeit
from typing import Any, Callable

import secretkit
from secretkit.core.clock import SimClock
from secretkit.core.ids import Ids
from secretkit.iam import AccessRequest, Authorizer, Directory, PolicyKind, default_key_policy, evaluate, load_policy
from secretkit.iam.documents import _parse
from secretkit.iam.principals import InlinePolicy, Role

A = "111122223333"
SECRET = f"arn:aws:secretsmanager:us-east-1:{A}:secret:prod/db-a1B2c3"
KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _identity_policy() -> str:
    statements: list[dict[str, Any]] = [
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
        {"Sid": "Params", "Effect": "Allow", "Action": ["ssm:GetParameter*"], "Resource": f"arn:aws:ssm:*:{A}:parameter/app/*"},
        {"Sid": "Describe", "Effect": "Allow", "Action": "secretsmanager:DescribeSecret", "Resource": "*"},
        {"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": f"arn:aws:sqs:*:{A}:app-*"},
        {"Sid": "Bucket", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-bucket/*"},
        {"Sid": "Tagged", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"StringEquals": {"secretsmanager:ResourceTag/team": "web"}}},
        {"Sid": "NoDelete", "Effect": "Deny", "Action": ["secretsmanager:DeleteSecret", "kms:ScheduleKeyDeletion"], "Resource": "*"},
        {"Sid": "Table", "Effect": "Allow", "Action": "dynamodb:*", "Resource": f"arn:aws:dynamodb:*:{A}:table/app"},
        {"Sid": "UseKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": KEY,
         "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}},
        {"Sid": "ReadOwnSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": f"arn:aws:secretsmanager:us-east-1:{A}:secret:prod/db-??????"},
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _resource_policy() -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyOtherAccounts", "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": A}}},
        {"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:role/app-reader"},
         "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
    ]})


def _best_us(fn: Callable[[], Any], n: int = 5_000) -> float:
    return min(timeit.repeat(fn, number=n, repeat=7, timer=time.process_time)) / n * 1e6


def _direct_get_secret_value() -> float:
    cloud = secretkit.Cloud(seed=0)
    sm = cloud.secretsmanager("us-east-1")
    sm.create_secret(Name="prod/db", SecretString='{"password": "p"}')
    return _best_us(lambda: sm.get_secret_value(SecretId="prod/db"), 2_000)


def run() -> list[tuple[str, float, str]]:
    clock = SimClock("2026-01-01")
    directory = Directory(clock, Ids(0), A)
    trust = load_policy(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"}]}), PolicyKind.TRUST)
    role = Role(A, "app-reader", "/", "AROAEXAMPLE", clock.now, trust)
    text = _identity_policy()
    role.inline["app"] = InlinePolicy("app", text, load_policy(text, PolicyKind.INLINE))
    session = directory.new_session(role, "app", 3600, "x")
    secret_policy = load_policy(_resource_policy(), PolicyKind.SECRET)
    key_policy = load_policy(default_key_policy(A), PolicyKind.KEY)
    now = clock.now
    sm = AccessRequest(session, "secretsmanager:GetSecretValue", SECRET, secret_policy,
                       {"secretsmanager:SecretId": SECRET}, "us-east-1", "secret prod/db")
    kms = AccessRequest(session, "kms:Decrypt", KEY, key_policy,
                        {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
                         "kms:EncryptionContext:SecretARN": SECRET}, "us-east-1", "key 1234abcd")
    assert evaluate(sm, now).allowed and evaluate(kms, now).allowed

    authorizer = Authorizer(clock)

    def remembered() -> None:
        authorizer.decide(session, sm.action, sm.resource, resource_policy=secret_policy, keys=sm.keys,
                          region="us-east-1", resource_label="secret prod/db")
        authorizer.decide(session, kms.action, kms.resource, resource_policy=key_policy, keys=kms.keys,
                          region="us-east-1", resource_label="key 1234abcd")

    def cold_parse() -> None:
        _parse.cache_clear()
        load_policy(text, PolicyKind.INLINE)

    fresh_sm = _best_us(lambda: evaluate(sm, now))
    fresh_kms = _best_us(lambda: evaluate(kms, now))
    both = _best_us(remembered)
    direct = _direct_get_secret_value()
    rows = [
        ("GetSecretValue: 10-statement identity + resource policy", fresh_sm, "us/decision"),
        ("kms:Decrypt: 10-statement identity + key policy", fresh_kms, "us/decision"),
        ("one read, both decisions fresh", fresh_sm + fresh_kms, "us/request"),
        ("one read, both decisions remembered", both, "us/request"),
        ("direct get_secret_value, no authorisation", direct, "us/call"),
        ("overhead of a read, fresh", 100 * (fresh_sm + fresh_kms) / direct, "%"),
        ("overhead of a read, remembered", 100 * both / direct, "%"),
        ("load_policy, cached", _best_us(lambda: load_policy(text, PolicyKind.INLINE)), "us/call"),
        ("load_policy, cold parse of the 10 statements", _best_us(cold_parse, 300), "us/call"),
    ]
    _parse.cache_clear()
    return rows


if __name__ == "__main__":
    for label, value, unit in run():
        print(f"{label:<58} {value:8.2f} {unit}")
