"""The request context: what one call is about, for exactly as long as that call runs.

Every AWS operation the model serves runs inside a :class:`RequestContext`: which operation
of which service, in which region and account, who is calling (the *principal*), and, as the
call goes on, which resource it touched and the small detail the event log should keep
(a parameter's tier, the KMS key's manager). Nothing about one call is kept on an object
that another call shares, so calls that overlap (a rotation function calling Secrets Manager
from inside ``RotateSecret``, Parameter Store reading a secret through Secrets Manager) each
keep their own facts.

How a call uses it:

1. The :func:`~secretkit.core.service.operation` decorator opens a context for the call and
   makes it *current* (:data:`REQUEST`, a :class:`contextvars.ContextVar`, so it follows the
   call and nothing else). Its principal is the enclosing call's, else the one a door set,
   else the account's root user.
2. The code inside says what it touched with :func:`touch` (``touch(secret.arn)``) and adds to
   the log's detail with :func:`note` (``note(RotateImmediately=True)``). Neither ever takes
   a secret value. Called outside any operation, both do nothing.
3. When the call ends, the previous context is current again and the decorator writes the
   call's event-log record from its context: operation, outcome, resource, detail, principal.

An operation called from inside another gets a context of its own whose ``parent`` is the
caller's and which inherits the caller's principal. A call a service makes to another on its
caller's behalf (Secrets Manager's ``GenerateDataKey`` and ``Decrypt`` calls to KMS) also
names that service in ``via``, as KMS's ``kms:ViaService`` condition key does; see
:func:`on_behalf`.

Who calls: a door (the in-process boto3 client today, an HTTP endpoint later) passes its
caller's identity in with :class:`caller`, and the calls made inside it come from that
principal. With no credentials a caller is the account's root user,
``arn:aws:iam::<account>:root`` (:func:`root_principal`), which is also who a call made
directly on the model (``cloud.secretsmanager().get_secret_value(...)``) comes from.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .events import EventLog

__all__ = [
    "CALLER",
    "CALLER_WHO",
    "REQUEST",
    "RequestContext",
    "caller",
    "current",
    "note",
    "on_behalf",
    "on_behalf_principal",
    "root_principal",
    "service_principal",
    "touch",
    "touch_one",
]


@dataclass(slots=True)
class RequestContext:
    """One call: what was asked, where, by whom, and what it touched."""

    service: str  # "secretsmanager", "ssm", "kms"
    operation: str  # the AWS operation name, "GetSecretValue"
    region: str
    account_id: str
    principal: str  # who is calling: an IAM ARN, or a service principal for the service's own work
    parent: RequestContext | None = None  # the call this one was made from, if any
    via: str | None = None  # the service that made this call on its caller's behalf
    resource: str | None = None  # the ARN the call touched (what the log records)
    detail: dict[str, Any] | None = None  # small facts for the log; never a secret value
    who: Any = None  # the principal's record (user, session...) when a door resolved credentials to one

    def record(self, events: EventLog, now: datetime, outcome: str) -> None:
        """Write this call's record to the event log (``outcome`` is ``"OK"`` or the error code)."""
        events.record(
            now, "call", self.region, self.service, self.operation, outcome, self.resource, self.detail, self.principal
        )


#: The context of the call under way (``None`` outside any operation). The operation
#: decorator sets it when a call starts and resets it when the call ends.
REQUEST: ContextVar[RequestContext | None] = ContextVar("secretkit_request", default=None)
#: The principal a door set with :class:`caller` (``None``: the account's root user).
CALLER: ContextVar[str | None] = ContextVar("secretkit_caller", default=None)
#: The principal record a door resolved its caller's credentials to (``None``: only an ARN is known).
CALLER_WHO: ContextVar[Any] = ContextVar("secretkit_caller_who", default=None)
_request, _caller, _who = REQUEST, CALLER, CALLER_WHO
_get = REQUEST.get  # bound once: touch() runs in nearly every call


