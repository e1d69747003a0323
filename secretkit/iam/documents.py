"""Policy documents by kind: who accepts them, what they may hold, how big, and the error
each service answers when one is wrong.

===================  =======================  =================================================
kind                 where it lives           refused with
===================  =======================  =================================================
``MANAGED``          IAM CreatePolicy         ``MalformedPolicyDocument`` (IAM's own wording);
                                              over 6,144 characters ``LimitExceeded``
``INLINE``           IAM Put{User,Role}Policy ``MalformedPolicyDocument``; the sum of an
                                              entity's inline policies is capped (2,048 for a
                                              user, 10,240 for a role), checked by the store
``SESSION``          STS AssumeRole Policy    ``MalformedPolicyDocument``; over 2,048 characters
                                              a ``ValidationError``
``TRUST``            a role's trust policy    ``MalformedPolicyDocument`` (``Has prohibited
                                              field Resource`` ...); over 2,048 characters
                                              ``LimitExceeded ... ACLSizePerRole``
``SECRET``           Secrets Manager          ``MalformedPolicyDocumentException`` with one of
                     PutResourcePolicy        Secrets Manager's short messages; over 20,480
                                              characters a ``ValidationException``
``LAMBDA``           a function's policy      ``InvalidParameterValueException``; over 20,480
                                              ``PolicyLengthExceededException``
``KEY``              a KMS key policy         ``MalformedPolicyDocumentException``; over 32,768
                                              bytes ``LimitExceededException``
===================  =======================  =================================================

IAM counts characters without white space; the services count the whole text. Identity
kinds (``MANAGED``, ``INLINE``, ``SESSION``) may not name a principal and must name
resources; the resource kinds must name principals. A key policy statement without
``Action`` or ``Resource`` is accepted and simply has no effect, as KMS documents.

Documents are immutable once stored, so parsed policies are cached by ``(kind, text)``:
storing the same text twice, or evaluating a policy a million times, parses it once.
"""

from __future__ import annotations

import enum
import functools
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .bridge import ClientError, aws_error
from .grammar import PolicySyntaxError, Rules, Statement, parse_statements

__all__ = [
    "Policy",
    "PolicyKind",
    "SIZE_LIMITS",
    "check_principals_exist",
    "iam_size",
    "load_policy",
]


class PolicyKind(enum.Enum):
    """Where a policy document is attached; it decides the rules and the errors."""

    MANAGED = "managed"
    INLINE = "inline"
    SESSION = "session"
    TRUST = "trust"
    SECRET = "secret"
    LAMBDA = "lambda"
    KEY = "key"

    @property
    def identity(self) -> bool:
        """True for policies attached to a principal (identity-based)."""
        return self in (PolicyKind.MANAGED, PolicyKind.INLINE, PolicyKind.SESSION)

    @property
    def authoritative(self) -> bool:
        """True where the resource policy itself must allow (trust and key policies)."""
        return self in (PolicyKind.TRUST, PolicyKind.KEY)


_TRUST_NO_PRINCIPAL = (
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
    "The passed in policy has a statement with no principals!"
)
_RULES: dict[PolicyKind, Rules] = {
    PolicyKind.MANAGED: Rules(version_required=True),
    PolicyKind.INLINE: Rules(),
    PolicyKind.SESSION: Rules(),
    PolicyKind.TRUST: Rules(principal="required", resource="forbidden", action="trust",
                            no_principal_message=_TRUST_NO_PRINCIPAL),
    PolicyKind.SECRET: Rules(principal="required", resource="optional"),
    PolicyKind.LAMBDA: Rules(principal="required", resource="optional"),
    PolicyKind.KEY: Rules(principal="required", resource="optional", action="optional",
                          no_principal_message="Policy contains a statement with no principal."),
}

#: kind -> (limit, how it is counted). ``INLINE`` is capped per entity by the IAM store.
SIZE_LIMITS: dict[PolicyKind, tuple[int, str]] = {
    PolicyKind.MANAGED: (6144, "characters without white space"),
    PolicyKind.TRUST: (2048, "characters without white space"),
    PolicyKind.SESSION: (2048, "characters"),
    PolicyKind.SECRET: (20480, "characters"),
    PolicyKind.LAMBDA: (20480, "characters"),
    PolicyKind.KEY: (32768, "bytes"),
}

