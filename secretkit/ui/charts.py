"""Plotly figures drawn from the controllers' plain data.

Each function takes a controller and returns a ``go.Figure`` (``widget=True`` gives a
``go.FigureWidget`` that a dashboard updates in place). The matching ``update_*``
functions copy fresh data into an existing figure, so a widget keeps its identity (and the
browser keeps its zoom) while the numbers change.
"""

from __future__ import annotations

import math
from copy import deepcopy
from typing import Any

import plotly.graph_objects as go

from ..pricing import PARAMETER_STORE_DEFAULT_TPS
from .cost import COMPONENTS, SERVICES, CostExplorer
from .failover import FailoverDrill
from .fitwidth import FittedFigureWidget
from .rotation import LABELS, RotationStepper
from .theme import COLORS, OKABE_ITO

__all__ = [
    "cost_figure",
    "failover_figure",
    "rotation_figure",
    "update_cost",
    "update_failover",
    "update_rotation",
]

_COMPONENT_COLORS = dict(zip(COMPONENTS, (OKABE_ITO[4], OKABE_ITO[1], OKABE_ITO[6], OKABE_ITO[0])))


def _new(widget: bool, layout: dict[str, Any]) -> go.Figure:
    fig = FittedFigureWidget() if widget else go.Figure()
    fig.update_layout(**layout)
    return fig


def count_axis(values: list[int] | list[float], *, at_least: int = 1) -> dict[str, Any]:
    """A y axis for counts: whole-number ticks only (never 0.5 requests), from 0 to a round top.

    ``at_least`` keeps an all-zero chart (after Reset) from collapsing to a flat line.
    """
    top = max([at_least, *values])
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if top / s <= 5) \
        if top <= 25_000 else 10 ** math.ceil(math.log10(top / 5))
    return {"range": [0, math.ceil(top / step) * step * 1.05], "tick0": 0, "dtick": step, "tickformat": ",d",
            "rangemode": "tozero"}


# ---------------------------------------------------------------------- rotation
def sync_widget_state(fig: go.Figure) -> None:
    """Make a FigureWidget's synced state match its current data and layout.

    A FigureWidget sends each in-place update as a one-off message. A browser that
    connects later (Voila drawing a dashboard after its cell ran, a page reload) sees only
    the synced state, which is the figure as first built; a dashboard updated before it
    was first drawn would show an empty chart. Plotly refreshes that state itself only
    when the figure is displayed on its own, not inside a box of widgets, so dashboards
    call this before they are displayed.
    """
    if isinstance(fig, go.FigureWidget):
        fig._widget_layout = deepcopy(fig._layout_obj._props)
        fig._widget_data = deepcopy(fig._data)


def _accepted_points(stepper: RotationStepper) -> tuple[list[int], list[int]]:
    xs: list[int] = []
    ys: list[int] = []
    series = stepper.series()
    for day, accepted in zip(series["day"], series["accepted"]):
        xs.extend([day] * len(accepted))
        ys.extend(accepted)
    return xs, ys


def rotation_figure(stepper: RotationStepper, *, widget: bool = False) -> go.Figure:
    """Which version carries each label, day by day, and which versions the database accepts.

    Top: the label timeline (a step line per label; a gap means the label is attached to
    no version). Bottom: application requests that failed each day.
    """
    fig = _new(widget, {
        "title": {"text": f"Rotation timeline ({stepper.strategy})"},
        "height": 430,
        # The "day" title goes on the bottom axis: on the top one it lands inside the lower panel.
        "xaxis": {"range": [-1, stepper.last_day + 1], "domain": [0, 1], "anchor": "y"},
        "yaxis": {"title": {"text": "version"}, "domain": [0.38, 1], "dtick": 1, "rangemode": "tozero"},
        "xaxis2": {"title": {"text": "day"}, "range": [-1, stepper.last_day + 1], "anchor": "y2", "matches": "x"},
        "yaxis2": {"title": {"text": "failed"}, "domain": [0, 0.26], **count_axis([])},
        # Anchored by its top, so both rows of the legend stay below the "day" axis title.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.36},
    })
    # First, so it lies under the label lines: a thick black dash on each version the database
    # accepts, one per day, which join into a black band around that version's line. Drawn on
    # top, or thin, they vanished into the lines, and with them the point of alternating users
    # (two versions accepted at once).
    fig.add_trace(go.Scatter(name="database accepts", mode="markers", hoverinfo="x+y+name",
                             marker={"symbol": "line-ew-open", "size": 18, "color": "#000000",
                                     "line": {"width": 12, "color": "#000000"}}))
    for label in LABELS:
        fig.add_trace(go.Scatter(name=label, mode="lines+markers", line={"shape": "hv", "width": 4},
                                 marker={"size": 6}, line_color=COLORS[label]))
    fig.add_trace(go.Bar(name="failed requests", xaxis="x2", yaxis="y2", marker_color=COLORS["failed"]))
    update_rotation(fig, stepper)
    return fig


