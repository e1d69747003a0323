"""Parameter policies (Advanced tier only), run on the simulated clock.

``Policies`` is a JSON array of at most 10 objects ``{"Type", "Version": "1.0", "Attributes"}``:

``Expiration`` ``{"Timestamp": "2026-03-01T00:00:00Z"}``
    Parameter Store deletes the parameter when the time comes. Writing a new *value* does
    not move the expiry; only new policies do.
``ExpirationNotification`` ``{"Before": "15", "Unit": "Days"|"Hours"}``
    An event that long before the Expiration (so it needs an Expiration policy beside it).
``NoChangeNotification`` ``{"After": "20", "Unit": "Days"|"Hours"}``
    An event when the parameter has not been modified for that long; every new version
    starts the wait again. Useful for "this password should have been rotated by now".

On AWS the notifications are EventBridge events of detail-type "Parameter Store Policy
Action"; the model records them in the event log as ``kind="notice"``, service ``ssm``,
with operations named after the event's policy type: ``ExpirationNotification``,
``NoChangeNotification``, and ``ParameterExpired`` when an Expiration deletes the parameter.
AWS enforces policies by periodic background scans, so a real event can arrive some minutes
late; the model fires at the exact instant, which keeps notebooks reproducible.

Sending new policies, or an empty list ``[]``, replaces every policy the parameter had.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from ..core.checks import ascii_int, check_length, check_str, fail, loads_json
from ..core.clock import parse_instant
from .records import Parameter
from .store import Part

__all__ = ["MAX_POLICIES", "POLICY_TYPES", "Policies", "describe_policies", "parse_policies"]

MAX_POLICIES = 10
POLICY_TYPES = ("Expiration", "ExpirationNotification", "NoChangeNotification")
_UNITS = {"Days": timedelta(days=1), "Hours": timedelta(hours=1)}
_MAX_COUNT = 999_999_999  # the most days a Python timedelta holds; further off is never, for a timer


def _bad_attribute(message: str) -> Exception:
    return fail("InvalidPolicyAttributeException", message)


def _amount(attrs: dict[str, Any], name: str, policy_type: str) -> timedelta:
    raw, unit = attrs.get(name), attrs.get("Unit", "Days")
    count = raw if type(raw) is int else ascii_int(raw)
    if count is None or count < 1 or count > _MAX_COUNT:
        raise _bad_attribute(f"A policy attribute or its value is invalid: {policy_type} {name} must be a positive whole number.")
    if not isinstance(unit, str) or unit not in _UNITS:
        raise _bad_attribute(f"A policy attribute or its value is invalid: {policy_type} Unit must be Days or Hours.")
    return count * _UNITS[unit]


def parse_policies(text: object, now: datetime) -> list[dict[str, Any]]:
    """Check a ``Policies`` string and return the policies with their computed times.

    Each entry keeps the caller's JSON (``text``), its ``type``, and ``at`` (Expiration's
    instant) or ``delta`` (how long before expiry / after the last change).
    """
    check_str(text, "Policies")
    check_length(text, "policies", 1, 4096)  # type: ignore[arg-type]
    try:
        items = loads_json(text)  # type: ignore[arg-type]
    except ValueError:
        raise fail("ValidationException", "Invalid policies input: the Policies value must be a JSON array.") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise fail("ValidationException", "Invalid policies input: the Policies value must be a JSON array of objects.")
    if len(items) > MAX_POLICIES:
        raise fail(
            "PoliciesLimitExceededException",
            "You specified more than the maximum number of allowed policies for the parameter. The maximum is 10.",
        )
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        policy_type = item.get("Type")
        if policy_type not in POLICY_TYPES:
            raise fail(
                "InvalidPolicyTypeException",
                f"The policy type {policy_type} isn't supported. Parameter Store supports the following policy "
                "types: Expiration, ExpirationNotification, and NoChangeNotification.",
            )
        if policy_type in seen:
            raise fail(
                "IncompatiblePolicyException",
                f"There is a conflict in the policies specified for this parameter. You can't specify two "
                f"{policy_type} policies for a parameter. Review your policies, and try again.",
            )
        seen.add(policy_type)
        attrs = item.get("Attributes")
        if not isinstance(attrs, dict):
            raise _bad_attribute(f"A policy attribute or its value is invalid: {policy_type} needs Attributes.")
        entry: dict[str, Any] = {"type": policy_type, "text": json.dumps(item, separators=(",", ":"))}
        if policy_type == "Expiration":
            try:
                at = parse_instant(str(attrs.get("Timestamp")))
            except (ValueError, TypeError):
                raise _bad_attribute("A policy attribute or its value is invalid: Expiration Timestamp must be ISO 8601.") from None
            if at <= now:
                raise _bad_attribute("A policy attribute or its value is invalid: Expiration Timestamp must be in the future.")
            entry["at"] = at
        elif policy_type == "ExpirationNotification":
            entry["delta"] = _amount(attrs, "Before", policy_type)
        else:
            entry["delta"] = _amount(attrs, "After", policy_type)
        out.append(entry)
    if "ExpirationNotification" in seen and "Expiration" not in seen:
        raise fail(
            "IncompatiblePolicyException",
            "There is a conflict in the policies specified for this parameter. An ExpirationNotification policy "
            "needs an Expiration policy on the same parameter. Review your policies, and try again.",
        )
    return out


class Policies(Part):
    """Arms each parameter's policies on the clock, and fires them."""

    def arm_policies(self, param: Parameter) -> None:
        """(Re)schedule every policy of ``param``; timers from earlier generations go quiet."""
        param.policy_generation += 1
        generation = param.policy_generation
        clock = self.env.clock
        expiry = next((p["at"] for p in param.policies if p["type"] == "Expiration"), None)
        for policy in param.policies:
            if policy.get("status") == "Finished" and policy["type"] != "NoChangeNotification":
                continue  # a notification already delivered is not delivered twice
            policy["status"] = "Pending"
            try:
                if policy["type"] == "Expiration":
                    when = policy["at"]
                elif policy["type"] == "ExpirationNotification":
                    when = expiry - policy["delta"]  # type: ignore[operator]
                else:
                    when = param.latest.modified + policy["delta"]
            except OverflowError:  # before year 1: notify now; after year 9999: a moment that never comes
                if policy["type"] != "ExpirationNotification":
                    continue
                when = clock.now
            clock.schedule(
                max(when, clock.now),
                partial(self._fire, param, policy, generation),
                label=f"ssm {policy['type']} {param.name}",
            )

    def rearm_no_change(self, param: Parameter) -> None:
        """A new version resets NoChangeNotification's wait; the other policies stay armed."""
        if any(p["type"] == "NoChangeNotification" for p in param.policies):
            self.arm_policies(param)

    def _fire(self, param: Parameter, policy: dict[str, Any], generation: int) -> None:
        if param.policy_generation != generation or not self.store.still_here(param):
            return
        now = self.env.clock.now
        detail = {"parameter-name": param.name, "policy-type": policy["type"], "tier": param.tier}
        if policy["type"] == "Expiration":
            policy["status"] = "Finished"
            self.store.remove(param)
            self.env.events.record(now, "notice", self.region, "ssm", "ParameterExpired", "OK", param.arn, detail)
            return
        policy["status"] = "Finished"
        self.env.events.record(now, "notice", self.region, "ssm", policy["type"], "OK", param.arn, detail)


def describe_policies(param: Parameter) -> list[dict[str, str]]:
    """The ``Policies`` field of DescribeParameters: text, type and status of each."""
    return [
        {"PolicyText": p["text"], "PolicyType": p["type"], "PolicyStatus": p.get("status", "Pending")}
        for p in param.policies
    ]
