"""What every modelled service shares: its environment, the operation decorator, and the
server-side checks (max length, pattern, enum, range) that botocore leaves to AWS.

Each service object (one per region) is built with an :class:`Env` by the Cloud. Public
operations are methods named like boto3's (``get_secret_value``) taking AWS's PascalCase
keyword arguments and returning boto3-shaped dicts. The :func:`operation` decorator
records every call in the event log with its outcome, and refuses calls to a region that
is down.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from .clock import SimClock
from .errors import ClientError, SecretkitError, error_class
from .events import EventLog
from .ids import Ids

__all__ = [
    "Env",
    "RegionUnavailableError",
    "Service",
    "operation",
    "fail",
    "check_str",
    "check_length",
    "check_pattern",
    "check_enum",
    "check_int",
    "check_bool",
    "check_list",
    "encode_token",
    "decode_token",
]

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


def fail(code: str, message: str, **extra: Any) -> ClientError:
    """Build the AWS error for ``code`` (the caller raises it)."""
    return error_class(code)(message, **extra)


def _validation(field_name: str, constraint: str) -> ClientError:
    return fail(
        "ValidationException",
        f"1 validation error detected: Value at '{field_name}' failed to satisfy constraint: {constraint}",
    )


def _type_error(field_name: str, value: object, expected: str) -> ClientError:
    return fail(
        "ValidationException",
        f"Invalid type for parameter {field_name}, value: {value!r}, type: {type(value).__name__}, "
        f"valid types: {expected}",
    )


def check_str(value: object, field_name: str) -> str:
    if not isinstance(value, str):
        raise _type_error(field_name, value, "<class 'str'>")
    return value


def check_length(value: str | bytes, field_name: str, low: int, high: int) -> None:
    if not isinstance(value, (str, bytes, bytearray)):
        raise _type_error(field_name, value, "<class 'str'>")
    n = len(value)
    if n < low:
        raise _validation(field_name, f"Member must have length greater than or equal to {low}")
    if n > high:
        raise _validation(field_name, f"Member must have length less than or equal to {high}")


def check_pattern(value: str, field_name: str, pattern: re.Pattern[str]) -> None:
    if not pattern.fullmatch(value):
        raise _validation(field_name, f"Member must satisfy regular expression pattern: {pattern.pattern}")


def check_enum(value: object, field_name: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise _validation(field_name, f"Member must satisfy enum value set: [{', '.join(allowed)}]")


def check_int(value: object, field_name: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(field_name, value, "<class 'int'>")
    if low is not None and value < low:
        raise _validation(field_name, f"Member must have value greater than or equal to {low}")
    if high is not None and value > high:
        raise _validation(field_name, f"Member must have value less than or equal to {high}")
    return value


def check_bool(value: object, field_name: str) -> bool:
    if not isinstance(value, bool):
        raise _type_error(field_name, value, "<class 'bool'>")
    return value


def check_list(value: object, field_name: str, low: int = 0, high: int | None = None) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise _type_error(field_name, value, "<class 'list'>, <class 'tuple'>")
    if len(value) < low:
        raise _validation(field_name, f"Member must have length greater than or equal to {low}")
    if high is not None and len(value) > high:
        raise _validation(field_name, f"Member must have length less than or equal to {high}")
    return list(value)


def encode_token(state: dict[str, Any]) -> str:
    """An opaque paging token (base64 of a small JSON document)."""
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()


def decode_token(token: object, code: str, message: str = "The NextToken value is not valid.") -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(str(token).encode()))
    except (ValueError, TypeError):
        raise fail(code, message) from None
    if not isinstance(state, dict):
        raise fail(code, message)
    return state
