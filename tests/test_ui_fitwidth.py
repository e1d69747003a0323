"""The dashboards' charts re-measure their width once on the page (the browser suite checks
the drawn width; these check what the kernel sends and that every dashboard uses it)."""

from __future__ import annotations

from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest

from secretkit.ui import CostDashboard, FailoverDashboard, RotationDashboard
from secretkit.ui import fitwidth
from secretkit.ui.fitwidth import FittedFigureWidget, fitted_widget_code

PLOTLY_MODULE = (Path(plotly.__file__).parent / "package_data" / "widgetbundle.js").read_text(encoding="utf-8")


def test_the_module_is_plotlys_own_with_the_view_patched_at_the_end():
    code = fitted_widget_code()
    assert code.startswith(PLOTLY_MODULE)
    added = code[len(PLOTLY_MODULE):]
    assert "ResizeObserver" in added and "autosizeFigure" in added and "__PLOTLY_FIGURE_VIEW__" not in added
    (view,) = fitwidth._VIEW_EXPORT.findall(PLOTLY_MODULE)
    assert added.rstrip().endswith(f"}})({view});")


def test_the_widget_sends_the_patched_module_and_is_still_a_figurewidget():
    fig = FittedFigureWidget(go.Bar(y=[1, 2]))
    assert isinstance(fig, go.FigureWidget)
    assert fig._esm == fitted_widget_code()
    assert fig.layout.width is None  # the chart's width comes from the page


@pytest.mark.parametrize("dashboard", [RotationDashboard, FailoverDashboard, CostDashboard])
def test_every_dashboard_draws_a_fitted_chart(dashboard):
    # (isinstance: traitlets gives each anywidget instance a subclass of its own class)
    assert isinstance(dashboard().figure, FittedFigureWidget)


def test_a_plotly_that_no_longer_exports_the_view_is_reported(monkeypatch, tmp_path):
    bundle = tmp_path / "package_data" / "widgetbundle.js"
    bundle.parent.mkdir()
    bundle.write_text("export{a as FigureModel,c as default};", encoding="utf-8")
    monkeypatch.setattr(plotly, "__file__", str(tmp_path / "__init__.py"))
    fitted_widget_code.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="does not export one FigureView"):
            fitted_widget_code()
    finally:
        monkeypatch.undo()
        fitted_widget_code.cache_clear()
