"""The price list: every price the meter and the estimates use, as data, each with its date and source.

All prices are **AWS list prices for us-east-1, in US dollars**. Other regions cost a
little more or less on AWS; secretkit applies the us-east-1 price everywhere, so that a
bill for ``us-west-2`` shows what the *structure* of the cost is, not a regional tariff.

How a price is applied
----------------------
Every price reads "``usd`` for ``per`` of ``metered``": ``$0.40`` for ``730`` *hours* of a
secret, ``$0.05`` for ``10,000`` *calls*. A line on a bill is therefore always::

    amount = quantity * usd / per

Monthly prices are prorated **by the hour**. AWS quotes a month as 730 hours (365 days x
24 hours / 12 months), so a secret that exists for 360 hours costs 360/730 of $0.40.

Money is :class:`decimal.Decimal` throughout: ``0.1 + 0.2`` is not ``0.3`` in binary
floating point, and a bill that is off by a fraction of a cent teaches the wrong lesson.

>>> price("secretsmanager:secret-month").usd
Decimal('0.40')
>>> price("ssm:standard-parameter-month").usd
Decimal('0.00')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

__all__ = [
    "FREE_TIERS",
    "HOURS_PER_MONTH",
    "PRICES",
    "PRICES_AS_OF",
    "FreeTier",
    "Price",
    "price",
    "price_table",
    "prices_as_of",
]

#: The hours in one billing month, as AWS prices a month: 365 * 24 / 12.
HOURS_PER_MONTH = 730

# When each price was last checked. The Secrets Manager figures come from a transcription of
# its pricing page dated 2026-09-20; the rest were read when the team's AWS reference was
# compiled (2026-11-28).
_SM_CHECKED = date(2026, 9, 20)
_REF_CHECKED = date(2026, 11, 28)

_SM_PAGE = (
    "AWS Secrets Manager pricing page (aws.amazon.com/secrets-manager/pricing), "
    "read through a third-party transcription of the page (secondary)"
)
_SSM_PAGE = (
    "AWS Systems Manager pricing page, Parameter Store section (aws.amazon.com/systems-manager/pricing); "
    "confirmed against the infracost project's price tests for aws_ssm_parameter (secondary)"
)
_KMS_PAGE = (
    "AWS KMS pricing page (aws.amazon.com/kms/pricing); "
    "confirmed against the infracost project's price tests for aws_kms_key (secondary)"
)
_LAMBDA_PAGE = (
    "AWS Lambda pricing (aws.amazon.com/lambda/pricing) as given in the AWS whitepaper "
    "'How AWS Pricing Works', Lambda section (docs.aws.amazon.com/whitepapers)"
)


@dataclass(frozen=True, slots=True)
class Price:
    """One price dimension: ``usd`` buys ``per`` units of ``metered``.

    ``dimension`` is ``"<service>:<name>"`` (``"kms:requests"``); ``unit`` says in words
    what the price is for; ``checked`` is the day the figure was last confirmed and
    ``source`` the AWS page it comes from; ``note`` holds the rules that go with it.
    """

    dimension: str
    unit: str
    usd: Decimal
    checked: date
    source: str
    note: str
    per: int = 1
    metered: str = "units"

    @property
    def service(self) -> str:
        """The AWS service the price belongs to (``secretsmanager``, ``ssm``, ``kms``, ``lambda``)."""
        return self.dimension.split(":", 1)[0]

    @property
    def name(self) -> str:
        """The dimension without its service (``secret-month``)."""
        return self.dimension.split(":", 1)[1]

    def cost(self, quantity: Decimal | int) -> Decimal:
        """What ``quantity`` units of :attr:`metered` cost (exact, not rounded to the cent)."""
        return Decimal(quantity) * self.usd / self.per


@dataclass(frozen=True, slots=True)
class FreeTier:
    """A monthly allowance: the first ``quantity`` of ``dimension`` each calendar month are free."""

    dimension: str
    quantity: int
    checked: date
    source: str
    note: str


def _month(dimension: str, unit: str, usd: str, checked: date, source: str, note: str) -> Price:
    return Price(dimension, unit, Decimal(usd), checked, source, note, HOURS_PER_MONTH, "hours")


_TABLE = (
    _month(
        "secretsmanager:secret-month", "per secret per month", "0.40", _SM_CHECKED, _SM_PAGE,
        "Prorated by the hour for secrets stored part of a month. A replica secret in another "
        "region is a distinct secret and pays the same. A secret scheduled for deletion costs "
        "nothing while it waits (AWS Secrets Manager User Guide, 'What is Secrets Manager?'); "
        "restoring it starts the charge again. The AWS managed key aws/secretsmanager is free.",
    ),
    Price(
        "secretsmanager:api-calls", "per 10,000 API calls", Decimal("0.05"), _SM_CHECKED, _SM_PAGE,
        "Every Secrets Manager API call, including the ones a rotation function makes "
        "(14 for one single-user rotation).", 10_000, "calls",
    ),
    _month(
        "ssm:standard-parameter-month", "per Standard parameter per month", "0.00", _REF_CHECKED, _SSM_PAGE,
        "Standard parameters are free to store, and their API calls are free at the default "
        "throughput.",
    ),
    _month(
        "ssm:advanced-parameter-month", "per Advanced parameter per month", "0.05", _REF_CHECKED, _SSM_PAGE,
        "Prorated by the hour. A parameter becomes Advanced when you choose the tier, need more "
        "than 4 KB or attach a policy, and it can never go back to Standard.",
    ),
    Price(
        "ssm:api-interactions", "per 10,000 API interactions", Decimal("0.05"), _REF_CHECKED, _SSM_PAGE,
        "Charged for calls that touch Advanced parameters, and for every Parameter Store call "
        "while higher throughput is turned on in the region.", 10_000, "calls",
    ),
    _month(
        "kms:key-month", "per customer managed key per month", "1.00", _REF_CHECKED, _KMS_PAGE,
        "Customer managed keys only: AWS managed keys (aws/secretsmanager, aws/ssm) have no "
        "monthly fee. Prorated by the hour; a key pending deletion is not charged. The first and "
        "second automatic rotations of a key each add $1 a month (not metered by secretkit).",
    ),
    Price(
        "kms:requests", "per 10,000 requests", Decimal("0.03"), _REF_CHECKED, _KMS_PAGE,
        "Symmetric-key requests. Requests a service makes for you with its AWS managed key are "
        "part of that service's price; with a customer managed key they are KMS requests.",
        10_000, "requests",
    ),
    Price(
        "lambda:requests", "per 1 million invocations", Decimal("0.20"), _REF_CHECKED, _LAMBDA_PAGE,
        "One rotation of a secret invokes its function four times (one per step).",
        1_000_000, "invocations",
    ),
    Price(
        "lambda:gb-seconds", "per GB-second of duration (x86)", Decimal("0.0000166667"), _REF_CHECKED,
        _LAMBDA_PAGE, "Duration is rounded up to the millisecond and multiplied by the memory size in GB.",
        1, "GB-s",
    ),
)

#: Every price, by dimension (read-only).
PRICES: Mapping[str, Price] = MappingProxyType({p.dimension: p for p in _TABLE})

_KMS_FREE_SOURCE = (
    "AWS KMS pricing page (aws.amazon.com/kms/pricing); secondary: a 2026 cloud-cost blog post on "
    "KMS pricing and a 2019 worked example"
)

#: The monthly free allowances, by dimension (read-only).
FREE_TIERS: Mapping[str, FreeTier] = MappingProxyType({
    "kms:requests": FreeTier(
        "kms:requests", 20_000, _REF_CHECKED, _KMS_FREE_SOURCE,
        "Per account per calendar month, shared by every region.",
    ),
    "lambda:requests": FreeTier(
        "lambda:requests", 1_000_000, _REF_CHECKED, _LAMBDA_PAGE,
        "Per account per month, shared with every other function in the account.",
    ),
    "lambda:gb-seconds": FreeTier(
        "lambda:gb-seconds", 400_000, _REF_CHECKED, _LAMBDA_PAGE,
        "Per account per month, shared with every other function in the account.",
    ),
})

#: The most recent day on which a price in the table was checked.
PRICES_AS_OF: date = max([p.checked for p in PRICES.values()] + [f.checked for f in FREE_TIERS.values()])


def price(dimension: str) -> Price:
    """The :class:`Price` of ``dimension`` (``"kms:requests"``); a ``KeyError`` names the known ones."""
    try:
        return PRICES[dimension]
    except KeyError:
        raise KeyError(f"no price for {dimension!r}; known dimensions: {', '.join(PRICES)}") from None


def prices_as_of() -> str:
    """The line every notebook prints above a cost: ``Prices as of 2026-11-28 (us-east-1, USD)``.

    A sentence of its own, so it starts with a capital wherever it is printed (alone, at the
    end of a bill's header, or after a dashboard's text twin).
    """
    return f"Prices as of {PRICES_AS_OF.isoformat()} (us-east-1 list prices, USD)"


def price_table() -> str:
    """The price list as a text table, one row per dimension, with the date each was checked."""
    rows = [("dimension", "price", "checked")]
    for p in PRICES.values():
        rows.append((p.dimension, f"${p.usd} {p.unit}", p.checked.isoformat()))
    for f in FREE_TIERS.values():
        rows.append((f"{f.dimension} (free)", f"first {f.quantity:,} a month", f.checked.isoformat()))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([prices_as_of(), *lines])
