"""Genuine boto3 clients served in process by a :class:`~secretkit.cloud.Cloud`.

botocore does everything it does against AWS — parameter validation, idempotency tokens,
serialisation, paginators, waiters, exception classes — up to the moment it would open a
connection. There a handler on its ``before-call`` event takes the serialised request,
decodes it with the same protocol codecs the HTTP door uses (:mod:`secretkit.doors.protocols`:
JSON 1.1 for Secrets Manager, Parameter Store and KMS; query for IAM, STS, CloudFormation
and RDS; REST-JSON for Lambda) and hands it to the model. The model's answer goes back in
one of two ways:

* **JSON 1.1**: as the parsed response itself, since for these services a boto3-shaped dict
  is exactly what botocore's parser would make of the JSON (and they carry the hot paths);
* **query and REST-JSON**: written by the codec as the HTTP response AWS would send (XML;
  headers, status and body) and read back by botocore's own parser, so what the caller gets
  is what botocore makes of AWS's bytes, its after-call handlers included (IAM's policy
  documents arrive URL-encoded and leave as dicts, a JSON template body as a dict).

Either way the status is the one the service's model gives the operation (Lambda's
``CreateFunction`` answers 201, an asynchronous ``Invoke`` 202), and a streamed output,
such as ``Invoke``'s ``Payload``, arrives as botocore's ``StreamingBody``, to be ``.read()``
as against AWS. Errors come back as AWS error responses, with the code as the service sends
it and the status its model gives, so botocore raises its own ``client.exceptions.<Code>``;
an outage surfaces as ``EndpointConnectionError``.

Two deliberate differences from a plain ``boto3.client``:

* idempotency tokens (``ClientRequestToken``) are drawn from the Cloud's seeded random
  source instead of ``uuid4``, so seeded runs reproduce version ids exactly;
* no credentials, profiles or endpoint settings from the environment are consulted: a
  client acts with the credentials passed to ``cloud.client(...)`` (resolved on every call
  by the Cloud's IAM directory, on the simulated clock), or as the account's root user.
"""

from __future__ import annotations

import functools
import io
import os
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore import handlers as _handlers
from botocore.awsrequest import HeadersDict
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.parsers import create_parser
from botocore.response import StreamingBody

from ..core.context import root_principal
from ..core.errors import ClientError
from ..core.service import RegionUnavailableError
from .backend import backend_of
from .protocols import SERVED, AwsError, HttpResponse, as_aws_error, codec_for, decode_request, protocol_of
from .protocols.models import resolve_error

if TYPE_CHECKING:
    from ..cloud import Cloud

__all__ = ["make_client", "pinned_session"]

_botocore_session: botocore.session.Session | None = None
_CONFIG = Config(
    retries={"max_attempts": 1, "mode": "standard"},
    ignore_configured_endpoint_urls=True,
    parameter_validation=True,
)
_PINNED = Config(ignore_configured_endpoint_urls=True)  # a caller's config cannot undo this
_CONTENT_TYPES = {"json": "application/x-amz-json-1.1", "query": "text/xml", "rest-json": "application/json"}


def pinned_session() -> botocore.session.Session:
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

    def __init__(self, status_code: int, headers: dict[str, str]) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = b""
        self.raw = None


