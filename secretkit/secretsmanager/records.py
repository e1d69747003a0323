"""The records of Secrets Manager: a secret, its versions, and the staging-label algebra.

One source of truth: ``Secret.labels`` maps each staging label to the one version that
holds it. Everything else (a version's stages, ``VersionIdsToStages``, which version is
current) is derived from that map, so the two can never disagree. :func:`describe` shows a
secret the way DescribeSecret and ListSecrets do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

__all__ = ["CURRENT", "PENDING", "PREVIOUS", "Sealed", "Secret", "Version", "describe"]

CURRENT = "AWSCURRENT"
PENDING = "AWSPENDING"
PREVIOUS = "AWSPREVIOUS"

#: Unlabelled versions beyond this many may be removed, but never one younger than a day.
MAX_DEPRECATED_VERSIONS = 100
MIN_VERSION_AGE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Sealed:
    """A value encrypted under its own data key; the data key is wrapped by a KMS key."""

    key_arn: str  # the KMS key that wrapped the data key
    wrapped_key: bytes  # KMS ciphertext blob of the data key
    ciphertext: bytes  # nonce | AES-GCM ciphertext+tag of the value
    binary: bool  # SecretBinary (True) or SecretString (False)


@dataclass(slots=True)
class Version:
    version_id: str
    created: datetime
    sealed: Sealed | None = None  # None: a placeholder (rotation's AWSPENDING before createSecret)
    last_accessed: datetime | None = None
    fingerprint: bytes = b""  # keyed hash of the value, for ClientRequestToken idempotency
    # Nothing about what the value is bound to is kept here: a read derives it from the
    # secret's ARN, this version's id and the binary flag (see store.open_value).

    @property
    def has_value(self) -> bool:
        return self.sealed is not None


@dataclass(slots=True)
class Secret:
    name: str
    arn: str
    created: datetime
    description: str | None = None
    kms_key_id: str | None = None  # as given by the user; None means aws/secretsmanager
    tags: list[dict[str, str]] = field(default_factory=list)
    versions: dict[str, Version] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # label -> version id
    last_changed: datetime | None = None
    last_accessed: datetime | None = None
    deleted_date: datetime | None = None
    deletion_timer: Any = None
    resource_policy: str | None = None
    # rotation (see rotation.py)
    rotation_enabled: bool | None = None
    rotation_lambda_arn: str | None = None
    rotation_rules: dict[str, Any] | None = None
    last_rotated: datetime | None = None
    next_rotation: datetime | None = None
    # replication (see replication.py)
    primary_region: str | None = None  # set on a replica: the region of its primary
    replicas: dict[str, Any] = field(default_factory=dict)  # region -> ReplicaLink (sync.py) on a primary
    # the AWS service that made and manages this secret ("rds"), None for the account's own (owned.py)
    owning_service: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ label algebra
    def stages_of(self, version_id: str) -> list[str]:
        return [label for label, vid in self.labels.items() if vid == version_id]

    def current(self) -> Version | None:
        vid = self.labels.get(CURRENT)
        return self.versions.get(vid) if vid is not None else None

    def attach(self, label: str, version_id: str) -> None:
        """Put ``label`` on ``version_id``, taking it off whichever version held it.

        Moving ``AWSCURRENT`` also moves ``AWSPREVIOUS`` onto the version that lost it.
        """
        old = self.labels.get(label)
        if old == version_id:
            return
        self.labels[label] = version_id
        if label == CURRENT and old is not None:
            self.labels[PREVIOUS] = old

    def detach(self, label: str) -> None:
        self.labels.pop(label, None)

    def version_ids_to_stages(self) -> dict[str, list[str]]:
        """Every labelled version with its labels, in version creation order."""
        by_version: dict[str, list[str]] = {}
        for label, vid in self.labels.items():
            by_version.setdefault(vid, []).append(label)
        return {vid: by_version[vid] for vid in self.versions if vid in by_version}

    def prune(self, now: datetime) -> list[str]:
        """Drop the oldest unlabelled versions beyond 100, never one younger than 24 hours."""
        if len(self.versions) <= MAX_DEPRECATED_VERSIONS:
            return []  # not even counting the labelled ones is there anything beyond the limit
        labelled = set(self.labels.values())
        deprecated = [v for v in self.versions.values() if v.version_id not in labelled]
        dropped: list[str] = []
        excess = len(deprecated) - MAX_DEPRECATED_VERSIONS
        for version in deprecated:
            if excess <= 0:
                break
            if now - version.created >= MIN_VERSION_AGE:
                del self.versions[version.version_id]
                dropped.append(version.version_id)
                excess -= 1
        return dropped

    @property
    def is_replica(self) -> bool:
        return self.primary_region is not None

    @property
    def pending_deletion(self) -> bool:
        return self.deleted_date is not None


def describe(secret: Secret, *, stages_key: str = "VersionIdsToStages") -> dict[str, Any]:
    """DescribeSecret's fields of ``secret``, omitting those that have no value, as AWS does.

    ``stages_key`` is ``SecretVersionsToStages`` in a ListSecrets entry. ``ReplicationStatus``
    is not here: the replicas live in other regions, and only replication can say how they are.
    """
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
    if secret.owning_service is not None:
        out["OwningService"] = secret.owning_service
    return out
