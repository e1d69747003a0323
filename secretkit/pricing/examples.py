"""Ready-made workloads: lecture 6's e-commerce shop, and the reference's worked example.

A first estimate of the shop often counts storage only (:data:`ECOMMERCE_STORAGE_ONLY`):
``prod-db-credentials`` (rotated every 90 days) at $0.40 and one Advanced parameter among
four ``/ecommerce/prod/...`` parameters at $0.05, so $0.45 a month. Two things are missing
from that figure:

* the **replica** of the secret in ``us-west-2``, which AWS bills as a secret of its own
  (another $0.40 a month);
* the **API calls**. Reads of a secret cost $0.05 per 10,000, and so do reads of an
  Advanced parameter. A storage-only estimate has no traffic, so :data:`ECOMMERCE` assumes
  one, and says so: the shop's servers between them fetch the credentials and each parameter
  **1,440 times a day** (a cached copy refreshed once a minute).

>>> from secretkit.pricing import cents, monthly
>>> cents(monthly(ECOMMERCE_STORAGE_ONLY).total), cents(monthly(ECOMMERCE).total)
(Decimal('0.45'), Decimal('1.29'))
"""

from __future__ import annotations

from .estimate import Workload

__all__ = ["ECOMMERCE", "ECOMMERCE_PARAMETERS", "ECOMMERCE_STORAGE_ONLY", "REFERENCE_EXAMPLE"]

#: The four parameters of the shop; the last one is Advanced (it carries a policy).
ECOMMERCE_PARAMETERS = (
    "/ecommerce/prod/db/host",
    "/ecommerce/prod/db/port",
    "/ecommerce/prod/features/checkout",
    "/ecommerce/prod/api/payment-config",
)

#: What a storage-only estimate counts: one rotated secret, three Standard and one Advanced parameter.
ECOMMERCE_STORAGE_ONLY = Workload(secrets=1, rotation_days=90, standard_parameters=3, advanced_parameters=1)

#: The same shop with what storage alone leaves out: the us-west-2 replica and the reads.
ECOMMERCE = Workload(
    secrets=1,
    replica_regions=("us-west-2",),
    reads_per_day=1_440,
    rotation_days=90,
    standard_parameters=3,
    advanced_parameters=1,
    parameter_reads_per_day=1_440,
)

#: The reference's worked example: 100 secrets, each read 20 times a day, one replica each.
REFERENCE_EXAMPLE = Workload(secrets=100, replicas_per_secret=1, reads_per_day=20)
