"""Access control on a real call: a direct ``get_secret_value`` with enforcement, against the
same call by the root user with no policies, in one Cloud and one run.

The enforced read is a role session (``app-reader``) whose 10-statement identity policy
(``bench_iam``'s) allows it, of a secret with a resource policy, under a customer managed key
whose key policy takes part in Secrets Manager's ``kms:Decrypt`` made for the caller: two
authorisations per read, each through the Cloud's guard: asked the first time, the declaration
and an evaluation; asked again (the benchmark's case), the remembered answer, found from the
secret's record without building the target, and its ``access`` event. The baseline is the root user reading
a secret with no resource policy under ``aws/secretsmanager``: no evaluation at all.

Figures are the best of several runs in process CPU time. Aim (issue #17): under 20%.
"""

from __future__ import annotations

import json
import time
import timeit
from typing import Any, Callable

from bench_iam import _identity_policy, _resource_policy

import secretkit
from secretkit.core.context import caller

A = "123456789012"


def _best_us(fn: Callable[[], Any], n: int = 2_000) -> float:
    return min(timeit.repeat(fn, number=n, repeat=7, timer=time.process_time)) / n * 1e6


def _world() -> tuple[secretkit.Cloud, Any]:
    cloud = secretkit.Cloud(seed=0)
    iam = cloud.iam()
    iam.create_role(RoleName="app-reader", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:AssumeRole"}]}))
    policy = _identity_policy().replace("111122223333", A)
    iam.put_role_policy(RoleName="app-reader", PolicyName="app", PolicyDocument=policy)
    directory, _ = cloud.access_control()
    session = directory.new_session(directory.account(A).role("app-reader"), "app", 43200, "bench")
    kms = cloud.kms("us-east-1")
    key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM policies", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "Readers", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:role/app-reader"},
         "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}]}))
    sm = cloud.secretsmanager("us-east-1")
    sm.create_secret(Name="prod/db", SecretString='{"password": "p"}', KmsKeyId=key["KeyMetadata"]["Arn"])
    sm.put_resource_policy(SecretId="prod/db", ResourcePolicy=_resource_policy().replace("111122223333", A))
    sm.create_secret(Name="open/db", SecretString='{"password": "p"}')
    return cloud, session


def run() -> list[tuple[str, float, str]]:
    cloud, session = _world()
    sm = cloud.secretsmanager("us-east-1")

    def enforced() -> None:
        sm.get_secret_value(SecretId="prod/db")

    with caller(session):
        enforced()  # warm: policies parsed, decisions remembered
        assert cloud.events.select(kind="access")[-1].outcome == "OK"
    root = _best_us(lambda: sm.get_secret_value(SecretId="open/db"))
    with caller(session):
        as_role = _best_us(enforced)
    del cloud.events._events[:]  # the log grew by one call and two decisions per read; not what is measured
    return [
        ("direct get_secret_value, root user, no policies", root, "us/call"),
        ("direct get_secret_value, role session: identity, resource and key policy", as_role, "us/call"),
        ("overhead of enforcement", 100 * (as_role - root) / root, "%"),
    ]


if __name__ == "__main__":
    for label, value, unit in run():
        print(f"{label:<72} {value:8.2f} {unit}")
