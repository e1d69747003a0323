"""``AWS::SecretsManager::ResourcePolicy``: a resource-based policy attached to a secret.

``ResourcePolicy`` may be written as a JSON object (the usual YAML form) or as a JSON
string. ``BlockPublicPolicy`` refuses a policy that would grant broad access; the
CloudFormation resource turns it **on unless told otherwise**, unlike the
``PutResourcePolicy`` API call. Ref and ``Fn::GetAtt Id`` return the secret's ARN;
deleting the resource deletes the policy.
"""

from __future__ import annotations

import json
from typing import Any

from .base import Provisioned, ResourceContext, ResourceType, as_bool, register

__all__ = ["ResourcePolicy"]


def _put(ctx: ResourceContext, props: dict[str, Any]) -> str:
    policy = props["ResourcePolicy"]
    text = policy if isinstance(policy, str) else json.dumps(policy)
    block = as_bool(props.get("BlockPublicPolicy", True), "BlockPublicPolicy")
    out = ctx.service("secretsmanager").put_resource_policy(
        SecretId=str(props["SecretId"]), ResourcePolicy=text, BlockPublicPolicy=block
    )
    return str(out["ARN"])


@register
class ResourcePolicy(ResourceType):
    type_name = "AWS::SecretsManager::ResourcePolicy"
    service_label = "SecretsManager"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        arn = _put(ctx, props)
        return Provisioned(arn, arn, {"Id": arn})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        _put(ctx, new)
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        ctx.service("secretsmanager").delete_resource_policy(SecretId=current.physical_id)
