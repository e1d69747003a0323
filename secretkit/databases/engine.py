"""A simulated database server: users with password checks, open sessions and a login log.

Enough of a database to show what rotation does to the things that log in:

* a password is checked for real (a salted keyed hash is stored, never the password);
* an open :class:`Session` survives a later password change, as on PostgreSQL and MySQL:
  only *new* logins are refused;
* every login attempt is recorded (:attr:`Database.logins`) with its simulated time;
* the master user may create users, change anyone's password and grant privileges; any
  user may change its own password (``ALTER USER ... PASSWORD``/``SET PASSWORD``).

Engines differ where rotation notices it (:data:`ENGINES`): the default port, the longest
user name (PostgreSQL 63, the MySQL templates 16), and how the alternating-users strategy
makes its clone: PostgreSQL-like engines make the clone a *member* of the original (so it
has every privilege the original will ever have); MySQL-like engines and DocumentDB *replay*
the original's grants onto the clone (adding, never revoking).
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.clock import SimClock

__all__ = ["ENGINES", "AuthenticationFailed", "Database", "DatabaseError", "Engine", "LoginRecord", "Session", "Unreachable"]


@dataclass(frozen=True, slots=True)
class Engine:
    """What differs between engines, as far as rotation is concerned."""

    name: str
    port: int
    max_username: int
    clone_by: str  # "membership" or "grant-replay"
    default_dbname: str | None


ENGINES: dict[str, Engine] = {
    "postgres": Engine("postgres", 5432, 63, "membership", "postgres"),
    "aurora-postgresql": Engine("aurora-postgresql", 5432, 63, "membership", "postgres"),
    "redshift": Engine("redshift", 5439, 127, "membership", "dev"),
    "mysql": Engine("mysql", 3306, 16, "grant-replay", None),
    "aurora-mysql": Engine("aurora-mysql", 3306, 16, "grant-replay", None),
    "mariadb": Engine("mariadb", 3306, 16, "grant-replay", None),
    "docdb": Engine("docdb", 27017, 63, "grant-replay", None),
}


class DatabaseError(Exception):
    """Anything the simulated server refuses."""


class AuthenticationFailed(DatabaseError):
    """Wrong user name or password (PostgreSQL: ``password authentication failed for user``)."""


class Unreachable(DatabaseError):
    """The server does not answer (a network failure or an outage)."""


@dataclass(slots=True)
class _User:
    salt: bytes
    digest: bytes
    grants: set[str] = field(default_factory=set)
    member_of: set[str] = field(default_factory=set)
    is_master: bool = False


@dataclass(frozen=True, slots=True)
class LoginRecord:
    time: datetime
    username: str
    ok: bool
    reason: str  # "ok", "bad password", "no such user", "unreachable"


def _digest(salt: bytes, password: str) -> bytes:
    # A keyed hash, not a slow password hash: real servers use SCRAM or bcrypt-like costs,
    # which would make a simulated year of rotations take hours. It still never stores the
    # password and still compares in constant time, which is what the lesson needs.
    return hmac.digest(salt, password.encode(), "sha256")


class Session:
    """An authenticated connection. It stays valid whatever happens to passwords later."""

    def __init__(self, database: Database, username: str) -> None:
        self.database = database
        self.username = username
        self.open = True

    def _check(self) -> None:
        if not self.open:
            raise DatabaseError("connection already closed")
        if self.database.down:
            raise Unreachable(f"server at {self.database.host} closed the connection unexpectedly")

    def select_now(self) -> datetime:
        """``SELECT NOW()``: the templates' test query."""
        self._check()
        return self.database.clock.now

    def alter_password(self, username: str, password: str) -> None:
        """``ALTER USER name PASSWORD ...``: one's own, or anyone's as the master user."""
        self._check()
        db = self.database
        if username != self.username and not db.users[self.username].is_master:
            raise DatabaseError(f"permission denied to alter role {username!r}")
        db.reset_password(username, password, "changed")

    def create_user(self, username: str, password: str) -> None:
        """``CREATE USER``/``CREATE ROLE ... LOGIN`` (master only)."""
        self._check()
        db = self.database
        if not db.users[self.username].is_master:
            raise DatabaseError("permission denied to create role")
        db.add_user(username, password)

    def grant(self, username: str, privilege: str) -> None:
        """``GRANT privilege TO user`` (master only)."""
        self._check()
        if not self.database.users[self.username].is_master:
            raise DatabaseError("permission denied to grant")
        self.database.users[username].grants.add(privilege)

    def grant_membership(self, member: str, role: str) -> None:
        """PostgreSQL's ``GRANT role TO member``: the member acts with the role's privileges."""
        self._check()
        if not self.database.users[self.username].is_master:
            raise DatabaseError("permission denied to grant role")
        self.database.users[member].member_of.add(role)

    def close(self) -> None:
        self.open = False


