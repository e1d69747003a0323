"""A small connector to the simulated engines, for code outside Lambda functions.

Rotation functions reach a database the way AWS's do, through a database driver (the kit's
stand-ins in :mod:`secretkit.rotation_functions.drivers`). Applications, lab checks and tests
that want to log in or act on a simulated server directly use this connector instead; the
real PostgreSQL has the same one, :class:`secretkit.databases.psycopg_connector.PsycopgConnector`:

``connector.connect(secret: dict) -> connection | None``
    Log in with an RDS-shaped secret dict (``host``, ``username``, ``password``...);
    ``None`` when the server refuses the credentials. An unreachable server raises.
``connection.set_password(username, password)``
    ``ALTER USER``: a user's own password, or anyone's when logged in as the master user.
``connection.role_exists(username) -> bool``
``connection.create_role_like(username, like, password)``
    Make ``username`` a login acting as ``like`` (membership on PostgreSQL-like engines,
    grant replay on the others); if it exists, re-grant and re-password.
``connection.test_login() -> bool``
    The templates' test query (``SELECT NOW()``).
``connection.close()``; connections are also context managers.
"""

from __future__ import annotations

from typing import Any

from .directory import Databases
from .engine import AuthenticationFailed, DatabaseError, Session

__all__ = ["SimConnection", "SimConnector"]


class SimConnection:
    """A session on a simulated engine with the rotation actions."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.username = session.username

    def set_password(self, username: str, password: str) -> None:
        self.session.alter_password(username, password)

    def role_exists(self, username: str) -> bool:
        return username in self.session.database.users

    def create_role_like(self, username: str, like: str, password: str) -> None:
        db = self.session.database
        if like not in db.users:
            raise DatabaseError(f'role "{like}" does not exist')
        created = not self.role_exists(username)
        if created:
            self.session.create_user(username, password)
        if db.engine.clone_by == "membership":
            # PostgreSQL's template grants membership once, when it creates the clone: after
            # that both users exist and only passwords change (no circular membership).
            if created:
                self.session.grant_membership(username, like)
        else:
            # MySQL's template replays SHOW GRANTS on every rotation: grants are added, never revoked.
            for privilege in sorted(db.users[like].grants):
                self.session.grant(username, privilege)
        self.session.alter_password(username, password)

    def test_login(self) -> bool:
        return self.session.select_now() is not None

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> SimConnection:  # noqa: PYI034 - mirrors PsycopgConnection
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SimConnector:
    """Opens :class:`SimConnection` sessions on the simulated server a secret's ``host`` names."""

    def __init__(self, databases: Databases) -> None:
        self.databases = databases

    def connect(self, secret: dict[str, Any]) -> SimConnection | None:
        database = self.databases.get(secret["host"])
        try:
            return SimConnection(database.connect(secret["username"], secret["password"]))
        except AuthenticationFailed:
            return None
