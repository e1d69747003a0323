"""The rotation timeline: after every rotation step, what the database accepts and what the
labels say.

:class:`RotationTimeline` listens to the event log; after each invocation of a rotation
step for its secret it records a :class:`TimelineRow`. A chart draws the window where the
database and ``AWSCURRENT`` disagree; plotting stays in :mod:`secretkit.ui`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.events import Event, EventLog

__all__ = ["RotationTimeline", "TimelineRow"]


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
        secret = self.secretsmanager.store.by_arn.get(self.secret_arn)
        if secret is None:
            return
        current, pending = secret.labels.get("AWSCURRENT"), secret.labels.get("AWSPENDING")
        self.rows.append(TimelineRow(event.time, event.detail["step"], event.outcome, current, pending,
                                     bool(self._accepted(secret, current)), self._accepted(secret, pending)))

    def disagreements(self) -> list[TimelineRow]:
        """The rows where the database no longer accepts AWSCURRENT: the single-user window."""
        return [row for row in self.rows if not row.current_accepted]
