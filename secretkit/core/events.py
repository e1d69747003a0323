"""The event log: every API call and every billable or notable change, in time order.

The log is what the cost meter prices and what notebooks chart. It never holds a secret
value: records carry names, ARNs, operation names, outcomes and small metadata only.

Record kinds
------------
``call``
    One API call. ``operation`` is the AWS operation name (``GetSecretValue``), ``outcome``
    is ``"OK"`` or the AWS error code, ``principal`` who made it (the account's root user,
    ``arn:aws:iam::123456789012:root``, for calls made with no credentials). ``detail`` may
    name the service that made it on your behalf (``{"via": "secretsmanager"}`` for the
    KMS calls a service makes for you) or the tier of the parameter it touched
    (``{"tier": "Advanced"}``). The record is written from the call's request context
    (:mod:`secretkit.core.context`).
``lifecycle``
    A resource starts or stops costing money: ``operation`` is ``"start"`` or ``"stop"``
    and ``detail["type"]`` one of ``secret``, ``replica-secret``, ``advanced-parameter``,
    ``kms-key``. The meter turns the intervals between them into prorated months.
``invoke``
    A Lambda-style function ran: ``detail`` holds ``duration_ms`` and ``memory_mb``.
``access``
    One authorisation decision (:mod:`secretkit.iam.enforce`): ``operation`` is the IAM action
    (``secretsmanager:GetSecretValue``), ``outcome`` ``"OK"``, ``"implicitDeny"`` or
    ``"explicitDeny"``, ``resource`` the ARN asked about, ``principal`` who asked; ``detail``
    summarises the statements that decided and keeps the decision under ``explained`` for
    ``cloud.explain(event)``. The root user's allowed calls in its own account are not
    recorded (they are in the log as calls).
``notice``
    Something a student should see that is neither a call nor a cost: a parameter policy
    notification, a replication status change, a rotation step, an outage.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping, NamedTuple

__all__ = ["Event", "EventLog"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_new_event = tuple.__new__  # builds an Event without the named tuple's keyword-parsing __new__


class Event(NamedTuple):
    """One entry of the event log (a named tuple: cheap to make, immutable, easy to tabulate)."""

    time: datetime
    kind: str
    region: str
    service: str
    operation: str
    outcome: str = "OK"
    resource: str | None = None
    detail: Mapping[str, Any] = _EMPTY
    principal: str | None = None  # who made a call; None for what is not a call

    @property
    def ok(self) -> bool:
        return self.outcome == "OK"


class EventLog:
    """An append-only list of :class:`Event` with optional listeners."""

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._listeners: list[Callable[[Event], None]] = []

    def record(
        self,
        time: datetime,
        kind: str,
        region: str,
        service: str,
        operation: str,
        outcome: str = "OK",
        resource: str | None = None,
        detail: Mapping[str, Any] | None = None,
        principal: str | None = None,
    ) -> Event:
        event = _new_event(
            Event, (time, kind, region, service, operation, outcome, resource, detail or _EMPTY, principal)
        )
        self._events.append(event)
        if self._listeners:
            for listener in self._listeners:
                listener(event)
        return event

    def record_fields(self, fields: tuple[Any, ...]) -> Event:
        """Like :meth:`record`, with every field given in order in one tuple (``time, kind, region,
        service, operation, outcome, resource, detail, principal``): for a record written again
        and again but for its time, such as a remembered access decision."""
        event = _new_event(Event, fields)
        self._events.append(event)
        if self._listeners:
            for listener in self._listeners:
                listener(event)
        return event

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``listener`` for every new event; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def __getstate__(self) -> dict[str, Any]:
        # A saved Cloud keeps its events; the listeners (a notebook's widgets, a meter) stay behind.
        return {"_events": self._events, "_listeners": []}

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __getitem__(self, index: int) -> Event:
        return self._events[index]

    def select(
        self,
        *,
        kind: str | None = None,
        service: str | None = None,
        operation: str | None = None,
        region: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Event]:
        """The events matching every given field, in time order (``until`` is exclusive)."""
        return [
            e
            for e in self._events
            if (kind is None or e.kind == kind)
            and (service is None or e.service == service)
            and (operation is None or e.operation == operation)
            and (region is None or e.region == region)
            and (since is None or e.time >= since)
            and (until is None or e.time < until)
        ]

    def calls(self, service: str | None = None) -> list[Event]:
        return self.select(kind="call", service=service)

    def __repr__(self) -> str:
        return f"EventLog({len(self._events)} events)"
