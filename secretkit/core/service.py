"""What every modelled service shares: its environment and the operation decorator.

Each service object (one per region) is built with an :class:`Env` by the Cloud. Public
operations are methods named like boto3's (``get_secret_value``) taking AWS's PascalCase
keyword arguments and returning boto3-shaped dicts. The :func:`operation` decorator
records every call in the event log with its outcome, and refuses calls to a region that
is down.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from .clock import SimClock
from .errors import ClientError, SecretkitError
from .events import EventLog
from .ids import Ids

__all__ = ["ACCOUNT_ID", "Env", "RegionUnavailableError", "Service", "operation"]

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


class Service:
    """Base of a regional service model."""

    service_name = ""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.region = env.region
        self._resource: str | None = None
        self._detail: dict[str, Any] | None = None

    def _arn(self, resource: str) -> str:
        return f"arn:aws:{self.service_name}:{self.region}:{self.env.account_id}:{resource}"


F = TypeVar("F", bound=Callable[..., Any])


def operation(name: str) -> Callable[[F], F]:
    """Mark a method as the AWS operation ``name``: log it, refuse it during an outage.

    Inside the method, set ``self._resource`` (an ARN) and ``self._detail`` to enrich the
    log record; never put a secret value there.
    """

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Service, *args: Any, **params: Any) -> Any:
            env = self.env
            if args:
                raise TypeError(f"{method.__name__}() takes keyword arguments only, as boto3 does")
            if env.down:
                raise RegionUnavailableError(self.service_name, self.region)
            self._resource = None
            self._detail = None
            try:
                result = method(self, **params)
            except ClientError as exc:
                exc.operation_name = name
                env.events.record(
                    env.clock.now, "call", self.region, self.service_name, name, exc.code, self._resource, self._detail
                )
                raise
            env.events.record(env.clock.now, "call", self.region, self.service_name, name, "OK", self._resource, self._detail)
            return result

        wrapper.aws_operation = name  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
