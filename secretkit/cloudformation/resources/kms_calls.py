"""Five KMS operations the KMS model does not have yet, which the KMS resource types need.

``DeleteAlias``, ``UpdateAlias``, ``UpdateKeyDescription``, ``TagResource`` and
``UntagResource``, written against the KMS model's records with AWS's arguments and
errors, and logged through the same ``operation`` decorator as every KMS call, so
a stack's changes to keys show in the event log and cost meter like any other call.
They belong in the KMS service itself; they live here only until they move there.
"""

from __future__ import annotations

from typing import Any

from ..basis import fail, operation

__all__ = ["delete_alias", "tag_key", "untag_key", "update_alias", "update_key_description"]


def _alias_target(kms: Any, alias_name: str) -> str:
    target = kms.aliases.get(alias_name)
    if target is None:
        raise fail("NotFoundException", f"Alias {kms._arn(alias_name)} is not found.")
    return str(target[0])


@operation("DeleteAlias")
def delete_alias(kms: Any, *, AliasName: str) -> dict[str, Any]:
    """Remove an alias; the key it pointed at is untouched."""
    if AliasName.startswith("alias/aws/"):
        raise fail("NotFoundException", f"Alias {kms._arn(AliasName)} is not found.")
    _alias_target(kms, AliasName)
    del kms.aliases[AliasName]
    return {}


@operation("UpdateAlias")
def update_alias(kms: Any, *, AliasName: str, TargetKeyId: str) -> dict[str, Any]:
    """Point an existing alias at another customer managed key."""
    _alias_target(kms, AliasName)
    key = kms.resolve(TargetKeyId, field_name="targetKeyId")
    key.check_customer_managed("alias")
    if key.state == "PendingDeletion":
        raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
    created = kms.aliases[AliasName][1]
    kms.aliases[AliasName] = (key.key_id, created)
    return {}


@operation("UpdateKeyDescription")
def update_key_description(kms: Any, *, KeyId: str, Description: str) -> dict[str, Any]:
    key = kms.resolve(KeyId)
    key.check_customer_managed("describe")
    if len(Description) > 8192:
        raise fail(
            "ValidationException",
            "1 validation error detected: Value at 'description' failed to satisfy constraint: "
            "Member must have length less than or equal to 8192",
        )
    key.description = Description
    return {}


@operation("TagResource")
def tag_key(kms: Any, *, KeyId: str, Tags: list[dict[str, str]]) -> dict[str, Any]:
    key = kms.resolve(KeyId)
    key.check_customer_managed("tag")
    merged = {t["TagKey"]: t["TagValue"] for t in key.tags}
    merged.update({t["TagKey"]: t["TagValue"] for t in Tags})
    if len(merged) > 50:
        raise fail("TagException", "A KMS key can have at most 50 tags.")
    key.tags = [{"TagKey": k, "TagValue": v} for k, v in merged.items()]
    return {}


@operation("UntagResource")
def untag_key(kms: Any, *, KeyId: str, TagKeys: list[str]) -> dict[str, Any]:
    key = kms.resolve(KeyId)
    key.check_customer_managed("tag")
    key.tags = [t for t in key.tags if t["TagKey"] not in set(TagKeys)]
    return {}
