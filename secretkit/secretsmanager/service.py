"""Secrets Manager, one per region: the facade whose methods are the service's operations.

:class:`SecretsManager` owns the secrets of its region (a
:class:`~secretkit.secretsmanager.store.SecretStore`) and the parts that work on them, each
handed that store:

* :mod:`.rotation` (``RotateSecret``, ``CancelRotateSecret``, the schedule, and the four
  steps a rotation function runs), with the rules in :mod:`.schedule`;
* :mod:`.replication` (replicas in other regions, their status, promotion), with the copy
  itself in :mod:`.sync`;
* :mod:`.listing` (``ListSecrets``, ``ListSecretVersionIds``, ``BatchGetSecretValue``);
* :mod:`.tags`, :mod:`.policies` (resource policies) and :mod:`.passwords`
  (``GetRandomPassword``);
* :mod:`.owned` (``facade.owned``): the secrets another service owns (RDS's master user
  secrets), the calls their owner makes, and their managed rotation.

The operations on a secret and its values (create, read, write, label, describe, delete,
restore) are written here; each of the others is served by its part (see
:class:`~secretkit.core.service.served_by`). The records are in :mod:`.records`, the
argument rules in :mod:`.checks`. Values are sealed and opened by the store: every version
is encrypted for real under the secret's KMS key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from ..core.checks import check_bool, check_int, check_length, check_str, fail
from ..core.context import touch
from ..core.errors import ClientError
from ..core.service import Env, Service, operation, served_by
from ..kms import Kms
from .access import RULES
from .checks import (
    TOKEN_MAX,
    TOKEN_MIN,
    check_description,
    check_key_id,
    check_label_room,
    check_name,
    check_stages,
    check_token,
    check_value,
)
from .crossaccount import refuse_cross_account_primary
from .listing import Listing
from .owned import OwnedSecrets
from .passwords import Passwords
from .policies import ResourcePolicies
from .records import CURRENT, Secret, Version, describe
from .replication import Replication
from .rotation import Functions, Rotation
from .store import MANAGED_BY_SERVICE, MARKED_FOR_DELETION, ON_REPLICA, SecretStore
from .tags import Tags, check_tags

__all__ = ["SecretsManager"]


def _peer_replication(peer: Callable[[str], SecretsManager], region: str) -> Replication:
    """The replication part of ``region``'s Secrets Manager (what replication reaches)."""
    return peer(region).replication


