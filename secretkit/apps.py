"""A simulated application that reads its database secret and logs in, and the rotation timeline.

:class:`Application` sends one request every ``every`` of simulated time. Each request reads
the secret (directly, or through a :class:`SecretCache`), opens a *new* database login with
it, and records a :class:`Request`: when, whether it worked, and which version it used. New
logins are the worst case on purpose: an open connection survives a password change, so
only a fresh login shows when ``AWSCURRENT`` and the database disagree.

:class:`SecretCache` follows the AWS caching library for Python (aws-secretsmanager-caching):
an item is refreshed with ``DescribeSecret`` once its refresh time has passed, the next
refresh is drawn uniformly from ``[T/2, T]`` after now (T = ``refresh_interval``, an hour by
default), and values are kept per VersionId, so a refresh that finds the same AWSCURRENT
version reads nothing. The staler the cache, the longer a single-user rotation hurts.

:class:`RotationTimeline` records, after every rotation step, what the database accepts and
what the labels say; a chart draws the window where the two disagree. Plotting stays in
:mod:`secretkit.ui`.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .core.clock import SimClock
from .core.events import Event, EventLog

__all__ = ["Application", "Request", "RotationTimeline", "SecretCache", "TimelineRow"]


class SecretCache:
    """A client-side cache of secret values, refreshed every ``[T/2, T]``."""

    def __init__(self, client: Any, clock: SimClock, rng: random.Random,
                 refresh_interval: timedelta = timedelta(hours=1)) -> None:
        if refresh_interval <= timedelta(0):
            raise ValueError("refresh_interval must be positive")
        self.client = client
        self.clock = clock
        self.rng = rng
        self.refresh_interval = refresh_interval
        self._current: dict[str, str] = {}  # secret id -> AWSCURRENT version id at the last refresh
        self._values: dict[tuple[str, str], str] = {}  # (secret id, version id) -> SecretString
        self._next_refresh: dict[str, datetime] = {}

    def get_secret_string(self, secret_id: str) -> tuple[str, str]:
        """The cached AWSCURRENT value and its VersionId, refreshing if due."""
        now = self.clock.now
        if secret_id not in self._current or now >= self._next_refresh[secret_id]:
            described = self.client.describe_secret(SecretId=secret_id)
            version = next(vid for vid, stages in described["VersionIdsToStages"].items() if "AWSCURRENT" in stages)
            self._current[secret_id] = version
            seconds = self.refresh_interval.total_seconds()
            self._next_refresh[secret_id] = now + timedelta(seconds=self.rng.uniform(seconds / 2, seconds))
        version = self._current[secret_id]
        key = (secret_id, version)
        if key not in self._values:
            self._values[key] = self.client.get_secret_value(SecretId=secret_id, VersionId=version)["SecretString"]
        return self._values[key], version

    def refresh_now(self, secret_id: str) -> None:
        """Forget the refresh time (what an application does after a failed login, if written well)."""
        self._next_refresh.pop(secret_id, None)
        self._current.pop(secret_id, None)


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
        def tick() -> None:
            self.request()
            self._timer = self.clock.schedule(self.clock.now + self.every, tick, label="app request")

        self.stop()
        self._timer = self.clock.schedule(self.clock.now, tick, label="app request")

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


@dataclass(frozen=True, slots=True)
class TimelineRow:
    time: datetime
    step: str
    status: str
    current_version: str | None
    pending_version: str | None
    current_accepted: bool  # does the database accept what AWSCURRENT holds?
    pending_accepted: bool | None  # ... and AWSPENDING (None while it has no value)


@dataclass
class RotationTimeline:
    """After each rotation step of ``secret_arn``, what the labels say and what ``database`` accepts."""

    events: EventLog
    secretsmanager: Any
    secret_arn: str
    database: Any
    rows: list[TimelineRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._unsubscribe = self.events.subscribe(self._on_event)

    def close(self) -> None:
        self._unsubscribe()

    def _accepted(self, secret: Any, version_id: str | None) -> bool | None:
        version = secret.versions.get(version_id) if version_id is not None else None
        if version is None or not version.has_value:
            return None
        value = json.loads(self.secretsmanager.open_value(secret, version))
        return bool(self.database.accepts(value["username"], value["password"]))

    def _on_event(self, event: Event) -> None:
        if event.kind != "invoke" or event.detail.get("secret") != self.secret_arn:
            return
        secret = self.secretsmanager.by_arn.get(self.secret_arn)
        if secret is None:
            return
        current, pending = secret.labels.get("AWSCURRENT"), secret.labels.get("AWSPENDING")
        self.rows.append(TimelineRow(event.time, event.detail["step"], event.outcome, current, pending,
                                     bool(self._accepted(secret, current)), self._accepted(secret, pending)))

    def disagreements(self) -> list[TimelineRow]:
        """The rows where the database no longer accepts AWSCURRENT: the single-user window."""
        return [row for row in self.rows if not row.current_accepted]
