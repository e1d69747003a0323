"""The engine: making, changing and removing a stack's resources, with AWS's events.

A stack operation runs to its end inside the API call that starts it: when
``CreateStack`` returns, the stack is already ``CREATE_COMPLETE`` (or rolled back), so a
boto3 waiter's first ``DescribeStacks`` sees the final status and never sleeps. Every
event carries the simulated clock's current time; the clock is not moved.

Create
    ``CREATE_IN_PROGRESS`` (``User Initiated``); each resource in dependency order goes
    ``CREATE_IN_PROGRESS`` -> ``CREATE_IN_PROGRESS`` (``Resource creation Initiated``) ->
    ``CREATE_COMPLETE``; then ``CREATE_COMPLETE``. The first resource that fails stops the
    work (``CREATE_FAILED`` with the service's reason) and, by default, rolls back:
    ``ROLLBACK_IN_PROGRESS`` (``The following resource(s) failed to create: [X].
    Rollback requested by user.``), every resource made so far deleted in reverse order,
    ``ROLLBACK_COMPLETE``: nothing half-made stays behind. ``OnFailure=DO_NOTHING`` (or
    ``DisableRollback``) keeps what was made and ends ``CREATE_FAILED``;
    ``OnFailure=DELETE`` rolls back and deletes the stack too.
Delete
    ``DELETE_IN_PROGRESS``, resources in reverse dependency order, ``DELETE_COMPLETE``.
    ``DeletionPolicy: Retain`` resources are left in place (``DELETE_SKIPPED``) and leave
    CloudFormation's care. A resource that cannot be deleted ends ``DELETE_FAILED``.

Updates live in :mod:`.updates`; both share this class's resource verbs.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from .basis import ClientError, Ids, SecretkitError, SimClock
from .dynamic import Resolvers, substitute
from .findings import property_message
from .graph import creation_order, dependencies
from .intrinsics import TemplateError
from .parameters import MASK, ParameterValue
from .resources.base import REGISTRY, Provisioned, ResourceContext, ResourceFailure, StackServices
from .scope import Scope
from .stacks import Stack, StackEvent, StackResource
from .template import ResourceSpec

__all__ = ["Engine", "STACK_TYPE"]

STACK_TYPE = "AWS::CloudFormation::Stack"
_GONE = frozenset({"ResourceNotFoundException", "NotFoundException", "ParameterNotFound"})
_LABELS = {"secretsmanager": "SecretsManager", "kms": "Kms", "ssm": "Ssm"}


class Engine:
    """Runs stack operations against the account's services."""

    def __init__(
        self,
        *,
        region: str,
        account_id: str,
        clock: SimClock,
        ids: Ids,
        services: StackServices,
        resolvers: Resolvers,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = clock
        self.ids = ids
        self.services = services
        self.resolvers = resolvers
        self._last_properties: object = None
        self._last_text: str | None = None

    # ------------------------------------------------------------------ events
    def event(
        self, stack: Stack, logical_id: str, resource_type: str, status: str, reason: str | None = None,
        physical_id: str = "", properties: dict[str, Any] | None = None,
    ) -> None:
        """Append one stack event (the stack itself is the resource named after the stack)."""
        text = None
        if properties is not None:
            if properties is not self._last_properties:  # one resource's events share one text
                self._last_properties = properties
                self._last_text = _mask(json.dumps(properties, separators=(",", ":"), default=str), stack.parameters)
            text = self._last_text
        stack.events.append(
            StackEvent(self.ids.uuid(), logical_id, physical_id, resource_type, self.clock.now, status, reason, text)
        )

    def stack_event(self, stack: Stack, status: str, reason: str | None = None) -> None:
        stack.status, stack.reason = status, reason
        self.event(stack, stack.name, STACK_TYPE, status, reason, stack.stack_id)

    def context(self, stack: Stack, logical_id: str) -> ResourceContext:
        return ResourceContext(self.services, self.region, self.account_id, stack.name, stack.stack_id, logical_id, self.ids)

    # --------------------------------------------------------------- resources
    def literal(self, scope: Scope, spec: ResourceSpec) -> dict[str, Any]:
        """The properties as written, functions evaluated, references left as text."""
        value = scope.value(spec.properties)
        return value if isinstance(value, dict) else {}

    def resolved(self, spec: ResourceSpec, literal: dict[str, Any], scope: Scope, cache: dict[str, str]) -> dict[str, Any]:
        findings = scope.template.property_findings.get(spec.logical_id)
        if findings:
            raise ResourceFailure(property_message(spec.logical_id, findings))
        return substitute(literal, self.resolvers, cache)  # type: ignore[no-any-return]

    def reason(self, exc: BaseException, resource_type: str) -> str:
        """The failure reason an event shows for an exception from a resource's verbs."""
        if isinstance(exc, ClientError):
            handler = REGISTRY.get(resource_type)
            label = getattr(exc, "service_label", None) or (handler.service_label if handler is not None else "")
            return f"{exc.message} (Service: {label}, Status Code: {exc.status}, Request ID: {self.ids.uuid()})"
        if isinstance(exc, (ResourceFailure, TemplateError, SecretkitError)):
            return str(exc)  # a resource's own reason, or a region that cannot be reached
        return f"Internal Failure: {exc}"

    def create_resource(self, stack: Stack, scope: Scope, spec: ResourceSpec, cache: dict[str, str]) -> bool:
        """Make one resource; False (and a ``CREATE_FAILED`` event) if it fails."""
        now = self.clock.now
        resource = StackResource(
            spec.logical_id, spec.type, "CREATE_IN_PROGRESS", now,
            deletion_policy=spec.deletion_policy, update_replace_policy=spec.update_replace_policy,
            metadata=spec.metadata, created_by_operation=True,
        )
        stack.resources[spec.logical_id] = resource
        literal: dict[str, Any] | None = None
        try:
            literal = self.literal(scope, spec)
            resource.properties = literal
            self.event(stack, spec.logical_id, spec.type, "CREATE_IN_PROGRESS", properties=literal)
            props = self.resolved(spec, literal, scope, cache)
            self.event(stack, spec.logical_id, spec.type, "CREATE_IN_PROGRESS", "Resource creation Initiated", properties=literal)
            resource.provisioned = REGISTRY[spec.type].create(self.context(stack, spec.logical_id), props)
        except Exception as exc:  # noqa: BLE001 - every failure of a resource is a stack event
            resource.status, resource.reason = "CREATE_FAILED", self.reason(exc, spec.type)
            self.event(stack, spec.logical_id, spec.type, "CREATE_FAILED", resource.reason, properties=literal)
            return False
        resource.status, resource.updated = "CREATE_COMPLETE", self.clock.now
        self.event(stack, spec.logical_id, spec.type, "CREATE_COMPLETE", physical_id=resource.physical_id, properties=literal)
        return True

    def delete_provisioned(self, stack: Stack, logical_id: str, resource_type: str, provisioned: Provisioned) -> None:
        """Call the type's delete; a resource already gone counts as deleted."""
        try:
            REGISTRY[resource_type].delete(self.context(stack, logical_id), provisioned)
        except ClientError as exc:
            if exc.code not in _GONE:
                raise

    def delete_resource(self, stack: Stack, resource: StackResource, *, retain: bool) -> bool:
        """Delete (or, if ``retain``, skip) one resource with its events; False if it fails."""
        lid, kind = resource.logical_id, resource.resource_type
        if resource.provisioned is None:
            resource.status = "DELETE_COMPLETE"
            self.event(stack, lid, kind, "DELETE_COMPLETE")
            return True
        if retain:
            resource.status = "DELETE_SKIPPED"
            self.event(stack, lid, kind, "DELETE_SKIPPED", physical_id=resource.physical_id, properties=resource.properties)
            return True
        self.event(stack, lid, kind, "DELETE_IN_PROGRESS", physical_id=resource.physical_id, properties=resource.properties)
        try:
            self.delete_provisioned(stack, lid, kind, resource.provisioned)
        except Exception as exc:  # noqa: BLE001
            resource.status, resource.reason = "DELETE_FAILED", self.reason(exc, kind)
            self.event(stack, lid, kind, "DELETE_FAILED", resource.reason, resource.physical_id, resource.properties)
            return False
        resource.status, resource.updated = "DELETE_COMPLETE", self.clock.now
        self.event(stack, lid, kind, "DELETE_COMPLETE", physical_id=resource.physical_id, properties=resource.properties)
        return True

    # ------------------------------------------------------------------ create
    def create(
        self, stack: Stack, scope: Scope, on_failure: str, finish: Callable[[Scope], str | None], cache: dict[str, str]
    ) -> None:
        """Run CreateStack (or a CREATE change set).

        ``finish`` publishes the outputs and exports and returns a failure reason or None;
        ``cache`` holds the dynamic references already read while the call was checked.
        """
        self.stack_event(stack, "CREATE_IN_PROGRESS", "User Initiated")
        order = _order(scope)
        failed = None
        for logical_id in order:
            if not self.create_resource(stack, scope, scope.template.resources[logical_id], cache):
                failed = f"The following resource(s) failed to create: [{logical_id}]. "
                break
        if failed is None:
            failed = finish(scope)
            if failed is not None:
                failed = failed.rstrip(". ") + ". "
            else:
                for resource in stack.resources.values():
                    resource.created_by_operation = False
                self.stack_event(stack, "CREATE_COMPLETE")
                return
        if on_failure == "DO_NOTHING":
            self.stack_event(stack, "CREATE_FAILED", failed)
            return
        self.stack_event(stack, "ROLLBACK_IN_PROGRESS", failed + "Rollback requested by user.")
        ok = self._remove_all(stack, order, rollback=True)
        self.stack_event(stack, "ROLLBACK_COMPLETE" if ok else "ROLLBACK_FAILED")
        if ok and on_failure == "DELETE":
            self.stack_event(stack, "DELETE_IN_PROGRESS")
            stack.deleted = self.clock.now
            self.stack_event(stack, "DELETE_COMPLETE")

    def _remove_all(self, stack: Stack, creation: list[str], *, rollback: bool, keep: frozenset[str] = frozenset()) -> bool:
        ok = True
        for logical_id in reversed(creation):
            resource = stack.resources.get(logical_id)
            if resource is None or resource.status in ("DELETE_COMPLETE", "DELETE_SKIPPED"):
                continue
            policy = resource.deletion_policy
            retain = logical_id in keep or policy == "Retain" or (policy == "RetainExceptOnCreate" and not rollback)
            if policy == "RetainExceptOnCreate" and rollback and not resource.created_by_operation:
                retain = True
            ok = self.delete_resource(stack, resource, retain=retain) and ok
        return ok

    # ------------------------------------------------------------------ delete
    def delete(self, stack: Stack, scope: Scope | None, keep: frozenset[str]) -> None:
        """Run DeleteStack: resources in reverse dependency order, Retain honoured."""
        self.stack_event(stack, "DELETE_IN_PROGRESS", "User Initiated")
        order = _order(scope) if scope is not None else []
        order += [lid for lid in stack.resources if lid not in order]
        failed = [lid for lid in reversed(order) if not self._delete_one(stack, lid, keep)]
        if failed:
            self.stack_event(stack, "DELETE_FAILED", f"The following resource(s) failed to delete: [{', '.join(failed)}]. ")
            return
        stack.deleted = self.clock.now
        self.stack_event(stack, "DELETE_COMPLETE")

    def _delete_one(self, stack: Stack, logical_id: str, keep: frozenset[str]) -> bool:
        resource = stack.resources.get(logical_id)
        if resource is None or resource.status in ("DELETE_COMPLETE", "DELETE_SKIPPED"):
            return True
        retain = logical_id in keep or resource.deletion_policy in ("Retain", "RetainExceptOnCreate")
        return self.delete_resource(stack, resource, retain=retain)


def _order(scope: Scope) -> list[str]:
    """The scope's creation order (computed once per scope)."""
    if scope.order is None:
        scope.order = creation_order(dependencies(scope.template.resources, scope.active))
    return list(scope.order)


def _mask(text: str, parameters: dict[str, ParameterValue]) -> str:
    """NoEcho parameter values never appear in events."""
    for value in parameters.values():
        if value.no_echo and value.value:
            text = text.replace(json.dumps(value.value)[1:-1], MASK)
    return text
