"""The secrets of one region: finding them, sealing and opening their values, and what a
change to one sets off.

:class:`SecretStore` is what the :class:`~secretkit.secretsmanager.service.SecretsManager`
facade and each of its parts (rotation, replication, listing, tags, policies) work on. It
indexes every secret by name and by ARN, so a lookup is one dictionary read however many
secrets the region holds.

Every value is stored encrypted for real: a fresh 256-bit data key per version from KMS
(``GenerateDataKey`` under the secret's key, ``aws/secretsmanager`` by default), AES-GCM
over the value with the encryption context ``{"SecretARN", "SecretVersionId"}`` bound as
associated data. Reading decrypts the data key through KMS and then the value, so a
disabled or deleted key makes reads fail with ``DecryptionFailure`` and writes with
``EncryptionFailure``, as on AWS.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from ..core import crypto
from ..core.checks import check_length, check_str, fail
from ..core.context import REQUEST
from ..core.errors import ClientError
from ..core.service import Env, Service
from ..kms import Kms, KmsKey
from .checks import TOKEN_MAX, TOKEN_MIN
from .records import CURRENT, Sealed, Secret, Version

__all__ = [
    "CANT_DECRYPT",
    "CANT_ENCRYPT",
    "MANAGED_BY_SERVICE",
    "MARKED_FOR_DELETION",
    "NOT_FOUND",
    "ON_REPLICA",
    "Part",
    "SecretStore",
]

_current = REQUEST.get  # the call under way (see core.context)

NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion."
#: What the account's own callers get when they try to change a secret another service owns.
MANAGED_BY_SERVICE = "The secret is managed by another service, and you must use that service to update it."
ON_REPLICA = "Operation not permitted on a replica secret. Call must be made in primary secret's region."
CANT_ENCRYPT = (
    "Secrets Manager can't encrypt the protected secret text using the provided KMS key. "
    "Check that the KMS key is available, enabled, and not in an invalid state."
)
CANT_DECRYPT = "Secrets Manager can't decrypt the protected secret text using the provided KMS key."
DEFAULT_KEY = "alias/aws/secretsmanager"
SERVICE = "secretsmanager"


def _kms_failure(exc: ClientError, code: str, message: str) -> ClientError:
    """What Secrets Manager answers when its KMS call fails: KMS refusing the caller is
    ``AccessDeniedException: Access to KMS is not allowed``; anything else ``code``."""
    if exc.code == "AccessDeniedException":
        return fail("AccessDeniedException", "Access to KMS is not allowed")
    return fail(code, message)


def _nothing(secret: Secret) -> None:
    """The default listener: nobody listens."""


class SecretStore:
    """The secrets of one region, indexed by name and by ARN."""

    service_name = SERVICE

    def __init__(self, env: Env, kms: Kms) -> None:
        self.env = env
        self.region = env.region
        self.kms = kms
        self.by_name: dict[str, Secret] = {}
        self.by_arn: dict[str, Secret] = {}
        self.arn_prefix = f"arn:aws:{SERVICE}:{env.region}:{env.account_id}:secret:"
        self._fingerprint_key = os.urandom(32)
        #: Called after every change to a secret, and when one is purged (replication listens).
        self.on_change: Callable[[Secret], None] = _nothing
        self.on_purge: Callable[[Secret], None] = _nothing
        self._today: tuple[datetime | None, datetime | None] = (None, None)

    # ------------------------------------------------------------------ finding
    def find(self, secret_id: object, *, deleted_ok: bool = True) -> Secret:
        """Look a secret up by name, full ARN or partial ARN (no suffix); the call touched it."""
        if type(secret_id) is not str or not 0 < len(secret_id) <= 2048:
            check_length(check_str(secret_id, "SecretId"), "secretId", 1, 2048)
        sid: str = secret_id  # type: ignore[assignment]
        secret = self.by_name.get(sid)
        if secret is None and sid.startswith("arn:"):
            secret = self.by_arn.get(sid)
            if secret is None and sid.startswith(self.arn_prefix):
                secret = self.by_name.get(sid[len(self.arn_prefix) :])
        if secret is None:
            raise fail("ResourceNotFoundException", NOT_FOUND)
        ctx = _current()  # touch(secret.arn), inline: nearly every call looks a secret up
        if ctx is not None:
            ctx.resource = secret.arn
        if not deleted_ok and secret.pending_deletion:
            raise fail("InvalidRequestException", MARKED_FOR_DELETION)
        return secret

    def writable(self, secret_id: object, *, owned_ok: bool = False) -> Secret:
        """A secret that may be changed here: not a replica, not scheduled for deletion, and
        (unless ``owned_ok``) not owned by another service (see :mod:`.owned`)."""
        secret = self.find(secret_id)
        if secret.owning_service is not None and not owned_ok:
            raise fail("InvalidRequestException", MANAGED_BY_SERVICE)
        if secret.is_replica:
            raise fail("InvalidParameterException", ON_REPLICA)
        if secret.pending_deletion:
            raise fail("InvalidRequestException", MARKED_FOR_DELETION)
        return secret

    def alive(self, secret: Secret) -> bool:
        """Whether ``secret`` is still this region's and not scheduled for deletion."""
        return self.by_arn.get(secret.arn) is secret and not secret.pending_deletion

    def add(self, secret: Secret) -> None:
        self.by_name[secret.name] = secret
        self.by_arn[secret.arn] = secret

    def remove(self, secret: Secret) -> None:
        """Forget ``secret`` (its name may already belong to another secret)."""
        self.by_arn.pop(secret.arn, None)
        if self.by_name.get(secret.name) is secret:
            del self.by_name[secret.name]

    @staticmethod
    def select_version(secret: Secret, version_id: str | None, stage: str | None) -> Version:
        """The version a read names: by VersionId, by VersionStage, or AWSCURRENT."""
        if version_id is not None:
            check_length(check_str(version_id, "VersionId"), "versionId", TOKEN_MIN, TOKEN_MAX)
        if stage is not None:
            check_length(check_str(stage, "VersionStage"), "versionStage", 1, 256)
        if version_id is not None:
            version = secret.versions.get(version_id)
            if version is None or not version.has_value:
                raise fail(
                    "ResourceNotFoundException",
                    f"Secrets Manager can't find the specified secret value for VersionId: {version_id}",
                )
            if stage is not None and secret.labels.get(stage) != version_id:
                raise fail(
                    "InvalidRequestException", "You provided a VersionStage that is not associated to the provided VersionId."
                )
            return version
        stage = stage or CURRENT
        vid = secret.labels.get(stage)
        version = secret.versions.get(vid) if vid is not None else None
        if version is None or not version.has_value:
            raise fail(
                "ResourceNotFoundException", f"Secrets Manager can't find the specified secret value for staging label: {stage}"
            )
        return version

    # ------------------------------------------------------------------ values
    def fingerprint(self, value: bytes, binary: bool) -> bytes:
        """A keyed hash of a value, for ClientRequestToken idempotency (never the value itself)."""
        return hmac.digest(self._fingerprint_key, (b"B" if binary else b"S") + value, "sha256")

    def key_for(self, secret: Secret) -> KmsKey:
        try:
            return self.kms.resolve(secret.kms_key_id or DEFAULT_KEY)
        except ClientError:
            raise fail("EncryptionFailure", CANT_ENCRYPT) from None

    @staticmethod
    def aad(secret: Secret, version_id: str) -> bytes:
        """The encryption context of one version, in canonical form: what the data key is
        bound to in KMS, as on AWS."""
        return _context_aad(secret.arn, version_id)

    @staticmethod
    def value_aad(context_aad: bytes, binary: bool) -> bytes:
        """What the value itself is bound to: the version's encryption context and whether it
        is SecretBinary or SecretString, so neither a record moved to another secret or
        version nor a flipped binary flag can change what a read returns."""
        return context_aad + (b"\x00binary" if binary else b"\x00string")

    def seal_value(self, secret: Secret, version_id: str, value: bytes, binary: bool) -> Sealed:
        """Envelope-encrypt ``value`` for one version of ``secret`` (raises EncryptionFailure)."""
        key = self.key_for(secret)
        context = {"SecretARN": secret.arn, "SecretVersionId": version_id}
        aad = _context_aad(secret.arn, version_id)
        try:
            data_key, wrapped = self.kms.internal_data_key(key, context, SERVICE, aad)
        except ClientError as exc:
            raise _kms_failure(exc, "EncryptionFailure", CANT_ENCRYPT) from None
        ciphertext = crypto.seal(crypto.AESGCM(data_key), value, self.value_aad(aad, binary))
        return Sealed(key.arn, wrapped, ciphertext, binary)

    def open_value(self, secret: Secret, version: Version) -> bytes:
        """Decrypt one version's value (raises DecryptionFailure).

        Everything it is bound to is derived here, from the secret's ARN, the version's id
        and its binary flag: a record that was moved, altered or cut short reads as AWS's
        DecryptionFailure, never as another value."""
        sealed = version.sealed
        assert sealed is not None
        context = {"SecretARN": secret.arn, "SecretVersionId": version.version_id}  # condition keys; aad is its form
        try:
            aad = _context_aad(secret.arn, version.version_id)
            data_key = self.kms.internal_decrypt(sealed.wrapped_key, context, SERVICE, aad)
            return crypto.unseal(crypto.AESGCM(data_key), sealed.ciphertext, self.value_aad(aad, sealed.binary is True))
        except ClientError as exc:
            raise _kms_failure(exc, "DecryptionFailure", CANT_DECRYPT) from None
        except (crypto.IntegrityError, ValueError, TypeError):
            raise fail("DecryptionFailure", CANT_DECRYPT) from None

    def new_version(self, secret: Secret, version_id: str, value: bytes, binary: bool) -> Version:
        """Seal ``value`` as a new version of ``secret`` (unlabelled; the caller labels it)."""
        version = Version(version_id, self.env.clock.now)
        version.sealed = self.seal_value(secret, version_id, value, binary)
        version.fingerprint = self.fingerprint(value, binary)
        secret.versions[version_id] = version
        return version

    def same_token(self, secret: Secret, token: str, value: tuple[bytes, bool] | None) -> Version | None:
        """ClientRequestToken idempotency: the existing version if the retry is harmless."""
        version = secret.versions.get(token)
        if version is None or not version.has_value:
            return None
        if value is not None and version.fingerprint == self.fingerprint(*value):
            return version
        raise fail(
            "ResourceExistsException",
            f"You can't use ClientRequestToken {token} because that value is already in use for a version of secret {secret.arn}.",
        )

    def today(self) -> datetime:
        """Midnight UTC of the clock's day: LastAccessedDate has date resolution."""
        now = self.env.clock.now
        seen, day = self._today
        if seen is not now:
            day = now.replace(hour=0, minute=0, second=0, microsecond=0)
            self._today = (now, day)
        return day  # type: ignore[return-value]

    # ------------------------------------------------------------------ changes
    def changed(self, secret: Secret) -> None:
        """After every change to a primary secret: LastChangedDate moves, listeners hear of it."""
        secret.last_changed = self.env.clock.now
        self.on_change(secret)

    def purge(self, secret: Secret) -> None:
        """The secret is gone for good (its recovery window ended, or a forced delete)."""
        if self.by_arn.get(secret.arn) is not secret:
            return
        if secret.deletion_timer is not None:
            secret.deletion_timer.cancel()
        self.remove(secret)
        self.on_purge(secret)
        self.notice("SecretPurged", secret.arn)

    def lifecycle(self, what: str, secret: Secret) -> None:
        """A secret starts or stops costing money (``what`` is ``"start"`` or ``"stop"``)."""
        kind = "replica-secret" if secret.is_replica else "secret"
        self.env.events.record(self.env.clock.now, "lifecycle", self.region, SERVICE, what, "OK", secret.arn, {"type": kind})

    def notice(self, what: str, arn: str, detail: dict[str, Any] | None = None, outcome: str = "OK") -> None:
        """Something a student should see that is not a call (a rotation step, a replica's status)."""
        self.env.events.record(self.env.clock.now, "notice", self.region, SERVICE, what, outcome, arn, detail)


@lru_cache(maxsize=1 << 16)
def _context_aad(arn: str, version_id: str) -> bytes:
    """``{"SecretARN": arn, "SecretVersionId": version_id}`` in canonical form: a pure function
    of the two, remembered for the hot read path (outside any record, so it is no part of a
    Cloud's state)."""
    return crypto.canonical_context({"SecretARN": arn, "SecretVersionId": version_id})


class Part(Service):
    """A part of the facade: it serves some of Secrets Manager's operations on the store it is handed."""

    service_name = SERVICE

    def __init__(self, store: SecretStore) -> None:
        super().__init__(store.env)
        self.store = store
