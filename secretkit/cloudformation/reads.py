"""CloudFormation's read-only operations: describing stacks, events, resources, templates.

Paged operations (``DescribeStackEvents``, ``ListStackResources``, ``ListStacks``,
``ListExports``) return at most 100 items and an opaque ``NextToken``; events come newest
first. Deleted stacks stay visible by stack id (and in ``ListStacks``), not by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .basis import decode_token, encode_token, fail, operation
from .describe import (
    change_set_out,
    change_set_summary,
    event_out,
    resource_detail,
    resource_out,
    resource_summary,
    stack_out,
    stack_summary,
)
from .preparation import capabilities_needed
from .template import Template

if TYPE_CHECKING:
    from .service import CloudFormation

__all__ = ["ReadOperations"]

_PAGE = 100


def _page(items: list[Any], token: object) -> tuple[list[Any], str | None]:
    start = 0
    if token is not None:
        start = decode_token(token, "ValidationError", "Invalid NextToken").get("start", -1)
        if type(start) is not int or not 0 <= start <= len(items):
            raise fail("ValidationError", "Invalid NextToken")
    page = items[start : start + _PAGE]
    more = start + _PAGE < len(items)
    return page, encode_token({"start": start + _PAGE}) if more else None


def _paged(key: str, items: list[Any], token: object) -> dict[str, Any]:
    page, next_token = _page(items, token)
    out: dict[str, Any] = {key: page}
    if next_token is not None:
        out["NextToken"] = next_token
    return out


class ReadOperations:
    """The describing half of :class:`~.service.CloudFormation` (``self`` is the service)."""

    @operation("DescribeStacks")
    def describe_stacks(self: "CloudFormation", *, StackName: str | None = None, NextToken: str | None = None) -> dict[str, Any]:
        if StackName is not None:
            return {"Stacks": [stack_out(self.store.get(StackName))]}
        stacks = [stack_out(s) for s in self.store.by_name.values()]
        return _paged("Stacks", stacks, NextToken)

    @operation("DescribeStackEvents")
    def describe_stack_events(self: "CloudFormation", *, StackName: str, NextToken: str | None = None) -> dict[str, Any]:
        stack = self.store.get(StackName)
        events = [event_out(stack, e) for e in reversed(stack.events)]
        return _paged("StackEvents", events, NextToken)

    @operation("DescribeStackResource")
    def describe_stack_resource(self: "CloudFormation", *, StackName: str, LogicalResourceId: str) -> dict[str, Any]:
        stack = self.store.get(StackName)
        resource = stack.resources.get(LogicalResourceId)
        if resource is None:
            raise fail("ValidationError", f"Resource {LogicalResourceId} does not exist for stack {stack.name}")
        return {"StackResourceDetail": resource_detail(stack, resource)}

    @operation("DescribeStackResources")
    def describe_stack_resources(
        self: "CloudFormation", *, StackName: str | None = None, LogicalResourceId: str | None = None,
        PhysicalResourceId: str | None = None,
    ) -> dict[str, Any]:
        if StackName is None and PhysicalResourceId is None:
            raise fail("ValidationError", "Either StackName or PhysicalResourceId must be specified.")
        if StackName is not None:
            stack = self.store.get(StackName)
        else:
            found = next(
                (s for s in self.store.by_name.values() for r in s.resources.values() if r.physical_id == PhysicalResourceId),
                None,
            )
            if found is None:
                raise fail("ValidationError", f"Stack for {PhysicalResourceId} does not exist")
            stack = found
        rows = [
            resource_out(stack, r) for r in stack.resources.values()
            if LogicalResourceId is None or r.logical_id == LogicalResourceId
        ]
        return {"StackResources": rows}

    @operation("ListStackResources")
    def list_stack_resources(self: "CloudFormation", *, StackName: str, NextToken: str | None = None) -> dict[str, Any]:
        stack = self.store.get(StackName)
        rows = [resource_summary(stack, r) for r in stack.resources.values()]
        return _paged("StackResourceSummaries", rows, NextToken)

    @operation("ListStacks")
    def list_stacks(self: "CloudFormation", *, NextToken: str | None = None, StackStatusFilter: list[str] | None = None) -> dict[str, Any]:
        wanted = set(StackStatusFilter) if StackStatusFilter else None
        rows = [stack_summary(s) for s in reversed(self.store.by_id.values()) if wanted is None or s.status in wanted]
        return _paged("StackSummaries", rows, NextToken)

    @operation("GetTemplate")
    def get_template(
        self: "CloudFormation", *, StackName: str | None = None, ChangeSetName: str | None = None,
        TemplateStage: str | None = None,
    ) -> dict[str, Any]:
        if TemplateStage is not None and TemplateStage not in ("Original", "Processed"):
            raise fail("ValidationError", "TemplateStage must be Original or Processed.")
        if ChangeSetName is not None:
            template: Template | None = self.store.change_set(ChangeSetName, StackName).template
        elif StackName is not None:
            template = self.store.get(StackName).template
        else:
            raise fail("ValidationError", "Either StackName or ChangeSetName must be specified.")
        if template is None:
            raise fail("ValidationError", f"Stack with id {StackName} does not have a template")
        # Without transforms the processed template is the original one, text and all.
        if TemplateStage == "Processed" and template.processed_body is not None:
            return {"TemplateBody": template.processed_body, "StagesAvailable": ["Original", "Processed"]}
        return {"TemplateBody": template.body, "StagesAvailable": ["Original", "Processed"]}

    @operation("DescribeChangeSet")
    def describe_change_set(
        self: "CloudFormation", *, ChangeSetName: str, StackName: str | None = None, NextToken: str | None = None,
        IncludePropertyValues: bool | None = None,
    ) -> dict[str, Any]:
        return change_set_out(self.store.change_set(ChangeSetName, StackName))

    @operation("ListChangeSets")
    def list_change_sets(self: "CloudFormation", *, StackName: str, NextToken: str | None = None) -> dict[str, Any]:
        stack = self.store.get(StackName)
        rows = [change_set_summary(cs) for cs in self.store.change_sets.values() if cs.stack_id == stack.stack_id]
        return _paged("Summaries", rows, NextToken)

    @operation("ListExports")
    def list_exports(self: "CloudFormation", *, NextToken: str | None = None) -> dict[str, Any]:
        rows = [{"ExportingStackId": owner, "Name": name, "Value": value} for name, (owner, value) in self.store.exports.items()]
        return _paged("Exports", rows, NextToken)

    def template_summary(self: "CloudFormation", template: Template) -> dict[str, Any]:
        """ValidateTemplate's answer for a checked template."""
        parameters = []
        for spec in template.parameters.values():
            entry: dict[str, Any] = {"ParameterKey": spec.name}
            if spec.default is not None:
                entry["DefaultValue"] = spec.default
            entry["NoEcho"] = spec.no_echo
            if spec.description is not None:
                entry["Description"] = spec.description
            parameters.append(entry)
        out: dict[str, Any] = {"Parameters": parameters}
        if template.description is not None:
            out["Description"] = template.description
        capabilities, reason = capabilities_needed(template)
        if template.transforms:  # ValidateTemplate does not run a transform: it says one is needed
            capabilities = [*capabilities, "CAPABILITY_AUTO_EXPAND"]
            named = f"[{', '.join(template.transforms)}]"
            reason = f"{reason}; {named}" if reason else f"The following resource(s) require capabilities: {named}"
        out["Capabilities"] = capabilities
        if reason is not None:
            out["CapabilitiesReason"] = reason
        out["DeclaredTransforms"] = list(template.transforms)
        return out
