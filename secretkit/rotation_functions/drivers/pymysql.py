"""The kit's stand-in for PyMySQL, over a simulated MySQL or Aurora MySQL server.

AWS's MySQL rotation templates connect with ``pymysql.connect(host=..., user=...,
password=..., port=..., database=..., connect_timeout=5, ssl=...)``, catch
``pymysql.OperationalError`` for a login that fails, and send SQL through a cursor. A
package that bundles this module as ``pymysql`` (with :mod:`.pymysql_err` as ``pymysql.err``)
runs such a function against the simulated server at ``host``.

What it reads (bound parameters included; a user is ``'name'``, ```name``` or
``'name'@'host'``; the host part is accepted and not modelled):

* ``SELECT VERSION()`` (``8.0.36``), ``SELECT NOW()``, ``SELECT 1``;
* ``SELECT User FROM mysql.user WHERE User = %s``: whether a user exists;
* ``SET PASSWORD = %s`` (one's own), ``SET PASSWORD FOR user = %s`` and ``ALTER USER user
  IDENTIFIED BY %s`` (the master user, for anyone); ``PASSWORD(%s)`` is accepted as
  MySQL 5.7 wrote it;
* ``CREATE USER user IDENTIFIED BY %s``;
* ``SHOW GRANTS FOR user`` (one ``GRANT ... ON *.* TO `user`@`%``` line) and ``GRANT
  priv[, priv] ON *.* TO user``, which is how the alternating-users template copies a
  user's privileges to its clone.

MySQL commits account statements by itself, and so do these. TLS is not simulated.
"""

from __future__ import annotations

import re
from typing import Any

from ...databases.engine import AuthenticationFailed, Session, Unreachable
from ...databases.engine import DatabaseError as ServerError
from . import pymysql_err as err
from .dbapi import Connection, Cursor, Rows
from .pymysql_err import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    MySQLError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)
from .servers import log_in
from .sql import Statement

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
    "apilevel",
    "connect",
    "err",
    "paramstyle",
    "threadsafety",
]

apilevel = "2.0"
threadsafety = 1
paramstyle = "pyformat"
VERSION = "8.0.36"

_USER = r"(L|I|\w+)(?: @ (?:L|I|\w+))?"
_SECRET = r"(?:(L)|PASSWORD \( (L) \))"
_RULES = {
    "SELECT VERSION()": re.compile(r"SELECT VERSION \( \)"),
    "SELECT NOW()": re.compile(r"SELECT (?:NOW \( \)|CURRENT_TIMESTAMP|1)"),
    "SELECT User FROM mysql.user WHERE User = %s": re.compile(r"SELECT USER FROM MYSQL \. USER WHERE USER = (L)"),
    "SET PASSWORD = %s": re.compile(rf"SET PASSWORD = {_SECRET}"),
    "SET PASSWORD FOR user = %s": re.compile(rf"SET PASSWORD FOR {_USER} = {_SECRET}"),
    "ALTER USER user IDENTIFIED BY %s": re.compile(rf"ALTER USER {_USER} IDENTIFIED BY (L)"),
    "CREATE USER user IDENTIFIED BY %s": re.compile(rf"CREATE USER {_USER} IDENTIFIED BY (L)"),
    "SHOW GRANTS FOR user": re.compile(rf"SHOW GRANTS FOR {_USER}"),
    "GRANT privileges ON *.* TO user": re.compile(rf"GRANT (\w+(?: , \w+)*) ON (?:\* \. \*|\*) TO {_USER}"),
}


class _MySQL:
    """The SQL the stand-in reads, and what each statement does on the server."""

    name = "MySQL"
    backslashes = True
    errors: Any = err
    rules = _RULES

    def run(self, session: Session, read: Statement) -> Rows | int:
        ops = [o for o in read.operands]
        users = session.database.users
        rule = read.rule
        if rule == "SELECT VERSION()":
            session.select_now()
            return ["VERSION()"], [(VERSION,)]
        if rule == "SELECT NOW()":
            return ["NOW()"], [(session.select_now(),)]
        if rule == "SELECT User FROM mysql.user WHERE User = %s":
            return ["User"], [(ops[0],)] if ops[0] in users else []
        if rule == "SHOW GRANTS FOR user":
            if ops[0] not in users:
                raise ServerError(f"There is no such grant defined for user '{ops[0]}' on host '%'")
            granted = ", ".join(sorted(users[ops[0]].grants)) or "USAGE"
            return [f"Grants for {ops[0]}@%"], [(f"GRANT {granted} ON *.* TO `{ops[0]}`@`%`",)]
        if rule == "SET PASSWORD = %s":
            session.alter_password(session.username, ops[0])
        elif rule in ("SET PASSWORD FOR user = %s", "ALTER USER user IDENTIFIED BY %s"):
            session.alter_password(ops[0], ops[1])
        elif rule == "CREATE USER user IDENTIFIED BY %s":
            if ops[0] in users:
                raise ServerError(f"Operation CREATE USER failed for '{ops[0]}'@'%'")
            session.create_user(ops[0], ops[1])
        else:  # GRANT privileges ON *.* TO user
            if ops[1] not in users:
                raise ServerError(f"You are not allowed to create a user with GRANT ('{ops[1]}')")
            for privilege in ops[0].split(" , "):
                if privilege.upper() != "USAGE":
                    session.grant(ops[1], privilege.upper())
        return 0

    def error(self, exc: Exception) -> Exception:
        if isinstance(exc, Unreachable):
            return OperationalError(2013, "Lost connection to MySQL server during query")
        return OperationalError(1396, str(exc))


_DIALECT = _MySQL()


class _Cursor(Cursor):
    """PyMySQL's cursor: ``execute`` answers how many rows the statement gave or changed."""

    def execute(self, operation: str, parameters: Any = None) -> int:  # type: ignore[override]
        super().execute(operation, parameters)
        return max(self.rowcount, 0)


class _Connection(Connection):
    def cursor(self) -> _Cursor:
        self.session()
        return _Cursor(self)


_OPTIONS = frozenset({"user", "password", "host", "database", "port", "connect_timeout", "ssl", "charset",
                      "autocommit", "passwd", "db", "read_timeout", "write_timeout", "cursorclass", "client_flag",
                      "ssl_ca", "ssl_verify_cert", "ssl_verify_identity", "init_command"})


def connect(*args: Any, **kwargs: Any) -> _Connection:
    """Open a connection as ``pymysql.connect`` does; ``OperationalError`` if it cannot."""
    if args:
        raise TypeError("connect() takes keyword arguments only, as PyMySQL 1.0 does")
    unknown = sorted(set(kwargs) - _OPTIONS)
    if unknown:
        raise TypeError(f"Connection.__init__() got an unexpected keyword argument '{unknown[0]}'")
    user = kwargs.get("user")
    password = kwargs.get("password", kwargs.get("passwd", ""))
    host = kwargs.get("host") or "localhost"
    try:
        session = log_in(host, kwargs.get("port") or None, user, password, ("mysql", "aurora-mysql", "mariadb"))
    except AuthenticationFailed:
        raise OperationalError(1045, f"Access denied for user '{user}'@'%' (using password: YES)") from None
    except Unreachable as exc:
        raise OperationalError(2003, f"Can't connect to MySQL server on '{host}' ({exc})") from None
    return _Connection(_DIALECT, session)
