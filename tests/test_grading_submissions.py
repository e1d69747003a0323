"""Grading a folder of synthetic lab 1 submissions, one per case the grader must handle.

Every submission is made from the kit's own notebooks (the solution copy, or the student
copy left untouched) with a few cells changed, so each case differs from a correct
notebook in exactly the way its name says. The folder is graded once, by the real
command line, in real sandboxed kernels; the tests then read what it wrote.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from secretkit.grading.verdict import MIME

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "labs" / "solutions" / "01_store_and_read.ipynb"
STUDENT = ROOT / "labs" / "01_store_and_read.ipynb"
LAB_CHECKS = ROOT / "secretkit" / "labs" / "lab01.py"
ANSWER = {"q1": "01-006", "q2": "01-009", "q3": "01-019", "q4": "01-022"}
CHECK = {"q1": "01-007", "q2": "01-010", "q3": "01-020", "q4": "01-023"}
LIMITS = ["--cell-timeout", "10", "--check-timeout", "10", "--notebook-timeout", "240"]

FAKE_RESULT = '''
from secretkit.labs import Result
import secretkit.labs, secretkit.labs.lab01 as lab
forged = lambda name, *answers: Result(f"lab01.{name}", "passed", "all checks passed")
lab.check = forged
lab.checks.check = forged
secretkit.labs.Checks.check = lambda self, name, *answers: forged(name)
check = forged
'''


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _cell(nb: dict, cell_id: str) -> dict:
    return next(c for c in nb["cells"] if c.get("id") == cell_id)


def _answer(nb: dict, question: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    _cell(nb, ANSWER[question])["source"] = source
    return nb


def _prepend(nb: dict, question: str, code: str) -> dict:
    return _answer(nb, question, code + "\n" + _source(_cell(nb, ANSWER[question])))


def _placeholder(question: str) -> str:
    return _source(_cell(_load(STUDENT), ANSWER[question]))


def _submissions(folder: Path) -> None:
    solved, blank = _load(SOLUTION), _load(STUDENT)
    wrong_q2 = _answer(solved, "q2", "def read_password(client, name):\n"
                                     "    return client.get_secret_value(SecretId=name)['SecretString']\n")
    cases: dict[str, dict] = {
        "solution": solved,
        "untouched": blank,
        "partly": _answer(_answer(wrong_q2, "q3", _placeholder("q3")), "q4", _placeholder("q4")),
        "redefines_check": _answer(blank, "q1", _placeholder("q1") + "\n\ndef check(question, *answers):\n"
                                   "    print(f'✓ lab01.{question}: all checks passed')\n"),
        "monkeypatches": _answer(blank, "q1", _placeholder("q1") + "\n" + FAKE_RESULT),
        "prints_fake": _answer(blank, "q2", _placeholder("q2") + "\nprint('✓ lab01.q2: all checks passed')\n"
                               f"from IPython.display import display\n"
                               f"display({{{MIME!r}: {{'token': 'guess', 'question': 'q2', 'status': 'passed', "
                               f"'message': 'all checks passed'}}}}, raw=True)\n"),
        "no_check_cells": {**solved, "cells": [c for c in solved["cells"] if c.get("id") not in CHECK.values()]},
        "loops": _answer(_prepend(solved, "q2", "while True:\n    pass\n"), "q3",
                         "def read_or_none(client, name):\n    while True:\n        pass\n"),
        "ignores_interrupt": _prepend(solved, "q3", "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                                    "while True:\n    pass\n"),
        "crashes": _prepend(solved, "q4", "import os\nos._exit(3)\n"),
        "network": _prepend(solved, "q1", "import socket\nsocket.create_connection(('example.com', 80), timeout=3)\n"),
        "odd_import": _prepend(solved, "q2", "import ctypes\n"),
        "no_ids": {**solved, "nbformat_minor": 4,
                   "cells": [{k: v for k, v in c.items() if k != "id"} for c in solved["cells"]]},
        "tampers": _prepend(solved, "q1", "import secretkit.labs.lab01 as _l\n"
                                          "open(_l.__file__, 'a').write('\\nchecks.check = lambda *a: None\\n')\n"),
    }
    edited = copy.deepcopy(blank)
    _cell(edited, CHECK["q1"])["source"] = "print('✓ lab01.q1: all checks passed')"
    cases["edits_check"] = edited
    for name, nb in cases.items():
        (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (folder / "carol").mkdir()
    (folder / "carol" / "01_store_and_read.ipynb").write_text(json.dumps(solved), encoding="utf-8")
    (folder / "carol" / ".ipynb_checkpoints").mkdir()
    (folder / "carol" / ".ipynb_checkpoints" / "01_store_and_read-checkpoint.ipynb").write_text("{}")
    (folder / "doejane_LATE_4242_99_01_store_and_read.ipynb").write_text(json.dumps(wrong_q2), encoding="utf-8")
    (folder / "broken.ipynb").write_text("{ this is not json", encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades")
    _submissions(folder)
    before = LAB_CHECKS.read_bytes()
    try:
        run = subprocess.run(
            [sys.executable, "-m", "secretkit.grading", str(folder), "--out", str(out), *LIMITS],
            capture_output=True, text=True, timeout=1800, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    finally:
        after = LAB_CHECKS.read_bytes()
        LAB_CHECKS.write_bytes(before)  # never leave the kit changed, even if the grader failed to
    assert run.returncode == 0, run.stderr
    return {"out": out, "stdout": run.stdout, "stderr": run.stderr, "kit_was_restored": after == before}


EXPECTED_CSV = """\
student,lab01.q1,lab01.q2,lab01.q3,lab01.q4,total,notes
broken,not answered,not answered,not answered,not answered,0,unreadable
carol,passed,passed,passed,passed,4,
crashes,passed,passed,passed,failed,3,odd-import(q4); died(q4)
doejane,passed,failed,passed,passed,3,late
edits_check,not answered,not answered,not answered,not answered,0,check-edited(q1)
ignores_interrupt,passed,passed,failed,passed,3,odd-import(q3); timeout(q3)
loops,passed,failed,failed,passed,2,timeout(q2); check-timeout(q3)
monkeypatches,not answered,not answered,not answered,not answered,0,imports-checks(q1); patches-module(q1)
network,failed,passed,passed,passed,3,odd-import(q1); network(q1); answer-error(q1)
no_check_cells,passed,passed,passed,passed,4,check-deleted(q1); check-deleted(q2); check-deleted(q3); check-deleted(q4)
no_ids,passed,passed,passed,passed,4,
odd_import,passed,passed,passed,passed,4,odd-import(q2)
partly,passed,failed,not answered,not answered,1,
prints_fake,not answered,not answered,not answered,not answered,0,odd-import(q2)
redefines_check,not answered,not answered,not answered,not answered,0,
solution,passed,passed,passed,passed,4,
tampers,failed,failed,failed,failed,0,imports-checks(q1); changed-kit
untouched,not answered,not answered,not answered,not answered,0,
"""


def test_grades_csv_is_exactly_the_expected_one(graded):
    assert (graded["out"] / "grades.csv").read_text(encoding="utf-8") == EXPECTED_CSV


def test_a_submission_that_rewrote_the_kit_is_void_and_the_kit_put_back(graded):
    assert graded["kit_was_restored"]
    feedback = (graded["out"] / "feedback" / "tampers.txt").read_text(encoding="utf-8")
    assert "not graded: the notebook changed files of the kit" in feedback
    assert "lab01.py" in feedback


def _rows(graded) -> dict[str, dict[str, str]]:
    text = (graded["out"] / "grades.csv").read_text(encoding="utf-8")
    return {row["student"]: row for row in csv.DictReader(io.StringIO(text))}


def test_students_after_the_tampering_one_are_graded_with_the_real_checks(graded):
    rows = _rows(graded)
    assert rows["untouched"]["total"] == "0" and rows["untouched"]["lab01.q1"] == "not answered"


def test_feedback_names_each_mistake_and_each_limit(graded):
    feedback = {p.stem: p.read_text(encoding="utf-8") for p in (graded["out"] / "feedback").iterdir()}
    assert "✗ lab01.q2: returned the JSON text: parse SecretString with json.loads and pick the field" \
        in feedback["partly"]
    assert "✗ lab01.q2: your answer cell ran past the per-cell time limit" in feedback["loops"]
    assert "✗ lab01.q3: the check did not finish within 10 s: does your code loop forever?" in feedback["loops"]
    assert "✗ lab01.q4: your answer cell made the kernel die" in feedback["crashes"]
    assert "✗ lab01.q3: your answer cell ran past the per-cell time limit" in feedback["ignores_interrupt"]
    assert "✗ lab01.q1: your answer cell raised PermissionError: network access is turned off" in feedback["network"]
    assert "q1: its check cell was edited; the kit's check was run" in feedback["edits_check"]


def test_gradescope_results_follow_the_format(graded):
    results = json.loads((graded["out"] / "gradescope" / "partly.json").read_text(encoding="utf-8"))
    assert set(results) == {"score", "execution_time", "output", "stdout_visibility", "visibility", "tests"}
    assert results["score"] == 1.0 and isinstance(results["execution_time"], int)
    assert [(t["name"], t["status"], t["score"], t["max_score"]) for t in results["tests"]] == [
        ("lab01.q1", "passed", 1.0, 1.0), ("lab01.q2", "failed", 0.0, 1.0),
        ("lab01.q3", "failed", 0.0, 1.0), ("lab01.q4", "failed", 0.0, 1.0)]
    assert results["tests"][2]["output"] == "… lab01.q3: not answered yet"


def test_graded_notebook_shows_the_graders_verdicts_in_the_check_cells(graded):
    nb = _load(graded["out"] / "notebooks" / "edits_check.ipynb")
    check_cell = _cell(nb, CHECK["q1"])
    assert _source(check_cell) == 'check("q1", store_credentials)'  # the kit's cell, not the edit
    assert check_cell["outputs"][0]["text"] == "… lab01.q1: not answered yet\n"


def test_progress_is_reported_once_per_submission(graded):
    lines = [line for line in graded["stderr"].splitlines() if line.startswith("graded ")]
    assert len(lines) == 18 and lines[-1].startswith("graded 18/18: untouched: 0/4")


def test_a_runaway_allocation_meets_the_memory_cap_and_the_other_answers_still_count(tmp_path):
    from secretkit.grading import Limits, grade

    folder = tmp_path / "submissions"
    folder.mkdir()
    greedy = _prepend(_load(SOLUTION), "q2", "hoard = bytearray(8 * 1024 ** 3)\n")
    (folder / "greedy.ipynb").write_text(json.dumps(greedy), encoding="utf-8")
    (grade_of,) = grade(folder, labs_dir=ROOT / "labs", out=tmp_path / "out", progress=None,
                        limits=Limits(cell_timeout=30, check_timeout=30, notebook_timeout=200, memory_mb=2048))
    assert [c.status for c in grade_of.checks] == ["passed", "failed", "passed", "passed"]
    assert grade_of.checks[1].message == "your answer cell raised MemoryError"
