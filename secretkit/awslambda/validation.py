"""The Lambda API's checks on its arguments, with Lambda's codes and messages.

Constraint violations are ``ValidationException`` naming the value, as Lambda writes them
("1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint:
Member must have value less than or equal to 900"); semantic refusals are
``InvalidParameterValueException``. Every check runs before anything changes.

Runtimes: the Python runtimes Lambda offers for new functions are accepted (the code runs
on this interpreter, whichever one the configuration names). Runtimes Lambda no longer
accepts for creating or updating functions get Lambda's message; other runtimes AWS knows
(Node.js, Java, ...) are refused with a message saying the kit does not model them; a
value AWS does not know at all fails the enum check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import lambda_error, validation_error

__all__ = [
    "FunctionRef",
    "PYTHON_RUNTIMES",
    "check_architectures",
    "check_bool",
    "check_code",
    "check_description",
    "check_handler",
    "check_int_range",
    "check_memory",
    "check_role",
    "check_runtime",
    "check_str",
    "check_tags",
    "check_timeout",
    "parse_function_name",
]

#: Python runtimes a new function may use here (newest last).
PYTHON_RUNTIMES = ("python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14")
_RETIRED = ("python2.7", "python3.6", "python3.7", "python3.8")
_OTHER_RUNTIMES = (
    "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x",
    "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "nodejs26.x", "java8", "java8.al2", "java11", "java17",
    "java21", "java25", "java8.al2023", "java11.al2023", "java17.al2023", "python3.15", "dotnetcore1.0",
    "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "dotnet10", "nodejs4.3-edge", "go1.x",
    "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "ruby3.4", "ruby4.0", "provided", "provided.al2", "provided.al2023",
    "custom",
)
_ALL_RUNTIMES = _RETIRED + PYTHON_RUNTIMES + _OTHER_RUNTIMES

_NAME_PATTERN = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"
_NAME_RE = re.compile(_NAME_PATTERN)
_ROLE_PATTERN = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
_ROLE_RE = re.compile(_ROLE_PATTERN)
_FULL_ARN = re.compile(r"arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:(?P<rest>.+)", re.ASCII)
_PARTIAL_ARN = re.compile(r"(?P<account>\d{12}):function:(?P<rest>.+)", re.ASCII)


@dataclass(slots=True, frozen=True)
class FunctionRef:
    """A ``FunctionName`` argument, taken apart."""

    name: str
    qualifier: str | None
    region: str | None
    account: str | None


def check_str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise validation_error(value, field, "Member must be a string")
    return value


def check_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise validation_error(value, field, "Member must be a boolean")
    return value


def check_int_range(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation_error(value, field, "Member must be an integer")
    if value < low:
        raise validation_error(value, field, f"Member must have value greater than or equal to {low}")
    if value > high:
        raise validation_error(value, field, f"Member must have value less than or equal to {high}")
    return value


def parse_function_name(value: object, *, max_length: int = 140, qualifier_ok: bool = True) -> FunctionRef:
    """Take apart a name, ``name:qualifier``, a partial ARN or a full ARN (Lambda's checks)."""
    text = check_str(value, "functionName")
    if not 1 <= len(text) <= max_length:
        limit = "greater than or equal to 1" if not text else f"less than or equal to {max_length}"
        raise validation_error(text, "functionName", f"Member must have length {limit}")
    if not _NAME_RE.fullmatch(text):
        raise validation_error(text, "functionName", f"Member must satisfy regular expression pattern: {_NAME_PATTERN}")
    region = account = None
    rest = text
    if (full := _FULL_ARN.fullmatch(text)) is not None:
        region, account, rest = full["region"], full["account"], full["rest"]
    elif (partial := _PARTIAL_ARN.fullmatch(text)) is not None:
        account, rest = partial["account"], partial["rest"]
    name, _, qualifier = rest.partition(":")
    if len(name) > 64:
        raise validation_error(name, "functionName", "Member must have length less than or equal to 64")
    if qualifier and not qualifier_ok:
        raise validation_error(text, "functionName", f"Member must satisfy regular expression pattern: {_NAME_PATTERN}")
    return FunctionRef(name, qualifier or None, region, account)


def check_role(value: object) -> str:
    role = check_str(value, "role")
    if not _ROLE_RE.fullmatch(role):
        raise validation_error(role, "role", f"Member must satisfy regular expression pattern: {_ROLE_PATTERN}")
    return role


def check_runtime(value: object) -> str:
    runtime = check_str(value, "runtime")
    if runtime in PYTHON_RUNTIMES:
        return runtime
    if runtime in _RETIRED:
        raise lambda_error(
            "InvalidParameterValueException",
            f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda "
            f"functions. We recommend you use the new runtime ({PYTHON_RUNTIMES[-1]}) while creating or updating functions.",
        )
    if runtime in _OTHER_RUNTIMES:
        raise lambda_error(
            "InvalidParameterValueException",
            f"secretkit runs Python functions only ({', '.join(PYTHON_RUNTIMES)}); runtime {runtime} is not modelled.",
        )
    raise validation_error(runtime, "runtime", f"Member must satisfy enum value set: [{', '.join(_ALL_RUNTIMES)}]")


def check_handler(value: object) -> str:
    handler = check_str(value, "handler")
    if len(handler) > 128:
        raise validation_error(handler, "handler", "Member must have length less than or equal to 128")
    if not re.fullmatch(r"[^\s]+", handler):
        raise validation_error(handler, "handler", r"Member must satisfy regular expression pattern: [^\s]+")
    return handler


def check_timeout(value: object) -> int:
    """1 to 900 seconds, the limit for ordinary (on-demand) functions."""
    return check_int_range(value, "timeout", 1, 900)


def check_memory(value: object) -> int:
    return check_int_range(value, "memorySize", 128, 10240)


def check_description(value: object) -> str:
    text = check_str(value, "description")
    if len(text) > 256:
        raise validation_error(text, "description", "Member must have length less than or equal to 256")
    return text


def check_architectures(value: object) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or len(value) != 1:
        raise validation_error(value, "architectures", "Member must have length less than or equal to 1")
    if value[0] not in ("x86_64", "arm64"):
        raise validation_error(value, "architectures", "Member must satisfy enum value set: [x86_64, arm64]")
    return (value[0],)


def check_tags(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise validation_error(value, "tags", "Member must be a map of strings to strings")
    return dict(value)


def check_code(value: object) -> Any:
    """``Code={"ZipFile": bytes}``: the only kind of package the model stores."""
    if not isinstance(value, Mapping):
        raise validation_error(value, "code", "Member must be a structure")
    if "ImageUri" in value:
        raise lambda_error("InvalidParameterValueException", "secretkit models .zip packages only, not container images.")
    if "S3Bucket" in value or "S3Key" in value:
        raise lambda_error(
            "InvalidParameterValueException",
            "secretkit does not model Amazon S3: pass the package itself as Code={'ZipFile': <bytes of the .zip>}.",
        )
    if "ZipFile" not in value:
        raise lambda_error("InvalidParameterValueException", "Please provide a source for function code.")
    return value["ZipFile"]
