"""Decisions in words: plain English for students, and AWS's AccessDenied messages.

:func:`explain` answers "why was this allowed or denied?" by naming the policy, the
statement and the condition that decided::

    Allowed by statement 'ReadOwnSecret' of inline policy 'read' on role app-reader.

    Denied: no identity-based policy of role app-reader (session app) allows
    secretsmanager:GetSecretValue on arn:aws:secretsmanager:...; the resource policy of
    secret prod/db does not mention this principal.

:func:`access_denied_message` writes what AWS writes (IAM User Guide, "Troubleshooting
access denied error messages"): the caller's ARN (the *session* ARN for a role), the
action, the resource, and the one policy type blamed::

    User: arn:aws:iam::111122223333:user/alice is not authorized to perform:
    secretsmanager:GetSecretValue on resource: prod/db because no identity-based policy
    allows the secretsmanager:GetSecretValue action

:func:`access_denied` wraps that message in the error of the service's protocol:
``AccessDeniedException`` (HTTP 400) for Secrets Manager, Parameter Store and KMS,
``AccessDeniedException`` (403) for Lambda, ``AccessDenied`` (403) for IAM and STS.
"""

from __future__ import annotations

from .bridge import ClientError, protocol_error, protocol_of
from .evaluation import ConditionOutcome, Decision, StatementMatch, policy_source

__all__ = ["access_denied", "access_denied_message", "explain"]

_ARTICLE = {"identity-based": "an identity-based policy", "resource-based": "a resource-based policy",
            "session": "a session policy", "role trust": "the role trust policy"}


def access_denied_message(decision: Decision, resource_text: str | None = None) -> str:
    """AWS's AccessDenied text for a denied decision (``resource_text`` as the caller wrote it)."""
    if decision.allowed:
        raise ValueError("the decision allows the request; there is nothing to deny")
    req = decision.request
    shown = resource_text if resource_text is not None else req.resource
    head = f"User: {req.principal.arn} is not authorized to perform: {req.action} on resource: {shown}"
    if decision.decision == "explicitDeny":
        return f"{head} with an explicit deny in {_ARTICLE.get(decision.denied_in or '', 'a policy')}"
    return f"{head} because no {decision.missing} policy allows the {req.action} action"


def access_denied(decision: Decision, service: str, resource_text: str | None = None) -> ClientError:
    """The AccessDenied error ``service`` answers for this decision (raise it)."""
    return protocol_error("access-denied", protocol_of(service), access_denied_message(decision, resource_text))


# ----------------------------------------------------------------------- plain English
def _values(outcome: ConditionOutcome) -> str:
    if outcome.request_values is None:
        return f"the request has no {outcome.clause.key}"
    if not outcome.request_values:
        return f"the request's {outcome.clause.key} is empty"
    shown = ", ".join(f'"{v}"' for v in outcome.request_values)
    return f"the request has {outcome.clause.key} = {shown}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _statement(match: StatementMatch) -> str:
    return f"statement {match.statement.label} of {match.source.title}"


def _conditions(match: StatementMatch) -> str:
    held = [o for o in match.conditions if o.passed]
    if not held:
        return ""
    parts = "; ".join(f"{o.clause.describe()} held ({_values(o)})" for o in held)
    return f" (condition {parts})"


def _near_misses(decision: Decision) -> str:
    lines = []
    for match in decision.near_misses:
        failed = match.failed_condition
        if failed is None:
            continue
        effect = "allow" if match.statement.allow else "deny"
        lines.append(
            f" {_cap(_statement(match))} would {effect} it, but its condition "
            f"{failed.clause.describe()} does not hold: {_values(failed)}."
        )
    return "".join(lines)


def _resource_words(decision: Decision) -> str:
    req = decision.request
    policy = req.resource_policy
    if policy is None:
        return ""
    title = policy_source(policy, req.resource_label).title
    if any(m.principal_match == "account" for m in decision.partial_grants):
        return (f"; {title} grants only the account (arn:aws:iam::{req.principal.account_id}:root), which leaves the "
                "decision to the account's IAM policies")
    if not decision.mentioned:
        return f"; {title} does not mention this principal"
    return f"; {title} names this principal but does not allow this action"


