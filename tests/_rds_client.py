"""A genuine boto3 ``rds`` client served by a Cloud's RDS model, for the tests only.

The kit's in-process door serves JSON-protocol services; RDS speaks the query protocol, and
wiring it into ``cloud.client("rds")`` is the integrator's job (shared files). Until then
these tests reach the model the way the door will: botocore validates and serialises the
request into query form fields, a ``before-call`` handler decodes those fields back with
botocore's own input shape, calls the model, and hands back its answer (or its error, which
botocore turns into ``client.exceptions.<Fault>``), so names, types and required members are
checked by botocore exactly as against AWS.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import boto3
import botocore

from secretkit.core.context import caller, root_principal
from secretkit.core.errors import ClientError


class _Http:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.headers: dict[str, str] = {}
        self.content = b""
        self.raw = None


def _present(body: dict[str, str], key: str) -> bool:
    return key in body or any(k.startswith(key + ".") for k in body)


def decode(shape: Any, body: dict[str, str], prefix: str = "") -> Any:
    """Query-protocol form fields back into the Python value botocore serialised."""
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            key = member.serialization.get("name", name)
            full = f"{prefix}.{key}" if prefix else key
            if _present(body, full):
                out[name] = decode(member, body, full)
        return out
    if kind == "list":
        if body.get(prefix) == "":
            return []
        item = prefix if shape.serialization.get("flattened") else f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        values, i = [], 1
        while _present(body, f"{item}.{i}"):
            values.append(decode(shape.member, body, f"{item}.{i}"))
            i += 1
        return values
    value = body[prefix]
    if kind == "boolean":
        return value == "true"
    if kind in ("integer", "long"):
        return int(value)
    if kind == "timestamp":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def rds_client(cloud: Any, region: str = "us-east-1") -> Any:
    """A boto3 RDS client whose requests the Cloud's ``rds`` model serves."""
    session = boto3.session.Session(aws_access_key_id="secretkit", aws_secret_access_key="not-a-real-key",
                                    region_name=region)
    client = session.client("rds", region_name=region, endpoint_url=f"https://rds.{region}.amazonaws.com",
                            config=botocore.config.Config(retries={"max_attempts": 1}))

    def serve(model: Any, params: dict[str, Any], **_: Any) -> tuple[_Http, dict[str, Any]]:
        body = params.get("body") or {}
        args = decode(model.input_shape, body) if model.input_shape is not None else {}
        method = getattr(cloud.service("rds", region), botocore.xform_name(model.name))
        meta = {"RequestId": cloud.request_ids.uuid(), "RetryAttempts": 0}
        try:
            with caller(root_principal(cloud.account_id)):
                result = method(**args)
        except ClientError as exc:
            error = {"Code": exc.code, "Message": exc.message, **exc.extra}
            return _Http(exc.status), {"Error": error, "ResponseMetadata": {**meta, "HTTPStatusCode": exc.status}}
        return _Http(200), {**result, "ResponseMetadata": {**meta, "HTTPStatusCode": 200}}

    client.meta.events.register("before-call.rds", serve)
    return client
