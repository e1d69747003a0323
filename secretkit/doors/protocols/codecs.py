"""One codec per served service, chosen by the protocol its model names.

Every codec has the same four methods, so a door never needs to know which protocol it is
speaking::

    codec = codec_for("secretsmanager")
    operation, params = codec.decode(request)            # HttpRequest -> boto3-shaped args
    response = codec.encode(operation, result, request_id)
    response = codec.encode_error(error, request_id, operation)

``operation_of(request)`` names the operation without reading the whole input, so a
server can check the signature (or skip it for the few unsigned operations) before it
parses a body.
"""

from __future__ import annotations

import functools
from typing import Any, Protocol

from .awsjson import JsonCodec
from .errors import AwsError
from .models import protocol_of
from .query import QueryCodec
from .restjson import RestJsonCodec
from .wire import HttpRequest, HttpResponse

__all__ = ["Codec", "codec_for", "decode_request"]


class Codec(Protocol):
    """What every protocol codec offers (JSON 1.1, query, REST-JSON)."""

    service: str
    protocol: str
    model: Any

    def operation_of(self, request: HttpRequest) -> str: ...

    def decode(self, request: HttpRequest, operation: str | None = None) -> tuple[str, dict[str, Any]]: ...

    def encode(self, operation: str, result: dict[str, Any], request_id: str) -> HttpResponse: ...

    def encode_error(self, error: AwsError, request_id: str, operation: str | None = None) -> HttpResponse: ...


@functools.cache
def codec_for(service: str) -> Codec:
    """The codec for ``service`` (built once: REST-JSON compiles its URI templates)."""
    protocol = protocol_of(service)
    if protocol == "json":
        return JsonCodec(service)
    if protocol == "query":
        return QueryCodec(service)
    return RestJsonCodec(service)


def decode_request(service: str, request: HttpRequest | dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(operation, params)`` from a raw :class:`HttpRequest` or botocore's serialised request dict.

    A codec that can read botocore's dict in place (JSON 1.1: a header and a body) does so;
    for the others the dict becomes an :class:`HttpRequest` first. Either way the answer is
    the same.
    """
    codec = codec_for(service)
    if isinstance(request, HttpRequest):
        return codec.decode(request)
    in_place = getattr(codec, "decode_botocore", None)
    if in_place is not None:
        return in_place(request)  # type: ignore[no-any-return]
    return codec.decode(HttpRequest.from_botocore(request))
