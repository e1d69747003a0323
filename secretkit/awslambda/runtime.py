"""The runtime: execution environments, cold and warm starts, one invocation.

An invocation, as Lambda's Python runtime runs it:

1. **Cold start**, if the version has no warm execution environment: a new one gets its
   log stream, the execution role's credentials and Lambda's variables; its **Init**
   phase imports the handler's module (everything at module level runs now) and finds the
   handler. A failure here is an Init error with Lambda's ``errorType`` and the
   environment is thrown away.
2. **Invoke**: ``handler(event, context)`` inside the function's world (see
   :mod:`~.activation`), then the result is turned into JSON. An exception becomes
   Lambda's error document ``{"errorMessage", "errorType", "requestId", "stackTrace"}``;
   a result that is not JSON-serialisable becomes ``Runtime.MarshalError``.
3. **Time** is modelled (:mod:`~.timing`): past the timeout the invocation fails with
   ``Sandbox.Timedout`` ("Task timed out after 3.00 seconds"). A timeout or a crash
   (``sys.exit`` in the handler: ``Runtime.ExitError``) **resets** the environment: the
   next invocation initialises again, inside its own Invoke phase (a "suppressed init",
   counted in its Duration). An ordinary exception does not: the Python runtime reports
   it and carries on, warm.
4. The log gets Lambda's ``START``/``END``/``REPORT`` lines (``Init Duration`` on a cold
   start), and the event log one ``kind="invoke"`` record with ``duration_ms`` (billed:
   Init plus Invoke, rounded up to the millisecond) and ``memory_mb``, which the cost
   meter prices.

``REPORT`` lines carry no ``Max Memory Used``: the model does not measure memory.

A kit-only :class:`~.faults.FailurePlan` may fail an invocation on purpose, before the
handler runs or after it returned (see :mod:`~.faults`).

**Threads.** A function runs in the thread that invoked it, holding the Cloud's lock
(``cloud.lock``, taken before the runtime's own), so its boto3 calls take that re-entrant
lock again and other threads' calls wait until the invocation ends. A thread the
function's code starts itself is another thread: if the function waits for it while it
calls the Cloud, that call waits for the function, and neither finishes. Calls from the
function's own thread are the supported way.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .activation import LOCK, Activation, Sandbox, environ_of, is_active, set_variable
from .base import EventLog, Ids, SimClock, caller, root_principal
from .capture import InvocationLog
from .code import CallableCode
from .context import LambdaContext
from .environ import Credentials, lambda_variables, trace_header
from .faults import FailurePlan
from .loader import InitError, ModuleSpace, load_handler
from .records import Function, FunctionVersion
from .routing import ClientFactory, Route
from .timing import INIT_LIMIT_MS, Stopwatch, Timedout, billed_ms

__all__ = ["ExecutionEnvironment", "FunctionError", "InvocationResult", "Runtime", "RoleCredentials"]

RoleCredentials = Callable[[str, str], Credentials]  # (role ARN, session name) -> credentials
_HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_MAX_RESPONSE = 6_291_556
#: how long before its session ends an environment is retired (the session is renewed then too)
RENEW_BEFORE_S = 300


class FunctionError(Exception):
    """A function failed; ``.error`` is Lambda's error document (for services that invoke)."""

    def __init__(self, error: Mapping[str, Any]) -> None:
        super().__init__(f"{error.get('errorType')}: {error.get('errorMessage')}")
        self.error = dict(error)


@dataclass(slots=True, frozen=True)
class InvocationResult:
    """What one invocation produced."""

    request_id: str
    version: str
    payload: bytes
    error: Mapping[str, Any] | None
    log: str
    duration_ms: float
    init_ms: float
    cold_start: bool

    @property
    def billed_ms(self) -> int:
        return billed_ms(self.duration_ms + self.init_ms)

    @property
    def ok(self) -> bool:
        return self.error is None

    def value(self) -> Any:
        """The handler's result, decoded; raises :class:`FunctionError` if the function failed."""
        if self.error is not None:
            raise FunctionError(self.error)
        return json.loads(self.payload) if self.payload else None


