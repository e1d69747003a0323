"""Replication of secrets to other regions (filled in by the multi-region work).

This mixin joins :class:`secretkit.secretsmanager.SecretsManager`.
"""

from __future__ import annotations

from typing import Any

from .secrets import Secret
from .service import fail

__all__ = ["ReplicationOperations"]


class ReplicationOperations:
    """Replication operations of Secrets Manager."""

    def check_replica_regions(self, regions: Any) -> list[dict[str, str]]:
        raise fail("InvalidRequestException", "Replication is not modelled yet.")

    def add_replicas(self, secret: Secret, replicas: list[dict[str, str]], force: bool) -> list[dict[str, Any]]:
        return []

    def replication_status(self, secret: Secret) -> list[dict[str, Any]]:
        return []

    def after_change(self, secret: Secret) -> None:
        """Called after every change to a secret (values, labels, description, tags, deletion)."""

    def after_purge(self, secret: Secret) -> None:
        """Called when a secret is gone for good."""
