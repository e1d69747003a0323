"""Key states and rotation: EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion,
EnableKeyRotation, DisableKeyRotation and GetKeyRotationStatus.

States follow AWS: ``Enabled``; ``Disabled`` (a key that cannot be used: ``DisabledException``);
``PendingDeletion`` (``KMSInvalidStateException``) for a window of 7 to 30 days, after which
the key is gone for good; cancelling a deletion leaves the key ``Disabled``. Rotation adds
new material every ``RotationPeriodInDays`` (90 to 2560, 365 by default). AWS managed keys
rotate yearly on their own and nobody may change their state or rotation.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from ..core.checks import check_int, fail
from ..core.service import Service, operation
from .keyring import KeyRing, touch_key

__all__ = ["KeyLifecycle"]


class KeyLifecycle(Service):
    """The part of :class:`~secretkit.kms.service.Kms` that changes a key's state and rotation."""

    service_name = "kms"

    def __init__(self, ring: KeyRing) -> None:
        super().__init__(ring.env)
        self.ring = ring

    @operation("EnableKey")
    def enable_key(self, *, KeyId: str) -> dict[str, Any]:
        key = self.ring.resolve(KeyId)
        touch_key(key)
        key.check_customer_managed("enable")
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        key.state = "Enabled"
        return {}

    @operation("DisableKey")
    def disable_key(self, *, KeyId: str) -> dict[str, Any]:
        key = self.ring.resolve(KeyId)
        touch_key(key)
        key.check_customer_managed("disable")
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        key.state = "Disabled"
        return {}

    @operation("ScheduleKeyDeletion")
    def schedule_key_deletion(self, *, KeyId: str, PendingWindowInDays: int = 30) -> dict[str, Any]:
        key = self.ring.resolve(KeyId)
        touch_key(key)
        check_int(PendingWindowInDays, "pendingWindowInDays", 1, 365)
        if not 7 <= PendingWindowInDays <= 30:
            raise fail(
                "ValidationException",
                "1 validation error detected: Value at 'pendingWindowInDays' failed to satisfy constraint: "
                "Member must have value between 7 and 30 (inclusive)",
            )
        key.check_customer_managed("schedule deletion of")
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        key.state = "PendingDeletion"
        key.pending_window = PendingWindowInDays
        key.deletion_date = self.env.clock.now + timedelta(days=PendingWindowInDays)
        key.timer = self.env.clock.schedule(key.deletion_date, partial(self.ring.purge, key), label=f"delete {key.key_id}")
        self.env.events.record(self.env.clock.now, "lifecycle", self.region, "kms", "stop", "OK", key.arn, {"type": "kms-key"})
        return {
            "KeyId": key.arn,
            "DeletionDate": key.deletion_date,
            "KeyState": "PendingDeletion",
            "PendingWindowInDays": PendingWindowInDays,
        }

    @operation("CancelKeyDeletion")
    def cancel_key_deletion(self, *, KeyId: str) -> dict[str, Any]:
        key = self.ring.resolve(KeyId)
        touch_key(key)
        if key.state != "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is not pending deletion.")
        if key.timer is not None:
            key.timer.cancel()
        key.state = "Disabled"  # as on AWS: cancelling leaves the key disabled
        key.deletion_date = key.pending_window = None
        self.env.events.record(self.env.clock.now, "lifecycle", self.region, "kms", "start", "OK", key.arn, {"type": "kms-key"})
        return {"KeyId": key.arn}

    @operation("EnableKeyRotation")
    def enable_key_rotation(self, *, KeyId: str, RotationPeriodInDays: int = 365) -> dict[str, Any]:
        key = self.ring.resolve(KeyId)
        touch_key(key)
        check_int(RotationPeriodInDays, "rotationPeriodInDays", 90, 2560)
        key.check_customer_managed("change rotation of")
        key.check_usable()
        key.rotation_enabled = True
        key.rotation_period = RotationPeriodInDays
        self.ring.schedule_rotation(key)
        return {}

    @operation("DisableKeyRotation")
    def disable_key_rotation(self, *, KeyId: str) -> dict[str, Any]:
        key = self.ring.resolve(KeyId)
        touch_key(key)
        key.check_customer_managed("change rotation of")
        key.check_usable()
        key.rotation_enabled = False
        key.next_rotation = None
        return {}

    @operation("GetKeyRotationStatus")
    def get_key_rotation_status(self, *, KeyId: str) -> dict[str, Any]:
        key = self.ring.resolve(KeyId)
        touch_key(key)
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        out: dict[str, Any] = {"KeyRotationEnabled": key.rotation_enabled, "KeyId": key.arn}
        if key.rotation_enabled:
            out["RotationPeriodInDays"] = key.rotation_period
            out["NextRotationDate"] = key.next_rotation
        return out
