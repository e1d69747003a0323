"""The kit's stand-in for PyGreSQL's classic ``pg`` module: its exception classes.

AWS's PostgreSQL and Redshift rotation templates import ``pg`` only to catch
``pg.InternalError``, which PyGreSQL raises when a connection cannot be made (a refused
password, a host that does not answer). The stand-in :mod:`.pgdb` raises these same
classes, as PyGreSQL's two modules share theirs.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "Warning",
]


class Warning(Exception):  # noqa: A001 - PEP 249's name
    """An important warning (PEP 249)."""


class Error(Exception):
    """The base of the driver's errors (PEP 249)."""


class InterfaceError(Error):
    """A misuse of the driver itself: a closed connection or cursor."""


class DatabaseError(Error):
    """An error the database reported."""


class DataError(DatabaseError):
    """A value the database could not take."""


class OperationalError(DatabaseError):
    """The server went away, or could not do what was asked."""


class IntegrityError(DatabaseError):
    """A constraint was broken."""


class InternalError(DatabaseError):
    """What PyGreSQL raises when it cannot connect (the templates catch it)."""


class ProgrammingError(DatabaseError):
    """A statement the server refused: bad syntax, a missing role, no permission."""


class NotSupportedError(DatabaseError):
    """Something the database does not support."""
