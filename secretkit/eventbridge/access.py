"""EventBridge's access declaration: the rule each operation is about.

Operations naming a rule (``Name``, or ``Rule`` for the target operations) are about its
ARN on the default event bus (``arn:aws:events:REGION:ACCT:rule/NAME``); ``ListRules`` about
``*``. Rules have no resource policies (an event bus may, which the kit does not model).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core.access import Rules, Target

__all__ = ["RULES"]


def by_rule(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    name = params.get("Name", params.get("Rule"))
    env = facade.env
    return Target(action, f"arn:aws:events:{env.region}:{env.account_id}:rule/{name if isinstance(name, str) else ''}")


RULES = Rules("events", {
    op: by_rule for op in ("PutRule", "DescribeRule", "EnableRule", "DisableRule", "DeleteRule", "PutTargets",
                           "RemoveTargets", "ListTargetsByRule")
})
