"""Dashboard benchmark: how long each control takes to answer, in milliseconds.

A dashboard feels live when a click answers in well under a tenth of a second. These are
the controllers' costs (the part that runs in the kernel); drawing happens in the browser.
Each figure is the median of a few runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from secretkit.ui.controllers import CostExplorer, FailoverDrill, RotationStepper


def _median_ms(action: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _play_90_days() -> None:
    RotationStepper().play()


def _stepper_one_day() -> Callable[[], None]:
    stepper = RotationStepper()
    return lambda: stepper.step(1) if stepper.day < stepper.days else stepper.reset()


def _failover_ten_minutes() -> Callable[[], None]:
    drill = FailoverDrill()
    return lambda: drill.advance(10)


def _cost_slider() -> Callable[[], None]:
    explorer = CostExplorer()
    values = iter(range(1, 10_000))

    def move() -> None:
        explorer.set("secrets", next(values) % 500)
        explorer.bars()
        explorer.projection()
        explorer.text_twin()

    return move


def run() -> list[tuple[str, float, str]]:
    return [
        ("rotation stepper: play 90 days from day 0", _median_ms(_play_90_days, repeat=3), "ms"),
        ("rotation stepper: next day", _median_ms(_stepper_one_day(), repeat=20), "ms"),
        ("failover drill: +10 minutes", _median_ms(_failover_ten_minutes(), repeat=20), "ms"),
        ("cost explorer: move a slider (bars, projection, twin)", _median_ms(_cost_slider(), repeat=20), "ms"),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:55} {value:10.2f} {unit}")
