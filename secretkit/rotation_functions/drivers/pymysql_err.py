"""The kit's stand-in for ``pymysql.err``: PyMySQL's exception classes.

PyMySQL raises its errors with two arguments, the MySQL error number and the message
(``OperationalError(1045, "Access denied for user 'app'@'%' (using password: YES)")``); AWS's
MySQL templates read ``e.args[1]``.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "MySQLError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "Warning",
]


class MySQLError(Exception):
    """The base of PyMySQL's errors."""


class Warning(Warning, MySQLError):  # noqa: A001 - PEP 249's name
    """An important warning (PEP 249)."""


class Error(MySQLError):
    """The base of the DB-API errors (PEP 249)."""


class InterfaceError(Error):
    """A misuse of the driver itself: a closed connection or cursor."""


class DatabaseError(Error):
    """An error the server reported."""


class DataError(DatabaseError):
    """A value the server could not take."""


class OperationalError(DatabaseError):
    """A refused login, a server that went away, an account statement that failed."""


class IntegrityError(DatabaseError):
    """A constraint was broken."""


class InternalError(DatabaseError):
    """The server's own failure."""


class ProgrammingError(DatabaseError):
    """A statement the server could not read."""


class NotSupportedError(DatabaseError):
    """Something the server does not support."""
