"""What each notebook a student opens should show in a browser, and how to poke its dashboard.

``charts`` counts every rendered plotly chart (static figures and the dashboards'
FigureWidgets); ``dashboards`` counts cells whose output is a widget. For the lectures
the table below says so, and a test of it (``test_expectations_match_saved_outputs``)
checks it against the notebooks' saved outputs, so a chart added to or dropped from a
lecture cannot slip past unnoticed; for the labs and their solutions the counts are read
from the saved outputs themselves.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _servers import ROOT, kit

from playwright.sync_api import Locator, Page


@dataclass(frozen=True)
class Poke:
    """One control to use on a dashboard and what the text twin must say afterwards."""

    description: str
    kind: str  # "click" a button by its label, or "slide" a slider one step with the keyboard
    control: str  # the button's label, or the slider's description
    twin_before: str  # a regex the twin matches before
    twin_after: str  # a regex the twin matches afterwards


@dataclass(frozen=True)
class Expect:
    notebook: str  # the path from the project's root, as JupyterLab names it
    charts: int
    dashboards: int
    poke: Poke | None = None

    @property
    def name(self) -> str:
        """The path without ``.ipynb`` and with dashes for slashes: test ids and screenshot names."""
        return self.notebook.removesuffix(".ipynb").replace("/", "-")

    @property
    def file(self) -> str:
        """The notebook's file name, as Voila (serving ``course/``) names it."""
        return Path(self.notebook).name


STEP_A_DAY = Poke("step a day", "click", "Next day", r"^Day 30 of ", r"^Day 31 of ")
# The lecture has already taken us-east-1 down and promoted us-west-2.
TAKE_REGION_DOWN = Poke("take a region down", "click", "Take us-west-2 down",
                        r"Regions down: us-east-1\.", r"Regions down: us-east-1, us-west-2\.")


def move_cost_slider(secrets: int) -> Poke:
    return Poke("move a cost slider", "slide", "secrets stored", rf"^{secrets} secrets, ", rf"^{secrets + 1} secrets, ")


COURSE = [
    Expect("course/00_start_here.ipynb", charts=1, dashboards=1, poke=move_cost_slider(20)),
    Expect("course/01_secrets_manager.ipynb", charts=0, dashboards=0),
    Expect("course/02_rotation.ipynb", charts=3, dashboards=1, poke=STEP_A_DAY),
    Expect("course/03_multi_region.ipynb", charts=2, dashboards=1, poke=TAKE_REGION_DOWN),
    Expect("course/04_parameter_store.ipynb", charts=0, dashboards=0),
    Expect("course/05_cost.ipynb", charts=2, dashboards=1, poke=move_cost_slider(100)),
    Expect("course/06_ecommerce_and_choosing.ipynb", charts=0, dashboards=0),
    Expect("course/07_infrastructure_as_code.ipynb", charts=0, dashboards=0),
    Expect("course/08_who_can_read.ipynb", charts=0, dashboards=0),
]
DASHBOARDS = [e for e in COURSE if e.poke is not None]


# Cells with this tag repeat a dashboard's chart, text twin and log for readers of the saved
# file; the kit's Voila template runs them but does not draw them (the live dashboard is there).
SAVED_COPY = "saved-copy"


def saved_counts(path: Path, *, in_voila: bool = False) -> tuple[int, int]:
    """(charts, dashboards) in a notebook's saved outputs; a dashboard holds one chart.
    ``in_voila`` leaves out the cells Voila does not draw."""
    plots = widgets = 0
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if in_voila and SAVED_COPY in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            plots += "application/vnd.plotly.v1+json" in data
            widgets += "application/vnd.jupyter.widget-view+json" in data
    return plots + widgets, widgets


# Every lab and every solution, as a student finds them next to the course.
LABS = [Expect(path.relative_to(ROOT).as_posix(), *saved_counts(path))
        for folder in ("labs", "labs/solutions") for path in sorted((ROOT / folder).glob("*.ipynb"))]
EVERY_NOTEBOOK = COURSE + LABS

# The font sizes a student must see, from the settings kit.py seeds (CSS px as text).
_SEEDED = kit.LAB_USER_SETTINGS_SEED["@jupyterlab/apputils-extension/themes.jupyterlab-settings"]["overrides"]
FONT_SIZES = {
    "prose": _SEEDED["content-font-size1"],
    "code": _SEEDED["code-font-size"],
    "outputs": _SEEDED["code-font-size"],
    "widget labels": _SEEDED["ui-font-size1"],
}

