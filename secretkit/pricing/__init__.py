"""Costs: a dated price list, a meter over the event log, estimates, and which service to choose.

Four questions, four tools:

* *What does it cost per unit?* :data:`PRICES`, each :class:`Price` with the day it was
  checked and its source; :func:`prices_as_of` for the line notebooks print.
* *What did this run cost?* :func:`bill` prices an event log for any period of simulated
  time; :func:`bill_cloud` does it for a :class:`secretkit.Cloud`. The answer is a
  :class:`Bill` of :class:`LineItem` by service, region, resource and price dimension.
* *What would this workload cost?* :func:`monthly` and :func:`yearly` price a
  :class:`Workload` without running anything; :func:`compare` prices its secrets in
  Secrets Manager and in Parameter Store side by side.
* *Which should I use?* :func:`recommend` answers from a workload's :class:`Needs`, with
  reasons.

>>> from secretkit.pricing import Workload, monthly, cents
>>> cents(monthly(Workload(secrets=1)).total)
Decimal('0.40')

This package imports only the standard library and :mod:`secretkit.core.events`.
"""

from .bill import Bill, LineItem, cents
from .choose import (
    BOTH,
    PARAMETER_STORE,
    REFERENCE_PREFIX,
    SECRETS_MANAGER,
    Needs,
    Recommendation,
    recommend,
)
from .estimate import PARAMETER_STORE_DEFAULT_TPS, Comparison, Workload, compare, monthly, yearly
from .examples import (
    ECOMMERCE,
    ECOMMERCE_PARAMETERS,
    ECOMMERCE_STORAGE_ONLY,
    REFERENCE_EXAMPLE,
)
from .meter import bill, bill_cloud
from .prices import (
    FREE_TIERS,
    HOURS_PER_MONTH,
    PRICES,
    PRICES_AS_OF,
    FreeTier,
    Price,
    price,
    price_table,
    prices_as_of,
)

__all__ = [
    "BOTH",
    "ECOMMERCE",
    "ECOMMERCE_PARAMETERS",
    "ECOMMERCE_STORAGE_ONLY",
    "FREE_TIERS",
    "HOURS_PER_MONTH",
    "PARAMETER_STORE",
    "PARAMETER_STORE_DEFAULT_TPS",
    "PRICES",
    "PRICES_AS_OF",
    "REFERENCE_EXAMPLE",
    "REFERENCE_PREFIX",
    "SECRETS_MANAGER",
    "Bill",
    "Comparison",
    "FreeTier",
    "LineItem",
    "Needs",
    "Price",
    "Recommendation",
    "Workload",
    "bill",
    "bill_cloud",
    "cents",
    "compare",
    "monthly",
    "price",
    "price_table",
    "prices_as_of",
    "recommend",
    "yearly",
]
