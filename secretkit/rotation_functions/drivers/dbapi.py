"""A DB-API 2.0 connection and cursor over a simulated server (PEP 249's shape).

PyGreSQL's ``pgdb`` and PyMySQL both follow PEP 249: ``connect(...)`` gives a connection,
``connection.cursor()`` a cursor, ``cursor.execute(sql, params)`` runs a statement with
``%s`` placeholders bound on the client, ``fetchone``/``fetchall`` read the rows, and
``commit``/``rollback``/``close`` end the work. The kit's stand-ins for both share this
module; each brings a :class:`Dialect` that reads its server's SQL.

One difference from a real server, said plainly: the simulated servers have no
transactions. A statement takes effect when it is executed; ``commit()`` and ``rollback()``
are accepted and do nothing more.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from ...databases.engine import DatabaseError as ServerError
from ...databases.engine import Session, Unreachable
from .sql import Statement, bind, statement

__all__ = ["Connection", "Cursor", "Dialect", "Errors"]

Rows = tuple[list[str], list[tuple[Any, ...]]]  # (column names, rows)


class Errors(Protocol):
    """The exception classes a driver module exposes (PEP 249's names)."""

    Error: type[Exception]
    InterfaceError: type[Exception]
    OperationalError: type[Exception]
    ProgrammingError: type[Exception]


class Dialect(Protocol):
    """What a stand-in driver knows of its server's SQL."""

    name: str
    backslashes: bool  # whether string literals escape with backslashes (MySQL)
    errors: Errors
    rules: Mapping[str, Any]

    def run(self, session: Session, read: Statement) -> Rows | int:
        """Carry out one statement: the rows it returns, or how many rows it changed."""

    def error(self, exc: Exception) -> Exception:
        """The driver's exception for a failure of the server's."""


class Cursor:
    """A PEP 249 cursor: ``execute`` a statement, then fetch its rows."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.description: list[tuple[Any, ...]] | None = None
        self.rowcount = -1
        self._rows: list[tuple[Any, ...]] = []
        self.closed = False

    def execute(self, operation: str, parameters: Sequence[Any] | Mapping[str, Any] | Any = None) -> Any:
        """Run ``operation`` with ``parameters`` bound to its ``%s`` placeholders."""
        dialect = self.connection.dialect
        if self.closed:
            raise dialect.errors.InterfaceError("cursor is closed")
        session = self.connection.session()
        if isinstance(parameters, str) or (parameters is not None and not isinstance(parameters, (Sequence, Mapping))):
            parameters = (parameters,)  # PyMySQL takes a single value as the one parameter
        try:
            read = statement(bind(str(operation), parameters, backslashes=dialect.backslashes), dialect.rules)
        except SyntaxError as exc:
            known = ", ".join(sorted(dialect.rules))
            raise dialect.errors.ProgrammingError(
                f"syntax error: the kit's simulated {dialect.name} does not read {exc.args[0]!r}; it reads: {known}"
            ) from None
        except TypeError as exc:
            raise dialect.errors.ProgrammingError(str(exc)) from None
        try:
            outcome = dialect.run(session, read)
        except (ServerError, Unreachable) as exc:
            raise dialect.error(exc) from None
        if isinstance(outcome, int):
            self.description, self._rows, self.rowcount = None, [], outcome
        else:
            columns, rows = outcome
            Row = namedtuple("Row", columns, rename=True)  # type: ignore[misc]  # pgdb's rows are named tuples
            self._rows = [Row(*row) for row in rows]
            self.description = [(c, None, None, None, None, None, None) for c in columns]
            self.rowcount = len(rows)
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> None:
        for parameters in seq_of_parameters:
            self.execute(operation, parameters)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        count = self.arraysize if size is None else size
        taken, self._rows = self._rows[:count], self._rows[count:]
        return taken

    def fetchall(self) -> list[tuple[Any, ...]]:
        taken, self._rows = self._rows, []
        return taken

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while self._rows:
            yield self._rows.pop(0)

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Connection:
    """A PEP 249 connection: an authenticated session on one simulated server."""

    def __init__(self, dialect: Dialect, session: Session) -> None:
        self.dialect = dialect
        self._session: Session | None = session

    @property
    def closed(self) -> bool:
        return self._session is None

    def session(self) -> Session:
        if self._session is None:
            raise self.dialect.errors.InterfaceError("connection is closed")
        return self._session

    def cursor(self) -> Cursor:
        self.session()
        return Cursor(self)

    def commit(self) -> None:
        """Accepted: statements already took effect (the simulation has no transactions)."""
        self.session()

    def rollback(self) -> None:
        """Accepted: there is nothing left to roll back (the simulation has no transactions)."""
        self.session()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._session is not None:
            self.commit()