class SecretsManager(Service):
    """The Secrets Manager of one region. Methods mirror boto3's, with AWS's arguments.

    The Cloud builds it with what it may reach outside itself: ``peer(region)`` (another
    region's Secrets Manager, for replication) and ``functions(region)`` (a region's Lambda
    service, which runs the rotation functions).
    """

    service_name = "secretsmanager"
    access = RULES  # what each operation is about, for access control (see .access)

    def __init__(
        self,
        env: Env,
        kms: Kms,
        peer: Callable[[str], SecretsManager] | None = None,
        *,
        functions: Functions | None = None,
    ) -> None:
        super().__init__(env)
        self.kms = kms
        self.store = store = SecretStore(env, kms)
        self.rotation = Rotation(store, functions)
        self.replication = Replication(store, partial(_peer_replication, peer) if peer is not None else None)
        self.listing = Listing(store)
        self.tags = Tags(store)
        self.policies = ResourcePolicies(store)
        self.passwords = Passwords(store)
        self.owned = self.rotation.owned = OwnedSecrets(store, self.rotation)  # secrets other services own
        store.on_change = self.replication.after_change
        store.on_purge = self.replication.after_purge

    # ------------------------------------------------------- served by the parts
    rotate_secret = served_by("rotation", Rotation)
    cancel_rotate_secret = served_by("rotation", Rotation)
    replicate_secret_to_regions = served_by("replication", Replication)
    remove_regions_from_replication = served_by("replication", Replication)
    stop_replication_to_replica = served_by("replication", Replication)
    list_secrets = served_by("listing", Listing)
    list_secret_version_ids = served_by("listing", Listing)
    batch_get_secret_value = served_by("listing", Listing)
    tag_resource = served_by("tags", Tags)
    untag_resource = served_by("tags", Tags)
    put_resource_policy = served_by("policies", ResourcePolicies)
    get_resource_policy = served_by("policies", ResourcePolicies)
    delete_resource_policy = served_by("policies", ResourcePolicies)
    validate_resource_policy = served_by("policies", ResourcePolicies)
    get_random_password = served_by("passwords", Passwords)

    # ------------------------------------------------------- for notebooks and the Cloud
    def find(self, secret_id: object, *, deleted_ok: bool = True) -> Secret:
        """The record of a secret, by name, full ARN or partial ARN (not an API call)."""
        return self.store.find(secret_id, deleted_ok=deleted_ok)

    def open_value(self, secret: Secret, version: Version) -> bytes:
        """Decrypt one version's value through KMS, as a read does (not an API call)."""
        return self.store.open_value(secret, version)

    def describe(self, secret: Secret) -> dict[str, Any]:
        """DescribeSecret's answer for ``secret``, replication status included."""
        out = describe(secret)
        if secret.replicas:
            out["ReplicationStatus"] = self.replication.status(secret)
        return out

    def sync_backlog(self) -> list[dict[str, Any]]:
        """Changes made in this region that some replica has not received yet (see :mod:`.replication`)."""
        return self.replication.sync_backlog()

    def on_region_recovered(self) -> None:
        """Called by ``Cloud.recover``: copies that waited for this region resume."""
        self.replication.on_region_recovered()

    # ------------------------------------------------------- secrets and their values
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
        CrossAccountPrimaryARN: str | None = None,
    ) -> dict[str, Any]:
        store = self.store
        name = check_name(Name)
        if CrossAccountPrimaryARN is not None:  # a cross-account replica: refused, with AWS's errors
            refuse_cross_account_primary(CrossAccountPrimaryARN, self.env.account_id, self.region, KmsKeyId,
                                          SecretString, SecretBinary, Description, AddReplicaRegions, Type)
        token = check_token(ClientRequestToken) if ClientRequestToken is not None else self.env.ids.uuid()
        check_description(Description)
        check_key_id(KmsKeyId)
        value = check_value(SecretString, SecretBinary, required=False)
        tags = check_tags(Tags) if Tags else []
        check_bool(ForceOverwriteReplicaSecret, "ForceOverwriteReplicaSecret")
        replicas = self.replication.check_replica_regions(AddReplicaRegions) if AddReplicaRegions is not None else []
        existing = store.by_name.get(name)
        if existing is not None:
            touch(existing.arn)
            if existing.pending_deletion:
                raise fail(
                    "InvalidRequestException",
                    "You can't create this secret because a secret with this name is already scheduled for deletion.",
                )
            if ClientRequestToken is not None and not existing.is_replica:
                same = store.same_token(existing, token, value)
                if same is not None:
                    return {"ARN": existing.arn, "Name": existing.name, "VersionId": same.version_id}
            raise fail("ResourceExistsException", f"The operation failed because the secret {name} already exists.")
        now = self.env.clock.now
        secret = Secret(name, f"{store.arn_prefix}{name}-{self.env.ids.suffix()}", now, Description, KmsKeyId, tags)
        touch(secret.arn)
        if value is not None:
            store.new_version(secret, token, *value)  # raises EncryptionFailure before anything is stored
            secret.attach(CURRENT, token)
        secret.last_changed = now
        store.add(secret)
        store.lifecycle("start", secret)
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
        if value is not None:
            out["VersionId"] = token
        if replicas:
            out["ReplicationStatus"] = self.replication.add_replicas(secret, replicas, ForceOverwriteReplicaSecret)
        return out

    @operation("GetSecretValue")
    def get_secret_value(
        self, *, SecretId: str, VersionId: str | None = None, VersionStage: str | None = None
    ) -> dict[str, Any]:
        store = self.store
        secret = store.find(SecretId, deleted_ok=False)
        version = store.select_version(secret, VersionId, VersionStage)
        value = store.open_value(secret, version)
        secret.last_accessed = version.last_accessed = store.today()
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name, "VersionId": version.version_id}
        if version.sealed.binary:  # type: ignore[union-attr]
            out["SecretBinary"] = value
        else:
            out["SecretString"] = value.decode()
        out["VersionStages"] = secret.stages_of(version.version_id)
        out["CreatedDate"] = version.created
        return out

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
        store = self.store
        secret = store.writable(SecretId)
        token = check_token(ClientRequestToken) if ClientRequestToken is not None else self.env.ids.uuid()
        value = check_value(SecretString, SecretBinary, required=True)
        assert value is not None
        stages = check_stages(VersionStages) if VersionStages is not None else [CURRENT]
        if CURRENT not in secret.labels and CURRENT not in stages:
            # AWS: the first version of a secret always gets AWSCURRENT as well.
            stages.append(CURRENT)
        if RotationToken is not None:
            check_length(check_str(RotationToken, "RotationToken"), "rotationToken", 36, 256)
        same = store.same_token(secret, token, value)
        if same is not None:
            return {"ARN": secret.arn, "Name": secret.name, "VersionId": token, "VersionStages": secret.stages_of(token)}
        check_label_room(secret, stages, token)
        placeholder = secret.versions.get(token)
        if placeholder is not None:
            # Rotation's AWSPENDING placeholder: the version id is reserved, the value arrives now.
            placeholder.sealed = store.seal_value(secret, token, *value)
            placeholder.fingerprint = store.fingerprint(*value)
        else:
            store.new_version(secret, token, *value)
        for label in stages:
            secret.attach(label, token)
        secret.prune(self.env.clock.now)
        if CURRENT in stages:
            self.rotation.after_new_current(secret, manual=True)
        store.changed(secret)
        return {"ARN": secret.arn, "Name": secret.name, "VersionId": token, "VersionStages": secret.stages_of(token)}

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
        store = self.store
        secret = store.writable(SecretId)
        token = check_token(ClientRequestToken) if ClientRequestToken is not None else self.env.ids.uuid()
        check_description(Description)
        check_key_id(KmsKeyId)
        value = check_value(SecretString, SecretBinary, required=False)
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
        if value is not None:
            same = store.same_token(secret, token, value)
            if same is not None:
                out["VersionId"] = token
                return out
        if KmsKeyId is not None and KmsKeyId != secret.kms_key_id:
            self._rekey(secret, KmsKeyId)
        if Description is not None:
            secret.description = Description
        if value is not None:
            store.new_version(secret, token, *value)
            secret.attach(CURRENT, token)
            secret.prune(self.env.clock.now)
            self.rotation.after_new_current(secret, manual=True)
            out["VersionId"] = token
        store.changed(secret)
        return out

    def _rekey(self, secret: Secret, key_id: str) -> None:
        """Re-encrypt the labelled versions under a new key; all or nothing."""
        store = self.store
        old_key = secret.kms_key_id
        secret.kms_key_id = key_id
        try:
            resealed = {}
            for vid in set(secret.labels.values()):
                version = secret.versions[vid]
                if version.has_value:
                    plain = store.open_value(secret, version)
                    resealed[vid] = store.seal_value(secret, vid, plain, version.sealed.binary)  # type: ignore[union-attr]
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
        store = self.store
        secret = store.writable(SecretId)
        check_length(check_str(VersionStage, "VersionStage"), "versionStage", 1, 256)
        for field_name, vid in (("removeFromVersionId", RemoveFromVersionId), ("moveToVersionId", MoveToVersionId)):
            if vid is not None:
                check_length(check_str(vid, field_name), field_name, TOKEN_MIN, TOKEN_MAX)
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
                check_label_room(secret, [VersionStage], MoveToVersionId)
            secret.attach(VersionStage, MoveToVersionId)
            if VersionStage == CURRENT:
                self.rotation.after_new_current(secret, manual=False)
        secret.prune(self.env.clock.now)
        store.changed(secret)
        return {"ARN": secret.arn, "Name": secret.name}

    @operation("DescribeSecret")
    def describe_secret(self, *, SecretId: str) -> dict[str, Any]:
        secret = self.store.find(SecretId)
        out = describe(secret)  # what self.describe(secret) does, one call shorter: rotation runs this at every step
        if secret.replicas:
            out["ReplicationStatus"] = self.replication.status(secret)
        return out

    @operation("DeleteSecret")
    def delete_secret(
        self,
        *,
        SecretId: str,
        RecoveryWindowInDays: int | None = None,
        ForceDeleteWithoutRecovery: bool | None = None,
    ) -> dict[str, Any]:
        store = self.store
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
            secret = store.find(SecretId)
        except ClientError as exc:
            if ForceDeleteWithoutRecovery and exc.code == "ResourceNotFoundException":
                # Force-deleting what is not there succeeds, as on AWS.
                sid = str(SecretId)
                name = sid.rsplit(":", 1)[-1] if sid.startswith("arn:") else sid
                return {"ARN": sid if sid.startswith("arn:") else self._arn(f"secret:{name}"), "Name": name, "DeletionDate": self.env.clock.now}
            raise
        if secret.owning_service is not None:
            raise fail("InvalidRequestException", MANAGED_BY_SERVICE)
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
                store.lifecycle("stop", secret)
            store.purge(secret)
            return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": now}
        if secret.pending_deletion:
            raise fail("InvalidRequestException", MARKED_FOR_DELETION)
        window = RecoveryWindowInDays or 30
        secret.deleted_date = now
        deletion = now + timedelta(days=window)
        secret.deletion_timer = self.env.clock.schedule(deletion, partial(store.purge, secret), label=f"purge {secret.name}")
        store.lifecycle("stop", secret)
        store.on_change(secret)  # the listeners hear of it; LastChangedDate stays as it was
        return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": deletion}

    @operation("RestoreSecret")
    def restore_secret(self, *, SecretId: str) -> dict[str, Any]:
        store = self.store
        secret = store.find(SecretId)
        if secret.is_replica:
            raise fail("InvalidParameterException", ON_REPLICA)
        if secret.pending_deletion:
            secret.deleted_date = None
            if secret.deletion_timer is not None:
                secret.deletion_timer.cancel()
                secret.deletion_timer = None
            store.lifecycle("start", secret)
            store.changed(secret)
        return {"ARN": secret.arn, "Name": secret.name}
