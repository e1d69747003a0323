"""Secrets Manager, one per region: secrets, versions, staging labels, deletion, tags, policies.

Every value is stored encrypted for real: a fresh 256-bit data key per version from KMS
(``GenerateDataKey`` under the secret's key, ``aws/secretsmanager`` by default), AES-GCM
over the value with the encryption context ``{"SecretARN", "SecretVersionId"}`` bound as
associated data. Reading decrypts the data key through KMS and then the value, so a
disabled or deleted key makes reads fail with ``DecryptionFailure`` and writes with
``EncryptionFailure``, as on AWS.

Rotation (``RotateSecret``, ``CancelRotateSecret``) and replication
(``ReplicateSecretToRegions`` and friends) live in their own modules and join this class
as mixins; listing and batch reads live in :mod:`.listing`, and tags, random
passwords and resource policies in :mod:`.extras`.
"""

from __future__ import annotations

import hmac
import os
import re
from datetime import datetime, timedelta
from typing import Any, Callable

from ..core import crypto
from ..core.checks import check_bool, check_int, check_length, check_list, check_str, fail
from ..core.context import touch
from ..core.errors import ClientError
from ..core.service import Env, Service, operation
from ..kms import Kms
from .extras import ExtrasOperations
from .listing import ListingOperations
from .records import CURRENT, Sealed, Secret, Version
from .replication import ReplicationOperations
from .rotation import RotationOperations

__all__ = ["SecretsManager"]

_NAME_RE = re.compile(r"[A-Za-z0-9/_+=.@-]+")
_TOKEN_MIN, _TOKEN_MAX = 32, 64
_MAX_VALUE = 65536
_MAX_TAGS = 50
_POLICY_NAME_RE = re.compile(r"[0-9A-Za-z\-_]+")

NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion."
ON_REPLICA = "Operation not permitted on a replica secret. Call must be made in primary secret's region."
CANT_ENCRYPT = (
    "Secrets Manager can't encrypt the protected secret text using the provided KMS key. "
    "Check that the KMS key is available, enabled, and not in an invalid state."
)
CANT_DECRYPT = "Secrets Manager can't decrypt the protected secret text using the provided KMS key."


