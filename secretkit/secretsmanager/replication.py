"""Replication of secrets to other regions: replicas, their sync, outages and promotion.

:class:`Replication` is the part of :class:`~secretkit.secretsmanager.service.SecretsManager`
that serves these operations. It reaches the other regions only through the ``peer``
callable the facade hands it (another region's replication part).

How it behaves
--------------
* ``CreateSecret(AddReplicaRegions=...)`` or ``ReplicateSecretToRegions`` adds replica
  regions. Each replica lives in its own region's Secrets Manager, encrypted under that
  region's key (the one named in ``KmsKeyId``, or that region's ``aws/secretsmanager``),
  with the primary's ARN with the region swapped.
* Replication is asynchronous. Every change to the primary (a value, a label, the
  description, tags, a resource policy, rotation settings) marks each replica
  ``InProgress``; the copy lands :data:`REPLICATION_LAG` of simulated time later and the
  status becomes ``InSync``. Changes made during the lag travel together in one copy.
* If the replica's region is down when the copy is due, the status stays ``InProgress``
  with a ``StatusMessage`` saying which region is unreachable, and the copy lands once that
  region recovers. The same holds when the *primary's* region is down: nothing leaves it
  until it is back. We chose ``InProgress`` rather than ``Failed`` for outages because
  ``Failed`` on AWS is reserved for conditions that need someone to act (a name already
  taken, a KMS key that cannot be used); an outage ends on its own and the copy resumes.
* A name already used by another secret in the target region gives ``Failed`` with
  ``Replication failed: Secret name ... already exists in region ...`` unless
  ``ForceOverwriteReplicaSecret`` was set, in which case the replica replaces it.
* ``StopReplicationToReplica``, called in the replica's region, promotes the replica to a
  standalone secret; the primary forgets that region. Changes the replica had not
  received yet are reported (a ``ReplicaPromotedBehind`` notice, and
  :meth:`sync_backlog` before promotion), never silently dropped: they remain on the
  primary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from ..core.checks import check_bool, check_length, check_list, check_pattern, check_str, fail
from ..core.context import note
from ..core.errors import ClientError
from ..core.service import operation
from .records import Secret
from .store import Part, SecretStore
from .sync import FAILED, IN_PROGRESS, IN_SYNC, NameClash, ReplicaLink, copy_to_replica, replica_arn

__all__ = ["REPLICATION_LAG", "Replication"]

#: Simulated time between a change on the primary and its arrival in every replica. Fixed
#: (not random) so that notebooks and tests can say exactly when a replica is in sync.
REPLICATION_LAG = timedelta(seconds=30)

_REGION_RE = re.compile(r"^([a-z]+-)+\d+$", re.ASCII)  # the service model's pattern, quoted as is in errors
INVALID_REGION = "Invalid replica region."
SUCCEEDED = "Replication succeeded"


def _unreachable(region: str) -> str:
    return f"Replication is waiting: Region {region} is unreachable. It resumes when the Region recovers."


class Replication(Part):
    """Replicas of this region's secrets in other regions, and the secrets replicated here."""

    def __init__(self, store: SecretStore, peer: Callable[[str], Replication] | None) -> None:
        super().__init__(store)
        self._peer = peer  # region -> that region's replication part (raises ValueError if unknown)
        #: Copies to this region from a primary elsewhere that wait for this region to recover.
        self.waiting: set[tuple[str, str]] = set()  # (primary region, primary ARN)

    # ================================================================ checks
    def check_replica_regions(self, regions: Any) -> list[dict[str, str]]:
        """Validate ``AddReplicaRegions``; return ``[{"Region", "KmsKeyId"?}]``."""
        rows = check_list(regions, "AddReplicaRegions", 1)
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        for row in rows:
            if not isinstance(row, dict):
                raise fail("ValidationException", f"Invalid type for parameter AddReplicaRegions, type: {type(row).__name__}, valid types: <class 'dict'>")
            unknown = set(row) - {"Region", "KmsKeyId"}
            if unknown:
                raise fail("ValidationException", f'Unknown parameter in AddReplicaRegions: "{min(unknown)}", must be one of: Region, KmsKeyId')
            region = row.get("Region")
            if region is None:
                raise fail("ValidationException", 'Missing required parameter in AddReplicaRegions: "Region"')
            check_length(check_str(region, "Region"), "addReplicaRegions.member.region", 1, 128)
            check_pattern(region, "addReplicaRegions.member.region", _REGION_RE)
            if region == self.region or not self._known_region(region):
                raise fail("InvalidParameterException", INVALID_REGION)
            if region in seen:
                raise fail("InvalidParameterException", f"You can't replicate to Region {region} twice in one request.")
            seen.add(region)
            entry = {"Region": region}
            key = row.get("KmsKeyId")
            if key is not None:
                check_length(check_str(key, "KmsKeyId"), "addReplicaRegions.member.kmsKeyId", 0, 2048)
                entry["KmsKeyId"] = key
            out.append(entry)
        return out

    def _known_region(self, region: str) -> bool:
        if self._peer is None:
            return False
        try:
            self._peer(region)
        except ValueError:
            return False
        return True

    # ================================================================ operations
    @operation("ReplicateSecretToRegions")
    def replicate_secret_to_regions(
        self,
        *,
        SecretId: str,
        AddReplicaRegions: list[dict[str, str]],
        ForceOverwriteReplicaSecret: bool = False,
    ) -> dict[str, Any]:
        secret = self.store.writable(SecretId)
        replicas = self.check_replica_regions(AddReplicaRegions)
        check_bool(ForceOverwriteReplicaSecret, "ForceOverwriteReplicaSecret")
        for entry in replicas:
            if entry["Region"] in secret.replicas:
                raise fail("InvalidParameterException", f"The secret is already replicated to Region {entry['Region']}.")
        note(regions=[e["Region"] for e in replicas])
        return {"ARN": secret.arn, "ReplicationStatus": self.add_replicas(secret, replicas, ForceOverwriteReplicaSecret)}

    @operation("RemoveRegionsFromReplication")
    def remove_regions_from_replication(
        self, *, SecretId: str, RemoveReplicaRegions: list[str]
    ) -> dict[str, Any]:
        secret = self.store.writable(SecretId)
        regions = check_list(RemoveReplicaRegions, "RemoveReplicaRegions", 1)
        for region in regions:
            check_length(check_str(region, "RemoveReplicaRegions"), "removeReplicaRegions.member", 1, 128)
            check_pattern(region, "removeReplicaRegions.member", _REGION_RE)
        note(regions=list(regions))
        for region in regions:
            link = secret.replicas.pop(region, None)
            if link is not None:  # repeating the call for a region already removed is harmless
                self._drop_replica(secret, link)
        return {"ARN": secret.arn, "ReplicationStatus": self.status(secret)}

    @operation("StopReplicationToReplica")
    def stop_replication_to_replica(self, *, SecretId: str) -> dict[str, Any]:
        secret = self.store.find(SecretId)
        if not secret.is_replica:
            raise fail(
                "InvalidRequestException",
                f"Secret {secret.arn} is not a replica secret. Call StopReplicationToReplica in the replica's Region.",
            )
        primary_region = secret.primary_region
        assert primary_region is not None and self._peer is not None
        behind: datetime | None = None
        source = self._peer(primary_region)
        primary = source.store.by_arn.get(replica_arn(secret.arn, primary_region))
        if primary is not None:
            link = primary.replicas.pop(self.region, None)
            if link is not None:
                if link.timer is not None:
                    link.timer.cancel()
                if link.synced_seq < _seq(primary):
                    behind = link.unsynced_since
        self.store.lifecycle("stop", secret)
        secret.primary_region = None
        self.store.lifecycle("start", secret)
        if behind is not None:
            # The primary kept changes this replica never received: say so, loudly.
            self.store.notice(
                "ReplicaPromotedBehind", secret.arn, {"primary_region": primary_region, "unsynced_since": behind.isoformat()}
            )
        self.store.notice("ReplicaPromoted", secret.arn, {"primary_region": primary_region})
        return {"ARN": secret.arn}

    # ================================================================ hooks
    def add_replicas(self, secret: Secret, replicas: list[dict[str, str]], force: bool) -> list[dict[str, Any]]:
        """Link each region to ``secret`` and schedule its first copy; return every replica's status."""
        for entry in replicas:
            link = ReplicaLink(entry["Region"], entry.get("KmsKeyId"), force, synced_seq=-1)  # never copied yet
            secret.replicas[link.region] = link
            link.unsynced_since = self.env.clock.now
            target = self._peer(link.region)  # type: ignore[misc]
            holder = target.store.by_name.get(secret.name)
            if holder is not None and (not force or holder.is_replica or holder.replicas):
                # AWS reports a name clash at once, in the response.
                self._set_status(secret, link, FAILED, _clash(secret.name, link.region))
            else:
                self._schedule_sync(secret, link)
        return self.status(secret)

    def status(self, secret: Secret) -> list[dict[str, Any]]:
        """``ReplicationStatus``: one entry per replica region, with the replica's LastAccessedDate."""
        out = []
        for region, link in secret.replicas.items():
            replica = self._peer(region).store.by_arn.get(replica_arn(secret.arn, region)) if self._peer else None
            out.append(link.status_entry(replica.last_accessed if replica is not None else None))
        return out

    def after_change(self, secret: Secret) -> None:
        """Called after every change to a secret: each replica is now behind."""
        if not secret.replicas:
            return
        secret.extra["replication_seq"] = _seq(secret) + 1
        now = self.env.clock.now
        for link in secret.replicas.values():
            if link.unsynced_since is None:
                link.unsynced_since = now
            if link.waiting_for is not None:
                continue  # still InProgress, still saying which region it waits for
            self._set_status(secret, link, IN_PROGRESS, None)  # a Failed replica is retried too
            if link.timer is None:
                self._schedule_sync(secret, link)

    def after_purge(self, secret: Secret) -> None:
        """Called when a secret is gone for good: stop any copy still scheduled."""
        for link in secret.replicas.values():
            if link.timer is not None:
                link.timer.cancel()

    def on_region_recovered(self) -> None:
        """Called by ``Cloud.recover``: resume every copy that waited for this region."""
        for secret in list(self.store.by_arn.values()):
            for link in secret.replicas.values():
                if link.waiting_for == self.region:
                    self._resume(secret, link)
        waiting, self.waiting = self.waiting, set()
        for primary_region, arn in sorted(waiting):
            source = self._peer(primary_region)  # type: ignore[misc]
            primary = source.store.by_arn.get(arn)
            link = primary.replicas.get(self.region) if primary is not None else None
            if primary is not None and link is not None and link.waiting_for == self.region:
                source._resume(primary, link)

    # ================================================================ reporting
    def sync_backlog(self) -> list[dict[str, Any]]:
        """Changes made in this region that some replica has not received yet.

        A plain method, not an API call: it works while the region is down, which is when
        you need it (what would a promotion leave behind?).
        """
        rows = []
        for secret in self.store.by_arn.values():
            for link in secret.replicas.values():
                if link.synced_seq < _seq(secret):
                    rows.append({
                        "Name": secret.name,
                        "ARN": secret.arn,
                        "Region": link.region,
                        "Status": link.status,
                        "UnsyncedSince": link.unsynced_since,
                        "WaitingFor": link.waiting_for,
                    })
        return rows

    # ================================================================ the sync
    def _schedule_sync(self, secret: Secret, link: ReplicaLink) -> None:
        clock = self.env.clock
        link.timer = clock.schedule(
            clock.now + REPLICATION_LAG, partial(self._sync, secret, link), label=f"replicate {secret.name} to {link.region}"
        )

    def _resume(self, secret: Secret, link: ReplicaLink) -> None:
        link.waiting_for = None
        if link.timer is None:
            self._schedule_sync(secret, link)

    def _sync(self, secret: Secret, link: ReplicaLink) -> None:
        """The copy falls due: land it, or record why it must wait or failed."""
        link.timer = None
        if secret.replicas.get(link.region) is not link or self.store.by_arn.get(secret.arn) is not secret:
            return  # the region was removed or the secret purged meanwhile
        target = self._peer(link.region)  # type: ignore[misc]
        for region in (self.region, link.region):
            env = self.env if region == self.region else target.env
            if env.down:
                link.waiting_for = region
                if region != self.region:
                    # The replica's region keeps the list: its recovery is what resumes the copy.
                    target.waiting.add((self.region, secret.arn))
                self._set_status(secret, link, IN_PROGRESS, _unreachable(region))
                return
        seq = _seq(secret)
        try:
            copy_to_replica(self.store, secret, target.store, link)
        except NameClash:
            self._set_status(secret, link, FAILED, _clash(secret.name, link.region))
            return
        except ClientError as exc:
            self._set_status(secret, link, FAILED, f"Replication failed: {exc.message}")
            return
        link.synced_seq = seq
        link.unsynced_since = None
        self._set_status(secret, link, IN_SYNC, SUCCEEDED)

    def _set_status(self, secret: Secret, link: ReplicaLink, status: str, message: str | None) -> None:
        changed = (link.status, link.message) != (status, message)
        link.status, link.message = status, message
        if changed:
            detail = {"region": link.region, "status": status}
            if message is not None:
                detail["message"] = message
            self.store.notice("ReplicationStatus", secret.arn, detail)

    def _drop_replica(self, secret: Secret, link: ReplicaLink) -> None:
        """RemoveRegionsFromReplication: the replica is deleted at once, with no recovery window."""
        if link.timer is not None:
            link.timer.cancel()
        target = self._peer(link.region)  # type: ignore[misc]
        arn = replica_arn(secret.arn, link.region)
        replica = target.store.by_arn.get(arn)
        if replica is not None and replica.primary_region == self.region:  # never a secret that is not ours
            target.store.remove(replica)
            target.store.lifecycle("stop", replica)


def _seq(secret: Secret) -> int:
    """How many changes the primary has had since it got replicas (0 before any)."""
    return int(secret.extra.get("replication_seq", 0))


def _clash(name: str, region: str) -> str:
    return f"Replication failed: Secret name {name} already exists in region {region}."
