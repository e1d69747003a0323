"""``AWS::KMS::Key``: a customer managed KMS key.

Properties: ``Description``, ``KeyPolicy`` (a JSON object or string; without one the
registry's default policy applies, letting the account's IAM policies grant use of the
key), ``Enabled``, ``EnableKeyRotation`` with ``RotationPeriodInDays``,
``PendingWindowInDays`` (7-30, default 30: the wait before a removed key is really
gone), ``KeySpec``, ``KeyUsage``, ``MultiRegion``, ``Origin``, ``Tags``.

Every property updates in place. ``KeySpec``, ``KeyUsage``, ``MultiRegion`` and
``Origin`` cannot change at all: such an update fails (AWS does not replace the key,
because a replaced key could no longer decrypt what the old one encrypted).

Removing the resource (or the stack) **schedules** the key's deletion: it stays
``PendingDeletion`` for ``PendingWindowInDays`` and cannot be used. Ref returns the key
id; ``Fn::GetAtt`` gives ``Arn`` and ``KeyId``.

The KMS model does not evaluate key policies yet; the policy is checked for size by
``CreateKey`` and kept with the stack resource.
"""

from __future__ import annotations

import json
from typing import Any

from .base import Provisioned, ResourceContext, ResourceFailure, ResourceType, as_bool, as_int, changed_tags, register

__all__ = ["KmsKey", "default_policy"]

_FIXED = {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "MultiRegion": False, "Origin": "AWS_KMS"}


def default_policy(account_id: str) -> dict[str, Any]:
    """The key policy CloudFormation applies when ``KeyPolicy`` is left out."""
    return {
        "Version": "2012-10-17",
        "Id": "key-default",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


def _policy(ctx: ResourceContext, props: dict[str, Any]) -> str:
    policy = props.get("KeyPolicy") or default_policy(ctx.account_id)
    return policy if isinstance(policy, str) else json.dumps(policy)


def _tags(props: dict[str, Any]) -> list[dict[str, str]]:
    return [{"TagKey": str(t["Key"]), "TagValue": str(t["Value"])} for t in props.get("Tags") or []]


def _rotation(kms: Any, key_id: str, props: dict[str, Any]) -> None:
    if as_bool(props.get("EnableKeyRotation", False), "EnableKeyRotation"):
        period = as_int(props.get("RotationPeriodInDays", 365), "RotationPeriodInDays")
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=period)
    else:
        kms.disable_key_rotation(KeyId=key_id)


@register
class KmsKey(ResourceType):
    type_name = "AWS::KMS::Key"
    service_label = "Kms"
    replace_on = frozenset()

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        kms = ctx.service("kms")
        args: dict[str, Any] = {"Description": str(props.get("Description", "")), "Policy": _policy(ctx, props)}
        for key in ("KeySpec", "KeyUsage", "Origin"):
            if key in props:
                args[key] = str(props[key])
        if "MultiRegion" in props:
            args["MultiRegion"] = as_bool(props["MultiRegion"], "MultiRegion")
        if props.get("Tags"):
            args["Tags"] = _tags(props)
        meta = kms.create_key(**args)["KeyMetadata"]
        key_id = meta["KeyId"]
        try:
            if as_bool(props.get("EnableKeyRotation", False), "EnableKeyRotation"):
                _rotation(kms, key_id, props)
            if not as_bool(props.get("Enabled", True), "Enabled"):
                kms.disable_key(KeyId=key_id)
        except Exception:
            kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
            raise
        state = {"policy": args["Policy"], "window": as_int(props.get("PendingWindowInDays", 30), "PendingWindowInDays")}
        return Provisioned(key_id, key_id, {"Arn": meta["Arn"], "KeyId": key_id}, state)

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        kms = ctx.service("kms")
        key_id = current.physical_id
        # Compare with the key as it is, not as last written: a rollback after a part-done
        # update then puts back exactly what differs.
        actual = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        fixed = [
            name for name, default in _FIXED.items()
            if str(new.get(name, default)).lower() != str(actual.get(name, default)).lower()
        ]
        if fixed:
            raise ResourceFailure(
                f"{', '.join(fixed)} of an existing KMS key cannot be changed; declare a new AWS::KMS::Key instead."
            )

        def differs(*names: str) -> bool:
            return any(name in changed and old.get(name) != new.get(name) for name in names)

        enabled = as_bool(new.get("Enabled", True), "Enabled")
        if enabled and not actual["Enabled"]:
            kms.enable_key(KeyId=key_id)
        rotation = kms.get_key_rotation_status(KeyId=key_id)
        wanted = as_bool(new.get("EnableKeyRotation", False), "EnableKeyRotation")
        period = as_int(new.get("RotationPeriodInDays", 365), "RotationPeriodInDays")
        if wanted != rotation["KeyRotationEnabled"] or (wanted and period != rotation.get("RotationPeriodInDays", period)):
            _rotation(kms, key_id, new)
        if not enabled and actual["Enabled"]:
            kms.disable_key(KeyId=key_id)
        if str(new.get("Description", "")) != actual["Description"]:
            kms.update_key_description(KeyId=key_id, Description=str(new.get("Description", "")))
        if differs("Tags"):
            to_set, to_remove = changed_tags(old.get("Tags"), new.get("Tags"))
            if to_remove:
                kms.untag_resource(KeyId=key_id, TagKeys=to_remove)
            if to_set:
                kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": k, "TagValue": str(v)} for k, v in to_set.items()])
        current.state["policy"] = _policy(ctx, new)
        current.state["window"] = as_int(new.get("PendingWindowInDays", 30), "PendingWindowInDays")
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        kms = ctx.service("kms")
        key = kms.describe_key(KeyId=current.physical_id)["KeyMetadata"]
        if key["KeyState"] != "PendingDeletion":
            kms.schedule_key_deletion(KeyId=current.physical_id, PendingWindowInDays=int(current.state.get("window", 30)))
