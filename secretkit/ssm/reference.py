"""Reading a Secrets Manager secret through Parameter Store.

``GetParameter(Name="/aws/reference/secretsmanager/<secret-id>", WithDecryption=True)``
returns the secret's current value as a ``SecureString``; append ``:AWSPREVIOUS`` (any
staging label) or ``:<version id>`` to read another version. It is a pass-through: nothing
is stored in Parameter Store, there is no parameter history (``Version`` is 0), and
``SourceResult`` carries the secret's DescribeSecret document. Secrets Manager is called
with the caller's own identity (on AWS the caller needs ``secretsmanager:GetSecretValue``
too): the event log shows a GetSecretValue of its own, made by the same principal.

Applications that read all their configuration from Parameter Store can pick secrets up
this way without a second client; rotation, replication and the rest stay in Secrets Manager.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from ..core.checks import fail
from ..core.context import touch
from ..core.errors import ClientError

__all__ = ["SM_REFERENCE", "Reference"]

SM_REFERENCE = "/aws/reference/secretsmanager/"


class Reference:
    """Reads secrets for Parameter Store through the same region's Secrets Manager.

    The Cloud hands it ``secrets_manager``, a callable that returns that Secrets Manager
    (made on demand); it is the only way Parameter Store reaches another service.
    """

    def __init__(self, secrets_manager: Callable[[], Any] | None) -> None:
        self._secrets_manager = secrets_manager

    def read(self, name: str, decrypt: bool) -> dict[str, Any]:
        """``/aws/reference/secretsmanager/<id>[:stage or version id]``: a secret, read through SSM."""
        if not decrypt:
            raise fail("ValidationException", "WithDecryption flag must be True for retrieving a Secret Manager secret.")
        missing = fail("ParameterNotFound", f"An error occurred (ParameterNotFound) when referencing Secrets Manager: Secret {name} not found.")
        if self._secrets_manager is None:
            raise missing
        sm = self._secrets_manager()
        secret_id = name[len(SM_REFERENCE) :]
        selector = None
        cut = secret_id.rfind(":")
        # A secret ARN holds six colons of its own; only a further one starts a selector.
        if cut > 0 and (not secret_id.startswith("arn:") or secret_id.count(":") > 6):
            secret_id, selector = secret_id[:cut], secret_id[cut + 1 :]
        request: dict[str, Any] = {"SecretId": secret_id}
        if selector is not None:
            request["VersionId" if len(selector) >= 32 and "-" in selector else "VersionStage"] = selector
        try:
            got = sm.get_secret_value(**request)
            described = sm.describe(sm.find(secret_id))
        except ClientError as exc:
            if exc.code in ("ResourceNotFoundException", "ValidationException", "InvalidRequestException"):
                raise missing from None
            raise
        touch(got["ARN"])
        value = got["SecretString"] if "SecretString" in got else base64.b64encode(got["SecretBinary"]).decode()
        out: dict[str, Any] = {"Name": name, "Type": "SecureString", "Value": value, "Version": 0}
        if selector is not None:
            out["Selector"] = ":" + selector
        out["SourceResult"] = json.dumps(described, default=lambda d: d.isoformat(), sort_keys=True)
        out["LastModifiedDate"] = got["CreatedDate"]
        out["ARN"] = got["ARN"]
        out["DataType"] = "text"
        return out
