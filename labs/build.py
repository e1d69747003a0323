"""Build the student and solution notebooks of every lab from its one source file.

    python3 labs/build.py            # write labs/NN_*.ipynb and labs/solutions/NN_*.ipynb
    python3 kit.py notebooks labs    # then run them and save their outputs

A lab's source is ``labs_src/NN_topic.py``, plain Python in the "percent" cell format:

* ``# %% [markdown]`` starts a Markdown cell; its lines are written as comments
  (``# `` is removed from each).
* ``# %%`` starts a code cell; ``# %% tags=["raises-exception"]`` gives it tags (the
  cells that demonstrate an AWS error carry that tag, so nbval compares the error).
* A code cell whose first line is a cell magic written as a comment, ``# %%writefile
  lambda_function.py``, starts with that magic (``%%writefile lambda_function.py``): the
  source stays plain Python while the notebook's cell writes the file.
* In a code cell, the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` are the
  answer. The solution copy keeps them (without the markers); the student copy replaces
  them by ``# YOUR CODE HERE`` and a placeholder at the same indent: ``...`` unless the
  marker names another, as in ``# BEGIN SOLUTION | budget = ...``.

The sources live outside ``labs/`` so nbval does not collect them twice. Cell sources of
the generated notebooks are exactly what :func:`build` makes; ``tests/test_labs_sync.py``
holds the committed notebooks to that. Only the standard library is used, so this runs
with any Python 3.11.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "labs_src"
STUDENT_DIR = ROOT / "labs"
SOLUTION_DIR = ROOT / "labs" / "solutions"

CELL = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")
BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION(?: \| (?P<placeholder>.+))?\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
MAGIC = re.compile(r"^# (?P<magic>%%[a-z]\w* .*)$")

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}


@dataclass
class Cell:
    """One cell of a source: its kind, tags and lines (markers still in place)."""

    kind: str
    tags: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def parse(text: str) -> list[Cell]:
    """Split a percent-format source into cells (text before the first marker is ignored)."""
    cells: list[Cell] = []
    for line in text.splitlines():
        match = CELL.match(line)
        if match:
            tags = json.loads(match["tags"]) if match["tags"] else []
            cells.append(Cell("markdown" if match["markdown"] else "code", tags))
        elif cells:
            cells[-1].lines.append(line)
    for cell in cells:
        while cell.lines and not cell.lines[-1].strip():
            cell.lines.pop()
        while cell.lines and not cell.lines[0].strip():
            cell.lines.pop(0)
    return cells


def render(cell: Cell, *, solution: bool) -> str:
    """The cell's source as the student or the solution copy shows it."""
    if cell.kind == "markdown":
        return "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in cell.lines)
    out: list[str] = []
    inside = False
    for number, line in enumerate(cell.lines, 1):
        magic = MAGIC.match(line) if number == 1 else None
        if magic:
            out.append(magic["magic"])
            continue
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise ValueError(f"nested # BEGIN SOLUTION (line {number} of a cell)")
            inside = True
            if not solution:
                indent = begin["indent"]
                out += [f"{indent}# YOUR CODE HERE", f"{indent}{begin['placeholder'] or '...'}"]
        elif END.match(line):
            if not inside:
                raise ValueError(f"# END SOLUTION without BEGIN (line {number} of a cell)")
            inside = False
        elif solution or not inside:
            out.append(line)
    if inside:
        raise ValueError("# BEGIN SOLUTION without END")
    return "\n".join(out)


def notebook(cells: list[Cell], *, solution: bool, stem: str) -> dict:
    """An nbformat 4.5 notebook (as a dict) with stable cell ids and no outputs yet."""
    nb_cells = []
    for index, cell in enumerate(cells):
        entry: dict = {
            "cell_type": cell.kind,
            "id": f"{stem[:2]}-{index:03d}",
            "metadata": {"tags": list(cell.tags)} if cell.tags else {},
            "source": render(cell, solution=solution),
        }
        if cell.kind == "code":
            entry["execution_count"] = None
            entry["outputs"] = []
        nb_cells.append(entry)
    return {
        "cells": nb_cells,
        "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def build(source: Path) -> tuple[dict, dict]:
    """The (student, solution) notebooks made from one source file."""
    cells = parse(source.read_text(encoding="utf-8"))
    if not any(BEGIN.match(line) for cell in cells for line in cell.lines):
        raise ValueError(f"{source.name} has no # BEGIN SOLUTION block: a lab needs an exercise")
    return notebook(cells, solution=False, stem=source.stem), notebook(cells, solution=True, stem=source.stem)


def sources() -> list[Path]:
    """Every lab source, in lab order."""
    return sorted(SOURCES.glob("[0-9][0-9]_*.py"))


def targets(source: Path) -> tuple[Path, Path]:
    """Where the student and the solution copy of ``source`` go."""
    name = source.stem + ".ipynb"
    return STUDENT_DIR / name, SOLUTION_DIR / name


def write(path: Path, nb: dict) -> bool:
    """Write ``nb`` unless the file already has the same cells (keeping its saved outputs
    only when nothing changed); True when the file was written."""
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        same = [(c["cell_type"], c["source"] if isinstance(c["source"], str) else "".join(c["source"]),
                 c.get("metadata", {}).get("tags", [])) for c in old["cells"]]
        new = [(c["cell_type"], c["source"], c["metadata"].get("tags", [])) for c in nb["cells"]]
        if same == new:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    chosen = [Path(a).resolve() for a in argv] or sources()
    wrote = 0
    for source in chosen:
        student, solution = build(source)
        for path, nb in zip(targets(source), (student, solution)):
            changed = write(path, nb)
            wrote += changed
            print(f"{'wrote' if changed else 'unchanged'} {path.relative_to(ROOT).as_posix()}")
    if wrote:
        print("notebooks without saved outputs now: python3 kit.py notebooks labs runs them")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
