"""Failover: an application that reads a replicated secret, and a drill that breaks a region.

:class:`FailoverApp` models the client side of disaster recovery. It reads a secret from
its preferred region and, when that region cannot be reached, tries the next one in its
list, exactly as an application configured with an ordered list of regions would. Every
attempt is recorded as a plain :class:`Attempt` row (time, region, outcome), so a
notebook can tabulate or chart requests per region and failures over time.

:func:`failover_drill` runs the whole story on one Cloud and returns a :class:`DrillReport`:
the primary's region goes down, reads fail over to the replica, writes are impossible
until the replica is promoted, writes resume there, and finally the old region returns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from ..core.errors import ClientError
from ..core.service import RegionUnavailableError

if TYPE_CHECKING:
    from ..core.clock import Timer
    from ..cloud import Cloud

__all__ = ["Attempt", "DrillReport", "DrillStep", "FailoverApp", "failover_drill"]

UNREACHABLE = "EndpointConnectionError"  # what boto3 raises for a region that is down


class Attempt(NamedTuple):
    """One try of one request against one region."""

    time: datetime
    request: int  # the request this attempt belongs to (several attempts when failing over)
    region: str
    outcome: str  # "OK", "EndpointConnectionError", or the AWS error code
    version_id: str | None = None


class FailoverApp:
    """Reads ``secret_id`` from the first reachable region of ``regions``.

    >>> app = FailoverApp(cloud, "prod/db", ["us-east-1", "us-west-2"])  # doctest: +SKIP
    >>> app.start(every=timedelta(minutes=1))                             # doctest: +SKIP
    """

    def __init__(self, cloud: Cloud, secret_id: str, regions: list[str]) -> None:
        if not isinstance(secret_id, str) or not secret_id:
            raise ValueError("secret_id must be a non-empty secret name")
        if not regions or not all(isinstance(r, str) for r in regions):
            raise ValueError("regions must be a non-empty list of region names, preferred first")
        for region in regions:
            cloud.env(region)  # unknown regions fail here, with the list of known ones
        self.cloud = cloud
        self.secret_id = secret_id
        self.regions = list(regions)
        self.attempts: list[Attempt] = []
        self.requests = 0
        self._timer: Timer | None = None
        self._every: timedelta | None = None

    def request(self) -> Attempt:
        """Read the secret once, failing over down the region list; return the final attempt.

        The value itself is not kept: the app only records where it was served from.
        """
        self.requests += 1
        last: Attempt | None = None
        for region in self.regions:
            now = self.cloud.clock.now
            try:
                out = self.cloud.secretsmanager(region).get_secret_value(SecretId=self.secret_id)
            except RegionUnavailableError:
                last = Attempt(now, self.requests, region, UNREACHABLE)
            except ClientError as exc:
                last = Attempt(now, self.requests, region, exc.code)
            else:
                last = Attempt(now, self.requests, region, "OK", out["VersionId"])
            self.attempts.append(last)
            if last.outcome == "OK":
                break
        assert last is not None
        return last

    def start(self, every: timedelta = timedelta(minutes=1)) -> None:
        """Make a request every ``every`` of simulated time from now on (until :meth:`stop`)."""
        if every <= timedelta(0):
            raise ValueError("every must be a positive interval")
        self.stop()
        self._every = every
        self._arm()

    def _arm(self) -> None:
        assert self._every is not None
        clock = self.cloud.clock
        self._timer = clock.schedule(clock.now + self._every, self._tick, label=f"app reads {self.secret_id}")

    def _tick(self) -> None:
        self.request()
        self._arm()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # ------------------------------------------------------------------ summaries
    def results(self) -> list[Attempt]:
        """The final attempt of every request: where each one was served, or how it failed."""
        final: dict[int, Attempt] = {}
        for attempt in self.attempts:
            final[attempt.request] = attempt
        return list(final.values())

    def failed_requests(self) -> int:
        return sum(1 for a in self.results() if a.outcome != "OK")

    def per_region(self) -> dict[str, Counter[str]]:
        """For each region, how many attempts ended in each outcome."""
        out: dict[str, Counter[str]] = {r: Counter() for r in self.regions}
        for attempt in self.attempts:
            out[attempt.region][attempt.outcome] += 1
        return out

    def timeline(self, bucket: timedelta = timedelta(minutes=10)) -> list[dict[str, Any]]:
        """Rows for a chart: per time bucket and region, attempts served and failed."""
        start = self.attempts[0].time if self.attempts else self.cloud.clock.now
        rows: dict[tuple[datetime, str], dict[str, Any]] = {}
        for attempt in self.attempts:
            at = start + bucket * ((attempt.time - start) // bucket)
            row = rows.setdefault((at, attempt.region), {"time": at, "region": attempt.region, "ok": 0, "failed": 0})
            row["ok" if attempt.outcome == "OK" else "failed"] += 1
        return sorted(rows.values(), key=lambda r: (r["time"], self.regions.index(r["region"])))


@dataclass(frozen=True)
class DrillStep:
    """What one step of the drill did and what it observed."""

    name: str
    time: datetime
    summary: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class DrillReport:
    """The drill's steps in order, and every request the application made."""

    primary: str
    replica: str
    secret: str
    steps: list[DrillStep]
    attempts: list[Attempt]

    def step(self, name: str) -> DrillStep:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"no step {name!r}; steps are {[s.name for s in self.steps]}")

    def rows(self) -> list[dict[str, Any]]:
        """One printable row per step."""
        return [{"step": s.name, "time": s.time, "summary": s.summary} for s in self.steps]

    def __str__(self) -> str:
        return "\n".join(f"{s.time:%H:%M:%S}  {s.name:<10} {s.summary}" for s in self.steps)


