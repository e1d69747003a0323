"""Dependencies between resources, and the order they are made and removed in.

A resource depends on another when its ``DependsOn`` names it, or when its properties
mention it: ``Ref: X``, ``Fn::GetAtt: [X, ...]`` or ``${X}`` / ``${X.Attr}`` inside
``Fn::Sub`` (the implicit dependencies). CloudFormation makes resources in an order that
puts every dependency first and removes them in the reverse order; cycles were already
refused when the template was checked.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any, Iterable, Mapping

from .template import ResourceSpec

__all__ = ["dependencies", "mentions", "creation_order", "deletion_order"]

_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


def mentions(node: Any) -> set[str]:
    """The names a template value refers to (parameters, resources and pseudo parameters alike)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1:
                (key,) = item
                args = item[key]
                if key == "Ref" and isinstance(args, str):
                    found.add(args)
                    continue
                if key == "Fn::GetAtt":
                    target = args.split(".", 1)[0] if isinstance(args, str) else args[0] if args else None
                    if isinstance(target, str):
                        found.add(target)
                    if isinstance(args, list):
                        stack.extend(args[1:])
                    continue
                if key == "Fn::Sub":
                    pattern, variables = (args[0], args[1] if len(args) > 1 else {}) if isinstance(args, list) else (args, {})
                    if isinstance(pattern, str):
                        for name in _SUB_VAR.findall(pattern):
                            name = name.strip().split(".", 1)[0]
                            if name not in variables:
                                found.add(name)
                    if isinstance(variables, dict):
                        stack.extend(variables.values())
                    continue
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def dependencies(resources: Mapping[str, ResourceSpec], active: Iterable[str]) -> dict[str, set[str]]:
    """Each active resource's dependencies among the active resources."""
    alive = set(active)
    out: dict[str, set[str]] = {}
    for logical_id in resources:
        if logical_id not in alive:
            continue
        spec = resources[logical_id]
        names = mentions(spec.properties) | set(spec.depends_on)
        out[logical_id] = {n for n in names if n in alive and n != logical_id}
    return out


def creation_order(deps: Mapping[str, set[str]]) -> list[str]:
    """Every resource after the resources it depends on, template order where free (Kahn's algorithm)."""
    waiting = {lid: len(needs) for lid, needs in deps.items()}
    users: dict[str, list[str]] = {lid: [] for lid in deps}
    for lid, needs in deps.items():
        for need in needs:
            users[need].append(lid)
    ready = deque(lid for lid, count in waiting.items() if count == 0)
    order: list[str] = []
    while ready:
        lid = ready.popleft()
        order.append(lid)
        for user in users[lid]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    if len(order) != len(deps):
        stuck = sorted(lid for lid, count in waiting.items() if count)
        raise ValueError(f"Circular dependency between resources: [{', '.join(stuck)}]")
    return order


def deletion_order(deps: Mapping[str, set[str]]) -> list[str]:
    """The reverse: every resource before the resources it depends on."""
    return list(reversed(creation_order(deps)))
