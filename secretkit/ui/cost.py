"""The cost explorer's controller: workload settings in, two monthly bills and a projection out.

Pure Python (no widget library), so tests and notebooks can drive it directly:

>>> ce = CostExplorer()
>>> ce.set("secrets", 100)
>>> ce.monthly_totals()["Secrets Manager"] > ce.monthly_totals()["Parameter Store"]
True

Every number comes from :func:`secretkit.pricing.compare`, which prices the *same* secret
values both ways: in Secrets Manager, and as Standard ``SecureString`` parameters with a
rotation function you would write and schedule yourself.

Parameter Store's reads are free up to its default throughput (40 reads a second per
account and region). Above it, *higher throughput* must be on, and then every read is a
paid API interaction at the same price as Secrets Manager's reads: that is why its cost
jumps from nothing to nearly Secrets Manager's as the sliders pass that point (at 20,000
reads a day each, 150 secrets are about 35 reads a second and cost nothing there; 200 are
about 46 and cost $608 a month). The text twin says so whenever it applies, and the chart
labels the bar.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..pricing import PARAMETER_STORE_DEFAULT_TPS, Workload, cents, compare, prices_as_of
from ..pricing.bill import Bill

__all__ = ["COMPONENTS", "COST_SETTINGS", "CostExplorer"]

#: Each setting: (default, minimum, maximum, step, what it means). Sliders are built from this.
COST_SETTINGS: dict[str, tuple[int, int, int, int, str]] = {
    "secrets": (20, 0, 500, 1, "secrets stored"),
    "reads_per_day": (1000, 0, 20000, 100, "reads of each secret per day"),
    "replicas_per_secret": (0, 0, 3, 1, "replica regions per secret"),
    "rotation_days": (30, 0, 365, 1, "days between rotations (0 = never)"),
    "growth_pct": (0, 0, 20, 1, "% more secrets a month (projection)"),
}

#: What each bill line pays for, grouped into the stacks of the bar chart.
COMPONENTS = ("storage", "API calls", "rotation (Lambda)", "KMS")

_SERVICE_TO_COMPONENT = {"lambda": "rotation (Lambda)", "kms": "KMS"}
_STORAGE = {"secretsmanager:secret-month", "ssm:standard-parameter-month", "ssm:advanced-parameter-month"}
SERVICES = ("Secrets Manager", "Parameter Store")


def _component(dimension: str, service: str) -> str:
    if dimension in _STORAGE:
        return "storage"
    return _SERVICE_TO_COMPONENT.get(service, "API calls")


def _split(bill: Bill) -> dict[str, Decimal]:
    parts = {name: Decimal(0) for name in COMPONENTS}
    for line in bill.lines:
        parts[_component(line.dimension, line.service)] += line.amount
    return parts


class CostExplorer:
    """Monthly cost of a workload in Secrets Manager vs Parameter Store, and 12 months ahead."""

    def __init__(self, **settings: int) -> None:
        self.settings: dict[str, int] = {}
        self.reset()
        for name, value in settings.items():
            self.set(name, value)
        self._initial = dict(self.settings)

    # ------------------------------------------------------------------ controls
    def set(self, name: str, value: int) -> None:
        """Change one setting, refusing unknown names and values outside the slider's range."""
        if name not in COST_SETTINGS:
            raise ValueError(f"unknown setting {name!r}; choose from {', '.join(COST_SETTINGS)}")
        _, low, high, _, _ = COST_SETTINGS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
        self.settings[name] = value

    def keep_as_start(self) -> None:
        """Make the current settings the ones :meth:`reset` returns to.

        A notebook that builds an explorer and then moves its sliders has set up the state
        its text talks about; a dashboard calls this when it is first shown, so Reset goes
        back there rather than to the sliders' defaults.
        """
        self._initial = dict(self.settings)

    def reset(self) -> None:
        """Back to the settings this explorer started with (see :meth:`keep_as_start`)."""
        initial = getattr(self, "_initial", None)
        self.settings = dict(initial) if initial else {k: v[0] for k, v in COST_SETTINGS.items()}

    # ------------------------------------------------------------------ numbers
    def workload(self, secrets: int | None = None) -> Workload:
        s = self.settings
        return Workload(
            secrets=s["secrets"] if secrets is None else secrets,
            reads_per_day=s["reads_per_day"],
            replicas_per_secret=s["replicas_per_secret"],
            rotation_days=s["rotation_days"] or None,
        )

    def bars(self) -> dict[str, dict[str, float]]:
        """Per service, the month's cost split into :data:`COMPONENTS` (dollars, to the cent)."""
        c = compare(self.workload())
        out: dict[str, dict[str, float]] = {}
        for service, bill in zip(SERVICES, (c.secrets_manager, c.parameter_store)):
            out[service] = {k: float(cents(v)) for k, v in _split(bill).items()}
        return out

    def monthly_totals(self) -> dict[str, float]:
        c = compare(self.workload())
        return {"Secrets Manager": float(cents(c.secrets_manager.total)),
                "Parameter Store": float(cents(c.parameter_store.total))}

    def higher_throughput(self) -> tuple[bool, float]:
        """Whether this month's reads need Parameter Store's higher throughput, and the reads a second."""
        c = compare(self.workload())
        return c.higher_throughput, float(c.reads_per_second)

    def secrets_in_month(self, month: int) -> int:
        """How many secrets month ``month`` (1-based) holds when they grow by ``growth_pct``."""
        growth = Decimal(1) + Decimal(self.settings["growth_pct"]) / 100
        return int((Decimal(self.settings["secrets"]) * growth ** (month - 1)).to_integral_value())

    def projection(self, months: int = 12) -> dict[str, list[float]]:
        """Cumulative spend at the end of each month, for both services."""
        totals = {name: Decimal(0) for name in SERVICES}
        out: dict[str, list[float]] = {"month": [], **{name: [] for name in SERVICES}}
        for month in range(1, months + 1):
            c = compare(self.workload(self.secrets_in_month(month)))
            totals["Secrets Manager"] += c.secrets_manager.total
            totals["Parameter Store"] += c.parameter_store.total
            out["month"].append(month)
            for name in SERVICES:
                out[name].append(float(cents(totals[name])))
        return out

    def text_twin(self) -> str:
        """The charts in one paragraph, for screen readers and for comparing saved outputs."""
        s, m, p = self.settings, self.monthly_totals(), self.projection()
        rotation = f"rotated every {s['rotation_days']} days" if s["rotation_days"] else "never rotated"
        high, per_second = self.higher_throughput()
        throughput = (
            f" Together the secrets are read about {per_second:,.0f} times a second, more than Parameter Store's "
            f"default throughput of {PARAMETER_STORE_DEFAULT_TPS} a second: higher throughput must be on, and then "
            "every read is billed."
            if high else ""
        )
        return (
            f"{s['secrets']} secrets, each read {s['reads_per_day']:,} times a day, "
            f"{s['replicas_per_secret']} replica region(s), {rotation}: "
            f"Secrets Manager ${m['Secrets Manager']:,.2f} a month, Parameter Store ${m['Parameter Store']:,.2f}."
            f"{throughput} "
            f"Over 12 months ({s['growth_pct']}% growth a month): Secrets Manager ${p['Secrets Manager'][-1]:,.2f}, "
            f"Parameter Store ${p['Parameter Store'][-1]:,.2f}. Parameter Store's figure leaves out the rotation "
            f"and replication code you would write yourself. {prices_as_of()}."
        )

    def snapshot(self) -> dict[str, Any]:
        return {"settings": dict(self.settings), "monthly": self.monthly_totals()}

    def __repr__(self) -> str:
        m = self.monthly_totals()
        return (f"CostExplorer(secrets={self.settings['secrets']}, "
                f"monthly=[SM ${m['Secrets Manager']:,.2f}, PS ${m['Parameter Store']:,.2f}])")
