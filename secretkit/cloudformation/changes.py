"""What an update would do, resource by resource: the change-set view.

:func:`plan` compares a stack's resources with a new template and parameters and lists
``Add``, ``Modify`` and ``Remove`` actions, as ``DescribeChangeSet`` does. For each
modified resource it says which top-level properties change and whether the resource is
replaced (``Replacement: True``), updated in place (``False``), or replaced depending on
a value only known during the update (``Conditional``), from the registry schema's
``createOnlyProperties``.

Properties are compared **as written**: intrinsic functions evaluated, dynamic references
left as their text. That is how CloudFormation decides, which is why a secret rotated
since the last deployment is not noticed. A property whose new value depends on a
resource that is itself being added or replaced cannot be known yet: it is reported with
``Evaluation: Dynamic``, and the engine decides when it runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from .graph import creation_order, dependencies, mentions
from .intrinsics import UNKNOWN
from .resources.base import REGISTRY
from .schemas import conditional_create_only, create_only
from .scope import Scope

__all__ = ["Change", "changed_properties", "contains_unknown", "plan", "replacement_properties"]


@dataclass(slots=True)
class Change:
    """One ``ResourceChange`` of a change set."""

    action: str
    logical_id: str
    resource_type: str
    physical_id: str | None = None
    replacement: str | None = None
    scope: list[str] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)

    def to_api(self) -> dict[str, Any]:
        change: dict[str, Any] = {
            "Action": self.action,
            "LogicalResourceId": self.logical_id,
            "ResourceType": self.resource_type,
            "Scope": list(self.scope),
            "Details": list(self.details),
        }
        if self.physical_id:
            change["PhysicalResourceId"] = self.physical_id
        if self.replacement is not None:
            change["Replacement"] = self.replacement
        return {"Type": "Resource", "ResourceChange": change}


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def changed_properties(old: Mapping[str, Any], new: Mapping[str, Any]) -> frozenset[str]:
    """Top-level properties added, removed or different (compared as written)."""
    keys = set(old) | set(new)
    return frozenset(k for k in keys if k not in old or k not in new or _canonical(old[k]) != _canonical(new[k]))


def replacement_properties(type_name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(always replace, may replace) property names of a type."""
    handler = REGISTRY.get(type_name)
    if handler is not None and handler.replace_on is not None:
        return handler.replace_on, frozenset()
    return create_only(type_name), conditional_create_only(type_name)


def _details(
    changed: frozenset[str], always: frozenset[str], maybe: frozenset[str], new: Mapping[str, Any],
    raw_old: Mapping[str, Any] | None, raw_new: Mapping[str, Any], parameters: set[str],
) -> tuple[str, list[dict[str, Any]]]:
    details = []
    replacement = "False"
    for name in sorted(changed):
        dynamic = contains_unknown(new.get(name))
        if name in always:
            recreation = "Always"
        elif name in maybe or (dynamic and name in always):
            recreation = "Conditionally"
        else:
            recreation = "Never"
        if recreation == "Always":
            replacement = "Conditional" if dynamic and replacement != "True" else "True"
        elif recreation == "Conditionally" and replacement == "False":
            replacement = "Conditional"
        detail: dict[str, Any] = {
            "Target": {"Attribute": "Properties", "Name": name, "RequiresRecreation": recreation},
            "Evaluation": "Dynamic" if dynamic else "Static",
        }
        direct = raw_old is None or _canonical(raw_old.get(name)) != _canonical(raw_new.get(name))
        causes = sorted(mentions(raw_new.get(name)) & parameters)
        if direct:
            detail["ChangeSource"] = "DirectModification"
        elif causes:
            detail["ChangeSource"] = "ParameterReference"
            detail["CausingEntity"] = causes[0]
        else:
            detail["ChangeSource"] = "ResourceReference"
        details.append(detail)
    return replacement, details


def plan(scope: Scope, raw_before: Mapping[str, Mapping[str, Any]]) -> list[Change]:
    """The changes that applying ``scope.template`` to ``scope.stack`` would make.

    ``raw_before`` maps each current resource to its properties in the current template
    (to tell a direct edit from a change that comes through a parameter or a reference).
    """
    stack, template = scope.stack, scope.template
    order = creation_order(dependencies(template.resources, scope.active))
    changes: list[Change] = []
    parameters = set(template.parameters)
    for logical_id in order:
        spec = template.resources[logical_id]
        existing = stack.resources.get(logical_id)
        if existing is None or existing.provisioned is None:
            scope.pending.add(logical_id)
            changes.append(Change("Add", logical_id, spec.type))
            continue
        new = scope.value(spec.properties)
        changed = changed_properties(existing.properties, new)
        if not changed:
            if _canonical(existing.metadata) != _canonical(spec.metadata):
                changes.append(Change("Modify", logical_id, spec.type, existing.physical_id, "False", ["Metadata"]))
            continue
        always, maybe = replacement_properties(spec.type)
        replacement, details = _details(changed, always, maybe, new, raw_before.get(logical_id), spec.properties, parameters)
        if replacement != "False":
            scope.pending.add(logical_id)
        changes.append(Change("Modify", logical_id, spec.type, existing.physical_id, replacement, ["Properties"], details))
    alive = set(scope.active)
    for logical_id, resource in stack.resources.items():
        if logical_id not in alive and resource.provisioned is not None:
            changes.append(Change("Remove", logical_id, resource.resource_type, resource.physical_id))
    return changes
