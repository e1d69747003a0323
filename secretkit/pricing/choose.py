"""Which should I choose? Secrets Manager, Parameter Store, or both, with the reasons.

The guidance follows the course lecture:

* **Secrets Manager** is for secrets that must *change* or *travel*: automatic rotation
  (it runs the four-step rotation protocol for you, with ready-made functions for
  databases), database credentials, and replication to other regions for disaster
  recovery. It costs $0.40 per secret per month, replicas included.
* **Parameter Store** is for *configuration*: a hierarchy of names
  (``/ecommerce/prod/db/host``) read by path, plain and encrypted values side by side
  (``String`` next to ``SecureString``), and a Standard tier that is free.
* **Both together** is a common, valid answer: configuration in Parameter Store, the
  secrets that rotate in Secrets Manager, and the application reads *everything* through
  Parameter Store by naming a secret under ``/aws/reference/secretsmanager/<secret-id>``.

>>> r = recommend(Needs(rotation=True, hierarchy=True, config_values=12))
>>> r.service
'Both'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .prices import price

__all__ = ["BOTH", "PARAMETER_STORE", "REFERENCE_PREFIX", "SECRETS_MANAGER", "Needs", "Recommendation", "recommend"]

SECRETS_MANAGER = "Secrets Manager"
PARAMETER_STORE = "Parameter Store"
BOTH = "Both"
REFERENCE_PREFIX = "/aws/reference/secretsmanager/"


@dataclass(frozen=True)
class Needs:
    """What a workload needs from a place to keep its values.

    ``secrets`` and ``config_values`` count the sensitive values and the plain
    configuration values; ``monthly_budget`` (USD, optional) is what you can spend a
    month on storing the secrets.
    """

    rotation: bool = False
    database_credentials: bool = False
    replication: bool = False
    hierarchy: bool = False
    mixed_configuration: bool = False
    secrets: int = 1
    replicas_per_secret: int = 0
    config_values: int = 0
    monthly_budget: Decimal | float | None = None


@dataclass(frozen=True)
class Recommendation:
    """The answer: :attr:`service` is ``"Secrets Manager"``, ``"Parameter Store"`` or ``"Both"``."""

    service: str
    reasons: tuple[str, ...]
    monthly_secrets_cost: Decimal

    def __str__(self) -> str:
        return "\n".join([f"Choose: {self.service}", *(f"- {r}" for r in self.reasons)])


def recommend(needs: Needs | Mapping[str, Any]) -> Recommendation:
    """Weigh ``needs`` the way lecture 6's choosing table does and say which service to use, and why."""
    n = needs if isinstance(needs, Needs) else Needs(**needs)
    secret_month = price("secretsmanager:secret-month").usd
    cost = secret_month * n.secrets * (1 + n.replicas_per_secret)
    budget = None if n.monthly_budget is None else Decimal(str(n.monthly_budget))

    for_sm: list[str] = []
    if n.rotation:
        for_sm.append("Automatic rotation: Secrets Manager schedules it and runs the four rotation steps "
                      "with a function; Parameter Store has no rotation of its own.")
    if n.database_credentials:
        for_sm.append("Database credentials: Secrets Manager has ready-made rotation functions for RDS, "
                      "Aurora, Redshift and DocumentDB, single-user or alternating users.")
    if n.replication:
        for_sm.append("Cross-region replication: Secrets Manager keeps replicas in other regions in sync "
                      "and can promote one if a region fails; Parameter Store parameters live in one region.")
    for_ps: list[str] = []
    if n.hierarchy:
        for_ps.append("Hierarchy: Parameter Store names form paths (/app/env/...) you can read, list and "
                      "grant access to by path.")
    if n.mixed_configuration:
        for_ps.append("Mixed configuration: Parameter Store keeps plain String values and encrypted "
                      "SecureString values side by side under one API.")
    if n.config_values:
        for_ps.append(f"Configuration values ({n.config_values}): Standard parameters are free to store and "
                      "to read at the default throughput.")

    over = budget is not None and cost > budget
    money = (f"Keeping {n.secrets} secret(s)" + (f" with {n.replicas_per_secret} replica(s) each" if n.replicas_per_secret else "")
             + f" in Secrets Manager costs ${cost:.2f} a month before API calls")

    if for_sm and for_ps:
        reasons = for_sm + for_ps + [
            ("Use both: configuration in Parameter Store, secrets in Secrets Manager. The application can "
             f"read a secret through Parameter Store as {REFERENCE_PREFIX}<secret-name>, so it uses one API."),
            money + ".",
        ]
        if over:
            reasons.append(f"That is over the ${budget:.2f} budget; rotation and replication need Secrets "
                           "Manager, so trim the count instead (one secret can hold several values as JSON).")
        return Recommendation(BOTH, tuple(reasons), cost)
    if for_sm:
        reasons = for_sm + [money + "."]
        if over:
            reasons.append(f"That is over the ${budget:.2f} budget, but nothing cheaper provides this; "
                           "keep fewer secrets (one secret can hold several values as JSON).")
        return Recommendation(SECRETS_MANAGER, tuple(reasons), cost)
    reasons = for_ps + [("Nothing here needs rotation or replication, so Parameter Store is enough; keep the "
                         "sensitive values as SecureString parameters (encrypted with KMS).")]
    if budget is not None:
        reasons.append(money + f", against a budget of ${budget:.2f}; Standard SecureString parameters cost "
                       "nothing to store.")
    return Recommendation(PARAMETER_STORE, tuple(reasons), cost)
