"""KMS's access declaration: which key each operation is about, with its key policy.

An operation naming a key (``KeyId``, ``TargetKeyId``, an alias, or the key a
``CiphertextBlob`` names) is about that key, and its key policy always takes part: the
policy CreateKey was given, else the default key policy, or an AWS managed key's fixed one
(the key's ``policy`` is ``None`` for those two; access control fills them in).
``CreateKey``, ``ListKeys`` and ``ListAliases`` are about ``*``. A reference that finds no
key is about ``*`` with no key policy, so that a caller without permission gets
AccessDenied and one with permission gets the NotFoundException the operation answers. A
key ARN of another account of the Cloud is served by that account's KMS (where both the
caller's IAM policy and the key policy must allow).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core import crypto
from ..core.access import Rules, Target
from ..core.errors import ClientError

__all__ = ["RULES"]


def _target(facade: Any, key: Any, action: str, params: Mapping[str, Any]) -> Target:
    if key is None:
        return Target(action)
    return Target(action, key.arn, key.policy, "key", None, f"key {key.key_id}", None, None, (key, params))


def _find(facade: Any, ref: object) -> Any:
    try:
        return facade.ring.resolve(ref) if isinstance(ref, str) and ref else None
    except ClientError:
        return None


def _elsewhere(facade: Any, ref: object, action: str) -> Target | None:
    """A key ARN of another account: that account's KMS serves (and authorises) the call."""
    if isinstance(ref, str) and ref.startswith("arn:aws:kms:"):
        parts = ref.split(":")
        if len(parts) > 5 and parts[4] and parts[4] != facade.env.account_id:  # no account: not another one
            return Target(action, ref, None, "key", None, "", None, parts[4])
    return None


def by_key_id(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    ref = params.get("KeyId")
    return _elsewhere(facade, ref, action) or _target(facade, _find(facade, ref), action, params)


def by_target(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    return _target(facade, _find(facade, params.get("TargetKeyId")), action, params)


def by_alias(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    name = params.get("AliasName")
    alias = facade.ring.aliases.get(name) if isinstance(name, str) else None
    key = facade.ring.keys.get(alias.key_id) if alias is not None else None
    return _target(facade, key, action, params)


def by_ciphertext(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    if params.get("KeyId") is not None:
        return by_key_id(facade, params, action)
    try:
        key_id = crypto.unpack_kms_blob(bytes(params.get("CiphertextBlob") or b""))[0]
    except (crypto.IntegrityError, TypeError, ValueError):
        return Target(action)
    return _target(facade, facade.ring.keys.get(key_id), action, params)


_ON_KEY = ("DescribeKey", "Encrypt", "GenerateDataKey", "UpdateKeyDescription", "TagResource", "UntagResource",
           "ListResourceTags", "EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion",
           "EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus", "GetKeyPolicy", "PutKeyPolicy")

def binds_root(facade: Any, params: Mapping[str, Any]) -> bool:
    """Whether the root user could be refused: a key of another account, or one whose key policy
    is its own (the default and the AWS managed key policies let the account's root user in)."""
    for name in ("KeyId", "TargetKeyId"):
        ref = params.get(name)
        if isinstance(ref, str):
            if ref.startswith("arn:aws:kms:") and ref.split(":")[4:5] != [facade.env.account_id]:
                return True
            key = _find(facade, ref)
            if key is not None and key.policy is not None:
                return True
    if "CiphertextBlob" in params or "AliasName" in params:
        target = by_ciphertext(facade, params, "") if "CiphertextBlob" in params else by_alias(facade, params, "")
        return target.policy is not None
    return False


RULES = Rules("kms", {
    **{name: by_key_id for name in _ON_KEY},
    "Decrypt": by_ciphertext,
    "CreateAlias": by_target,
    "UpdateAlias": by_target,
    "DeleteAlias": by_alias,
}, binds_root=binds_root)
