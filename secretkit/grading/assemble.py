"""What the grader runs for one student: the kit's lab with the student's answer cells in it.

From the student's notebook the grader takes **only the answer cells' code**. Every other
cell it runs (the lab's given cells and its check cells) is the kit's own copy, so editing,
moving or deleting them in the submitted notebook changes nothing; it is noted in the
feedback all the same, since it usually means something went wrong.

A student's answer cell is found by its cell id (JupyterLab keeps the ids the kit's copy
ships with); when the ids were lost, by the names it defines (the cell defining
``read_password`` answers the exercise asking for it; the last such cell wins, as it would
when the notebook runs top to bottom). An answer that cannot be found keeps the kit's
placeholder, which its check reports as "not answered yet". Cells the student added are
not run: code an answer needs belongs in its answer cell.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from .reference import Lab, bound_names, cell_source

__all__ = ["Note", "Plan", "ROLE_KEY", "assemble", "read_notebook"]

ROLE_KEY = "secretkit_grading"  # cell metadata key: the cell's role in the graded run


@dataclass(slots=True)
class Note:
    """Something the grader noticed: ``kind`` is a short tag, ``text`` says it to the student."""

    kind: str
    text: str
    question: str = ""


@dataclass(slots=True)
class Plan:
    """The cells to run (the kit's lab with the student's answers) and what was noticed."""

    cells: list[dict]
    answers: dict[str, str] = field(default_factory=dict)  # answer cell id -> the student's code
    notes: list[Note] = field(default_factory=list)


def read_notebook(path: Path) -> dict:
    """A submitted notebook as a dict; raises ValueError when it is not a notebook at all."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"not a readable notebook ({type(error).__name__})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook: it has no list of cells")
    return nb


def _code_cells(nb: dict) -> list[tuple[str, str]]:
    """(cell id, source) of every code cell of a submitted notebook."""
    cells = []
    for cell in nb["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cells.append((str(cell.get("id", "")), cell_source(cell)))
    return cells


def _same(a: str, b: str) -> bool:
    return a.strip() == b.strip()


def assemble(lab: Lab, nb: dict) -> Plan:
    """The notebook to run for submission ``nb`` of ``lab``, and the notes about it."""
    student = _code_cells(nb)
    by_id = {cell_id: source for cell_id, source in student if cell_id}
    used: set[int] = set()
    plan = Plan(cells=[])
    answers = {answer.index: answer for answer in lab.answers}
    checks = {check.index: check for check in lab.checks}

    for index, cell in enumerate(lab.cells):
        mine = copy.deepcopy(cell)
        mine.setdefault("metadata", {})
        mine["source"] = cell_source(cell)
        if mine.get("cell_type") != "code":
            plan.cells.append(mine)
            continue
        if index in answers:
            answer = answers[index]
            source = _find_answer(answer.cell_id, answer.names, student, used)
            for question in answer.questions if source is None else []:
                plan.notes.append(Note("answer-missing", "its answer cell is not in the notebook", question))
            mine["source"] = answer.source if source is None else source
            plan.answers[answer.cell_id] = mine["source"]
            mine["metadata"][ROLE_KEY] = {"role": "answer", "questions": list(answer.questions),
                                           "placeholder": answer.source}
        elif index in checks:
            check = checks[index]
            mine["metadata"][ROLE_KEY] = {"role": "check", "questions": [check.question]}
            _note_check_cell(check.cell_id, check.source, check.question, by_id, student, plan)
        else:
            mine["metadata"][ROLE_KEY] = {"role": "given", "questions": []}
        plan.cells.append(mine)

    kit_sources = [cell_source(c) for c in lab.cells if c.get("cell_type") == "code"]
    kit_ids = {c.get("id") for c in lab.cells}
    added = [
        i for i, (cell_id, source) in enumerate(student)
        if i not in used and source.strip() and cell_id not in kit_ids
        and not any(_same(source, kit) for kit in kit_sources)
    ]
    if added:
        plan.notes.append(Note("cells-added", f"{len(added)} code cell(s) you added were not run: "
                                              "put the code an answer needs inside its answer cell"))
    given_ids = {c.get("id") for i, c in enumerate(lab.cells)
                 if c.get("cell_type") == "code" and i not in answers and i not in checks}
    edited = [cid for cid, source in student if cid in given_ids and not any(
        _same(source, cell_source(c)) for c in lab.cells if c.get("id") == cid)]
    if edited:
        plan.notes.append(Note("given-edited", f"{len(edited)} of the lab's own cells were edited; "
                                               "the lab's version was run"))
    return plan


def _find_answer(cell_id: str, names: frozenset[str], student: list[tuple[str, str]],
                 used: set[int]) -> str | None:
    """The student's code for one answer cell: by cell id, else by the names it defines."""
    for i, (sid, source) in enumerate(student):
        if cell_id and sid == cell_id:
            used.add(i)
            return source
    if not names:
        return None
    candidates = [i for i, (_, source) in enumerate(student)
                  if i not in used and names <= bound_names(source)]
    if not candidates:
        return None
    used.add(candidates[-1])
    return student[candidates[-1]][1]


def _note_check_cell(cell_id: str, source: str, question: str, by_id: dict[str, str],
                     student: list[tuple[str, str]], plan: Plan) -> None:
    """Note a check cell the student edited or deleted (its verdict is the kit's either way)."""
    if cell_id in by_id:
        if not _same(by_id[cell_id], source):
            plan.notes.append(Note("check-edited", "its check cell was edited; the kit's check was run",
                                   question))
        return
    if not any(_same(s, source) for _, s in student):
        plan.notes.append(Note("check-deleted", "its check cell was deleted; the kit's check was run",
                               question))
