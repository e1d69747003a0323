"""The records, shaped as boto3 returns them (``DescribeStacks``, ``DescribeStackEvents`` ...).

Only what AWS shows is shown: ``NoEcho`` parameters as ``****``, resource properties with
dynamic references as their text, no value ever read through a reference.
"""

from __future__ import annotations

import json
from typing import Any

from .parameters import MASK
from .stacks import ChangeSet, Stack, StackEvent, StackResource

__all__ = [
    "change_set_out",
    "change_set_summary",
    "event_out",
    "parameters_out",
    "resource_detail",
    "resource_out",
    "resource_summary",
    "stack_out",
    "stack_summary",
]


def parameters_out(values: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for value in values.values():
        entry: dict[str, Any] = {"ParameterKey": value.key, "ParameterValue": MASK if value.no_echo else value.value}
        if value.resolved is not None:
            entry["ResolvedValue"] = MASK if value.no_echo else value.resolved
        out.append(entry)
    return out


def stack_out(stack: Stack) -> dict[str, Any]:
    out: dict[str, Any] = {"StackId": stack.stack_id, "StackName": stack.name}
    if stack.description is not None:
        out["Description"] = stack.description
    if stack.parameters:
        out["Parameters"] = parameters_out(stack.parameters)
    out["CreationTime"] = stack.created
    if stack.updated is not None:
        out["LastUpdatedTime"] = stack.updated
    if stack.deleted is not None:
        out["DeletionTime"] = stack.deleted
    out["RollbackConfiguration"] = {}
    out["StackStatus"] = stack.status
    if stack.reason:
        out["StackStatusReason"] = stack.reason
    out["DisableRollback"] = stack.disable_rollback
    out["NotificationARNs"] = list(stack.notification_arns)
    if stack.timeout is not None:
        out["TimeoutInMinutes"] = stack.timeout
    if stack.capabilities:
        out["Capabilities"] = list(stack.capabilities)
    if stack.outputs:
        out["Outputs"] = [dict(o) for o in stack.outputs]
    if stack.role_arn:
        out["RoleARN"] = stack.role_arn
    out["Tags"] = [dict(t) for t in stack.tags]
    out["EnableTerminationProtection"] = stack.termination_protection
    out["DriftInformation"] = {"StackDriftStatus": "NOT_CHECKED"}
    return out


def stack_summary(stack: Stack) -> dict[str, Any]:
    out: dict[str, Any] = {"StackId": stack.stack_id, "StackName": stack.name}
    if stack.description is not None:
        out["TemplateDescription"] = stack.description
    out["CreationTime"] = stack.created
    if stack.updated is not None:
        out["LastUpdatedTime"] = stack.updated
    if stack.deleted is not None:
        out["DeletionTime"] = stack.deleted
    out["StackStatus"] = stack.status
    if stack.reason:
        out["StackStatusReason"] = stack.reason
    out["DriftInformation"] = {"StackDriftStatus": "NOT_CHECKED"}
    return out


def event_out(stack: Stack, event: StackEvent) -> dict[str, Any]:
    out: dict[str, Any] = {
        "StackId": stack.stack_id,
        "EventId": event.event_id,
        "StackName": stack.name,
        "LogicalResourceId": event.logical_id,
        "PhysicalResourceId": event.physical_id,
        "ResourceType": event.resource_type,
        "Timestamp": event.timestamp,
        "ResourceStatus": event.status,
    }
    if event.reason:
        out["ResourceStatusReason"] = event.reason
    if event.properties is not None:
        out["ResourceProperties"] = event.properties
    return out


def _base(stack: Stack, resource: StackResource) -> dict[str, Any]:
    out: dict[str, Any] = {"LogicalResourceId": resource.logical_id}
    if resource.physical_id:
        out["PhysicalResourceId"] = resource.physical_id
    out["ResourceType"] = resource.resource_type
    return out


def resource_out(stack: Stack, resource: StackResource) -> dict[str, Any]:
    out = {"StackName": stack.name, "StackId": stack.stack_id, **_base(stack, resource)}
    out["Timestamp"] = resource.updated
    out["ResourceStatus"] = resource.status
    if resource.reason:
        out["ResourceStatusReason"] = resource.reason
    out["DriftInformation"] = {"StackResourceDriftStatus": "NOT_CHECKED"}
    return out


def resource_detail(stack: Stack, resource: StackResource) -> dict[str, Any]:
    out = {"StackName": stack.name, "StackId": stack.stack_id, **_base(stack, resource)}
    out["LastUpdatedTimestamp"] = resource.updated
    out["ResourceStatus"] = resource.status
    if resource.reason:
        out["ResourceStatusReason"] = resource.reason
    if resource.metadata is not None:
        out["Metadata"] = json.dumps(resource.metadata)
    out["DriftInformation"] = {"StackResourceDriftStatus": "NOT_CHECKED"}
    return out


def resource_summary(stack: Stack, resource: StackResource) -> dict[str, Any]:
    out = _base(stack, resource)
    out["LastUpdatedTimestamp"] = resource.updated
    out["ResourceStatus"] = resource.status
    if resource.reason:
        out["ResourceStatusReason"] = resource.reason
    out["DriftInformation"] = {"StackResourceDriftStatus": "NOT_CHECKED"}
    return out


def change_set_out(change_set: ChangeSet) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ChangeSetName": change_set.name,
        "ChangeSetId": change_set.change_set_id,
        "StackId": change_set.stack_id,
        "StackName": change_set.stack_name,
    }
    if change_set.description is not None:
        out["Description"] = change_set.description
    if change_set.parameters:
        out["Parameters"] = parameters_out(change_set.parameters)
    out["CreationTime"] = change_set.created
    out["ExecutionStatus"] = change_set.execution_status
    out["Status"] = change_set.status
    if change_set.status_reason:
        out["StatusReason"] = change_set.status_reason
    out["NotificationARNs"] = list(change_set.notification_arns)
    out["RollbackConfiguration"] = {}
    out["Capabilities"] = list(change_set.capabilities)
    out["Tags"] = [dict(t) for t in change_set.tags]
    out["Changes"] = [dict(c) for c in change_set.changes]
    out["IncludeNestedStacks"] = False
    return out


def change_set_summary(change_set: ChangeSet) -> dict[str, Any]:
    out = {k: v for k, v in change_set_out(change_set).items() if k not in ("Parameters", "Changes", "Capabilities", "Tags", "NotificationARNs", "RollbackConfiguration")}
    return out
