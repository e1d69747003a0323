"""The kit's stand-in for PyGreSQL's ``pgdb``: PostgreSQL's DB-API, over a simulated server.

AWS's PostgreSQL and Redshift rotation templates connect with ``pgdb.connect(host=...,
user=..., password=..., database=..., port=..., connect_timeout=5, sslmode=...)`` and send
SQL through a cursor. This module takes the same calls and answers them from the
simulated server at ``host`` (PostgreSQL, Aurora PostgreSQL or Redshift), so a function
written for PyGreSQL runs here unchanged when its package bundles this module as ``pgdb``
(and :mod:`.pg` as ``pg``), the way AWS's packages bundle PyGreSQL.

What it reads (bound parameters included; bare names fold to lower case, as PostgreSQL
folds them):

* ``SELECT NOW()``, ``SELECT 1``: the test query;
* ``SELECT quote_ident(%s)``: the name quoted as PostgreSQL would;
* ``SELECT 1 FROM pg_roles WHERE rolname = %s`` and Redshift's ``SELECT usename FROM
  pg_user WHERE usename = %s``: whether a user exists;
* ``ALTER USER|ROLE name [WITH] PASSWORD %s``: a user's own password, or anyone's as the
  master user;
* ``CREATE ROLE|USER name [WITH] [LOGIN] PASSWORD %s`` (master only);
* ``GRANT role TO member``: membership (PostgreSQL), so the member acts with the role's
  privileges; ``GRANT priv[, priv] ON ... TO name``: privileges;
* ``ALTER ROLE name SET role = %s``: accepted; the simulated server does not model who owns
  tables, which is what that setting changes;
* Redshift's ``SELECT DISTINCT privilege_type FROM svv_relation_privileges WHERE
  identity_name = %s``: the privileges a user holds.

A connection that cannot be made raises :class:`pg.InternalError`, as PyGreSQL does; TLS is
not simulated, so every ``sslmode`` connects the same way. Statements take effect when they
run (see :mod:`.dbapi`).
"""

from __future__ import annotations

import re
from typing import Any

from ...databases.engine import AuthenticationFailed, Session, Unreachable
from ...databases.engine import DatabaseError as ServerError
from . import pg
from .dbapi import Connection, Cursor, Rows
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
from .servers import log_in
from .sql import Statement

__all__ = [
    "Connection",
    "Cursor",
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
    "quote_ident",
    "threadsafety",
]

apilevel = "2.0"
threadsafety = 1
paramstyle = "pyformat"

_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*")
_RESERVED = frozenset({"all", "user", "role", "select", "table", "grant", "group", "order", "to", "with"})
_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_OPTIONS = frozenset({"port", "connect_timeout", "sslmode", "sslrootcert", "sslcert", "sslkey", "application_name",
                      "options", "dbname", "keepalives"})
_NAME = r"(I|\w+)"
_RULES = {
    "SELECT NOW()": re.compile(r"SELECT (?:NOW \( \)|CURRENT_TIMESTAMP)"),
    "SELECT 1": re.compile(r"SELECT 1"),
    "SELECT quote_ident(%s)": re.compile(r"SELECT QUOTE_IDENT \( (L) \)(?: AS \w+)?"),
    "SELECT 1 FROM pg_roles WHERE rolname = %s": re.compile(r"SELECT 1 FROM PG_ROLES WHERE ROLNAME = (L)"),
    "SELECT usename FROM pg_user WHERE usename = %s": re.compile(r"SELECT USENAME FROM PG_USER WHERE USENAME = (L)"),
    "ALTER USER name WITH PASSWORD %s": re.compile(rf"ALTER (?:USER|ROLE) {_NAME} (?:WITH )?PASSWORD (L)"),
    "ALTER ROLE name SET role = %s": re.compile(rf"ALTER ROLE {_NAME} SET ROLE (?:=|TO) (L|I|\w+)"),
    "CREATE ROLE name WITH LOGIN PASSWORD %s": re.compile(rf"CREATE (?:ROLE|USER) {_NAME} (?:WITH )?(?:LOGIN )?PASSWORD (L)"),
    "GRANT role TO name": re.compile(rf"GRANT {_NAME} TO {_NAME}"),
    "GRANT privileges ON ... TO name": re.compile(
        rf"GRANT (\w+(?: , \w+)*) ON (?:ALL TABLES IN SCHEMA|TABLE|SCHEMA|DATABASE) (?:I|\w+)(?: \. (?:I|\w+))? TO {_NAME}"),
    "SELECT DISTINCT privilege_type FROM svv_relation_privileges WHERE identity_name = %s": re.compile(
        r"SELECT DISTINCT PRIVILEGE_TYPE FROM SVV_RELATION_PRIVILEGES WHERE IDENTITY_NAME = (L)"),
}


