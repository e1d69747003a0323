"""The keys and aliases of one region's KMS: finding a key from a reference, and what happens
to keys as time passes.

A key reference is a key id, a key ARN, an alias name (``alias/app``) or an alias ARN; only
keys of this region and account are found. The AWS managed keys (``alias/aws/...``) are made
the first time anything refers to them, and rotate every year on their own. A key whose
deletion window ends is gone for good, aliases and all: whatever it protected can never be
decrypted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from ..core.checks import check_length, fail
from ..core.context import touch_one
from ..core.service import Env
from .keys import MANAGED_ALIASES, KmsKey

__all__ = ["Alias", "KeyRing", "touch_key"]


@dataclass(slots=True)
class Alias:
    """An alias: a friendly name for one key of the region, which ``UpdateAlias`` may re-point."""

    key_id: str
    created: datetime
    updated: datetime


def touch_key(key: KmsKey) -> None:
    """The current call touched ``key``: its ARN and its key manager go to the log."""
    touch_one(key.arn, "key_manager", key.manager)


class KeyRing:
    """The region's keys by id and its aliases by name."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.region = env.region
        self.keys: dict[str, KmsKey] = {}
        self.aliases: dict[str, Alias] = {}  # alias name -> alias
        self.arn_base = f"arn:aws:kms:{env.region}:{env.account_id}:"

    def new_key(self, manager: str, description: str) -> KmsKey:
        """A new enabled key with fresh material (``manager`` is ``"AWS"`` or ``"CUSTOMER"``)."""
        key_id = self.env.ids.uuid()
        key = KmsKey(key_id, f"{self.arn_base}key/{key_id}", self.env.clock.now, manager, description)
        key.add_material()
        self.keys[key_id] = key
        return key

    def managed(self, alias: str) -> KmsKey:
        """The AWS managed key behind ``alias``, made on first use."""
        target = self.aliases.get(alias)
        if target is not None:
            return self.keys[target.key_id]
        key = self.new_key("AWS", MANAGED_ALIASES[alias])
        key.managed_service = alias.rsplit("/", 1)[-1]  # its fixed key policy lets only that service use it
        # AWS managed keys rotate every year, on their own.
        key.rotation_enabled = True
        self.schedule_rotation(key)
        now = self.env.clock.now
        self.aliases[alias] = Alias(key.key_id, now, now)
        return key

    def resolve(self, key_ref: str, *, field_name: str = "KeyId") -> KmsKey:
        """Find a key by id, key ARN, alias name or alias ARN; raise ``NotFoundException``."""
        if not isinstance(key_ref, str) or not key_ref:
            raise fail("ValidationException", f"1 validation error detected: Value at '{field_name}' failed to satisfy constraint: Member must have length greater than or equal to 1")
        if len(key_ref) > 2048:
            check_length(key_ref, field_name, 1, 2048)
        ref = key_ref
        prefix = self.arn_base
        if ref.startswith("arn:"):
            if not ref.startswith(prefix):
                if ref.startswith("arn:aws:kms:"):
                    raise fail("NotFoundException", f"Invalid arn {ref}" if ref.count(":") < 5 else f"Key '{ref}' does not exist")
                raise fail("InvalidArnException", f"Invalid arn {ref}")
            ref = ref[len(prefix) :]
            if ref.startswith("key/"):
                ref = ref[4:]
        if ref.startswith("alias/"):
            if ref in MANAGED_ALIASES:
                return self.managed(ref)
            target = self.aliases.get(ref)
            if target is None:
                raise fail("NotFoundException", f"Alias {prefix}{ref} is not found.")
            return self.keys[target.key_id]
        key = self.keys.get(ref)
        if key is None:
            raise fail("NotFoundException", f"Key '{prefix}key/{ref}' does not exist")
        return key

    # ------------------------------------------------------------------ over time
    def schedule_rotation(self, key: KmsKey) -> None:
        """Arm the next rotation of ``key``'s material, ``rotation_period`` days from now."""
        when = self.env.clock.now + timedelta(days=key.rotation_period)
        key.next_rotation = when

        self.env.clock.schedule(when, partial(self._rotation_due, key, when), label=f"rotate {key.key_id}")

    def _rotation_due(self, key: KmsKey, when: datetime) -> None:
        if key.rotation_enabled and key.next_rotation == when and key.key_id in self.keys:
            self.rotate_material(key)
            self.schedule_rotation(key)

    def rotate_material(self, key: KmsKey) -> None:
        """Add new key material: it encrypts from now on, and older material still decrypts."""
        key.add_material()
        key.rotations.append(self.env.clock.now)
        self.env.events.record(self.env.clock.now, "notice", self.region, "kms", "KeyMaterialRotated", "OK", key.arn)

    def purge(self, key: KmsKey) -> None:
        """The deletion window has ended: the key and its aliases are gone for good."""
        if key.state != "PendingDeletion" or self.keys.get(key.key_id) is not key:
            return
        del self.keys[key.key_id]
        for alias in [name for name, a in self.aliases.items() if a.key_id == key.key_id]:
            del self.aliases[alias]
        self.env.events.record(self.env.clock.now, "notice", self.region, "kms", "KeyDeleted", "OK", key.arn)
