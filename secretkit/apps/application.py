"""A simulated application that reads its database secret and logs in, once per tick.

:class:`Application` sends one request every ``every`` of simulated time. Each request reads
the secret (directly, or through a :class:`~secretkit.apps.cache.SecretCache`), opens a
*new* database login with it, and records a :class:`Request`: when, whether it worked, and
which version it used. New logins are the worst case on purpose: an open connection
survives a password change, so only a fresh login shows when ``AWSCURRENT`` and the
database disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..core.clock import SimClock
from .cache import SecretCache

__all__ = ["Application", "Request"]


@dataclass(frozen=True, slots=True)
class Request:
    time: datetime
    ok: bool
    version_id: str
    username: str
    reason: str  # "ok", or why the login failed


class Application:
    """Requests at a fixed rate on the simulated clock, each one a fresh login with the secret."""

    def __init__(self, clock: SimClock, connector: Any, secret_id: str, *, client: Any = None,
                 cache: SecretCache | None = None, every: timedelta = timedelta(minutes=1)) -> None:
        if (client is None) == (cache is None):
            raise ValueError("read the secret either directly (client=) or through a cache (cache=)")
        if every <= timedelta(0):
            raise ValueError("every must be positive")
        self.clock = clock
        self.connector = connector
        self.secret_id = secret_id
        self.client = client
        self.cache = cache
        self.every = every
        self.requests: list[Request] = []
        self._timer: Any = None

    def read(self) -> tuple[dict[str, Any], str]:
        if self.cache is not None:
            text, version = self.cache.get_secret_string(self.secret_id)
        else:
            response = self.client.get_secret_value(SecretId=self.secret_id)
            text, version = response["SecretString"], response["VersionId"]
        return json.loads(text), version

    def request(self) -> Request:
        """One request now: read the secret, log in, record the outcome."""
        try:
            secret, version = self.read()
        except Exception as exc:  # noqa: BLE001 - the secret unreadable: the request fails, the app goes on
            record = Request(self.clock.now, False, "", "", f"read failed: {type(exc).__name__}")
        else:
            try:
                conn = self.connector.connect(secret)
                reason = "ok" if conn is not None else "login refused"
            except Exception as exc:  # noqa: BLE001 - a database error fails this request only
                conn, reason = None, f"database error: {type(exc).__name__}"
            if conn is not None:
                conn.close()
            record = Request(self.clock.now, conn is not None, version, secret.get("username", ""), reason)
        self.requests.append(record)
        return record

    def start(self) -> None:
        """Send a request now and then every ``every``, as the clock advances, until :meth:`stop`."""
        self.stop()
        self._timer = self.clock.schedule(self.clock.now, self._tick, label="app request")

    def _tick(self) -> None:
        self.request()
        self._timer = self.clock.schedule(self.clock.now + self.every, self._tick, label="app request")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    @property
    def failures(self) -> list[Request]:
        return [r for r in self.requests if not r.ok]

    def failure_window(self) -> tuple[datetime, datetime] | None:
        """First and last failed request, or None."""
        failed = self.failures
        return (failed[0].time, failed[-1].time) if failed else None
