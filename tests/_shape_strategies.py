"""Hypothesis strategies that draw values for botocore shapes, as a boto3 caller would pass them.

Used by the codec round-trip tests: draw an operation's input, let botocore serialise it,
decode it with the door; draw an output, encode it with the door, let botocore parse it.

Where a protocol cannot carry a value at all, the strategy does not draw it, and says so:

* query input: botocore writes nothing for an empty structure or map, so neither is drawn;
* REST-JSON: a URI label is never empty (the path would lose a segment) nor ``.``/``..``
  (URL normalisation would eat it); header values are printable ASCII without outer
  spaces (HTTP trims them); a query-string or header list, a query-string map and a raw
  payload are never empty (botocore omits them when empty, and sends ``{}`` for an absent
  structure payload);
* REST-JSON ``statusCode`` members are 200 or 202 (a 3xx/4xx status is an error response,
  and 204 carries no body);
* timestamps have millisecond precision (second precision in headers, RFC 822's unit);
* floats are finite (NaN compares unequal to itself);
* optional members that steer endpoint resolution (``contextParam``, such as EventBridge's
  ``EndpointId``) are left out: they would send botocore to another endpoint and signer;
  so is RDS's ``SourceRegion``, which botocore replaces with a presigned ``PreSignedUrl``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from hypothesis import strategies as st

__all__ = ["TEXT_CHARS", "value_strategy"]

_SPECIAL = list("\n\t\r %+&=/:?#\"',<>;\\~*@")
TEXT_CHARS = st.characters(exclude_categories=("Cs", "Cc", "Cn")) | st.sampled_from(_SPECIAL)
HEADER_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E) | st.just(" ")
MAX_DEPTH = 6


def _text(location: str | None, min_size: int = 0) -> st.SearchStrategy[str]:
    if location == "header":
        return st.text(HEADER_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)
    if location == "uri":
        return st.text(TEXT_CHARS, min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))
    return st.text(TEXT_CHARS, min_size=min_size, max_size=12)


def _timestamps(location: str | None) -> st.SearchStrategy[datetime]:
    base = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1))
    if location == "header":
        return base.map(lambda d: d.replace(microsecond=0, tzinfo=timezone.utc))
    return base.map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=timezone.utc))


def _policy_documents() -> st.SearchStrategy[str]:
    words = st.text(st.sampled_from(list("ab%+ &=/:\"é")), max_size=6)
    return st.dictionaries(words, words, max_size=3).map(json.dumps)


class _Drawer:
    def __init__(self, protocol: str, service: str, direction: str) -> None:
        self.protocol = protocol
        self.service = service
        self.direction = direction  # "input" or "output"

    @property
    def query_input(self) -> bool:
        return self.protocol == "query" and self.direction == "input"

    def draw(self, shape: Any, location: str | None = None, depth: int = 0) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape, depth, location)
        if kind == "list":
            small = 1 if location in ("header", "querystring") else 0
            item_location = location if location in ("header", "querystring") else None
            if depth >= MAX_DEPTH:
                return st.just([]) if small == 0 else st.lists(self.draw(shape.member, item_location, depth + 1), min_size=1, max_size=1)
            return st.lists(self.draw(shape.member, item_location, depth + 1), min_size=small, max_size=3)
        if kind == "map":
            smallest = 1 if (self.query_input or location == "querystring") else 0
            keys = _text(None, min_size=1).map(lambda k: f"k{k}") if location == "querystring" else _text(None, 1)
            values = self.draw(shape.value, "querystring" if location == "querystring" else None, depth + 1)
            return st.dictionaries(keys, values, min_size=smallest, max_size=2 if depth < MAX_DEPTH else smallest)
        if kind == "string":
            if self.service == "iam" and shape.name == "policyDocumentType" and self.direction == "output":
                return _policy_documents()
            if shape.serialization.get("jsonvalue"):
                return st.dictionaries(st.text("abc", min_size=1, max_size=3), st.integers(0, 9), max_size=2)
            return _text(location)
        if kind == "boolean":
            return st.booleans()
        if kind in ("integer", "long"):
            if location == "statusCode":
                return st.sampled_from([200, 202])
            bound = 2**31 - 1 if kind == "integer" else 2**53
            return st.integers(-bound, bound)
        if kind in ("float", "double"):
            return st.floats(allow_nan=False, allow_infinity=False, width=64)
        if kind == "blob":
            return st.binary(min_size=1 if location == "payload" else 0, max_size=16)
        if kind == "timestamp":
            return _timestamps(location)
        raise NotImplementedError(f"no strategy for {kind}")

    def _structure(self, shape: Any, depth: int, location: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
        payload = shape.serialization.get("payload")
        required, optional = {}, {}
        for name, member in shape.members.items():
            where = member.serialization.get("location")
            if name == payload:
                where = "payload"
            if self.query_input and not _query_carries(member):
                continue
            if self.service == "rds" and name == "SourceRegion" and self.direction == "input":
                continue  # botocore turns it into a presigned ``PreSignedUrl`` before sending
            if member.metadata.get("contextParam") and self.direction == "input":
                if name not in shape.required_members:
                    continue  # it steers endpoint resolution (EventBridge global endpoints need SigV4a)
                required[name] = st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True)
                continue
            strategy = st.deferred(lambda m=member, loc=where: self.draw(m, loc, depth + 1))
            if name in shape.required_members or member.metadata.get("idempotencyToken"):
                required[name] = strategy
            elif depth < MAX_DEPTH:
                optional[name] = strategy
        if shape.metadata.get("union"):
            choices = {**required, **optional}
            return st.one_of([st.fixed_dictionaries({k: v}) for k, v in choices.items()]) if choices else st.just({})
        strategy = st.fixed_dictionaries(required, optional=optional)
        if (self.query_input and depth > 0 or location == "payload") and not required and optional:
            strategy = strategy.filter(bool)  # an empty structure would not reach the wire
        return strategy


def _query_carries(member: Any) -> bool:
    """Whether the query protocol can carry some value of this member's shape."""
    kind = member.type_name
    if kind == "structure":
        return any(_query_carries(m) for m in member.members.values()) if member.members else False
    if kind == "map":
        return _query_carries(member.value)
    return True


def value_strategy(shape: Any, protocol: str, service: str, direction: str) -> st.SearchStrategy[dict[str, Any]]:
    """Draw a top-level input or output structure for ``shape`` (``{}`` when there is none)."""
    if shape is None:
        return st.just({})
    return _Drawer(protocol, service, direction).draw(shape)
