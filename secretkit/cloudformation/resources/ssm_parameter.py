"""``AWS::SSM::Parameter``: a Parameter Store parameter of type ``String`` or ``StringList``.

CloudFormation cannot make ``SecureString`` parameters (the registry schema allows only
the two plain types), which is why templates reach secure values through dynamic
references instead. Properties: ``Name`` (replacement; CloudFormation makes one up as
``<stack>-<LogicalId>-<RANDOM>`` when it is left out), ``Type``, ``Value``,
``Description``, ``AllowedPattern``, ``Tier``, ``Policies``, ``DataType``, ``Tags`` (an
object of key/value pairs, not a list, for this type).

An update writes a new version (``PutParameter`` with ``Overwrite``). Ref returns the
parameter's name; ``Fn::GetAtt`` gives ``Type``, ``Value`` and ``Arn``.
"""

from __future__ import annotations

from typing import Any

from .base import Provisioned, ResourceContext, ResourceType, register

__all__ = ["SsmParameter"]

_OPTIONAL = ("Description", "AllowedPattern", "Tier", "Policies", "DataType")


def _value(props: dict[str, Any]) -> str:
    value = props["Value"]
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _attributes(ctx: ResourceContext, name: str, props: dict[str, Any]) -> dict[str, Any]:
    arn = ctx.arn("ssm", f"parameter/{name.lstrip('/')}")
    return {"Type": str(props["Type"]), "Value": _value(props), "Arn": arn}


@register
class SsmParameter(ResourceType):
    type_name = "AWS::SSM::Parameter"
    service_label = "Ssm"
    name_property = "Name"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        ssm = ctx.service("ssm")
        name = str(props.get("Name") or ctx.generated_name(max_length=2048))
        args: dict[str, Any] = {"Name": name, "Value": _value(props), "Type": str(props["Type"])}
        for key in _OPTIONAL:
            if props.get(key) is not None:
                args[key] = str(props[key])
        if props.get("Tags"):
            args["Tags"] = [{"Key": str(k), "Value": str(v)} for k, v in dict(props["Tags"]).items()]
        ssm.put_parameter(**args)
        return Provisioned(name, name, _attributes(ctx, name, props))

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        ssm = ctx.service("ssm")
        name = current.physical_id
        if changed - {"Tags"}:
            args: dict[str, Any] = {"Name": name, "Value": _value(new), "Type": str(new["Type"]), "Overwrite": True}
            for key in _OPTIONAL:
                if new.get(key) is not None:
                    args[key] = str(new[key])
            ssm.put_parameter(**args)
        if "Tags" in changed:
            before, after = dict(old.get("Tags") or {}), dict(new.get("Tags") or {})
            gone = [k for k in before if k not in after]
            if gone:
                ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId=name, TagKeys=gone)
            fresh = [{"Key": str(k), "Value": str(v)} for k, v in after.items() if before.get(k) != v]
            if fresh:
                ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId=name, Tags=fresh)
        current.attributes = _attributes(ctx, name, new)
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        ctx.service("ssm").delete_parameter(Name=current.physical_id)
