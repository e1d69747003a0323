"""The one place the access-control package reaches into :mod:`secretkit.core`.

Everything under ``secretkit/iam`` imports the core through this module, so that when the
core is reorganised only these lines move. It also holds the HTTP status of the IAM and STS
error codes (the core's error table knows only the JSON services) and the per-protocol
shapes of the errors that every service shares: access denied, unknown credentials,
expired credentials, a bad signature.

Protocols, as AWS's SDKs name them:

``json``
    Secrets Manager, Parameter Store (SSM), KMS, EventBridge: errors are HTTP 400.
``query``
    IAM, STS, CloudFormation, RDS: XML errors, mostly 403 for authentication and access.
``rest-json``
    Lambda: its ``AccessDeniedException`` is HTTP 403.
"""

from __future__ import annotations

from typing import Any

from ..core.access import Rules, Target
from ..core.checks import ascii_int, decode_token, encode_token
from ..core.clock import SimClock
from ..core.context import CALLER, caller, current
from ..core.errors import ClientError, SecretkitError, error_class
from ..core.events import EventLog
from ..core.ids import Ids
from ..core.service import ACCOUNT_ID, Env, Service, operation

__all__ = [
    "ACCOUNT_ID",
    "ClientError",
    "Env",
    "EventLog",
    "Ids",
    "PROTOCOLS",
    "Rules",
    "Target",
    "SecretkitError",
    "Service",
    "SimClock",
    "ascii_int",
    "aws_error",
    "caller",
    "current",
    "current_principal",
    "decode_token",
    "encode_token",
    "operation",
    "protocol_error",
    "protocol_of",
]

#: The wire protocol of each service the kit models (botocore's ``metadata.protocol``).
PROTOCOLS: dict[str, str] = {
    "secretsmanager": "json",
    "ssm": "json",
    "kms": "json",
    "events": "json",
    "iam": "query",
    "sts": "query",
    "cloudformation": "query",
    "rds": "query",
    "lambda": "rest-json",
}

# HTTP status of error codes the core's table does not carry (from botocore's IAM/STS models).
_STATUS: dict[str, int] = {
    "NoSuchEntity": 404,
    "EntityAlreadyExists": 409,
    "LimitExceeded": 409,
    "DeleteConflict": 409,
    "MalformedPolicyDocument": 400,
    "InvalidInput": 400,
    "PolicyNotAttachable": 400,
    "UnmodifiableEntity": 400,
    "PolicyEvaluation": 500,
    "ValidationError": 400,
    "PackedPolicyTooLarge": 400,
    "RegionDisabledException": 403,
    "AccessDenied": 403,
    "InvalidClientTokenId": 403,
    "SignatureDoesNotMatch": 403,
    "ExpiredToken": 403,
    "ExpiredTokenException": 400,
    "UnrecognizedClientException": 400,
    "InvalidSignatureException": 400,
    "PolicyLengthExceededException": 400,
    "InvalidParameterValueException": 400,
}

# (code, status) per protocol for the failures every service shares.
_SHARED: dict[str, dict[str, tuple[str, int]]] = {
    "access-denied": {
        "json": ("AccessDeniedException", 400),
        "query": ("AccessDenied", 403),
        "rest-json": ("AccessDeniedException", 403),
    },
    "unknown-key": {
        "json": ("UnrecognizedClientException", 400),
        "query": ("InvalidClientTokenId", 403),
        "rest-json": ("UnrecognizedClientException", 403),
    },
    "expired": {
        "json": ("ExpiredTokenException", 400),
        "query": ("ExpiredToken", 403),
        "rest-json": ("ExpiredTokenException", 403),
    },
    "bad-signature": {
        "json": ("InvalidSignatureException", 400),
        "query": ("SignatureDoesNotMatch", 403),
        "rest-json": ("InvalidSignatureException", 403),
    },
}


def current_principal() -> str | None:
    """The ARN (or service principal) making the call under way, or the one a door set; else ``None``."""
    ctx = current()
    return ctx.principal if ctx is not None else CALLER.get()


def aws_error(code: str, message: str, status: int | None = None, **extra: Any) -> ClientError:
    """The AWS error ``code`` with ``message`` (the caller raises it).

    The status is the one AWS sends for that code: taken from ``status`` when given, else
    from the IAM/STS table above, else from the core's table.
    """
    exc = error_class(code)(message, **extra)
    wanted = status if status is not None else _STATUS.get(code)
    if wanted is not None:
        exc.status = wanted  # type: ignore[misc]
    return exc


def protocol_of(service: str) -> str:
    """``json``, ``query`` or ``rest-json`` for a service name (``secretsmanager``, ``iam``...)."""
    try:
        return PROTOCOLS[service]
    except KeyError:
        raise ValueError(f"unknown service {service!r}; known: {', '.join(sorted(PROTOCOLS))}") from None


def protocol_error(failure: str, protocol: str, message: str) -> ClientError:
    """One of the shared failures (``access-denied``, ``unknown-key``, ``expired``,
    ``bad-signature``) in the code and status ``protocol`` uses."""
    try:
        code, status = _SHARED[failure][protocol]
    except KeyError:
        raise ValueError(f"unknown failure {failure!r} or protocol {protocol!r}") from None
    return aws_error(code, message, status)