def failover_drill(
    cloud: Cloud,
    *,
    primary: str = "us-east-1",
    replica: str = "us-west-2",
    name: str = "drill/db-credentials",
    outage: timedelta = timedelta(hours=1),
    every: timedelta = timedelta(minutes=1),
) -> DrillReport:
    """Run outage -> failover -> promotion -> recovery on ``cloud``; report each step.

    The story: a secret in ``primary`` is replicated to ``replica`` and read once every
    ``every`` by a :class:`FailoverApp` preferring ``primary``. One last write lands on the
    primary just before its region goes down, too late to be replicated. Reads fail over;
    writes are impossible (the primary is unreachable, the replica is read-only) until the
    replica is promoted. When the old region returns, its secret still holds the write that
    never left it, and the two now-independent secrets disagree: the report says so.
    """
    from ..secretsmanager.replication import REPLICATION_LAG

    if primary == replica:
        raise ValueError("primary and replica must be different regions")
    if outage <= timedelta(minutes=20):
        raise ValueError("the outage must last more than 20 minutes for every step to fit in it")
    clock = cloud.clock
    sm, rsm = cloud.secretsmanager(primary), cloud.secretsmanager(replica)
    settle = REPLICATION_LAG + timedelta(seconds=1)
    steps: list[DrillStep] = []

    def note(step: str, summary: str, **facts: Any) -> None:
        steps.append(DrillStep(step, clock.now, summary, facts))

    # 1. A replicated secret, in sync, read by the application.
    sm.create_secret(Name=name, SecretString="password-1", AddReplicaRegions=[{"Region": replica}])
    synced = sm.put_secret_value(SecretId=name, SecretString="password-2")["VersionId"]
    clock.advance(seconds=settle.total_seconds())
    status = sm.describe_secret(SecretId=name)["ReplicationStatus"][0]["Status"]
    app = FailoverApp(cloud, name, [primary, replica])
    app.start(every)
    clock.advance(minutes=5)
    note("setup", f"{name} in {primary}, replica in {replica}: {status}", status=status, synced_version=synced)

    # 2. A last write, then the primary's region goes down before it is replicated.
    unsynced = sm.put_secret_value(SecretId=name, SecretString="password-3")["VersionId"]
    cloud.outage(primary)
    started = clock.now
    backlog = sm.sync_backlog()
    note(
        "outage",
        f"{primary} is down; {len(backlog)} replica(s) had not received the last write",
        backlog=backlog,
        unsynced_version=unsynced,
    )

    # 3. Reads fail over; writes have nowhere to go.
    clock.advance(minutes=10)
    window = [a for a in app.results() if a.time > started]
    served = sum(1 for a in window if a.outcome == "OK" and a.region == replica)
    refused: dict[str, str] = {}
    for region, model in ((primary, sm), (replica, rsm)):
        try:
            model.put_secret_value(SecretId=name, SecretString="password-4")
        except RegionUnavailableError:
            refused[region] = UNREACHABLE
        except ClientError as exc:
            refused[region] = exc.code
    read_version = window[-1].version_id if window else None
    note(
        "failover",
        f"{served}/{len(window)} reads served by {replica} (version {read_version}); writes refused: {refused}",
        served_by_replica=served,
        reads=len(window),
        read_version=read_version,
        write_errors=refused,
    )

    # 4. Promotion: the replica becomes a standalone secret and takes writes.
    rsm.stop_replication_to_replica(SecretId=name)
    promoted = rsm.put_secret_value(SecretId=name, SecretString="password-4")["VersionId"]
    note(
        "promotion",
        f"{replica} promoted; writes resume there (version {promoted})",
        promoted_version=promoted,
        primary_region=rsm.describe_secret(SecretId=name).get("PrimaryRegion"),
    )

    # 5. Recovery: the old region returns with the write that never left it.
    clock.advance(seconds=max(0.0, (started + outage - clock.now).total_seconds()))
    cloud.recover(primary)
    clock.advance(minutes=5)
    app.stop()
    old = sm.get_secret_value(SecretId=name)["VersionId"]
    new = rsm.get_secret_value(SecretId=name)["VersionId"]
    replicas = sm.describe_secret(SecretId=name).get("ReplicationStatus", [])
    note(
        "recovery",
        f"{primary} is back with version {old} (never replicated, not lost); {replica} holds {new}; "
        f"the two secrets are independent and {'disagree' if old != new else 'agree'}: choose one and replicate it again",
        primary_version=old,
        promoted_version=new,
        diverged=old != new,
        primary_replicas=[r["Region"] for r in replicas],
        app_failures=app.failed_requests(),
    )
    return DrillReport(primary, replica, name, steps, list(app.attempts))
