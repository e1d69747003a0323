"""AWS's policy evaluation logic, returning a decision that says which statements decided.

The rules, in the order they are applied (IAM User Guide, "Policy evaluation logic"):

1. Everything is denied unless something allows it (an *implicit* deny).
2. An applicable ``Deny`` in any policy (identity-based, session, resource-based, key or
   trust policy) denies, whatever allows: an *explicit* deny always wins.
3. **Same account**: an ``Allow`` in the caller's identity-based policies *or* in the
   resource's policy is enough. A resource policy that names the user, the session or
   ``*`` grants by itself; one that names the caller's role is still narrowed by a session
   policy; one that names only the account (``arn:aws:iam::ACCT:root``) delegates to the
   account's IAM policies and grants nothing by itself.
4. **Across accounts** both are needed: the identity-based policy in the caller's account
   and the resource policy in the resource's account must each allow.
5. **Trust and key policies are authoritative**: for ``sts:AssumeRole`` and for a KMS key
   the resource's own policy must allow (by naming the caller, or by naming its account,
   which lets the account's IAM policies decide). This is why KMS's default key policy
   grants ``arn:aws:iam::ACCT:root`` ``kms:*``: without it IAM policies could not grant
   anything on the key, not even to the root user.
6. The **root user** is allowed everything in its own account by its identity (no policy
   needed); explicit denies and key policies still bind it.
7. An **AWS service principal** has no identity policies; only a resource policy naming it
   (or ``*``) lets it in.
8. A **session policy** (passed to AssumeRole) narrows the role's identity-based
   permissions: both must allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .conditions import Clause
from .documents import Policy, PolicyKind
from .grammar import Statement
from .principals import Caller, PolicySource, Sources
from .request import AccessRequest, Context, context_values

__all__ = ["ConditionOutcome", "Decision", "StatementMatch", "evaluate", "policy_source"]

_RESOURCE_TYPE = {PolicyKind.TRUST: "role trust", PolicyKind.KEY: "resource-based",
                  PolicyKind.SECRET: "resource-based", PolicyKind.LAMBDA: "resource-based"}
_RESOURCE_NAME = {PolicyKind.TRUST: "trust policy", PolicyKind.KEY: "key policy",
                  PolicyKind.SECRET: "resource policy", PolicyKind.LAMBDA: "resource policy"}


@dataclass(frozen=True, slots=True)
class ConditionOutcome:
    """One condition of a statement, the request's values for its key, and whether it held."""

    clause: Clause
    request_values: tuple[str, ...] | None
    passed: bool