_SM_SYNTAX = "This resource policy contains a syntax error."
_SM_PRINCIPAL = "This resource policy contains an unsupported principal."
_SM_SERVICE = "This resource policy contains an invalid service principal."
_KMS_PRINCIPAL = "Policy contains a statement with one or more invalid principals."


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    """A parsed, validated policy document (immutable; shared by everyone who stores it)."""

    kind: PolicyKind
    version: str
    id: str | None
    statements: tuple[Statement, ...]
    text: str
    _by_action: dict[str, tuple[Statement, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __getstate__(self) -> list[object]:
        # As the dataclass's own pickling (its fields in order), with the per-action index
        # empty: a cache, no part of the state (a saved Cloud and its snapshot would otherwise
        # depend on which actions happened to be asked about before).
        return [self.kind, self.version, self.id, self.statements, self.text, {}]

    def __setstate__(self, state: list[object]) -> None:
        for name, value in zip(("kind", "version", "id", "statements", "text", "_by_action"), state):
            object.__setattr__(self, name, value)

    def for_action(self, action: str) -> tuple[Statement, ...]:
        """The statements whose ``Action``/``NotAction`` admit ``action`` (lower-cased).

        Remembered per action, so evaluating a request visits only the statements about
        its action. A key policy statement without ``Action`` or ``Resource`` is left
        out: KMS gives it no effect.
        """
        found = self._by_action.get(action)
        if found is None:
            key = self.kind is PolicyKind.KEY
            found = tuple(
                st for st in self.statements
                if st.actions is not None and st.actions.matches(action) != st.not_action
                and not (key and st.resources is None)
            )
            if len(self._by_action) > 1024:
                self._by_action.clear()
            self._by_action[action] = found
        return found

    @property
    def document(self) -> dict[str, Any]:
        """The JSON document as a dict (what boto3 shows for IAM's policy documents)."""
        return json.loads(self.text)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"Policy({self.kind.name}, {len(self.statements)} statement(s))"


def iam_size(text: str) -> int:
    """The size IAM counts: characters other than spaces, tabs and line breaks."""
    return len(text) - text.count(" ") - text.count("\t") - text.count("\n") - text.count("\r")


def _size(kind: PolicyKind, text: str) -> int:
    how = SIZE_LIMITS[kind][1]
    if how == "bytes":
        return len(text.encode("utf-8"))
    return iam_size(text) if how.endswith("white space") else len(text)


def _too_big(kind: PolicyKind, size: int) -> ClientError:
    limit = SIZE_LIMITS[kind][0]
    if kind is PolicyKind.MANAGED:
        return aws_error("LimitExceeded", f"Cannot exceed quota for PolicySize: {limit}")
    if kind is PolicyKind.TRUST:
        return aws_error("LimitExceeded", f"Cannot exceed quota for ACLSizePerRole: {limit}")
    if kind is PolicyKind.SESSION:
        return aws_error("ValidationError", "1 validation error detected: Value at 'policy' failed to satisfy "
                         f"constraint: Member must have length less than or equal to {limit}")
    if kind is PolicyKind.SECRET:
        return aws_error("ValidationException", "1 validation error detected: Value at 'resourcePolicy' failed to "
                         f"satisfy constraint: Member must have length less than or equal to {limit}")
    if kind is PolicyKind.LAMBDA:
        return aws_error("PolicyLengthExceededException", f"The final policy size ({size}) is bigger than the limit ({limit}).")
    return aws_error("LimitExceededException", f"The key policy exceeds the maximum size of {limit} bytes.")


def _translate(kind: PolicyKind, problem: PolicySyntaxError) -> ClientError:
    """The error ``kind``'s service answers for a document IAM's grammar refused."""
    if kind in (PolicyKind.MANAGED, PolicyKind.INLINE, PolicyKind.TRUST, PolicyKind.SESSION):
        return aws_error("MalformedPolicyDocument", problem.message)
    if kind is PolicyKind.SECRET:
        message = {"bad-principal": _SM_PRINCIPAL, "bad-service": _SM_SERVICE}.get(problem.reason, _SM_SYNTAX)
        return aws_error("MalformedPolicyDocumentException", message)
    if kind is PolicyKind.KEY:
        if problem.reason == "no-principal":
            return aws_error("MalformedPolicyDocumentException", problem.message)
        if problem.reason in ("bad-principal", "bad-service"):
            return aws_error("MalformedPolicyDocumentException", _KMS_PRINCIPAL)
        # KMS answers other malformed documents without a message.
        return aws_error("MalformedPolicyDocumentException", "")
    return aws_error("InvalidParameterValueException", problem.message)


@functools.lru_cache(maxsize=4096)
def _parse(kind: PolicyKind, text: str) -> Policy:
    version, policy_id, statements = parse_statements(text, _RULES[kind])
    return Policy(kind, version, policy_id, statements, text)


def load_policy(text: object, kind: PolicyKind) -> Policy:
    """Parse and validate ``text`` as a policy of ``kind``; raise the service's AWS error.

    Anything that is not a well-formed policy (not a string, not JSON, nested a thousand
    deep, megabytes long) gets that same AWS error, never a Python exception.
    """
    if not isinstance(text, str):
        raise _translate(kind, PolicySyntaxError("Syntax errors in policy.", "syntax"))
    if kind in SIZE_LIMITS:
        size = _size(kind, text)
        if size > SIZE_LIMITS[kind][0]:
            raise _too_big(kind, size)
    try:
        return _parse(kind, text)
    except PolicySyntaxError as problem:
        error = _translate(kind, problem)
    raise error


def _named_principals(policy: Policy) -> Iterable[tuple[str, str]]:
    for st in policy.statements:
        if st.principals is None:
            continue
        for arn in sorted(st.principals.aws):
            yield "AWS", arn


def check_principals_exist(policy: Policy, exists: Callable[[str], bool]) -> None:
    """Refuse a resource or trust policy naming a user or role that does not exist.

    ``exists(arn)`` answers for one ``arn:aws:iam::ACCT:user/...`` or ``role/...`` (account
    principals and ``*`` always exist). Each service words the refusal its own way.
    """
    for _, arn in _named_principals(policy):
        if arn.endswith(":root") or ":user/" not in arn and ":role/" not in arn:
            continue
        if not exists(arn):
            if policy.kind is PolicyKind.SECRET:
                raise aws_error("MalformedPolicyDocumentException", _SM_PRINCIPAL)
            if policy.kind is PolicyKind.KEY:
                raise aws_error("MalformedPolicyDocumentException", _KMS_PRINCIPAL)
            raise aws_error("MalformedPolicyDocument", f'Invalid principal in policy: "AWS":"{arn}"')
