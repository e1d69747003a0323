"""The kit's own copy of a lab: which cells are answers, which are checks, which are given.

The grader never trusts the student's notebook for anything but the answers. Everything
else it runs (the lab's given cells, its check cells, the question ids) comes from the
kit's student copy ``labs/NN_topic.ipynb``, which ``labs/build.py`` generates from the
lab's one source and ``tests/test_labs_sync.py`` holds to it. In that copy:

* an **answer cell** is a code cell holding ``# YOUR CODE HERE`` (the placeholder the
  student replaces);
* a **check cell** is a code cell that is nothing but ``check("qN", answer, ...)``;
* every other code cell is **given**: the student runs it as it is.

Each answer cell is checked by the check cells that follow it, up to the next answer cell.
An answer cell may start with ``%%writefile <file>`` (lab 2's ``lambda_function.py``): its
Python is the file's text, below that line (:func:`python_of`).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["AnswerCell", "CheckCell", "Lab", "bound_names", "cell_source", "find_labs", "imported_modules", "load_lab",
           "python_of"]

PLACEHOLDER_MARK = "# YOUR CODE HERE"
_LAB_FILE = re.compile(r"^(?P<number>\d\d)_[a-z0-9_]+\.ipynb$")


def cell_source(cell: dict) -> str:
    """A cell's source as one string (nbformat allows a list of lines too)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def python_of(source: str) -> str:
    """The Python in a cell: a ``%%writefile`` cell's file text, any other cell as it is.

    The line numbers stay the cell's: the magic line becomes an empty one.
    """
    first, newline, rest = source.partition("\n")
    return newline + rest if first.startswith("%%writefile ") else source


def bound_names(source: str) -> frozenset[str]:
    """Names a cell binds at its top level (functions, classes, plain assignments).

    Used to find a student's answer cell when its cell id was lost (a notebook rebuilt by
    copy and paste): the cell that defines ``store_credentials`` answers the exercise that
    asks for it. Imports are left out: they say nothing about which exercise a cell is.
    """
    try:
        tree = ast.parse(python_of(source))
    except SyntaxError:
        return frozenset()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


@dataclass(slots=True)
class CheckCell:
    """A check cell of the kit's copy: ``check(question, *args)``, args as source text."""

    index: int
    cell_id: str
    source: str
    question: str
    args: list[str]


@dataclass(slots=True)
class AnswerCell:
    """An answer cell of the kit's copy, with the placeholder source students start from."""

    index: int
    cell_id: str
    source: str
    names: frozenset[str]
    questions: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Lab:
    """One lab as the kit ships it."""

    number: int
    stem: str
    path: Path
    cells: list[dict]
    answers: list[AnswerCell]
    checks: list[CheckCell]

    @property
    def name(self) -> str:
        """``lab01``: the prefix of the lab's result names (``lab01.q1``)."""
        return f"lab{self.number:02d}"

    @property
    def module(self) -> str:
        """The module holding the lab's checks, imported afresh for every verdict."""
        return f"secretkit.labs.{self.name}"

    @property
    def questions(self) -> list[str]:
        """The question ids, in the order the lab asks them."""
        return [check.question for check in self.checks]

    @property
    def imports(self) -> frozenset[str]:
        """Every module the lab's own code cells import (what an answer may import too)."""
        found: set[str] = set()
        for cell in self.cells:
            if cell.get("cell_type") == "code":
                found |= imported_modules(cell_source(cell))
        return frozenset(found)


def imported_modules(source: str) -> frozenset[str]:
    """Dotted names of the modules a piece of code imports (``from a.b import c`` gives ``a.b``)."""
    try:
        tree = ast.parse(python_of(source))
    except SyntaxError:
        return frozenset()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return frozenset(found)


def _as_check(source: str) -> tuple[str, list[str]] | None:
    """``(question, [arg sources])`` when ``source`` is exactly one ``check("qN", ...)`` call."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "check"):
        return None
    if not call.args or call.keywords or not isinstance(call.args[0], ast.Constant):
        return None
    question = call.args[0].value
    if not isinstance(question, str):
        return None
    return question, [ast.get_source_segment(source, arg) or "" for arg in call.args[1:]]


def find_labs(labs_dir: Path) -> dict[int, Path]:
    """The kit's student copies in ``labs_dir``, by lab number."""
    found: dict[int, Path] = {}
    for path in sorted(labs_dir.glob("[0-9][0-9]_*.ipynb")):
        match = _LAB_FILE.match(path.name)
        if match:
            found[int(match["number"])] = path
    return found


def load_lab(labs_dir: Path, number: int) -> Lab:
    """Read lab ``number``'s student copy from ``labs_dir`` and sort its cells."""
    labs = find_labs(labs_dir)
    if number not in labs:
        known = ", ".join(f"{n:02d}" for n in labs) or "none"
        raise ValueError(f"no lab {number:02d} in {labs_dir} (labs there: {known})")
    path = labs[number]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    answers: list[AnswerCell] = []
    checks: list[CheckCell] = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        if PLACEHOLDER_MARK in source:
            answers.append(AnswerCell(index, cell.get("id", ""), source, bound_names(source)))
            continue
        parsed = _as_check(source)
        if parsed is not None:
            checks.append(CheckCell(index, cell.get("id", ""), source, *parsed))
            if answers:
                answers[-1].questions.append(parsed[0])
    if not checks:
        raise ValueError(f"{path.name} has no check cells: nothing to grade")
    return Lab(number, path.stem, path, cells, answers, checks)