@dataclass(frozen=True, slots=True)
class StatementMatch:
    """A statement whose action, resource and principal fit the request.

    ``applied`` is False when one of its conditions failed (a *near miss*: the statement
    would have decided had the condition held). ``principal_match`` says how a resource
    policy statement named the caller: ``direct`` (the user, the session or ``*``),
    ``role`` (a session's role), ``account`` (the caller's account) or ``None``.
    """

    source: PolicySource
    statement: Statement
    applied: bool
    conditions: tuple[ConditionOutcome, ...] = ()
    principal_match: str | None = None

    @property
    def failed_condition(self) -> ConditionOutcome | None:
        for outcome in self.conditions:
            if not outcome.passed:
                return outcome
        return None

    def summary(self) -> dict[str, Any]:
        """A small dict for the event log."""
        st = self.statement
        return {"policy": self.source.title, "type": self.source.kind, "sid": st.sid, "index": st.index,
                "effect": st.effect, "applied": self.applied}


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one :class:`~secretkit.iam.request.AccessRequest`, with its reasons.

    ``decision`` is ``allowed``, ``explicitDeny`` or ``implicitDeny`` (the words
    SimulatePrincipalPolicy uses). ``deciding`` are the statements that decided it: the
    allows that granted, or the denies that denied. ``near_misses`` are statements that
    matched the request but not their conditions. For an implicit deny ``missing`` names
    the policy type AWS's message blames (``identity-based``, ``resource-based``,
    ``session`` or ``role trust``); for an explicit one ``denied_in`` does.
    """

    decision: str
    request: AccessRequest
    deciding: tuple[StatementMatch, ...] = ()
    near_misses: tuple[StatementMatch, ...] = ()
    missing: str | None = None
    denied_in: str | None = None
    cross_account: bool = False
    mentioned: bool | None = None
    missing_context: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"

    def summary(self) -> dict[str, Any]:
        """What the event log records about this decision (no secret values, ever)."""
        return {
            "principal": self.request.principal.arn,
            "action": self.request.action,
            "resource": self.request.resource,
            "decision": self.decision,
            "statements": [m.summary() for m in self.deciding],
            "missing": self.missing or self.denied_in,
        }

    def __bool__(self) -> bool:
        return self.allowed


_NO_CONDITIONS: tuple[bool, tuple[ConditionOutcome, ...]] = (True, ())


def policy_source(policy: Policy, label: str) -> PolicySource:
    """The label a resource, trust or key policy carries in decisions."""
    return PolicySource(_RESOURCE_TYPE.get(policy.kind, "resource-based"), _RESOURCE_NAME.get(policy.kind, "policy"),
                        label, "resource")


def _check(st: Statement, action: str, resource: str, ctx: Context) -> tuple[bool, tuple[ConditionOutcome, ...]] | None:
    """``None`` if the statement does not concern this request, else (applies, conditions)."""
    actions = st.actions
    if actions is None or actions.matches(action) == st.not_action:
        return None
    resources = st.resources
    if resources is not None and resources.matches(resource, ctx.get) == st.not_resource:
        return None
    if not st.conditions:
        return _NO_CONDITIONS
    outcomes = []
    for clause in st.conditions:
        passed = clause.holds(ctx.get)
        outcomes.append(ConditionOutcome(clause, ctx.get(clause.key_lower), passed))
        if not passed:
            return False, tuple(outcomes)
    return True, tuple(outcomes)


def _principal_match(st: Statement, caller: Caller, account_root: str) -> str | None:
    named = st.principals
    if named is None:
        return None
    if caller.is_service:
        listed = caller.service in named.services  # type: ignore[union-attr]
        hit = "direct" if named.anyone or listed else None
    else:
        ids = caller.match_arns
        listed = (ids | {account_root}) <= named.aws
        if named.anyone or caller.arn in named.aws:
            hit = "direct"
        elif not ids.isdisjoint(named.aws):
            hit = "role"
        elif account_root in named.aws:
            hit = "account"
        else:
            hit = None
    if st.not_principal:
        return None if listed else "direct"
    return hit


def _scan(sources: Sources, action: str, resource: str, ctx: Context,
          allows: list[StatementMatch], denies: list[StatementMatch], near: list[StatementMatch]) -> None:
    for source, policy in sources:
        for st in policy.statements:
            found = _check(st, action, resource, ctx)
            if found is None:
                continue
            match = StatementMatch(source, st, found[0], found[1])
            if not found[0]:
                near.append(match)
            elif st.allow:
                allows.append(match)
            else:
                denies.append(match)


def evaluate(request: AccessRequest, now: datetime, *, track_missing: bool = False,
             extra_identity: Sources = ()) -> Decision:
    """Decide ``request`` at simulated time ``now`` (see the module docstring for the rules).

    ``extra_identity`` adds identity policies for this evaluation only (what
    SimulatePrincipalPolicy's ``PolicyInputList`` does). With ``track_missing`` the
    decision lists the condition keys a policy asked for and the request lacked.
    """
    caller = request.principal
    action = request.action.lower()
    resource = request.resource
    ctx = Context(request, now, context_values(request.keys), set() if track_missing else None)
    id_allows: list[StatementMatch] = []
    sess_allows: list[StatementMatch] = []
    res_allows: list[StatementMatch] = []
    denies: list[StatementMatch] = []
    near: list[StatementMatch] = []

    if not caller.is_service:
        identity = caller.identity_policies()
        _scan(identity + extra_identity if extra_identity else identity, action, resource, ctx, id_allows, denies, near)
        if caller.session_policies:
            _scan(caller.session_policies, action, resource, ctx, sess_allows, denies, near)

    policy = request.resource_policy
    owner = request.owner_account()
    mentioned: bool | None = None
    if policy is not None:
        source = policy_source(policy, request.resource_label)
        account_root = f"arn:aws:iam::{caller.account_id}:root"
        mentioned = False
        skip_open = policy.kind is PolicyKind.KEY  # a key policy statement without Resource has no effect
        for st in policy.statements:
            how = _principal_match(st, caller, account_root)
            if how is None:
                continue
            mentioned = True
            if skip_open and st.resources is None:
                continue
            found = _check(st, action, resource, ctx)
            if found is None:
                continue
            match = StatementMatch(source, st, found[0], found[1], how)
            if not found[0]:
                near.append(match)
            elif st.allow:
                res_allows.append(match)
            else:
                denies.append(match)

    cross = not caller.is_service and caller.account_id != owner
    common: dict[str, Any] = {"request": request, "near_misses": tuple(near), "cross_account": cross,
                              "mentioned": mentioned, "missing_context": tuple(sorted(ctx.asked or ()))}
    if denies:
        return Decision("explicitDeny", deciding=tuple(denies), denied_in=denies[0].source.kind, **common)
    if caller.is_service:
        if res_allows:
            return Decision("allowed", deciding=tuple(res_allows), **common)
        return Decision("implicitDeny", missing="resource-based", **common)

    id_ok = caller.is_root or bool(id_allows)
    sess_ok = not caller.session_policies or bool(sess_allows)
    identity_side = tuple(id_allows + sess_allows)
    if not cross:
        direct = [m for m in res_allows if m.principal_match == "direct" or (m.principal_match == "role" and sess_ok)]
        if direct:
            return Decision("allowed", deciding=tuple(direct), **common)
    authoritative = policy is not None and policy.kind.authoritative
    if not cross and not authoritative:
        if id_ok and sess_ok:
            return Decision("allowed", deciding=identity_side, **common)
        # a grant to the role (by identity or by the resource policy) failed only the session policy
        narrowed = not sess_ok and (id_ok or any(m.principal_match == "role" for m in res_allows))
        return Decision("implicitDeny", missing="session" if narrowed else "identity-based", **common)
    if res_allows and id_ok and sess_ok:
        return Decision("allowed", deciding=tuple(res_allows) + identity_side, **common)
    if not res_allows:
        blamed = "role trust" if policy is not None and policy.kind is PolicyKind.TRUST else "resource-based"
        return Decision("implicitDeny", missing=blamed, **common)
    return Decision("implicitDeny", missing="session" if id_ok else "identity-based", **common)
