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

from datetime import datetime
from typing import Any, NamedTuple

from .conditions import Clause
from .documents import Policy, PolicyKind
from .grammar import Statement
from .principals import Caller, PolicySource, Sources
from .request import AccessRequest, Context

__all__ = ["ConditionOutcome", "Decision", "StatementMatch", "evaluate", "policy_source"]

_RESOURCE_TYPE = {PolicyKind.TRUST: "role trust", PolicyKind.KEY: "resource-based",
                  PolicyKind.SECRET: "resource-based", PolicyKind.LAMBDA: "resource-based"}
_RESOURCE_NAME = {PolicyKind.TRUST: "trust policy", PolicyKind.KEY: "key policy",
                  PolicyKind.SECRET: "resource policy", PolicyKind.LAMBDA: "resource policy"}

# What the hot path keeps of a statement that fits the request: (source or None for the
# resource's own policy, statement, whether its conditions held, how it named the caller).
_Hit = tuple[PolicySource | None, Statement, bool, str | None]


class ConditionOutcome(NamedTuple):
    """One condition of a statement, the request's values for its key, and whether it held."""

    clause: Clause
    request_values: tuple[str, ...] | None
    passed: bool


class StatementMatch(NamedTuple):
    """A statement whose action, resource and principal fit the request.

    ``applied`` is False when one of its conditions failed (a *near miss*: the statement
    would have decided had the condition held). ``conditions`` are the conditions
    evaluated, up to the first that failed. ``principal_match`` says how a resource
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


class Decision:
    """The answer to one :class:`~secretkit.iam.request.AccessRequest`, with its reasons.

    ``decision`` is ``allowed``, ``explicitDeny`` or ``implicitDeny`` (the words
    SimulatePrincipalPolicy uses). ``deciding`` are the statements that decided it: the
    allows that granted, or the denies that denied. ``near_misses`` are statements that
    matched the request but not their conditions. For an implicit deny ``missing`` names
    the policy type AWS's message blames (``identity-based``, ``resource-based``,
    ``session`` or ``role trust``); for an explicit one ``denied_in`` does.
    ``cross_account`` says whether caller and resource are in different accounts,
    ``mentioned`` whether the resource's policy names the caller at all (``None`` when it
    has none), ``missing_context`` the condition keys asked for and not in the request
    (when tracked).

    The statements are kept raw while deciding and dressed (with their conditions and
    labels) only when someone reads them: deciding stays cheap, explaining stays complete.
    """

    __slots__ = ("decision", "request", "missing", "denied_in", "cross_account", "missing_context",
                 "_ctx", "_deciding", "_near", "_partial", "_dressed")

    def __init__(self, decision: str, request: AccessRequest, deciding: tuple[_Hit, ...], near: tuple[_Hit, ...],
                 missing: str | None, denied_in: str | None, cross_account: bool, missing_context: tuple[str, ...],
                 ctx: Context, partial: tuple[_Hit, ...] = ()) -> None:
        self.decision = decision
        self.request = request
        self.missing = missing
        self.denied_in = denied_in
        self.cross_account = cross_account
        self.missing_context = missing_context
        self._ctx = ctx
        self._deciding = deciding
        self._near = near
        self._partial = partial
        self._dressed: tuple[tuple[StatementMatch, ...], ...] | None = None

    def _dress(self) -> tuple[tuple[StatementMatch, ...], ...]:
        if self._dressed is None:
            ctx = self._ctx
            ctx.asked = None
            policy = self.request.resource_policy
            own = policy_source(policy, self.request.resource_label) if policy is not None else None

            def dress(hit: _Hit) -> StatementMatch:
                source, st, applied, how = hit
                return StatementMatch(source or own, st, applied, _outcomes(st, ctx), how)  # type: ignore[arg-type]

            self._dressed = tuple(tuple(dress(h) for h in hits) for hits in (self._deciding, self._near, self._partial))
        return self._dressed

    @property
    def deciding(self) -> tuple[StatementMatch, ...]:
        return self._dress()[0]

    @property
    def near_misses(self) -> tuple[StatementMatch, ...]:
        return self._dress()[1]

    @property
    def partial_grants(self) -> tuple[StatementMatch, ...]:
        """For an implicit deny, the allows that applied but were not enough on their own
        (a resource policy granting only the account, one side of a cross-account grant)."""
        return self._dress()[2]

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"

    @property
    def volatile(self) -> bool:
        """Whether a condition read the clock (so the same request may be decided otherwise later)."""
        return self._ctx.volatile

    @property
    def mentioned(self) -> bool | None:
        """Whether the resource's policy names the caller in any statement (``None``: no policy)."""
        policy = self.request.resource_policy
        if policy is None:
            return None
        caller = self.request.principal
        root = f"arn:aws:iam::{caller.account_id}:root"
        return any(_principal_match(st, caller, caller.arn, caller.match_arns, root) for st in policy.statements)

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

    def __repr__(self) -> str:
        blamed = self.missing or self.denied_in
        return f"Decision({self.decision}, {self.request.action} on {self.request.resource}{', ' + blamed if blamed else ''})"


_SOURCES: dict[tuple[int, str], PolicySource] = {}


def policy_source(policy: Policy, label: str) -> PolicySource:
    """The label a resource, trust or key policy carries in decisions."""
    key = (id(policy), label)
    found = _SOURCES.get(key)
    if found is None:
        if len(_SOURCES) > 4096:
            _SOURCES.clear()
        found = _SOURCES[key] = PolicySource(_RESOURCE_TYPE.get(policy.kind, "resource-based"),
                                             _RESOURCE_NAME.get(policy.kind, "policy"), label, "resource")
    return found


