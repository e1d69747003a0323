"""Does a resource policy open the resource to the world?

Secrets Manager refuses such a policy when ``PutResourcePolicy`` is called with
``BlockPublicPolicy`` (``PublicPolicyException``), and ``ValidateResourcePolicy`` reports
it. AWS decides with automated reasoning; the kit applies the rule AWS documents for it: a
statement that allows ``*`` (any principal, or ``NotPrincipal``) is broad unless one of its
conditions pins the request to fixed values of a key that identifies who or where the
caller is: ``aws:SourceArn``, ``aws:SourceVpc``, ``aws:SourceVpce``, ``aws:SourceAccount``,
and the principal keys ``aws:PrincipalAccount``, ``aws:PrincipalArn``,
``aws:PrincipalOrgID``. Pinning means a positive, wildcard-free comparison
(``StringEquals``, ``ArnEquals``, or ``...Like`` without ``*``/``?``), not ``IfExists``
and not a ``ForAllValues`` test (which an absent key satisfies).
"""

from __future__ import annotations

from .conditions import Clause
from .documents import Policy
from .grammar import Statement

__all__ = ["PINNING_KEYS", "broad_statements", "grants_broad_access"]

PINNING_KEYS = frozenset({
    "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount",
    "aws:principalaccount", "aws:principalarn", "aws:principalorgid",
})
_PINNING_OPERATORS = {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"}


def _pins(clause: Clause) -> bool:
    if clause.key_lower not in PINNING_KEYS or clause.base not in _PINNING_OPERATORS:
        return False
    if clause.if_exists or clause.quantifier == "all" or not clause.values:
        return False
    return not any("*" in v or "?" in v for v in clause.values)


def _open_to_anyone(st: Statement) -> bool:
    named = st.principals
    return named is not None and (st.not_principal or named.anyone)


def broad_statements(policy: Policy) -> list[Statement]:
    """The ``Allow`` statements that grant access to anyone, unrestricted."""
    return [st for st in policy.statements
            if st.allow and _open_to_anyone(st) and not any(_pins(c) for c in st.conditions)]


def grants_broad_access(policy: Policy) -> bool:
    """Whether any statement of ``policy`` opens the resource to anyone."""
    return bool(broad_statements(policy))
