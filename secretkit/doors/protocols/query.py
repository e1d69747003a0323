"""The query protocol's requests: CloudFormation, IAM, STS and RDS.

A call is form fields — ``Action=<Operation>&Version=<api version>`` plus the input members,
flattened into dotted names — usually POSTed to ``/`` as
``application/x-www-form-urlencoded``, sometimes sent as a ``GET`` query string:

* a structure's members are ``Parent.Member``;
* a list is ``Name.member.1``, ``Name.member.2`` (1-based; the model may rename ``member``,
  and a *flattened* list drops it: ``Name.1``); an empty list is the bare ``Name=``;
* a map is ``Name.entry.N.key`` / ``Name.entry.N.value`` (names the model may change);
* booleans are ``true``/``false``, timestamps ISO 8601, blobs base64.

So ``Parameters.member.1.ParameterKey=DbUser`` is CloudFormation's
``Parameters=[{"ParameterKey": "DbUser"}]``. The decoder first grows a tree from the dotted
names, then reads it along the input shape. The wire cannot say "an empty map" or "an
empty structure": botocore sends nothing for them, so they read as absent.

Responses are XML, written by :mod:`.queryxml`.
"""

from __future__ import annotations

from typing import Any

from ...core.checks import ascii_int
from .errors import AwsError
from .models import service_model
from .queryxml import encode_error, encode_result
from .values import from_base64, parse_bool, parse_timestamp
from .wire import HttpRequest, HttpResponse

__all__ = ["QueryCodec"]

_LEAF = None  # the key under which a tree node keeps its own value
Tree = dict[Any, Any]


class _Bad(ValueError):
    pass


def _tree(fields: dict[str, str]) -> Tree:
    root: Tree = {}
    for key, value in fields.items():
        if key in ("Action", "Version"):
            continue
        node = root
        for part in key.split("."):
            node = node.setdefault(part, {})
        node[_LEAF] = value
    return root


def _indexed(node: Tree, path: str) -> list[Tree]:
    """A list node's children in index order; indices are 1, 2, ... as the protocol numbers them."""
    items = []
    for key, child in node.items():
        if key is _LEAF:
            continue
        index = ascii_int(key, 9)
        if not index:
            raise _Bad(f"{path}.{key}: a list index must be a number from 1")
        items.append((index, child))
    return [child for _, child in sorted(items, key=lambda pair: pair[0])]


def _member_key(member: Any, name: str) -> str:
    if member.type_name == "list" and member.serialization.get("flattened"):
        renamed = member.member.serialization.get("name")
        if renamed:
            return str(renamed)
    return str(member.serialization.get("name", name))


def _read(shape: Any, node: Tree, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            child = node.get(_member_key(member, name))
            if child is not None:
                out[name] = _read(member, child, f"{path}.{name}" if path else name)
        return out
    if kind == "list":
        if shape.serialization.get("flattened"):
            holder: Tree | None = {k: v for k, v in node.items() if k is not _LEAF}
        else:
            holder = node.get(str(shape.member.serialization.get("name", "member")))
        if not holder:
            if node.get(_LEAF) == "":
                return []  # the bare ``Name=`` that stands for an empty list
            raise _Bad(f"{path}: expected a list ({path}.member.1=...)")
        return [_read(shape.member, child, f"{path}[{i}]") for i, child in enumerate(_indexed(holder, path))]
    if kind == "map":
        entries = node if shape.serialization.get("flattened") else node.get("entry", {})
        key_name = str(shape.key.serialization.get("name", "key"))
        value_name = str(shape.value.serialization.get("name", "value"))
        out_map = {}
        for entry in _indexed(entries, path):
            if key_name not in entry:
                raise _Bad(f"{path}: a map entry has no {key_name}")
            key = _read(shape.key, entry[key_name], f"{path}.{key_name}")
            if value_name in entry:
                out_map[key] = _read(shape.value, entry[value_name], f"{path}[{key!r}]")
        return out_map
    if _LEAF not in node:
        raise _Bad(f"{path}: expected a single value")
    return _scalar(kind, str(node[_LEAF]), path)


def _scalar(kind: str, text: str, path: str) -> Any:
    try:
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            return parse_bool(text)
        if kind == "timestamp":
            return parse_timestamp(text)
        if kind == "blob":
            return from_base64(text)
    except ValueError as exc:
        raise _Bad(f"{path}: {exc}") from None
    return text


class QueryCodec:
    """Decode query-protocol requests and write XML responses and errors for one service."""

    protocol = "query"

    def __init__(self, service: str) -> None:
        self.service = service
        self.model = service_model(service)
        self.api_version = str(self.model.api_version)

    def operation_of(self, request: HttpRequest) -> str:
        """The operation named by the ``Action`` field (checked against ``Version`` if given)."""
        fields = request.form_fields()
        action = fields.get("Action")
        if not action:
            raise AwsError("MissingAction", "Missing Action", status=400)
        version = fields.get("Version") or self.api_version
        if action not in self.model.operation_names or version != self.api_version:
            raise AwsError("InvalidAction", f"Could not find operation {action} for version {version}", status=400)
        return action

    def decode(self, request: HttpRequest, operation: str | None = None) -> tuple[str, dict[str, Any]]:
        """``(operation, params)`` from the form fields, params as a boto3 caller passes them."""
        name = operation or self.operation_of(request)
        shape = self.model.operation_model(name).input_shape
        if shape is None:
            return name, {}
        try:
            params = _read(shape, _tree(request.form_fields()), "")
        except _Bad as exc:
            raise AwsError("ValidationError", f"Invalid parameter {exc}", status=400) from None
        return name, params if isinstance(params, dict) else {}

    def encode(self, operation: str, result: dict[str, Any], request_id: str) -> HttpResponse:
        """A 200 response: ``<OpResponse><OpResult>...</OpResult><ResponseMetadata>...``."""
        return encode_result(self.service, self.model, operation, result, request_id)

    def encode_error(self, error: AwsError, request_id: str, operation: str | None = None) -> HttpResponse:
        """``error`` as an ``<ErrorResponse>`` document."""
        return encode_error(self.service, self.model, error, request_id)
