"""One AWS call over HTTP, start to finish, without sockets: route, authenticate, decode, serve, encode.

The server (:mod:`.server`) does the I/O; this module decides what to answer. It works in
two steps so that the server can refuse an oversized body before reading it:

* :meth:`Dispatcher.plan` looks at the request line and headers only, and names the
  service, the operation where the headers or path tell it, and the body limit;
* :meth:`Dispatcher.handle` gets the whole request and returns the response.

The order of checks is AWS's: the signature first (so a stranger learns nothing about
operations or inputs), then the operation, then the input, then the call itself.

The Cloud is not imported. It comes in as a **backend**, one callable::

    backend(service, operation, params, caller, region) -> result dict

``params`` are what a boto3 caller passes (``bytes``, ``datetime``), ``caller`` says who
signed (:class:`~.sigv4.Caller`), ``region`` is the credential scope's. A failed call
raises :class:`~secretkit.doors.protocols.AwsError` (or anything shaped like one, such as
secretkit's ``ClientError``); a backend that cannot be reached at all (a simulated
region outage) raises :class:`Unreachable`, and the server then drops the connection
without an answer, which is what a client sees of an endpoint that is down; any other
exception is answered as AWS answers its own faults, HTTP 500 ``InternalFailure``
(``ServiceException`` in Lambda), and logged.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..protocols.codecs import Codec
from ..protocols.errors import AwsError, as_aws_error
from ..protocols.models import is_unsigned
from ..protocols.wire import HttpRequest, HttpResponse
from .clockapi import CLOCK_PATH, ClockControl, clock_response
from .routing import DEFAULT_BODY_LIMIT, body_limit, error_codec, guess_protocol, route
from .sigv4 import Caller, KeyLookup, SignatureFailure, verify

__all__ = ["Backend", "Dispatcher", "Plan", "Unreachable", "sequential_request_ids"]

log = logging.getLogger("secretkit.doors.http")

Backend = Callable[[str, str, dict[str, Any], Caller, str], dict[str, Any] | None]
CLOCK_BODY_LIMIT = 64 * 1024


class Unreachable(Exception):
    """Raised by a backend whose service cannot be reached: the request gets no answer."""


def sequential_request_ids() -> Callable[[], str]:
    """Request ids ``00000000-0000-4000-8000-000000000001``, ``...02``, ...: shaped like AWS's, reproducible."""
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


@dataclass(slots=True)
class Plan:
    """What the headers alone say about a request."""

    codec: Codec | None
    operation: str | None
    limit: int
    error: AwsError | None = None
    clock: bool = False


class Dispatcher:
    """Answers AWS calls from a backend, a key lookup and (optionally) a clock."""

    def __init__(
        self,
        backend: Backend,
        keys: KeyLookup,
        *,
        clock: ClockControl | None = None,
        request_ids: Callable[[], str] | None = None,
        default_region: str = "us-east-1",
    ) -> None:
        self.backend = backend
        self.keys = keys
        self.clock = clock
        self.request_ids = request_ids or sequential_request_ids()
        self.default_region = default_region

    def plan(self, head: HttpRequest) -> Plan:
        """Service, operation (when known without the body) and body limit of a request."""
        if head.path.rstrip("/") == CLOCK_PATH:
            return Plan(None, None, CLOCK_BODY_LIMIT, clock=True)
        try:
            codec = route(head, body_read=False)
        except AwsError as exc:
            return Plan(error_codec(guess_protocol(head)), None, DEFAULT_BODY_LIMIT, error=exc)
        if codec is None:
            return Plan(None, None, DEFAULT_BODY_LIMIT)
        operation = None
        if codec.protocol != "query":
            try:
                operation = codec.operation_of(head)
            except AwsError:
                operation = None  # reported after the signature check, as AWS does
        return Plan(codec, operation, body_limit(codec.service, operation))

    def handle(self, request: HttpRequest, plan: Plan | None = None) -> HttpResponse:
        """The response to a complete request; a fault of the door's own is answered as AWS answers one."""
        try:
            return self._handle(request, plan or self.plan(request))
        except Unreachable:
            raise
        except Exception:
            log.exception("the endpoint failed on %s %s", request.method, request.path)
            codec = plan.codec if plan is not None and plan.codec is not None else error_codec(guess_protocol(request))
            return self._error(codec, _internal(codec), self.request_ids(), None)

    def _handle(self, request: HttpRequest, plan: Plan) -> HttpResponse:
        if plan.clock:
            return clock_response(request.method, request.body, self.clock)
        request_id = self.request_ids()
        if plan.error is not None:
            return self._error(plan.codec or error_codec(guess_protocol(request)), plan.error, request_id, None)
        codec = plan.codec
        if codec is None:
            try:
                codec = route(request, body_read=True)
            except AwsError as exc:
                return self._error(error_codec(guess_protocol(request)), exc, request_id, None)
            assert codec is not None
        operation, operation_error = plan.operation, None
        if operation is None:
            try:
                operation = codec.operation_of(request)
            except AwsError as exc:
                operation_error = exc
        unsigned = operation is not None and is_unsigned(codec.model.operation_model(operation))
        if unsigned:
            caller = Caller(access_key_id=None, region=None, signed=False)
        else:
            try:
                caller = verify(request, self.keys, codec.model.signing_name)
            except SignatureFailure as failure:
                return self._error(codec, failure.error(codec.protocol), request_id, operation)
        if operation_error is not None or operation is None:
            return self._error(codec, operation_error or AwsError("UnknownOperationException"), request_id, None)
        try:
            _, params = codec.decode(request, operation)
        except AwsError as exc:
            return self._error(codec, exc, request_id, operation)
        return self._call(codec, operation, params, caller, request_id)

    def _call(self, codec: Codec, operation: str, params: dict[str, Any], caller: Caller, request_id: str) -> HttpResponse:
        region = caller.region or self.default_region
        try:
            result = self.backend(codec.service, operation, params, caller, region)
            return codec.encode(operation, result or {}, request_id)
        except Unreachable:
            raise
        except Exception as exc:  # the backend's AWS errors are answers; anything else is our fault
            error = as_aws_error(exc)
            if error is None:
                log.exception("%s.%s failed inside the endpoint (request %s)", codec.service, operation, request_id)
                error = _internal(codec)
            return self._error(codec, error, request_id, operation)

    def _error(self, codec: Codec, error: AwsError, request_id: str, operation: str | None) -> HttpResponse:
        return codec.encode_error(error, request_id, operation)

    def fault(self, request: HttpRequest, error: AwsError, plan: Plan | None = None) -> HttpResponse:
        """``error`` (a timeout, an oversized body) in the protocol the request speaks."""
        codec = plan.codec if plan is not None and plan.codec is not None else error_codec(guess_protocol(request))
        return self._error(codec, error, self.request_ids(), plan.operation if plan else None)


def _internal(codec: Codec) -> AwsError:
    if codec.service == "lambda":
        return AwsError("ServiceException", "The AWS Lambda service encountered an internal error.", status=500)
    return AwsError(
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
        status=500,
        sender_fault=False,
    )
