"""The start page's map is read from the folders: every lecture and lab found, none typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secretkit.kit.contents import Contents, course_contents, find_project

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path: Path, first_cell: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cells = [{"cell_type": "markdown", "metadata": {}, "source": first_cell.splitlines(keepends=True)},
             {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [], "execution_count": None}]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    _notebook(tmp_path / "course" / "00_start_here.ipynb", "# Start here\n\n**Time budget:** 5 minutes.")
    _notebook(tmp_path / "course" / "01_first.ipynb", "# 1. The first lecture\n\n**Time budget:** 15 minutes.")
    _notebook(tmp_path / "course" / "12_later.ipynb", "# 12. A lecture added later\n\nNo time given.")
    _notebook(tmp_path / "labs" / "01_try.ipynb", "# Lab 1 — Try it\n\n**Time:** 25 minutes (5 reading)")
    _notebook(tmp_path / "labs" / "solutions" / "01_try.ipynb", "# Lab 1 — Try it (solution)")
    (tmp_path / "labs" / "README.md").write_text("# Labs")
    return tmp_path


def test_every_numbered_notebook_is_listed_and_the_start_page_is_not(project):
    contents = course_contents(project / "course")
    assert [(e.kind, e.number, e.title, e.minutes, e.link) for e in contents.entries] == [
        ("lecture", 1, "The first lecture", 15, "01_first.ipynb"),
        ("lecture", 12, "A lecture added later", None, "12_later.ipynb"),
        ("lab", 1, "Try it", 25, "../labs/01_try.ipynb"),
    ]
    assert contents.counts() == {"lecture": 2, "lab": 1}
    assert contents.total_minutes("lecture") == 15


def test_a_new_notebook_appears_without_editing_anything(project):
    before = course_contents(project).counts()
    _notebook(project / "labs" / "02_more.ipynb", "# Lab 2 — More\n\n**Time:** 30 minutes")
    assert course_contents(project).counts() == {"lecture": before["lecture"], "lab": before["lab"] + 1}


def test_markdown_and_text_show_the_same_entries(project):
    contents = course_contents(project)
    markdown = contents._repr_markdown_()
    assert "| 12 | [A lecture added later](12_later.ipynb) |  |" in markdown
    assert "| 1 | [Try it](../labs/01_try.ipynb) | 25 min |" in markdown
    assert "**Lectures** (2, about 15 minutes in all)" in markdown
    assert repr(contents).splitlines() == ["lecture 1: The first lecture (15 min)", "lecture 12: A lecture added later",
                                           "lab 1: Try it (25 min)"]


def test_the_project_is_found_from_any_folder_inside_it(project):
    assert find_project(project / "labs" / "solutions") == project.resolve()
    with pytest.raises(FileNotFoundError):
        find_project(project.parent)
    with pytest.raises(ValueError):
        Contents([]).of("lesson")


def test_the_kit_s_own_folders():
    contents = course_contents(ROOT)
    lectures = sorted(p.name for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))
    labs = sorted(p.name for p in (ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
    assert [e.link for e in contents.of("lecture")] == lectures
    assert [e.link for e in contents.of("lab")] == [f"../labs/{name}" for name in labs]
    assert all(e.minutes for e in contents.entries), "every lecture and lab states its time"
