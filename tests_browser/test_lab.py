"""Every notebook a student opens, in JupyterLab in Chromium at 1280x800, the way a student
gets there: ``python3 kit.py lab`` (the same command line, see ``_servers.py``) opens the
start page, and each lecture, lab and solution is opened from that page's JupyterLab and
run from top to bottom.

For each notebook: it opens unmodified; no cell errors (except cells tagged
``raises-exception``, which must raise); the expected charts and dashboards rendered; prose,
code, outputs and widget labels at the kit's font sizes; each dashboard's controls and
chart visible together in one screen, with plotly's toolbar clear of the chart titles and
each dashboard chart drawn as wide as its output area;
nothing broken in the browser console and no request leaving the machine; for each
lecture dashboard, one control used and its chart and text twin seen to change. A
screenshot of each notebook is saved in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest

from _course import (
    COURSE,
    EVERY_NOTEBOOK,
    FONTS_JS,
    MIN_CHART_HEIGHT,
    Expect,
    check_chart_widths,
    check_fits,
    check_fonts,
    check_poke,
    scroll_to,
    settle,
)
from _servers import ROOT, kit


def start_page_path() -> str:
    """The page ``kit.py lab`` opens, read from the command line it runs."""
    (url,) = [a.split("=", 1)[1] for a in kit.lab_command([]) if a.startswith("--LabApp.default_url=")]
    return url

# Find the notebook's panel by its path (not "the current widget", which moves with focus)
# once its kernel is up, and keep it as window.__panel for the other snippets.
PANEL_READY_JS = """(path) => {
  const app = window.jupyterapp;
  if (!app) return false;
  for (const w of app.shell.widgets('main')) {
    const s = w.sessionContext && w.sessionContext.session;
    if (w.context && w.context.path === path && s && s.kernel && w.content && w.content.model) {
      window.__panel = w;
      return true;
    }
  }
  return false;
}"""

RUN_ALL_JS = """async () => {
  const w = window.__panel;
  await w.sessionContext.ready;
  await w.content.fullyRendered;
  window.jupyterapp.shell.activateById(w.id);
  await window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""

# Done when every code cell has run and the kernel is idle, or when a cell not tagged
# raises-exception has failed (JupyterLab stops the run there). The kernel's status alone
# will not do: it reads "idle" for seconds between cells while later cells still wait.
SETTLED_JS = """() => {
  const w = window.__panel;
  const cells = w.content.model.cells;
  let unrun = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code' || !c.sharedModel.getSource().trim()) continue;
    if (c.executionCount === null) unrun++;
    const tags = c.getMetadata('tags') || [];
    const failed = c.outputs.toJSON().some(o => o.output_type === 'error');
    if (failed && !tags.includes('raises-exception')) return true;
  }
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return unrun === 0 && !!kernel && kernel.status === 'idle';
}"""

# Per code cell: its tags, its outputs' types, and what it shows on the page once scrolled to.
CELLS_JS = """async () => {
  const nb = window.__panel.content;
  const found = [];
  for (let i = 0; i < nb.widgets.length; i++) {
    const cell = nb.widgets[i];
    if (cell.model.type !== 'code') continue;
    cell.node.scrollIntoView({block: 'center'});
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)));
    if (!cell.outputArea) return null;  // not rendered yet
    const out = cell.outputArea.node;
    out.setAttribute('data-test-cell', String(i));
    const widgetRoots = Array.from(out.querySelectorAll('.jupyter-widgets'))
      .filter(el => !el.parentElement.closest('.jupyter-widgets'));
    found.push({
      index: i,
      tags: cell.model.getMetadata('tags') || [],
      ran: cell.model.executionCount !== null || !cell.model.sharedModel.getSource().trim(),
      outputs: cell.model.outputs.toJSON().map(o => o.output_type === 'error' ? 'error: ' + o.ename + ': ' + o.evalue : o.output_type),
      chartHeights: Array.from(out.querySelectorAll('.js-plotly-plot')).map(el => Math.round(el.getBoundingClientRect().height)),
      widgets: widgetRoots.length,
      text: out.innerText || '',
    });
  }
  return found;
}"""


def charts_drawn(cell: dict) -> int:
    return sum(height > MIN_CHART_HEIGHT for height in cell["chartHeights"])


DIRTY_JS = "() => window.__panel.context.model.dirty"

OPEN_JS = """async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }"""


def open_from_start_page(page, server, notebook: str) -> None:
    """Open the page ``kit.py lab`` opens (from an empty workspace, so no tab of an earlier
    test comes back), then, unless it is the start page itself, open ``notebook`` there."""
    start = start_page_path()
    page.goto(server.url(start + "?reset"))
    start_notebook = urllib.parse.unquote(start.removeprefix("/lab/tree/"))
    page.wait_for_function(PANEL_READY_JS, arg=start_notebook, timeout=90_000, polling=250)
    if notebook != start_notebook:
        page.evaluate(OPEN_JS, notebook)
        page.wait_for_function(PANEL_READY_JS, arg=notebook, timeout=90_000, polling=250)


def open_and_run(page, server, expect: Expect) -> list[dict]:
    open_from_start_page(page, server, expect.notebook)
    # JupyterLab writes the kernel's language_info into the notebook once the kernel is up;
    # a saved copy that differs in any way would show as modified before anything ran.
    page.wait_for_timeout(1500)
    assert page.evaluate(DIRTY_JS) is False, f"{expect.notebook} is marked modified on opening"
    # The command's promise settles before the last cells finish, and its result is False
    # whenever a cell raised, even one tagged raises-exception; so the cells are watched instead.
    page.evaluate(RUN_ALL_JS)
    page.wait_for_function(SETTLED_JS, timeout=300_000, polling=250)
    return rendered_cells(page, expect)


def rendered_cells(page, expect: Expect) -> list[dict]:
    """The cells as the page shows them, once the expected charts and widgets are drawn."""
    def shows_all(cells: list[dict]) -> bool:
        return (sum(map(charts_drawn, cells)), sum(c["widgets"] for c in cells)) == (expect.charts, expect.dashboards)

    cells = settle(page, lambda: page.evaluate(CELLS_JS), shows_all)
    assert cells is not None, "the notebook's cells were never all rendered"
    return cells


def shut_down_kernels(server) -> None:
    for session in json.loads(server.api("GET", "/api/sessions")):
        server.api("DELETE", f"/api/sessions/{session['id']}")


@pytest.mark.parametrize("expect", EVERY_NOTEBOOK, ids=[e.name for e in EVERY_NOTEBOOK])
def test_notebook_runs_and_renders_in_jupyterlab(page, lab_server, artifacts, expect: Expect) -> None:
    tab, watch = page
    try:
        cells = open_and_run(tab, lab_server, expect)

        not_run = [c["index"] for c in cells if not c["ran"]]
        assert not not_run, f"cells never ran: {not_run}; errors: {[c['outputs'] for c in cells if any(o.startswith('error') for o in c['outputs'])]}"
        for cell in cells:
            errors = [o for o in cell["outputs"] if o.startswith("error")]
            if "raises-exception" in cell["tags"]:
                assert errors, f"cell {cell['index']} is tagged raises-exception but raised nothing"
            else:
                assert not errors, f"cell {cell['index']} failed: {errors}"
            for broken in ("Error displaying widget", "Loading widget..."):
                assert broken not in cell["text"], f"cell {cell['index']} shows '{broken}'"

        assert sum(map(charts_drawn, cells)) == expect.charts, [(c["index"], c["chartHeights"]) for c in cells if c["chartHeights"]]
        assert sum(c["widgets"] for c in cells) == expect.dashboards, [(c["index"], c["widgets"]) for c in cells if c["widgets"]]

        notebook = tab.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first
        check_fonts(notebook.evaluate(FONTS_JS), ["prose", "code"] + (["outputs"] if any_text_output(cells) else []))
        for cell in [c for c in cells if c["widgets"]]:
            dashboard = tab.locator(f'[data-test-cell="{cell["index"]}"]')
            check_fonts(dashboard.evaluate(FONTS_JS), [], ("widget labels",))
            check_fits(dashboard)
            check_chart_widths(dashboard)
            if expect.poke is not None:
                scroll_to(dashboard)
                check_poke(tab, dashboard, expect.poke)
                scroll_to(dashboard)

        assert not watch.problems(), "\n".join(watch.problems())
    finally:
        tab.screenshot(path=artifacts / f"lab-{expect.name}.png")
        shut_down_kernels(lab_server)


def any_text_output(cells: list[dict]) -> bool:
    return any(o in ("stream", "execute_result") for c in cells for o in c["outputs"])


def test_expectations_match_saved_outputs() -> None:
    """The table of charts and dashboards agrees with what the lectures saved."""
    from _course import saved_counts

    for expect in COURSE:
        assert saved_counts(ROOT / expect.notebook) == (expect.charts, expect.dashboards), expect.notebook
    assert sorted(e.notebook for e in COURSE) == sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "course").glob("*.ipynb"))


