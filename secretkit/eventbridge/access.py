"""EventBridge's access declaration: the rule each operation is about.

Operations naming a rule (``Name``, or ``Rule`` for the target operations) are about its
ARN on the default event bus (``arn:aws:events:REGION:ACCT:rule/NAME``); ``ListRules`` about
``*``. Rules have no resource policies (an event bus may, which the kit does not model).
``PutRule`` with a ``RoleArn``, and ``PutTargets`` with targets that carry one, also ask for
``iam:PassRole`` on each such role, with ``iam:PassedToService`` set to
``events.amazonaws.com``.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core.access import Rules, Target

__all__ = ["RULES"]


def by_rule(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    name = params.get("Name", params.get("Rule"))
    env = facade.env
    return Target(action, f"arn:aws:events:{env.region}:{env.account_id}:rule/{name if isinstance(name, str) else ''}")


_PASSED_TO_EVENTS = {"iam:PassedToService": "events.amazonaws.com"}


def with_roles(facade: Any, params: Mapping[str, Any], action: str) -> Target | list[Target]:
    """The rule, and ``iam:PassRole`` on every role ARN the call hands EventBridge."""
    given = [params.get("RoleArn")]
    targets = params.get("Targets")
    if isinstance(targets, list):
        given += [t.get("RoleArn") for t in targets if isinstance(t, dict)]
    roles = list(dict.fromkeys(r for r in given if isinstance(r, str) and r.startswith("arn:")))
    about = by_rule(facade, params, action)
    if not roles:
        return about
    return [about, *(Target("iam:PassRole", role, None, "", _PASSED_TO_EVENTS, "", role) for role in roles)]


RULES = Rules("events", {
    **{op: by_rule for op in ("DescribeRule", "EnableRule", "DisableRule", "DeleteRule", "RemoveTargets",
                              "ListTargetsByRule")},
    "PutRule": with_roles, "PutTargets": with_roles,
})
