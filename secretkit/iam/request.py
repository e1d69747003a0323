"""One authorisation question, and the request context its conditions read.

An :class:`AccessRequest` says who (a caller from :mod:`secretkit.iam.principals`) wants to
do what (``secretsmanager:GetSecretValue``) to which resource (an ARN), with the
resource's own policy if it has one, and the condition keys the service knows about this
call (``secretsmanager:SecretId``, ``kms:ViaService``, ``kms:EncryptionContext:SecretARN``...).

The :class:`Context` adds the global keys AWS fills in for every request, computed only
when a condition asks for them:

==========================  ========================================================
``aws:PrincipalArn``        the user's ARN, the *role's* ARN for a role session, the
                            root ARN for the root user
``aws:PrincipalAccount``    the caller's account
``aws:PrincipalType``       ``User``, ``AssumedRole`` or ``Account``
``aws:userid``              ``AIDA...`` for a user, ``AROA...:session`` for a session,
                            the account id for the root user
``aws:username``            users only
``aws:PrincipalTag/<key>``  the user's or role's tags
``aws:CurrentTime``         the simulated clock, ISO 8601 (never the wall clock)
``aws:EpochTime``           the same, in seconds
``aws:TokenIssueTime``      sessions only: when the credentials were issued
``aws:RequestedRegion``     the region the call was made to
``aws:ResourceAccount``     the account that owns the resource
``aws:SecureTransport``     ``true`` (AWS's endpoints are HTTPS)
``kms:CallerAccount``       for ``kms:`` actions, the caller's account
==========================  ========================================================

A service may pass any of these itself (``aws:SourceIp``, ``aws:SourceArn``...); what it
passes wins. Values may be strings, booleans, numbers, datetimes or lists of them; all
are held as strings, as IAM compares them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from .documents import Policy
from .principals import Caller

__all__ = ["AccessRequest", "Context", "context_values", "iso"]


def iso(moment: datetime) -> str:
    """``2026-01-01T00:00:00Z``: how AWS writes ``aws:CurrentTime``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    return str(value)


def context_values(values: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """Condition keys as IAM holds them: lower-cased names, tuples of strings."""
    out: dict[str, tuple[str, ...]] = {}
    if not values:
        return out
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            out[key.lower()] = tuple(_text(v) for v in value)
        else:
            out[key.lower()] = (_text(value),)
    return out


@dataclass(slots=True)
class AccessRequest:
    """May ``principal`` perform ``action`` on ``resource``?

    ``resource_policy`` is the resource's own policy (a secret's resource policy, a key
    policy, a role's trust policy, a function's policy) or ``None``. ``resource_label``
    names the resource in explanations (``secret prod/db``). ``resource_account`` is read
    from the ARN when not given.
    """

    principal: Caller
    action: str
    resource: str = "*"
    resource_policy: Policy | None = None
    keys: Mapping[str, Any] | None = None
    region: str | None = None
    resource_label: str = ""
    resource_account: str | None = None

    def owner_account(self) -> str:
        """The account that owns the resource (the caller's, for ``*`` or account-less ARNs)."""
        if self.resource_account:
            return self.resource_account
        return _arn_account(self.resource) or self.principal.account_id


@functools.lru_cache(maxsize=4096)
def _arn_account(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 else ""


def _principal_keys(p: Caller) -> dict[str, tuple[str, ...]]:
    cached = getattr(p, "_keys", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    keys: dict[str, tuple[str, ...]] = {}
    if not p.is_service:
        keys["aws:principalaccount"] = (p.account_id,)
        keys["aws:userid"] = (p.user_id,)  # type: ignore[union-attr]
    if p.kind == "root":
        keys["aws:principalarn"] = (p.arn,)
        keys["aws:principaltype"] = ("Account",)
    elif p.kind == "user":
        keys["aws:principalarn"] = (p.arn,)
        keys["aws:principaltype"] = ("User",)
        keys["aws:username"] = (p.name,)  # type: ignore[union-attr]
        for tag in p.tags:  # type: ignore[union-attr]
            keys[f"aws:principaltag/{tag['Key'].lower()}"] = (tag["Value"],)
    elif p.kind == "session":
        keys["aws:principalarn"] = (p.role.arn,)  # type: ignore[union-attr]
        keys["aws:principaltype"] = ("AssumedRole",)
        keys["aws:tokenissuetime"] = (iso(p.issued),)  # type: ignore[union-attr]
        for tag in p.role.tags:  # type: ignore[union-attr]
            keys[f"aws:principaltag/{tag['Key'].lower()}"] = (tag["Value"],)
    if hasattr(p, "_keys"):
        p._keys = keys  # type: ignore[union-attr]
    return keys


class Context:
    """The condition keys of one request, looked up case-insensitively.

    With ``asked`` a set, every key asked for and not found is added to it (what
    SimulatePrincipalPolicy reports as ``MissingContextValues``).
    """

    __slots__ = ("request", "now", "given", "asked", "volatile", "_principal")

    def __init__(self, request: AccessRequest, now: datetime, asked: set[str] | None = None) -> None:
        self.request = request
        self.now = now
        self.given: dict[str, tuple[str, ...]] | None = None  # the request's keys, normalised on first use
        self.asked = asked
        self.volatile = False  # set once a time key is read: the answer then depends on the clock
        self._principal: dict[str, tuple[str, ...]] | None = None

    def get(self, key: str) -> tuple[str, ...] | None:
        """The values of ``key`` (already lower-cased), or ``None`` when the request lacks it."""
        given = self.given
        if given is None:
            given = self.given = context_values(self.request.keys)
        found = given.get(key)
        if found is not None:
            return found
        keys = self._principal
        if keys is None:
            keys = self._principal = _principal_keys(self.request.principal)
        found = keys.get(key)
        if found is None:
            found = self._computed(key)
            if found is None and self.asked is not None:
                self.asked.add(key)
        return found

    def _computed(self, key: str) -> tuple[str, ...] | None:
        req = self.request
        if key == "aws:currenttime":
            self.volatile = True
            return (iso(self.now),)
        if key == "aws:epochtime":
            self.volatile = True
            return (str(int(self.now.timestamp())),)
        if key == "aws:requestedregion":
            return (req.region,) if req.region else None
        if key == "aws:resourceaccount":
            return (req.owner_account(),)
        if key == "aws:securetransport":
            return ("true",)
        if key == "kms:calleraccount" and req.action.lower().startswith("kms:") and not req.principal.is_service:
            return (req.principal.account_id,)
        return None