# The computed font size of the first few visible elements of each kind on the page.
FONTS_JS = """(root) => {
  root = root || document;
  const kinds = {
    prose: '.jp-RenderedMarkdown p, .jp-RenderedMarkdown li',
    code: '.jp-InputArea .cm-content',
    outputs: '.jp-OutputArea-output pre',
    'widget labels': '.widget-label, .widget-readout, .widget-inline-hbox .widget-label-basic',
  };
  const found = {};
  for (const [kind, selector] of Object.entries(kinds)) {
    const sizes = Array.from(root.querySelectorAll(selector))
      .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
      .slice(0, 20).map(el => getComputedStyle(el).fontSize);
    found[kind] = Array.from(new Set(sizes));
  }
  return found;
}"""


def check_fonts(found: dict[str, list[str]], kinds: list[str], where_shown: tuple[str, ...] = ()) -> None:
    """Every element of each kind measured at the size the kit promises: ``kinds`` must be
    on the page, ``where_shown`` are checked when there are any (a dashboard of buttons
    only has no widget labels)."""
    for kind in [*kinds, *where_shown]:
        assert found[kind] or kind in where_shown, f"no {kind} found on the page to measure"
        assert found[kind] in ([FONT_SIZES[kind]], []), f"{kind}: {found[kind]}, expected {FONT_SIZES[kind]}"


# Scroll a dashboard to the top of the area that shows it, then report every control and
# chart of it that is not wholly inside that area (the window, clipped by the scrolling
# box around the dashboard), and whether plotly's toolbar overlaps a chart's title.
FIT_JS = """async (dashboard) => {
  const scroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (/(auto|scroll)/.test(s.overflowY) && p.scrollHeight > p.clientHeight) return p;
    }
    return document.scrollingElement;
  };
  dashboard.scrollIntoView({block: 'start'});
  await new Promise(r => setTimeout(r, 400));
  const box = scroller(dashboard);
  const area = box === document.scrollingElement
    ? {top: 0, bottom: window.innerHeight, left: 0, right: window.innerWidth}
    : box.getBoundingClientRect();
  const top = Math.max(0, area.top), bottom = Math.min(window.innerHeight, area.bottom);
  const left = Math.max(0, area.left), right = Math.min(window.innerWidth, area.right);
  const describe = el => (el.innerText || el.getAttribute('title') || el.className.toString()).trim().split('\\n')[0].slice(0, 40);
  const controls = Array.from(dashboard.querySelectorAll('button.jupyter-button, .widget-slider, .widget-play'))
    .filter(el => !el.closest('.modebar'));
  const charts = Array.from(dashboard.querySelectorAll('.js-plotly-plot'));
  const outside = [];
  for (const el of [...controls, ...charts]) {
    const r = el.getBoundingClientRect();
    if (r.top < top - 1 || r.bottom > bottom + 1 || r.left < left - 1 || r.right > right + 1)
      outside.push(`${describe(el)} at ${Math.round(r.top)}..${Math.round(r.bottom)} px (visible ${Math.round(top)}..${Math.round(bottom)})`);
  }
  const covered = [];
  for (const chart of charts) {
    const title = chart.querySelector('.gtitle');
    const bar = chart.querySelector('.modebar');
    if (!title || !bar) continue;
    const a = title.getBoundingClientRect(), b = bar.getBoundingClientRect();
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) covered.push(title.textContent);
  }
  return {controls: controls.length, charts: charts.length, visible: Math.round(bottom - top), outside, covered};
}"""


# Each slider's track (the part a student drags) against the whole slider.
WIDTHS_JS = """(dashboard) => Array.from(dashboard.querySelectorAll('.widget-slider')).map(el => {
  const track = el.querySelector('.slider-container');
  return [(el.querySelector('.widget-label') || {}).innerText,
          track ? Math.round(track.getBoundingClientRect().width) : 0, Math.round(el.getBoundingClientRect().width)];
})"""
MIN_TRACK_SHARE = 0.4  # a slider's track is at least this share of the slider


def check_fits(dashboard: Locator) -> None:
    """The dashboard's controls and its chart are visible together, no title is covered, and
    every slider has a track long enough to drag."""
    fit = dashboard.evaluate(FIT_JS)
    assert fit["controls"] and fit["charts"], f"no controls or chart found: {fit}"
    assert fit["outside"] == [], f"not visible with the rest of the dashboard in {fit['visible']} px: {fit['outside']}"
    assert fit["covered"] == [], f"plotly's toolbar covers the title: {fit['covered']}"
    short = [(label, track) for label, track, whole in dashboard.evaluate(WIDTHS_JS) if track < MIN_TRACK_SHARE * whole]
    assert not short, f"sliders with short tracks (label, track px): {short}"

