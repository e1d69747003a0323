"""How a replica secret is kept in step with its primary: the link and the copy.

A primary secret holds one :class:`ReplicaLink` per replica region (in ``Secret.replicas``).
The link remembers what AWS shows in ``ReplicationStatus`` (status, message) and what the
model needs to finish the job: how far the replica has caught up, the timer of the next
copy, and which region it is waiting for when one is unreachable.

The copy itself (:func:`copy_to_replica`) is a full mirror: the same version ids, the same
staging labels, the same metadata. Values are never moved as ciphertext: each one is
decrypted with the primary's KMS key and sealed again under the replica region's key,
with the *replica's* ARN in the encryption context, exactly as two independent regional
services would have to do it. All new ciphertexts are made before anything is stored, so
a KMS failure halfway leaves the replica as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .records import Sealed, Secret, Version

if TYPE_CHECKING:
    from ..core.clock import Timer
    from .store import SecretStore

__all__ = ["DEFAULT_KEY", "NameClash", "ReplicaLink", "copy_to_replica", "replica_arn"]

DEFAULT_KEY = "alias/aws/secretsmanager"

# Status values AWS uses for same-account replicas (Pending/Detached are cross-account only).
IN_PROGRESS = "InProgress"
IN_SYNC = "InSync"
FAILED = "Failed"


def replica_arn(primary_arn: str, region: str) -> str:
    """The replica's ARN: the primary's with the region swapped (same 6-character suffix)."""
    parts = primary_arn.split(":")
    parts[3] = region
    return ":".join(parts)


@dataclass(slots=True)
class ReplicaLink:
    """One primary -> replica-region relationship, as the primary's region tracks it."""

    region: str
    kms_key_id: str | None  # as given in AddReplicaRegions; None means that region's aws/secretsmanager
    force: bool  # ForceOverwriteReplicaSecret at the time the region was added
    status: str = IN_PROGRESS
    message: str | None = None
    synced_seq: int = 0  # the primary's change counter the replica has caught up with
    unsynced_since: datetime | None = None  # first change the replica has not received yet
    timer: Timer | None = None
    waiting_for: str | None = None  # a region that must recover before the copy can land
    copied: dict[str, Sealed] = field(default_factory=dict)  # version id -> primary ciphertext copied
    key_arn: str | None = None  # the replica-region key of the last copy

    def status_entry(self, last_accessed: datetime | None) -> dict[str, Any]:
        """This replica as one ``ReplicationStatusType`` entry."""
        out: dict[str, Any] = {"Region": self.region, "KmsKeyId": self.kms_key_id or DEFAULT_KEY, "Status": self.status}
        if self.message is not None:
            out["StatusMessage"] = self.message
        if last_accessed is not None:
            out["LastAccessedDate"] = last_accessed
        return out


class NameClash(Exception):
    """The replica region already holds another secret with this name."""


def copy_to_replica(source: SecretStore, primary: Secret, target: SecretStore, link: ReplicaLink) -> Secret:
    """Make the replica in ``target``'s region an exact copy of ``primary``; return it.

    Raises :class:`NameClash` when another secret holds the name there and the link may not
    overwrite it, and the AWS ``ClientError`` of a KMS failure on either side.
    """
    arn = replica_arn(primary.arn, target.region)
    replica = target.by_arn.get(arn)
    if replica is not None and replica.primary_region != source.region:
        replica = None  # e.g. a replica promoted earlier: a standalone secret now, not ours
    if replica is None:
        holder = target.by_name.get(primary.name)
        if holder is not None and (not link.force or holder.is_replica or holder.replicas):
            # Even with ForceOverwriteReplicaSecret, a secret that is itself part of a
            # replication (a replica, or a primary with replicas) is not thrown away.
            raise NameClash(primary.name)
        replica = Secret(primary.name, arn, primary.created, kms_key_id=link.kms_key_id)
        replica.primary_region = source.region
    else:
        holder = None
    replica.kms_key_id = link.kms_key_id
    fresh, removed, key_arn, full = _reseal(source, primary, target, replica, link)
    # Nothing failed: from here on the copy is applied in full.
    if holder is not None:
        _evict(target, holder)
    if target.by_arn.get(arn) is not replica:
        target.add(replica)
        target.lifecycle("start", replica)
    _apply_versions(primary, replica, link, fresh, removed, full)
    replica.labels = dict(primary.labels)
    replica.description = primary.description
    replica.tags = [dict(t) for t in primary.tags]
    replica.resource_policy = primary.resource_policy
    replica.rotation_enabled = primary.rotation_enabled
    replica.rotation_lambda_arn = primary.rotation_lambda_arn
    replica.rotation_rules = dict(primary.rotation_rules) if primary.rotation_rules is not None else None
    replica.last_rotated = primary.last_rotated
    replica.next_rotation = primary.next_rotation
    replica.last_changed = primary.last_changed
    link.key_arn = key_arn
    return replica


def _reseal(
    source: SecretStore, primary: Secret, target: SecretStore, replica: Secret, link: ReplicaLink
) -> tuple[dict[str, Version], set[str], str, bool]:
    """The replica versions to (re)write, the version ids to drop, the replica key, and
    whether the whole version list is rebuilt.

    Only versions whose ciphertext on the primary changed since the last copy are
    decrypted and sealed again, unless the replica's key changed: then all of them are.
    Nothing is stored here, so a KMS failure leaves the replica untouched.
    """
    key_arn: str = target.key_for(replica).arn  # raises EncryptionFailure for a key that does not exist
    mine, copied = replica.versions, link.copied
    full = link.key_arn != key_arn
    if full:
        todo = list(primary.versions)
        removed: set[str] = set()
    else:
        todo = [vid for vid, v in primary.versions.items() if copied.get(vid) is not v.sealed or vid not in mine]
        removed = mine.keys() - primary.versions.keys()
    fresh: dict[str, Version] = {}
    for vid in todo:
        version = primary.versions[vid]
        copy = Version(vid, version.created)
        old = mine.get(vid)
        if old is not None:
            copy.last_accessed = old.last_accessed
        if version.sealed is not None:
            plain = source.open_value(primary, version)
            copy.sealed = target.seal_value(replica, vid, plain, version.sealed.binary)
            copy.fingerprint = target.fingerprint(plain, version.sealed.binary)
        fresh[vid] = copy
    return fresh, removed, key_arn, full


def _apply_versions(
    primary: Secret, replica: Secret, link: ReplicaLink, fresh: dict[str, Version], removed: set[str], full: bool
) -> None:
    """Store the new copies, keeping the replica's versions in the primary's order.

    New versions are always appended on the primary, so appending them here (after the
    pruned ones are dropped) keeps both lists in the same order without a rebuild.
    """
    if full:
        replica.versions = fresh
        link.copied = {vid: v.sealed for vid, v in primary.versions.items() if v.sealed is not None}
        return
    for vid in removed:
        del replica.versions[vid]
        link.copied.pop(vid, None)
    for vid, copy in fresh.items():
        replica.versions[vid] = copy
        sealed = primary.versions[vid].sealed
        if sealed is not None:
            link.copied[vid] = sealed
        else:
            link.copied.pop(vid, None)


def _evict(target: SecretStore, holder: Secret) -> None:
    """ForceOverwriteReplicaSecret: the secret that held the name gives way to the replica."""
    if holder.deletion_timer is not None:
        holder.deletion_timer.cancel()
    target.remove(holder)
    if not holder.pending_deletion:
        target.lifecycle("stop", holder)
    target.notice("SecretOverwrittenByReplica", holder.arn)
