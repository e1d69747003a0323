"""What grading writes: ``grades.csv``, feedback per student, Gradescope results, notebooks.

In the output folder::

    grades.csv                 one row per student: each check, total, notes
    feedback/STUDENT.txt       each check's line and message, then the notes
    gradescope/STUDENT.json    the same in Gradescope's autograder results format
    notebooks/STUDENT.ipynb    the notebook as graded: the kit's lab, the student's answers,
                               and the grader's verdicts in the check cells

``grades.csv`` says ``passed``, ``failed`` or ``not answered`` per check and counts one
point per check passed. The Gradescope file follows that format's fields (``score``,
``execution_time``, ``output``, ``stdout_visibility``, and a ``tests`` list of ``name``,
``score``, ``max_score``, ``status``, ``output``, ``visibility``), as Otter-Grader's
results do, so it can be returned as ``results/results.json`` by a Gradescope autograder
or uploaded as is. Gradescope knows only ``passed`` and ``failed``: an unanswered check is
``failed`` there, with the output "not answered yet".
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from .assemble import ROLE_KEY
from .outcome import StudentGrade
from .reference import Lab
from .submissions import safe_name

__all__ = ["CSV_STATUS", "csv_text", "feedback_text", "gradescope_results", "write_all"]

CSV_STATUS = {"passed": "passed", "failed": "failed", "unanswered": "not answered"}


def _notes_cell(grade: StudentGrade) -> str:
    tags = []
    for note in grade.notes:
        tag = f"{note.kind}({note.question})" if note.question else note.kind
        if tag not in tags:
            tags.append(tag)
    return "; ".join(tags)


def csv_text(lab: Lab, grades: list[StudentGrade]) -> str:
    """``grades.csv``: student, one column per check, total, notes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *(f"{lab.name}.{q}" for q in lab.questions), "total", "notes"])
    for grade in grades:
        writer.writerow([grade.student, *(CSV_STATUS[c.status] for c in grade.checks), grade.total,
                         _notes_cell(grade)])
    return buffer.getvalue()


def _note_lines(grade: StudentGrade) -> list[str]:
    return [f"- {(note.question + ': ') if note.question else ''}{note.text}" for note in grade.notes]


def feedback_text(lab: Lab, grade: StudentGrade) -> str:
    """The feedback a student reads: score, every check's line, then the notes."""
    lines = [f"{lab.stem}: feedback for {grade.student}",
             f"{grade.total} of {len(grade.checks)} checks passed", ""]
    lines += [check.line for check in grade.checks]
    if grade.notes:
        lines += ["", "Notes:", *_note_lines(grade)]
    lines += ["", "Only your answer cells were taken from your notebook; the lab's other cells and",
              "its checks are the kit's own."]
    return "\n".join(lines) + "\n"


def gradescope_results(lab: Lab, grade: StudentGrade) -> dict:
    """The student's results in Gradescope's autograder format (one point per check)."""
    notes = _note_lines(grade)
    return {
        "score": float(grade.total),
        "execution_time": math.ceil(grade.seconds) if grade.seconds is not None else 0,
        "output": f"{grade.total} of {len(grade.checks)} checks passed." + ("\n" + "\n".join(notes) if notes else ""),
        "stdout_visibility": "hidden",
        "visibility": "visible",
        "tests": [
            {
                "name": check.label,
                "score": 1.0 if check.status == "passed" else 0.0,
                "max_score": 1.0,
                "status": "passed" if check.status == "passed" else "failed",
                "output": check.line,
                "visibility": "visible",
            }
            for check in grade.checks
        ],
    }


def _graded_notebook(grade: StudentGrade) -> dict | None:
    if grade.executed is None:
        return None
    lines = {check.label.rsplit(".", 1)[-1]: check.line for check in grade.checks}
    cells = []
    for cell in grade.executed:
        cell = dict(cell)
        role = cell.get("metadata", {}).get(ROLE_KEY, {})
        if role.get("role") == "check":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout",
                                "text": "".join(lines.get(q, "") for q in role["questions"]) + "\n"}]
        if isinstance(role, dict) and "placeholder" in role:
            cell["metadata"] = {**cell["metadata"], ROLE_KEY: {k: v for k, v in role.items() if k != "placeholder"}}
        cells.append(cell)
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                          "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def write_all(out: Path, lab: Lab, grades: list[StudentGrade]) -> None:
    """Write every output file for ``grades`` into ``out``."""
    for folder in ("feedback", "gradescope", "notebooks"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    (out / "grades.csv").write_text(csv_text(lab, grades), encoding="utf-8")
    for grade in grades:
        name = safe_name(grade.student)
        (out / "feedback" / f"{name}.txt").write_text(feedback_text(lab, grade), encoding="utf-8")
        (out / "gradescope" / f"{name}.json").write_text(
            json.dumps(gradescope_results(lab, grade), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        notebook = _graded_notebook(grade)
        if notebook is not None:
            (out / "notebooks" / f"{name}.ipynb").write_text(
                json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
