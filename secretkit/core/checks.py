"""The server-side checks botocore leaves to AWS, with AWS's error codes and messages.

botocore validates types and required members before a request leaves the client; length
limits, patterns, enums and ranges are checked by the service, and the error names the
field the way AWS does (``'secretId'``, ``'tags.member.key'``). Every service builds its
errors here, so the same mistake reads the same wherever it is made:

* :func:`fail` builds the AWS error for a code (the caller raises it);
* ``check_*`` validate one value and raise ``ValidationException`` when it breaks a rule;
* :func:`encode_token` / :func:`decode_token` make and read opaque paging tokens;
* :func:`loads_json` parses JSON a caller sent, nested no deeper than a bound;
* :func:`ascii_int` reads a whole number written in the digits 0-9 only (``str.isdigit``
  also takes ``"²"``, which ``int`` then refuses).

A call that fails a check has changed nothing: every operation checks first, then acts.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from .errors import ClientError, error_class

__all__ = [
    "fail",
    "check_str",
    "check_text",
    "has_lone_surrogate",
    "check_length",
    "check_pattern",
    "check_enum",
    "check_int",
    "check_bool",
    "check_list",
    "encode_token",
    "decode_token",
    "ascii_int",
    "loads_json",
    "MAX_JSON_DEPTH",
]


def fail(code: str, message: str, **extra: Any) -> ClientError:
    """Build the AWS error for ``code`` (the caller raises it)."""
    return error_class(code)(message, **extra)


def _validation(field_name: str, constraint: str) -> ClientError:
    return fail(
        "ValidationException",
        f"1 validation error detected: Value at '{field_name}' failed to satisfy constraint: {constraint}",
    )


def _type_error(field_name: str, value: object, expected: str) -> ClientError:
    # Never the value itself: it may be a secret value, a parameter value or a plaintext.
    return fail(
        "ValidationException",
        f"Invalid type for parameter {field_name}, type: {type(value).__name__}, valid types: {expected}",
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (``"\\ud800"``): a Python string can, UTF-8
    text cannot, so no AWS request carries one (botocore cannot even send it over HTTP)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def check_text(value: str, field_name: str) -> str:
    """``value`` (a string) as UTF-8 text, else the ValidationException a service gives text
    that does not decode."""
    if has_lone_surrogate(value):
        raise _validation(field_name, "Member must contain only valid Unicode characters")
    return value


def check_str(value: object, field_name: str) -> str:
    if not isinstance(value, str):
        raise _type_error(field_name, value, "<class 'str'>")
    return check_text(value, field_name)


def check_length(value: str | bytes, field_name: str, low: int, high: int) -> None:
    if not isinstance(value, (str, bytes, bytearray)):
        raise _type_error(field_name, value, "<class 'str'>")
    n = len(value)
    if n < low:
        raise _validation(field_name, f"Member must have length greater than or equal to {low}")
    if n > high:
        raise _validation(field_name, f"Member must have length less than or equal to {high}")


def check_pattern(value: str, field_name: str, pattern: re.Pattern[str]) -> None:
    if not pattern.fullmatch(value):
        raise _validation(field_name, f"Member must satisfy regular expression pattern: {pattern.pattern}")


def check_enum(value: object, field_name: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise _validation(field_name, f"Member must satisfy enum value set: [{', '.join(allowed)}]")


def check_int(value: object, field_name: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field_name, value, "<class 'int'>")
    if low is not None and value < low:
        raise _validation(field_name, f"Member must have value greater than or equal to {low}")
    if high is not None and value > high:
        raise _validation(field_name, f"Member must have value less than or equal to {high}")
    return value


def check_bool(value: object, field_name: str) -> bool:
    if not isinstance(value, bool):
        raise _type_error(field_name, value, "<class 'bool'>")
    return value


def check_list(value: object, field_name: str, low: int = 0, high: int | None = None) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise _type_error(field_name, value, "<class 'list'>, <class 'tuple'>")
    if len(value) < low:
        raise _validation(field_name, f"Member must have length greater than or equal to {low}")
    if high is not None and len(value) > high:
        raise _validation(field_name, f"Member must have length less than or equal to {high}")
    return list(value)


def encode_token(state: dict[str, Any]) -> str:
    """An opaque paging token (base64 of a small JSON document)."""
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()


def decode_token(token: object, code: str, message: str = "The NextToken value is not valid.") -> dict[str, Any]:
    try:
        state = loads_json(base64.urlsafe_b64decode(str(token).encode()), max_depth=4)
    except (ValueError, TypeError):
        raise fail(code, message) from None
    if not isinstance(state, dict):
        raise fail(code, message)
    return state


def ascii_int(text: object, max_digits: int = 18) -> int | None:
    """``int(text)`` when ``text`` is 1 to ``max_digits`` of the ASCII digits 0-9, else ``None``.

    The one digit check for user input: ``str.isdigit`` and ``\\d`` also accept other
    scripts' digits and superscripts, and ``int`` takes spaces, signs and underscores, and
    refuses more than a few thousand digits; none of that is what AWS accepts.
    """
    if not isinstance(text, str) or not 0 < len(text) <= max_digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)


MAX_JSON_DEPTH = 64
"""How deeply secretkit lets a caller's JSON nest (kit-only: AWS documents no figure, and
no policy, event or payload a course writes comes near it)."""

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text``, brackets inside strings skipped."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads_json(text: str | bytes, max_depth: int = MAX_JSON_DEPTH, **options: Any) -> Any:
    """``json.loads(text, **options)`` for JSON a caller sent, refused when nested deeper than
    ``max_depth``: Python's parser and every walk over what it returns recurse, so
    ``[[[[...]]]]`` would otherwise end in ``RecursionError``. The refusal is a
    ``json.JSONDecodeError`` (a ``ValueError``), the error a caller already handles; so is
    text that is not UTF-8 (a ``UnicodeDecodeError``, also a ``ValueError``).
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8")
    if text.count("[") + text.count("{") > max_depth and _nesting(text) > max_depth:
        raise json.JSONDecodeError(f"JSON nested more than {max_depth} levels deep", text, 0)
    return json.loads(text, **options)
