"""Facts read from the resource types' registry schemas, which cfn-lint ships.

The registry schema of each type says which properties cannot change without replacing
the resource (``createOnlyProperties``), which may force a replacement depending on the
change (``conditionalCreateOnlyProperties``), and which are never returned
(``writeOnlyProperties``). The engine reads the first two to decide, per changed
property, between an update in place and a replacement, and change sets report the same
(``RequiresRecreation: Always | Conditionally | Never``).
"""

from __future__ import annotations

import functools

__all__ = ["conditional_create_only", "create_only"]


def _top_level(paths: list[str] | None) -> frozenset[str]:
    names = set()
    for path in paths or []:
        parts = path.split("/")
        if len(parts) >= 3 and parts[1] == "properties":
            names.add(parts[2])
    return frozenset(names)


@functools.lru_cache(maxsize=None)
def _schema(type_name: str) -> dict[str, object]:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        return dict(PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", type_name).schema)
    except Exception:  # noqa: BLE001 - a type without a schema simply has no create-only properties
        return {}


@functools.lru_cache(maxsize=None)
def create_only(type_name: str) -> frozenset[str]:
    """Top-level properties whose change always replaces a resource of ``type_name``."""
    return _top_level(_schema(type_name).get("createOnlyProperties"))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=None)
def conditional_create_only(type_name: str) -> frozenset[str]:
    """Top-level properties whose change may replace the resource, depending on the change."""
    return _top_level(_schema(type_name).get("conditionalCreateOnlyProperties"))  # type: ignore[arg-type]