class Database:
    """One simulated server, found by its host name."""

    def __init__(self, clock: SimClock, engine: str, host: str, master_username: str, master_password: str,
                 dbname: str | None = None) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
        self.clock = clock
        self.engine = ENGINES[engine]
        self.host = host
        self.dbname = dbname or self.engine.default_dbname
        self.users: dict[str, _User] = {}
        self.logins: list[LoginRecord] = []
        self.changes: list[tuple[datetime, str]] = []
        self.sessions: list[Session] = []
        self.down = False
        self.master_username = master_username
        self.add_user(master_username, master_password)
        self.users[master_username].is_master = True

    @property
    def port(self) -> int:
        return self.engine.port

    def add_user(self, username: str, password: str, grants: tuple[str, ...] = ()) -> None:
        """Create a login user (a setup helper; inside the server it is ``CREATE USER``)."""
        if not isinstance(username, str) or not 1 <= len(username) <= self.engine.max_username:
            raise DatabaseError(f"user name must be 1 to {self.engine.max_username} characters on {self.engine.name}")
        if username in self.users:
            raise DatabaseError(f'role "{username}" already exists')
        salt = os.urandom(16)
        self.users[username] = _User(salt, _digest(salt, password), set(grants))
        self.record_change(f"user {username} created")

    def reset_password(self, username: str, password: str, how: str = "reset") -> None:
        """Set a user's password: what ``ALTER USER`` does inside the server, and what RDS does
        from outside it for its master user (ModifyDBInstance ``MasterUserPassword``, managed
        rotation). Open sessions stay open."""
        user = self.users.get(username)
        if user is None:
            raise DatabaseError(f'role "{username}" does not exist')
        user.salt = os.urandom(16)
        user.digest = _digest(user.salt, password)
        self.record_change(f"password of {username} {how}")

    def record_change(self, what: str) -> None:
        self.changes.append((self.clock.now, what))

    def accepts(self, username: str, password: str) -> bool:
        """Would a login with these credentials succeed now? (Not logged: for charts and checks.)"""
        user = self.users.get(username)
        return user is not None and not self.down and hmac.compare_digest(user.digest, _digest(user.salt, password))

    def connect(self, username: str, password: str) -> Session:
        """Log in; raises :class:`AuthenticationFailed` or :class:`Unreachable`. Every attempt is logged."""
        now = self.clock.now
        if self.down:
            self.logins.append(LoginRecord(now, username, False, "unreachable"))
            raise Unreachable(f"could not connect to server at {self.host}:{self.port}")
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(user.digest, _digest(user.salt, password)):
            self.logins.append(LoginRecord(now, username, False, "no such user" if user is None else "bad password"))
            raise AuthenticationFailed(f'password authentication failed for user "{username}"')
        self.logins.append(LoginRecord(now, username, True, "ok"))
        session = Session(self, username)
        self.sessions.append(session)
        return session

    def privileges(self, username: str) -> set[str]:
        """What ``username`` may do: its own grants and, through membership, its roles'."""
        seen: set[str] = set()
        todo, out = [username], set()
        while todo:
            name = todo.pop()
            if name in seen or name not in self.users:
                continue
            seen.add(name)
            out |= self.users[name].grants
            todo.extend(self.users[name].member_of)
        return out

    def open_sessions(self, username: str | None = None) -> list[Session]:
        return [s for s in self.sessions if s.open and (username is None or s.username == username)]

    def __repr__(self) -> str:
        return f"Database({self.engine.name}, {self.host}, users={sorted(self.users)})"

    def secret_dict(self, username: str, password: str, **extra: Any) -> dict[str, Any]:
        """The JSON shape AWS's rotation templates expect for a user of this database."""
        out: dict[str, Any] = {"engine": self.engine.name, "host": self.host, "username": username,
                               "password": password, "port": self.port}
        if self.dbname:
            out["dbname"] = self.dbname
        out.update(extra)
        return out
