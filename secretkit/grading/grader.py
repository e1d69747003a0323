"""Grading a folder of submissions, start to finish.

:func:`grade` reads every submission first (so no submission can change another's file
before it is read), assembles each into the kit's lab, runs them one at a time in their
sandboxes, checks after each that the kit and the environment are as they were, and
writes the outputs (:mod:`secretkit.grading.report`) at the end.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from .assemble import Note, assemble, read_notebook
from .integrity import Snapshot
from .outcome import CheckOutcome, StudentGrade, outcome
from .progress import Progress
from .reference import Lab, find_labs, load_lab
from .report import write_all
from .sandbox import Limits, isolation, run_sandboxed
from .scan import scan_answer
from .submissions import Submission, discover, unpack

__all__ = ["detect_lab", "grade"]

#: The secretkit package this grader is part of: the kit files a submission must not change.
_KIT_PACKAGE = Path(__file__).resolve().parents[1]
_LAB_IMPORT = re.compile(r"secretkit\.labs\.lab(\d\d)\b")


def detect_lab(folder: Path, labs_dir: Path) -> int:
    """The lab a folder of submissions is for, from the notebooks' imports of its checks."""
    found: set[int] = set()
    for path in folder.rglob("*.ipynb"):
        if ".ipynb_checkpoints" in path.parts:
            continue
        try:
            found.update(int(n) for n in _LAB_IMPORT.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    found &= set(find_labs(labs_dir))
    if len(found) != 1:
        seen = ", ".join(f"{n:02d}" for n in sorted(found)) or "none"
        raise ValueError(f"cannot tell which lab these submissions are for (labs seen: {seen}); pass --lab N")
    return found.pop()


def _void(lab: Lab, student: str, text: str, notes: list[Note], kind: str) -> StudentGrade:
    checks = [CheckOutcome(f"{lab.name}.{q}", "failed", text) for q in lab.questions]
    return StudentGrade(student, checks, [*notes, Note(kind, text)])


def _prepare(lab: Lab, submission: Submission) -> tuple[list[dict] | None, list[Note]]:
    notes = [Note("late", "submitted late")] if submission.late else []
    if submission.notebook is None:
        return None, [*notes, Note("no-notebook", submission.problem)]
    try:
        nb = read_notebook(submission.notebook)
    except ValueError as error:
        return None, [*notes, Note("unreadable", str(error))]
    plan = assemble(lab, nb)
    notes += plan.notes
    allowed = lab.imports
    for answer in lab.answers:
        source = plan.answers.get(answer.cell_id, answer.source)
        for question in answer.questions[:1]:
            notes += scan_answer(source, allowed, lab.module, question)
    return plan.cells, notes


def grade(submissions: Path, *, labs_dir: Path, out: Path, lab: int | None = None,
          limits: Limits | None = None, progress: TextIO | None = sys.stderr) -> list[StudentGrade]:
    """Grade every submission in ``submissions`` (a folder or a ``.zip``); write into ``out``."""
    limits = limits or Limits()
    with tempfile.TemporaryDirectory(prefix="secretkit-submissions-") as unpacked:
        folder = unpack(submissions, Path(unpacked)) if submissions.suffix == ".zip" else submissions
        number = lab if lab is not None else detect_lab(folder, labs_dir)
        the_lab = load_lab(labs_dir, number)
        found = discover(folder, f"{number:02d}_")
        prepared = [(s, *_prepare(the_lab, s)) for s in found]
    spec = {"module": the_lab.module,
            "verdicts": [{"question": c.question, "args": c.args} for c in the_lab.checks]}
    limits_text = f"{limits.cell_timeout:.0f} s a cell, {limits.notebook_timeout:.0f} s a notebook"
    snapshot = Snapshot(_KIT_PACKAGE, labs_dir)
    bar = Progress(len(prepared), progress)
    if progress is not None and not isolation():
        progress.write("note: no network namespace here; the kernel's audit hook alone blocks the network\n")
    grades: list[StudentGrade] = []
    stopped = ""
    for submission, cells, notes in prepared:
        bar.start(submission.student)
        if stopped:
            graded = _void(the_lab, submission.student, stopped, notes, "not-graded")
        elif cells is None:
            checks = [CheckOutcome(f"{the_lab.name}.{q}", "unanswered", "no notebook to grade")
                      for q in the_lab.questions]
            graded = StudentGrade(submission.student, checks, notes)
        else:
            result = run_sandboxed(cells, spec, limits)
            graded = outcome(the_lab, submission.student, result, notes, limits_text)
            restored, environment = snapshot.changes()
            if restored or environment:
                text = ("not graded: the notebook changed files of the kit or its environment "
                        f"({', '.join(Path(p).name for p in (restored + environment)[:5])})")
                graded = _void(the_lab, submission.student, text, notes, "changed-kit")
            if environment:
                stopped = ("not graded: an earlier submission changed the grading environment; "
                           "rebuild it and grade again")
        grades.append(graded)
        bar.advance(submission.student, f"{graded.total}/{len(graded.checks)}")
    write_all(out, the_lab, grades)
    return grades
