"""The instructor mode: each course notebook with a dashboard, served by Voila as
``python3 kit.py present`` serves it (the same command line, see ``_servers.py``), at
1280x800, renders its charts and widgets, hides its code, shows prose, outputs and widget
labels at the kit's font sizes, fits each dashboard's controls and chart in one screen,
draws its chart as wide as its output area, and responds to a click or a slider like the JupyterLab version does. A screenshot of
each is saved in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re

import pytest

from _course import (
    COURSE,
    ROOT,
    DASHBOARDS,
    FONTS_JS,
    MIN_CHART_HEIGHT,
    Expect,
    check_chart_widths,
    check_fits,
    check_fonts,
    check_poke,
    saved_counts,
    scroll_to,
    settle,
)

# Voila shows a spinner until every cell has run, then the outputs.
RENDERED_JS = """() => {
  const cells = document.querySelector('#rendered_cells');
  const loading = document.querySelector('#loading');
  return !!cells && getComputedStyle(cells).display !== 'none' && (!loading || getComputedStyle(loading).display === 'none');
}"""

# The one kind of console warning a Voila page may log, and why it cannot be fixed here:
# Voila 0.5.13 (the newest release) builds its page on JupyterLab 4.2.5, while the widget
# manager extensions it loads were built against newer JupyterLab packages (its own
# widgets-manager8 against 4.5, the jupyterlab_widgets that ipywidgets 8.1.9 requires
# against 4.6). Webpack says so for each shared package and then uses the page's copy,
# which works. Only that message, naming the page's own 4.2/6.2/7.2 packages, is allowed;
# any other warning, and every error, fails the test.
VOILA_CORE_SKEW = re.compile(
    r"^(Unsatisfied version \d+\.2\.5 from _JUPYTERLAB\.CORE_OUTPUT of shared singleton module @jupyterlab/[a-z-]+"
    r"|No satisfying version \(\^\d+\.\d+\.\d+\) of shared module @jupyterlab/[a-z-]+ found in shared scope default\."
    r"\nAvailable versions: \d+\.2\.5 from _JUPYTERLAB\.CORE_OUTPUT)"
)

SHOWN_JS = """(minHeight) => {
  const root = document.querySelector('#rendered_cells');
  const charts = Array.from(root.querySelectorAll('.js-plotly-plot')).filter(el => el.getBoundingClientRect().height > minHeight);
  // A dashboard is an outermost widget with controls.
  const widgets = Array.from(root.querySelectorAll('.jupyter-widgets'))
    .filter(el => !el.parentElement.closest('.jupyter-widgets'))
    .filter(el => el.querySelector('button.jupyter-button:not(.modebar-btn), .widget-slider'));
  widgets.forEach((el, i) => el.setAttribute('data-test-widget', String(i)));
  return {
    charts: charts.length,
    widgets: widgets.length,
    code: root.querySelectorAll('.jp-InputArea .cm-editor, .jp-InputArea .jp-Editor').length,
    text: root.innerText,
  };
}"""


@pytest.mark.parametrize("expect", DASHBOARDS, ids=[e.name for e in DASHBOARDS])
def test_dashboard_renders_and_responds_in_voila(page, voila_server, artifacts, expect: Expect) -> None:
    tab, watch = page
    try:
        tab.goto(voila_server.url(f"/voila/render/{expect.file}"), timeout=180_000)
        tab.wait_for_function(RENDERED_JS, timeout=180_000, polling=250)
        # What Voila draws: the saved outputs, less the cells that only repeat a dashboard
        # for readers of the saved file (each dashboard, and so its text twin and log, once).
        wanted = saved_counts(ROOT / expect.notebook, in_voila=True)
        shown = settle(tab, lambda: tab.evaluate(SHOWN_JS, MIN_CHART_HEIGHT),
                       lambda s: (s["charts"], s["widgets"]) == wanted)
        assert (shown["charts"], shown["widgets"]) == wanted
        twin = tab.locator('[data-test-widget="0"] [role="status"]').first.inner_text()
        assert shown["text"].count(twin.strip()) == 1, "the text twin is shown more than once"
        assert shown["code"] == 0, "Voila should hide the code cells"
        for broken in ("Error displaying widget", "Loading widget...", "There was an error when executing"):
            assert broken not in shown["text"]

        check_fonts(tab.locator("#rendered_cells").evaluate(FONTS_JS), ["prose", "outputs"], ("widget labels",))
        dashboard = tab.locator('[data-test-widget="0"]')
        check_fits(dashboard)
        check_chart_widths(dashboard)
        scroll_to(dashboard)
        check_poke(tab, dashboard, expect.poke)
        scroll_to(dashboard)

        assert not watch.problems(), "\n".join(watch.problems())
        unexpected = [w for w in watch.console_warnings if not VOILA_CORE_SKEW.match(w)]
        assert unexpected == [], unexpected
    finally:
        tab.screenshot(path=artifacts / f"voila-{expect.name}.png")


def test_voila_lists_every_lecture_without_reaching_outside(page, voila_server, artifacts) -> None:
    """``python3 kit.py present`` opens on the list of lectures; it too must work offline."""
    tab, watch = page
    try:
        tab.goto(voila_server.url("/"))
        for expect in COURSE:
            tab.get_by_text(expect.file, exact=True).wait_for(timeout=60_000)
        # What this test guards is the offline promise: nothing fetched from outside, no
        # request failing. The console is not checked here: Voila's list page, which has no
        # kernel, still starts its kernel-polling and widget plugins, and they log a 404 for
        # /api/kernels (standalone Voila does not serve it) and "no kernel" errors. That is
        # upstream noise no viewer sees; the lecture pages above are checked in full.
        assert watch.outside_requests == [], watch.outside_requests
        assert watch.failed_requests == [], watch.failed_requests
    finally:
        tab.screenshot(path=artifacts / "voila-lectures.png")


def test_voila_starts_without_deprecation_warnings(voila_server) -> None:
    log = voila_server.log_path.read_text(errors="replace")
    assert "DeprecationWarning" not in log, log