class ExecutionEnvironment:
    """One warm (or warming) execution environment of one function version."""

    __slots__ = ("version", "sandbox", "route", "handler", "log_stream", "credentials", "ready", "suppressed")
    transient = True  # a saved Cloud keeps no warm environment (see secretkit.saving)

    def __init__(self, version: FunctionVersion, sandbox: Sandbox, route: Route, log_stream: str,
                 credentials: Credentials) -> None:
        self.version = version
        self.sandbox = sandbox
        self.route = route
        self.log_stream = log_stream
        self.credentials = credentials
        self.handler: Callable[..., Any] | None = None
        self.ready = False
        self.suppressed = False  # the next Init runs inside an Invoke phase, after a reset

    def outlived(self, now: datetime) -> bool:
        """Whether this environment's credentials end within five minutes of ``now``.

        Lambda never keeps an environment past its execution role's session: the next
        invocation then starts cold, with a new session, as on AWS.
        """
        expires = self.credentials.expires
        return expires is not None and (expires - now).total_seconds() < RENEW_BEFORE_S


class Runtime:
    """Runs the functions of one Lambda service (one region)."""

    def __init__(self, clock: SimClock, ids: Ids, request_ids: Ids, events: EventLog, account_id: str,
                 client_factory: ClientFactory | None, assume_role: RoleCredentials,
                 network: Mapping[str, Any] | None = None) -> None:
        self.clock = clock
        self.ids = ids
        self.request_ids = request_ids
        self.events = events
        self.account_id = account_id
        self.client_factory = client_factory
        self.assume_role = assume_role
        self.network: Mapping[str, Any] = network if network is not None else {}
        # Who a function's own calls come from: they start a chain of their own, not nested in
        # whatever invoked the function. Its boto3 clients carry the execution role's session
        # credentials, which the door resolves on each call; this is who calls made otherwise are.
        self.principal = root_principal(account_id)

    # ------------------------------------------------------------------ environments
    def _environment(self, fv: FunctionVersion, start: datetime) -> ExecutionEnvironment:
        credentials = self.assume_role(fv.config.role, fv.name)
        stream = f"{start:%Y/%m/%d}/[{fv.version}]{self.ids.hex(16)}"
        sandbox = self._sandbox(fv, stream, credentials)
        route = Route(self.client_factory, fv.region, credentials, fv.name, self.network)
        return ExecutionEnvironment(fv, sandbox, route, stream, credentials)

    @staticmethod
    def _sandbox(fv: FunctionVersion, stream: str, credentials: Credentials) -> Sandbox:
        config = fv.config
        environ = lambda_variables(
            function_name=fv.name, version=fv.version, region=fv.region, memory_mb=config.memory_size,
            handler=config.handler, runtime=config.runtime, log_stream=stream, credentials=credentials,
        )
        environ.update(config.variables)
        code = None if isinstance(fv.code, CallableCode) else fv.code
        return Sandbox(environ_of(environ), ModuleSpace(code))

    def _reset(self, env: ExecutionEnvironment) -> None:
        """A crash or timeout: the runtime process is gone; Init runs again next time."""
        env.sandbox.modules.forget()
        env.sandbox = self._sandbox(env.version, env.log_stream, env.credentials)
        env.handler = None
        env.ready = False
        env.suppressed = True

    # ------------------------------------------------------------------ invoking
    def invoke(self, fv: FunctionVersion, event: Any, *, invoked_arn: str | None = None,
               client_context: Mapping[str, Any] | None = None, note: Mapping[str, Any] | None = None,
               faults: FailurePlan | None = None) -> InvocationResult:
        """Run one invocation of ``fv`` with ``event`` (already decoded from JSON)."""
        # The Cloud's lock before the runtime's, always in this order, so that an invocation
        # begun outside any operation cannot deadlock against one begun inside an operation.
        with self.clock.lock, LOCK:
            return self._invoke(fv, event, invoked_arn or fv.qualified_arn, client_context, note, faults)

    def _invoke(self, fv: FunctionVersion, event: Any, invoked_arn: str, client_context: Mapping[str, Any] | None,
                note: Mapping[str, Any] | None, faults: FailurePlan | None) -> InvocationResult:
        start = self.clock.now
        request_id = self.request_ids.uuid()
        trace = trace_header(int(start.timestamp()), self.request_ids.hex(12), self.request_ids.hex(8))
        env: ExecutionEnvironment | None = fv.environment
        if env is None or env.outlived(start):
            env = fv.environment = self._environment(fv, start)
        elif is_active(env.sandbox):  # the function invoked itself: Lambda runs it in a second environment
            env = self._environment(fv, start)
        log = InvocationLog()
        initialised = not env.ready
        error: dict[str, Any] | None = None
        crashed = False
        init_ms = 0.0
        if not env.ready and not env.suppressed:  # an ordinary cold start: Init before Invoke
            self._prepare(env, log, trace)
            watch = Stopwatch(start, INIT_LIMIT_MS)
            error, crashed = self._init(env, watch, "", request_id)
            init_ms = watch.elapsed_ms
            if watch.expired:  # Init ran past its 10 s: Lambda runs it again inside the invocation
                error, crashed = None, False
                self._reset(env)
        log.line(f"START RequestId: {request_id} Version: {fv.version}")
        self._prepare(env, log, trace)
        watch = Stopwatch(start + timedelta(milliseconds=init_ms), fv.config.timeout * 1000.0)
        if error is None and env.suppressed:  # the Init after a reset runs in this Invoke phase
            env.suppressed = False
            error, crashed = self._init(env, watch, request_id, request_id)
        payload = b""
        if error is None and not watch.expired and faults is not None:
            error = faults.trip(event, "before")
        if error is None and not watch.expired:
            payload, error, crashed = self._handle(env, watch, event, request_id, invoked_arn, client_context)
            if error is None and not watch.expired and faults is not None:
                error = faults.trip(event, "after")
        if error is not None and error.get("errorType") == "InjectedFailure":
            log.line(f"[ERROR] InjectedFailure: {error['errorMessage']}")
        if error is None and not watch.expired:
            try:
                watch.spend(fv.timing.duration_ms)
            except Timedout:
                pass
        status = ""
        if watch.expired:
            error = {
                "errorType": "Sandbox.Timedout",
                "errorMessage": f"RequestId: {request_id} Error: Task timed out after {fv.config.timeout:.2f} seconds",
            }
            status, crashed = "\tStatus: timeout", True
        elif error is not None and (crashed or not env.ready):
            status = f"\tStatus: error\tError Type: {error['errorType']}"
        duration = watch.elapsed_ms
        log.line(f"END RequestId: {request_id}")
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
            f"Billed Duration: {billed_ms(duration + init_ms)} ms\tMemory Size: {fv.config.memory_size} MB"
        )
        if init_ms:
            report += f"\tInit Duration: {init_ms:.2f} ms"
        log.line(report + status)
        if crashed:
            self._reset(env)
        elif error is not None and not env.ready and fv.environment is env:
            fv.environment = None  # Init failed: the next invocation is a cold start again
        if error is not None:
            payload = json.dumps(error).encode()
        result = InvocationResult(request_id, fv.version, payload, error, log.text, duration, init_ms, initialised)
        self._record(fv, result, start, note)
        return result

    @staticmethod
    def _prepare(env: ExecutionEnvironment, log: InvocationLog, trace: str) -> None:
        env.sandbox.log = log
        set_variable(env.sandbox.environ, "_X_AMZN_TRACE_ID", trace)

    def _init(self, env: ExecutionEnvironment, watch: Stopwatch, log_id: str,
              request_id: str) -> tuple[dict[str, Any] | None, bool]:
        """Run the Init phase; return (error document or None, whether the runtime crashed).

        ``log_id`` is the request id log lines carry (none during an ordinary Init).
        """
        fv = env.version
        box = env.sandbox
        box.stopwatch = watch
        box.request_id = log_id
        try:
            watch.spend(fv.timing.init_ms)
        except Timedout:
            return None, False
        error: dict[str, Any] | None = None
        crashed = False
        with Activation(box, env.route), caller(self.principal):
            try:
                if isinstance(fv.code, CallableCode):
                    env.handler = fv.code.handler
                else:
                    env.handler = load_handler(fv.config.handler, box.modules)
            except Timedout:
                pass
            except InitError as exc:
                error = _document(exc.message, exc.error_type, exc.trace, "")
            except Exception as exc:  # noqa: BLE001 - module code may raise anything; Lambda reports it
                error = _document(str(exc), type(exc).__name__, _stack(exc), "")
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - sys.exit at module level ends the runtime
                error, crashed = _exit_error(exc, request_id), True
            if error is not None and not crashed:
                _log_error(box.log, error)
        if error is None and not watch.expired:
            env.ready = True
        return error, crashed

    def _handle(self, env: ExecutionEnvironment, watch: Stopwatch, event: Any, request_id: str, invoked_arn: str,
                client_context: Mapping[str, Any] | None) -> tuple[bytes, dict[str, Any] | None, bool]:
        """Run the handler; return (payload, error document or None, whether the runtime crashed)."""
        fv = env.version
        box = env.sandbox
        box.stopwatch = watch
        box.request_id = request_id
        context = LambdaContext(
            aws_request_id=request_id, function_name=fv.name, function_version=fv.version,
            invoked_function_arn=invoked_arn, memory_limit_in_mb=str(fv.config.memory_size),
            log_group_name=f"/aws/lambda/{fv.name}", log_stream_name=env.log_stream,
            remaining=watch.remaining_ms, log=box.log.write, client_context=client_context,
        )
        error: dict[str, Any] | None = None
        payload = b""
        crashed = False
        handler = env.handler
        assert handler is not None
        with Activation(box, env.route), caller(self.principal):
            try:
                result = handler(event, context)
                if not watch.expired:
                    payload = _marshal(result, fv.config.runtime)
            except Timedout:
                pass
            except _MarshalError as exc:
                error = _document(str(exc), "Runtime.MarshalError", [], request_id)
            except Exception as exc:  # noqa: BLE001 - the handler may raise anything; Lambda reports it
                error = _document(str(exc), type(exc).__name__, _stack(exc), request_id)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - sys.exit in the handler ends the runtime
                error, crashed = _exit_error(exc, request_id), True
            if error is not None and not crashed:
                _log_error(box.log, error)
        if error is None and len(payload) > _MAX_RESPONSE:
            error = {"errorMessage": f"Response payload size exceeded maximum allowed payload size ({_MAX_RESPONSE} bytes).",
                     "errorType": "Function.ResponseSizeTooLarge"}
        return payload, error, crashed

    def _record(self, fv: FunctionVersion, result: InvocationResult, start: datetime,
                note: Mapping[str, Any] | None) -> None:
        detail: dict[str, Any] = {
            "function": fv.name,
            "duration_ms": float(result.billed_ms),
            "memory_mb": fv.config.memory_size,
            "version": fv.version,
            "request_id": result.request_id,
            "cold_start": result.cold_start,
        }
        if result.error is not None:
            detail["error_type"] = result.error.get("errorType")
        if note:
            detail.update(note)
        outcome = "OK" if result.ok else "FunctionError"
        self.events.record(start, "invoke", fv.region, "lambda", "Invoke", outcome, fv.arn, detail)


