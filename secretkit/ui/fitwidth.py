"""A plotly ``FigureWidget`` that fits its chart to the width of the page it lands on.

A figure with no ``width`` in its layout is meant to be as wide as the space it is shown
in: plotly.js measures the element it draws into and sizes the chart to it. Plotly's
``FigureWidget`` (an anywidget) draws the moment its view is created, and JupyterLab often
creates a widget's view before it attaches it to the page. Plotly.js then measures an
element that is not on the page, finds no width, and falls back to its default of 700 px;
nothing measures again later (the widget's own handlers for "attached" and "resized" are
never called by anywidget, and it listens to no window resize either). So a dashboard's
chart came out 700 px wide in an 848 px output cell, on some runs and not others.

:class:`FittedFigureWidget` ships the same plotly widget code with a few lines added to
the chart's view: a ``ResizeObserver`` on the element the chart is drawn into. When that
element gets a width the chart does not have (once it is attached to the page, and when
the output area changes width later, say a side panel opens), the view re-measures
through plotly's own ``autosizeFigure``, which leaves alone a figure whose layout sets a
``width``. In Python it is a ``go.FigureWidget`` like any other.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import plotly
import plotly.graph_objects as go

__all__ = ["FittedFigureWidget", "fitted_widget_code"]

# Plotly's widget module ends by exporting its view class under this name.
_VIEW_EXPORT = re.compile(r"export\s*\{[^{}]*?\b([\w$]+) as FigureView\b[^{}]*\}")

# Added at the end of plotly's module, so the placeholder names the class plotly exports as FigureView.
_FIT_TO_CONTAINER = """
;(function (View) {
  var draw = View.prototype.perform_render;
  var remove = View.prototype.remove;
  View.prototype.perform_render = function () {
    var view = this;
    var result = draw.apply(this, arguments);
    if (typeof ResizeObserver !== "undefined") {
      view.__secretkitFit = new ResizeObserver(function () {
        var plot = view.el, shown = plot._fullLayout;
        var width = plot.clientWidth;
        // 0 wide: not on the page (or a hidden tab); plotly would refuse to measure.
        if (width > 0 && shown && Math.abs(shown.width - width) > 1) view.autosizeFigure();
      });
      view.__secretkitFit.observe(view.el);
    }
    return result;
  };
  View.prototype.remove = function () {
    if (this.__secretkitFit) this.__secretkitFit.disconnect();
    return remove.apply(this, arguments);
  };
})(__PLOTLY_FIGURE_VIEW__);
"""


@cache
def fitted_widget_code() -> str:
    """Plotly's widget module with the re-measuring view added (read once per process)."""
    source = (Path(plotly.__file__).parent / "package_data" / "widgetbundle.js").read_text(encoding="utf-8")
    found = _VIEW_EXPORT.findall(source)
    if len(found) != 1:
        raise RuntimeError(f"plotly {plotly.__version__}: its widget module does not export one FigureView "
                           f"({len(found)} found); the chart-width fix needs updating")
    return source + _FIT_TO_CONTAINER.replace("__PLOTLY_FIGURE_VIEW__", found[0])


class FittedFigureWidget(go.FigureWidget):
    """A ``go.FigureWidget`` whose chart is re-measured once its view is on the page."""

    _esm = fitted_widget_code()
