"""The kit's stand-in for pymongo, over a simulated Amazon DocumentDB cluster.

A DocumentDB rotation function logs in with ``MongoClient(host=..., port=...,
username=..., password=..., authSource=..., tls=...)`` and sends database commands. As
with pymongo, the client connects lazily: a refused login shows at the first command, as
:class:`errors.OperationFailure` ("Authentication failed."), an unreachable host as
:class:`errors.ServerSelectionTimeoutError`. A package that bundles this module as
``pymongo`` (with :mod:`.pymongo_errors` as ``pymongo.errors``) runs such a function against
the simulated cluster at ``host``.

Commands it answers on ``client[db].command(...)``:

* ``"ping"``: ``{"ok": 1.0}`` (the test);
* ``"usersInfo", name``: ``{"users": [{"user", "db", "roles": [{"role", "db"}]}], "ok"}``,
  ``users`` empty when there is no such user;
* ``"updateUser", name, pwd=...``: a user's own password, or anyone's as the master user;
* ``"createUser", name, pwd=..., roles=[...]`` (master only): the clone gets the roles.

A user's roles are the simulated server's grants. TLS is not simulated.
"""

from __future__ import annotations

from typing import Any

from ...databases.engine import AuthenticationFailed, Session, Unreachable
from ...databases.engine import DatabaseError as ServerError
from . import pymongo_errors as errors
from .servers import log_in

__all__ = ["MongoClient", "errors"]


class Database:
    """``client[name]``: where commands run."""

    def __init__(self, client: MongoClient, name: str) -> None:
        self.client = client
        self.name = name

    def command(self, command: str | dict[str, Any], value: Any = 1, **kwargs: Any) -> dict[str, Any]:
        """Run a database command, as ``pymongo.database.Database.command`` does."""
        if isinstance(command, dict):
            (command, value), *rest = command.items()
            kwargs = dict(rest, **kwargs)
        session = self.client._session()
        try:
            return self._run(session, str(command), value, kwargs)
        except Unreachable as exc:
            raise errors.AutoReconnect(str(exc)) from None
        except ServerError as exc:
            raise errors.OperationFailure(str(exc), code=13) from None

    def _run(self, session: Session, command: str, value: Any, options: dict[str, Any]) -> dict[str, Any]:
        users = session.database.users
        if command == "ping":
            session.select_now()
            return {"ok": 1.0}
        if command == "usersInfo":
            user = users.get(str(value))
            found = [] if user is None else [{
                "_id": f"{self.name}.{value}", "user": value, "db": self.name,
                "roles": [{"role": role, "db": self.name} for role in sorted(user.grants)],
            }]
            return {"users": found, "ok": 1.0}
        if command == "updateUser":
            session.alter_password(str(value), str(options["pwd"]))
            return {"ok": 1.0}
        if command == "createUser":
            name = str(value)
            if name in users:
                raise ServerError(f"User \"{name}@{self.name}\" already exists")
            session.create_user(name, str(options["pwd"]))
            for role in options.get("roles", []):
                session.grant(name, role["role"] if isinstance(role, dict) else str(role))
            return {"ok": 1.0}
        raise errors.OperationFailure(
            f"no such command: '{command}' (the kit's simulated DocumentDB answers ping, usersInfo, updateUser and "
            "createUser)", code=59)

    def __repr__(self) -> str:
        return f"Database({self.client!r}, {self.name!r})"


class MongoClient:
    """A client of one cluster; it logs in at its first command, as pymongo's does."""

    def __init__(self, host: str | None = None, port: int | None = None, **kwargs: Any) -> None:
        self.host = host or "localhost"
        self.port = port
        self._options = kwargs
        self._open: Session | None = None
        self._closed = False

    def _session(self) -> Session:
        if self._closed:
            raise errors.InvalidOperation("Cannot use MongoClient after close")
        if self._open is None:
            user = self._options.get("username")
            try:
                self._open = log_in(self.host, self.port, user, self._options.get("password"), ("docdb",))
            except AuthenticationFailed:
                raise errors.OperationFailure("Authentication failed.", code=18) from None
            except Unreachable as exc:
                raise errors.ServerSelectionTimeoutError(f"{self.host}:{self.port or 27017}: {exc}") from None
        return self._open

    def __getitem__(self, name: str) -> Database:
        return Database(self, name)

    def get_database(self, name: str | None = None) -> Database:
        return Database(self, name or str(self._options.get("authSource", "admin")))

    @property
    def admin(self) -> Database:
        return Database(self, "admin")

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
        self._open = None
        self._closed = True

    def __enter__(self) -> MongoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MongoClient(host={self.host!r}, port={self.port!r})"
