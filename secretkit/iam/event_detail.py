"""The detail of an ``access`` event in the event log: a decision, summarised when read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .evaluation import Decision

__all__ = ["DecisionDetail"]


class DecisionDetail(Mapping[str, Any]):
    """An ``access`` event's detail: the decision's summary (principal, action, resource,
    decision, the statements that decided, the policy type blamed) and, under ``explained``,
    the decision itself. The summary is written out when first read, not on every call."""

    __slots__ = ("decision", "_summary")

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        self._summary: dict[str, Any] | None = None

    def _items(self) -> dict[str, Any]:
        if self._summary is None:
            self._summary = {**self.decision.summary(), "explained": self.decision}
        return self._summary

    def __getitem__(self, key: str) -> Any:
        return self.decision if key == "explained" else self._items()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.decision if key == "explained" else self._items().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __bool__(self) -> bool:
        return True  # never empty (and the log's truth test must not write the summary out)

    def __repr__(self) -> str:
        return repr(self._items())
