"""The records of CloudFormation: stacks, their resources and events, and change sets.

A :class:`StackResource` keeps two views of what it was given: ``properties`` as the
template wrote them after the intrinsic functions ran but **with dynamic references
still unresolved**, which is what updates compare and events show; and nothing else.
Resolved values are used for the call to the service and then dropped, so a stack never
holds a secret it read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .parameters import ParameterValue
from .resources.base import Provisioned
from .template import Template

__all__ = ["ChangeSet", "Stack", "StackEvent", "StackResource", "TERMINAL_FAILED", "IN_PROGRESS"]

#: Stack statuses from which only DeleteStack is possible.
TERMINAL_FAILED = frozenset({"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"})
IN_PROGRESS = frozenset(
    {
        "CREATE_IN_PROGRESS",
        "ROLLBACK_IN_PROGRESS",
        "DELETE_IN_PROGRESS",
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    }
)


@dataclass(frozen=True, slots=True)
class StackEvent:
    """One line of DescribeStackEvents."""

    event_id: str
    logical_id: str
    physical_id: str
    resource_type: str
    timestamp: datetime
    status: str
    reason: str | None = None
    properties: str | None = None  # JSON of the properties as written (references unresolved)
    token: str | None = None


@dataclass(slots=True)
class StackResource:
    """One resource of a stack, as CloudFormation tracks it."""

    logical_id: str
    resource_type: str
    status: str
    updated: datetime
    properties: dict[str, Any] = field(default_factory=dict)
    provisioned: Provisioned | None = None
    reason: str | None = None
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"
    metadata: Any = None
    created_by_operation: bool = False  # made by the operation now running (RetainExceptOnCreate)

    @property
    def physical_id(self) -> str:
        return self.provisioned.physical_id if self.provisioned is not None else ""


@dataclass(slots=True)
class Stack:
    """A stack: its template, parameters, resources, events and status."""

    stack_id: str
    name: str
    created: datetime
    template: Template | None = None
    parameters: dict[str, ParameterValue] = field(default_factory=dict)
    capabilities: list[str] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    notification_arns: list[str] = field(default_factory=list)
    status: str = "CREATE_IN_PROGRESS"
    reason: str | None = None
    updated: datetime | None = None
    deleted: datetime | None = None
    disable_rollback: bool = False
    termination_protection: bool = False
    role_arn: str | None = None
    timeout: int | None = None
    resources: dict[str, StackResource] = field(default_factory=dict)
    events: list[StackEvent] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)  # export name -> value
    imports: set[str] = field(default_factory=set)  # export names this stack imports
    conditions: dict[str, bool] = field(default_factory=dict)
    version: int = 0  # operations run so far; a change set computed at an older version is obsolete

    @property
    def description(self) -> str | None:
        return self.template.description if self.template is not None else None


@dataclass(slots=True)
class ChangeSet:
    """A change set: a proposed operation, computed and waiting to be executed."""

    change_set_id: str
    name: str
    stack_id: str
    stack_name: str
    change_set_type: str
    created: datetime
    template: Template
    parameters: dict[str, ParameterValue]
    capabilities: list[str]
    tags: list[dict[str, str]]
    changes: list[dict[str, Any]]
    description: str | None = None
    status: str = "CREATE_COMPLETE"
    status_reason: str | None = None
    execution_status: str = "AVAILABLE"
    notification_arns: list[str] = field(default_factory=list)
    stack_version: int = 0  # the stack's operation count when computed (later operations make it obsolete)
