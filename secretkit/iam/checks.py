"""IAM's and STS's server-side input checks, and IAM's Marker/MaxItems paging.

botocore checks only types, required members and minimum lengths before sending; the rest
(maximum lengths, patterns, ranges) is the service's job, and IAM and STS answer with a
``ValidationError`` (not the ``ValidationException`` of the JSON services)::

    1 validation error detected: Value at 'roleName' failed to satisfy constraint:
    Member must have length less than or equal to 64

Lists page the IAM way: ``MaxItems`` (1-1000, default 100) items, ``IsTruncated`` and,
when there is more, a ``Marker`` to pass back. The marker remembers the last name given,
so deleting entities between pages never skips or repeats one.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence, TypeVar

from .bridge import ClientError, aws_error, decode_token, encode_token

__all__ = [
    "DOCUMENT_RE",
    "NAME_RE",
    "check_arn",
    "check_bool",
    "check_document",
    "check_int",
    "check_name",
    "check_optional_text",
    "check_path",
    "check_tags",
    "page",
    "validation",
]

NAME_RE = re.compile(r"[\w+=,.@-]+")
DOCUMENT_RE = re.compile(r"[\u0009\u000A\u000D\u0020-\u00FF]+")
_PATH_RE = re.compile(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)")
_POLICY_PATH_RE = re.compile(r"((/[A-Za-z0-9\.,\+@=_-]+)*)/")
_PATH_PREFIX_RE = re.compile(r"\u002F[\u0021-\u007F]*")
_MARKER_RE = re.compile(r"[\u0020-\u00FF]+")
T = TypeVar("T")


def validation(field: str, constraint: str) -> ClientError:
    """IAM's ``ValidationError`` for one member."""
    return aws_error("ValidationError", f"1 validation error detected: Value at '{field}' failed to satisfy constraint: {constraint}")


def _type(name: str, value: object, expected: str) -> ClientError:
    # Never the value itself (a policy, a tag, whatever it is): only its type.
    return aws_error("ValidationError", f"Invalid type for parameter {name}, type: {type(value).__name__}, "
                     f"valid types: {expected}")


def _text(value: object, name: str, field: str, low: int, high: int, pattern: re.Pattern[str] | None) -> str:
    if not isinstance(value, str):
        raise _type(name, value, "<class 'str'>")
    if len(value) < low:
        raise validation(field, f"Member must have length greater than or equal to {low}")
    if len(value) > high:
        raise validation(field, f"Member must have length less than or equal to {high}")
    if pattern is not None and not pattern.fullmatch(value):
        raise validation(field, f"Member must satisfy regular expression pattern: {pattern.pattern}")
    return value


def check_name(value: object, name: str, field: str, high: int = 64) -> str:
    """A user, role, policy or session name: ``[\\w+=,.@-]+``, 1 to ``high`` characters."""
    return _text(value, name, field, 1, high, NAME_RE)


def check_path(value: object, name: str = "Path", field: str = "path", *, policy: bool = False, prefix: bool = False) -> str:
    """An IAM path (``/`` or ``/dev/``), a policy path, or a path prefix."""
    pattern = _PATH_PREFIX_RE if prefix else (_POLICY_PATH_RE if policy else _PATH_RE)
    return _text(value, name, field, 1, 512, pattern)


def check_document(value: object, name: str, field: str) -> str:
    """A policy document's text: 1 to 131,072 characters of tab, line breaks and U+0020-U+00FF."""
    return _text(value, name, field, 1, 131072, DOCUMENT_RE)


def check_arn(value: object, name: str, field: str) -> str:
    return _text(value, name, field, 20, 2048, None)


def check_optional_text(value: object, name: str, field: str, high: int) -> str:
    return _text(value, name, field, 0, high, None)


def check_int(value: object, name: str, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type(name, value, "<class 'int'>")
    if value < low:
        raise validation(field, f"Member must have value greater than or equal to {low}")
    if value > high:
        raise validation(field, f"Member must have value less than or equal to {high}")
    return value


def check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise _type(name, value, "<class 'bool'>")
    return value


def check_tags(value: object, field: str = "tags") -> list[dict[str, str]]:
    """At most 50 ``{"Key", "Value"}`` tags, keys 1-128 and values 0-256 characters."""
    if not isinstance(value, (list, tuple)):
        raise _type("Tags", value, "<class 'list'>, <class 'tuple'>")
    if len(value) > 50:
        raise validation(field, "Member must have length less than or equal to 50")
    out = []
    for tag in value:
        if not isinstance(tag, dict) or not isinstance(tag.get("Key"), str) or not isinstance(tag.get("Value"), str):
            raise _type("Tags", tag, "<class 'dict'> with Key and Value strings")
        _text(tag["Key"], "Key", "key", 1, 128, None)
        _text(tag["Value"], "Value", "value", 0, 256, None)
        out.append({"Key": tag["Key"], "Value": tag["Value"]})
    return out


def page(items: Sequence[T], key: Callable[[T], str], marker: object, max_items: object) -> tuple[list[T], dict[str, Any]]:
    """One page of ``items`` (already sorted by ``key``) and the ``IsTruncated``/``Marker`` members."""
    limit = 100 if max_items is None else check_int(max_items, "MaxItems", "maxItems", 1, 1000)
    start = 0
    if marker is not None:
        _text(marker, "Marker", "marker", 1, 320, _MARKER_RE)
        after = decode_token(marker, "ValidationError", "Invalid Marker.").get("after")
        if not isinstance(after, str):
            raise aws_error("ValidationError", "Invalid Marker.")
        while start < len(items) and key(items[start]) <= after:
            start += 1
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    extra: dict[str, Any] = {"IsTruncated": more}
    if more:
        extra["Marker"] = encode_token({"after": key(chunk[-1])})
    return chunk, extra
