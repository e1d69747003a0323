"""The one error type a door carries: an AWS error response waiting to be written.

A backend (phase 2: the Cloud) reports a failed call by raising :class:`AwsError`, or any
exception with the same duck shape — string attributes ``code`` and ``message``, and
optionally ``status`` (an int) and ``extra`` (a dict of further modelled fields) — which
is what secretkit's own ``ClientError`` has. :func:`as_aws_error` turns either into an
``AwsError``; anything else is not an AWS error and the server answers it as AWS answers
its own bugs (``InternalFailure``, HTTP 500).

``status`` and ``sender_fault`` may be left ``None``: the codec then takes them from the
service model's error shape (``NoSuchEntity`` is 404 in IAM's model, Lambda's
``ResourceConflictException`` 409), and falls back to 400 / sender.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["AwsError", "as_aws_error"]


@dataclass(slots=True, eq=False)
class AwsError(Exception):
    """An AWS error: ``code`` as AWS spells it on the wire, ``message`` as AWS words it.

    ``fields`` holds the error shape's other members (for example CloudFormation's
    ``StackId`` is not one, but Lambda's ``Type`` and KMS's custom fields are), keyed by
    member name; the codec writes the ones the model knows.
    """

    code: str
    message: str = ""
    status: int | None = None
    sender_fault: bool | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.code, self.message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code


def as_aws_error(exc: BaseException) -> AwsError | None:
    """``exc`` as an :class:`AwsError` if it describes one (by type or by duck shape), else ``None``."""
    if isinstance(exc, AwsError):
        return exc
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None)
    if not isinstance(code, str) or not isinstance(message, str):
        return None
    status = getattr(exc, "status", None)
    extra = getattr(exc, "extra", None)
    return AwsError(
        code=code,
        message=message,
        status=status if isinstance(status, int) and not isinstance(status, bool) else None,
        fields=dict(extra) if isinstance(extra, dict) else {},
    )