# --------------------------------------------------------------------------- helpers
class _MarshalError(Exception):
    pass


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _marshal(result: Any, runtime: str) -> bytes:
    """The handler's result as the Python runtime sends it back (bytes pass through as they are)."""
    if isinstance(result, bytes):
        return result
    try:
        text = json.dumps(result, default=_json_default, ensure_ascii=runtime != "python3.12")
    except (TypeError, ValueError, OverflowError) as exc:
        raise _MarshalError(f"Unable to marshal response: {exc}") from None
    return text.encode()


def _document(message: str, error_type: str, trace: list[str], request_id: str) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": trace}


def _stack(exc: BaseException) -> list[str]:
    """The exception's frames as the runtime reports them, without the kit's own.

    Plain (file, line, function, source) tuples, as the runtime formats them: no column
    markers under the source line.
    """
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.startswith(_HERE)]
    return traceback.format_list(frames)  # type: ignore[arg-type]


def _exit_error(exc: BaseException, request_id: str) -> dict[str, Any]:
    code = exc.code if isinstance(exc, SystemExit) else 1
    if code is None or code == 0:
        reason = "Runtime exited without providing a reason"
    else:
        reason = f"Runtime exited with error: exit status {code if isinstance(code, int) else 1}"
    return {"errorType": "Runtime.ExitError", "errorMessage": f"RequestId: {request_id} Error: {reason}"}


def _log_error(log: InvocationLog, error: Mapping[str, Any]) -> None:
    """How the runtime writes an unhandled error into the log."""
    log.line(f"[ERROR] {error['errorType']}: {error['errorMessage']}")
    log.line("Traceback (most recent call last):")
    for frame in error.get("stackTrace") or []:
        log.write(frame if frame.endswith("\n") else frame + "\n")


def recycle(functions: Iterable[Function]) -> None:
    """Throw away every warm execution environment of ``functions`` (their next invocations
    are cold starts), as Lambda may at any time. Saving a Cloud does it, so that the Cloud
    saved and the one loaded, which can have no warm environment, go on alike."""
    for fn in functions:
        for fv in (fn.latest, *fn.versions.values()):
            env = fv.environment
            if env is not None:
                env.sandbox.modules.forget()
                fv.environment = None
