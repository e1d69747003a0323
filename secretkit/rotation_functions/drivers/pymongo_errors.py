"""The kit's stand-in for ``pymongo.errors``: the exceptions a DocumentDB function catches."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AutoReconnect",
    "ConnectionFailure",
    "InvalidOperation",
    "OperationFailure",
    "PyMongoError",
    "ServerSelectionTimeoutError",
]


class PyMongoError(Exception):
    """The base of pymongo's errors."""


class InvalidOperation(PyMongoError):
    """A client used after it was closed."""


class ConnectionFailure(PyMongoError):
    """The cluster could not be reached."""


class AutoReconnect(ConnectionFailure):
    """The connection dropped during an operation."""


class ServerSelectionTimeoutError(AutoReconnect):
    """No server answered in time (an unreachable host)."""


class OperationFailure(PyMongoError):
    """The server refused a command (a failed login is code 18)."""

    def __init__(self, error: str, code: int | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(error)
        self.code = code
        self.details = details or {"errmsg": error, "code": code, "ok": 0.0}
