"""Tags on secrets: TagResource and UntagResource, and the rules a tag list must follow.

A secret holds at most 50 tags; tagging a key it already has replaces that tag's value. The
``aws:`` prefix is reserved for AWS. Every change to the tags is a change to the secret, so
replicas receive it too.
"""

from __future__ import annotations

from typing import Any

from ..core.checks import check_length, check_list, check_str, fail
from ..core.service import operation
from .store import Part

__all__ = ["MAX_TAGS", "Tags", "check_tags"]

MAX_TAGS = 50


def check_tags(tags: object) -> list[dict[str, str]]:
    """Tags as AWS checks them: at most 50, keys 1-128 characters, values 0-256, no ``aws:`` prefix."""
    rows = check_list(tags, "Tags", 0, MAX_TAGS)
    out = []
    for tag in rows:
        if not isinstance(tag, dict) or "Key" not in tag:
            raise fail("InvalidParameterException", "Each tag must have a Key.")
        key, value = tag["Key"], tag.get("Value", "")
        check_length(check_str(key, "Key"), "tags.member.key", 1, 128)
        check_length(check_str(value, "Value"), "tags.member.value", 0, 256)
        if key.lower().startswith("aws:"):
            raise fail("InvalidParameterException", "Invalid tag key. The aws: prefix is reserved for AWS use.")
        out.append({"Key": key, "Value": value})
    return out


class Tags(Part):
    """TagResource and UntagResource."""

    @operation("TagResource")
    def tag_resource(self, *, SecretId: str, Tags: list[dict[str, str]]) -> dict[str, Any]:
        secret = self.store.writable(SecretId)
        tags = check_tags(Tags)
        merged = {t["Key"]: t["Value"] for t in secret.tags}
        merged.update({t["Key"]: t["Value"] for t in tags})
        if len(merged) > MAX_TAGS:
            raise fail("LimitExceededException", f"A secret can have at most {MAX_TAGS} tags.")
        secret.tags = [{"Key": k, "Value": v} for k, v in merged.items()]
        self.store.changed(secret)
        return {}

    @operation("UntagResource")
    def untag_resource(self, *, SecretId: str, TagKeys: list[str]) -> dict[str, Any]:
        secret = self.store.writable(SecretId)
        keys = check_list(TagKeys, "TagKeys", 0, MAX_TAGS)
        for key in keys:
            check_length(check_str(key, "TagKeys"), "tagKeys.member", 1, 128)
        secret.tags = [t for t in secret.tags if t["Key"] not in set(keys)]
        self.store.changed(secret)
        return {}
