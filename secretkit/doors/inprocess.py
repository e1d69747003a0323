"""Genuine boto3 clients served in process by a :class:`~secretkit.cloud.Cloud`.

botocore does everything it does against AWS — parameter validation, idempotency tokens,
serialisation, paginators, waiters, exception classes — up to the moment it would open a
connection. There a handler on its ``before-call`` event takes the serialised request,
decodes it, hands it to the model, and returns the model's answer as the parsed response.
Errors come back as AWS error responses, so botocore raises its own
``client.exceptions.<Code>``; an outage surfaces as ``EndpointConnectionError``.

Two deliberate differences from a plain ``boto3.client``:

* idempotency tokens (``ClientRequestToken``) are drawn from the Cloud's seeded random
  source instead of ``uuid4``, so seeded runs reproduce version ids exactly;
* no credentials, profiles or endpoint settings from the environment are consulted.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore import handlers as _handlers
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.model import Shape

from ..core.context import caller, root_principal
from ..core.errors import ClientError
from ..core.service import RegionUnavailableError

if TYPE_CHECKING:
    from ..cloud import Cloud

__all__ = ["make_client", "CLIENT_SERVICES"]

CLIENT_SERVICES = ("secretsmanager", "kms", "ssm", "events")

_botocore_session: botocore.session.Session | None = None
_CONFIG = Config(
    retries={"max_attempts": 1, "mode": "standard"},
    ignore_configured_endpoint_urls=True,
    parameter_validation=True,
)


def _session() -> botocore.session.Session:
    """One botocore session for every client: service models load once per process.

    Its settings are pinned so that nothing in the user's environment (``AWS_PROFILE``,
    config and credentials files, ``AWS_DATA_PATH``) can change what the model serves.
    """
    global _botocore_session
    if _botocore_session is None:
        pinned = {
            "profile": (None, None, None, None),
            "config_file": (None, None, os.devnull, None),
            "credentials_file": (None, None, os.devnull, None),
            "data_path": (None, None, None, None),
            "region": (None, None, None, None),
            "api_versions": (None, None, {}, None),
        }
        _botocore_session = botocore.session.Session(session_vars=pinned)
    return _botocore_session


class _Http:
    """The little of an HTTP response that botocore looks at after ``before-call``."""

    def __init__(self, status_code: int, request_id: str) -> None:
        self.status_code = status_code
        self.headers = {"x-amzn-requestid": request_id, "content-type": "application/x-amz-json-1.1"}
        self.content = b""
        self.raw = None


def _decode(value: Any, shape: Shape | None) -> Any:
    """Turn a JSON-protocol request value back into Python: blobs to bytes, timestamps to datetimes."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        return {k: _decode(v, members.get(k)) for k, v in value.items()}
    if kind == "list":
        return [_decode(v, shape.member) for v in value]
    if kind == "map":
        return {k: _decode(v, shape.value) for k, v in value.items()}
    if kind == "blob":
        return base64.b64decode(value)
    if kind == "timestamp":
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    return value


class _Dispatcher:
    """The ``before-call`` handler: serves one client's requests from the model.

    Each request is served inside :class:`~secretkit.core.context.caller`, with the
    principal the client's credentials stand for: the account's root user, until access
    control is modelled.
    """

    def __init__(self, cloud: "Cloud", service_name: str, region: str) -> None:
        self.cloud = cloud
        self.service_name = service_name
        self.region = region
        self.principal = root_principal(cloud.account_id)

    def __call__(self, model: Any, params: dict[str, Any], **_: Any) -> tuple[_Http, dict[str, Any]]:
        body = params.get("body") or b"{}"
        args = _decode(json.loads(body), model.input_shape) if model.input_shape is not None else {}
        request_id = self.cloud.request_ids.uuid()
        try:
            service = self.cloud.service(self.service_name, self.region)
            method = getattr(service, botocore.xform_name(model.name), None)
            if method is None or getattr(method, "aws_operation", None) != model.name:
                return self._error(
                    request_id, 400, "UnsupportedOperation", f"secretkit does not model {model.name} (yet)."
                )
            with caller(self.principal):
                result = method(**args)
        except ClientError as exc:
            return self._error(request_id, exc.status, exc.code, exc.message, **exc.extra)
        except RegionUnavailableError as exc:
            raise EndpointConnectionError(endpoint_url=exc.endpoint_url) from None
        except TypeError as exc:
            # An argument the model does not accept (new in botocore, or not modelled).
            return self._error(request_id, 400, "ValidationException", f"secretkit could not serve this request: {exc}")
        response = dict(result)
        response["ResponseMetadata"] = self._metadata(request_id, 200)
        return _Http(200, request_id), response

    def _metadata(self, request_id: str, status: int) -> dict[str, Any]:
        return {
            "RequestId": request_id,
            "HTTPStatusCode": status,
            "HTTPHeaders": {"x-amzn-requestid": request_id, "content-type": "application/x-amz-json-1.1"},
            "RetryAttempts": 0,
        }

    def _error(self, request_id: str, status: int, code: str, message: str, **extra: Any) -> tuple[_Http, dict[str, Any]]:
        parsed = {"Error": {"Code": code, "Message": message, **extra}, "ResponseMetadata": self._metadata(request_id, status)}
        return _Http(status, request_id), parsed


def make_client(cloud: "Cloud", service_name: str, region_name: str = "us-east-1") -> Any:
    """Build a boto3 client for ``service_name`` in ``region_name`` served by ``cloud``."""
    if service_name not in CLIENT_SERVICES:
        raise ValueError(f"secretkit serves clients for {', '.join(CLIENT_SERVICES)}, not {service_name!r}")
    cloud.env(region_name)  # validates the region with a clear message
    session = boto3.session.Session(
        botocore_session=_session(),
        aws_access_key_id="secretkit",
        aws_secret_access_key="secretkit-not-a-real-key",
        region_name=region_name,
    )
    client = session.client(
        service_name,
        region_name=region_name,
        endpoint_url=f"https://{service_name}.{region_name}.amazonaws.com",
        config=_CONFIG,
    )
    events = client.meta.events
    service_id = client.meta.service_model.service_id.hyphenize()
    events.unregister("before-parameter-build", _handlers.generate_idempotent_uuid)

    def seeded_token(params: dict[str, Any], model: Any, **_: Any) -> None:
        shape = model.input_shape
        if shape is None:
            return
        for name, member in shape.members.items():
            if member.metadata.get("idempotencyToken") and name not in params:
                params[name] = cloud.ids.uuid()

    events.register(f"before-parameter-build.{service_id}", seeded_token)
    events.register(f"before-call.{service_id}", _Dispatcher(cloud, service_name, region_name))
    return client
