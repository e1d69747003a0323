"""The records of Parameter Store: a parameter, its versions, its labels, and the name index.

One source of truth for labels: ``Parameter.labels`` maps each label to the one version
number that carries it, so a label can never sit on two versions of the same parameter.
A version's labels are derived from that map.

The :class:`NameIndex` keeps every key (the ``/``-form of a name) in one sorted list and,
per path, the sorted keys one level below it. A page of ``GetParametersByPath`` is then a
binary search plus a walk of at most one page: O(page + log n), never O(all parameters).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .names import parent_of

__all__ = ["NameIndex", "ParamVersion", "Parameter"]


@dataclass(slots=True)
class ParamVersion:
    """One version of a parameter, with the settings that were in force when it was written."""

    version: int
    type: str  # String | StringList | SecureString
    modified: datetime
    tier: str
    text: str | None = None  # String and StringList: stored in the clear
    sealed: bytes | None = None  # SecureString: a KMS blob (Standard) or an envelope (Advanced)
    envelope: bool = False  # True when ``sealed`` is data key + AES-GCM (the Advanced tier)
    key_id: str | None = None  # the KeyId as given (alias/aws/ssm by default)
    description: str | None = None
    allowed_pattern: str | None = None
    data_type: str = "text"
    policies: tuple[str, ...] = ()  # the policy texts attached when this version was written


@dataclass(slots=True)
class Parameter:
    """A parameter: its name as created, its ARN, its versions (oldest first) and labels."""

    name: str
    key: str
    arn: str
    tier: str = "Standard"
    versions: dict[int, ParamVersion] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)  # label -> version number
    tags: dict[str, str] = field(default_factory=dict)
    policies: list[dict[str, Any]] = field(default_factory=list)  # parsed, see ssm_policies
    policy_generation: int = 0  # bumped whenever policies change, so stale timers do nothing
    last_version: int = 0

    @property
    def latest(self) -> ParamVersion:
        return self.versions[self.last_version]

    @property
    def oldest(self) -> ParamVersion:
        return next(iter(self.versions.values()))

    def labels_of(self, version: int) -> list[str]:
        return [label for label, v in self.labels.items() if v == version]


class NameIndex:
    """Sorted keys, globally and per parent path, for paging by name."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.children: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str) -> None:
        bisect.insort(self.keys, key)
        bisect.insort(self.children.setdefault(parent_of(key), []), key)

    def remove(self, key: str) -> None:
        i = bisect.bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            del self.keys[i]
        siblings = self.children.get(parent_of(key))
        if siblings is not None:
            j = bisect.bisect_left(siblings, key)
            if j < len(siblings) and siblings[j] == key:
                del siblings[j]
            if not siblings:
                del self.children[parent_of(key)]

    def under(self, path: str, recursive: bool, after: str | None = None) -> Iterator[str]:
        """Keys below ``path`` in name order, strictly after ``after`` when given.

        One level: the children list of ``path``. Recursive: the contiguous run of keys that
        start with ``path + "/"`` in the global list (every key when ``path`` is ``/``).
        """
        if not recursive:
            seq = self.children.get(path, [])
            start = bisect.bisect_right(seq, after) if after is not None else 0
            for i in range(start, len(seq)):
                yield seq[i]
            return
        prefix = "/" if path == "/" else path + "/"
        seq = self.keys
        start = bisect.bisect_left(seq, prefix)
        if after is not None:
            start = max(start, bisect.bisect_right(seq, after))
        for i in range(start, len(seq)):
            key = seq[i]
            if not key.startswith(prefix):
                return
            yield key

    def after(self, key: str | None) -> Iterator[str]:
        """Every key in name order, strictly after ``key`` when given."""
        start = bisect.bisect_right(self.keys, key) if key is not None else 0
        for i in range(start, len(self.keys)):
            yield self.keys[i]
