"""Dashboards for the course: a rotation stepper, a failover drill and a cost explorer.

This is the only part of secretkit that imports plotly and ipywidgets; ``import secretkit``
never loads it. Importing it registers the course's chart template and renderer
(:mod:`secretkit.ui.theme`).

>>> from secretkit.ui import CostDashboard   # doctest: +SKIP
>>> CostDashboard()                          # doctest: +SKIP

Every dashboard is a view over a controller in :mod:`secretkit.ui.controllers` that works
without any widget library, so you can also drive the story in plain Python.
"""

from __future__ import annotations

from .theme import apply_theme

apply_theme()

from .charts import cost_figure, failover_figure, rotation_figure
from .controllers import CostExplorer, FailoverDrill, RotationStepper
from .widgets import CostDashboard, FailoverDashboard, RotationDashboard

__all__ = [
    "CostDashboard",
    "CostExplorer",
    "FailoverDashboard",
    "FailoverDrill",
    "RotationDashboard",
    "RotationStepper",
    "cost_figure",
    "failover_figure",
    "rotation_figure",
]
