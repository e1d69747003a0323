"""The three dashboards: thin ipywidgets views over the controllers.

Each dashboard *holds* its widgets (composition, not a ``VBox`` subclass: widgets are
traitlets objects, and an attribute called ``log`` or ``layout`` on one would clash with
a trait). Every control calls the controller and then :meth:`refresh`, which copies the
controller's state into three places:

* a ``go.FigureWidget`` updated in place (the chart);
* an ``HTML`` text twin saying the same thing in words, for screen readers and for
  comparing saved notebook outputs;
* an ``HTML`` event log (rotation and failover).

Nothing is printed from a callback, and nothing uses ``Output`` capture or
``clear_output``: output travels as widget values only, so a notebook re-run gives the
same saved output. A dashboard's ``repr`` summarises its state, and that is the text
saved in the notebook.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from .charts import (
    cost_figure,
    failover_figure,
    rotation_figure,
    sync_widget_state,
    update_cost,
    update_failover,
    update_rotation,
)
from .cost import COST_SETTINGS, CostExplorer
from .failover import FailoverDrill
from .rotation import STRATEGIES, RotationStepper

__all__ = ["CostDashboard", "FailoverDashboard", "RotationDashboard"]

_BIG = {"font_size": "16px"}
# The cost sliders' labels: short, so the track beside each is long enough to drag in a
# half-width column (the full meaning is the slider's tooltip), and all as wide as the
# longest, so the tracks line up.
_COST_LABELS = {
    "secrets": "secrets stored",
    "reads_per_day": "reads a day, each",
    "replicas_per_secret": "replicas per secret",
    "rotation_days": "rotate every (days)",
    "growth_pct": "growth a month (%)",
}
_COST_LABEL_WIDTH = "10em"
_BUTTON = W.Layout(width="auto", height="40px")


def _button(text: str, tooltip: str, on_click: Callable[[], None], style: str = "") -> W.Button:
    button = W.Button(description=text, tooltip=tooltip, button_style=style, layout=_BUTTON, style=_BIG)
    button.on_click(lambda _b: on_click())
    return button


def _twin_html(text: str) -> str:
    return f'<p role="status" style="font-size:18px;line-height:1.4">{html.escape(text)}</p>'


def _log_html(lines: list[str], last: int = 8) -> str:
    shown = lines[-last:]
    body = "\n".join(html.escape(line) for line in shown) or "(nothing yet)"
    return f'<pre style="font-size:15px;max-height:14em;overflow:auto">{body}</pre>'


class _Dashboard:
    """What every dashboard shares: a figure, a text twin, a reset button, a container."""

    controller: Any
    figure: Any

    def __init__(self) -> None:
        self.twin = W.HTML()
        # A plain button: starting again is not dangerous, and it must not stand out more
        # than the controls that tell the story.
        self.reset_button = _button("Reset", "Start again from the initial state", self.reset)

    def reset(self) -> None:
        self.controller.reset()
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        sync_widget_state(self.figure)
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.controller!r})"


class RotationDashboard(_Dashboard):
    """Step through days of rotation: labels, what the database accepts, failed requests."""

    def __init__(self, stepper: RotationStepper | None = None) -> None:
        super().__init__()
        self.controller = stepper or RotationStepper()
        c = self.controller
        self._syncing = False
        self.day = W.IntSlider(value=c.day, min=0, max=c.days, description="Day", continuous_update=False,
                               tooltip="Drag to a day; going back replays from day 0",
                               layout=W.Layout(width="40%"), style={"description_width": "initial"})
        self.play = W.Play(value=c.day, min=0, max=c.days, interval=300, description="Play",
                           tooltip="Play the days in the browser")
        W.jslink((self.play, "value"), (self.day, "value"))
        self.day.observe(self._on_day, names="value")
        self.next_day = _button("Next day", "Advance one day", lambda: self._run(lambda: c.step(1)))
        self.next_rotation = _button("Next rotation", "Run to the end of the next rotation day", self._to_rotation)
        self.strategy = W.ToggleButtons(options=list(STRATEGIES), value=c.strategy, description="Strategy",
                                        tooltip="Single user vs alternating users",
                                        style={"description_width": "initial"})
        self.strategy.observe(self._on_strategy, names="value")
        self.break_button = _button("Break next setSecret", "The database will be unreachable during the next setSecret",
                                    lambda: self._run(c.fail_next_rotation), "danger")
        self.figure = rotation_figure(c, widget=True)
        self.events = W.HTML()
        # Controls in two rows above the chart, so all of them and the chart they change
        # fit on one 1280x800 screen together.
        self.box = W.VBox([
            W.HBox([self.play, self.day, self.strategy]),
            W.HBox([self.next_day, self.next_rotation, self.break_button, self.reset_button]),
            self.figure, self.twin, self.events,
        ])
        self.refresh()

    def _run(self, action: Callable[[], None]) -> None:
        action()
        self.refresh()

    def _to_rotation(self) -> None:
        c = self.controller
        self._run(lambda: c.goto(min(c.last_day, c.next_rotation_day)))

    def _on_day(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._run(lambda: self.controller.goto(int(change["new"])))

    def _on_strategy(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._run(lambda: self.controller.set_strategy(change["new"]))

    def refresh(self) -> None:
        c = self.controller
        self._syncing = True
        try:
            # The story ends later when an injected failure needs its retry (and back on
            # day `days` after Reset). A slider clamps its value to its range, so a range
            # that grows is set before the value, one that shrinks after it.
            grow = c.last_day >= self.day.max
            if grow:
                self.play.max = self.day.max = c.last_day
            # The Play button too: the browser links it to the slider and, on drawing the
            # dashboard, copies its value onto the slider, which would rewind to its old day.
            self.play.value = c.day
            self.day.value = c.day
            if not grow:
                self.play.max = self.day.max = c.last_day
            self.strategy.value = c.strategy
        finally:
            self._syncing = False
        update_rotation(self.figure, c)
        self.twin.value = _twin_html(c.text_twin())
        self.events.value = _log_html(c.log)


class FailoverDashboard(_Dashboard):
    """Take regions down and back, promote the replica, and watch requests per region."""

    def __init__(self, drill: FailoverDrill | None = None) -> None:
        super().__init__()
        self.controller = drill or FailoverDrill()
        c = self.controller
        p, r = c.primary, c.replica
        self.advance = _button("+10 minutes", "Let ten minutes pass; the application reads once a minute",
                               lambda: self._run(lambda: c.advance(10)))
        self.primary_down = _button(f"Take {p} down", f"Outage in {p}", lambda: self._run(lambda: c.outage(p)), "danger")
        self.primary_up = _button(f"Bring {p} back", f"{p} recovers", lambda: self._run(lambda: c.recover(p)), "success")
        self.replica_down = _button(f"Take {r} down", f"Outage in {r}", lambda: self._run(lambda: c.outage(r)), "danger")
        self.replica_up = _button(f"Bring {r} back", f"{r} recovers", lambda: self._run(lambda: c.recover(r)), "success")
        self.promote = _button("Promote replica", f"StopReplicationToReplica in {r}", lambda: self._run(c.promote), "info")
        self.write = _button("Write new value", "PutSecretValue, primary region first", lambda: self._run(c.write))
        #: The buttons that are sometimes impossible, by the key FailoverDrill.unavailable uses.
        self._guarded = {f"outage {p}": self.primary_down, f"recover {p}": self.primary_up,
                         f"outage {r}": self.replica_down, f"recover {r}": self.replica_up,
                         "promote": self.promote}
        self._tooltips = {key: button.tooltip for key, button in self._guarded.items()}
        self.why = W.HTML()
        self.figure = failover_figure(c, widget=True)
        self.events = W.HTML()
        self.box = W.VBox([
            W.HBox([self.advance, self.write, self.promote, self.reset_button]),
            W.HBox([self.primary_down, self.primary_up, self.replica_down, self.replica_up]),
            self.why, self.figure, self.twin, self.events,
        ])
        self.refresh()

    def _run(self, action: Callable[[], object]) -> None:
        action()
        self.refresh()

    def refresh(self) -> None:
        c = self.controller
        # A button whose action is impossible now is disabled, and says why (in its tooltip
        # and in one line under the buttons), instead of doing nothing or logging an error.
        reasons = c.unavailable()
        for key, button in self._guarded.items():
            button.disabled = key in reasons
            button.tooltip = f"Not now: {reasons[key]}" if key in reasons else self._tooltips[key]
        why = "; ".join(f"{self._guarded[key].description}: {reason}" for key, reason in reasons.items())
        self.why.value = (f'<p style="font-size:15px;margin:2px 0">Not available now. {html.escape(why)}.</p>'
                          if why else "")
        update_failover(self.figure, c)
        self.twin.value = _twin_html(c.text_twin())
        self.events.value = _log_html(c.log)


class CostDashboard(_Dashboard):
    """Sliders for a workload; monthly bars and a 12-month projection for both services."""

    def __init__(self, explorer: CostExplorer | None = None) -> None:
        super().__init__()
        self.controller = explorer or CostExplorer()
        c = self.controller
        self._syncing = False
        self._shown = False
        self.sliders: dict[str, W.IntSlider] = {}
        for name, (_, low, high, step, meaning) in COST_SETTINGS.items():
            slider = W.IntSlider(value=c.settings[name], min=low, max=high, step=step,
                                 description=_COST_LABELS.get(name, meaning), tooltip=meaning, continuous_update=False,
                                 layout=W.Layout(width="98%"), style={"description_width": _COST_LABEL_WIDTH})
            slider.observe(self._on_slider(name), names="value")
            self.sliders[name] = slider
        self.figure = cost_figure(c, widget=True)
        # The sliders in two columns (Reset under the shorter one), so every slider and the
        # chart it changes fit on one 1280x800 screen together.
        sliders = list(self.sliders.values())
        half = (len(sliders) + 1) // 2
        column = W.Layout(width="50%")
        self.box = W.VBox([
            W.HBox([W.VBox(sliders[:half], layout=column),
                    W.VBox([*sliders[half:], W.HBox([self.reset_button])], layout=column)]),
            self.figure, self.twin,
        ])
        self.refresh()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        # The first time it is shown, the dashboard is where the notebook set it up (a cell
        # may move sliders before showing it): Reset returns there.
        if not self._shown:
            self._shown = True
            self.controller.keep_as_start()
        return super()._repr_mimebundle_(**kwargs)

    def _on_slider(self, name: str) -> Callable[[dict[str, Any]], None]:
        def changed(change: dict[str, Any]) -> None:
            if not self._syncing:
                self.controller.set(name, int(change["new"]))
                self.refresh()
        return changed

    def refresh(self) -> None:
        c = self.controller
        self._syncing = True
        try:
            for name, slider in self.sliders.items():
                slider.value = c.settings[name]
        finally:
            self._syncing = False
        update_cost(self.figure, c)
        self.twin.value = _twin_html(c.text_twin())
