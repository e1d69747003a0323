"""What each course notebook should show in a browser, and how to poke its dashboard.

``charts`` counts every rendered plotly chart (static figures and the dashboards'
FigureWidgets); ``dashboards`` counts cells whose output is a widget. A test of this table
(``test_expectations_match_saved_outputs``) checks it against the notebooks' saved outputs,
so a chart added to or dropped from a notebook cannot slip past unnoticed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    notebook: str
    charts: int
    dashboards: int
    poke: Poke | None = None

    @property
    def name(self) -> str:
        """The notebook without ``.ipynb``: test ids and screenshot names."""
        return self.notebook.removesuffix(".ipynb")


STEP_A_DAY = Poke("step a day", "click", "Next day", r"^Day 30 of ", r"^Day 31 of ")
# The lecture has already taken us-east-1 down and promoted us-west-2.
TAKE_REGION_DOWN = Poke("take a region down", "click", "Take us-west-2 down",
                        r"Regions down: us-east-1\.", r"Regions down: us-east-1, us-west-2\.")


def move_cost_slider(secrets: int) -> Poke:
    return Poke("move a cost slider", "slide", "secrets stored", rf"^{secrets} secrets, ", rf"^{secrets + 1} secrets, ")


COURSE = [
    Expect("00_start_here.ipynb", charts=1, dashboards=1, poke=move_cost_slider(20)),
    Expect("01_secrets_manager.ipynb", charts=0, dashboards=0),
    Expect("02_rotation.ipynb", charts=3, dashboards=1, poke=STEP_A_DAY),
    Expect("03_multi_region.ipynb", charts=2, dashboards=1, poke=TAKE_REGION_DOWN),
    Expect("04_parameter_store.ipynb", charts=0, dashboards=0),
    Expect("05_cost.ipynb", charts=2, dashboards=1, poke=move_cost_slider(100)),
    Expect("06_ecommerce_and_choosing.ipynb", charts=0, dashboards=0),
]
DASHBOARDS = [e for e in COURSE if e.poke is not None]

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
