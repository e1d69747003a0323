"""Noticing (and undoing) a submission that changed the kit or the environment on disk.

A submission's code runs as the same user as the grader, so it could write to the kit's
own files: rewrite ``secretkit/labs/lab01.py`` so that every later verdict, imported
afresh from that file, says "passed". The grader therefore takes a :class:`Snapshot`
before grading: the bytes of every file of the ``secretkit`` package and of the lab
notebooks, and the size and modification time of every file of the Python environment
(``sys.prefix``; bytecode caches left out, since every run reads its bytecode from a folder
of its own). After each submission :meth:`Snapshot.changes` lists what differs; the kit's
files are put back from the snapshot, and the submission's verdicts are void. A change to
the environment cannot be put back (its bytes are not kept), so grading stops there and
says which files changed.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Snapshot"]


def _contents(folder: Path, pattern: str) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob(pattern))
            if "__pycache__" not in p.parts and p.is_file()}


def _stats(folder: Path) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            path = os.path.join(root, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            found[path] = (info.st_size, info.st_mtime_ns)
    return found


@dataclass(slots=True)
class Snapshot:
    """What the kit and the environment looked like before grading."""

    package: Path
    labs: Path
    prefix: Path = field(default_factory=lambda: Path(sys.prefix))
    _kit: dict[Path, bytes] = field(default_factory=dict)
    _env: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._kit = {**_contents(self.package, "*.py"), **_contents(self.labs, "*.ipynb")}
        self._env = _stats(self.prefix)

    def _kit_now(self) -> dict[Path, bytes]:
        return {**_contents(self.package, "*.py"), **_contents(self.labs, "*.ipynb")}

    def changes(self) -> tuple[list[str], list[str]]:
        """``(kit files changed and put back, environment files changed)``, as paths."""
        now = self._kit_now()
        restored: list[str] = []
        for path in sorted(set(now) | set(self._kit)):
            before, after = self._kit.get(path), now.get(path)
            if before == after:
                continue
            restored.append(str(path))
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(before)
        env_now = _stats(self.prefix)
        changed_env = sorted(p for p in set(env_now) | set(self._env) if env_now.get(p) != self._env.get(p))
        return restored, changed_env