def _outcomes(st: Statement, ctx: Context) -> tuple[ConditionOutcome, ...]:
    """The statement's conditions against the request, up to the first that fails."""
    out = []
    get = ctx.get
    for clause in st.conditions:
        found = get(clause.key_lower)
        passed = clause.decide(found, get)
        out.append(ConditionOutcome(clause, found, passed))
        if not passed:
            break
    return tuple(out)


def _applies(st: Statement, resource: str, get: Any) -> int:
    """For a statement about the request's action: 0 if its resource does not fit, 1 if it
    applies, 2 if a condition fails (a near miss)."""
    resources = st.resources
    if resources is not None and resources.matches(resource, get) == st.not_resource:
        return 0
    for clause in st.conditions:
        if not clause.decide(get(clause.key_lower), get):
            return 2
    return 1


def _principal_match(st: Statement, caller: Caller, arn: str, ids: frozenset[str], account_root: str) -> str | None:
    named = st.principals
    if named is None:
        return None
    if caller.is_service:
        listed = caller.service in named.services  # type: ignore[union-attr]
        hit = "direct" if named.anyone or listed else None
    else:
        aws = named.aws
        listed = st.not_principal and account_root in aws and ids <= aws
        if named.anyone or arn in aws:
            hit = "direct"
        elif not ids.isdisjoint(aws):
            hit = "role"
        elif account_root in aws:
            hit = "account"
        else:
            hit = None
    if st.not_principal:
        return None if listed else "direct"
    return hit


def _scan(sources: Sources, action: str, resource: str, get: Any,
          allows: list[_Hit], denies: list[_Hit], near: list[_Hit]) -> None:
    for source, policy in sources:
        for st in policy.for_action(action):
            found = _applies(st, resource, get)
            if found == 1:
                (allows if st.allow else denies).append((source, st, True, None))
            elif found == 2:
                near.append((source, st, False, None))


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
    ctx = Context(request, now, set() if track_missing else None)
    get = ctx.get
    id_allows: list[_Hit] = []
    sess_allows: list[_Hit] = []
    res_allows: list[_Hit] = []
    denies: list[_Hit] = []
    near: list[_Hit] = []

    if not caller.is_service:
        identity = caller.identity_policies()
        _scan(identity + extra_identity if extra_identity else identity, action, resource, get, id_allows, denies, near)
        if caller.session_policies:
            _scan(caller.session_policies, action, resource, get, sess_allows, denies, near)

    policy = request.resource_policy
    if policy is not None:
        candidates = policy.for_action(action)
        if candidates:
            account_root = f"arn:aws:iam::{caller.account_id}:root"
            arn = caller.arn
            ids = caller.match_arns
            for st in candidates:
                how = _principal_match(st, caller, arn, ids, account_root)
                if how is None:
                    continue
                found = _applies(st, resource, get)
                if found == 1:
                    (res_allows if st.allow else denies).append((None, st, True, how))
                elif found == 2:
                    near.append((None, st, False, how))

    cross = not caller.is_service and caller.account_id != request.owner_account()
    verdict, deciding, blamed = _verdict(caller, policy, cross, id_allows, sess_allows, res_allows, denies)
    partial = tuple(res_allows + id_allows + sess_allows) if verdict == "implicitDeny" else ()
    return Decision(verdict, request, deciding, tuple(near), blamed if verdict == "implicitDeny" else None,
                    blamed if verdict == "explicitDeny" else None, cross,
                    tuple(sorted(ctx.asked)) if ctx.asked else (), ctx, partial)


def _verdict(caller: Caller, policy: Policy | None, cross: bool, id_allows: list[_Hit], sess_allows: list[_Hit],
             res_allows: list[_Hit], denies: list[_Hit]) -> tuple[str, tuple[_Hit, ...], str | None]:
    """(decision, deciding statements, policy type blamed) by the rules of the module docstring."""
    if denies:
        source = denies[0][0]
        kind = source.kind if source is not None else _RESOURCE_TYPE.get(policy.kind, "resource-based")  # type: ignore[union-attr]
        return "explicitDeny", tuple(denies), kind
    if caller.is_service:
        if res_allows:
            return "allowed", tuple(res_allows), None
        return "implicitDeny", (), "resource-based"
    id_ok = caller.is_root or bool(id_allows)
    sess_ok = not caller.session_policies or bool(sess_allows)
    if not cross and res_allows:
        direct = [h for h in res_allows if h[3] == "direct" or (h[3] == "role" and sess_ok)]
        if direct:
            return "allowed", tuple(direct), None
    if not cross and not (policy is not None and policy.kind.authoritative):
        if id_ok and sess_ok:
            return "allowed", tuple(id_allows + sess_allows), None
        # a grant to the role (by identity or by the resource policy) failed only the session policy
        narrowed = not sess_ok and (id_ok or any(h[3] == "role" for h in res_allows))
        return "implicitDeny", (), "session" if narrowed else "identity-based"
    if res_allows and id_ok and sess_ok:
        return "allowed", tuple(res_allows + id_allows + sess_allows), None
    if not res_allows:
        return "implicitDeny", (), "role trust" if policy is not None and policy.kind is PolicyKind.TRUST else "resource-based"
    return "implicitDeny", (), "session" if id_ok else "identity-based"
