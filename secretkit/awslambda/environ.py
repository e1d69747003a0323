"""A function's environment variables: the ones Lambda reserves, and the checks on yours.

Lambda sets a fixed set of variables in every execution environment (the function's
name, memory, version, region, log group and stream, the execution role's temporary
credentials, the handler, the task root) and refuses to let a function's ``Environment``
set any of them: ``InvalidParameterValueException`` "... contains reserved keys that are
currently not supported for modification. Reserved keys used in this request: AWS_REGION".
The function's own variables may not exceed 4 KB in total, measured as the JSON of the
map ("... exceeded the 4KB limit. String measured: {...}").

Inside a function, ``os.environ`` holds exactly what Lambda's would: these variables,
the function's own, and the few ordinary ones Lambda sets (``PATH``, ``LANG``, ``TZ``,
...). The notebook's variables are hidden while it runs, so code that reads
``os.environ["DB_PASSWORD"]`` works here only if the function's configuration sets it, as
on AWS. (:mod:`secretkit.awslambda.activation` swaps them in and out.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from .code import TASK_ROOT
from .base import ClientError
from .errors import lambda_error

__all__ = ["Credentials", "RESERVED", "check_variables", "lambda_variables", "trace_header"]

#: The keys Lambda reserves (configuration-envvars: "Defined runtime environment variables").
RESERVED = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)

#: Variables Lambda sets that a function may override.
_UNRESERVED = {
    "LANG": "en_US.UTF-8",
    "PATH": "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
    "PYTHONPATH": "/var/runtime",
    "TZ": ":UTC",
}
_NAME_RE = re.compile(r"[a-zA-Z]([a-zA-Z0-9_])+")
_MAX_BYTES = 4096


@dataclass(slots=True, frozen=True)
class Credentials:
    """Credentials a function's clients act with: normally the execution role's session.

    ``principal`` is who they authenticate as: ``arn:aws:sts::ACCT:assumed-role/<role>/
    <function>`` for the role's session, ``None`` for keys a function passed explicitly.
    ``expires`` is when the session ends (``None``: never), which bounds how long an
    execution environment holding them is kept warm.
    """

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    principal: str | None = None
    role_arn: str | None = None
    expires: datetime | None = None


def _unechoed(field: str, constraint: str) -> ClientError:
    """Lambda's ValidationException without the value: variables often hold secrets."""
    return lambda_error("ValidationException", f"1 validation error detected: Value at '{field}' failed to satisfy "
                                               f"constraint: {constraint}")


def check_variables(environment: object) -> dict[str, str]:
    """Check an ``Environment`` argument and return its variables (Lambda's errors)."""
    if environment is None:
        return {}
    if not isinstance(environment, Mapping):
        raise _unechoed("environment", "Member must be a structure with a Variables map")
    variables = environment.get("Variables", {})
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):
        raise _unechoed("environment.variables", "Member must be a map of strings to strings")
    out: dict[str, str] = {}
    for key, value in variables.items():
        if not isinstance(key, str) or not _NAME_RE.fullmatch(key):
            raise lambda_error(
                "ValidationException",
                "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: "
                f"Map keys must satisfy constraint: [Member must satisfy regular expression pattern: {_NAME_RE.pattern}]",
            )
        if not isinstance(value, str):
            raise _unechoed(f"environment.variables.{key}", "Member must be a string")
        if "\x00" in value:
            raise lambda_error(
                "InvalidParameterValueException",
                f"secretkit: the value of {key} contains a NUL character, which no process environment can hold.",
            )
        out[key] = value
    reserved = [key for key in out if key in RESERVED]
    if reserved:
        raise lambda_error(
            "InvalidParameterValueException",
            "Lambda was unable to configure your environment variables because the environment variables you have "
            "provided contains reserved keys that are currently not supported for modification. "
            f"Reserved keys used in this request: {', '.join(reserved)}",
        )
    measured = json.dumps(out, separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode()) > _MAX_BYTES:
        raise lambda_error(
            "InvalidParameterValueException",
            "Lambda was unable to configure your environment variables because the environment variables you have "
            f"provided exceeded the 4KB limit. String measured: {measured}",
        )
    return out


def lambda_variables(
    *,
    function_name: str,
    version: str,
    region: str,
    memory_mb: int,
    handler: str,
    runtime: str,
    log_stream: str,
    credentials: Credentials,
) -> dict[str, str]:
    """The variables Lambda sets in an execution environment (without the per-request trace)."""
    out = dict(_UNRESERVED)
    out.update(
        {
            "_HANDLER": handler,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": version,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
            "AWS_ACCESS_KEY_ID": credentials.access_key_id,
            "AWS_ACCESS_KEY": credentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
            "LAMBDA_TASK_ROOT": TASK_ROOT,
            "LAMBDA_RUNTIME_DIR": "/var/runtime",
        }
    )
    if credentials.session_token:
        out["AWS_SESSION_TOKEN"] = credentials.session_token
    return out


def trace_header(epoch_seconds: int, root: str, parent: str) -> str:
    """An X-Ray trace header as Lambda puts it in ``_X_AMZN_TRACE_ID`` for each request."""
    return f"Root=1-{epoch_seconds:08x}-{root};Parent={parent};Sampled=0"
