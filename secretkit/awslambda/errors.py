"""Lambda's errors: AWS's codes with Lambda's HTTP statuses.

The core's error table is shared by every service, and Lambda answers some codes with
other statuses than Secrets Manager does (``ResourceNotFoundException`` is a 404 here, a
400 there). Each class made here subclasses the core's class for the same code, so
``except ResourceNotFoundException`` catches both, and carries Lambda's status for the
doors that speak HTTP.
"""

from __future__ import annotations

from .base import ClientError, error_class

__all__ = ["LAMBDA_STATUS", "lambda_error", "validation_error"]

#: error code -> the HTTP status Lambda answers it with
LAMBDA_STATUS: dict[str, int] = {
    "InvalidParameterValueException": 400,
    "InvalidRequestContentException": 400,
    "PolicyLengthExceededException": 400,
    "ValidationException": 400,
    "ResourceNotFoundException": 404,
    "ResourceConflictException": 409,
    "PreconditionFailedException": 412,
    "RequestEntityTooLargeException": 413,
    "TooManyRequestsException": 429,
    "ServiceException": 500,
}

_CLASSES: dict[str, type[ClientError]] = {}


def lambda_error(code: str, message: str) -> ClientError:
    """The error Lambda answers with ``code`` and ``message`` (the caller raises it)."""
    cls = _CLASSES.get(code)
    if cls is None:
        parent = error_class(code)
        status = LAMBDA_STATUS.get(code, parent.status)
        cls = _CLASSES[code] = type(code, (parent,), {"status": status, "__module__": __name__})
    return cls(message)


def validation_error(value: object, field: str, constraint: str) -> ClientError:
    """Lambda's ``ValidationException``, which names the offending value: ``1 validation
    error detected: Value '600' at 'timeout' failed to satisfy constraint: ...``."""
    return lambda_error(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}",
    )