def update_rotation(fig: go.Figure, stepper: RotationStepper) -> None:
    s = stepper.series()
    xs, ys = _accepted_points(stepper)
    span = [-1, stepper.last_day + 1]
    with fig.batch_update():
        fig.data[0].x, fig.data[0].y = xs, ys
        for i, label in enumerate(LABELS, start=1):
            fig.data[i].x, fig.data[i].y = s["day"], s[label]
        fig.data[4].x, fig.data[4].y = s["day"], s["failed"]
        fig.layout.xaxis.range = span
        fig.layout.xaxis2.range = span
        fig.layout.yaxis2.update(count_axis(s["failed"]))
        fig.layout.title.text = f"Rotation timeline ({stepper.strategy}), day {stepper.day}"


# ---------------------------------------------------------------------- failover
_REGION_COLORS = (OKABE_ITO[4], OKABE_ITO[1])


def failover_figure(drill: FailoverDrill, *, widget: bool = False) -> go.Figure:
    """Requests served per region (bars) and failed attempts (line) per 10 minutes, with each
    outage shaded in its region's colour."""
    fig = _new(widget, {
        "title": {"text": "Requests per region"},
        "height": 400,
        "barmode": "stack",
        "xaxis": {"title": {"text": "minutes since start (10-minute buckets)", "standoff": 8},
                  "tick0": 0, "dtick": 10, "tickangle": 0},
        "yaxis": {"title": {"text": "attempts"}},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.3},
    })
    for region, color in zip(drill.regions, _REGION_COLORS):
        fig.add_trace(go.Bar(name=f"{region} served", marker_color=color))
    for region, dash in zip(drill.regions, ("solid", "dot")):
        fig.add_trace(go.Scatter(name=f"{region} failed", mode="lines+markers",
                                 line={"color": COLORS["failed"], "dash": dash, "width": 3}))
    update_failover(fig, drill)
    return fig


#: The failover chart always spans at least this many 10-minute buckets (an hour), so after
#: Reset it shows an hour to come rather than a sliver of axis around minute 0.
_MIN_BUCKETS = 6


def _failover_span(drill: FailoverDrill) -> list[float]:
    """The x range: bars sit at the start of their 10-minute bucket, drawn 10 wide around it."""
    buckets = max(_MIN_BUCKETS, len(drill.series()["minute"]) + 1)  # one bucket of room to the right
    return [-5, 10 * buckets - 5]


def _outage_bands(drill: FailoverDrill) -> tuple[list[dict], list[dict]]:
    """A shaded band and a label per outage.

    A minute m is drawn at x = m - 5 (the left edge of its bucket's bar). An outage that is
    still going on is drawn at least one bucket wide (the next ten minutes are in it), so a
    region just taken down shows a band its label fits in, not a zero-width line; one that
    ended in the minute it began keeps a one-minute sliver. Labels hang from the top of the
    plot, one row per outage (three rows, then again), on a pale ground so bars behind them
    stay readable.
    """
    colors = dict(zip(drill.regions, _REGION_COLORS))
    ongoing = {(region, start) for region, start, end in drill.outages if end is None}
    shapes, labels = [], []
    for n, (region, start, end) in enumerate(drill.down_periods()):
        x0 = start - 5
        x1 = max(end, start + 10) - 5 if (region, start) in ongoing else max(end - 5, start - 4)
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
                       "fillcolor": colors[region], "opacity": 0.18, "line": {"width": 0}, "layer": "below"})
        labels.append({"x": x0, "xref": "x", "xanchor": "left", "y": 1 - 0.09 * (n % 3), "yref": "paper",
                       "yanchor": "top", "text": f"{region} down", "showarrow": False, "font": {"size": 13},
                       "bgcolor": "rgba(255,255,255,0.85)"})
    return shapes, labels


