"""What every modelled service shares: its environment and the operation decorator.

Each service object (one per region) is built with an :class:`Env` by the Cloud. Public
operations are methods named like boto3's (``get_secret_value``) taking AWS's PascalCase
keyword arguments and returning boto3-shaped dicts. The :func:`operation` decorator runs
every call in a request context of its own (:mod:`secretkit.core.context`), records it in
the event log with its outcome, and refuses calls to a region that is down. It also holds the
Cloud's one lock (:attr:`Env.lock`, the clock's re-entrant lock) for the whole call, so
that every operation is atomic with respect to every other and to every clock step, from
whichever thread each comes (a call made from inside another takes it again in the same
thread, which costs nothing and cannot deadlock).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from .clock import SimClock
from .context import CALLER, CALLER_WHO, REQUEST, RequestContext, root_principal
from .errors import ClientError, SecretkitError
from .events import EventLog
from .ids import Ids

__all__ = ["ACCOUNT_ID", "Env", "RegionUnavailableError", "Service", "operation", "served_by"]

ACCOUNT_ID = "123456789012"


class RegionUnavailableError(SecretkitError):
    """The region's endpoint cannot be reached (a simulated outage).

    Through a boto3 client this surfaces as ``botocore.exceptions.EndpointConnectionError``.
    """

    def __init__(self, service: str, region: str) -> None:
        self.endpoint_url = f"https://{service}.{region}.amazonaws.com/"
        super().__init__(f'Could not connect to the endpoint URL: "{self.endpoint_url}"')


@dataclass(slots=True)
class Env:
    """One region's view of the Cloud: shared clock, ids, event log, and its own outage flag."""

    region: str
    clock: SimClock
    ids: Ids
    events: EventLog
    account_id: str = ACCOUNT_ID
    down: bool = False
    services: dict[str, Any] = field(default_factory=dict)
    #: Access control, set by the Cloud: ``guard(service, operation, params)`` authorises one
    #: call before it runs (raising the service's AccessDenied) and returns ``None``, or the
    #: method of another account's service that holds the resource and serves the call.
    guard: Callable[[Any, str, dict[str, Any]], Any] | None = None
    root: str = field(init=False)  # the account's root user: the caller when no credentials are given
    lock: Any = field(init=False, repr=False)  # the Cloud's one lock, the clock's (see SimClock.lock)
    acquire: Any = field(init=False, repr=False)  # its bound methods: the decorator's hottest lines
    release: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.root = root_principal(self.account_id)
        self._bind_lock()

    def _bind_lock(self) -> None:
        self.lock = self.clock.lock
        self.acquire, self.release = self.lock.acquire, self.lock.release

    # A saved Cloud keeps the clock (whose lock is saved as a new one) but not the lock's bound
    # methods: they are bound again, to the loaded clock's lock.
    def __getstate__(self) -> dict[str, Any]:
        skip = ("lock", "acquire", "release")
        return {name: getattr(self, name) for name in self.__slots__ if name not in skip}  # type: ignore[attr-defined]

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._bind_lock()


class Service:
    """Base of a regional service model: whatever serves ``@operation`` methods in one region.

    A service's facade is one; so is each collaborator it delegates operations to, which
    gives the facade's ``service_name``. Nothing here belongs to one call: a call's facts
    live in its request context.
    """

    service_name = ""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.region = env.region
        self.arn_base = f"arn:aws:{self.service_name}:{env.region}:{env.account_id}:"

    def __getstate__(self) -> dict[str, Any]:
        # Without the bound methods that ``served_by`` keeps on first use: a cache, no part of
        # the state (a save and ``kit_snapshot`` would otherwise show which operations had been
        # called); they are kept again on first use after loading.
        served = {name for klass in type(self).__mro__ for name, value in vars(klass).items()
                  if isinstance(value, served_by)}
        return {name: value for name, value in self.__dict__.items() if name not in served}

    def _arn(self, resource: str) -> str:
        """The ARN of one of this service's resources in this region (``secret:prod/db-AbCdEf``)."""
        return self.arn_base + resource


F = TypeVar("F", bound=Callable[..., Any])


