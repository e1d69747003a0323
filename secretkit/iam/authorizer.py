"""The call a service makes once per operation: may this caller do this?

::

    authorizer = Authorizer(clock)
    authorizer.require(
        caller, "secretsmanager:GetSecretValue", secret.arn,
        service="secretsmanager",              # decides the AccessDenied format
        resource_policy=secret.policy,         # a parsed Policy, or None
        keys={"secretsmanager:SecretId": secret.arn,
              "aws:ResourceTag/env": "prod"},  # the operation's condition keys
        region="us-east-1",
        resource_label=f"secret {secret.name}",
        shown_resource=SecretId,               # Secrets Manager echoes the id as passed
    )

``require`` returns the :class:`~secretkit.iam.evaluation.Decision` when the request is
allowed and raises the service's AccessDenied error otherwise; ``decide`` only returns the
decision. Either way the decision goes to ``on_decision`` (the event log, in the Cloud), so
every authorisation can be explained afterwards with :func:`secretkit.iam.explain.explain`.

Time-based conditions read the clock handed in, never the wall clock.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from .bridge import SimClock
from .documents import Policy
from .evaluation import Decision, evaluate
from .explain import access_denied
from .principals import Caller
from .request import AccessRequest

__all__ = ["Authorizer"]


class Authorizer:
    """Evaluates access requests on one clock and reports every decision.

    Decisions are remembered: the same caller asking the same thing of the same resource,
    with the same policies and condition keys, gets the remembered answer without a new
    evaluation, unless a condition read the clock. Any change to the caller's policies
    (or a new resource policy object) makes a new question, so nothing stale is served.
    """

    def __init__(self, clock: SimClock, *, on_decision: Callable[[Decision], None] | None = None,
                 remember: int = 4096) -> None:
        self.clock = clock
        self.on_decision = on_decision
        self.last: Decision | None = None
        self._limit = remember
        self._memo: dict[tuple[Any, ...], tuple[Decision, Any, Any]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # The remembered decisions are a cache, no part of the state: keyed on the ids of policy
        # objects in this process, they would mean nothing in a loaded Cloud (and a saved Cloud
        # and its snapshot would differ by what happened to be asked before).
        return {**self.__dict__, "_memo": {}}

    def decide(
        self,
        principal: Caller,
        action: str,
        resource: str = "*",
        *,
        resource_policy: Policy | None = None,
        keys: Mapping[str, Any] | None = None,
        region: str | None = None,
        resource_label: str = "",
        resource_account: str | None = None,
    ) -> Decision:
        """The decision for one request (never raises for a denial)."""
        memo_key: tuple[Any, ...] | None = None
        identity = principal.identity_policies()
        session = principal.session_policies
        if self._limit:
            # Identities (not contents) of the policy objects: they are immutable, and the
            # entry keeps them alive, so an id can never be reused for another policy.
            memo_key = (principal, id(identity), id(session), action, resource, id(resource_policy),
                        tuple(keys.items()) if keys else (), region, resource_label, resource_account)
            try:
                hit = self._memo.get(memo_key)
            except TypeError:  # a condition key with a list value: evaluate afresh
                memo_key, hit = None, None
            decision = hit[0] if hit is not None else None
        else:
            decision = None
        if decision is None:
            request = AccessRequest(principal, action, resource, resource_policy, keys, region, resource_label,
                                    resource_account)
            decision = evaluate(request, self.clock.now)
            if memo_key is not None and not decision.volatile:
                if len(self._memo) >= self._limit:
                    self._memo.clear()
                self._memo[memo_key] = (decision, identity, session)
        self.last = decision
        if self.on_decision is not None:
            self.on_decision(decision)
        return decision

    def require(
        self,
        principal: Caller,
        action: str,
        resource: str = "*",
        *,
        service: str,
        shown_resource: str | None = None,
        **options: Any,
    ) -> Decision:
        """Like :meth:`decide`, but raise ``service``'s AccessDenied error on a denial."""
        decision = self.decide(principal, action, resource, **options)
        if not decision.allowed:
            raise access_denied(decision, service, shown_resource)
        return decision

    def would_lock_out(self, principal: Caller, action: str, resource: str, new_policy: Policy, **options: Any) -> bool:
        """Whether ``new_policy`` would stop ``principal`` from ``action`` on the resource.

        KMS refuses such a key policy (``The new key policy will not allow you to update the
        key policy in the future.``) unless ``BypassPolicyLockoutSafetyCheck`` is set, and
        Secrets Manager's ValidateResourcePolicy reports it. Nothing is recorded.
        """
        request = AccessRequest(principal, action, resource, new_policy, options.get("keys"), options.get("region"),
                                options.get("resource_label", ""), options.get("resource_account"))
        return not evaluate(request, self.clock.now).allowed
