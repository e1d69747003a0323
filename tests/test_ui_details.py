"""The dashboards' details a student notices: what each chart shows after Reset, at an
outage's first minute, past an injected failure and above Parameter Store's throughput, and
which buttons are usable when (issue 14)."""

from __future__ import annotations

import pytest

from secretkit.pricing import PARAMETER_STORE_DEFAULT_TPS, Workload, compare
from secretkit.ui import CostDashboard, FailoverDashboard, RotationDashboard
from secretkit.ui.charts import count_axis, cost_figure, failover_figure, rotation_figure
from secretkit.ui.cost import COST_SETTINGS, CostExplorer
from secretkit.ui.failover import FailoverDrill
from secretkit.ui.rotation import RotationStepper


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def _ticks(axis) -> list[float]:
    """The tick values plotly draws for an axis with tick0, dtick and a range."""
    top = axis.range[1]
    return [axis.tick0 + i * axis.dtick for i in range(int((top - axis.tick0) // axis.dtick) + 1)]


# ---------------------------------------------------------------------- counts on axes
@pytest.mark.parametrize("values", [[], [0, 0], [1], [3], [7, 2], [10, 9], [37], [480], [12_345], [2_000_000]])
def test_count_axes_tick_whole_numbers_from_zero_to_above_the_top(values):
    axis = count_axis(values)
    ticks = [0 + i * axis["dtick"] for i in range(int(axis["range"][1] // axis["dtick"]) + 1)]
    assert axis["range"][0] == 0 and axis["tick0"] == 0
    assert float(axis["dtick"]).is_integer() and axis["dtick"] >= 1
    assert axis["range"][1] >= max([1, *values])            # the tallest value is on the chart
    assert 2 <= len(ticks) <= 7                              # readable, never a single tick
    assert axis["tickformat"] == ",d"


# ---------------------------------------------------------------------- failover chart
def test_failover_chart_after_reset_shows_an_hour_with_integer_counts():
    d = FailoverDashboard()
    d.advance.click()
    d.primary_down.click()
    d.reset_button.click()
    layout = d.figure.layout
    assert tuple(layout.xaxis.range) == (-5, 55)              # an hour to come, not -0.4..0.4
    assert layout.xaxis.dtick == 10 and layout.xaxis.tickangle == 0
    assert layout.yaxis.dtick == 1 and layout.yaxis.tick0 == 0 and layout.yaxis.range[0] == 0
    assert not layout.shapes and not layout.annotations


def test_failover_y_axis_counts_the_tallest_bucket_in_whole_numbers():
    drill = FailoverDrill()
    drill.advance(30)
    drill.outage("us-east-1")
    drill.advance(20)
    fig = failover_figure(drill)
    s = drill.series()
    tallest = max(max(a + b for a, b in zip(s["us-east-1 ok"], s["us-west-2 ok"])), max(s["us-east-1 failed"]))
    assert fig.layout.yaxis.range[1] >= tallest
    assert all(float(t).is_integer() for t in _ticks(fig.layout.yaxis))


def test_a_region_just_taken_down_gets_a_band_its_label_fits_in():
    drill = FailoverDrill()
    drill.advance(30)
    drill.outage("us-east-1")               # no time has passed in the outage yet
    fig = failover_figure(drill)
    (band,) = fig.layout.shapes
    (label,) = fig.layout.annotations
    assert band.x1 - band.x0 == 10           # one 10-minute bucket, not zero wide
    assert label.x == band.x0 and label.xanchor == "left" and label.yanchor == "top" and label.y <= 1
    assert fig.layout.xaxis.range[1] >= band.x1


def test_an_outage_that_ended_keeps_its_own_width_and_labels_do_not_share_a_row():
    drill = FailoverDrill()
    drill.advance(10)
    drill.outage("us-east-1")
    drill.outage("us-west-2")
    drill.advance(20)
    drill.recover("us-east-1")
    fig = failover_figure(drill)
    east, west = fig.layout.shapes
    assert (east.x0, east.x1) == (5, 25)     # minutes 10 to 30
    assert west.x1 == 25                     # ongoing: up to now (more than a bucket already)
    assert len({a.y for a in fig.layout.annotations}) == 2


def test_failover_x_ticks_stay_upright_and_readable_as_time_goes_on():
    drill = FailoverDrill()
    for _ in range(30):
        drill.advance(10)
    fig = failover_figure(drill)
    span = fig.layout.xaxis.range[1] - fig.layout.xaxis.range[0]
    assert fig.layout.xaxis.tickangle == 0 and span / fig.layout.xaxis.dtick <= 13
    assert fig.layout.xaxis.range[1] > max(drill.series()["minute"])


# ---------------------------------------------------------------------- failover buttons
def test_failover_buttons_are_disabled_when_their_action_is_impossible_and_say_why():
    d = FailoverDashboard()
    enabled = lambda: {b.description for b in (d.primary_down, d.primary_up, d.replica_down, d.replica_up,
                                               d.promote, d.advance, d.write) if not b.disabled}
    assert enabled() == {"Take us-east-1 down", "Take us-west-2 down", "Promote replica", "+10 minutes",
                         "Write new value"}
    assert d.primary_up.tooltip == "Not now: us-east-1 is not down" and "us-east-1 is not down" in d.why.value
    d.primary_down.click()
    assert d.primary_down.disabled and not d.primary_up.disabled
    assert "already down" in d.primary_down.tooltip
    d.promote.click()
    assert d.promote.disabled and "already promoted" in d.promote.tooltip and "already promoted" in d.why.value
    d.primary_up.click()
    assert not d.primary_down.disabled and d.primary_up.disabled
    d.reset_button.click()
    assert not d.promote.disabled and d.promote.tooltip == "StopReplicationToReplica in us-west-2"


def test_promotion_is_disabled_while_the_replica_region_is_down():
    d = FailoverDashboard()
    d.replica_down.click()
    assert d.promote.disabled and "us-west-2 is down" in d.promote.tooltip
    d.replica_up.click()
    assert not d.promote.disabled


def test_impossible_controls_called_anyway_change_nothing_and_log_nothing():
    drill = FailoverDrill()
    drill.recover("us-east-1")               # not down
    assert drill.log == drill.log[:1] and drill.outages == []
    drill.outage("us-east-1")
    drill.outage("us-east-1")                # down already
    assert len(drill.outages) == 1 and sum("is down" in line for line in drill.log) == 1
    assert drill.unavailable()["outage us-east-1"] == "us-east-1 is already down"


# ---------------------------------------------------------------------- rotation
def test_a_failure_in_the_third_rotation_runs_on_to_its_retry():
    r = RotationStepper(rotation_days=30, days=90)
    r.goto(61)
    r.fail_next_rotation()                   # the rotation of day 90
    assert r.last_day == 120
    r.play()
    assert r.day == 120
    assert r.history[90].labels["AWSPENDING"] == 4 and r.history[90].labels["AWSCURRENT"] == 3
    assert r.history[120].labels == {"AWSCURRENT": 4, "AWSPREVIOUS": 3, "AWSPENDING": None}
    r.goto(30)                               # going back replays the same failure
    r.play()
    assert r.day == 120 and r.history[90].labels["AWSPENDING"] == 4
    r.reset()
    assert r.last_day == 90


def test_the_rotation_dashboard_slider_and_chart_reach_the_retry():
    d = RotationDashboard()
    d.day.value = 75
    d.break_button.click()
    assert d.day.max == d.play.max == 120
    assert tuple(d.figure.layout.xaxis.range) == (-1, 121)
    d.next_rotation.click()
    assert d.day.value == 90
    d.next_rotation.click()
    assert d.day.value == 120 and d.controller.history[-1].labels["AWSPENDING"] is None
    d.reset_button.click()
    assert d.day.max == 90 and d.day.value == 0 and tuple(d.figure.layout.xaxis.range) == (-1, 91)


def test_failed_requests_axis_counts_whole_requests():
    r = RotationStepper("single-user")
    r.goto(30)
    fig = rotation_figure(r)
    axis = fig.layout.yaxis2
    assert axis.range[1] >= max(r.series()["failed"]) and all(float(t).is_integer() for t in _ticks(axis))


def test_database_accepts_marks_are_drawn_under_the_label_lines_and_thick():
    fig = rotation_figure(RotationStepper("alternating"))
    assert fig.data[0].name == "database accepts"
    assert fig.data[0].marker.line.width >= 8 and fig.data[0].marker.size >= 16


# ---------------------------------------------------------------------- cost
def test_parameter_store_throughput_is_explained_where_its_cost_jumps():
    below = CostExplorer(secrets=100, reads_per_day=20_000)
    above = CostExplorer(secrets=500, reads_per_day=20_000)
    assert below.monthly_totals()["Parameter Store"] == 0 and above.monthly_totals()["Parameter Store"] > 1000
    assert compare(Workload(secrets=500, reads_per_day=20_000)).higher_throughput
    assert "higher throughput" not in below.text_twin() and not cost_figure(below).layout.annotations
    assert f"more than Parameter Store's default throughput of {PARAMETER_STORE_DEFAULT_TPS}" in above.text_twin()
    assert "about 116 times a second" in above.text_twin()
    (note,) = cost_figure(above).layout.annotations
    assert note.x == "Parameter Store" and "higher throughput" in note.text and "116" in note.text


def test_cost_reset_returns_to_where_the_notebook_set_the_sliders():
    d = CostDashboard()
    d.sliders["secrets"].value = 100
    d.sliders["growth_pct"].value = 5
    d._repr_mimebundle_()                    # the cell shows it: this is where the lecture starts
    d.sliders["secrets"].value = 400
    d.sliders["rotation_days"].value = 0
    d.reset_button.click()
    assert d.controller.settings["secrets"] == 100 and d.controller.settings["growth_pct"] == 5
    assert d.sliders["secrets"].value == 100 and d.sliders["rotation_days"].value == 30
    d._repr_mimebundle_()                    # shown again later: the starting point stays
    d.sliders["secrets"].value = 7
    d.reset_button.click()
    assert d.sliders["secrets"].value == 100


def test_month_ticks_are_upright():
    assert cost_figure(CostExplorer()).layout.xaxis2.tickangle == 0


def test_cost_sliders_have_short_aligned_labels_and_their_meaning_as_tooltip():
    d = CostDashboard()
    widths = {slider.style.description_width for slider in d.sliders.values()}
    assert len(widths) == 1 and widths != {"initial"}        # one width: the tracks line up
    for name, slider in d.sliders.items():
        assert len(slider.description) <= 20, slider.description
        assert slider.tooltip == COST_SETTINGS[name][4]
