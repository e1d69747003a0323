"""``AWS::Events::Rule``: a scheduled EventBridge rule whose targets are Lambda functions.

This is how Parameter Store's hand-made rotation is written as code: a rule with
``ScheduleExpression: rate(30 days)`` invoking a function that writes a new parameter
version. The rule fires on the simulated clock (``cloud.clock.advance(days=30)``), and
EventBridge invokes the target with the scheduled-event document, or with the target's
``Input`` when given; the function's resource policy must allow
``events.amazonaws.com`` (an ``AWS::Lambda::Permission`` with the rule's ARN as
``SourceArn``), as on AWS.

Properties: ``Name`` (replacement; made up as ``<stack>-<LogicalId>-<12 random>`` when
left out), ``ScheduleExpression``, ``State`` (default ``ENABLED``), ``Description``,
``RoleArn``, ``Targets`` (``[{Arn, Id, Input, RoleArn}]``). The kit's EventBridge models
scheduled rules on the default bus only: ``EventPattern`` and other buses fail with
EventBridge's own refusal. An update calls ``PutRule`` again and replaces the target list
(``RemoveTargets`` for the ids that went, ``PutTargets`` for the rest). Deleting removes
the targets and then the rule. Ref returns the rule's name; ``Fn::GetAtt`` gives ``Arn`` and ``RuleName``.
"""

from __future__ import annotations

import json
from typing import Any

from .base import Provisioned, ResourceContext, ResourceType, register

__all__ = ["EventsRule"]

_RULE_OPTIONAL = ("ScheduleExpression", "Description", "RoleArn", "EventBusName")


def _put_rule(ctx: ResourceContext, name: str, props: dict[str, Any]) -> str:
    args = {key: str(props[key]) for key in _RULE_OPTIONAL if props.get(key) is not None}
    if props.get("EventPattern") is not None:
        pattern = props["EventPattern"]
        args["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    args["State"] = str(props.get("State") or "ENABLED")
    return str(ctx.service("events").put_rule(Name=name, **args)["RuleArn"])


def _targets(props: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for target in props.get("Targets") or []:
        entry = {str(k): (v if k not in ("Arn", "Id", "Input", "RoleArn") else str(v)) for k, v in dict(target).items()}
        out.append(entry)
    return out


@register
class EventsRule(ResourceType):
    type_name = "AWS::Events::Rule"
    service_label = "EventBridge"
    name_property = "Name"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        name = str(props.get("Name") or ctx.generated_name(max_length=64))
        arn = _put_rule(ctx, name, props)
        events = ctx.service("events")
        targets = _targets(props)
        try:
            if targets:
                events.put_targets(Rule=name, Targets=targets)
        except Exception:
            events.delete_rule(Name=name)  # a failed create leaves nothing behind
            raise
        return Provisioned(name, name, {"Arn": arn, "RuleName": name}, {"targets": [t["Id"] for t in targets]})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        events = ctx.service("events")
        name = current.physical_id
        _put_rule(ctx, name, new)
        targets = _targets(new)
        gone = [i for i in current.state.get("targets", []) if i not in {t["Id"] for t in targets}]
        if gone:
            events.remove_targets(Rule=name, Ids=gone)
        if targets:
            events.put_targets(Rule=name, Targets=targets)
        current.state = {"targets": [t["Id"] for t in targets]}
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        events = ctx.service("events")
        ids = list(current.state.get("targets", []))
        if ids:
            events.remove_targets(Rule=current.physical_id, Ids=ids)
        events.delete_rule(Name=current.physical_id)