def update_failover(fig: go.Figure, drill: FailoverDrill) -> None:
    s = drill.series()
    n = len(drill.regions)
    shapes, labels = _outage_bands(drill)
    down = [region for region in drill.regions if drill.cloud.is_down(region)]
    served = [sum(s[f"{region} ok"][i] for region in drill.regions) for i in range(len(s["minute"]))]
    failed = [v for region in drill.regions for v in s[f"{region} failed"]]
    with fig.batch_update():
        for i, region in enumerate(drill.regions):
            fig.data[i].x, fig.data[i].y = s["minute"], s[f"{region} ok"]
            fig.data[n + i].x, fig.data[n + i].y = s["minute"], s[f"{region} failed"]
        span = _failover_span(drill)
        fig.layout.xaxis.range = span
        # Upright labels need room: a tick every 10 minutes for the first two hours, then wider.
        fig.layout.xaxis.dtick = 10 * math.ceil((span[1] + 5) / 10 / 12)
        fig.layout.yaxis.update(count_axis(served + failed))
        fig.layout.shapes = shapes
        fig.layout.annotations = labels
        fig.layout.title.text = (f"Requests per region, minute {drill.minutes}"
                                 + (f" ({', '.join(down)} down)" if down else ""))


# ---------------------------------------------------------------------- cost
def cost_figure(explorer: CostExplorer, *, widget: bool = False) -> go.Figure:
    """Left: this month's cost, stacked by what it pays for. Right: cumulative 12-month spend."""
    fig = _new(widget, {
        "title": {"text": "Monthly cost and 12-month projection (USD)"},
        "height": 400,
        "barmode": "stack",
        # Service names on two lines, upright: slanted, they were cut off in a narrow chart.
        "xaxis": {"domain": [0, 0.42], "tickangle": 0, "tickvals": list(SERVICES),
                  "ticktext": [service.replace(" ", "<br>") for service in SERVICES]},
        "yaxis": {"title": {"text": "USD per month"}, "rangemode": "tozero"},
        "xaxis2": {"domain": [0.55, 1], "anchor": "y2", "title": {"text": "month"}, "dtick": 1,
                   "tickangle": 0},
        "yaxis2": {"anchor": "x2", "title": {"text": "USD so far"}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.4},
    })
    for component in COMPONENTS:
        fig.add_trace(go.Bar(name=component, marker_color=_COMPONENT_COLORS[component]))
    for service in SERVICES:
        fig.add_trace(go.Scatter(name=f"{service} (cumulative)", xaxis="x2", yaxis="y2", mode="lines+markers",
                                 line={"color": COLORS[service], "width": 3}))
    update_cost(fig, explorer)
    return fig


def _throughput_note(explorer: CostExplorer) -> list[dict[str, Any]]:
    """A label over Parameter Store's bar when its reads need higher throughput.

    Without it the bar leaps from nothing to nearly Secrets Manager's as the reads pass 40 a
    second, and the chart gives no reason.
    """
    high, per_second = explorer.higher_throughput()
    if not high:
        return []
    # Inside the top of the bar: above it, the label ran into the chart's title. The bar is
    # always tall here (40 reads a second for a month is over $500 of billed reads).
    top = explorer.monthly_totals()[SERVICES[1]]
    return [{"x": SERVICES[1], "xref": "x", "y": top, "yref": "y", "yanchor": "top", "showarrow": False,
             "text": f"~{per_second:,.0f} reads/s, over {PARAMETER_STORE_DEFAULT_TPS}:<br>higher throughput,"
                     "<br>every read billed",
             "font": {"size": 13}, "bgcolor": "rgba(255,255,255,0.85)"}]


def update_cost(fig: go.Figure, explorer: CostExplorer) -> None:
    bars = explorer.bars()
    projection = explorer.projection()
    with fig.batch_update():
        fig.layout.annotations = _throughput_note(explorer)
        for i, component in enumerate(COMPONENTS):
            fig.data[i].x = list(SERVICES)
            fig.data[i].y = [bars[service][component] for service in SERVICES]
        for j, service in enumerate(SERVICES):
            trace = fig.data[len(COMPONENTS) + j]
            trace.x, trace.y = projection["month"], projection[service]
