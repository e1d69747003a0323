"""How a static chart is shown when Voila serves a lecture (``python3 kit.py present``).

In JupyterLab a figure travels as plotly's JSON mimetype and JupyterLab's plotly
renderer draws it. Voila 0.5 hands the same renderer each saved output as a plain JSON
object instead of JupyterLab's output model; after drawing, the renderer stores a PNG
copy of the chart through the model's ``setData`` method, which that plain object does
not have, and the page logs ``r.setData is not a function`` for every static chart. The
renderer is right to call it (it is part of the model interface it is given), and
Voila's page cannot be changed from here.

So, in a kernel that Voila started (:func:`secretkit.ui.theme.apply_theme` recognises it by
the ``VOILA_REQUEST_URL`` variable Voila gives it), figures are shown as plotly ``FigureWidget``\\ s: the
same chart, drawn by the same plotly.js through the widget manager that already draws
the dashboards, with no mimetype renderer involved. Everywhere else (JupyterLab,
``kit.py notebooks``, nbval) nothing changes, so saved notebooks keep plotly's small,
deterministic JSON output.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer

__all__ = ["RENDERER_NAME", "WidgetRenderer", "use_widget_renderer"]

RENDERER_NAME = "secretkit_voila"


class WidgetRenderer(MimetypeRenderer):
    """A plotly renderer that shows each figure as a ``FigureWidget``."""

    def __init__(self) -> None:
        # The widgets must outlive the cell that showed them: their comms carry the chart.
        self.shown: list[Any] = []

    def to_mimebundle(self, fig_dict: dict[str, Any]) -> dict[str, Any]:
        widget = go.FigureWidget(fig_dict)
        self.shown.append(widget)
        return widget._repr_mimebundle_()


def use_widget_renderer() -> None:
    """Register the renderer and make it plotly's default in this kernel."""
    if RENDERER_NAME not in pio.renderers:
        pio.renderers[RENDERER_NAME] = WidgetRenderer()
    pio.renderers.default = RENDERER_NAME
