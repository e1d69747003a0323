"""The core never reads the wall clock or the shared ``random`` module.

Time is the Cloud's simulated clock and randomness its seeded RNG, so a run with the same
seed and calls reproduces exactly. ``os.urandom`` stays allowed: keys and nonces are real.
The notebook UI (``secretkit/ui/``) and the real-database launcher
(``secretkit/databases/postgres.py``) talk to the real world and are exempt.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PKG = ROOT / "secretkit"
EXEMPT = ("secretkit/ui/", "secretkit/databases/postgres.py")

WALL_CLOCK = {
    "time.time": "time.time()",
    "time.time_ns": "time.time_ns()",
    "datetime.datetime.now": "datetime.now()",
    "datetime.datetime.utcnow": "datetime.utcnow()",
    "datetime.datetime.today": "datetime.today()",
    "datetime.date.today": "date.today()",
    "uuid.uuid1": "uuid.uuid1() (it embeds the wall clock)",
    "uuid.uuid4": "uuid.uuid4() (draw ids from the Cloud's seeded RNG)",
}
RANDOM_ALLOWED = {"random.Random"}  # constructing a seeded generator is the point


def _qualified_names(tree: ast.AST) -> dict[str, str]:
    """Local name -> what it was imported as (``dt`` -> ``datetime``, ``now`` -> ...)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.AST, names: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in names:
        return None
    return ".".join([names[node.id], *reversed(parts)])


def banned_uses(source: str) -> list[str]:
    """Every use (call or reference) of the wall clock or module-level ``random``."""
    tree = ast.parse(source)
    names = _qualified_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Name, ast.Attribute)):
            continue
        if isinstance(node, ast.Name) and isinstance(getattr(node, "ctx", None), ast.Store):
            continue
        name = _dotted(node, names)
        if name is None:
            continue
        if name in WALL_CLOCK:
            found.append(f"line {node.lineno}: {WALL_CLOCK[name]}")
        elif name.startswith("random.") and name.count(".") == 1 and name not in RANDOM_ALLOWED:
            found.append(f"line {node.lineno}: {name} (use the Cloud's seeded RNG)")
    return sorted(set(found))


def _core_files() -> list[pathlib.Path]:
    return sorted(
        path
        for path in PKG.rglob("*.py")
        if not path.relative_to(ROOT).as_posix().startswith(EXEMPT)
    )


def test_core_reads_no_wall_clock_and_no_shared_random():
    files = _core_files()
    assert files, "found no secretkit modules to check"
    problems = {
        path.relative_to(ROOT).as_posix(): uses
        for path in files
        if (uses := banned_uses(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


@pytest.mark.parametrize(
    "source",
    [
        "import time\nt = time.time()",
        "import time as t\nx = t.time_ns()",
        "from time import time\nx = time()",
        "import datetime\nx = datetime.datetime.now()",
        "from datetime import datetime\nx = datetime.utcnow()",
        "from datetime import datetime as DT\nf = DT.now",
        "from datetime import date\nx = date.today()",
        "import random\nx = random.random()",
        "import random\nx = random.choice('ab')",
        "import random as r\nx = r.randint(1, 6)",
        "from random import shuffle\nshuffle([])",
        "import random\nrng = random.SystemRandom()",
        "import uuid\nx = uuid.uuid4()",
        "import dataclasses, time\n@dataclasses.dataclass\nclass A:\n t: float = dataclasses.field(default_factory=time.time)",
    ],
)
def test_checker_catches(source):
    assert banned_uses(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "import random\nrng = random.Random(0)\nx = rng.random()",
        "import os\nkey = os.urandom(32)",
        "from datetime import datetime, timezone\nx = datetime(2026, 1, 1, tzinfo=timezone.utc)",
        "from datetime import datetime\nx = datetime.fromisoformat('2026-01-01')",
        "import uuid\nx = uuid.UUID(int=5, version=4)",
        "import time\nx = time.perf_counter()",
        "def now(clock):\n    return clock.now()",
    ],
)
def test_checker_allows(source):
    assert banned_uses(source) == []
