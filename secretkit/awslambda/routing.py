"""``boto3`` inside a function reaches the Cloud.

A Lambda function makes its own clients, at module level or in the handler::

    client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])
    ssm = boto3.session.Session().client("ssm")
    kms = boto3.Session(region_name="eu-west-1").client("kms")

While a function runs (its module initialising included), ``boto3.session.Session.client``
— which all three forms go through — hands the request to a **client factory** the
Lambda service was given, ``factory(service_name, region_name, credentials) -> client``,
and returns what it makes: a client of the same Cloud. A client made at module level
stays that Cloud's client for every warm invocation after. Outside functions boto3 is
untouched: the method is swapped in only while a function runs, and each execution
environment has its own ``boto3.DEFAULT_SESSION``, as each Lambda process has.

Which region: the call's ``region_name``; else the region named by an AWS-shaped
``endpoint_url`` (``https://secretsmanager.eu-west-1.amazonaws.com``); else the session's
region, which inside a function comes from ``AWS_DEFAULT_REGION``, the function's region.
Any ``endpoint_url`` is accepted, whatever ``SECRETS_MANAGER_ENDPOINT`` holds, because
nothing but the Cloud can be reached; one botocore would refuse (no scheme) gets
botocore's ``ValueError: Invalid endpoint: ...``. ``config=`` and the other client options
are not used.

Which credentials: those of the execution role's session, as ``AWS_ACCESS_KEY_ID`` and
friends hold them, unless the call passes keys of its own. The factory receives them so
that, once the Cloud checks access, the client can act as the function's role.

A service the factory does not serve raises :class:`ServiceNotServedError`, naming it.

boto3 is imported the first time a function runs (``import secretkit`` does not load it).
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from .environ import Credentials

__all__ = ["ClientFactory", "Route", "ServiceNotServedError", "current_route", "enter", "factory_from", "leave"]

ClientFactory = Callable[[str, str, Credentials], Any]
_REGION_IN_HOST = re.compile(r"(?:^|\.)([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$")


class ServiceNotServedError(ValueError):
    """A function asked for a client of a service the Cloud does not serve."""

    def __init__(self, service: str, served: Collection[str]) -> None:
        super().__init__(
            f"secretkit's Cloud does not serve {service!r} to Lambda functions; it serves: {', '.join(sorted(served))}"
        )
        self.service = service


@dataclass(slots=True, frozen=True)
class Route:
    """Where the boto3 clients of one running function go."""

    factory: ClientFactory | None
    region: str
    credentials: Credentials
    function_name: str
    #: what else the function can reach in the model, by name (see :mod:`~.network`)
    network: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


class _State:
    # Per thread (a function runs in the thread that invoked it): the routes of the functions
    # running there, innermost last, and whether that thread is inside a factory. Another
    # thread that makes a boto3 client meanwhile (a notebook, a widget's callback) gets an
    # ordinary one, and a factory at work in one thread does not unroute the others.
    local = threading.local()
    active = 0  # routes entered in all threads: Session.client stays patched while any is
    original: Callable[..., Any] | None = None
    signature: inspect.Signature | None = None


def _routes() -> list[Route]:
    routes = getattr(_State.local, "routes", None)
    if routes is None:
        routes = _State.local.routes = []
    return routes


def factory_from(make_client: Callable[..., Any], cloud: Any, served: Collection[str]) -> ClientFactory:
    """Adapt ``make_client(cloud, service, region, credentials)`` (the in-process door) into a factory.

    ``served`` lists the services the Cloud answers; any other gets a clear error. The
    credentials are passed on, so the client acts as the function's execution role.
    """
    return partial(_make, make_client, cloud, frozenset(served))  # not a closure: a saved Cloud keeps it


def _make(make_client: Callable[..., Any], cloud: Any, names: frozenset[str], service_name: str,
          region_name: str, credentials: Credentials) -> Any:
    if service_name not in names:
        raise ServiceNotServedError(service_name, names)
    return make_client(cloud, service_name, region_name, credentials)


def current_route() -> Route | None:
    """The route of the innermost running function, or None outside functions."""
    routes = _routes()
    return routes[-1] if routes else None


def enter(route: Route, default_session: Any) -> tuple[bool, Any]:
    """Route boto3 to ``route`` and install the environment's own default session.

    Returns what :func:`leave` needs to restore (whether boto3 was routed, the default
    session the process had).
    """
    try:
        import boto3
        import boto3.session
    except ImportError:  # boto3 is not installed: nothing to route
        return False, None
    if _State.original is None:
        _State.original = boto3.session.Session.client
        _State.signature = inspect.signature(_State.original)
    _routes().append(route)
    _State.active += 1
    boto3.session.Session.client = _routed_client  # type: ignore[method-assign]
    outer = boto3.DEFAULT_SESSION
    boto3.DEFAULT_SESSION = default_session
    return True, outer


def leave(token: tuple[bool, Any]) -> Any:
    """Undo :func:`enter`; returns the environment's default session, to keep for next time."""
    routed, outer = token
    if not routed:
        return None
    import boto3
    import boto3.session

    _routes().pop()
    _State.active -= 1
    own = boto3.DEFAULT_SESSION
    boto3.DEFAULT_SESSION = outer
    if not _State.active:
        boto3.session.Session.client = _State.original  # type: ignore[method-assign]
    return own


def _routed_client(self: Any, *args: Any, **kwargs: Any) -> Any:
    """``Session.client`` while a function runs (see the module docstring)."""
    original = _State.original
    assert original is not None and _State.signature is not None
    local = _State.local
    routes = _routes()
    if getattr(local, "in_factory", 0) or not routes:
        return original(self, *args, **kwargs)
    arguments = _State.signature.bind(self, *args, **kwargs).arguments
    route = routes[-1]
    service = arguments["service_name"]
    endpoint = arguments.get("endpoint_url")
    region = arguments.get("region_name") or (_region_of(endpoint) if endpoint is not None else None)
    region = region or self.region_name or route.region
    credentials = route.credentials
    if arguments.get("aws_access_key_id"):
        credentials = Credentials(
            arguments["aws_access_key_id"],
            arguments.get("aws_secret_access_key") or "",
            arguments.get("aws_session_token"),
        )
    if route.factory is None:
        raise RuntimeError(
            f"function {route.function_name!r} asked for a {service!r} client, but this Lambda service was built "
            "without a client factory, so boto3 inside its functions cannot reach a Cloud"
        )
    local.in_factory = getattr(local, "in_factory", 0) + 1
    try:
        return route.factory(service, region, credentials)
    finally:
        local.in_factory -= 1


def _region_of(endpoint_url: object) -> str | None:
    """The region an AWS-shaped endpoint names; botocore's error for one it cannot use."""
    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    if not isinstance(endpoint_url, str) or not (
        is_valid_endpoint_url(endpoint_url) or is_valid_ipv6_endpoint_url(endpoint_url)
    ):
        raise ValueError(f"Invalid endpoint: {endpoint_url}")
    host = urlsplit(endpoint_url).hostname or ""
    match = _REGION_IN_HOST.search(host)
    return match.group(1) if match else None
