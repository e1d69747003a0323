"""Stack updates: in place or by replacement, then cleanup; or a rollback to the old state.

The order of an update, as on AWS:

1. ``UPDATE_IN_PROGRESS``. Resources in the new template's dependency order:
   * new ones are created;
   * changed ones (properties compared **as written**, dynamic references unresolved)
     are updated in place, or, when a changed property is create-only, **replaced**: the
     new physical resource is made first (``Requested update requires the creation of a
     new physical resource; hence creating one.``), the old one stays until cleanup. A
     resource with a custom name cannot be replaced while the name stays the same.
   * unchanged ones are not touched at all, even if a dynamic reference in them would now
     read a different value.
2. ``UPDATE_COMPLETE_CLEANUP_IN_PROGRESS``: old physical resources of replacements are
   deleted (or kept, with ``UpdateReplacePolicy: Retain``), then resources no longer in
   the template (or kept, with ``DeletionPolicy: Retain``). ``UPDATE_COMPLETE``.

On the first failure (``UPDATE_FAILED`` or ``CREATE_FAILED`` on the resource):
``UPDATE_ROLLBACK_IN_PROGRESS``; resources updated in place are updated back to their old
properties (dynamic references read again), replaced ones get their old physical
resource back; ``UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`` deletes what the update
made; ``UPDATE_ROLLBACK_COMPLETE``. With ``DisableRollback`` the stack stops at
``UPDATE_FAILED`` with what was done kept.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

from .changes import changed_properties, replacement_properties
from .engine import Engine, _order
from .resources.base import REGISTRY, Provisioned, ResourceFailure
from .scope import Scope
from .stacks import Stack, StackResource
from .template import ResourceSpec

__all__ = ["update", "CUSTOM_NAME"]

CUSTOM_NAME = (
    "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
    "Rename {} and update the stack again."
)
_REPLACING = "Requested update requires the creation of a new physical resource; hence creating one."


@dataclass(slots=True)
class _Undo:
    """How to put one resource back if the update rolls back."""

    kind: str  # "added", "modified" or "replaced"
    logical_id: str
    before: StackResource | None = None  # a copy of the resource as it was
    made: Provisioned | None = None  # the replacement's new physical resource
    changed: frozenset[str] = frozenset()  # the properties the update set out to change


def _snapshot(resource: StackResource) -> StackResource:
    """A copy to restore on rollback (property dicts are replaced, never changed in place)."""
    provisioned = resource.provisioned
    if provisioned is not None:
        provisioned = Provisioned(provisioned.physical_id, provisioned.ref, dict(provisioned.attributes), dict(provisioned.state))
    return dataclasses.replace(resource, provisioned=provisioned)


def _modify(engine: Engine, stack: Stack, scope: Scope, spec: ResourceSpec, cache: dict[str, str], undo: list[_Undo],
            cleanup: list[tuple[str, str, Provisioned, str]]) -> bool:
    resource = stack.resources[spec.logical_id]
    lid, kind = spec.logical_id, spec.type
    literal: dict[str, Any] | None = None
    try:
        literal = engine.literal(scope, spec)
        changed = changed_properties(resource.properties, literal)
        if not changed:
            resource.deletion_policy, resource.update_replace_policy = spec.deletion_policy, spec.update_replace_policy
            resource.metadata = spec.metadata
            return True
        before = _snapshot(resource)
        resource.deletion_policy, resource.update_replace_policy = spec.deletion_policy, spec.update_replace_policy
        always, _maybe = replacement_properties(kind)
        replace = bool(changed & always)
        handler = REGISTRY[kind]
        if replace and handler.name_property and literal.get(handler.name_property) is not None and (
            handler.name_property not in changed
        ):
            engine.event(stack, lid, kind, "UPDATE_IN_PROGRESS", physical_id=resource.physical_id, properties=literal)
            raise ResourceFailure(CUSTOM_NAME.format(lid))
        if replace:
            engine.event(stack, lid, kind, "UPDATE_IN_PROGRESS", _REPLACING, resource.physical_id, literal)
            props = engine.resolved(spec, literal, scope, cache)
            made = handler.create(engine.context(stack, lid), props)
            undo.append(_Undo("replaced", lid, before, made))
            assert resource.provisioned is not None
            cleanup.append((lid, kind, resource.provisioned, resource.update_replace_policy))
            resource.provisioned = made
        else:
            engine.event(stack, lid, kind, "UPDATE_IN_PROGRESS", physical_id=resource.physical_id, properties=literal)
            props = engine.resolved(spec, literal, scope, cache)
            undo.append(_Undo("modified", lid, before, changed=changed))
            assert resource.provisioned is not None
            resource.provisioned = handler.update(engine.context(stack, lid), resource.provisioned, resource.properties, props, changed)
        resource.properties, resource.metadata = literal, spec.metadata
    except Exception as exc:  # noqa: BLE001 - every failure of a resource is a stack event
        if literal is not None and undo and undo[-1].logical_id == lid and undo[-1].kind == "modified":
            resource.properties = literal  # what may have been applied in part, for the rollback to undo
        resource.status, resource.reason = "UPDATE_FAILED", engine.reason(exc, kind)
        engine.event(stack, lid, kind, "UPDATE_FAILED", resource.reason, resource.physical_id, literal)
        return False
    resource.status, resource.updated, resource.reason = "UPDATE_COMPLETE", engine.clock.now, None
    engine.event(stack, lid, kind, "UPDATE_COMPLETE", physical_id=resource.physical_id, properties=literal)
    return True


def update(engine: Engine, stack: Stack, old: Scope, new: Scope, disable_rollback: bool,
           finish: Callable[[Scope], str | None], cache: dict[str, str]) -> bool:
    """Run UpdateStack; True if the stack now matches the new template."""
    engine.stack_event(stack, "UPDATE_IN_PROGRESS", "User Initiated")
    undo: list[_Undo] = []
    cleanup: list[tuple[str, str, Provisioned, str]] = []
    failed = None
    for logical_id in _order(new):
        spec = new.template.resources[logical_id]
        existing = stack.resources.get(logical_id)
        if existing is None or existing.provisioned is None or existing.status == "DELETE_COMPLETE":
            stack.resources.pop(logical_id, None)
            ok = engine.create_resource(stack, new, spec, cache)
            undo.append(_Undo("added", logical_id))
            if not ok:
                failed = f"The following resource(s) failed to create: [{logical_id}]. "
        elif not _modify(engine, stack, new, spec, cache, undo, cleanup):
            failed = f"The following resource(s) failed to update: [{logical_id}]. "
        if failed:
            break
    if failed is None:
        failed = finish(new)
    if failed is not None:
        if disable_rollback:
            engine.stack_event(stack, "UPDATE_FAILED", failed)
            return False
        _rollback(engine, stack, old, undo, failed)
        return False
    engine.stack_event(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    for lid, kind, provisioned, policy in reversed(cleanup):
        _clean(engine, stack, lid, kind, provisioned, retain=policy == "Retain")
    alive = set(new.active)
    removed = [lid for lid in reversed(_order(old)) if lid not in alive and lid in stack.resources]
    removed += [lid for lid in stack.resources if lid not in alive and lid not in removed]
    for lid in removed:
        resource = stack.resources[lid]
        engine.delete_resource(stack, resource, retain=resource.deletion_policy in ("Retain", "RetainExceptOnCreate"))
        del stack.resources[lid]
    for resource in stack.resources.values():
        resource.created_by_operation = False
    engine.stack_event(stack, "UPDATE_COMPLETE")
    return True


def _clean(engine: Engine, stack: Stack, lid: str, kind: str, provisioned: Provisioned, *, retain: bool) -> None:
    if retain:
        engine.event(stack, lid, kind, "DELETE_SKIPPED", physical_id=provisioned.physical_id)
        return
    engine.event(stack, lid, kind, "DELETE_IN_PROGRESS", physical_id=provisioned.physical_id)
    try:
        engine.delete_provisioned(stack, lid, kind, provisioned)
    except Exception as exc:  # noqa: BLE001 - a cleanup failure does not fail the update, as on AWS
        engine.event(stack, lid, kind, "DELETE_FAILED", engine.reason(exc, kind), provisioned.physical_id)
        return
    engine.event(stack, lid, kind, "DELETE_COMPLETE", physical_id=provisioned.physical_id)


def _rollback(engine: Engine, stack: Stack, old: Scope, undo: list[_Undo], reason: str) -> None:
    engine.stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS", reason)
    ok = True
    cache: dict[str, str] = {}
    made: list[tuple[str, str, Provisioned]] = []
    for step in reversed(undo):
        resource = stack.resources.get(step.logical_id)
        if step.kind == "added":
            if resource is not None and resource.provisioned is not None:
                made.append((step.logical_id, resource.resource_type, resource.provisioned))
            stack.resources.pop(step.logical_id, None)
            continue
        assert step.before is not None and resource is not None
        lid, kind = step.logical_id, step.before.resource_type
        if step.kind == "replaced":
            assert step.made is not None
            made.append((lid, kind, step.made))
            stack.resources[lid] = step.before
            step.before.status = "UPDATE_COMPLETE"
            engine.event(stack, lid, kind, "UPDATE_COMPLETE", physical_id=step.before.physical_id, properties=step.before.properties)
            continue
        engine.event(stack, lid, kind, "UPDATE_IN_PROGRESS", physical_id=resource.physical_id, properties=step.before.properties)
        try:
            spec = old.template.resources[lid]
            props = engine.resolved(spec, step.before.properties, old, cache)
            assert resource.provisioned is not None
            restored = REGISTRY[kind].update(
                engine.context(stack, lid), resource.provisioned, resource.properties, props, step.changed
            )
        except Exception as exc:  # noqa: BLE001
            ok = False
            resource.status, resource.reason = "UPDATE_FAILED", engine.reason(exc, kind)
            engine.event(stack, lid, kind, "UPDATE_FAILED", resource.reason, resource.physical_id, step.before.properties)
            continue
        step.before.provisioned = restored
        step.before.status = "UPDATE_COMPLETE"
        stack.resources[lid] = step.before
        engine.event(stack, lid, kind, "UPDATE_COMPLETE", physical_id=step.before.physical_id, properties=step.before.properties)
    if not ok:
        engine.stack_event(stack, "UPDATE_ROLLBACK_FAILED", "The following resource(s) failed to update back to their previous state.")
        return
    engine.stack_event(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    for lid, kind, provisioned in made:
        _clean(engine, stack, lid, kind, provisioned, retain=False)
    engine.stack_event(stack, "UPDATE_ROLLBACK_COMPLETE")
