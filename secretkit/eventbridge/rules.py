"""EventBridge-style scheduled rules: invoke a function each time a schedule fires.

Parameter Store has no rotation of its own: on AWS you rotate a parameter with a scheduled
EventBridge rule that invokes a Lambda function. :class:`Rules` models that rule: each time
the simulated clock passes the next firing instant it invokes the function with the event
EventBridge sends, then schedules the next firing. The schedule is a ``rate(...)`` or
``cron(...)`` expression (see :mod:`secretkit.core.expressions`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..core.checks import fail
from ..core.clock import SimClock
from ..core.expressions import Cron, Rate, ScheduleError, parse

__all__ = ["Rule", "Rules", "Targets"]


@dataclass(slots=True)
class Rule:
    """One scheduled rule: invoke ``target_arn`` each time ``schedule`` fires."""

    name: str
    arn: str
    region: str
    schedule: Rate | Cron
    target_arn: str
    payload: dict[str, Any] | None
    enabled: bool = True
    fired: int = 0
    failures: int = 0
    next_fire: datetime | None = None
    timer: Any = None


class Targets(Protocol):
    """What a rule needs of the functions it invokes (the Cloud's function registry is one)."""

    def get(self, arn_or_name: str) -> Any:
        """The function, or None when there is none."""

    def invoke(self, arn: str, event: dict[str, Any]) -> Any:
        """Run the function now with ``event``."""


class Rules:
    """The scheduled rules of the account; they fire as the Cloud's clock passes them.

    The Cloud hands it its clock, the account id, a source of event ids and the account's
    functions, the targets rules invoke.
    """

    def __init__(self, clock: SimClock, account_id: str, new_id: Callable[[], str], functions: Targets) -> None:
        self.clock = clock
        self.account_id = account_id
        self._new_id = new_id
        self.functions = functions
        self.rules: dict[str, Rule] = {}

    def put_rule(
        self,
        name: str,
        schedule_expression: str,
        target_arn: str,
        *,
        region: str = "us-east-1",
        payload: dict[str, Any] | None = None,
    ) -> Rule:
        """Create or replace a rule; its first firing is the schedule's next instant after now."""
        if not isinstance(name, str) or not re.fullmatch(r"[.\-_A-Za-z0-9]{1,64}", name):
            raise fail("ValidationException", "Rule name must match [.\\-_A-Za-z0-9]+ and be 1 to 64 characters.")
        try:
            schedule = parse(schedule_expression)
        except ScheduleError:
            raise fail("ValidationException", "Parameter ScheduleExpression is not valid.") from None
        if self.functions.get(target_arn) is None:
            raise fail("ResourceNotFoundException", f"Function not found: {target_arn}")
        self.delete_rule(name) if name in self.rules else None
        arn = f"arn:aws:events:{region}:{self.account_id}:rule/{name}"
        rule = self.rules[name] = Rule(name, arn, region, schedule, target_arn, payload)
        self._arm(rule)
        return rule

    def _arm(self, rule: Rule) -> None:
        clock = self.clock
        rule.next_fire = rule.schedule.next_after(clock.now)
        rule.timer = clock.schedule(rule.next_fire, lambda: self._fire(rule), label=f"rule {rule.name}")

    def _fire(self, rule: Rule) -> None:
        if not rule.enabled or self.rules.get(rule.name) is not rule:
            return
        now = self.clock.now
        event = rule.payload if rule.payload is not None else {
            "version": "0",
            "id": self._new_id(),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": self.account_id,
            "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": rule.region,
            "resources": [rule.arn],
            "detail": {},
        }
        rule.fired += 1
        try:
            self.functions.invoke(rule.target_arn, event)
        except Exception:  # noqa: BLE001
            # EventBridge invokes asynchronously: a failing target does not stop the schedule.
            rule.failures += 1
        self._arm(rule)

    def disable_rule(self, name: str) -> None:
        """Stop firing (the rule is kept)."""
        rule = self._get(name)
        rule.enabled = False
        if rule.timer is not None:
            rule.timer.cancel()
        rule.next_fire = None

    def enable_rule(self, name: str) -> None:
        """Start firing again from now."""
        rule = self._get(name)
        if not rule.enabled:
            rule.enabled = True
            self._arm(rule)

    def delete_rule(self, name: str) -> None:
        rule = self._get(name)
        if rule.timer is not None:
            rule.timer.cancel()
        del self.rules[name]

    def _get(self, name: str) -> Rule:
        rule = self.rules.get(name)
        if rule is None:
            raise fail("ResourceNotFoundException", f"Rule {name} does not exist.")
        return rule
