"""Entering and leaving a function's world.

Lambda gives every execution environment a process of its own. Here a function runs in
the notebook's process, so while it runs the process-wide state is made to look like its
process, and afterwards put back exactly as it was:

==========================  ====================================================================
``os.environ``              Lambda's variables and the function's own; the notebook's hidden
``sys.stdout``/``stderr``   the invocation log
the root logger             the function's level and Lambda's log handler
``sys.modules``             the function's own modules (:class:`~.loader.ModuleSpace`)
``time.sleep``              modelled: advances the invocation's stopwatch, waits for nothing
``sys.path``, the cwd        put back afterwards (a function's changes do not reach the notebook)
``boto3``                   routed to the Cloud; the environment's own default session
sockets                     refused (:mod:`~.guard`)
==========================  ====================================================================

What the function changes in that state survives to its next warm invocation (a variable
it sets at module level, the log level it chooses), as it would in a Lambda process, and
never leaks into the notebook. All of this is process-global, so invocations are
serialised by :data:`LOCK`; a function may invoke another (the inner one's world is
entered on top of the outer one's, and left back to it).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import guard, routing
from .capture import InvocationLog, LambdaLogHandler, LogWriter
from .loader import ModuleSpace
from .timing import Stopwatch

__all__ = ["LOCK", "Activation", "Sandbox", "current", "environ_of", "is_active", "set_variable"]

#: Held for a whole invocation (Init and Invoke): the state swapped here is the process's.
LOCK = threading.RLock()

_REAL_SLEEP = time.sleep


@dataclass(slots=True, eq=False)
class Sandbox:
    """The process-wide state of one execution environment, kept between its invocations."""

    environ: dict[Any, Any]  # the function's process environment, as environ_of() makes it
    modules: ModuleSpace
    root_level: int = logging.WARNING
    root_handlers: list[logging.Handler] = field(default_factory=list)
    default_session: Any = None
    log: InvocationLog = field(default_factory=InvocationLog)
    stopwatch: Stopwatch = field(default_factory=lambda: Stopwatch(datetime.min, 0.0))
    request_id: str = ""
    stdout: LogWriter = field(init=False)
    stderr: LogWriter = field(init=False)

    def __post_init__(self) -> None:
        self.stdout = LogWriter(lambda: self.log, "<stdout>")
        self.stderr = LogWriter(lambda: self.log, "<stderr>")
        self.root_handlers = [LambdaLogHandler(lambda: self.log, lambda: self.stopwatch.now(), lambda: self.request_id)]


_STACK: list[Sandbox] = []
#: The thread running each sandbox on the stack. ``time.sleep`` is swapped process-wide, so
#: other threads (a notebook kernel's own, a server's) call it too while a function runs:
#: only the function's thread sleeps on its stopwatch; the others really sleep.
_THREADS: list[int] = []


def current() -> Sandbox | None:
    """The sandbox of the innermost running function, if any."""
    return _STACK[-1] if _STACK else None


def is_active(sandbox: Sandbox) -> bool:
    """Whether ``sandbox`` is running now (a function invoking itself, further up the stack)."""
    return any(box is sandbox for box in _STACK)


def _sleep(seconds: float) -> None:
    """``time.sleep`` while a function runs: modelled time, no waiting."""
    if not _STACK or _THREADS[-1] != threading.get_ident():
        _REAL_SLEEP(seconds)
        return
    _STACK[-1].stopwatch.sleep(seconds)


# ---- os.environ, saved and restored cheaply
# CPython's os.environ keeps its variables encoded in ``os.environ._data`` and mirrors every
# change into the C environment with putenv/unsetenv (so subprocesses and C libraries see
# it). Taking and restoring snapshots at that level costs a few microseconds instead of
# re-encoding every variable each time; where that layout is absent, the public mapping
# is used instead.
_ENVIRON: Any = os.environ
_RAW: dict[Any, Any] | None = getattr(_ENVIRON, "_data", None)
_FAST = isinstance(_RAW, dict) and callable(getattr(_ENVIRON, "encodekey", None)) and callable(
    getattr(_ENVIRON, "encodevalue", None)) and hasattr(os, "putenv") and hasattr(os, "unsetenv")


def environ_of(variables: Mapping[str, str]) -> dict[Any, Any]:
    """``variables`` in the form :func:`_snapshot` and :func:`_replace_environ` work on."""
    if _FAST:
        return {_ENVIRON.encodekey(k): _ENVIRON.encodevalue(v) for k, v in variables.items()}
    return dict(variables)


def set_variable(environ: dict[Any, Any], key: str, value: str) -> None:
    """Set one variable in a saved environment."""
    if _FAST:
        environ[_ENVIRON.encodekey(key)] = _ENVIRON.encodevalue(value)
    else:
        environ[key] = value


def _snapshot() -> dict[Any, Any]:
    return dict(_RAW) if _FAST else os.environ.copy()  # type: ignore[arg-type]


def _replace_environ(current_env: Mapping[Any, Any], target: Mapping[Any, Any]) -> None:
    """Make the process environment equal ``target``, knowing it now equals ``current_env``."""
    if _FAST:
        raw = _RAW
        assert raw is not None
        unsetenv, putenv = os.unsetenv, os.putenv
        for key in current_env.keys() - target.keys():
            unsetenv(key)
            del raw[key]
        for key, value in target.items():
            if current_env.get(key) != value:
                putenv(key, value)
                raw[key] = value
        return
    environ = os.environ
    for key in current_env.keys() - target.keys():
        del environ[key]
    for key, value in target.items():
        if current_env.get(key) != value:
            environ[key] = value


class Activation:
    """Enter a sandbox (``with Activation(sandbox, route):``); leave it exactly as found.

    Each step of entering is undone on leaving, in reverse order; if entering itself fails
    half-way, the steps already taken are undone before the error propagates.
    """

    __slots__ = ("sandbox", "route", "_stage", "_environ", "_stdout", "_stderr", "_level", "_handlers", "_sleep",
                 "_routing", "_path", "_cwd")

    def __init__(self, sandbox: Sandbox, route: routing.Route) -> None:
        self.sandbox = sandbox
        self.route = route
        self._stage = 0

    def __enter__(self) -> Sandbox:
        box = self.sandbox
        guard.install()
        try:
            self._environ = _snapshot()
            self._stage = 1
            _replace_environ(self._environ, box.environ)
            self._stdout, self._stderr = sys.stdout, sys.stderr
            root = logging.getLogger()
            self._level, self._handlers = root.level, root.handlers
            self._stage = 2
            sys.stdout, sys.stderr = box.stdout, box.stderr
            root.handlers = box.root_handlers
            if root.level != box.root_level:
                root.setLevel(box.root_level)
            box.modules.enter()
            self._stage = 3
            self._path, self._cwd, self._sleep = sys.path[:], os.getcwd(), time.sleep
            self._stage = 4
            time.sleep = _sleep
            self._routing = routing.enter(self.route, box.default_session)
            self._stage = 5
        except BaseException:
            self._undo()
            raise
        _STACK.append(box)
        _THREADS.append(threading.get_ident())
        guard.set_active(+1)
        return box

    def __exit__(self, *exc_info: object) -> None:
        guard.set_active(-1)
        _STACK.pop()
        _THREADS.pop()
        self._undo()

    def _undo(self) -> None:
        """Undo the steps taken, newest first; every step is undone even if one fails."""
        stage, self._stage = self._stage, 0
        failure: BaseException | None = None
        for reached, step in ((5, self._undo_routing), (4, self._undo_process), (3, self._undo_modules),
                              (2, self._undo_streams), (1, self._undo_environ)):
            if stage >= reached:
                try:
                    step()
                except BaseException as exc:  # noqa: BLE001 - finish restoring, then report the first failure
                    failure = failure or exc
        if failure is not None:
            raise failure

    def _undo_routing(self) -> None:
        self.sandbox.default_session = routing.leave(self._routing)

    def _undo_process(self) -> None:
        time.sleep = self._sleep
        sys.path[:] = self._path
        if os.getcwd() != self._cwd:
            os.chdir(self._cwd)

    def _undo_modules(self) -> None:
        self.sandbox.modules.leave()

    def _undo_streams(self) -> None:
        box, root = self.sandbox, logging.getLogger()
        box.root_level, box.root_handlers = root.level, root.handlers
        root.handlers = self._handlers
        if root.level != self._level:
            root.setLevel(self._level)
        sys.stdout, sys.stderr = self._stdout, self._stderr

    def _undo_environ(self) -> None:
        box = self.sandbox
        box.environ = _snapshot()
        _replace_environ(box.environ, self._environ)
