"""The course's chart look: one small plotly template and a renderer that nbval can compare.

Two choices matter for teaching and for testing:

* **Renderer.** ``plotly_mimetype`` puts a figure in the notebook as a plain JSON document
  that JupyterLab draws. It is deterministic (the saved output of a re-run is identical),
  small, and needs no copy of plotly.js inside the file. Colab does not draw that mimetype,
  so there we leave plotly's own choice alone. An explicit ``PLOTLY_RENDERER`` always wins.
* **Template.** plotly's default template is about 6 KB of JSON repeated in every saved
  figure, and changes between plotly releases would rewrite every reference output. Ours
  holds only what we need: large fonts for a projector and the Okabe-Ito palette, whose
  eight colours stay distinguishable for the common kinds of colour blindness.
"""

from __future__ import annotations

import os
import sys

import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["COLORS", "OKABE_ITO", "TEMPLATE_NAME", "apply_theme"]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with any common colour deficiency.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")

#: Colours with a meaning, used the same way in every chart of the course.
COLORS = {
    "AWSCURRENT": "#0072B2",
    "AWSPREVIOUS": "#E69F00",
    "AWSPENDING": "#CC79A7",
    "ok": "#009E73",
    "failed": "#D55E00",
    "Secrets Manager": "#0072B2",
    "Parameter Store": "#E69F00",
}

TEMPLATE_NAME = "secretkit"


def _template() -> go.layout.Template:
    return go.layout.Template(
        layout={
            "font": {"size": 18, "family": "Arial, sans-serif"},
            # Titles start at the left edge of the plot, below the band at the top of the
            # chart where plotly's toolbar (the modebar) appears when the pointer is over
            # it: a title there would be covered in a narrow chart.
            "title": {"font": {"size": 22}, "x": 0, "xref": "paper", "xanchor": "left",
                      "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 34}},
            "colorway": list(OKABE_ITO),
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "xaxis": {"showgrid": True, "gridcolor": "#DDDDDD", "linecolor": "#444444", "zeroline": False},
            "yaxis": {"showgrid": True, "gridcolor": "#DDDDDD", "linecolor": "#444444", "zeroline": False},
            "legend": {"font": {"size": 16}},
            "margin": {"l": 70, "r": 30, "t": 70, "b": 60},
        }
    )


def _in_colab() -> bool:
    return "google.colab" in sys.modules


def apply_theme() -> None:
    """Register the template as plotly's default and pick a comparable renderer.

    Called once when :mod:`secretkit.ui` is imported; calling it again is harmless.
    """
    pio.templates[TEMPLATE_NAME] = _template()
    pio.templates.default = TEMPLATE_NAME
    if _in_colab():
        return
    if "plotly.io._renderers" in sys.modules:
        if "PLOTLY_RENDERER" not in os.environ:
            pio.renderers.default = "plotly_mimetype"
    else:
        # plotly reads this variable when it first loads its renderers, which also loads
        # nbformat (about 3 s). Setting it instead of the renderer defers that cost to the
        # first figure shown, so a notebook with widgets only never pays it.
        os.environ.setdefault("PLOTLY_RENDERER", "plotly_mimetype")
