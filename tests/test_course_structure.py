"""The lecture notebooks keep the course's shape: objectives and time first, key points last,
their own seeded Cloud, and a start page that links every lecture."""

from __future__ import annotations

import pathlib
import re

import nbformat
import pytest

COURSE = pathlib.Path(__file__).resolve().parents[1] / "course"
LECTURES = sorted(p for p in COURSE.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))
ALL = sorted(COURSE.glob("*.ipynb"))


def _read(path: pathlib.Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_numbered_lectures_and_a_start_page():
    numbers = [int(p.name[:2]) for p in LECTURES]
    assert numbers[:6] == [1, 2, 3, 4, 5, 6] and numbers == sorted(set(numbers))
    assert (COURSE / "00_start_here.ipynb").is_file()
    assert (COURSE / "INSTRUCTOR_GUIDE.md").is_file()


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_opens_with_objectives_and_time_budget(path):
    first = _read(path).cells[0]
    assert first.cell_type == "markdown"
    assert "**Time budget:**" in first.source
    assert re.search(r"By the end of this (notebook|page) you can", first.source)


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_closes_with_key_points(path):
    last = _read(path).cells[-1]
    assert last.cell_type == "markdown" and "## Key points" in last.source


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_cloud_is_seeded(path):
    code = "\n".join(c.source for c in _read(path).cells if c.cell_type == "code")
    made = re.findall(r"\bCloud\(([^)]*)\)", code)
    assert made, "each notebook starts its own Cloud"
    assert [args for args in made if not re.match(r"seed=\d+", args)] == []


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_error_output_is_a_tagged_demonstration(path):
    for cell in _read(path).cells:
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if errors:
            assert "raises-exception" in cell.metadata.get("tags", []), cell.source[:80]


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_relative_links_point_at_existing_notebooks(path):
    text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
    targets = re.findall(r"\]\(([^)#:]+\.ipynb)\)", text)
    missing = [t for t in targets if not (path.parent / t).is_file()]
    assert missing == []


def test_start_page_links_every_lecture_and_lab():
    """The map is an output (read from the folders when the page runs), saved like any other."""
    shown = ""
    for cell in _read(COURSE / "00_start_here.ipynb").cells:
        for output in cell.get("outputs", []):
            markdown = output.get("data", {}).get("text/markdown", "")
            shown += "".join(markdown) if isinstance(markdown, list) else markdown
    labs = sorted((COURSE.parent / "labs").glob("[0-9][0-9]_*.ipynb"))
    assert [p.name for p in LECTURES if f"]({p.name})" not in shown] == []
    assert [p.name for p in labs if f"](../labs/{p.name})" not in shown] == []


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_no_figure_widget_uids_in_saved_text(path):
    """A FigureWidget's repr carries random trace uids; dashboards show their own repr instead."""
    for cell in _read(path).cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            assert "'uid'" not in text and "FigureWidget(" not in text
