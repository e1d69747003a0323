"""The instructor mode: each course notebook with a dashboard, served by Voila as
``python3 kit.py present`` serves it, renders its charts and widgets, hides its code, and
responds to a click or a slider like the JupyterLab version does. A screenshot of each is
saved in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import pytest

from _course import COURSE, DASHBOARDS, MIN_CHART_HEIGHT, Expect, check_poke, scroll_to, settle

# Voila shows a spinner until every cell has run, then the outputs.
RENDERED_JS = """() => {
  const cells = document.querySelector('#rendered_cells');
  const loading = document.querySelector('#loading');
  return !!cells && getComputedStyle(cells).display !== 'none' && (!loading || getComputedStyle(loading).display === 'none');
}"""

# A known upstream clash, harmless to the viewer: after drawing a static plotly figure,
# plotly's JupyterLab renderer stores a PNG copy in the output with setData(), which the
# plain output objects Voila hands it do not have. The chart is already on screen; only
# the PNG copy (which Voila never saves) is lost. Any other error still fails the test.
KNOWN_UPSTREAM = "setData is not a function"

SHOWN_JS = """(minHeight) => {
  const root = document.querySelector('#rendered_cells');
  const charts = Array.from(root.querySelectorAll('.js-plotly-plot')).filter(el => el.getBoundingClientRect().height > minHeight);
  const widgets = Array.from(root.querySelectorAll('.jupyter-widgets')).filter(el => !el.parentElement.closest('.jupyter-widgets'));
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
        tab.goto(voila_server.url(f"/voila/render/{expect.notebook}"), timeout=180_000)
        tab.wait_for_function(RENDERED_JS, timeout=180_000, polling=250)
        shown = settle(tab, lambda: tab.evaluate(SHOWN_JS, MIN_CHART_HEIGHT),
                       lambda s: (s["charts"], s["widgets"]) == (expect.charts, expect.dashboards))
        assert (shown["charts"], shown["widgets"]) == (expect.charts, expect.dashboards)
        assert shown["code"] == 0, "Voila should hide the code cells"
        for broken in ("Error displaying widget", "Loading widget...", "There was an error when executing"):
            assert broken not in shown["text"]

        dashboard = tab.locator('[data-test-widget="0"]')
        scroll_to(dashboard)
        check_poke(tab, dashboard, expect.poke)
        scroll_to(dashboard)

        problems = [p for p in watch.problems() if KNOWN_UPSTREAM not in p]
        assert not problems, "\n".join(problems)
    finally:
        tab.screenshot(path=artifacts / f"voila-{expect.name}.png")


def test_voila_lists_every_lecture_without_reaching_outside(page, voila_server, artifacts) -> None:
    """``python3 kit.py present`` opens on the list of lectures; it too must work offline."""
    tab, watch = page
    try:
        tab.goto(voila_server.url("/"))
        for expect in COURSE:
            tab.get_by_text(expect.notebook, exact=True).wait_for(timeout=60_000)
        # What this test guards is the offline promise: nothing fetched from outside, no
        # request failing. The console is not checked here: Voila's list page, which has no
        # kernel, still starts its kernel-polling and widget plugins, and they log a 404 for
        # /api/kernels (standalone Voila does not serve it) and "no kernel" errors. That is
        # upstream noise no viewer sees; the lecture pages above are checked in full.
        assert watch.outside_requests == [], watch.outside_requests
        assert watch.failed_requests == [], watch.failed_requests
    finally:
        tab.screenshot(path=artifacts / "voila-lectures.png")