def _where(who: object, account: str) -> str:
    """``user alice from account 4444...``, or the root user's label, which names its account."""
    label = who.label  # type: ignore[attr-defined]
    return label if getattr(who, "is_root", False) else f"{label} from account {account}"


def _allowed(decision: Decision) -> str:
    req = decision.request
    who = req.principal
    if not decision.deciding:
        return (f"Allowed: {who.label} may do anything to its own account's resources, and no policy denies "
                f"{req.action} on {req.resource}.")
    grants = [m for m in decision.deciding]
    text = "; and by ".join(f"{_statement(m)}{_conditions(m)}" for m in grants)
    extra = ""
    if decision.cross_account:
        extra = (f" The caller is in account {who.account_id} and the resource in account "
                 f"{req.owner_account()}: across accounts both the resource's policy and the caller's "
                 "identity-based policy must allow, and both do.")
    elif any(m.principal_match == "account" for m in grants):
        extra = (f" The {grants[0].source.name} grants the account, which lets the account's IAM policies "
                 "decide; one of them allows it too.")
    if who.is_root and not decision.cross_account and not any(m.source.kind == "identity-based" for m in grants):
        extra += f" ({_cap(who.label)} needs no identity-based policy in its own account.)"
    return f"Allowed by {text}.{extra}"


def _denied_explicitly(decision: Decision) -> str:
    req = decision.request
    first = decision.deciding[0]
    more = ""
    if len(decision.deciding) > 1:
        more = " (and by " + "; ".join(_statement(m) for m in decision.deciding[1:]) + ")"
    return (f"Denied: {_statement(first)}{_conditions(first)} explicitly denies {req.action} on {req.resource} "
            f"to {req.principal.label}{more}. An explicit deny overrides every allow.")


def _denied_implicitly(decision: Decision) -> str:
    req = decision.request
    who = req.principal
    policy = req.resource_policy
    target = f"{req.action} on {req.resource}"
    title = ""
    if policy is not None:
        title = policy_source(policy, req.resource_label).title
    missing = decision.missing
    if who.is_service:
        if policy is None:
            return f"Denied: {who.label} has no identity of its own and the resource has no policy naming it."
        return f"Denied: no statement of {title} allows {target} to {who.label}.{_near_misses(decision)}"
    if missing == "role trust":
        return f"Denied: {title} does not allow {who.label} to assume it.{_near_misses(decision)}"
    if missing == "session":
        return (f"Denied: what role {who.role.name} is granted allows {target}, but the session policy "  # type: ignore[union-attr]
                f"passed to AssumeRole does not, and a session gets only what both allow.{_near_misses(decision)}")
    if missing == "resource-based":
        if decision.cross_account:
            where = f"{title} does not allow it" if policy is not None else "the resource has no resource policy"
            return (f"Denied: {_where(who, who.account_id)} asks for a resource of account {req.owner_account()}; "
                    f"across accounts the resource's own policy must allow too, and {where}.{_near_misses(decision)}")
        return (f"Denied: a KMS key's key policy decides who may use it, and {title} neither names {who.label} "
                f"nor grants its account (arn:aws:iam::{who.account_id}:root), so no IAM policy can allow "
                f"{target}.{_near_misses(decision)}")
    base = f"Denied: no identity-based policy of {who.label} allows {target}"
    if decision.cross_account:
        return (f"{base}. {_cap(title)} allows it, but {_where(who, who.account_id)} asks for a resource of "
                f"account {req.owner_account()}: across accounts the caller's identity-based policy must allow "
                f"too.{_near_misses(decision)}")
    if policy is not None and policy.kind.authoritative:
        return (f"{base}. {_cap(title)} grants the account, which hands the decision to its "
                f"IAM policies, and none of them allows it.{_near_misses(decision)}")
    return f"{base}{_resource_words(decision)}.{_near_misses(decision)}"


def explain(decision: Decision) -> str:
    """Why ``decision`` came out as it did, in plain English (policy, statement, condition)."""
    if decision.allowed:
        return _allowed(decision)
    if decision.decision == "explicitDeny":
        return _denied_explicitly(decision)
    return _denied_implicitly(decision)
