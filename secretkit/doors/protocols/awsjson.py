"""The JSON 1.1 protocol: Secrets Manager, Parameter Store, KMS and EventBridge.

A call is ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>`` (``secretsmanager.
GetSecretValue``, ``AmazonSSM.PutParameter``, ``TrentService.Encrypt``) and a JSON body of
the input members: blobs as base64 text, timestamps as epoch seconds. The answer is 200
with a JSON body of the output members (``{}`` when there are none) and an
``x-amzn-RequestId`` header.

An error is HTTP 400 for the caller's faults (not-found and access-denied included) or
500 for the service's, with the body ``{"__type": "<Code>", "message": "<text>"}`` —
``Message`` when the error shape spells its member so, as Secrets Manager's do. botocore
reads the code from ``__type`` and the message from either key.
"""

from __future__ import annotations

from typing import Any

from .errors import AwsError
from .jsonvalues import BadText, ShapeError, decode_value, dumps, encode_value, loads
from .models import message_member, resolve_error, service_model
from .wire import HttpRequest, HttpResponse

__all__ = ["JsonCodec"]

CONTENT_TYPE = "application/x-amz-json-1.1"


def serialization_error(message: str) -> AwsError:
    """The error AWS's JSON services give a body that is not JSON or does not fit the input."""
    return AwsError("SerializationException", message, status=400)


class JsonCodec:
    """Decode JSON 1.1 requests and encode responses and errors for one service."""

    protocol = "json"

    def __init__(self, service: str) -> None:
        self.service = service
        self.model = service_model(service)
        self.target_prefix = str(self.model.metadata["targetPrefix"])
        self._operations = frozenset(self.model.operation_names)  # botocore keeps a list
        self._inputs: dict[str, Any] = {}  # operation -> its input shape (None: no input)

    def operation_of(self, request: HttpRequest) -> str:
        """The operation named by ``X-Amz-Target``; ``UnknownOperationException`` if none fits."""
        return self._operation(request.header("x-amz-target") or "")

    def _operation(self, target: str) -> str:
        prefix, _, name = target.rpartition(".")
        if prefix != self.target_prefix or name not in self._operations:
            raise AwsError("UnknownOperationException", f"Unknown operation {target or '(no X-Amz-Target)'}.", status=400)
        return name

    def decode(self, request: HttpRequest, operation: str | None = None) -> tuple[str, dict[str, Any]]:
        """``(operation, params)`` from a JSON 1.1 request, params as a boto3 caller passes them."""
        return self._decode(operation or self.operation_of(request), request.body)

    def decode_botocore(self, request_dict: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """:meth:`decode` of botocore's serialised request dict, read in place.

        The in-process door hands every call over this way; a JSON 1.1 request needs only its
        target header and its body, so no :class:`HttpRequest` is built for it.
        """
        headers = request_dict.get("headers") or {}
        target = headers.get("X-Amz-Target")
        if target is None:
            target = next((v for k, v in headers.items() if str(k).lower() == "x-amz-target"), "")
        body = request_dict.get("body")
        return self._decode(self._operation(str(target)), body if type(body) is bytes else HttpRequest.body_of(body))

    def _decode(self, name: str, raw: bytes) -> tuple[str, dict[str, Any]]:
        try:
            shape = self._inputs[name]
        except KeyError:
            shape = self._inputs[name] = self.model.operation_model(name).input_shape
        try:
            body = loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise serialization_error(f"The request body is not valid JSON: {exc}") from None
        if shape is None:
            return name, {}
        if not isinstance(body, dict):
            raise serialization_error("The request body must be a JSON object.")
        try:
            return name, decode_value(shape, body)
        except BadText as exc:
            raise exc.as_aws_error() from None
        except ShapeError as exc:
            raise serialization_error(str(exc)) from None

    def encode(self, operation: str, result: dict[str, Any], request_id: str) -> HttpResponse:
        """A 200 response carrying ``result`` (a boto3-shaped dict) as the operation's output."""
        shape = self.model.operation_model(operation).output_shape
        body = encode_value(shape, result) if shape is not None else {}
        return self._response(200, body, request_id)

    def encode_error(self, error: AwsError, request_id: str, operation: str | None = None) -> HttpResponse:
        """``error`` as AWS's JSON services write one."""
        code, status, _, shape = resolve_error(self.service, error)
        body: dict[str, Any] = {"__type": code}
        key = message_member(shape, "message")
        if shape is not None:
            extra = {k: v for k, v in error.fields.items() if k in shape.members and k != key}
            body.update(encode_value(shape, extra))
        body[key] = error.message
        return self._response(status, body, request_id)

    def _response(self, status: int, body: Any, request_id: str) -> HttpResponse:
        headers = [("x-amzn-RequestId", request_id), ("Content-Type", CONTENT_TYPE)]
        return HttpResponse(status, headers, dumps(body))