def root_principal(account_id: str) -> str:
    """The account's root user: the caller of every call made with no credentials."""
    return f"arn:aws:iam::{account_id}:root"


def service_principal(service: str) -> str:
    """How AWS names a service acting on its own (``secretsmanager.amazonaws.com``)."""
    return f"{service}.amazonaws.com"


def current() -> RequestContext | None:
    """The context of the call under way, or ``None`` outside any operation."""
    return _request.get()


def touch(resource: str | None, **detail: Any) -> None:
    """Record the resource the current call touched (and, optionally, detail for its log)."""
    ctx = _get()
    if ctx is not None:
        ctx.resource = resource
        if detail:
            if ctx.detail is None:
                ctx.detail = detail
            else:
                ctx.detail.update(detail)


def touch_one(resource: str, name: str, value: Any) -> None:
    """``touch(resource, name=value)`` for one fact, without building a keyword dictionary:
    the stores' lookups (a KMS key, a parameter) run it in nearly every call."""
    ctx = _get()
    if ctx is not None:
        ctx.resource = resource
        if ctx.detail is None:
            ctx.detail = {name: value}
        else:
            ctx.detail[name] = value


def note(**detail: Any) -> None:
    """Add small facts to the current call's log record (never a secret value)."""
    ctx = _request.get()
    if ctx is not None:
        if ctx.detail is None:
            ctx.detail = detail
        else:
            ctx.detail.update(detail)


def on_behalf(service: str, operation: str, region: str, account_id: str, via: str) -> RequestContext:
    """The context of a call that service ``via`` makes to ``service`` for its own caller.

    It inherits the current call's principal; with no call under way (work the clock runs,
    such as a replica's copy) the principal is ``via``'s own service principal. ``via`` also
    starts the detail, so the log shows who asked. The context is not made current: such a
    call makes no calls of its own.
    """
    parent = _request.get()
    principal = parent.principal if parent is not None else service_principal(via)
    who = parent.who if parent is not None else None
    return RequestContext(service, operation, region, account_id, principal, parent, via, None, {"via": via}, who)


def on_behalf_principal(via: str) -> str:
    """Who a call that ``via`` makes for its caller comes from: the principal of
    :func:`on_behalf`'s context, for a caller that only needs the log record's principal
    (KMS's calls for Secrets Manager and Parameter Store, made on every read and write, log
    straight from it rather than through a context object they would throw away)."""
    parent = _request.get()
    return parent.principal if parent is not None else service_principal(via)


class caller:
    """``with caller(principal): ...``: the calls made inside come from ``principal``.

    ``principal`` is an ARN, or a principal record with an ``arn`` (a user, a role session:
    what credentials resolve to), which access control then reads without looking it up.
    The one entry point for a door to pass its caller's identity in. Inside, no call is under
    way yet, so each call made there starts a chain of its own (a Lambda function's calls,
    say, are its own, not nested in whatever invoked it).
    """

    __slots__ = ("principal", "who", "_tokens")

    def __init__(self, principal: Any) -> None:
        who = None
        if not isinstance(principal, str):
            who, principal = principal, getattr(principal, "arn", None)
        if not isinstance(principal, str) or not principal:
            raise ValueError("principal must be a non-empty ARN or service principal, or a record with one")
        self.principal = principal
        self.who = who
        self._tokens: tuple[Token[str | None], Token[Any], Token[RequestContext | None]] | None = None

    def __enter__(self) -> caller:
        if self._tokens is not None:
            raise RuntimeError("this caller block is already open; make a new caller() for each use")
        self._tokens = (_caller.set(self.principal), _who.set(self.who), _request.set(None))
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._tokens is not None
        principal_token, who_token, request_token = self._tokens
        self._tokens = None
        _request.reset(request_token)
        _who.reset(who_token)
        _caller.reset(principal_token)