def test_the_start_page_opens_with_course_and_labs_beside_it(page, lab_server, artifacts) -> None:
    """What ``kit.py lab`` shows first: the start page, in a server whose root holds both
    the course and the labs (the file browser can reach every notebook)."""
    tab, watch = page
    try:
        tab.goto(lab_server.url("/"))
        tab.wait_for_function(PANEL_READY_JS, arg=kit.START_NOTEBOOK, timeout=90_000, polling=250)
        assert urllib.parse.urlparse(tab.url).path == start_page_path()
        listed = {item["name"] for item in json.loads(lab_server.api("GET", "/api/contents"))["content"]}
        assert {"course", "labs"} <= listed, listed
        assert not watch.problems(), "\n".join(watch.problems())
    finally:
        tab.screenshot(path=artifacts / "lab-start.png")
        shut_down_kernels(lab_server)


def test_jupyterlab_starts_without_deprecation_warnings(lab_server) -> None:
    log = lab_server.log_path.read_text(errors="replace")
    assert "DeprecationWarning" not in log, log


SETTINGS_JS = """() => {
  const style = getComputedStyle(document.documentElement);
  const read = name => style.getPropertyValue(name).trim();
  return {
    content: read('--jp-content-font-size1'),
    code: read('--jp-code-font-size'),
    ui: read('--jp-ui-font-size1'),
    toasts: Array.from(document.querySelectorAll('.Toastify__toast')).map(t => t.innerText),
    lineNumbers: document.querySelectorAll('.jp-Notebook .cm-lineNumbers').length,
    lineWrapping: document.querySelectorAll('.jp-Notebook .jp-CodeCell .cm-content.cm-lineWrapping').length,
    codeCells: document.querySelectorAll('.jp-Notebook .jp-CodeCell .cm-content').length,
  };
}"""


def test_kit_settings_apply_in_jupyterlab(page, lab_server, artifacts) -> None:
    """Projector-sized fonts, line numbers, wrapped code lines, and no pop-up asking about
    news or updates."""
    tab, watch = page
    try:
        open_from_start_page(tab, lab_server, kit.START_NOTEBOOK)
        tab.wait_for_timeout(3000)  # the news question, when enabled, pops up a moment after start
        shown = tab.evaluate(SETTINGS_JS)
        assert (shown["content"], shown["code"], shown["ui"]) == ("16px", "15px", "15px")
        assert shown["toasts"] == [], shown["toasts"]
        assert shown["lineNumbers"] > 0
        assert shown["codeCells"] > 0 and shown["lineWrapping"] == shown["codeCells"], shown
        assert not watch.problems(), "\n".join(watch.problems())
    finally:
        tab.screenshot(path=artifacts / "lab-settings.png")
        shut_down_kernels(lab_server)
