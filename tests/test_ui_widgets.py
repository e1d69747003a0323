"""Every dashboard control clicked headlessly: the controller, the chart data and the text twin change."""

from __future__ import annotations

import plotly.io as pio
import pytest

import secretkit.ui  # noqa: F401  (registers the theme)
from secretkit.ui import CostDashboard, FailoverDashboard, RotationDashboard
from secretkit.ui.theme import TEMPLATE_NAME


def test_theme_is_the_default_template():
    assert pio.templates.default == TEMPLATE_NAME
    assert pio.templates[TEMPLATE_NAME].layout.font.size >= 16


def test_renderer_is_plotly_mimetype():
    assert pio.renderers.default == "plotly_mimetype"


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


# ---------------------------------------------------------------------- rotation
def test_rotation_buttons_move_days_and_the_chart():
    d = RotationDashboard()
    assert d.day.value == 0 and list(_trace(d.figure, "AWSCURRENT").y) == [1]
    d.next_day.click()
    assert d.controller.day == 1 and d.day.value == 1
    assert len(_trace(d.figure, "AWSCURRENT").x) == 2
    d.next_rotation.click()
    assert d.controller.day == 30 and d.day.value == 30
    assert list(_trace(d.figure, "AWSCURRENT").y)[-1] == 2
    assert list(_trace(d.figure, "AWSPREVIOUS").y)[-1] == 1
    assert sum(_trace(d.figure, "failed requests").y) == d.controller.failed_total() > 0
    assert "Day 30" in d.twin.value and "finishSecret" in d.events.value


def test_rotation_slider_goes_forward_and_back():
    d = RotationDashboard()
    d.day.value = 61
    assert d.controller.day == 61 and len(d.controller.versions) == 3
    d.day.value = 2
    assert d.controller.day == 2 and len(_trace(d.figure, "AWSCURRENT").x) == 3


def test_rotation_play_is_frontend_only():
    d = RotationDashboard()
    d.play.value = 10  # jslink runs in the browser: the kernel-side slider does not move
    assert d.controller.day == 0


def test_rotation_strategy_toggle_and_break_button():
    d = RotationDashboard()
    d.strategy.value = "alternating"
    assert d.controller.strategy == "alternating" and d.controller.day == 0
    d.break_button.click()
    d.next_rotation.click()
    assert d.controller.history[-1].labels["AWSPENDING"] == 2
    assert "setSecret failed" in d.events.value
    assert "AWSPENDING on v2" in d.twin.value


def test_rotation_reset_restores_everything():
    d = RotationDashboard()
    initial = (repr(d), d.twin.value, d.events.value, list(_trace(d.figure, "AWSCURRENT").y))
    d.day.value = 90
    d.reset_button.click()
    assert (repr(d), d.twin.value, d.events.value, list(_trace(d.figure, "AWSCURRENT").y)) == initial
    assert d.day.value == 0


# ---------------------------------------------------------------------- failover
def test_failover_every_button():
    d = FailoverDashboard()
    d.advance.click()
    assert sum(_trace(d.figure, "us-east-1 served").y) == 10
    d.primary_down.click()
    d.advance.click()
    assert sum(_trace(d.figure, "us-west-2 served").y) == 10
    assert sum(_trace(d.figure, "us-east-1 failed").y) == 10
    d.write.click()
    assert "refused everywhere" in d.events.value
    d.promote.click()
    assert d.controller.promoted and "promoted" in d.twin.value
    d.write.click()
    assert "stored in us-west-2" in d.events.value
    d.replica_down.click()
    d.advance.click()
    assert d.controller.app.failed_requests() == 10
    assert sum(_trace(d.figure, "us-west-2 failed").y) == 10
    d.replica_up.click()
    d.primary_up.click()
    assert "Regions down: none" in d.twin.value


def test_failover_chart_shades_each_outage_and_names_regions_down():
    d = FailoverDashboard()
    assert not d.figure.layout.shapes and "down" not in d.figure.layout.title.text
    d.advance.click()
    d.primary_down.click()
    assert d.figure.layout.title.text.endswith("(us-east-1 down)")
    assert [a.text for a in d.figure.layout.annotations] == ["us-east-1 down"]
    d.advance.click()
    d.primary_up.click()
    (band,) = d.figure.layout.shapes
    assert (band.x0, band.x1) == (10 - 5, 20 - 5)  # minutes 10 to 20, drawn on the bucket axis
    assert "down" not in d.figure.layout.title.text


def test_failover_reset_restores_everything():
    d = FailoverDashboard()
    initial = (repr(d), d.twin.value, d.events.value)
    d.primary_down.click()
    d.advance.click()
    d.reset_button.click()
    assert (repr(d), d.twin.value, d.events.value) == initial
    assert list(_trace(d.figure, "us-east-1 served").y) == [0]


# ---------------------------------------------------------------------- cost
@pytest.mark.parametrize("name,value", [("secrets", 200), ("reads_per_day", 5000), ("replicas_per_secret", 2),
                                        ("rotation_days", 7), ("growth_pct", 5)])
def test_cost_every_slider_changes_the_explorer_and_the_chart(name, value):
    d = CostDashboard()
    before = ([list(t.y) for t in d.figure.data], d.twin.value)
    d.sliders[name].value = value
    assert d.controller.settings[name] == value
    assert ([list(t.y) for t in d.figure.data], d.twin.value) != before


def test_cost_reset_restores_sliders_and_chart():
    d = CostDashboard()
    initial = (repr(d), d.twin.value, [list(t.y) for t in d.figure.data])
    d.sliders["secrets"].value = 300
    d.sliders["replicas_per_secret"].value = 1
    d.reset_button.click()
    assert (repr(d), d.twin.value, [list(t.y) for t in d.figure.data]) == initial
    assert d.sliders["secrets"].value == 20


def test_repr_is_the_text_saved_in_notebooks():
    for dash in (RotationDashboard(), FailoverDashboard(), CostDashboard()):
        bundle = dash._repr_mimebundle_()
        assert bundle["text/plain"] == repr(dash) == repr(type(dash)())  # same state, same text
        assert "uid" not in bundle["text/plain"] and "0x" not in bundle["text/plain"]
    assert repr(CostDashboard()) == "CostDashboard(CostExplorer(secrets=20, monthly=[SM $11.04, PS $0.00]))"


def test_widget_code_never_prints_or_captures_output():
    """Printing inside callbacks, Output capture and clear_output make saved notebook outputs
    differ between a test run and a browser; the views write to widget values only."""
    import ast
    import pathlib

    import secretkit.ui.widgets as widgets_module

    tree = ast.parse(pathlib.Path(widgets_module.__file__).read_text())
    called = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
              for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert called.isdisjoint({"print", "Output", "clear_output", "display", "interact", "interactive_output"})


def test_displaying_a_dashboard_syncs_its_chart_state_for_late_browsers():
    # Changes made before the first display travel as one-off messages; a browser that
    # connects later (Voila) builds the chart from the synced state, which must be current.
    d = CostDashboard()
    d.sliders["secrets"].value = 123
    d._repr_mimebundle_()
    synced = [trace.get("y") for trace in d.figure._widget_data]
    assert synced == [list(t.y) if t.y is not None else None for t in d.figure.data]
    assert any(y for y in synced)
