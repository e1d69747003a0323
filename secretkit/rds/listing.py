"""Filters and paging for DescribeDBInstances and DescribeDBClusters, as RDS does them.

* ``Filters``: a list of ``{"Name", "Values"}``. Values within one filter are ORed, filters
  are ANDed; values are matched exactly (RDS supports no wildcards). Identifier filters
  accept identifiers or ARNs. A name the operation does not support is refused.
* ``MaxRecords``: 20 to 100, default 100. When more records remain, the answer carries a
  ``Marker``; passing it back returns the records after it. Records come in identifier
  order, so a page boundary stays put while records are added or removed elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ..core.checks import check_int, check_list, check_str, decode_token, encode_token
from .checks import invalid

__all__ = ["check_filters", "describe_page", "matches", "page"]

T = TypeVar("T")


def check_filters(filters: object, allowed: tuple[str, ...]) -> list[tuple[str, set[str]]]:
    """Validate ``Filters``; return ``(name, values)`` pairs."""
    if filters is None:
        return []
    out = []
    for row in check_list(filters, "Filters"):
        if not isinstance(row, dict) or "Name" not in row or "Values" not in row:
            raise invalid("Each filter must have a Name and Values.")
        name = check_str(row["Name"], "Filters.Filter.Name")
        if name not in allowed:
            raise invalid(f"Unrecognized filter name: {name}. Supported filters: {', '.join(allowed)}.")
        values = check_list(row["Values"], "Filters.Filter.Values")
        if not values:
            raise invalid(f"The filter {name} must have at least one value.")
        out.append((name, {check_str(v, "Filters.Filter.Values.Value") for v in values}))
    return out


def matches(item: T, filters: list[tuple[str, set[str]]], fields: dict[str, Callable[[T], Iterable[str]]]) -> bool:
    """Whether ``item`` passes every filter; ``fields[name](item)`` gives the item's values."""
    return all(values & set(fields[name](item)) for name, values in filters)


def page(rows: list[T], key: Callable[[T], str], max_records: object, marker: object) -> tuple[list[T], str | None]:
    """One page of ``rows`` (sorted by ``key``) after ``marker``; the next marker, or None."""
    limit = 100
    if max_records is not None:
        limit = check_int(max_records, "MaxRecords")
        if not 20 <= limit <= 100:
            raise invalid(f"Invalid value {limit} for MaxRecords. Must be between 20 and 100")
    rows = sorted(rows, key=key)
    if marker is not None:
        state = decode_token(marker, "InvalidParameterValue", "The marker is not valid.")
        after = state.get("after")
        if not isinstance(after, str):
            raise invalid("The marker is not valid.")
        rows = [r for r in rows if key(r) > after]
    if len(rows) > limit:
        return rows[:limit], encode_token({"after": key(rows[limit - 1])})
    return rows, None


def describe_page(entries: list[dict[str, Any]], list_key: str, marker: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {list_key: entries}
    if marker is not None:
        out["Marker"] = marker
    return out
