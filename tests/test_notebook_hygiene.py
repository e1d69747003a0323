"""Saved notebooks are clean: valid, run top to bottom in one fresh kernel, and small.

``python3 kit.py notebooks`` writes notebooks this way; these tests keep it so, whoever
saved the file last. (nbval, in the same test run, checks the saved outputs are right.)
"""

from __future__ import annotations

import json
import pathlib
import re
import warnings

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = [ROOT / "course", ROOT / "labs"]
MAX_BYTES = 1_000_000
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SCRIPT = re.compile(r"<script\b.*?(?:</script>|$)", re.IGNORECASE | re.DOTALL)


def _notebooks() -> list[pathlib.Path]:
    return sorted(
        path
        for folder in NOTEBOOK_DIRS
        if folder.is_dir()
        for path in folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )


NOTEBOOKS = _notebooks()
IDS = [path.relative_to(ROOT).as_posix() for path in NOTEBOOKS]


def each_notebook(check):
    """Run ``check`` once per saved notebook. With none saved yet nothing is collected (the
    folder test below still runs), rather than pytest reporting an empty parameter set as a skip."""
    if not NOTEBOOKS:
        return None
    return pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)(check)


def _read(path: pathlib.Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def _code_cells(nb: nbformat.NotebookNode) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _outputs(nb: nbformat.NotebookNode):
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            yield index, output


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def test_notebook_folders_exist():
    missing = [folder.name for folder in NOTEBOOK_DIRS if not folder.is_dir()]
    assert missing == [], f"missing notebook folders: {missing}"


@each_notebook
def test_is_valid_nbformat(path):
    with warnings.catch_warnings():
        # nbformat only warns about some defects (a cell without an id) and repairs them in memory
        warnings.simplefilter("error")
        nbformat.validate(_read(path))


@each_notebook
def test_under_size_limit(path):
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{size:,} bytes; keep saved notebooks under {MAX_BYTES:,}"


@each_notebook
def test_every_code_cell_ran_once_in_order(path):
    cells = [cell for cell in _code_cells(_read(path)) if cell.source.strip()]
    counts = [cell.execution_count for cell in cells]
    not_run = [i for i, count in enumerate(counts) if count is None]
    assert not_run == [], f"code cells never run (positions among code cells): {not_run}"
    assert counts == list(range(1, len(cells) + 1)), (
        "execution counts must read 1..N top to bottom (one fresh kernel, each cell once); "
        "regenerate with `python3 kit.py notebooks`"
    )


@each_notebook
def test_empty_code_cells_have_no_count(path):
    stale = [cell.execution_count for cell in _code_cells(_read(path))
             if not cell.source.strip() and cell.execution_count is not None]
    assert stale == []


@each_notebook
def test_no_saved_widget_state(path):
    nb = _read(path)
    assert "widgets" not in nb.metadata
    carrying = [i for i, output in _outputs(nb) if WIDGET_STATE in json.dumps(output)]
    assert carrying == [], f"cells whose outputs hold widget state: {carrying}"


@each_notebook
def test_no_execution_timing_metadata(path):
    timed = [i for i, cell in enumerate(_read(path).cells) if "execution" in cell.metadata]
    assert timed == [], f"cells with metadata.execution timestamps: {timed}"


@each_notebook
def test_no_embedded_plotly_js(path):
    offenders = []
    for index, output in _outputs(_read(path)):
        html = output.get("data", {}).get("text/html")
        if html is None:
            continue
        html = _text(html)
        if "cdn.plot.ly" in html or any("plotly" in s.lower() for s in SCRIPT.findall(html)):
            offenders.append(index)
    assert offenders == [], (
        f"cells with plotly.js in HTML output: {offenders}; "
        "render figures with PLOTLY_RENDERER=plotly_mimetype"
    )
