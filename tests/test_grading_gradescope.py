"""gradescope/run_autograder, run against a stand-in for Gradescope's /autograder folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _autograder(tmp_path: Path, notebooks: dict[str, str]) -> Path:
    """A stand-in /autograder: the repository as source, ``notebooks`` (name: kit file) submitted."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "source").symlink_to(ROOT)
    for name, kit_file in notebooks.items():
        shutil.copy(ROOT / kit_file, root / "submission" / name)
    return root


def _run(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root)}
    return subprocess.run([str(ROOT / "gradescope" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=600)


def test_a_submitted_solution_gets_full_marks_in_gradescopes_results_file(tmp_path):
    root = _autograder(tmp_path, {"01_store_and_read.ipynb": "labs/solutions/01_store_and_read.ipynb"})
    run = _run(root)
    assert run.returncode == 0, run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 4.0
    assert [(t["name"], t["status"]) for t in results["tests"]] == [
        (f"lab01.q{n}", "passed") for n in range(1, 5)]
    assert "4 of 4 checks passed" in run.stdout


def test_two_notebooks_in_one_submission_score_nothing_and_say_why(tmp_path):
    root = _autograder(tmp_path, {"final.ipynb": "labs/solutions/01_store_and_read.ipynb",
                                  "draft.ipynb": "labs/01_store_and_read.ipynb"})
    run = _run(root)
    assert run.returncode == 0, run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results == {"score": 0.0, "output": "Submit exactly one lab notebook (.ipynb); found 2."}
