"""Scheduled rules and their targets, as EventBridge keeps them, and what a firing sends.

A rule on the default event bus has a name, an ARN (``arn:aws:events:REGION:ACCOUNT:rule/
NAME``), a ``ScheduleExpression`` (``rate(...)`` or ``cron(...)``, see
:mod:`secretkit.core.expressions`), a ``State`` and up to five targets. Each time the
schedule fires, every target receives either the rule's scheduled event::

    {"version": "0", "id": "...", "detail-type": "Scheduled Event", "source": "aws.events",
     "account": "123456789012", "time": "2026-01-31T00:00:00Z", "region": "us-east-1",
     "resources": ["arn:aws:events:us-east-1:123456789012:rule/rotate-db"], "detail": {}}

or, when the target has ``Input``, that JSON text instead. The model keeps scheduled rules
only: rules with an ``EventPattern`` match events other services emit, which it does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.expressions import Cron, Rate

__all__ = ["MAX_TARGETS", "Rule", "Target", "scheduled_event"]

#: EventBridge allows five targets per rule.
MAX_TARGETS = 5


@dataclass(slots=True)
class Target:
    """One target of a rule: a Lambda function, with the event text it should get (if any)."""

    id: str
    arn: str
    input: str | None = None
    role_arn: str | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Id": self.id, "Arn": self.arn}
        if self.input is not None:
            out["Input"] = self.input
        if self.role_arn is not None:
            out["RoleArn"] = self.role_arn
        return out


@dataclass(slots=True)
class Rule:
    """One scheduled rule on the default event bus."""

    name: str
    arn: str
    region: str
    account_id: str
    schedule: Rate | Cron
    state: str = "ENABLED"
    description: str | None = None
    role_arn: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)  # by target id, in the order added
    fired: int = 0
    next_fire: datetime | None = None
    timer: Any = None

    @property
    def enabled(self) -> bool:
        return self.state != "DISABLED"

    def describe(self) -> dict[str, Any]:
        """DescribeRule's answer (ListRules shows the same fields but ``CreatedBy``)."""
        out: dict[str, Any] = {
            "Name": self.name,
            "Arn": self.arn,
            "ScheduleExpression": self.schedule.expression,
            "State": self.state,
            "EventBusName": "default",
            "CreatedBy": self.account_id,
        }
        if self.description is not None:
            out["Description"] = self.description
        if self.role_arn is not None:
            out["RoleArn"] = self.role_arn
        return out

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = None
        self.next_fire = None


def scheduled_event(rule: Rule, event_id: str, now: datetime) -> dict[str, Any]:
    """The event EventBridge sends a target when a scheduled rule fires."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": rule.account_id,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": rule.region,
        "resources": [rule.arn],
        "detail": {},
    }
