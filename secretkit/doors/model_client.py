"""A boto3-shaped client that calls a service model directly (no botocore in between).

Secrets Manager hands one of these to the rotation functions it invokes: a rotation then
costs a few method calls instead of a serialise/parse round trip per API call, and runs
without boto3 installed. Code written for a real boto3 client works unchanged on it:

* ``client.get_secret_value(SecretId=..., VersionStage="AWSPENDING")`` calls the model's
  operation with the same keyword arguments and returns the same dict;
* errors are :mod:`secretkit.core.errors` classes carrying ``.response["Error"]["Code"]``, and
  ``client.exceptions.ResourceNotFoundException`` names the class to catch, as on boto3.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import ClientError, error_class

__all__ = ["ModelClient"]


class _Exceptions:
    """``client.exceptions``: AWS error codes as attributes, like botocore's namespace."""

    ClientError = ClientError

    def __getattr__(self, code: str) -> type[ClientError]:
        if code.startswith("_"):
            raise AttributeError(code)
        return error_class(code)


class ModelClient:
    """Expose a service model's ``@operation`` methods, and nothing else, as a client would."""

    def __init__(self, service: Any) -> None:
        self._service = service
        self.exceptions = _Exceptions()
        self.region_name: str = service.region

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._service, name, None)
        if method is None or not hasattr(method, "aws_operation"):
            raise AttributeError(f"'{self._service.service_name}' client has no operation {name!r}")
        return method

    def __repr__(self) -> str:
        return f"ModelClient({self._service.service_name}, {self.region_name})"
