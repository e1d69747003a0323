"""The price list: each dimension's figure, date and source; and the package's shape."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from secretkit import pricing
from secretkit.pricing import (
    FREE_TIERS,
    HOURS_PER_MONTH,
    PRICES,
    PRICES_AS_OF,
    price,
    price_table,
    prices_as_of,
)

EXPECTED = {
    # dimension: (usd, per, metered, checked)
    "secretsmanager:secret-month": ("0.40", 730, "hours", date(2026, 9, 20)),
    "secretsmanager:api-calls": ("0.05", 10_000, "calls", date(2026, 9, 20)),
    "ssm:standard-parameter-month": ("0.00", 730, "hours", date(2026, 11, 28)),
    "ssm:advanced-parameter-month": ("0.05", 730, "hours", date(2026, 11, 28)),
    "ssm:api-interactions": ("0.05", 10_000, "calls", date(2026, 11, 28)),
    "kms:key-month": ("1.00", 730, "hours", date(2026, 11, 28)),
    "kms:requests": ("0.03", 10_000, "requests", date(2026, 11, 28)),
    "lambda:requests": ("0.20", 1_000_000, "invocations", date(2026, 11, 28)),
    "lambda:gb-seconds": ("0.0000166667", 1, "GB-s", date(2026, 11, 28)),
}


@pytest.mark.parametrize("dimension", sorted(EXPECTED))
def test_each_dimension_has_its_price_date_and_source(dimension):
    usd, per, metered, checked = EXPECTED[dimension]
    p = price(dimension)
    assert (p.usd, p.per, p.metered, p.checked) == (Decimal(usd), per, metered, checked)
    assert isinstance(p.usd, Decimal)
    assert p.service == dimension.split(":")[0]
    assert "pricing" in p.source.lower() and p.note


def test_the_table_holds_exactly_these_dimensions():
    assert set(PRICES) == set(EXPECTED)


@pytest.mark.parametrize("dimension, quantity, cost", [
    ("secretsmanager:secret-month", 730, "0.40"),
    ("secretsmanager:api-calls", 10_000, "0.05"),
    ("ssm:standard-parameter-month", 730 * 1000, "0"),
    ("ssm:advanced-parameter-month", 730, "0.05"),
    ("ssm:api-interactions", 10_000, "0.05"),
    ("kms:key-month", 730, "1"),
    ("kms:requests", 10_000, "0.03"),
    ("lambda:requests", 1_000_000, "0.20"),
    ("lambda:gb-seconds", 1, "0.0000166667"),
])
def test_cost_is_quantity_times_usd_over_per(dimension, quantity, cost):
    assert price(dimension).cost(quantity) == Decimal(cost)


def test_a_month_is_730_hours_and_proration_is_by_the_hour():
    assert HOURS_PER_MONTH == 730
    assert price("secretsmanager:secret-month").cost(360) == Decimal("0.40") * 360 / 730


def test_free_tiers():
    assert FREE_TIERS["kms:requests"].quantity == 20_000
    assert FREE_TIERS["lambda:requests"].quantity == 1_000_000
    assert FREE_TIERS["lambda:gb-seconds"].quantity == 400_000
    assert all(f.source and f.note for f in FREE_TIERS.values())


def test_prices_as_of_is_the_latest_check_and_is_printed_so():
    assert PRICES_AS_OF == date(2026, 11, 28)
    assert prices_as_of() == "Prices as of 2026-11-28 (us-east-1 list prices, USD)"
    table = price_table()
    assert table.startswith(prices_as_of())
    assert all(d in table for d in PRICES)


def test_unknown_dimension_names_the_known_ones():
    with pytest.raises(KeyError, match="kms:requests"):
        price("kms:free-lunch")


def test_the_table_is_read_only():
    with pytest.raises(TypeError):
        PRICES["kms:requests"] = PRICES["kms:key-month"]  # type: ignore[index]


def test_public_api_is_exactly_all():
    public = {n for n, v in vars(pricing).items() if not n.startswith("_") and type(v).__name__ != "module"}
    assert set(pricing.__all__) == public


def test_pricing_imports_only_the_standard_library_and_events():
    pkg = pathlib.Path(pricing.__file__).parent
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    bad = []
    for path in pkg.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    continue  # a sibling inside secretkit.pricing
                names = ["secretkit." + (node.module or "") if node.level == 2 else node.module or ""]
            else:
                continue
            bad += [f"{path.name}: {n}" for n in names if n.split(".")[0] not in stdlib and n != "secretkit.core.events"]
    assert bad == []


def test_importing_pricing_loads_no_heavy_library():
    code = (
        "import json, sys, secretkit.pricing; "
        "print(json.dumps([m for m in ('boto3', 'botocore', 'plotly', 'ipywidgets') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
