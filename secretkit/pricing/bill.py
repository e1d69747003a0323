"""A bill: line items by service, region, resource and price dimension, with totals.

Both the meter (what a run of the model cost) and the estimates (what a described
workload would cost) produce a :class:`Bill`, so the two can be compared line by line.

A line's ``amount`` is exact (``quantity * usd / per`` as a :class:`~decimal.Decimal`);
rounding to the cent happens only when a figure is shown or compared, with
:func:`cents`, the way an invoice rounds its lines.

A free-tier allowance appears as its own line with a *negative* quantity and amount,
under the same dimension as the usage it covers. AWS bills work the same way, and it
keeps the usage visible: "21,931 requests, 20,000 of them free".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from .prices import PRICES, Price, prices_as_of

__all__ = ["Bill", "LineItem", "cents"]

_CENT = Decimal("0.01")
_GROUPS = ("line", "service", "region", "resource", "dimension")


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent, halves away from zero (``Decimal('80.30')``)."""
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line of a bill.

    ``dimension`` is a key of :data:`~secretkit.pricing.PRICES` (``"secretsmanager:api-calls"``);
    ``quantity`` is counted in that price's ``metered`` unit (hours, calls, requests,
    invocations, GB-s); ``resource`` is an ARN for metered lines, or a description
    (``"100 secrets"``) on an estimate.
    """

    service: str
    region: str
    resource: str
    dimension: str
    quantity: Decimal
    amount: Decimal

    @property
    def price(self) -> Price:
        return PRICES[self.dimension]

    @classmethod
    def priced(cls, region: str, resource: str, dimension: str, quantity: Decimal | int) -> LineItem:
        """A line whose amount comes from the price list."""
        p = PRICES[dimension]
        q = Decimal(quantity)
        return cls(p.service, region, resource, dimension, q, p.cost(q))


@dataclass(frozen=True, slots=True)
class Bill:
    """The cost of a period: its lines, their :attr:`total`, and views grouped by any column.

    ``start``/``end`` bound a metered period (``end`` exclusive); an estimate has neither
    and says what it covers in ``label``. ``hours`` is the length of the period.
    """

    label: str
    lines: tuple[LineItem, ...]
    hours: Decimal
    start: datetime | None = None
    end: datetime | None = None

    @property
    def total(self) -> Decimal:
        """The exact total (use :func:`cents` to round it as an invoice would)."""
        return sum((line.amount for line in self.lines), Decimal(0))

    def _by(self, field: str) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            out[getattr(line, field)] += line.amount
        return dict(out)

    def by_service(self) -> dict[str, Decimal]:
        """Amount per service (``{"secretsmanager": Decimal(...), "kms": ...}``)."""
        return self._by("service")

    def by_region(self) -> dict[str, Decimal]:
        """Amount per region (free-tier credits sit under ``"all regions"``)."""
        return self._by("region")

    def by_resource(self) -> dict[str, Decimal]:
        """Amount per resource (ARN, or description on an estimate)."""
        return self._by("resource")

    def by_dimension(self) -> dict[str, Decimal]:
        """Amount per price dimension, free-tier credits netted in."""
        return self._by("dimension")

    def quantity(self, dimension: str) -> Decimal:
        """The net quantity of ``dimension`` on this bill (usage minus free allowance)."""
        return sum((line.quantity for line in self.lines if line.dimension == dimension), Decimal(0))

    def select(self, *, service: str | None = None, region: str | None = None, dimension: str | None = None) -> list[LineItem]:
        """The lines matching every given field."""
        return [
            line
            for line in self.lines
            if (service is None or line.service == service)
            and (region is None or line.region == region)
            and (dimension is None or line.dimension == dimension)
        ]

    def table(self, by: str = "line") -> str:
        """The bill as text. ``by`` is ``"line"`` (every line) or a column to total by:
        ``"service"``, ``"region"``, ``"resource"`` or ``"dimension"``."""
        if by not in _GROUPS:
            raise ValueError(f"by must be one of {', '.join(_GROUPS)}; got {by!r}")
        head = f"{self.label}, {_hours(self.hours)}. {prices_as_of()}"
        if by == "line":
            rows = [("service", "region", "resource", "dimension", "quantity", "price", "amount")]
            for line in self.lines:
                p = line.price
                rows.append((
                    line.service, line.region, _short(line.resource), p.name,
                    _quantity(line.quantity, p.metered), f"${p.usd} {p.unit}", _money(line.amount),
                ))
        else:
            rows = [(by, "amount")]
            for key, amount in sorted(self._by(by).items()):
                rows.append((_short(key) if by == "resource" else key, _money(amount)))
        body = _columns(rows, right={len(rows[0]) - 1, 4} if by == "line" else {1})
        return "\n".join([head, body, f"TOTAL ${cents(self.total)}  (exact ${_exact(self.total)})"])

    def __str__(self) -> str:
        return self.table()


def merge(label: str, hours: Decimal, parts: Iterable[LineItem], scale: int = 1) -> Bill:
    """A bill from ``parts``, each multiplied by ``scale`` (a year is 12 monthly bills)."""
    lines = tuple(
        LineItem(p.service, p.region, p.resource, p.dimension, p.quantity * scale, p.amount * scale) for p in parts
    )
    return Bill(label, lines, hours)


def _short(resource: str) -> str:
    """``arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123`` -> ``secret:db-AbC123``."""
    if resource.startswith("arn:"):
        parts = resource.split(":", 5)
        if len(parts) == 6:
            return parts[5]
    return resource


def _hours(hours: Decimal) -> str:
    return f"{hours.normalize():f} h ({(hours / 730).quantize(Decimal('0.001'))} billing months)"


def _quantity(q: Decimal, unit: str) -> str:
    if q == q.to_integral_value():
        return f"{int(q):,} {unit}"
    return f"{q.quantize(Decimal('0.0001')).normalize():,f} {unit}"


def _exact(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.000001'), rounding=ROUND_HALF_UP)}"


def _money(amount: Decimal) -> str:
    shown = amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if shown == 0 and amount != 0:
        return "<$0.0001" if amount > 0 else "-<$0.0001"
    return f"-${-shown}" if shown < 0 else f"${shown}"


def _columns(rows: list[tuple[str, ...]], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]

    def fmt(r: tuple[str, ...]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    return "\n".join([fmt(rows[0]), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows[1:])])