class _Dispatcher:
    """The ``before-call`` handler: serves one client's requests from the model.

    Each request goes to the Cloud's :class:`~secretkit.doors.backend.CloudBackend`, the
    function the HTTP endpoint calls too, as the principal the client's credentials stand
    for: with none, the account's root user; else whoever the Cloud's directory finds owns
    them at the moment of the call (credentials may be deleted or expire between calls).
    """

    def __init__(self, cloud: Cloud, service_name: str, region: str,
                 credentials: tuple[str | None, str | None, str | None] | None = None) -> None:
        self.cloud = cloud
        self.service_name = service_name
        self.region = region
        self.principal: Any = root_principal(cloud.account_id)
        self.credentials = credentials
        self.protocol = protocol_of(service_name)
        self.content_type = _CONTENT_TYPES[self.protocol]
        # Query and REST-JSON answers go over the wire format and back through botocore's parser.
        self.wire = self.protocol != "json"
        self.backend = backend_of(cloud)  # the function the HTTP door calls too

    def __call__(self, model: Any, params: dict[str, Any], **_: Any) -> tuple[_Http, dict[str, Any]]:
        request_id = self.backend.serialised(self.cloud.request_ids.uuid)
        try:
            principal = self.principal
            if self.credentials is not None:
                directory, _ = self.cloud.access_control()
                key_id, secret, token = self.credentials
                principal = self.backend.serialised(
                    lambda: directory.resolve(key_id, secret, token, service=self.service_name))
            name, args = decode_request(self.service_name, params)
            result = self.backend(self.service_name, name, args, principal, self.region)
        except ClientError as exc:
            return self._error(request_id, as_aws_error(exc), model)  # type: ignore[arg-type]
        except AwsError as exc:  # an operation not modelled, or a request the codec could not read
            return self._error(request_id, exc, model)
        except RegionUnavailableError as exc:
            raise EndpointConnectionError(endpoint_url=exc.endpoint_url) from None
        if self.wire:
            return self._parsed(model, codec_for(self.service_name).encode(name, result, request_id))
        return self._success(model, request_id, dict(result))

    def _parsed(self, model: Any, response: HttpResponse) -> tuple[_Http, dict[str, Any]]:
        """What botocore makes of ``response`` (as its endpoint would, modelled error fields included)."""
        headers = HeadersDict()
        for name, value in response.headers:
            headers[name] = value
        body: Any = response.body
        if model.has_streaming_output and response.status < 300:
            body = StreamingBody(io.BytesIO(response.body), len(response.body))
        response_dict = {"status_code": response.status, "headers": headers, "body": body}
        parser = create_parser(model.service_model.resolved_protocol)
        parsed = parser.parse(response_dict, model.output_shape)
        if response.status >= 300:
            code = parsed.get("Error", {}).get("Code")
            error_shape = model.service_model.shape_for_error_code(code) if code else None
            if error_shape is not None:
                parsed.update(parser.parse(response_dict, error_shape))
        parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = 0
        return _Http(response.status, dict(parsed["ResponseMetadata"].get("HTTPHeaders", {}))), parsed

    def _success(self, model: Any, request_id: str, response: dict[str, Any]) -> tuple[_Http, dict[str, Any]]:
        status, status_member, streamed = _response_plan(model)
        if status_member is not None and status_member in response:
            status = int(response[status_member])  # Invoke: 200, 202 (Event) or 204 (DryRun)
        if streamed is not None:
            data = bytes(response.get(streamed) or b"")
            response[streamed] = StreamingBody(io.BytesIO(data), len(data))
        headers = self._headers(request_id)
        response["ResponseMetadata"] = self._metadata(request_id, status, headers)
        return _Http(status, headers), response

    def _headers(self, request_id: str) -> dict[str, str]:
        return {"x-amzn-requestid": request_id, "content-type": self.content_type}

    def _metadata(self, request_id: str, status: int, headers: dict[str, str]) -> dict[str, Any]:
        return {"RequestId": request_id, "HTTPStatusCode": status, "HTTPHeaders": headers, "RetryAttempts": 0}

    def _error(self, request_id: str, error: AwsError, model: Any = None) -> tuple[_Http, dict[str, Any]]:
        """An error response as botocore parses one: the wire code, and the status the model gives it."""
        if self.wire and model is not None:
            return self._parsed(model, codec_for(self.service_name).encode_error(error, request_id, model.name))
        code, status, sender, _ = resolve_error(self.service_name, error)
        body: dict[str, Any] = {"Code": code, "Message": error.message, **error.fields}
        if self.protocol == "query":
            body = {"Type": "Sender" if sender else "Receiver", **body}
        headers = self._headers(request_id)
        parsed = {"Error": body, "ResponseMetadata": self._metadata(request_id, status, headers)}
        return _Http(status, headers), parsed


@functools.lru_cache(maxsize=1024)  # each client has its own models: bounded, not forever
def _response_plan(model: Any) -> tuple[int, str | None, str | None]:
    """For one operation: its success status, the output member that overrides it (a
    ``statusCode`` location) and the streamed payload member, read once from its model."""
    status = int(model.http.get("responseCode", 200))
    output = model.output_shape
    if output is None:
        return status, None, None
    status_member = next(
        (name for name, member in output.members.items() if member.serialization.get("location") == "statusCode"), None
    )
    streamed = output.serialization.get("payload") if model.has_streaming_output else None
    return status, status_member, streamed


def make_client(cloud: Cloud, service_name: str, region_name: str = "us-east-1",
                credentials: tuple[str | None, str | None, str | None] | None = None,
                config: Config | None = None) -> Any:
    """Build a boto3 client for ``service_name`` in ``region_name`` served by ``cloud``, acting
    with ``credentials`` (access key id, secret key, session token), or as the root user;
    ``config`` is merged over the kit's (endpoint settings from the environment stay ignored)."""
    served = [name for name in cloud.service_names if name in SERVED]
    if service_name not in served:
        raise ValueError(f"secretkit serves clients for {', '.join(served)}, not {service_name!r}")
    cloud.env(region_name)  # validates the region with a clear message
    key_id, secret, token = credentials if credentials is not None else (None, None, None)
    session = boto3.session.Session(
        botocore_session=pinned_session(),
        aws_access_key_id=key_id or "secretkit",
        aws_secret_access_key=secret or "secretkit-not-a-real-key",
        aws_session_token=token,
        region_name=region_name,
    )
    client = session.client(
        service_name,
        region_name=region_name,
        endpoint_url=f"https://{service_name}.{region_name}.amazonaws.com",
        config=_CONFIG if config is None else _CONFIG.merge(config).merge(_PINNED),
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
    events.register(f"before-call.{service_id}", _Dispatcher(cloud, service_name, region_name, credentials))
    return client
