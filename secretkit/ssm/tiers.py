"""Parameter tiers: Standard or Advanced, by AWS's rules.

Standard parameters hold values up to 4 KB, 10,000 per region, for free; Advanced ones up
to 8 KB, 100,000 per region, billed per parameter-month and per API interaction, and only
they take policies. ``Intelligent-Tiering`` picks Advanced only when the request needs it
(a large value, policies, a data type only Advanced supports, or a full Standard quota). A
parameter can move up to Advanced but never back. A request that names no tier gets the
region's default-tier setting, which never asks an Advanced parameter to step down.
"""

from __future__ import annotations

from ..core.checks import fail

__all__ = [
    "ADVANCED_MAX_BYTES",
    "ADVANCED_TOO_BIG",
    "NO_DOWNGRADE",
    "POLICIES_NEED_ADVANCED",
    "STANDARD_MAX_BYTES",
    "STANDARD_TOO_BIG",
    "TIERS",
    "choose_tier",
]

TIERS = ("Standard", "Advanced", "Intelligent-Tiering")
STANDARD_MAX_BYTES = 4096
ADVANCED_MAX_BYTES = 8192
_ADVANCED_DATA_TYPES = ("url", "json", "jsonc")

STANDARD_TOO_BIG = (
    "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger "
    "parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see "
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
)
ADVANCED_TOO_BIG = "Advanced tier parameters support a maximum parameter value of 8192 characters."
NO_DOWNGRADE = (
    "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter "
    "tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a "
    "standard parameter."
)
POLICIES_NEED_ADVANCED = "Parameter policies are supported only for advanced-tier parameters."


def choose_tier(
    requested: str | None,
    current: str | None,
    size: int,
    policies: bool,
    data_type: str,
    *,
    default: str,
    standard_full: bool,
) -> str:
    """The tier a write lands in: ``requested`` (or the region's ``default``), for a
    parameter now in tier ``current`` (None when new), with a value of ``size`` bytes.

    ``standard_full`` says that a *new* parameter would exceed the Standard quota; raises the
    AWS error for a write no tier can take.
    """
    wanted = requested
    if wanted is None:
        # No Tier in the request: the region's default-tier setting decides, but a
        # Standard default never asks an Advanced parameter to step down.
        keep = current == "Advanced" or (current is not None and default == "Standard")
        wanted = current if keep else default
    if wanted == "Intelligent-Tiering":
        needs = size > STANDARD_MAX_BYTES or policies or data_type in _ADVANCED_DATA_TYPES or standard_full
        wanted = "Advanced" if needs or current == "Advanced" else "Standard"
    if current == "Advanced" and wanted == "Standard":
        raise fail("ValidationException", NO_DOWNGRADE)
    if wanted == "Standard":
        if size > STANDARD_MAX_BYTES:
            raise fail("ValidationException", STANDARD_TOO_BIG)
        if policies:
            raise fail("ValidationException", POLICIES_NEED_ADVANCED)
    elif size > ADVANCED_MAX_BYTES:
        raise fail("ValidationException", ADVANCED_TOO_BIG)
    return wanted  # type: ignore[return-value]
