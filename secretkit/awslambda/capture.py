"""What a function prints and logs, captured into its invocation log.

On Lambda, a Python function's ``stdout`` and ``stderr`` go to its CloudWatch log stream,
and the runtime puts one handler on the root logger that writes each record as::

    [INFO]\t2026-01-01T00:00:00.250Z\t<request id>\tthe message

(the time in UTC with milliseconds; the request id empty while the module initialises).
Around each invocation Lambda writes ``START``, ``END`` and ``REPORT`` lines; the runtime
writes an unhandled error as ``[ERROR] <type>: <message>`` and its traceback.

Here the same lines accumulate in an :class:`InvocationLog` while the function runs, with
times from the invocation's modelled clock (never the wall clock). The root logger is the
function's own while it runs: its level (``logger.setLevel(logging.INFO)`` at module level,
as AWS's templates do) and handlers are kept per execution environment and put back for
the next warm invocation, and the notebook's root logger is restored afterwards.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import datetime

__all__ = ["InvocationLog", "LambdaLogHandler", "LogWriter", "lambda_time"]


def lambda_time(moment: datetime) -> str:
    """``2026-01-01T00:00:00.250Z``: how Lambda's log lines stamp time."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class InvocationLog:
    """The text of one invocation's log, built as the function writes to it."""

    __slots__ = ("_parts",)

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def line(self, text: str) -> None:
        self._parts.append(text + "\n")

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def tail(self, nbytes: int = 4096) -> bytes:
        """The last ``nbytes`` of the log, as bytes (what ``LogType=Tail`` returns, base64'd)."""
        return self.text.encode()[-nbytes:]


class LogWriter(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` while a function runs: text goes to its current log."""

    def __init__(self, target: Callable[[], InvocationLog], name: str) -> None:
        super().__init__()
        self._target = target
        self._name = name

    @property
    def name(self) -> str:  # type: ignore[override]
        return self._name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:  # type: ignore[override]
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._target().write(text)
        return len(text)


class _LambdaFormatter(logging.Formatter):
    """Lambda's text log format, stamped with the modelled time of the invocation."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        super().__init__("[%(levelname)s]\t%(asctime)s\t%(aws_request_id)s\t%(message)s\n")
        self._now = now

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        return lambda_time(self._now())


class LambdaLogHandler(logging.Handler):
    """The handler the Lambda runtime puts on the root logger, writing to the invocation log."""

    def __init__(self, target: Callable[[], InvocationLog], now: Callable[[], datetime],
                 request_id: Callable[[], str]) -> None:
        super().__init__()
        self._target = target
        self._request_id = request_id
        self.setFormatter(_LambdaFormatter(now))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            record.aws_request_id = self._request_id()
            self._target().write(self.format(record))
        except Exception:  # noqa: BLE001 - logging must never break the function (as logging.Handler does)
            self.handleError(record)
