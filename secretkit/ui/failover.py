"""The failover drill's controller: a replicated secret, an application, and buttons to break things.

Pure Python (no widget library). A :class:`FailoverDrill` owns a seeded
:class:`~secretkit.Cloud` with a secret in a primary region replicated to a second region,
and a :class:`~secretkit.apps.failover.FailoverApp` that reads it once a simulated minute,
preferring the primary and falling back to the replica when the primary's endpoint cannot
be reached. The controls are what an operator has in a real incident:

* :meth:`advance` lets time pass (the application keeps reading);
* :meth:`outage` / :meth:`recover` take a region down and bring it back;
* :meth:`promote` stops replication to the replica (``StopReplicationToReplica``), making
  it a standalone secret that accepts writes;
* :meth:`write` tries to store a new value, primary first: while the primary is down and
  the replica is not promoted, no region accepts it.

Some controls make no sense at some moments: taking down a region that is already down,
bringing back one that is up, promoting a replica that is already standalone or whose
region cannot be reached. :meth:`unavailable` says which, and why, so a dashboard can
disable those buttons and show the reason; called anyway, :meth:`outage` and
:meth:`recover` change nothing and log nothing, and :meth:`promote` reports AWS's answer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..apps.failover import FailoverApp
from ..cloud import Cloud
from ..core.errors import ClientError
from ..core.service import RegionUnavailableError
from ..secretsmanager.replication import REPLICATION_LAG

__all__ = ["FailoverDrill"]

SECRET_NAME = "prod/payments/api-key"
BUCKET = timedelta(minutes=10)


class FailoverDrill:
    """Requests per region and failures over time while you cause and handle an outage."""

    def __init__(self, primary: str = "us-east-1", replica: str = "us-west-2", seed: int = 11) -> None:
        if primary == replica:
            raise ValueError("primary and replica must be different regions")
        self.primary = primary
        self.replica = replica
        self.seed = seed
        self.reset()

    # ------------------------------------------------------------------ controls
    def reset(self) -> None:
        """A fresh Cloud: the secret replicated and in sync, the application reading."""
        self.cloud = Cloud(seed=self.seed, start="2026-03-02T09:00:00")
        self.regions = [self.primary, self.replica]
        sm = self.cloud.secretsmanager(self.primary)
        sm.create_secret(Name=SECRET_NAME, SecretString="key-1", AddReplicaRegions=[{"Region": self.replica}])
        self.cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() + 1)
        self.start = self.cloud.clock.now
        self.promoted = False
        self.writes = 1
        #: Each outage as [region, minute it began, minute it ended or None while ongoing].
        self.outages: list[list] = []
        self.log: list[str] = [f"00:00 {SECRET_NAME} in {self.primary}, replica in {self.replica}, in sync"]
        self.app = FailoverApp(self.cloud, SECRET_NAME, self.regions)
        self.app.start(timedelta(minutes=1))

    def _stamp(self) -> str:
        minutes = int((self.cloud.clock.now - self.start).total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def _region(self, region: str) -> str:
        if region not in self.regions:
            raise ValueError(f"region must be one of {self.regions}, got {region!r}")
        return region

    def advance(self, minutes: int = 10) -> None:
        """Let ``minutes`` of simulated time pass; the application reads once a minute."""
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
            raise ValueError(f"minutes must be a whole number from 1 to 1440, got {minutes!r}")
        self.cloud.clock.advance(minutes=minutes)

    def outage(self, region: str) -> None:
        """Take ``region`` down (nothing changes if it is down already)."""
        if self.cloud.is_down(self._region(region)):
            return
        self.outages.append([region, self.minutes, None])
        self.cloud.outage(region)
        self.log.append(f"{self._stamp()} {region} is down")

    def recover(self, region: str) -> None:
        """Bring ``region`` back (nothing changes if it is up)."""
        if not self.cloud.is_down(self._region(region)):
            return
        self.cloud.recover(region)
        for period in self.outages:
            if period[0] == region and period[2] is None:
                period[2] = self.minutes
        self.log.append(f"{self._stamp()} {region} is back")

    def unavailable(self) -> dict[str, str]:
        """The controls that make no sense right now, each with the reason.

        Keys are ``"outage <region>"``, ``"recover <region>"`` and ``"promote"``; letting
        time pass and writing are always possible (a write may be refused: that is the
        lesson, not a mistake).
        """
        reasons: dict[str, str] = {}
        for region in self.regions:
            if self.cloud.is_down(region):
                reasons[f"outage {region}"] = f"{region} is already down"
            else:
                reasons[f"recover {region}"] = f"{region} is not down"
        if self.promoted:
            reasons["promote"] = f"the replica in {self.replica} is already promoted: it is a standalone secret"
        elif self.cloud.is_down(self.replica):
            reasons["promote"] = (f"{self.replica} is down: StopReplicationToReplica is called in the replica's "
                                  "region, which cannot be reached")
        return reasons

    def promote(self) -> str:
        """Promote the replica to a standalone secret; returns what happened, in one line."""
        try:
            self.cloud.secretsmanager(self.replica).stop_replication_to_replica(SecretId=SECRET_NAME)
        except RegionUnavailableError:
            result = f"promotion failed: {self.replica} is down too"
        except ClientError as exc:
            result = f"promotion refused: {exc.code}: {exc.message}"
        else:
            self.promoted = True
            result = f"{self.replica} promoted: it is now a standalone secret and accepts writes"
        self.log.append(f"{self._stamp()} {result}")
        return result

    def write(self) -> str:
        """Store a new value, trying the primary and then the replica; returns where it landed."""
        self.writes += 1
        value = f"key-{self.writes}"
        refusals = []
        for region in self.regions:
            try:
                self.cloud.secretsmanager(region).put_secret_value(SecretId=SECRET_NAME, SecretString=value)
            except RegionUnavailableError:
                refusals.append(f"{region} unreachable")
            except ClientError as exc:
                refusals.append(f"{region} {exc.code}")
            else:
                result = f"write {value} stored in {region}" + (f" ({'; '.join(refusals)})" if refusals else "")
                break
        else:
            result = f"write {value} refused everywhere: {'; '.join(refusals)}"
        self.log.append(f"{self._stamp()} {result}")
        return result

    # ------------------------------------------------------------------ views
    @property
    def minutes(self) -> int:
        return int((self.cloud.clock.now - self.start).total_seconds() // 60)

    def series(self) -> dict[str, list[int]]:
        """Per 10-minute bucket since the start: requests served and failed attempts, per region."""
        buckets = max(1, -(-self.minutes // 10))
        out: dict[str, list[int]] = {"minute": [10 * i for i in range(buckets)]}
        for region in self.regions:
            out[f"{region} ok"] = [0] * buckets
            out[f"{region} failed"] = [0] * buckets
        for attempt in self.app.attempts:
            index = min(buckets - 1, int((attempt.time - self.start) / BUCKET))
            kind = "ok" if attempt.outcome == "OK" else "failed"
            out[f"{attempt.region} {kind}"][index] += 1
        return out

    def down_periods(self) -> list[tuple[str, int, int]]:
        """Each outage as (region, first minute, last minute), an ongoing one ending now."""
        return [(region, start, self.minutes if end is None else end) for region, start, end in self.outages]

    def counts(self) -> dict[str, dict[str, int]]:
        per = self.app.per_region()
        return {region: {"ok": per[region]["OK"], "failed": sum(per[region].values()) - per[region]["OK"]}
                for region in self.regions}

    def text_twin(self) -> str:
        down = [r for r in self.regions if self.cloud.is_down(r)] or ["none"]
        counts = ", ".join(f"{r}: {c['ok']} served, {c['failed']} failed attempts" for r, c in self.counts().items())
        return (f"After {self.minutes} minutes: {self.app.requests} requests, {self.app.failed_requests()} "
                f"unanswered. {counts}. Regions down: {', '.join(down)}. "
                f"Replica {'promoted' if self.promoted else 'not promoted'}.")

    def snapshot(self) -> dict[str, Any]:
        return {"minutes": self.minutes, "down": [r for r in self.regions if self.cloud.is_down(r)],
                "promoted": self.promoted, "counts": self.counts(), "failed_requests": self.app.failed_requests()}

    def __repr__(self) -> str:
        down = [r for r in self.regions if self.cloud.is_down(r)]
        return (f"FailoverDrill(minutes={self.minutes}, down={down}, promoted={self.promoted}, "
                f"requests={self.app.requests}, unanswered={self.app.failed_requests()})")
