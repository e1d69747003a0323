"""Secrets Manager's own argument checks: names, tokens, values, descriptions, keys, stages.

These are the rules the service applies on the server, with its messages; the generic
length, type and pattern checks come from :mod:`secretkit.core.checks`.
"""

from __future__ import annotations

import re

from ..core.checks import check_length, check_list, check_str, fail
from .records import CURRENT, PREVIOUS, Secret

__all__ = [
    "TOKEN_MAX",
    "TOKEN_MIN",
    "check_description",
    "check_key_id",
    "check_label_room",
    "check_name",
    "check_stages",
    "check_token",
    "check_value",
]

_NAME_RE = re.compile(r"[A-Za-z0-9/_+=.@-]+")
TOKEN_MIN, TOKEN_MAX = 32, 64
_MAX_VALUE = 65536


def check_name(name: object) -> str:
    check_str(name, "Name")
    check_length(name, "name", 1, 512)  # type: ignore[arg-type]
    if not _NAME_RE.fullmatch(name):  # type: ignore[arg-type]
        raise fail(
            "ValidationException",
            "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
        )
    return name  # type: ignore[return-value]


def check_token(token: object) -> str:
    """A ClientRequestToken (it becomes the new version's id)."""
    check_str(token, "ClientRequestToken")
    check_length(token, "clientRequestToken", TOKEN_MIN, TOKEN_MAX)  # type: ignore[arg-type]
    return token  # type: ignore[return-value]


def check_value(secret_string: object, secret_binary: object, *, required: bool) -> tuple[bytes, bool] | None:
    """``(value, binary)`` from SecretString or SecretBinary (at most one), or None if neither."""
    if secret_string is not None and secret_binary is not None:
        raise fail(
            "InvalidParameterException",
            "You can't specify both a binary secret value and a string secret value in the same secret.",
        )
    if secret_string is not None:
        check_str(secret_string, "SecretString")
        check_length(secret_string, "secretString", 1, _MAX_VALUE)  # type: ignore[arg-type]
        return secret_string.encode(), False  # type: ignore[union-attr]
    if secret_binary is not None:
        if isinstance(secret_binary, str):
            secret_binary = secret_binary.encode()
        if not isinstance(secret_binary, (bytes, bytearray)):
            raise fail("ValidationException", "SecretBinary must be bytes.")
        check_length(secret_binary, "secretBinary", 1, _MAX_VALUE)
        return bytes(secret_binary), True
    if required:
        raise fail("InvalidRequestException", "You must provide either SecretString or SecretBinary.")
    return None


def check_description(description: object) -> None:
    if description is not None:
        check_length(check_str(description, "Description"), "description", 0, 2048)


def check_key_id(key_id: object) -> None:
    if key_id is not None:
        check_length(check_str(key_id, "KmsKeyId"), "kmsKeyId", 0, 2048)


def check_stages(stages: object) -> list[str]:
    """VersionStages: 1 to 20 labels, each 1 to 256 characters; repeats count once."""
    rows = check_list(stages, "VersionStages", 1, 20)
    for label in rows:
        check_length(check_str(label, "VersionStages"), "versionStages.member", 1, 256)
    return list(dict.fromkeys(rows))


def check_label_room(secret: Secret, new_labels: list[str], version_id: str) -> None:
    """A secret holds at most 20 staging labels, counting the AWSPREVIOUS a move would add."""
    labels = set(secret.labels) | set(new_labels)
    if CURRENT in new_labels and CURRENT in secret.labels and secret.labels[CURRENT] != version_id:
        labels.add(PREVIOUS)
    if len(labels) > 20:
        raise fail("LimitExceededException", "A secret can have at most 20 staging labels.")
