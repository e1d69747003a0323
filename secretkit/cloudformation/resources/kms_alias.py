"""``AWS::KMS::Alias``: a friendly name (``alias/...``) for a customer managed key.

``AliasName`` must start with ``alias/`` and may not use the ``alias/aws/`` prefix AWS
keeps for its own keys; changing it replaces the alias. ``TargetKeyId`` (a key id or
ARN) updates in place. Ref returns the alias name; there are no ``Fn::GetAtt``
attributes.
"""

from __future__ import annotations

from typing import Any

from .base import Provisioned, ResourceContext, ResourceType, register

__all__ = ["KmsAlias"]


@register
class KmsAlias(ResourceType):
    type_name = "AWS::KMS::Alias"
    service_label = "Kms"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        name = str(props["AliasName"])
        ctx.service("kms").create_alias(AliasName=name, TargetKeyId=str(props["TargetKeyId"]))
        return Provisioned(name, name)

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        if "TargetKeyId" in changed:
            ctx.service("kms").update_alias(AliasName=current.physical_id, TargetKeyId=str(new["TargetKeyId"]))
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        ctx.service("kms").delete_alias(AliasName=current.physical_id)
