"""Invoke: synchronous, asynchronous with Lambda's retries, or a dry run.

``InvocationType``:

``RequestResponse`` (the default)
    Runs the function now and answers ``StatusCode`` 200 with its result as ``Payload``.
    If it failed, ``FunctionError`` is ``"Unhandled"`` (what the Python runtime always
    reports) and the payload is Lambda's error document. ``LogType="Tail"`` adds
    ``LogResult``: the base64 of the last 4 KB of the invocation's log.
``Event``
    Queues the event and answers 202 with an empty payload. The function runs when the
    simulated clock next moves (``cloud.clock.advance(seconds=1)``); if it fails, Lambda
    tries twice more, about one and then two minutes later, and then discards the event
    (logged as a ``notice`` here: the model has no dead-letter queue or destinations).
``DryRun``
    Checks the request and answers 204; nothing runs.

The payload must be JSON (``InvalidRequestContentException`` otherwise); an empty payload
is the event ``{}``. Lambda takes at most 6 MB synchronously and 1 MB asynchronously
(``RequestEntityTooLargeException``). ``ClientContext`` (base64 JSON) reaches the handler
as ``context.client_context``, for synchronous invocations only.

``Payload`` is returned as ``bytes``. botocore hands callers a streaming body
(``response["Payload"].read()``); wrapping the bytes in one is the client door's job.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from .base import EventLog, SimClock, loads_json
from .errors import lambda_error, validation_error
from .records import Function, FunctionVersion
from .runtime import InvocationResult, Runtime

__all__ = ["ASYNC_LIMIT", "ASYNC_RETRY_DELAYS", "Invoker", "SYNC_LIMIT", "decode_payload"]

SYNC_LIMIT = 6_291_456
ASYNC_LIMIT = 1_048_576
#: When Lambda retries a failed asynchronous invocation ("up to two more times").
ASYNC_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=2))
_TYPES = ("Event", "RequestResponse", "DryRun")


def decode_payload(payload: object, invocation_type: str) -> Any:
    """The event a payload carries, checked as Lambda checks it."""
    if payload is None:
        raw = b""
    elif isinstance(payload, str):
        raw = payload.encode()
    elif isinstance(payload, (bytes, bytearray, memoryview)):
        raw = bytes(payload)
    elif hasattr(payload, "read"):
        raw = payload.read()
        raw = raw.encode() if isinstance(raw, str) else bytes(raw)
    else:
        raise validation_error(payload, "payload", "Member must be bytes, a string or a readable file")
    limit = ASYNC_LIMIT if invocation_type == "Event" else SYNC_LIMIT
    if len(raw) > limit:
        raise lambda_error(
            "RequestEntityTooLargeException",
            f"{len(raw)} byte payload is too large for the {invocation_type} invocation type (limit {limit} bytes)",
        )
    if not raw.strip():
        return {}
    try:
        return loads_json(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise lambda_error(
            "InvalidRequestContentException",
            f"Could not parse request body into json: Could not parse payload into json: {exc}",
        ) from None


def decode_client_context(value: object) -> Mapping[str, Any] | None:
    if value is None:
        return None
    try:
        decoded = loads_json(base64.b64decode(str(value), validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        decoded = None
    if not isinstance(decoded, dict):
        raise lambda_error("InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object.")
    return decoded


class Invoker:
    """Runs invocations for one Lambda service and keeps each function's recent logs."""

    def __init__(self, runtime: Runtime, clock: SimClock, events: EventLog) -> None:
        self.runtime = runtime
        self.clock = clock
        self.events = events

    def invoke(self, fn: Function, fv: FunctionVersion, *, invocation_type: str, log_type: str, payload: object,
               client_context: object, invoked_arn: str,
               resolve: Callable[[], FunctionVersion | None]) -> dict[str, Any]:
        """The Invoke operation once the function is found (arguments still to check)."""
        if invocation_type not in _TYPES:
            raise validation_error(invocation_type, "invocationType", f"Member must satisfy enum value set: [{', '.join(_TYPES)}]")
        if log_type not in ("None", "Tail"):
            raise validation_error(log_type, "logType", "Member must satisfy enum value set: [None, Tail]")
        event = decode_payload(payload, invocation_type)
        context = decode_client_context(client_context)
        if invocation_type == "DryRun":
            return {"StatusCode": 204, "Payload": b""}
        if invocation_type == "Event":
            self.queue(fn, event, invoked_arn, resolve)
            return {"StatusCode": 202, "Payload": b""}
        result = self.run(fn, fv, event, invoked_arn=invoked_arn, client_context=context,
                          note={"invocation_type": "RequestResponse"})
        out: dict[str, Any] = {"StatusCode": 200, "ExecutedVersion": result.version, "Payload": result.payload}
        if result.error is not None:
            out["FunctionError"] = "Unhandled"
        if log_type == "Tail":
            out["LogResult"] = base64.b64encode(result.log.encode()[-4096:]).decode()
        return out

    def run(self, fn: Function, fv: FunctionVersion, event: Any, *, invoked_arn: str | None = None,
            client_context: Mapping[str, Any] | None = None, note: Mapping[str, Any] | None = None) -> InvocationResult:
        """Run one invocation now and keep its log with the function."""
        result = self.runtime.invoke(fv, event, invoked_arn=invoked_arn, client_context=client_context, note=note,
                                     faults=fn.faults)
        fn.logs.append((result.request_id, result.log))
        return result

    def queue(self, fn: Function, event: Any, invoked_arn: str, resolve: Callable[[], FunctionVersion | None],
              attempt: int = 0, note: Mapping[str, Any] | None = None) -> None:
        """Run ``event`` when the clock next moves (later, for a retry); ``note`` goes into its records."""
        delay = timedelta(0) if attempt == 0 else ASYNC_RETRY_DELAYS[attempt - 1]
        self.clock.schedule(
            self.clock.now + delay,
            partial(self._run_queued, fn, event, invoked_arn, resolve, attempt, note),
            label=f"lambda async {fn.name}",
        )

    def _run_queued(self, fn: Function, event: Any, invoked_arn: str, resolve: Callable[[], FunctionVersion | None],
                    attempt: int, note: Mapping[str, Any] | None) -> None:
        fv = resolve()
        if fv is None:  # the function was deleted while the event waited
            return
        result = self.run(fn, fv, event, invoked_arn=invoked_arn,
                          note={**(note or {}), "invocation_type": "Event", "attempt": attempt + 1})
        if result.ok:
            return
        if attempt < len(ASYNC_RETRY_DELAYS):
            self.queue(fn, event, invoked_arn, resolve, attempt + 1, note)
            return
        detail = {"function": fn.name, "request_id": result.request_id, "attempts": attempt + 1,
                  "error_type": (result.error or {}).get("errorType")}
        self.events.record(self.clock.now, "notice", fn.region, "lambda", "AsyncEventDiscarded", "Failed", fn.arn, detail)