class _Opened(RequestContext):
    """A :class:`RequestContext` the decorator fills in field by field.

    Calling ``RequestContext(...)`` runs the dataclass's ``__init__``, a Python function,
    on every call of every operation; in CPython that call costs more than all nine
    assignments together. This subclass adds nothing but the bare C ``__init__``, so the
    decorator gets an empty context cheaply and sets each field itself. It is a
    ``RequestContext`` in every other way (same slots, same methods, same repr).
    """

    __slots__ = ()
    __init__ = object.__init__


_Opened.__name__ = _Opened.__qualname__ = "RequestContext"  # shown as what it is


def operation(name: str) -> Callable[[F], F]:
    """Mark a method as the AWS operation ``name``: run it in a request context of its own,
    log it, refuse it during an outage.

    Inside the method, :func:`~secretkit.core.context.touch` records the resource the call
    touched and :func:`~secretkit.core.context.note` adds detail to its log record; never a
    secret value.
    """

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Service, *args: Any, **params: Any) -> Any:
            env = self.env
            if args:
                raise TypeError(f"{method.__name__}() takes keyword arguments only, as boto3 does")
            if env.down:
                raise RegionUnavailableError(self.service_name, self.region)
            # Open this call's context: the enclosing call's principal, else the door's, else root.
            parent = _get_request()
            if parent is not None:
                principal, who = parent.principal, parent.who
            else:
                principal, who = _get_caller() or env.root, _get_who()
            ctx = _Opened()  # RequestContext(service, name, region, account, principal, parent), built cheaply
            ctx.service = self.service_name
            ctx.operation = name
            ctx.region = env.region
            ctx.account_id = env.account_id
            ctx.principal = principal
            ctx.parent = parent
            ctx.who = who
            ctx.via = ctx.resource = ctx.detail = None
            token = _set_request(ctx)
            outcome = None  # stays None for a Python error (a bug, a bad argument): not an AWS call
            env.acquire()  # the Cloud's lock, for the whole call and its record (inner calls nest)
            try:
                guard = env.guard
                served = guard(self, name, params) if guard is not None else None  # access control
                result = method(self, **params) if served is None else served(**params)
                outcome = "OK"
            except ClientError as exc:
                exc.operation_name = name
                outcome = exc.code
                raise
            finally:
                try:
                    _reset_request(token)  # the record is written outside the call, either way
                    if outcome is not None:
                        env.events.record(  # clock._now: the property's frame costs more than the lock
                            env.clock._now, "call", env.region, ctx.service, name, outcome, ctx.resource, ctx.detail,
                            principal,
                        )
                finally:
                    env.release()
            return result

        wrapper.aws_operation = name  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


# Bound once: the decorator runs on every call, and these are its hottest lines.
_get_request, _set_request, _reset_request = REQUEST.get, REQUEST.set, REQUEST.reset
_get_caller, _get_who = CALLER.get, CALLER_WHO.get


class served_by:
    """An operation of a facade that one of its parts serves.

    In a facade's class body, ``list_secrets = served_by("listing", Listing)`` makes
    ``facade.list_secrets`` the ``list_secrets`` method of ``facade.listing`` (an
    ``@operation``), so the facade shows every operation of its service while the code of
    each lives with the part that owns the state it works on. The bound method is kept on
    the facade after the first use, as :func:`functools.cached_property` does, so later calls
    cost nothing extra. Read on the class, it is the part's function itself.
    """

    __slots__ = ("part", "part_class", "name")

    def __init__(self, part: str, part_class: type) -> None:
        self.part = part
        self.part_class = part_class
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        function = getattr(self.part_class, name, None)
        if function is None or not hasattr(function, "aws_operation"):
            raise TypeError(f"{self.part_class.__name__} has no operation {name!r} to serve {owner.__name__}.{name}")
        self.name = name

    def __get__(self, facade: object, owner: type | None = None) -> Any:
        if facade is None:
            return getattr(self.part_class, self.name)
        bound = getattr(getattr(facade, self.part), self.name)
        facade.__dict__[self.name] = bound
        return bound