# Each widget chart's drawn width (plotly's own measure, and its SVG's) against the width
# inside the output area that holds it: a chart sized without its container measured comes
# out at plotly's default of 700 px instead.
CHART_WIDTHS_JS = """(root) => Array.from(root.querySelectorAll('.js-plotly-plot')).map(gd => {
  const area = gd.closest('.jp-OutputArea-output') || gd.parentElement;
  const style = getComputedStyle(area);
  const inside = area.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const svg = gd.querySelector('.main-svg');
  return {area: Math.round(inside), layout: Math.round((gd._fullLayout || {}).width || 0),
          svg: svg ? Math.round(svg.getBoundingClientRect().width) : 0};
})"""
CHART_WIDTH_SLACK = 4  # px: margins and borders of the widget boxes around a chart


def chart_widths(dashboard: Locator) -> list[dict[str, int]]:
    return dashboard.evaluate(CHART_WIDTHS_JS)


def check_chart_widths(dashboard: Locator) -> None:
    """Every chart in the dashboard is drawn as wide as its output area (within a few px)."""
    def fits(widths: list[dict[str, int]]) -> bool:
        return bool(widths) and all(abs(w["area"] - w[k]) <= CHART_WIDTH_SLACK for w in widths for k in ("layout", "svg"))

    # Plotly re-measures a moment after the chart's element changes size; allow it that moment.
    widths = settle(dashboard.page, lambda: chart_widths(dashboard), fits, patience=5.0)
    assert widths, "the dashboard shows no chart"
    assert fits(widths), f"charts not as wide as their output area (px): {widths}"


# A chart counts as drawn once it is taller than this many pixels (an empty one is flat).
MIN_CHART_HEIGHT = 50

# The plotly figure a dashboard draws into, as data the page can compare before and after.
CHART_STATE_JS = """(root) => Array.from(root.querySelectorAll('.js-plotly-plot'))
    .map(gd => JSON.stringify([gd.data, gd.layout && gd.layout.shapes, gd.layout && gd.layout.annotations]))"""


def settle(page: Page, read: Callable[[], Any], done: Callable[[Any], bool], patience: float = 30.0) -> Any:
    """Read the page every half second until ``done(reading)`` or ``patience`` seconds pass;
    return the last reading either way (the caller asserts on it). Widget views and plotly
    draw asynchronously after the kernel has finished, so a single look can come too early."""
    deadline = time.monotonic() + patience
    while True:
        reading = read()
        if (reading is not None and done(reading)) or time.monotonic() > deadline:
            return reading
        page.wait_for_timeout(500)


def scroll_to(element: Locator) -> None:
    element.evaluate("el => el.scrollIntoView({block: 'start'})")
    element.page.wait_for_timeout(300)  # let plotly finish drawing what came into view


def twin(dashboard: Locator) -> str:
    return dashboard.get_by_role("status").first.inner_text().strip()


def chart_state(dashboard: Locator) -> list[str]:
    return dashboard.evaluate(CHART_STATE_JS)


def poke(page: Page, dashboard: Locator, action: Poke) -> None:
    """Use the dashboard's control the way a person would."""
    if action.kind == "click":
        dashboard.get_by_role("button", name=action.control, exact=True).click()
    elif action.kind == "slide":
        slider = dashboard.locator(".widget-slider").filter(has_text=action.control).first
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")
    else:
        raise ValueError(f"unknown kind of control {action.kind!r}")


def check_poke(page: Page, dashboard: Locator, action: Poke) -> None:
    """Poke the dashboard and check both the text twin and the chart changed as they should."""
    before_text = twin(dashboard)
    assert re.search(action.twin_before, before_text), f"before '{action.description}', the text was: {before_text}"
    before_chart = chart_state(dashboard)
    assert before_chart, "the dashboard shows no chart"
    poke(page, dashboard, action)
    page.wait_for_function(
        "([el, pattern]) => { const s = el.querySelector('[role=status]'); return s && new RegExp(pattern).test(s.innerText.trim()); }",
        arg=[dashboard.element_handle(), action.twin_after],
        timeout=30_000,
    )
    # The chart follows the twin in the same kernel message; give the browser a moment to draw it.
    page.wait_for_function(
        f"([el, before]) => JSON.stringify(({CHART_STATE_JS})(el)) !== JSON.stringify(before)",
        arg=[dashboard.element_handle(), before_chart],
        timeout=15_000,
    )
