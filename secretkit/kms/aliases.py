"""Aliases: CreateAlias, ListAliases, UpdateAlias and DeleteAlias.

An alias (``alias/app``) is a friendly name for one key of the region; code that encrypts
under the alias keeps working when the alias is pointed at another key. An alias is not a
property of its key: adding, re-pointing or deleting one leaves the keys as they were, and
``DescribeKey`` never shows it. Names start with ``alias/`` and use letters, digits and
``:/_-``; the ``alias/aws/`` names belong to AWS (its managed keys), and nobody may create,
re-point or delete them. An alias always names a key, never another alias, and only a
customer managed key that is not pending deletion.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.checks import ascii_int, check_int, check_length, fail
from ..core.service import Service, operation
from .keyring import Alias, KeyRing, touch_key
from .keys import KmsKey

__all__ = ["Aliases"]

_ALIAS_RE = re.compile(r"^alias/[a-zA-Z0-9:/_-]+$")


class Aliases(Service):
    """The part of :class:`~secretkit.kms.service.Kms` that names keys."""

    service_name = "kms"

    def __init__(self, ring: KeyRing) -> None:
        super().__init__(ring.env)
        self.ring = ring

    # ------------------------------------------------------------------ checks
    def _check_name(self, alias_name: object) -> str:
        check_length(alias_name, "aliasName", 1, 256)
        assert isinstance(alias_name, str)
        if not _ALIAS_RE.match(alias_name):
            raise fail(
                "ValidationException",
                f"1 validation error detected: Value '{alias_name}' at 'aliasName' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
            )
        return alias_name

    def _existing(self, alias_name: object) -> tuple[str, Alias]:
        """The alias named, or ``NotFoundException``; AWS's own aliases count as not there to change."""
        name = self._check_name(alias_name)
        alias = self.ring.aliases.get(name)
        if alias is None or name.startswith("alias/aws/"):
            raise fail("NotFoundException", f"Alias {self._arn(name)} is not found.")
        return name, alias

    def _target(self, target_key_id: object) -> KmsKey:
        """The key an alias may name: a customer managed key, by key id or key ARN."""
        if isinstance(target_key_id, str) and (target_key_id.startswith("alias/") or ":alias/" in target_key_id):
            raise fail("ValidationException", "Aliases must refer to keys. Not aliases")
        key = self.ring.resolve(target_key_id, field_name="targetKeyId")  # type: ignore[arg-type]
        key.check_customer_managed("alias")
        return key

    @staticmethod
    def _check_not_pending(key: KmsKey) -> None:
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")

    # -------------------------------------------------------------- operations
    @operation("CreateAlias")
    def create_alias(self, *, AliasName: str, TargetKeyId: str) -> dict[str, Any]:
        name = self._check_name(AliasName)
        if name.startswith("alias/aws/"):
            raise fail("InvalidAliasNameException", "Cannot create alias with prefix 'alias/aws/'")
        key = self._target(TargetKeyId)
        if name in self.ring.aliases:
            raise fail("AlreadyExistsException", f"An alias with the name {self._arn(name)} already exists")
        self._check_not_pending(key)
        now = self.env.clock.now
        self.ring.aliases[name] = Alias(key.key_id, now, now)
        touch_key(key)
        return {}

    @operation("UpdateAlias")
    def update_alias(self, *, AliasName: str, TargetKeyId: str) -> dict[str, Any]:
        """Point an existing alias at another customer managed key; its name stays."""
        name, alias = self._existing(AliasName)
        key = self._target(TargetKeyId)
        self._check_not_pending(key)
        alias.key_id = key.key_id
        alias.updated = self.env.clock.now
        touch_key(key)
        return {}

    @operation("DeleteAlias")
    def delete_alias(self, *, AliasName: str) -> dict[str, Any]:
        """Remove an alias; the key it named is untouched (whatever its state)."""
        name, alias = self._existing(AliasName)
        del self.ring.aliases[name]
        key = self.ring.keys.get(alias.key_id)
        if key is not None:
            touch_key(key)
        return {}

    @operation("ListAliases")
    def list_aliases(self, *, KeyId: str | None = None, Limit: int = 100, Marker: str | None = None) -> dict[str, Any]:
        check_int(Limit, "limit", 1, 100)
        wanted = self.ring.resolve(KeyId).key_id if KeyId is not None else None
        rows = [
            {
                "AliasName": name,
                "AliasArn": self._arn(name),
                "TargetKeyId": alias.key_id,
                "CreationDate": alias.created,
                "LastUpdatedDate": alias.updated,
            }
            for name, alias in sorted(self.ring.aliases.items())
            if wanted is None or alias.key_id == wanted
        ]
        start = 0
        if Marker is not None:
            start = ascii_int(Marker)
            if start is None or start > len(rows):
                raise fail("InvalidMarkerException", "Invalid marker.")
        out: dict[str, Any] = {"Aliases": rows[start : start + Limit], "Truncated": start + Limit < len(rows)}
        if out["Truncated"]:
            out["NextMarker"] = str(start + Limit)
        return out
