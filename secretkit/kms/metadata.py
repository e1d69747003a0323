"""What describes a key without changing what it does: UpdateKeyDescription, TagResource,
UntagResource and ListResourceTags.

A key's description and tags are for people (and, on AWS, for tag-based access rules);
they never change what the key encrypts or who it belongs to. Only customer managed keys
take them: the AWS managed keys are AWS's to describe, and cannot be tagged. A key pending
deletion keeps its tags and description, readable but frozen: changing them fails with
``KMSInvalidStateException`` until the deletion is cancelled. A disabled key may still be
described and tagged.

Tags are ``{"TagKey": ..., "TagValue": ...}`` pairs: keys of 1 to 128 characters, values of
0 to 256, case-sensitive, at most 50 on a key. Tagging an existing key again replaces its
value; untagging a key the key does not have is no error. The ``aws:`` prefix is AWS's own
and may not be used in a tag key.
"""

from __future__ import annotations

from typing import Any

from ..core.checks import ascii_int, check_int, check_length, check_list, fail
from ..core.service import Service, operation
from .keyring import KeyRing, touch_key
from .keys import KmsKey

__all__ = ["KeyMetadata", "MAX_TAGS"]

#: Tags a KMS key may carry.
MAX_TAGS = 50


class KeyMetadata(Service):
    """The part of :class:`~secretkit.kms.service.Kms` that keeps a key's description and tags."""

    service_name = "kms"

    def __init__(self, ring: KeyRing) -> None:
        super().__init__(ring.env)
        self.ring = ring

    def _changeable(self, key_ref: str, verb: str) -> KmsKey:
        """The customer managed key ``key_ref`` names, if its description and tags may change now."""
        key = self.ring.resolve(key_ref)
        touch_key(key)
        key.check_customer_managed(verb)
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        return key

    @operation("UpdateKeyDescription")
    def update_key_description(self, *, KeyId: str, Description: str) -> dict[str, Any]:
        check_length(Description, "description", 0, 8192)
        key = self._changeable(KeyId, "describe")
        key.description = Description
        return {}

    @operation("TagResource")
    def tag_resource(self, *, KeyId: str, Tags: list[dict[str, str]]) -> dict[str, Any]:
        pairs = [_check_tag(i, tag) for i, tag in enumerate(check_list(Tags, "tags"), start=1)]
        key = self._changeable(KeyId, "tag")
        merged = {t["TagKey"]: t["TagValue"] for t in key.tags}
        merged.update(pairs)
        if len(merged) > MAX_TAGS:
            raise fail("LimitExceededException", f"A KMS key can have at most {MAX_TAGS} tags.")
        key.tags = [{"TagKey": k, "TagValue": v} for k, v in merged.items()]
        return {}

    @operation("UntagResource")
    def untag_resource(self, *, KeyId: str, TagKeys: list[str]) -> dict[str, Any]:
        names = check_list(TagKeys, "tagKeys")
        for i, name in enumerate(names, start=1):
            check_length(name, f"tagKeys.{i}.member", 1, 128)
        key = self._changeable(KeyId, "tag")
        gone = set(names)
        key.tags = [t for t in key.tags if t["TagKey"] not in gone]
        return {}

    @operation("ListResourceTags")
    def list_resource_tags(self, *, KeyId: str, Limit: int = 50, Marker: str | None = None) -> dict[str, Any]:
        check_int(Limit, "limit", 1, MAX_TAGS)  # KMS documents 1 to 50, default 50
        key = self.ring.resolve(KeyId)
        touch_key(key)
        tags = key.tags
        start = 0
        if Marker is not None:
            start = ascii_int(Marker)
            if start is None or start > len(tags):
                raise fail("InvalidMarkerException", "Invalid marker.")
        end = start + Limit
        out: dict[str, Any] = {"Tags": [dict(t) for t in tags[start:end]], "Truncated": end < len(tags)}
        if out["Truncated"]:
            out["NextMarker"] = str(end)
        return out


def _check_tag(index: int, tag: object) -> tuple[str, str]:
    """One ``{"TagKey", "TagValue"}`` pair, checked as KMS checks it."""
    if not isinstance(tag, dict) or "TagKey" not in tag or "TagValue" not in tag:
        raise fail("ValidationException", f"1 validation error detected: Value at 'tags.{index}.member' failed to "
                   "satisfy constraint: Member must have both TagKey and TagValue")
    key, value = tag["TagKey"], tag["TagValue"]
    check_length(key, f"tags.{index}.member.tagKey", 1, 128)
    check_length(value, f"tags.{index}.member.tagValue", 0, 256)
    if key.lower().startswith("aws:"):
        raise fail("TagException", "Tags beginning with aws: are reserved for AWS use and cannot be created.")
    return key, value
