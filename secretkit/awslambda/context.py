"""The ``context`` a handler receives: the attributes AWS's Python runtime gives it.

=============================  ==========================================================
``function_name``              ``AWS_LAMBDA_FUNCTION_NAME``
``function_version``           ``$LATEST`` or the version number
``invoked_function_arn``       the ARN the caller used (with ``:qualifier`` if it gave one)
``memory_limit_in_mb``         a **string**, as in the real runtime (``"128"``)
``aws_request_id``             the invocation's id
``log_group_name``             ``/aws/lambda/<function>``
``log_stream_name``            ``YYYY/MM/DD/[$LATEST]<32 hex digits>``
``identity``                   always present; both Cognito ids ``None``
``client_context``             ``None`` unless the caller sent ``ClientContext``
``get_remaining_time_in_millis()``  milliseconds to the timeout, on the modelled clock
``log(msg)``                   writes ``msg`` to the invocation's log
=============================  ==========================================================

There is no ``client`` attribute: a Lambda function makes its own clients with boto3.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["ClientContext", "CognitoIdentity", "LambdaContext", "MobileClient"]


class CognitoIdentity:
    """``context.identity``: who called through Amazon Cognito (nobody, here)."""

    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, cognito_identity_id: str | None = None, cognito_identity_pool_id: str | None = None) -> None:
        self.cognito_identity_id = cognito_identity_id
        self.cognito_identity_pool_id = cognito_identity_pool_id

    def __repr__(self) -> str:
        return f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},cognito_identity_pool_id={self.cognito_identity_pool_id}])"


class MobileClient:
    """``context.client_context.client``: the calling app, as a mobile SDK describes it."""

    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")

    def __init__(self, fields: Mapping[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, fields.get(name))


class ClientContext:
    """``context.client_context``: what the caller sent base64-encoded in ``ClientContext``."""

    __slots__ = ("custom", "env", "client")

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self.custom = fields.get("custom")
        self.env = fields.get("env")
        client = fields.get("client")
        self.client = MobileClient(client) if isinstance(client, Mapping) else None


class LambdaContext:
    """The context object of one invocation."""

    __slots__ = (
        "aws_request_id",
        "log_group_name",
        "log_stream_name",
        "function_name",
        "memory_limit_in_mb",
        "function_version",
        "invoked_function_arn",
        "tenant_id",
        "client_context",
        "identity",
        "_remaining",
        "_log",
    )

    def __init__(
        self,
        *,
        aws_request_id: str,
        function_name: str,
        function_version: str,
        invoked_function_arn: str,
        memory_limit_in_mb: str,
        log_group_name: str,
        log_stream_name: str,
        remaining: Callable[[], int],
        log: Callable[[str], None],
        client_context: Mapping[str, Any] | None = None,
    ) -> None:
        self.aws_request_id = aws_request_id
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = memory_limit_in_mb
        self.log_group_name = log_group_name
        self.log_stream_name = log_stream_name
        self.tenant_id: str | None = None
        self.client_context = ClientContext(client_context) if client_context is not None else None
        self.identity = CognitoIdentity()
        self._remaining = remaining
        self._log = log

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds before the function times out, on the invocation's modelled clock."""
        return self._remaining()

    def log(self, msg: object) -> None:
        """Write ``msg`` to the invocation's log (no newline is added, as on AWS)."""
        self._log(str(msg))

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
            f"identity={self.identity}])"
        )
