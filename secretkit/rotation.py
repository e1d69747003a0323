"""Rotation: RotateSecret, CancelRotateSecret and the schedule (filled in by the rotation work).

This mixin joins :class:`secretkit.secretsmanager.SecretsManager`.
"""

from __future__ import annotations

from typing import Any

from .secrets import Secret

__all__ = ["RotationOperations"]


class RotationOperations:
    """Rotation operations of Secrets Manager."""

    def after_new_current(self, secret: Secret, *, manual: bool) -> None:
        """Called when AWSCURRENT moves to a new version (a manual put counts as a rotation)."""
