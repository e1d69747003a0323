"""Labels and tags on parameters: LabelParameterVersion, UnlabelParameterVersion and the
three tag operations.

A label names one version of one parameter (``prod``, ``previous``); applying it to another
version *moves* it. Up to 10 labels fit on a version. A label that breaks the naming rules
(letters, digits, ``.-_``; not starting with a digit, ``aws`` or ``ssm``) is not an error:
it comes back in ``InvalidLabels`` and the valid ones are applied. Labels cannot be given at
creation, only attached afterwards.

Tags on a parameter are a small key/value map (at most 50), handled through the generic
``ResourceType="Parameter"`` tag operations of Systems Manager.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.checks import check_int, check_length, check_list, check_str, fail
from ..core.service import operation
from .names import clean_lookup_name, is_valid_label, key_of, not_found
from .records import Parameter
from .store import Part

__all__ = ["MAX_LABELS", "MAX_TAGS", "Labels", "check_tags"]

MAX_TAGS = 50
MAX_LABELS = 10
_TAG_RE = re.compile(r"^([\w\s_.:/=+\-@]*)$")
_RESOURCE_TYPES = (
    "Document", "ManagedInstance", "MaintenanceWindow", "Parameter", "PatchBaseline", "OpsItem",
    "OpsMetadata", "Automation", "Association", "CloudConnector",
)


def check_tags(tags: object) -> dict[str, str]:
    """Tags as Parameter Store checks them; returns them as a key/value map."""
    rows = check_list(tags, "Tags", 0, 1000)
    out: dict[str, str] = {}
    for tag in rows:
        if not isinstance(tag, dict) or "Key" not in tag or "Value" not in tag:
            raise fail("ValidationException", "Each tag needs a Key and a Value.")
        key, value = check_str(tag["Key"], "Key"), check_str(tag["Value"], "Value")
        check_length(key, "tags.member.key", 1, 128)
        check_length(value, "tags.member.value", 0, 256)
        if not _TAG_RE.match(key) or not _TAG_RE.match(value):
            raise fail("ValidationException", f"1 validation error detected: Value '{key}' at 'tags.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]*)$")
        if key.lower().startswith("aws:"):
            raise fail("ValidationException", "The aws: prefix is reserved for tags that AWS creates.")
        out[key] = value
    return out


class Labels(Part):
    """Labels on parameter versions, and tags on parameters."""

    def _version_for_label(self, name: object, version: object, required: bool) -> tuple[Parameter, int]:
        clean = clean_lookup_name(name)
        param = self.store.params.get(key_of(clean))
        if param is None or ":" in clean:
            raise not_found(clean)
        self.store.touch(param)
        if version is None and not required:
            return param, param.last_version
        number = check_int(version, "ParameterVersion")
        if number not in param.versions:
            raise fail(
                "ParameterVersionNotFound",
                f"Systems Manager could not find version {number} of {clean}. Verify the version and try again.",
            )
        return param, number

    @staticmethod
    def _check_labels(labels: object) -> list[str]:
        rows = check_list(labels, "Labels", 1, 10)
        for label in rows:
            check_str(label, "Labels")
            if not 1 <= len(label) <= 100:
                raise fail(
                    "ValidationException",
                    f"1 validation error detected: Value '[{label}]' at 'labels' failed to satisfy constraint: Member must "
                    "satisfy constraint: [Member must have length less than or equal to 100, Member must have length "
                    "greater than or equal to 1]",
                )
        return list(dict.fromkeys(rows))

    @operation("LabelParameterVersion")
    def label_parameter_version(self, *, Name: str, Labels: list[str], ParameterVersion: int | None = None) -> dict[str, Any]:
        """Attach labels to one version (the newest if ``ParameterVersion`` is left out),
        moving each label off whichever version of this parameter held it."""
        labels = self._check_labels(Labels)
        param, number = self._version_for_label(Name, ParameterVersion, required=False)
        valid = [label for label in labels if is_valid_label(label)]
        invalid = [label for label in labels if not is_valid_label(label)]
        after = set(param.labels_of(number)) | set(valid)
        if len(after) > MAX_LABELS:
            raise fail(
                "ParameterVersionLabelLimitExceeded",
                "A parameter version can have maximum 10 labels. Move one or more labels to another version and try again.",
            )
        for label in valid:
            param.labels.pop(label, None)  # a label names one version: applying it again moves it
            param.labels[label] = number
        return {"InvalidLabels": invalid, "ParameterVersion": number}

    @operation("UnlabelParameterVersion")
    def unlabel_parameter_version(self, *, Name: str, ParameterVersion: int, Labels: list[str]) -> dict[str, Any]:
        """Detach labels from one version; labels not on that version come back as invalid."""
        labels = self._check_labels(Labels)
        param, number = self._version_for_label(Name, ParameterVersion, required=True)
        removed = [label for label in labels if param.labels.get(label) == number]
        for label in removed:
            del param.labels[label]
        return {"RemovedLabels": removed, "InvalidLabels": [label for label in labels if label not in removed]}

    def _tag_target(self, resource_type: object, resource_id: object) -> Parameter:
        check_str(resource_type, "ResourceType")
        if resource_type != "Parameter":
            if resource_type in _RESOURCE_TYPES:
                raise fail("InvalidResourceType", "secretkit models tags on parameters only (ResourceType Parameter).")
            raise fail("ValidationException", f"1 validation error detected: Value '{resource_type}' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [Document, ManagedInstance, MaintenanceWindow, Parameter, PatchBaseline, OpsItem, OpsMetadata, Automation, Association, CloudConnector]")
        check_str(resource_id, "ResourceId")
        param = self.store.params.get(key_of(str(resource_id))) if resource_id else None
        if param is None:
            raise fail("InvalidResourceId", "The resource ID isn't valid. Verify that you entered the correct ID and try again.")
        self.store.touch(param)
        return param

    @operation("AddTagsToResource")
    def add_tags_to_resource(self, *, ResourceType: str, ResourceId: str, Tags: list[dict[str, str]]) -> dict[str, Any]:
        param = self._tag_target(ResourceType, ResourceId)
        tags = check_tags(Tags)
        if len(set(param.tags) | set(tags)) > MAX_TAGS:
            raise fail("TooManyTagsError", f"A parameter can have at most {MAX_TAGS} tags.")
        param.tags.update(tags)
        return {}

    @operation("RemoveTagsFromResource")
    def remove_tags_from_resource(self, *, ResourceType: str, ResourceId: str, TagKeys: list[str]) -> dict[str, Any]:
        param = self._tag_target(ResourceType, ResourceId)
        keys = check_list(TagKeys, "TagKeys", 0, 1000)
        for key in keys:
            check_length(check_str(key, "TagKeys"), "tagKeys.member", 1, 128)
        for key in keys:
            param.tags.pop(key, None)
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, *, ResourceType: str, ResourceId: str) -> dict[str, Any]:
        param = self._tag_target(ResourceType, ResourceId)
        return {"TagList": [{"Key": k, "Value": v} for k, v in param.tags.items()]}
