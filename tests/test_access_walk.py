"""Every operation of every modelled service, as a principal with no permission and as one
with every permission, through genuine boto3 clients: the first gets its service's
AccessDenied (code, status and AWS's message form), the second never does.

The operations are botocore's (each service's model), kept where the kit models them. The
arguments are the smallest that botocore's own validation accepts: access control decides
before an operation reads its arguments, so with no permission nothing else can answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

import secretkit
from secretkit.doors.backend import backend_of
from secretkit.doors.inprocess import pinned_session

ACCOUNT = "123456789012"
# service -> (error code, HTTP status, action prefix) of its AccessDenied
FORMAT = {
    "secretsmanager": ("AccessDeniedException", 400, "secretsmanager"),
    "ssm": ("AccessDeniedException", 400, "ssm"),
    "kms": ("AccessDeniedException", 400, "kms"),
    "events": ("AccessDeniedException", 400, "events"),
    "lambda": ("AccessDeniedException", 403, "lambda"),
    "iam": ("AccessDenied", 403, "iam"),
    "sts": ("AccessDenied", 403, "sts"),
    "cloudformation": ("AccessDenied", 403, "cloudformation"),
    "rds": ("AccessDenied", 403, "rds"),
}
NEEDS_NO_PERMISSION = {("sts", "GetCallerIdentity")}  # AWS answers it whatever the policies say
ROLE = f"arn:aws:iam::{ACCOUNT}:role/walk-target"


def _value(shape: Any, depth: int = 0) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {name: _value(shape.members[name], depth + 1) for name in shape.required_members}
    if kind == "list":
        return [_value(shape.member, depth + 1)] * max(1, shape.metadata.get("min", 1))
    if kind == "map":
        return {"k": _value(shape.value, depth + 1)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return "a" * max(1, shape.metadata.get("min", 1), 20 if "arn" in shape.name.lower() else 1)
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return float(shape.metadata.get("min", 1))
    if kind == "boolean":
        return False
    if kind == "blob":
        return b"x" * max(1, shape.metadata.get("min", 1))
    if kind == "timestamp":
        from datetime import datetime, timezone

        return datetime(2026, 1, 1, tzinfo=timezone.utc)
    raise AssertionError(f"no value for a {kind} shape")


def _operations() -> list[tuple[str, str]]:
    cloud = secretkit.Cloud()
    backend = backend_of(cloud)
    found = []
    for service in sorted(FORMAT):
        model = pinned_session().get_service_model(service)
        for name in model.operation_names:
            if backend.method(service, "us-east-1", name) is not None:
                found.append((service, name))
    return found


OPERATIONS = _operations()


def test_the_walk_covers_every_modelled_operation() -> None:
    services = {service for service, _ in OPERATIONS}
    assert services == set(FORMAT)
    assert len(OPERATIONS) >= 140  # every @operation of the kit, found through botocore's names


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    cloud = secretkit.Cloud(seed=11)
    iam = cloud.client("iam")
    creds = {}
    for name, statements in (("nobody", []), ("admin", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])):
        iam.create_user(UserName=name)
        if statements:
            iam.put_user_policy(UserName=name, PolicyName="p",
                                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        creds[name] = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
    iam.create_role(RoleName="walk-target", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}))
    return {"cloud": cloud, "creds": creds, "clients": {}}


def _call(world: dict[str, Any], who: str, service: str, operation: str) -> Any:
    clients = world["clients"]
    client = clients.get((who, service))
    if client is None:
        client = clients[(who, service)] = world["cloud"].client(service, **world["creds"][who])
    model = client.meta.service_model.operation_model(operation)
    params = _value(model.input_shape) if model.input_shape is not None else {}
    if (service, operation) == ("sts", "AssumeRole"):
        params["RoleArn"] = ROLE
    if (service, operation) == ("iam", "GetPolicyVersion"):
        params["VersionId"] = "v1"  # IAM checks this pattern before anything else
    return getattr(client, xform_name(operation))(**params)


@pytest.mark.parametrize(("service", "operation"), OPERATIONS, ids=[f"{s}.{o}" for s, o in OPERATIONS])
def test_no_permission_is_access_denied_in_the_services_format(world: dict[str, Any], service: str,
                                                               operation: str) -> None:
    if (service, operation) in NEEDS_NO_PERMISSION:
        assert _call(world, "nobody", service, operation)["Arn"].endswith(":user/nobody")
        return
    wanted_code, status, prefix = FORMAT[service]
    with pytest.raises(ClientError) as exc:
        _call(world, "nobody", service, operation)
    error = exc.value.response["Error"]
    assert error["Code"] == wanted_code, error
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error["Message"].startswith(f"User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: "
                                       f"{prefix}:"), error["Message"]


@pytest.mark.parametrize(("service", "operation"), OPERATIONS, ids=[f"{s}.{o}" for s, o in OPERATIONS])
def test_every_permission_is_never_access_denied(world: dict[str, Any], service: str, operation: str) -> None:
    try:
        _call(world, "admin", service, operation)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] not in ("AccessDenied", "AccessDeniedException"), exc.response["Error"]
