"""Where simulated databases live: a host name resolves to one :class:`Database`."""

from __future__ import annotations

from typing import Any

from ..core.clock import SimClock
from .engine import Database, Unreachable

__all__ = ["Databases", "databases"]


class Databases:
    """The simulated database servers of one Cloud, by host name."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self.by_host: dict[str, Database] = {}

    def create(self, engine: str, host: str, master_username: str, master_password: str,
               dbname: str | None = None) -> Database:
        """Start a server; its master user can create the application users."""
        if host in self.by_host:
            raise ValueError(f"a database already answers at {host!r}")
        db = self.by_host[host] = Database(self.clock, engine, host, master_username, master_password, dbname)
        return db

    def alias(self, host: str, database: Database) -> None:
        """Make ``host`` answer for ``database`` too (a cluster's reader endpoint, its instances)."""
        if host in self.by_host:
            raise ValueError(f"a database already answers at {host!r}")
        self.by_host[host] = database

    def drop(self, host: str) -> None:
        """``host`` stops answering (its server was deleted); an unknown host is ignored."""
        self.by_host.pop(host, None)

    def get(self, host: str) -> Database:
        """The server at ``host``; an unknown host is as unreachable as a real one."""
        db = self.by_host.get(host)
        if db is None:
            raise Unreachable(f'could not translate host name "{host}" to address')
        return db


def databases(cloud: Any) -> Databases:
    """The database directory of a Cloud (made on first use, kept in ``cloud.extensions``)."""
    found = cloud.extensions.get("databases")
    if found is None:
        found = cloud.extensions["databases"] = Databases(cloud.clock)
    return found  # type: ignore[no-any-return]
