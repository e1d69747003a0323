"""What the names in a template mean during one stack operation.

:class:`Scope` answers the :class:`~.intrinsics.Evaluator`'s questions for one stack and
one template: a parameter's value, a pseudo parameter (``AWS::Region``, ``AWS::StackName``
...), a resource's Ref value or attribute, a condition, an export. Resources named in
``pending`` (not made yet, or about to be replaced) are :data:`~.intrinsics.UNKNOWN`.

Conditions are computed once per operation from the parameters (they may not mention
resources), and a resource or output whose condition is false does not exist for that
operation: a ``Ref`` to it outside an ``Fn::If`` fails as an unresolved dependency.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from .intrinsics import NO_VALUE, UNKNOWN, Evaluator, TemplateError
from .parameters import ParameterValue
from .stacks import Stack
from .template import Template

__all__ = ["Scope", "compute_conditions"]

_UNRESOLVED = "Template format error: Unresolved resource dependencies [{}] in the {} block of the template"


def compute_conditions(
    template: Template, base: Callable[[str], Any], region: str
) -> dict[str, bool]:
    """Every condition's value; ``base`` answers Refs (parameters and pseudo parameters only)."""
    values: dict[str, bool] = {}
    busy: set[str] = set()

    def condition(name: str) -> bool:
        if name in values:
            return values[name]
        if name not in template.conditions:
            raise TemplateError(f"Template format error: Unresolved condition dependencies [{name}] in the template")
        if name in busy:
            raise TemplateError(f"Template format error: Circular condition dependency on {name}")
        busy.add(name)
        values[name] = evaluator.condition_value(template.conditions[name])
        busy.discard(name)
        return values[name]

    def no_resources(logical_id: str, attribute: str) -> Any:
        raise TemplateError(f"Template format error: Unresolved resource dependencies [{logical_id}] in the Conditions block of the template")

    def no_imports(name: str) -> Any:
        raise TemplateError("Template error: Fn::ImportValue is not allowed in the Conditions block")

    evaluator = Evaluator(region, template.mappings, base, no_resources, condition, no_imports)
    for name in template.conditions:
        condition(name)
    return values


class Scope:
    """The names of one stack operation (see the module docstring)."""

    def __init__(
        self,
        stack: Stack,
        template: Template,
        parameters: Mapping[str, ParameterValue],
        *,
        region: str,
        account_id: str,
        import_value: Callable[[str], Any],
    ) -> None:
        self.stack = stack
        self.template = template
        self.parameters = parameters
        self.region = region
        self.account_id = account_id
        self._import = import_value
        self.pending: set[str] = set()
        self.order: list[str] | None = None  # creation order, filled in by the engine
        self.block = "Resources"
        self.imported: set[str] = set()
        self.conditions = compute_conditions(template, self.base_ref, region)
        self.active = [
            lid for lid, spec in template.resources.items() if spec.condition is None or self.conditions.get(spec.condition, False)
        ]
        self._active = set(self.active)
        self.evaluator = Evaluator(region, template.mappings, self.ref, self.get_att, self.condition, self.import_value)

    # ------------------------------------------------------------------ names
    def base_ref(self, name: str) -> Any:
        """A parameter or pseudo parameter."""
        if name in self.parameters:
            return self.parameters[name].ref
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack.name,
            "AWS::StackId": self.stack.stack_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        if name == "AWS::NotificationARNs":
            return list(self.stack.notification_arns)
        if name == "AWS::NoValue":
            return NO_VALUE
        raise TemplateError(_UNRESOLVED.format(name, self.block))

    def _resource(self, logical_id: str) -> Any:
        if logical_id not in self._active:
            raise TemplateError(_UNRESOLVED.format(logical_id, self.block))
        if logical_id in self.pending:
            return None
        resource = self.stack.resources.get(logical_id)
        if resource is None or resource.provisioned is None:
            return None
        return resource.provisioned

    def ref(self, name: str) -> Any:
        if name in self.template.resources:
            provisioned = self._resource(name)
            return UNKNOWN if provisioned is None else provisioned.ref
        return self.base_ref(name)

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if logical_id not in self.template.resources:
            raise TemplateError(f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}")
        provisioned = self._resource(logical_id)
        if provisioned is None:
            return UNKNOWN
        if attribute not in provisioned.attributes:
            raise TemplateError(f"Template error: resource {logical_id} does not support attribute type {attribute} in Fn::GetAtt")
        return provisioned.attributes[attribute]

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise TemplateError(f"Template format error: Unresolved condition dependencies [{name}] in the template")
        return self.conditions[name]

    def import_value(self, name: str) -> Any:
        self.imported.add(name)
        return self._import(name)

    # ---------------------------------------------------------------- helpers
    def value(self, node: Any) -> Any:
        return self.evaluator.value(node)

    def outputs(self) -> list[dict[str, Any]]:
        """The active outputs, evaluated (``Description``, ``ExportName`` where declared)."""
        self.block = "Outputs"
        try:
            out = []
            for key, spec in self.template.outputs.items():
                if spec.get("Condition") is not None and not self.condition(str(spec["Condition"])):
                    continue
                entry: dict[str, Any] = {"OutputKey": key, "OutputValue": self.value(spec.get("Value"))}
                if spec.get("Description") is not None:
                    entry["Description"] = self.value(spec["Description"])
                if isinstance(spec.get("Export"), dict) and "Name" in spec["Export"]:
                    entry["ExportName"] = self.value(spec["Export"]["Name"])
                out.append(entry)
            return out
        finally:
            self.block = "Resources"