def quote_ident(name: str) -> str:
    """``name`` as PostgreSQL's ``quote_ident`` writes it: bare when it may be, else quoted."""
    if _PLAIN_NAME.fullmatch(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


class _PostgreSQL:
    """The SQL the stand-in reads, and what each statement does on the server."""

    name = "PostgreSQL"
    backslashes = False
    errors: Any = pg
    rules = _RULES

    def run(self, session: Session, read: Statement) -> Rows | int:
        names = [value if quoted else value.lower() for value, quoted in zip(read.operands, read.quoted)]
        users = session.database.users
        rule = read.rule
        if rule == "SELECT NOW()":
            return ["now"], [(session.select_now(),)]
        if rule == "SELECT 1":
            session.select_now()
            return ["?column?"], [(1,)]
        if rule == "SELECT quote_ident(%s)":
            return ["quote_ident"], [(quote_ident(read.operands[0]),)]
        if rule == "SELECT 1 FROM pg_roles WHERE rolname = %s":
            return ["?column?"], [(1,)] if read.operands[0] in users else []
        if rule == "SELECT usename FROM pg_user WHERE usename = %s":
            return ["usename"], [(read.operands[0],)] if read.operands[0] in users else []
        if rule.startswith("SELECT DISTINCT privilege_type"):
            user = users.get(read.operands[0])
            return ["privilege_type"], [(p,) for p in sorted(user.grants)] if user is not None else []
        if rule == "ALTER USER name WITH PASSWORD %s":
            session.alter_password(names[0], read.operands[1])
        elif rule == "ALTER ROLE name SET role = %s":
            if names[0] not in users:
                raise ServerError(f'role "{names[0]}" does not exist')
        elif rule == "CREATE ROLE name WITH LOGIN PASSWORD %s":
            if names[0] in users:
                raise ServerError(f'role "{names[0]}" already exists')
            session.create_user(names[0], read.operands[1])
        elif rule == "GRANT role TO name":
            if names[0] not in users or names[1] not in users:
                raise ServerError(f'role "{names[0] if names[0] not in users else names[1]}" does not exist')
            session.grant_membership(names[1], names[0])
        else:  # GRANT privileges ON ... TO name
            if names[-1] not in users:
                raise ServerError(f'role "{names[-1]}" does not exist')
            for privilege in read.operands[0].split(" , "):
                session.grant(names[-1], privilege.upper())
        return -1

    def error(self, exc: Exception) -> Exception:
        if isinstance(exc, Unreachable):
            return pg.OperationalError(f"server closed the connection unexpectedly: {exc}")
        return pg.ProgrammingError(f"ERROR:  {exc}")


_DIALECT = _PostgreSQL()


def _dsn(dsn: str) -> dict[str, str]:
    """``"host=db port=5432 dbname=x user=u password=p"`` as a dict (libpq's keyword form)."""
    out: dict[str, str] = {}
    for part in dsn.split():
        key, sep, value = part.partition("=")
        if not sep:
            raise InternalError(f'missing "=" after "{part}" in connection info string')
        out[key] = value.strip("'")
    return out


def connect(dsn: str | None = None, user: str | None = None, password: str | None = None, host: str | None = None,
            database: str | None = None, **kwargs: Any) -> Connection:
    """Open a connection as PyGreSQL's ``pgdb.connect`` does; :class:`InternalError` if it cannot."""
    options: dict[str, Any] = _dsn(dsn) if dsn else {}
    options.update({k: v for k, v in (("user", user), ("password", password), ("host", host)) if v is not None})
    unknown = sorted(set(kwargs) - _OPTIONS)
    if unknown:
        raise InternalError(f'invalid connection option "{unknown[0]}"')
    options.update(kwargs)
    host_name = str(options.get("host") or "localhost")
    port = options.get("port")
    if ":" in host_name and port is None:
        host_name, _, port = host_name.rpartition(":")
    sslmode = options.get("sslmode", "prefer")
    if sslmode not in _SSLMODES:
        raise InternalError(f'invalid sslmode value: "{sslmode}"')
    try:
        session = log_in(host_name, port, options.get("user"), options.get("password"),
                         ("postgres", "aurora-postgresql", "redshift"))
    except AuthenticationFailed as exc:
        raise InternalError(f'connection to server at "{host_name}", port {port or 5432} failed: FATAL:  {exc}') from None
    except Unreachable as exc:
        raise InternalError(f"could not connect to server: {exc}") from None
    return Connection(_DIALECT, session)
