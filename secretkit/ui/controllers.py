"""The three dashboard controllers in one place; none of them imports a widget library.

* :class:`RotationStepper` (:mod:`secretkit.ui.rotation`): days, versions, labels, database, application;
* :class:`FailoverDrill` (:mod:`secretkit.ui.failover`): a replicated secret through an outage;
* :class:`CostExplorer` (:mod:`secretkit.ui.cost`): Secrets Manager vs Parameter Store for a workload.

Each has ``reset()``, a ``snapshot()`` of its state, chart data as plain lists, a
``text_twin()`` that says what the charts show in words, and a short ``repr``.
"""

from __future__ import annotations

from .cost import CostExplorer
from .failover import FailoverDrill
from .rotation import RotationStepper

__all__ = ["CostExplorer", "FailoverDrill", "RotationStepper"]
