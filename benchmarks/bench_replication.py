"""Replication benchmark: what one PutSecretValue costs with 0, 1 and 3 replica regions.

Two figures per replica count, both median microseconds per write on the direct model:

* ``put only``: the call itself (it marks the replicas behind and schedules their copy);
* ``put + sync``: the call followed by advancing the clock past the replication lag, so
  the copy lands in every replica region. That is the honest cost of a replicated write:
  the value is decrypted once per replica under the primary's key and sealed again under
  each replica region's key, two KMS operations and two AES-GCM operations per replica.

A third row counts the KMS requests one replicated write causes (they are billed per
request for customer managed keys): one GenerateDataKey for the primary, plus a Decrypt
and a GenerateDataKey per replica.

The copy is a full mirror: only new or changed versions are re-encrypted, but finding
them takes one pass over the secret's version list per replica. Here the secret collects
hundreds of versions (one write every 31 simulated seconds, and AWS keeps every version
younger than 24 hours), so that pass is part of the figure; a secret with a handful of
versions pays a little less.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import secretkit
from secretkit.secretsmanager.replication import REPLICATION_LAG

REPLICA_SETS = {0: [], 1: ["us-west-2"], 3: ["us-west-2", "eu-west-1", "ap-southeast-2"]}
CALLS = 400
BATCH = 20


def _median_us(step: Callable[[int], object]) -> float:
    samples = []
    for batch in range(CALLS // BATCH):
        start = time.perf_counter_ns()
        for i in range(BATCH):
            step(batch * BATCH + i)
        samples.append((time.perf_counter_ns() - start) / BATCH / 1000)
    return statistics.median(samples)


def _setup(regions: list[str]) -> tuple[secretkit.Cloud, object]:
    cloud = secretkit.Cloud(seed=0)
    sm = cloud.secretsmanager("us-east-1")
    extra = {"AddReplicaRegions": [{"Region": r} for r in regions]} if regions else {}
    sm.create_secret(Name="bench/db", SecretString="v0", **extra)
    cloud.clock.advance(minutes=1)
    return cloud, sm


def _measure(count: int, regions: list[str]) -> list[tuple[str, float, str]]:
    cloud, sm = _setup(regions)
    lag_s = REPLICATION_LAG.total_seconds() + 1
    put_only = _median_us(lambda i: sm.put_secret_value(SecretId="bench/db", SecretString=f"value-{i}"))  # type: ignore[attr-defined]
    cloud.clock.advance(minutes=1)

    def put_and_sync(i: int) -> None:
        sm.put_secret_value(SecretId="bench/db", SecretString=f"synced-{i}")  # type: ignore[attr-defined]
        cloud.clock.advance(seconds=lag_s)

    synced = _median_us(put_and_sync)
    for region in regions:  # the figure only counts if the copies really landed
        got = cloud.secretsmanager(region).get_secret_value(SecretId="bench/db")["SecretString"]
        assert got == f"synced-{CALLS - 1}", (region, got)
    before = len(cloud.events.select(kind="call", service="kms"))
    put_and_sync(CALLS)
    kms_calls = len(cloud.events.select(kind="call", service="kms")) - before
    return [
        (f"put_secret_value, {count} replicas, put only", put_only, "us/call"),
        (f"put_secret_value, {count} replicas, put + sync", synced, "us/call"),
        (f"put_secret_value, {count} replicas, KMS requests per write", float(kms_calls), "calls"),
    ]


def run() -> list[tuple[str, float, str]]:
    out: list[tuple[str, float, str]] = []
    for count, regions in REPLICA_SETS.items():
        out.extend(_measure(count, regions))
    return out

if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:<48} {value:10.1f} {unit}")
