"""KMS, one per region: the operations on keys and aliases, and envelope encryption.

``Encrypt`` seals up to 4,096 bytes directly; ``GenerateDataKey`` hands out a fresh data key
together with that key sealed under the KMS key (the "envelope"). The encryption context is
bound as associated data: decrypting with a different context fails with
``InvalidCiphertextException``, as on AWS. Key records, their states and their material are
in :mod:`.keys`.

Secrets Manager and Parameter Store call KMS on their callers' behalf through the
``internal_*`` methods: each is logged as the KMS call it stands for, with the service it
was made ``via``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Mapping

from ..core import crypto
from ..core.checks import check_int, check_length, check_list, fail
from ..core.context import on_behalf, touch
from ..core.errors import ClientError
from ..core.service import Env, Service, operation
from .keys import MANAGED_ALIASES, KmsKey

__all__ = ["Kms"]

_ALIAS_RE = re.compile(r"^alias/[a-zA-Z0-9:/_-]+$")
_MAX_PLAINTEXT = 4096


class Kms(Service):
    """The KMS of one region."""

    service_name = "kms"

    def __init__(self, env: Env) -> None:
        super().__init__(env)
        self.keys: dict[str, KmsKey] = {}
        self.aliases: dict[str, tuple[str, datetime]] = {}  # alias name -> (key id, created)

    # ----------------------------------------------------------------- resolving keys
    def _new_key(self, manager: str, description: str) -> KmsKey:
        key_id = self.env.ids.uuid()
        key = KmsKey(key_id, self._arn(f"key/{key_id}"), self.env.clock.now, manager, description)
        key.add_material()
        self.keys[key_id] = key
        return key

    def _managed(self, alias: str) -> KmsKey:
        target = self.aliases.get(alias)
        if target is not None:
            return self.keys[target[0]]
        key = self._new_key("AWS", MANAGED_ALIASES[alias])
        # AWS managed keys rotate every year, on their own.
        key.rotation_enabled = True
        self._schedule_rotation(key)
        self.aliases[alias] = (key.key_id, self.env.clock.now)
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
                return self._managed(ref)
            target = self.aliases.get(ref)
            if target is None:
                raise fail("NotFoundException", f"Alias {prefix}{ref} is not found.")
            return self.keys[target[0]]
        key = self.keys.get(ref)
        if key is None:
            raise fail("NotFoundException", f"Key '{prefix}key/{ref}' does not exist")
        return key

    def _customer(self, key: KmsKey, what: str) -> None:
        if key.manager == "AWS":
            raise fail("UnsupportedOperationException", f"{key.arn} is an AWS managed key; you cannot {what} it.")

    # ----------------------------------------------------------- envelope primitives
    @staticmethod
    def _seal(key: KmsKey, plaintext: bytes, context: Mapping[str, str] | None, aad: bytes | None = None) -> bytes:
        return key.seal(plaintext, crypto.canonical_context(context) if aad is None else aad)

    def _open(
        self, blob: bytes, context: Mapping[str, str] | None, key_ref: str | None, aad: bytes | None = None
    ) -> tuple[KmsKey, bytes]:
        try:
            key_id, index, sealed = crypto.unpack_kms_blob(bytes(blob))
        except crypto.IntegrityError:
            raise fail("InvalidCiphertextException", "") from None
        key = self.keys.get(key_id)
        if key is None:
            # The key was deleted (or the blob belongs to another region).
            raise fail("InvalidCiphertextException", "")
        if key_ref is not None and self.resolve(key_ref).key_id != key.key_id:
            raise fail(
                "IncorrectKeyException",
                "The key ID in the request does not identify a CMK that can perform this operation.",
            )
        key.check_usable()
        return key, key.unseal(index, sealed, crypto.canonical_context(context) if aad is None else aad)

    @staticmethod
    def _note(key: KmsKey) -> None:
        """The call touched ``key``: its ARN and its key manager go to the log."""
        touch(key.arn, key_manager=key.manager)

    # Used by Secrets Manager and Parameter Store: KMS calls made on their callers' behalf,
    # each logged in a request context of its own (see core.context.on_behalf).
    def internal_data_key(
        self, key: KmsKey, context: Mapping[str, str], via: str, aad: bytes | None = None
    ) -> tuple[bytes, bytes]:
        """GenerateDataKey on behalf of a service: ``(plaintext data key, wrapped blob)``.

        ``aad`` may carry the context already in canonical form (a cache, for speed)."""
        key.check_usable()
        data_key = crypto.new_key()
        blob = self._seal(key, data_key, context, aad)
        self._log_internal("GenerateDataKey", key, via)
        return data_key, blob

    def internal_encrypt(
        self, key: KmsKey, plaintext: bytes, context: Mapping[str, str], via: str, aad: bytes | None = None
    ) -> bytes:
        """Encrypt on behalf of a service (Parameter Store's Standard SecureStrings)."""
        key.check_usable()
        blob = self._seal(key, plaintext, context, aad)
        self._log_internal("Encrypt", key, via)
        return blob

    def internal_decrypt(self, blob: bytes, context: Mapping[str, str], via: str, aad: bytes | None = None) -> bytes:
        """Decrypt on behalf of a service; raises the KMS error (the caller maps it)."""
        env = self.env
        try:
            key, plaintext = self._open(blob, context, None, aad)
        except ClientError as exc:
            on_behalf("kms", "Decrypt", env.region, env.account_id, via).record(env.events, env.clock.now, exc.code)
            raise
        self._log_internal("Decrypt", key, via)
        return plaintext

    def _log_internal(self, operation_name: str, key: KmsKey, via: str) -> None:
        env = self.env
        call = on_behalf("kms", operation_name, env.region, env.account_id, via)
        call.resource = key.arn
        call.detail["key_manager"] = key.manager  # type: ignore[index]  # on_behalf starts it with "via"
        call.record(env.events, env.clock.now, "OK")

    # --------------------------------------------------------------------- operations
    @operation("CreateKey")
    def create_key(
        self,
        *,
        Description: str = "",
        KeyUsage: str = "ENCRYPT_DECRYPT",
        KeySpec: str = "SYMMETRIC_DEFAULT",
        CustomerMasterKeySpec: str | None = None,
        Tags: list[dict[str, str]] | None = None,
        Policy: str | None = None,
        MultiRegion: bool = False,
        Origin: str = "AWS_KMS",
        BypassPolicyLockoutSafetyCheck: bool = False,
    ) -> dict[str, Any]:
        check_length(Description, "description", 0, 8192)
        if KeyUsage != "ENCRYPT_DECRYPT" or KeySpec != "SYMMETRIC_DEFAULT" or CustomerMasterKeySpec not in (None, "SYMMETRIC_DEFAULT"):
            raise fail("UnsupportedOperationException", "secretkit models symmetric ENCRYPT_DECRYPT keys only (KeySpec SYMMETRIC_DEFAULT).")
        if Origin != "AWS_KMS" or MultiRegion:
            raise fail("UnsupportedOperationException", "secretkit models single-Region keys with Origin AWS_KMS only.")
        if Policy is not None:
            check_length(Policy, "policy", 1, 131072)
        tags = check_list(Tags or [], "tags", 0, 50)
        key = self._new_key("CUSTOMER", Description)
        key.tags = [dict(t) for t in tags]
        self._note(key)
        self.env.events.record(
            self.env.clock.now, "lifecycle", self.region, "kms", "start", "OK", key.arn, {"type": "kms-key"}
        )
        return {"KeyMetadata": key.metadata(self.env.account_id)}

    @operation("DescribeKey")
    def describe_key(self, *, KeyId: str, GrantTokens: list[str] | None = None) -> dict[str, Any]:
        key = self.resolve(KeyId)
        self._note(key)
        return {"KeyMetadata": key.metadata(self.env.account_id)}

    @operation("ListKeys")
    def list_keys(self, *, Limit: int = 100, Marker: str | None = None) -> dict[str, Any]:
        check_int(Limit, "limit", 1, 1000)
        ids = list(self.keys)
        start = 0
        if Marker is not None:
            if not isinstance(Marker, str) or not Marker.isdigit() or int(Marker) > len(ids):
                raise fail("InvalidMarkerException", "Invalid marker.")
            start = int(Marker)
        page = ids[start : start + Limit]
        out: dict[str, Any] = {
            "Keys": [{"KeyId": k, "KeyArn": self.keys[k].arn} for k in page],
            "Truncated": start + Limit < len(ids),
        }
        if out["Truncated"]:
            out["NextMarker"] = str(start + Limit)
        return out

    @operation("CreateAlias")
    def create_alias(self, *, AliasName: str, TargetKeyId: str) -> dict[str, Any]:
        check_length(AliasName, "aliasName", 1, 256)
        if not _ALIAS_RE.match(AliasName):
            raise fail("ValidationException", f"1 validation error detected: Value '{AliasName}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
        if AliasName.startswith("alias/aws/"):
            raise fail("InvalidAliasNameException", "Cannot create alias with prefix 'alias/aws/'")
        if TargetKeyId.startswith("alias/") or ":alias/" in TargetKeyId:
            raise fail("ValidationException", "Aliases must refer to keys. Not aliases")
        key = self.resolve(TargetKeyId, field_name="targetKeyId")
        self._customer(key, "alias")
        if AliasName in self.aliases:
            raise fail("AlreadyExistsException", f"An alias with the name {self._arn(AliasName)} already exists")
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        self.aliases[AliasName] = (key.key_id, self.env.clock.now)
        self._note(key)
        return {}

    @operation("ListAliases")
    def list_aliases(self, *, KeyId: str | None = None, Limit: int = 100, Marker: str | None = None) -> dict[str, Any]:
        check_int(Limit, "limit", 1, 100)
        wanted = self.resolve(KeyId).key_id if KeyId is not None else None
        rows = [
            {
                "AliasName": name,
                "AliasArn": self._arn(name),
                "TargetKeyId": key_id,
                "CreationDate": created,
                "LastUpdatedDate": created,
            }
            for name, (key_id, created) in sorted(self.aliases.items())
            if wanted is None or key_id == wanted
        ]
        start = 0
        if Marker is not None:
            if not isinstance(Marker, str) or not Marker.isdigit() or int(Marker) > len(rows):
                raise fail("InvalidMarkerException", "Invalid marker.")
            start = int(Marker)
        out: dict[str, Any] = {"Aliases": rows[start : start + Limit], "Truncated": start + Limit < len(rows)}
        if out["Truncated"]:
            out["NextMarker"] = str(start + Limit)
        return out

    @operation("Encrypt")
    def encrypt(
        self,
        *,
        KeyId: str,
        Plaintext: bytes,
        EncryptionContext: dict[str, str] | None = None,
        GrantTokens: list[str] | None = None,
        EncryptionAlgorithm: str = "SYMMETRIC_DEFAULT",
        DryRun: bool = False,
    ) -> dict[str, Any]:
        if isinstance(Plaintext, str):
            Plaintext = Plaintext.encode()
        check_length(Plaintext, "plaintext", 1, _MAX_PLAINTEXT)
        self._check_algorithm(EncryptionAlgorithm)
        key = self.resolve(KeyId)
        self._note(key)
        key.check_usable()
        blob = self._seal(key, bytes(Plaintext), EncryptionContext)
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    @operation("Decrypt")
    def decrypt(
        self,
        *,
        CiphertextBlob: bytes,
        EncryptionContext: dict[str, str] | None = None,
        GrantTokens: list[str] | None = None,
        KeyId: str | None = None,
        EncryptionAlgorithm: str = "SYMMETRIC_DEFAULT",
        DryRun: bool = False,
    ) -> dict[str, Any]:
        check_length(CiphertextBlob, "ciphertextBlob", 1, 6144)
        self._check_algorithm(EncryptionAlgorithm)
        key, plaintext = self._open(CiphertextBlob, EncryptionContext, KeyId)
        self._note(key)
        return {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    @operation("GenerateDataKey")
    def generate_data_key(
        self,
        *,
        KeyId: str,
        EncryptionContext: dict[str, str] | None = None,
        NumberOfBytes: int | None = None,
        KeySpec: str | None = None,
        GrantTokens: list[str] | None = None,
        DryRun: bool = False,
    ) -> dict[str, Any]:
        if NumberOfBytes is not None and KeySpec is not None:
            raise fail("ValidationException", "Please specify either number of bytes or key spec.")
        if NumberOfBytes is None and KeySpec is None:
            raise fail("ValidationException", "Please specify either number of bytes or key spec.")
        if KeySpec is not None and KeySpec not in ("AES_256", "AES_128"):
            raise fail("ValidationException", "1 validation error detected: Value at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]")
        size = NumberOfBytes if NumberOfBytes is not None else (32 if KeySpec == "AES_256" else 16)
        check_int(size, "numberOfBytes", 1, 1024)
        key = self.resolve(KeyId)
        self._note(key)
        key.check_usable()
        data_key = crypto.new_key(size)
        return {"CiphertextBlob": self._seal(key, data_key, EncryptionContext), "Plaintext": data_key, "KeyId": key.arn}

    @operation("EnableKey")
    def enable_key(self, *, KeyId: str) -> dict[str, Any]:
        key = self.resolve(KeyId)
        self._note(key)
        self._customer(key, "enable")
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        key.state = "Enabled"
        return {}

    @operation("DisableKey")
    def disable_key(self, *, KeyId: str) -> dict[str, Any]:
        key = self.resolve(KeyId)
        self._note(key)
        self._customer(key, "disable")
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        key.state = "Disabled"
        return {}

    @operation("ScheduleKeyDeletion")
    def schedule_key_deletion(self, *, KeyId: str, PendingWindowInDays: int = 30) -> dict[str, Any]:
        key = self.resolve(KeyId)
        self._note(key)
        check_int(PendingWindowInDays, "pendingWindowInDays", 1, 365)
        if not 7 <= PendingWindowInDays <= 30:
            raise fail(
                "ValidationException",
                "1 validation error detected: Value at 'pendingWindowInDays' failed to satisfy constraint: "
                "Member must have value between 7 and 30 (inclusive)",
            )
        self._customer(key, "schedule deletion of")
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        key.state = "PendingDeletion"
        key.pending_window = PendingWindowInDays
        key.deletion_date = self.env.clock.now + timedelta(days=PendingWindowInDays)
        key.timer = self.env.clock.schedule(key.deletion_date, lambda: self._purge(key), label=f"delete {key.key_id}")
        self.env.events.record(self.env.clock.now, "lifecycle", self.region, "kms", "stop", "OK", key.arn, {"type": "kms-key"})
        return {
            "KeyId": key.arn,
            "DeletionDate": key.deletion_date,
            "KeyState": "PendingDeletion",
            "PendingWindowInDays": PendingWindowInDays,
        }

    def _purge(self, key: KmsKey) -> None:
        if key.state != "PendingDeletion" or self.keys.get(key.key_id) is not key:
            return
        del self.keys[key.key_id]
        for alias in [a for a, (k, _) in self.aliases.items() if k == key.key_id]:
            del self.aliases[alias]
        self.env.events.record(self.env.clock.now, "notice", self.region, "kms", "KeyDeleted", "OK", key.arn)

    @operation("CancelKeyDeletion")
    def cancel_key_deletion(self, *, KeyId: str) -> dict[str, Any]:
        key = self.resolve(KeyId)
        self._note(key)
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
        key = self.resolve(KeyId)
        self._note(key)
        check_int(RotationPeriodInDays, "rotationPeriodInDays", 90, 2560)
        self._customer(key, "change rotation of")
        key.check_usable()
        key.rotation_enabled = True
        key.rotation_period = RotationPeriodInDays
        self._schedule_rotation(key)
        return {}

    @operation("DisableKeyRotation")
    def disable_key_rotation(self, *, KeyId: str) -> dict[str, Any]:
        key = self.resolve(KeyId)
        self._note(key)
        self._customer(key, "change rotation of")
        key.check_usable()
        key.rotation_enabled = False
        key.next_rotation = None
        return {}

    @operation("GetKeyRotationStatus")
    def get_key_rotation_status(self, *, KeyId: str) -> dict[str, Any]:
        key = self.resolve(KeyId)
        self._note(key)
        if key.state == "PendingDeletion":
            raise fail("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        out: dict[str, Any] = {"KeyRotationEnabled": key.rotation_enabled, "KeyId": key.arn}
        if key.rotation_enabled:
            out["RotationPeriodInDays"] = key.rotation_period
            out["NextRotationDate"] = key.next_rotation
        return out

    def _schedule_rotation(self, key: KmsKey) -> None:
        when = self.env.clock.now + timedelta(days=key.rotation_period)
        key.next_rotation = when

        def rotate() -> None:
            if key.rotation_enabled and key.next_rotation == when and key.key_id in self.keys:
                self.rotate_material(key)
                self._schedule_rotation(key)

        self.env.clock.schedule(when, rotate, label=f"rotate {key.key_id}")

    def rotate_material(self, key: KmsKey) -> None:
        """Add new key material: it encrypts from now on, and older material still decrypts."""
        key.add_material()
        key.rotations.append(self.env.clock.now)
        self.env.events.record(self.env.clock.now, "notice", self.region, "kms", "KeyMaterialRotated", "OK", key.arn)

    @staticmethod
    def _check_algorithm(algorithm: str) -> None:
        if algorithm != "SYMMETRIC_DEFAULT":
            raise fail("InvalidKeyUsageException", f"The encryption algorithm {algorithm} is not supported by this key.")
