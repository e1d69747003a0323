"""Every lab grades as it should: its solution passes every check, its untouched copy none.

Lab 1's cases are in test_grading_submissions.py; this runs the other labs' own notebooks
through the same grader, so a lab whose cells or checks the grader misreads shows up here.
Lab 6 needs a real PostgreSQL and is graded only where one can start.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from secretkit.grading import Limits, grade
from secretkit.grading.reference import find_labs

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "labs"


@pytest.mark.parametrize("number", [2, 3, 4, 5, 7])
def test_the_solution_passes_and_the_untouched_copy_is_not_answered(number, tmp_path):
    lab_file = find_labs(LABS)[number]
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(LABS / "solutions" / lab_file.name, submissions / "solution.ipynb")
    shutil.copy(lab_file, submissions / "untouched.ipynb")
    grades = grade(submissions, labs_dir=LABS, out=tmp_path / "out", limits=Limits(notebook_timeout=300),
                   progress=None)
    by_student = {g.student: g for g in grades}
    assert [c.status for c in by_student["solution"].checks] == ["passed"] * len(by_student["solution"].checks)
    assert {c.status for c in by_student["untouched"].checks} == {"unanswered"}
    assert by_student["solution"].notes == [] and by_student["untouched"].notes == []
    assert (tmp_path / "out" / "grades.csv").read_text().splitlines()[0].startswith(f"student,lab{number:02d}.q1,")


def test_lab_6_grades_with_a_real_postgresql_inside_the_sandbox(tmp_path):
    from _realdb_support import require_psycopg, server_or_skip

    require_psycopg()
    probe = server_or_skip()  # skips (or, under SECRETKIT_REQUIRE_REALDB=1, fails) without a server
    next(probe)
    probe.close()
    lab_file = find_labs(LABS)[6]
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(LABS / "solutions" / lab_file.name, submissions / "solution.ipynb")
    (solution,) = grade(submissions, labs_dir=LABS, out=tmp_path / "out", limits=Limits(notebook_timeout=400),
                        progress=None)
    assert [c.status for c in solution.checks] == ["passed"] * 3
    assert solution.notes == []  # the lab's own cells ran too: its demonstration started a server
