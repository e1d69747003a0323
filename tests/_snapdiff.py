"""Helpers for comparing ``cloud.kit_snapshot()`` values in tests: where two differ, and a
snapshot without the position of the Cloud's seeded id source."""

from __future__ import annotations

from typing import Any

__all__ = ["differences", "without_fields", "without_id_position"]

_IDS = "secretkit.core.ids.Ids"


def without_id_position(snap: Any) -> Any:
    """``snap`` with the state of every seeded id source (``Ids``: a ``random.Random``'s
    position) replaced by a marker; the rest unchanged."""
    if isinstance(snap, dict):
        if snap.get("__class__") == _IDS:
            return {"__class__": _IDS, "state": "<position not compared>"}
        return {k: without_id_position(v) for k, v in snap.items()}
    if isinstance(snap, list):
        return [without_id_position(v) for v in snap]
    if isinstance(snap, tuple):
        return tuple(without_id_position(v) for v in snap)
    return snap


def without_fields(snap: Any, fields: dict[str, set[str]]) -> Any:
    """``snap`` without the named attributes of objects of the named classes
    (``{"module.Class": {"attribute", ...}}``)."""
    if isinstance(snap, dict):
        drop = fields.get(snap.get("__class__", ""))
        if drop and isinstance(snap.get("state"), dict) and "__dict__" in snap["state"]:
            kept = [[k, without_fields(v, fields)] for k, v in snap["state"]["__dict__"] if k not in drop]
            return {**snap, "state": {"__dict__": kept}}
        return {k: without_fields(v, fields) for k, v in snap.items()}
    if isinstance(snap, list):
        return [without_fields(v, fields) for v in snap]
    if isinstance(snap, tuple):
        return tuple(without_fields(v, fields) for v in snap)
    return snap


def _label(node: Any) -> str:
    return str(node)[:60]


def differences(a: Any, b: Any, path: str = "cloud", limit: int = 5) -> list[str]:
    """Up to ``limit`` paths where ``a`` and ``b`` differ, each with the two values, shortened."""
    out: list[str] = []
    _walk(a, b, path, out, limit)
    return out


def _walk(a: Any, b: Any, path: str, out: list[str], limit: int) -> None:
    if len(out) >= limit or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        if "__dict__" in a and "__dict__" in b:
            left, right = dict(map(_key, a["__dict__"])), dict(map(_key, b["__dict__"]))
            for k in list(dict.fromkeys([*left, *right])):
                _walk(left.get(k, "<absent>"), right.get(k, "<absent>"), f"{path}[{k}]", out, limit)
            return
        step = a.get("__class__", "").rsplit(".", 1)[-1] or path
        for k in list(dict.fromkeys([*a, *b])):
            _walk(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{path}.{k}" if k != "state" else f"{path}<{step}>", out, limit)
        return
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            _walk(x, y, f"{path}[{i}]", out, limit)
        return
    out.append(f"{path}: {_label(a)} -> {_label(b)}")


def _key(pair: list[Any]) -> tuple[str, Any]:
    return repr(pair[0])[:40], pair[1]
