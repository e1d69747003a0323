"""Lambda-style functions: a registry of Python handlers that the Cloud can invoke.

A rotation function, or a job that rotates a Parameter Store value on a schedule, is a
Lambda function on AWS: ``handler(event, context)``. Here it is any Python callable with
that signature, registered under a name::

    arn = cloud.register_function("rotate-db", handler, memory_mb=128, duration_ms=250)
    cloud.invoke(arn, {"Step": "createSecret", ...})

Every invocation is logged in the event log as ``kind="invoke"`` with the function's
declared memory and duration, which the cost meter prices. The duration is *modelled*,
not measured: reading a real stopwatch would make two runs of the same notebook differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.checks import fail
from ..core.clock import SimClock
from ..core.context import caller, root_principal
from ..core.events import EventLog

__all__ = ["Function", "FunctionRegistry", "Handler", "LambdaContext"]

Handler = Callable[[dict[str, Any], "LambdaContext"], Any]

_NAME_RE = re.compile(r"[a-zA-Z0-9_-]{1,64}")


@dataclass(slots=True)
class Function:
    """One registered function: its handler and the figures the cost meter needs."""

    name: str
    arn: str
    region: str
    handler: Handler
    memory_mb: int
    duration_ms: float
    invocations: int = 0


@dataclass(slots=True)
class LambdaContext:
    """The ``context`` a handler receives (the fields of AWS's context object a course needs).

    ``client(service)`` hands the function a client for its own region. Secrets Manager
    sets it when it invokes a rotation function, so a function written against boto3 runs
    here unchanged; a function that makes its own client may ignore it.
    """

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    client: Callable[[str], Any] | None = None


class FunctionRegistry:
    """The functions of one account, in every region."""

    def __init__(self, clock: SimClock, events: EventLog, account_id: str, request_id: Callable[[], str]) -> None:
        self.clock = clock
        self.events = events
        self.account_id = account_id
        self._request_id = request_id
        self._principal = root_principal(account_id)
        self.functions: dict[str, Function] = {}  # ARN -> function

    def register(
        self,
        name: str,
        handler: Handler,
        *,
        region: str = "us-east-1",
        memory_mb: int = 128,
        duration_ms: float = 100.0,
    ) -> str:
        """Register ``handler`` as function ``name`` and return its ARN (re-registering replaces it)."""
        if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
            raise ValueError(f"function name must match {_NAME_RE.pattern}, got {name!r}")
        if not callable(handler):
            raise TypeError("handler must be callable as handler(event, context)")
        if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or not 128 <= memory_mb <= 10240:
            raise ValueError("memory_mb must be an int from 128 to 10240, as on Lambda")
        if not isinstance(duration_ms, (int, float)) or duration_ms <= 0:
            raise ValueError("duration_ms must be a positive number of milliseconds")
        arn = f"arn:aws:lambda:{region}:{self.account_id}:function:{name}"
        self.functions[arn] = Function(name, arn, region, handler, memory_mb, float(duration_ms))
        return arn

    def get(self, arn_or_name: str) -> Function | None:
        """The function with this ARN (or, as a convenience, this name), if registered."""
        found = self.functions.get(arn_or_name)
        if found is None and isinstance(arn_or_name, str) and not arn_or_name.startswith("arn:"):
            found = next((f for f in self.functions.values() if f.name == arn_or_name), None)
        return found

    def invoke(
        self,
        arn: str,
        event: dict[str, Any],
        *,
        client: Callable[[str], Any] | None = None,
        note: dict[str, Any] | None = None,
    ) -> Any:
        """Call the function synchronously, log the invocation, and return what it returned.

        A handler that raises is logged with status ``"FunctionError"`` and the exception
        propagates, as an unhandled error does to a synchronous Lambda caller. ``note`` adds
        fields to the logged record (Secrets Manager adds the rotation step).

        The handler's own calls are its own (not nested in whatever invoked it), made as the
        account's root user until functions get execution roles.
        """
        function = self.get(arn)
        if function is None:
            raise fail("ResourceNotFoundException", f"Function not found: {arn}")
        function.invocations += 1
        context = LambdaContext(function.name, function.arn, function.memory_mb, self._request_id(), client)
        detail = {"function": function.name, "duration_ms": function.duration_ms, "memory_mb": function.memory_mb}
        if note:
            detail.update(note)
        status = "OK"
        try:
            with caller(self._principal):
                return function.handler(event, context)
        except Exception:
            status = "FunctionError"
            raise
        finally:
            self.events.record(self.clock.now, "invoke", function.region, "lambda", "Invoke", status, function.arn, detail)
