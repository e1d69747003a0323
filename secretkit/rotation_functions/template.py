"""The rotation template a student completes: createSecret and finishSecret are done, the
database steps are yours.

Subclass :class:`StudentTemplate` and write ``set_secret`` (make the database accept the
``AWSPENDING`` credentials) and ``test_secret`` (prove they work). Both must be idempotent:
Secrets Manager retries the whole rotation with the same token after any failure.
"""

from __future__ import annotations

from typing import Any

from .base import RotationFunction

__all__ = ["StudentTemplate"]


class StudentTemplate(RotationFunction):
    """createSecret and finishSecret as AWS's template writes them; the rest is an exercise."""

    def set_secret(self, client: Any, arn: str, token: str) -> None:
        raise NotImplementedError("setSecret: read AWSPENDING and make the database accept it")

    def test_secret(self, client: Any, arn: str, token: str) -> None:
        raise NotImplementedError("testSecret: log in with AWSPENDING and run a query")
