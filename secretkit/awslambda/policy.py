"""A function's resource-based policy: who may invoke it.

``AddPermission`` adds one statement, ``RemovePermission`` takes one out, ``GetPolicy``
returns the whole document as AWS writes it (compact JSON)::

    {"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"SecretsManagerAccess",
     "Effect":"Allow","Principal":{"Service":"secretsmanager.amazonaws.com"},
     "Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:...:function:rotate",
     "Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"}}}]}

A principal given as a service (``secretsmanager.amazonaws.com``) becomes
``{"Service": ...}``; a 12-digit account becomes ``{"AWS": "arn:aws:iam::ACCT:root"}``; an
IAM ARN ``{"AWS": arn}``; ``*`` stays ``*``. ``SourceAccount`` and ``SourceArn`` become the
conditions AWS recommends against the confused deputy.

:meth:`ResourcePolicy.allows` answers the question a service asks before it invokes a
function (Secrets Manager, before each rotation step): does some statement let this
service principal call ``lambda:InvokeFunction``, for this source account and ARN?
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import lambda_error

__all__ = ["ResourcePolicy", "Statement", "principal_block"]

_MAX_POLICY_BYTES = 20_480
_ACCOUNT_RE = re.compile(r"\d{12}", re.ASCII)


def principal_block(principal: str, guard: Any = None) -> Any:
    """How a policy statement writes the ``Principal`` AddPermission was given.

    With access control (``guard``), a user or role ARN must name one that exists, as on AWS."""
    if principal == "*":
        return "*"
    if _ACCOUNT_RE.fullmatch(principal):
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:") and ":iam::" in principal:
        named = ":user/" in principal or ":role/" in principal
        if not named or guard is None or guard.principal_exists(principal):
            return {"AWS": principal}
    if "." in principal and " " not in principal:
        return {"Service": principal}
    raise lambda_error(
        "InvalidParameterValueException", "The provided principal was invalid. Please check the principal and try again."
    )


@dataclass(slots=True)
class Statement:
    """One statement of a function policy."""

    sid: str
    principal: Any
    action: str
    resource: str
    condition: dict[str, dict[str, str]] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Principal": self.principal,
            "Action": self.action,
            "Resource": self.resource,
        }
        if self.condition:
            out["Condition"] = self.condition
        return out

    def allows(self, service: str, action: str, source_account: str | None, source_arn: str | None) -> bool:
        if self.principal != "*" and self.principal != {"Service": service}:
            return False
        if self.action not in ("*", "lambda:*", action):
            return False
        for operator, pairs in self.condition.items():
            for key, expected in pairs.items():
                actual = {"aws:sourceaccount": source_account, "aws:sourcearn": source_arn}.get(key.lower())
                if actual is None:
                    return False  # a condition on a key the request does not carry fails
                if operator == "StringEquals" and actual != expected:
                    return False
                if operator == "ArnLike" and not fnmatch.fnmatchcase(actual, expected):
                    return False
        return True


class ResourcePolicy:
    """The statements of one function (or one version's) policy, in the order added."""

    __slots__ = ("statements",)

    def __init__(self) -> None:
        self.statements: dict[str, Statement] = {}

    def __bool__(self) -> bool:
        return bool(self.statements)

    def document(self) -> dict[str, Any]:
        return {
            "Version": "2012-10-17",
            "Id": "default",
            "Statement": [s.document() for s in self.statements.values()],
        }

    def text(self) -> str:
        """The policy as GetPolicy returns it: compact JSON."""
        return json.dumps(self.document(), separators=(",", ":"))

    def add(self, statement: Statement) -> None:
        """Add a statement; refuse a duplicate id or a policy over 20 KB (nothing changes)."""
        if statement.sid in self.statements:
            raise lambda_error(
                "ResourceConflictException",
                f"The statement id ({statement.sid}) provided already exists. Please provide a new statement id, "
                "or remove the existing statement.",
            )
        self.statements[statement.sid] = statement
        size = len(self.text())
        if size > _MAX_POLICY_BYTES:
            del self.statements[statement.sid]
            raise lambda_error(
                "PolicyLengthExceededException",
                f"The final policy size ({size}) is bigger than the limit ({_MAX_POLICY_BYTES}).",
            )

    def remove(self, sid: str) -> None:
        if sid not in self.statements:
            raise lambda_error("ResourceNotFoundException", f"Statement {sid} is not found in resource policy.")
        del self.statements[sid]

    def allows(self, service: str, *, source_account: str | None = None, source_arn: str | None = None,
               action: str = "lambda:InvokeFunction") -> bool:
        """Whether some statement lets ``service`` perform ``action`` for this source."""
        return any(s.allows(service, action, source_account, source_arn) for s in self.statements.values())
