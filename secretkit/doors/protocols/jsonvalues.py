"""JSON bodies, read and written by walking botocore shapes (JSON 1.1 and REST-JSON share it).

Reading turns wire JSON into what a boto3 user passes: base64 text back into ``bytes``,
epoch seconds into ``datetime``, members under their model names. Writing does the
reverse for results. Keys a shape does not know are skipped both ways, as AWS's JSON
services skip them: an SDK newer than the model may send a field this door cannot use,
and a result may carry bookkeeping (``ResponseMetadata``) that is not part of the body.

Numbers are parsed as ``Decimal`` (``json.loads(..., parse_float=Decimal)``) so that an
epoch timestamp keeps its exact microseconds; float members become ``float`` here.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from ...core.checks import MAX_JSON_DEPTH, has_lone_surrogate, loads_json
from .errors import AwsError
from .values import format_timestamp, from_base64, parse_timestamp, timestamp_format, to_base64

__all__ = ["BadText", "ShapeError", "decode_value", "dumps", "encode_value", "loads"]


class ShapeError(ValueError):
    """A value that does not fit its shape; ``path`` names where (``Tags[0].Key``)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path or 'body'}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


class BadText(ShapeError):
    """A string member holding a lone surrogate (``"\\ud800"``), which JSON's ``\\u`` escapes
    can spell but no UTF-8 text holds: the service answers ValidationException."""

    def as_aws_error(self) -> AwsError:
        """The ValidationException both JSON protocols answer it with."""
        return AwsError(
            "ValidationException",
            f"1 validation error detected: Value at '{self.path}' failed to satisfy constraint: {self.problem}",
            status=400,
        )


def _text(value: str, path: str) -> str:
    if has_lone_surrogate(value):
        raise BadText(path, "Member must contain only valid Unicode characters")
    return value


_DECODER = json.JSONDecoder(parse_float=Decimal)  # made once: json.loads builds one per call


def loads(body: bytes) -> Any:
    """Parse a JSON body (empty means ``{}``); numbers with a fraction become ``Decimal``.

    A body nested deeper than :data:`~secretkit.core.checks.MAX_JSON_DEPTH` is refused with a
    ``ValueError``, as text that is not JSON is (a deeper document than any shape would recurse).
    """
    if not body.strip():
        return {}
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH:
        return loads_json(body, parse_float=Decimal)
    return _DECODER.decode(body.decode("utf-8"))


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> bytes:
    """Write a JSON body as compact UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_default).encode("utf-8")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_document(shape: Any) -> bool:
    return bool(getattr(shape, "is_document_type", False))


# structure shape -> its body members as (name, wire name, shape). Shapes live as long as the
# models they belong to (loaded once per process), so each is read once, not on every call.
_BODY_MEMBERS: dict[Any, tuple[tuple[str, str, Any], ...]] = {}


def _body_members(shape: Any) -> tuple[tuple[str, str, Any], ...]:
    found = _BODY_MEMBERS.get(shape)
    if found is None:
        found = _BODY_MEMBERS[shape] = tuple(
            (name, member.serialization.get("name", name), member)
            for name, member in shape.members.items()
            if not member.serialization.get("location")  # a REST header, label or query member
        )
    return found


def decode_value(shape: Any, value: Any, path: str = "") -> Any:
    """Wire JSON ``value`` of ``shape`` as the Python value a boto3 caller would pass."""
    kind = shape.type_name
    if kind == "string" and type(value) is str:  # the commonest case, first
        return value if value.isascii() else _text(value, path)
    if kind == "structure":
        if _is_document(shape):
            return value
        if not isinstance(value, dict):
            raise ShapeError(path, "Start of structure or map found where not expected." if isinstance(value, list) else f"expected an object, got {type(value).__name__}")
        out = {}
        for name, wire_name, member in _body_members(shape):
            item = value.get(wire_name)
            if item is not None:
                out[name] = decode_value(member, item, f"{path}.{name}" if path else name)
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise ShapeError(path, f"expected a list, got {type(value).__name__}")
        return [decode_value(shape.member, item, f"{path}[{i}]") for i, item in enumerate(value) if item is not None]
    if kind == "map":
        if not isinstance(value, dict):
            raise ShapeError(path, f"expected an object, got {type(value).__name__}")
        return {
            _text(str(k), path): decode_value(shape.value, v, f"{path}[{k!r}]") for k, v in value.items() if v is not None
        }
    return _decode_scalar(kind, shape, value, path)


def _decode_scalar(kind: str, shape: Any, value: Any, path: str) -> Any:
    if kind in ("string", "character"):
        if not isinstance(value, str):
            raise ShapeError(path, f"expected a string, got {type(value).__name__}")
        return _text(value, path)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ShapeError(path, f"expected true or false, got {value!r}")
        return value
    if kind in ("integer", "long", "short", "byte"):
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise ShapeError(path, f"expected an integer, got {value!r}")
        if isinstance(value, Decimal):
            if value != value.to_integral_value():
                raise ShapeError(path, f"expected an integer, got {value}")
            value = int(value)
        return value
    if kind in ("float", "double"):
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            return float(value)
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise ShapeError(path, f"expected a number, got {value!r}")
        return float(value)
    if kind == "blob":
        try:
            return from_base64(value)
        except ValueError as exc:
            raise ShapeError(path, str(exc)) from None
    if kind == "timestamp":
        try:
            return parse_timestamp(value)
        except ValueError as exc:
            raise ShapeError(path, str(exc)) from None
    return value


def encode_value(shape: Any, value: Any, path: str = "") -> Any:
    """Python ``value`` of ``shape`` as wire JSON (base64 blobs, epoch timestamps)."""
    kind = shape.type_name
    if kind == "structure":
        if _is_document(shape):
            return value
        if not isinstance(value, dict):
            raise ShapeError(path, f"a {shape.name} result must be a dict, not {type(value).__name__}")
        out = {}
        for name, member in shape.members.items():
            item = value.get(name)
            if item is None or member.serialization.get("location"):
                continue
            out[member.serialization.get("name", name)] = encode_value(member, item, _join(path, name))
        return out
    if kind == "list":
        return [encode_value(shape.member, item, f"{path}[{i}]") for i, item in enumerate(value) if item is not None]
    if kind == "map":
        return {str(k): encode_value(shape.value, v, f"{path}[{k!r}]") for k, v in value.items() if v is not None}
    if kind == "blob":
        return to_base64(value)
    if kind == "timestamp":
        return format_timestamp(value, timestamp_format(shape, "unixtimestamp"))
    if kind in ("float", "double"):
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        return value
    return value
