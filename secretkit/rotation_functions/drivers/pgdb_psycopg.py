"""``pgdb`` over psycopg: PyGreSQL's calls, answered by a real PostgreSQL.

AWS's PostgreSQL templates import PyGreSQL (``pg`` and ``pgdb``). PyGreSQL publishes no
wheels for Linux or macOS: ``pip install PyGreSQL`` builds it from source, which needs a C
compiler and PostgreSQL's client headers. psycopg, which the kit already installs for lab 6,
ships wheels everywhere. So for the real server the kit bundles this module as ``pgdb``
(and :mod:`.pg` as ``pg``): the same ``pgdb.connect(host=..., user=..., password=...,
database=..., port=..., connect_timeout=5, sslmode=...)`` and cursor calls a template makes,
carried out by psycopg against the real server. Where PyGreSQL is installed, a package that
bundles no driver imports the real ``pg`` and ``pgdb`` instead, unchanged.

As with PyGreSQL, parameters are bound on the client (psycopg's ``ClientCursor``), which is
what lets ``ALTER USER name WITH PASSWORD %s`` run (PostgreSQL takes no server-side
parameters in that statement); rows are named tuples; nothing is committed until
``commit()``; a connection that cannot be made raises :class:`pg.InternalError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import pg
from .pg import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)

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
    "apilevel",
    "connect",
    "paramstyle",
    "threadsafety",
]

apilevel = "2.0"
threadsafety = 1
paramstyle = "pyformat"


def _translated(exc: Exception) -> Exception:
    """psycopg's error as the PyGreSQL class of the same PEP 249 name."""
    for cls in type(exc).__mro__:
        ours = getattr(pg, cls.__name__, None)
        if isinstance(ours, type) and issubclass(ours, pg.Error):
            return ours(str(exc))
    return pg.DatabaseError(str(exc))


class Cursor:
    """A psycopg ``ClientCursor`` behind PyGreSQL's cursor calls."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def description(self) -> Any:
        return self._cursor.description

    def execute(self, operation: str, parameters: Any = None) -> Cursor:
        import psycopg

        try:
            self._cursor.execute(operation, parameters)
        except psycopg.Error as exc:
            raise _translated(exc) from None
        return self

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def fetchmany(self, size: int | None = None) -> list[Any]:
        return list(self._cursor.fetchmany(size or 1)) if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._cursor.close()

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Connection:
    """A psycopg connection behind PyGreSQL's connection calls."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    @property
    def closed(self) -> bool:
        return bool(self._conn.closed)

    def cursor(self) -> Cursor:
        from psycopg import ClientCursor
        from psycopg.rows import namedtuple_row

        if self._conn.closed:
            raise InterfaceError("connection is closed")
        return Cursor(ClientCursor(self._conn, row_factory=namedtuple_row))

    def commit(self) -> None:
        self._conn.commit()

    def rollback(self) -> None:
        self._conn.rollback()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.rollback() if exc_type is not None else self.commit()


def connect(dsn: str | None = None, user: str | None = None, password: str | None = None, host: str | None = None,
            database: str | None = None, **kwargs: Any) -> Connection:
    """Open a real connection as PyGreSQL's ``pgdb.connect`` does; :class:`InternalError` if it cannot."""
    import psycopg

    options: dict[str, Any] = {k: v for k, v in (("user", user), ("password", password), ("host", host),
                                                 ("dbname", database)) if v is not None}
    options.update(kwargs)
    try:
        conn = psycopg.connect(dsn or "", **options)
    except psycopg.Error as exc:
        raise InternalError(str(exc)) from None
    return Connection(conn)
