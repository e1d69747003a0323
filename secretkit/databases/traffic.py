"""A small application that keeps logging in while a rotation runs, to measure its failures.

Each *request* is what a typical service does for a fresh database session: read the secret's
``AWSCURRENT`` value from Secrets Manager, log in with it, run a query, log out. The
application also keeps one session open from the start, the way a connection pool does.

To see exactly where a rotation hurts, :meth:`Traffic.follow` watches the Cloud's event log
for the invocations of a rotation function, so that after every step (createSecret,
setSecret, testSecret, finishSecret) the application makes a burst of requests. Requests are counted, not timed, so the counts are the same on
every run: single-user rotation fails every new login between setSecret and finishSecret
(the database already has the new password, ``AWSCURRENT`` still holds the old one), while
alternating users fail none, because the login clients hold is never the one being changed.
Elapsed wall-clock milliseconds are recorded too, for the curious; they vary run to run.

The connector is anything with ``connect(secret_dict)`` returning a session with
``test_login()`` and ``close()``, or ``None`` when the login is refused: the real one in
:mod:`secretkit.databases.psycopg_connector` or a simulated engine's.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable

from ..core.events import Event, EventLog

__all__ = ["Request", "Traffic"]


@dataclass(frozen=True)
class Request:
    """One new login attempt by the application, and how it went."""

    seq: int
    phase: str
    username: str
    version_id: str
    ok: bool
    elapsed_ms: float


class Traffic:
    """An application reading ``secret_id`` through ``client`` and logging in with ``connector``."""

    def __init__(self, client: Any, secret_id: str, connector: Any, per_step: int = 10) -> None:
        if per_step < 1:
            raise ValueError("per_step must be at least 1")
        self.client = client
        self.secret_id = secret_id
        self.connector = connector
        self.per_step = per_step
        self.requests: list[Request] = []
        self.phase = "before rotation"
        self._t0 = time.perf_counter()
        self._held = self._login()[0]

    def _login(self) -> tuple[Any, dict[str, Any], str]:
        response = self.client.get_secret_value(SecretId=self.secret_id)
        secret = json.loads(response["SecretString"])
        return self.connector.connect(secret), secret, response["VersionId"]

    def request(self) -> Request:
        """Read AWSCURRENT, open a new session, query, close; record the outcome."""
        session, secret, version_id = self._login()
        ok = session is not None and bool(session.test_login())
        if session is not None:
            session.close()
        record = Request(len(self.requests), self.phase, str(secret.get("username")), version_id,
                         ok, round((time.perf_counter() - self._t0) * 1000, 3))
        self.requests.append(record)
        return record

    def burst(self, phase: str | None = None) -> list[Request]:
        """Make ``per_step`` requests, labelled with ``phase`` (default: the current one)."""
        self.phase = phase or self.phase
        return [self.request() for _ in range(self.per_step)]

    def follow(self, events: EventLog, function_name: str) -> Callable[[], None]:
        """Make a burst of requests after every rotation step ``function_name`` runs (a failed
        one too), as the Cloud's event log records each invocation; returns a function that
        stops following."""

        def after_step(event: Event) -> None:
            if event.kind == "invoke" and event.detail.get("function") == function_name and "step" in event.detail:
                self.burst(f"after {event.detail['step']}")

        return events.subscribe(after_step)

    def held_session_works(self) -> bool:
        """Whether the session opened at the start still answers (sessions outlive password changes)."""
        return self._held is not None and bool(self._held.test_login())

    def failed(self) -> int:
        """How many requests could not log in."""
        return sum(not r.ok for r in self.requests)

    def failures_by_phase(self) -> dict[str, int]:
        """Failed requests per phase, in the order the phases happened."""
        out: dict[str, int] = {}
        for r in self.requests:
            out[r.phase] = out.get(r.phase, 0) + (not r.ok)
        return out

    def records(self) -> list[dict[str, Any]]:
        """The requests as plain dicts, ready for a table or a chart."""
        return [asdict(r) for r in self.requests]

    def close(self) -> None:
        """Close the long-lived session."""
        if self._held is not None:
            self._held.close()
            self._held = None