def _day(moment: datetime) -> datetime:
    """LastAccessedDate has date resolution: midnight UTC of the day."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class SecretsManager(RotationOperations, ReplicationOperations, ListingOperations, ExtrasOperations, Service):
    """The Secrets Manager of one region. Methods mirror boto3's, with AWS's arguments."""

    service_name = "secretsmanager"

    def __init__(self, env: Env, kms: Kms, peer: Callable[[str], "SecretsManager"] | None = None) -> None:
        super().__init__(env)
        self.kms = kms
        self.by_name: dict[str, Secret] = {}
        self.by_arn: dict[str, Secret] = {}
        self._peer = peer  # region -> that region's SecretsManager (for replication)
        self._fingerprint_key = os.urandom(32)
        self._arn_prefix = self._arn("secret:")

    # ================================================================ helpers
    def _fingerprint(self, value: bytes, binary: bool) -> bytes:
        return hmac.digest(self._fingerprint_key, (b"B" if binary else b"S") + value, "sha256")

    def find(self, secret_id: object, *, deleted_ok: bool = True) -> Secret:
        """Look a secret up by name, full ARN or partial ARN (no suffix)."""
        if not isinstance(secret_id, str):
            check_str(secret_id, "SecretId")
        check_length(secret_id, "secretId", 1, 2048)  # type: ignore[arg-type]
        sid: str = secret_id  # type: ignore[assignment]
        secret = self.by_name.get(sid)
        if secret is None and sid.startswith("arn:"):
            secret = self.by_arn.get(sid)
            if secret is None and sid.startswith(self._arn_prefix):
                secret = self.by_name.get(sid[len(self._arn_prefix) :])
        if secret is None:
            raise fail("ResourceNotFoundException", NOT_FOUND)
        touch(secret.arn)
        if not deleted_ok and secret.pending_deletion:
            raise fail("InvalidRequestException", MARKED_FOR_DELETION)
        return secret

    def _writable(self, secret_id: object) -> Secret:
        secret = self.find(secret_id)
        if secret.is_replica:
            raise fail("InvalidParameterException", ON_REPLICA)
        if secret.pending_deletion:
            raise fail("InvalidRequestException", MARKED_FOR_DELETION)
        return secret

    @staticmethod
    def _check_token(token: object) -> str:
        check_str(token, "ClientRequestToken")
        check_length(token, "clientRequestToken", _TOKEN_MIN, _TOKEN_MAX)  # type: ignore[arg-type]
        return token  # type: ignore[return-value]

    @staticmethod
    def _value(secret_string: object, secret_binary: object, *, required: bool) -> tuple[bytes, bool] | None:
        if secret_string is not None and secret_binary is not None:
            raise fail(
                "InvalidParameterException",
                "You can't specify both a binary secret value and a string secret value in the same secret.",
            )
        if secret_string is not None:
            check_str(secret_string, "SecretString")
            check_length(secret_string, "secretString", 1, _MAX_VALUE)  # type: ignore[arg-type]
            return secret_string.encode(), False  # type: ignore[union-attr]
        if secret_binary is not None:
            if isinstance(secret_binary, str):
                secret_binary = secret_binary.encode()
            if not isinstance(secret_binary, (bytes, bytearray)):
                raise fail("ValidationException", "SecretBinary must be bytes.")
            check_length(secret_binary, "secretBinary", 1, _MAX_VALUE)
            return bytes(secret_binary), True
        if required:
            raise fail("InvalidRequestException", "You must provide either SecretString or SecretBinary.")
        return None

    def _key_for(self, secret: Secret) -> Any:
        try:
            return self.kms.resolve(secret.kms_key_id or "alias/aws/secretsmanager")
        except ClientError:
            raise fail("EncryptionFailure", CANT_ENCRYPT) from None

    @staticmethod
    def _aad(secret: Secret, version_id: str) -> bytes:
        return crypto.canonical_context({"SecretARN": secret.arn, "SecretVersionId": version_id})

    def seal_value(
        self, secret: Secret, version_id: str, value: bytes, binary: bool, aad: bytes | None = None
    ) -> Sealed:
        """Envelope-encrypt ``value`` for one version of ``secret`` (raises EncryptionFailure)."""
        key = self._key_for(secret)
        context = {"SecretARN": secret.arn, "SecretVersionId": version_id}
        if aad is None:
            aad = crypto.canonical_context(context)
        try:
            data_key, wrapped = self.kms.internal_data_key(key, context, "secretsmanager", aad)
        except ClientError:
            raise fail("EncryptionFailure", CANT_ENCRYPT) from None
        ciphertext = crypto.seal(crypto.AESGCM(data_key), value, aad)
        return Sealed(key.arn, wrapped, ciphertext, binary)

    def open_value(self, secret: Secret, version: Version) -> bytes:
        """Decrypt one version's value (raises DecryptionFailure)."""
        sealed = version.sealed
        assert sealed is not None
        aad = version.aad
        if not aad:
            aad = version.aad = self._aad(secret, version.version_id)
        try:
            data_key = self.kms.internal_decrypt(sealed.wrapped_key, {}, "secretsmanager", aad)
            return crypto.unseal(crypto.AESGCM(data_key), sealed.ciphertext, aad)
        except (ClientError, crypto.IntegrityError):
            raise fail("DecryptionFailure", CANT_DECRYPT) from None

    def _new_version(self, secret: Secret, version_id: str, value: bytes, binary: bool) -> Version:
        version = Version(version_id, self.env.clock.now, aad=self._aad(secret, version_id))
        version.sealed = self.seal_value(secret, version_id, value, binary, version.aad)
        version.fingerprint = self._fingerprint(value, binary)
        secret.versions[version_id] = version
        return version

    def _same_token(self, secret: Secret, token: str, value: tuple[bytes, bool] | None) -> Version | None:
        """ClientRequestToken idempotency: the existing version if the retry is harmless."""
        version = secret.versions.get(token)
        if version is None or not version.has_value:
            return None
        if value is not None and version.fingerprint == self._fingerprint(*value):
            return version
        raise fail(
            "ResourceExistsException",
            f"You can't use ClientRequestToken {token} because that value is already in use for a version of secret {secret.arn}.",
        )

    def _lifecycle(self, what: str, secret: Secret) -> None:
        kind = "replica-secret" if secret.is_replica else "secret"
        self.env.events.record(self.env.clock.now, "lifecycle", self.region, self.service_name, what, "OK", secret.arn, {"type": kind})

    def _changed(self, secret: Secret) -> None:
        """Called after every change to a primary secret (replication listens here)."""
        secret.last_changed = self.env.clock.now
        self.after_change(secret)

    def _check_tags(self, tags: object) -> list[dict[str, str]]:
        rows = check_list(tags, "Tags", 0, _MAX_TAGS)
        out = []
        for tag in rows:
            if not isinstance(tag, dict) or "Key" not in tag:
                raise fail("InvalidParameterException", "Each tag must have a Key.")
            key, value = tag["Key"], tag.get("Value", "")
            check_length(check_str(key, "Key"), "tags.member.key", 1, 128)
            check_length(check_str(value, "Value"), "tags.member.value", 0, 256)
            if key.lower().startswith("aws:"):
                raise fail("InvalidParameterException", "Invalid tag key. The aws: prefix is reserved for AWS use.")
            out.append({"Key": key, "Value": value})
        return out

    @staticmethod
    def _check_name(name: object) -> str:
        check_str(name, "Name")
        check_length(name, "name", 1, 512)  # type: ignore[arg-type]
        if not _NAME_RE.fullmatch(name):  # type: ignore[arg-type]
            raise fail(
                "ValidationException",
                "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
            )
        return name  # type: ignore[return-value]

    def _check_description(self, description: object) -> None:
        if description is not None:
            check_length(check_str(description, "Description"), "description", 0, 2048)

    def _check_key_id(self, key_id: object) -> None:
        if key_id is not None:
            check_length(check_str(key_id, "KmsKeyId"), "kmsKeyId", 0, 2048)

    # ================================================================ operations
    @operation("CreateSecret")
    def create_secret(
        self,
        *,
        Name: str,
        ClientRequestToken: str | None = None,
        Description: str | None = None,
        KmsKeyId: str | None = None,
        SecretBinary: bytes | None = None,
        SecretString: str | None = None,
        Tags: list[dict[str, str]] | None = None,
        AddReplicaRegions: list[dict[str, str]] | None = None,
        ForceOverwriteReplicaSecret: bool = False,
        Type: str | None = None,
    ) -> dict[str, Any]:
        name = self._check_name(Name)
        token = self._check_token(ClientRequestToken) if ClientRequestToken is not None else self.env.ids.uuid()
        self._check_description(Description)
        self._check_key_id(KmsKeyId)
        value = self._value(SecretString, SecretBinary, required=False)
        tags = self._check_tags(Tags or [])
        check_bool(ForceOverwriteReplicaSecret, "ForceOverwriteReplicaSecret")
        replicas = self.check_replica_regions(AddReplicaRegions) if AddReplicaRegions is not None else []
        existing = self.by_name.get(name)
        if existing is not None:
            touch(existing.arn)
            if existing.pending_deletion:
                raise fail(
                    "InvalidRequestException",
                    "You can't create this secret because a secret with this name is already scheduled for deletion.",
                )
            if ClientRequestToken is not None and not existing.is_replica:
                same = self._same_token(existing, token, value)
                if same is not None:
                    return {"ARN": existing.arn, "Name": existing.name, "VersionId": same.version_id}
            raise fail("ResourceExistsException", f"The operation failed because the secret {name} already exists.")
        now = self.env.clock.now
        secret = Secret(name, self._arn(f"secret:{name}-{self.env.ids.suffix()}"), now, Description, KmsKeyId, tags)
        touch(secret.arn)
        if value is not None:
            self._new_version(secret, token, *value)  # raises EncryptionFailure before anything is stored
            secret.attach(CURRENT, token)
        secret.last_changed = now
        self.by_name[name] = secret
        self.by_arn[secret.arn] = secret
        self._lifecycle("start", secret)
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
        if value is not None:
            out["VersionId"] = token
        if replicas:
            out["ReplicationStatus"] = self.add_replicas(secret, replicas, ForceOverwriteReplicaSecret)
        return out

    @operation("GetSecretValue")
    def get_secret_value(
        self, *, SecretId: str, VersionId: str | None = None, VersionStage: str | None = None
    ) -> dict[str, Any]:
        secret = self.find(SecretId, deleted_ok=False)
        version = self._select_version(secret, VersionId, VersionStage)
        value = self.open_value(secret, version)
        now = self.env.clock.now
        day = _day(now)
        secret.last_accessed = version.last_accessed = day
        self.after_read(secret)
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name, "VersionId": version.version_id}
        if version.sealed.binary:  # type: ignore[union-attr]
            out["SecretBinary"] = value
        else:
            out["SecretString"] = value.decode()
        out["VersionStages"] = secret.stages_of(version.version_id)
        out["CreatedDate"] = version.created
        return out

    def _select_version(self, secret: Secret, version_id: str | None, stage: str | None) -> Version:
        if version_id is not None:
            check_length(check_str(version_id, "VersionId"), "versionId", _TOKEN_MIN, _TOKEN_MAX)
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

    @operation("PutSecretValue")
    def put_secret_value(
        self,
        *,
        SecretId: str,
        ClientRequestToken: str | None = None,
        SecretBinary: bytes | None = None,
        SecretString: str | None = None,
        VersionStages: list[str] | None = None,
        RotationToken: str | None = None,
    ) -> dict[str, Any]:
        secret = self._writable(SecretId)
        token = self._check_token(ClientRequestToken) if ClientRequestToken is not None else self.env.ids.uuid()
        value = self._value(SecretString, SecretBinary, required=True)
        assert value is not None
        stages = self._check_stages(VersionStages) if VersionStages is not None else [CURRENT]
        if CURRENT not in secret.labels and CURRENT not in stages:
            # AWS: the first version of a secret always gets AWSCURRENT as well.
            stages.append(CURRENT)
        if RotationToken is not None:
            check_length(check_str(RotationToken, "RotationToken"), "rotationToken", 36, 256)
        same = self._same_token(secret, token, value)
        if same is not None:
            return {"ARN": secret.arn, "Name": secret.name, "VersionId": token, "VersionStages": secret.stages_of(token)}
        self._check_label_room(secret, stages, token)
        placeholder = secret.versions.get(token)
        if placeholder is not None:
            # Rotation's AWSPENDING placeholder: the version id is reserved, the value arrives now.
            placeholder.sealed = self.seal_value(secret, token, *value)
            placeholder.fingerprint = self._fingerprint(*value)
        else:
            self._new_version(secret, token, *value)
        for label in stages:
            secret.attach(label, token)
        secret.prune(self.env.clock.now)
        if CURRENT in stages:
            self.after_new_current(secret, manual=True)
        self._changed(secret)
        return {"ARN": secret.arn, "Name": secret.name, "VersionId": token, "VersionStages": secret.stages_of(token)}

    def _check_stages(self, stages: object) -> list[str]:
        rows = check_list(stages, "VersionStages", 1, 20)
        for label in rows:
            check_length(check_str(label, "VersionStages"), "versionStages.member", 1, 256)
        return list(dict.fromkeys(rows))

    def _check_label_room(self, secret: Secret, new_labels: list[str], version_id: str) -> None:
        labels = set(secret.labels) | set(new_labels)
        if CURRENT in new_labels and CURRENT in secret.labels and secret.labels[CURRENT] != version_id:
            labels.add("AWSPREVIOUS")
        if len(labels) > 20:
            raise fail("LimitExceededException", "A secret can have at most 20 staging labels.")

    @operation("UpdateSecret")
    def update_secret(
        self,
        *,
        SecretId: str,
        ClientRequestToken: str | None = None,
        Description: str | None = None,
        KmsKeyId: str | None = None,
        SecretBinary: bytes | None = None,
        SecretString: str | None = None,
        Type: str | None = None,
    ) -> dict[str, Any]:
        secret = self._writable(SecretId)
        token = self._check_token(ClientRequestToken) if ClientRequestToken is not None else self.env.ids.uuid()
        self._check_description(Description)
        self._check_key_id(KmsKeyId)
        value = self._value(SecretString, SecretBinary, required=False)
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
        if value is not None:
            same = self._same_token(secret, token, value)
            if same is not None:
                out["VersionId"] = token
                return out
        if KmsKeyId is not None and KmsKeyId != secret.kms_key_id:
            self._rekey(secret, KmsKeyId)
        if Description is not None:
            secret.description = Description
        if value is not None:
            self._new_version(secret, token, *value)
            secret.attach(CURRENT, token)
            secret.prune(self.env.clock.now)
            self.after_new_current(secret, manual=True)
            out["VersionId"] = token
        self._changed(secret)
        return out

    def _rekey(self, secret: Secret, key_id: str) -> None:
        """Re-encrypt the labelled versions under a new key; all or nothing."""
        old_key = secret.kms_key_id
        secret.kms_key_id = key_id
        try:
            resealed = {}
            for vid in set(secret.labels.values()):
                version = secret.versions[vid]
                if version.has_value:
                    plain = self.open_value(secret, version)
                    resealed[vid] = self.seal_value(secret, vid, plain, version.sealed.binary)  # type: ignore[union-attr]
        except ClientError:
            secret.kms_key_id = old_key
            raise
        for vid, sealed in resealed.items():
            secret.versions[vid].sealed = sealed

    @operation("UpdateSecretVersionStage")
    def update_secret_version_stage(
        self,
        *,
        SecretId: str,
        VersionStage: str,
        RemoveFromVersionId: str | None = None,
        MoveToVersionId: str | None = None,
    ) -> dict[str, Any]:
        secret = self._writable(SecretId)
        check_length(check_str(VersionStage, "VersionStage"), "versionStage", 1, 256)
        for field_name, vid in (("removeFromVersionId", RemoveFromVersionId), ("moveToVersionId", MoveToVersionId)):
            if vid is not None:
                check_length(check_str(vid, field_name), field_name, _TOKEN_MIN, _TOKEN_MAX)
        holder = secret.labels.get(VersionStage)
        if MoveToVersionId is not None and MoveToVersionId not in secret.versions:
            raise fail("InvalidParameterException", f"The version {MoveToVersionId} doesn't exist for this secret.")
        if RemoveFromVersionId is not None:
            if RemoveFromVersionId not in secret.versions:
                raise fail("InvalidParameterException", f"The version {RemoveFromVersionId} doesn't exist for this secret.")
            if holder != RemoveFromVersionId:
                raise fail(
                    "InvalidParameterException",
                    f"The parameter RemoveFromVersionId is not valid. Staging label {VersionStage} is not attached to version {RemoveFromVersionId}.",
                )
        if MoveToVersionId is None:
            if RemoveFromVersionId is None:
                raise fail("InvalidParameterException", "You must specify MoveToVersionId or RemoveFromVersionId.")
            if VersionStage == CURRENT:
                raise fail(
                    "InvalidParameterException",
                    "You can't remove the staging label AWSCURRENT from a version without moving it to another version.",
                )
            secret.detach(VersionStage)
        elif holder != MoveToVersionId:
            if holder is not None and RemoveFromVersionId is None:
                raise fail(
                    "InvalidParameterException",
                    f"The parameter RemoveFromVersionId can't be empty. Staging label {VersionStage} is currently attached "
                    f"to version {holder}, so you must explicitly reference that version in RemoveFromVersionId.",
                )
            if VersionStage not in secret.labels:
                self._check_label_room(secret, [VersionStage], MoveToVersionId)
            secret.attach(VersionStage, MoveToVersionId)
            if VersionStage == CURRENT:
                self.after_new_current(secret, manual=False)
        secret.prune(self.env.clock.now)
        self._changed(secret)
        return {"ARN": secret.arn, "Name": secret.name}

    @operation("DescribeSecret")
    def describe_secret(self, *, SecretId: str) -> dict[str, Any]:
        secret = self.find(SecretId)
        return self.describe(secret)

    def describe(self, secret: Secret, *, stages_key: str = "VersionIdsToStages") -> dict[str, Any]:
        """DescribeSecret's fields, omitting those that have no value, as AWS does."""
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
        if secret.description is not None:
            out["Description"] = secret.description
        if secret.kms_key_id is not None:
            out["KmsKeyId"] = secret.kms_key_id
        if secret.rotation_enabled is not None:
            out["RotationEnabled"] = secret.rotation_enabled
        if secret.rotation_lambda_arn is not None:
            out["RotationLambdaARN"] = secret.rotation_lambda_arn
        if secret.rotation_rules is not None:
            out["RotationRules"] = dict(secret.rotation_rules)
        if secret.last_rotated is not None:
            out["LastRotatedDate"] = secret.last_rotated
        if secret.last_changed is not None:
            out["LastChangedDate"] = secret.last_changed
        if secret.last_accessed is not None:
            out["LastAccessedDate"] = secret.last_accessed
        if secret.deleted_date is not None:
            out["DeletedDate"] = secret.deleted_date
        if secret.next_rotation is not None and secret.rotation_enabled:
            out["NextRotationDate"] = secret.next_rotation
        if secret.tags:
            out["Tags"] = [dict(t) for t in secret.tags]
        out[stages_key] = secret.version_ids_to_stages()
        out["CreatedDate"] = secret.created
        if secret.primary_region is not None:
            out["PrimaryRegion"] = secret.primary_region
        if secret.replicas:
            out["ReplicationStatus"] = self.replication_status(secret)
        return out

    @operation("DeleteSecret")
    def delete_secret(
        self,
        *,
        SecretId: str,
        RecoveryWindowInDays: int | None = None,
        ForceDeleteWithoutRecovery: bool | None = None,
    ) -> dict[str, Any]:
        if RecoveryWindowInDays is not None and ForceDeleteWithoutRecovery:
            raise fail(
                "InvalidParameterException",
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
            )
        if RecoveryWindowInDays is not None:
            check_int(RecoveryWindowInDays, "RecoveryWindowInDays")
            if not 7 <= RecoveryWindowInDays <= 30:
                raise fail(
                    "InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
                )
        if ForceDeleteWithoutRecovery is not None:
            check_bool(ForceDeleteWithoutRecovery, "ForceDeleteWithoutRecovery")
        try:
            secret = self.find(SecretId)
        except ClientError as exc:
            if ForceDeleteWithoutRecovery and exc.code == "ResourceNotFoundException":
                # Force-deleting what is not there succeeds, as on AWS.
                sid = str(SecretId)
                name = sid.rsplit(":", 1)[-1] if sid.startswith("arn:") else sid
                return {"ARN": sid if sid.startswith("arn:") else self._arn(f"secret:{name}"), "Name": name, "DeletionDate": self.env.clock.now}
            raise
        if secret.is_replica:
            raise fail("InvalidParameterException", ON_REPLICA)
        if secret.replicas:
            regions = ", ".join(secret.replicas)
            raise fail(
                "InvalidParameterException", f"You can't delete secret {secret.arn} that still has replica regions [{regions}]."
            )
        now = self.env.clock.now
        if ForceDeleteWithoutRecovery:
            if not secret.pending_deletion:
                self._lifecycle("stop", secret)
            self._purge(secret)
            return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": now}
        if secret.pending_deletion:
            raise fail("InvalidRequestException", MARKED_FOR_DELETION)
        window = RecoveryWindowInDays or 30
        secret.deleted_date = now
        deletion = now + timedelta(days=window)
        secret.deletion_timer = self.env.clock.schedule(deletion, lambda: self._purge(secret), label=f"purge {secret.name}")
        self._lifecycle("stop", secret)
        self.after_change(secret)
        return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": deletion}

    def _purge(self, secret: Secret) -> None:
        if self.by_arn.get(secret.arn) is not secret:
            return
        if secret.deletion_timer is not None:
            secret.deletion_timer.cancel()
        del self.by_arn[secret.arn]
        if self.by_name.get(secret.name) is secret:
            del self.by_name[secret.name]
        self.after_purge(secret)
        self.env.events.record(self.env.clock.now, "notice", self.region, self.service_name, "SecretPurged", "OK", secret.arn)

    @operation("RestoreSecret")
    def restore_secret(self, *, SecretId: str) -> dict[str, Any]:
        secret = self.find(SecretId)
        if secret.is_replica:
            raise fail("InvalidParameterException", ON_REPLICA)
        if secret.pending_deletion:
            secret.deleted_date = None
            if secret.deletion_timer is not None:
                secret.deletion_timer.cancel()
                secret.deletion_timer = None
            self._lifecycle("start", secret)
            self._changed(secret)
        return {"ARN": secret.arn, "Name": secret.name}

    # --------------------------------------------------------------- hook defaults
    def after_read(self, secret: Secret) -> None:
        """Called after a successful read (replication records LastAccessedDate per region)."""
