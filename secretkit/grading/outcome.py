"""From a run's raw result to each check's outcome and the notes a student and instructor read.

The runner reports verdicts and events (a cell that timed out, a kernel that died, a
blocked network call); the grader turns them, with what it noticed before the run
(:mod:`secretkit.grading.assemble`, :mod:`secretkit.grading.scan`), into one
:class:`StudentGrade`. A check is worth one point; ``unanswered`` scores nothing but is
kept apart from ``failed`` so an instructor can tell "did not try" from "got it wrong".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .assemble import Note
from .reference import Lab

__all__ = ["CheckOutcome", "StudentGrade", "outcome"]

_EVENT_TEXT = {
    "timeout": "ran past the per-cell time limit; it was stopped and left out so the others could be checked",
    "died": "made the kernel die; it was left out so the others could be checked",
    "check-timeout": "its check ran past the time limit while calling your code",
    "check-died": "the kernel died while its check called your code",
    "notebook-timeout": "the notebook ran out of time before this point",
    "verdict-unreadable": "the grader could not read its verdict (something interfered with it)",
}


@dataclass(slots=True)
class CheckOutcome:
    """One check of one student: ``status`` is passed, failed or unanswered."""

    label: str
    status: str
    message: str

    @property
    def line(self) -> str:
        """The line a notebook's check cell would print, with the same marks."""
        mark = {"passed": "✓", "failed": "✗", "unanswered": "…"}[self.status]
        return f"{mark} {self.label}: {self.message}"


@dataclass(slots=True)
class StudentGrade:
    """Everything graded for one student."""

    student: str
    checks: list[CheckOutcome]
    notes: list[Note] = field(default_factory=list)
    seconds: float | None = None
    executed: list[dict] | None = None

    @property
    def total(self) -> int:
        """Checks passed (one point each)."""
        return sum(check.status == "passed" for check in self.checks)


def _question_cells(lab: Lab) -> dict[int, list[str]]:
    return {answer.index: answer.questions for answer in lab.answers}


def outcome(lab: Lab, student: str, result: dict, notes: list[Note], limits_text: str) -> StudentGrade:
    """The grade for ``student`` from the runner's ``result`` and the notes found before."""
    notes = list(notes)
    verdicts: dict[str, dict] = result.get("verdicts", {})
    events: list[dict] = result.get("events", [])
    answer_of = _question_cells(lab)
    poisoned = {q: kind for e in events if e["kind"] in ("died", "timeout") and e.get("cell") in answer_of
                for q in answer_of[e["cell"]] for kind in [e["kind"]]}
    answer_errors = {q: e.get("detail", "") for e in events if e["kind"] == "answer-error" for q in e["questions"]}
    reason = "not checked: " + next(
        (text for kind, text in [
            ("notebook-timeout", f"the notebook ran out of time ({limits_text})"),
            ("runner-killed", f"the run was stopped at the notebook's time limit ({limits_text})"),
            ("runner-failed", "the grader could not run this notebook"),
            ("grader-error", "the grader could not run this notebook"),
        ] if any(e["kind"] == kind for e in events)),
        "the run ended before this check")
    checks = []
    for question in lab.questions:
        label = f"{lab.name}.{question}"
        verdict = verdicts.get(question)
        if question in poisoned:
            checks.append(CheckOutcome(label, "failed", f"your answer cell {_EVENT_TEXT[poisoned[question]]}"))
        elif verdict is None:
            checks.append(CheckOutcome(label, "failed", reason))
        elif verdict["status"] == "failed" and question in answer_errors and "is not defined" in verdict["message"]:
            checks.append(CheckOutcome(label, "failed", f"your answer cell raised {answer_errors[question]}"))
        else:
            checks.append(CheckOutcome(label, verdict["status"], verdict["message"]))
    for event in events:
        kind, questions = event["kind"], event.get("questions") or []
        if kind in _EVENT_TEXT:
            where = "its answer cell" if event.get("cell") in answer_of else "a cell of the lab"
            text = _EVENT_TEXT[kind] if kind.startswith(("check-", "verdict", "notebook")) else f"{where} {_EVENT_TEXT[kind]}"
            for question in questions or [""]:
                notes.append(Note(kind, text, question))
        elif kind == "network":
            for question in questions or [""]:
                notes.append(Note("network", "it tried to reach the network, which is turned off while grading",
                                  question))
        elif kind == "answer-error":
            for question in questions:
                notes.append(Note("answer-error", f"its answer cell raised {event.get('detail', '')}", question))
        elif kind == "given-error":
            notes.append(Note("lab-cell-error", f"a cell of the lab raised {event.get('detail', '')} "
                                                "(usually because of an earlier answer)"))
        elif kind in ("runner-killed", "runner-failed", "grader-error"):
            notes.append(Note(kind, reason))
    return StudentGrade(student, checks, _unique(notes), result.get("seconds"), result.get("executed"))


def _unique(notes: list[Note]) -> list[Note]:
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for note in notes:
        key = (note.kind, note.text, note.question)
        if key not in seen:
            seen.add(key)
            kept.append(note)
    return kept
