"""Which service a request on the one shared endpoint is for, and how big it may be.

Against AWS each service has its own host name; here every service shares
``http://127.0.0.1:PORT``, so the door tells them apart the way the protocols allow:

1. an ``X-Amz-Target`` header names a JSON 1.1 service by its target prefix
   (``secretsmanager.``, ``AmazonSSM.``, ``TrentService.``, ``AWSEvents.``);
2. otherwise the SigV4 credential scope names the service it was signed for
   (``.../eu-west-2/iam/aws4_request``): Lambda, or a query service;
3. an unsigned request is Lambda's if its method and path fit one of Lambda's URI
   templates, else STS's if its ``Action`` is one STS serves unsigned.

Body limits are AWS's where the model's service publishes one — Lambda's ``Invoke``
payload (6 MB, answered with ``RequestEntityTooLargeException``), a ``CreateFunction``
or ``UpdateFunctionCode`` zip (50 MB base64-encoded, so 69,905,067 bytes) — and a cap of
1 MiB elsewhere, far above any input these services accept (a secret is at most 64 KiB,
a CloudFormation template body 51,200 bytes).
"""

from __future__ import annotations

import functools

from ..protocols.codecs import Codec, codec_for
from ..protocols.errors import AwsError
from ..protocols.models import SERVED, is_unsigned, service_for_signing_name, service_for_target, service_model
from ..protocols.restjson import RestJsonCodec
from ..protocols.wire import HttpRequest

__all__ = ["DEFAULT_BODY_LIMIT", "body_limit", "error_codec", "guess_protocol", "route", "too_large"]

DEFAULT_BODY_LIMIT = 1024 * 1024
_LAMBDA_LIMITS = {
    "Invoke": 6 * 1024 * 1024,
    "InvokeWithResponseStream": 6 * 1024 * 1024,
    "InvokeAsync": 256 * 1024,
    "CreateFunction": 69_905_067,
    "UpdateFunctionCode": 69_905_067,
    "PublishLayerVersion": 69_905_067,
}
_LAMBDA_OPERATION_NAMES = {"Invoke": "InvokeFunction"}


def _signing_service(request: HttpRequest) -> str | None:
    header = request.header("authorization") or ""
    _, found, rest = header.partition("Credential=")
    if not found:
        return None
    scope = rest.split(",", 1)[0].strip().split("/")
    return scope[3] if len(scope) == 5 else None


@functools.cache
def _unsigned_actions() -> dict[str, str]:
    actions = {}
    for name in SERVED:
        model = service_model(name)
        if model.metadata.get("protocol") == "query":
            for operation in model.operation_names:
                if is_unsigned(model.operation_model(operation)):
                    actions[operation] = name
    return actions


def guess_protocol(request: HttpRequest) -> str:
    """The protocol to answer in when no service can be told: as the request itself looks."""
    if request.header("x-amz-target"):
        return "json"
    if request.path not in ("", "/"):
        return "rest-json"
    return "query"


def error_codec(protocol: str) -> Codec:
    """A codec that writes errors in ``protocol`` for a request no service claimed."""
    return codec_for({"json": "secretsmanager", "rest-json": "lambda", "query": "sts"}[protocol])


def route(request: HttpRequest, *, body_read: bool) -> Codec | None:
    """The codec of the service ``request`` is for.

    Returns ``None`` when only the body can tell (an unsigned query request whose body is
    not read yet); raises :class:`AwsError` when no served service fits.
    """
    target = request.header("x-amz-target")
    if target:
        service = service_for_target(target)
        if service is None:
            raise AwsError("UnknownOperationException", f"Unknown operation {target}.", status=400)
        return codec_for(service)
    signed_for = _signing_service(request)
    if signed_for:
        service = service_for_signing_name(signed_for)
        if service is None:
            protocol = guess_protocol(request)
            raise AwsError(
                "UnknownOperationException" if protocol != "query" else "InvalidAction",
                f"This endpoint does not serve the {signed_for!r} service.",
                status=400,
            )
        return codec_for(service)
    lambda_codec = codec_for("lambda")
    if isinstance(lambda_codec, RestJsonCodec) and lambda_codec.matches(request):
        return lambda_codec
    if not body_read:
        return None
    action = request.form_fields().get("Action", "")
    if action in _unsigned_actions():
        return codec_for(_unsigned_actions()[action])
    protocol = guess_protocol(request)
    raise AwsError(
        "MissingAuthenticationTokenException" if protocol != "query" else "MissingAuthenticationToken",
        "Missing Authentication Token",
        status=400 if protocol == "json" else 403,
    )


def body_limit(service: str, operation: str | None) -> int:
    """The largest request body, in bytes, the door reads for this call."""
    if service == "lambda" and operation in _LAMBDA_LIMITS:
        return _LAMBDA_LIMITS[operation]
    return DEFAULT_BODY_LIMIT


def too_large(codec: Codec, operation: str | None, limit: int) -> AwsError:
    """The error for a body over ``limit``, in the words AWS uses for Lambda's."""
    shown = _LAMBDA_OPERATION_NAMES.get(operation or "", operation or "this")
    message = f"Request must be smaller than {limit} bytes for the {shown} operation"
    if codec.protocol == "query":
        return AwsError("RequestEntityTooLarge", message, status=413)
    return AwsError("RequestEntityTooLargeException", message, status=413)
