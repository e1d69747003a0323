"""SimulatePrincipalPolicy: evaluate a user's or role's policies without making the calls.

For each action and resource asked about, the simulator answers ``allowed``,
``explicitDeny`` or ``implicitDeny`` with the statements that decided it (where each one
starts and ends in its document, line and column counted from 1) and the condition keys
the policies asked for that the simulation was not given (``MissingContextValues``).
Context values come from ``ContextEntries``; keys the principal itself defines
(``aws:username``, ``aws:PrincipalTag/...``) and the simulated clock fill the rest.

``PolicyInputList`` adds identity policies for this simulation only;
``ResourcePolicy`` stands for the resource's own policy (with ``ResourceOwner`` naming
the account that owns it, to simulate cross-account access). A malformed one is refused
with ``InvalidInput`` and IAM's wording.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .bridge import ClientError, aws_error
from .documents import Policy, PolicyKind, load_policy
from .evaluation import Decision, evaluate
from .principals import Caller, PolicySource, Role, Session
from .request import AccessRequest

__all__ = ["simulate", "statement_spans", "transient_session"]


def statement_spans(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """``((line, column), (line, column))`` where each statement of a document begins and
    ends (columns count from 1; the end is just past the closing brace)."""
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    line = col = 1
    depth = 0
    in_string = escape = False
    buf: list[str] = []
    last = ""
    mode = ""  # "" -> "await" (after "Statement":) -> "object" | "array" -> "done"
    start = (0, 0)
    for ch in text:
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string, last = False, "".join(buf)
            else:
                buf.append(ch)
        elif ch == '"':
            in_string, buf = True, []
        elif ch == ":" and depth == 1 and not mode and last == "Statement":
            mode = "await"
        elif ch in "{[":
            depth += 1
            if mode == "await" and depth == 2:
                mode = "object" if ch == "{" else "array"
                start = (line, col)
            elif mode == "array" and depth == 3 and ch == "{":
                start = (line, col)
        elif ch in "}]":
            if ch == "}" and ((mode == "object" and depth == 2) or (mode == "array" and depth == 3)):
                spans.append((start, (line, col + 1)))
                if mode == "object":
                    mode = "done"
            elif ch == "]" and mode == "array" and depth == 2:
                mode = "done"
            depth -= 1
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1
    return spans


def transient_session(role: Role, now: datetime) -> Session:
    """A session of ``role`` that exists only for a simulation (no credentials issued)."""
    return Session(role, "SimulatePrincipalPolicy", "", "", "", now, now, role.arn)


def _load(text: str, kind: PolicyKind) -> Policy:
    """A policy handed to the simulator; a bad one is the simulator's ``InvalidInput``."""
    try:
        return load_policy(text, kind)
    except ClientError as error:
        raise aws_error("InvalidInput", error.message) from None


def simulate(
    caller: Caller,
    actions: list[str],
    resources: list[str],
    now: datetime,
    *,
    keys: dict[str, Any],
    inputs: list[str],
    resource_policy: str | None,
    resource_owner: str | None,
) -> list[dict[str, Any]]:
    """``EvaluationResults`` for every action on every resource."""
    extra = tuple(
        (PolicySource("identity-based", f"PolicyInputList.{i + 1}", "the simulation", "none"), _load(text, PolicyKind.INLINE))
        for i, text in enumerate(inputs)
    )
    resource = _load(resource_policy, PolicyKind.LAMBDA) if resource_policy is not None else None
    policies = {id(p): (src, p) for src, p in caller.identity_policies() + extra}
    if resource is not None:
        policies[id(resource)] = (PolicySource("resource-based", "ResourcePolicy", "", "resource"), resource)
    results = []
    for action in actions:
        for arn in resources:
            request = AccessRequest(caller, action, arn, resource, keys, resource_account=resource_owner)
            decision = evaluate(request, now, track_missing=True, extra_identity=extra)
            results.append({
                "EvalActionName": action,
                "EvalResourceName": arn,
                "EvalDecision": decision.decision,
                "MatchedStatements": _statements(decision, policies),
                "MissingContextValues": list(decision.missing_context),
            })
    return results


def _statements(decision: Decision, policies: dict[int, tuple[PolicySource, Policy]]) -> list[dict[str, Any]]:
    if decision.decision == "implicitDeny":
        return []
    out = []
    for match in decision.deciding:
        policy = next((p for _, p in policies.values() if any(st is match.statement for st in p.statements)), None)
        is_resource = match.source.source_type == "resource"
        entry: dict[str, Any] = {"SourcePolicyId": "ResourcePolicy" if is_resource else match.source.name,
                                 "SourcePolicyType": match.source.source_type}
        spans = statement_spans(policy.text) if policy is not None else []
        if match.statement.index < len(spans):
            (l1, c1), (l2, c2) = spans[match.statement.index]
            entry["StartPosition"] = {"Line": l1, "Column": c1}
            entry["EndPosition"] = {"Line": l2, "Column": c2}
        out.append(entry)
    return out
