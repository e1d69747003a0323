"""The lab notebooks are what their sources make, and their saved checks read right.

Each lab has one source (``labs_src/NN_topic.py``); ``labs/build.py`` makes the student
copy (``labs/NN_topic.ipynb``) and the solution copy (``labs/solutions/NN_topic.ipynb``).
These tests fail when someone edits a generated notebook by hand or forgets to rebuild,
and when saved outputs show a solution failing its checks or a student copy that is not
a clean, unanswered starting point.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHECK_LINE = re.compile(r"^(?P<mark>[✓✗…]) (?P<name>lab\d+\.\w+): (?P<message>.*)$", re.MULTILINE)


def _load_build():
    spec = importlib.util.spec_from_file_location("labs_build", ROOT / "labs" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


build = _load_build()
SOURCES = build.sources()
IDS = [source.stem for source in SOURCES]


def _cells(nb: dict) -> list[tuple[str, str, list[str]]]:
    def text(source: str | list[str]) -> str:
        return source if isinstance(source, str) else "".join(source)

    return [(c["cell_type"], text(c["source"]), c.get("metadata", {}).get("tags", [])) for c in nb["cells"]]


def _read(path: pathlib.Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _check_lines(nb: dict) -> list[re.Match[str]]:
    found = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")]
            texts.append(output.get("data", {}).get("text/plain", ""))
            for text in texts:
                text = text if isinstance(text, str) else "".join(text)
                found.extend(CHECK_LINE.finditer(text))
    return found


def _questions(source: pathlib.Path) -> set[str]:
    lab = "lab" + source.stem[:2]
    return {f"{lab}.{q}" for q in re.findall(r'^check\("(\w+)"', source.read_text(encoding="utf-8"), re.MULTILINE)}


def test_there_are_at_least_five_labs():
    assert len(SOURCES) >= 5, [s.name for s in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_generated_notebooks_match_their_source(source):
    student, solution = build.build(source)
    student_path, solution_path = build.targets(source)
    assert student_path.exists() and solution_path.exists(), "run python3 labs/build.py"
    assert _cells(_read(student_path)) == _cells(student), f"{student_path.name} is out of date: rebuild it"
    assert _cells(_read(solution_path)) == _cells(solution), f"solutions/{solution_path.name} is out of date"


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_student_copy_hides_every_solution(source):
    student, solution = build.build(source)
    student_code = "\n".join(src for kind, src, _ in _cells(student) if kind == "code")
    assert "BEGIN SOLUTION" not in student_code and "END SOLUTION" not in student_code
    assert "# YOUR CODE HERE" in student_code
    solution_code = "\n".join(src for kind, src, _ in _cells(solution) if kind == "code")
    assert "# YOUR CODE HERE" not in solution_code and "BEGIN SOLUTION" not in solution_code


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_solution_passes_every_check(source):
    lines = _check_lines(_read(build.targets(source)[1]))
    asked = _questions(source)
    assert asked, f"{source.name} has no check(...) cells"
    assert {m["name"] for m in lines} == asked, "a check cell of the solution has no saved output"
    failing = [m.group(0) for m in lines if m["mark"] != "✓"]
    assert failing == []


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_student_copy_reads_not_answered_yet(source):
    lines = _check_lines(_read(build.targets(source)[0]))
    assert {m["name"] for m in lines} == _questions(source), "a check cell of the student copy has no saved output"
    answered = [m.group(0) for m in lines if (m["mark"], m["message"]) != ("…", "not answered yet")]
    assert answered == []


def test_every_solution_has_a_source():
    made = {build.targets(source)[1].name for source in SOURCES}
    orphans = sorted(p.name for p in (ROOT / "labs" / "solutions").glob("*.ipynb") if p.name not in made)
    assert orphans == [], "solution notebooks must be generated from labs_src/"


def test_markers_are_rejected_when_unbalanced():
    broken = build.parse("# %%\nx = 1\n# BEGIN SOLUTION\ny = 2\n")
    with pytest.raises(ValueError):
        build.render(broken[0], solution=False)
    stray = build.parse("# %%\n# END SOLUTION\n")
    with pytest.raises(ValueError):
        build.render(stray[0], solution=True)


def test_placeholder_keeps_indent_and_custom_text():
    cells = build.parse("# %%\ndef f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n"
                        "# %%\n# BEGIN SOLUTION | budget = ...\nbudget = 5\n# END SOLUTION\n")
    assert build.render(cells[0], solution=False) == "def f():\n    # YOUR CODE HERE\n    ..."
    assert build.render(cells[0], solution=True) == "def f():\n    return 1"
    assert build.render(cells[1], solution=False) == "# YOUR CODE HERE\nbudget = ..."


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_each_lab_opens_with_objectives_and_time_and_closes_with_key_points(source):
    student, _ = build.build(source)
    markdown = [src for kind, src, _ in _cells(student) if kind == "markdown"]
    assert "**Time:**" in markdown[0] and "Learning objectives" in markdown[0]
    assert markdown[-1].startswith("## Key points")


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_every_cloud_in_a_lab_is_seeded(source):
    student, _ = build.build(source)
    code = "\n".join(src for kind, src, _ in _cells(student) if kind == "code")
    assert code.count("Cloud(") == code.count("Cloud(seed="), "build each Cloud with an explicit seed"


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_saved_outputs_name_no_install_paths(source):
    for path in build.targets(source):
        text = path.read_text(encoding="utf-8")
        assert "site-packages" not in text and str(ROOT) not in text, (
            f"{path.name} saved a library traceback frame; re-run it with python3 kit.py notebooks")
