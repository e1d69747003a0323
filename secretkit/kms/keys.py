"""KMS keys: the key record, its states, and what its material does.

Every key holds real AES-256 material. Key states follow AWS: ``Enabled``; ``Disabled``
(``DisabledException``); ``PendingDeletion`` (``KMSInvalidStateException``) for 7-30 days,
after which the key is gone for good and whatever it protected can never be decrypted
again. Rotating a key adds new material that seals from then on; older material still
opens what it sealed.

The AWS managed keys (:data:`MANAGED_ALIASES`) are made the first time anything refers to
them, as AWS does; their key manager is ``AWS`` and nobody may disable or delete them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core import crypto
from ..core.checks import fail
from ..core.clock import Timer

__all__ = ["MANAGED_ALIASES", "KmsKey"]

MANAGED_ALIASES = {
    "alias/aws/secretsmanager": "Default key that protects my Secrets Manager data when no other key is defined",
    "alias/aws/ssm": "Default key that protects my SSM parameters when no other key is defined",
}


@dataclass(slots=True)
class KmsKey:
    """One symmetric KMS key: its state, its settings and its material (newest last).

    ``materials`` holds one AES-256-GCM key per rotation. :meth:`seal` always uses the
    newest; a blob names the material that sealed it, so :meth:`unseal` still opens what
    older material sealed, as rotated KMS keys do.
    """

    key_id: str
    arn: str
    created: datetime
    manager: str  # "AWS" or "CUSTOMER"
    description: str = ""
    state: str = "Enabled"
    materials: list[crypto.Material] = field(default_factory=list)
    deletion_date: datetime | None = None
    pending_window: int | None = None
    rotation_enabled: bool = False
    rotation_period: int = 365
    next_rotation: datetime | None = None
    rotations: list[datetime] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    timer: Timer | None = None
    policy: str | None = None  # the key policy's text; None: the default key policy (or an AWS managed key's)
    managed_service: str | None = None  # for an AWS managed key, the service it serves ("secretsmanager")

    def metadata(self, account_id: str) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "AWSAccountId": account_id,
            "KeyId": self.key_id,
            "Arn": self.arn,
            "CreationDate": self.created,
            "Enabled": self.state == "Enabled",
            "Description": self.description,
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": self.state,
            "Origin": "AWS_KMS",
            "KeyManager": self.manager,
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        }
        if self.deletion_date is not None:
            meta["DeletionDate"] = self.deletion_date
            meta["PendingDeletionWindowInDays"] = self.pending_window
        return meta

    def check_usable(self) -> None:
        """Raise the AWS error for a key that cannot encrypt or decrypt right now."""
        if self.state == "Disabled":
            raise fail("DisabledException", f"{self.arn} is disabled.")
        if self.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{self.arn} is pending deletion.")

    def check_customer_managed(self, what: str) -> None:
        """AWS managed keys belong to AWS: nobody may ``what`` them (disable, delete, alias...)."""
        if self.manager == "AWS":
            raise fail("UnsupportedOperationException", f"{self.arn} is an AWS managed key; you cannot {what} it.")

    def add_material(self) -> None:
        """New material: it seals from now on, and what older material sealed still opens."""
        self.materials.append(crypto.Material(crypto.new_key()))

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        """A KMS ciphertext blob of ``plaintext`` under the newest material, ``aad`` bound."""
        index = len(self.materials) - 1
        return crypto.pack_kms_blob(self.key_id, index, crypto.seal(self.materials[index], plaintext, aad))

    def unseal(self, index: int, sealed: bytes, aad: bytes) -> bytes:
        """Open what material ``index`` sealed; ``InvalidCiphertextException`` if it cannot."""
        if index >= len(self.materials):
            raise fail("InvalidCiphertextException", "")
        try:
            return crypto.unseal(self.materials[index], sealed, aad)
        except crypto.IntegrityError:
            raise fail("InvalidCiphertextException", "") from None
