"""Saving and loading a Cloud of 10,000 secrets (issue #19): seconds and file size.

The Cloud holds 10,000 secrets in us-east-1, each with two versions (a JSON value of about
60 bytes, then a new one), so 20,000 sealed values with their wrapped data keys, and the
event log of every call that made them (50,000 events). Each figure is the median of
a few runs: ``cloud.save(path)`` to a file in a temporary folder, ``Cloud.load(path)``, and
for scale a full ``cloud.kit_snapshot()`` (without the event log, its default). The same again with the event log cleared shows
what the log costs.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

import secretkit

SECRETS = 10_000
RUNS = 3


def _cloud() -> secretkit.Cloud:
    cloud = secretkit.Cloud(seed=0)
    sm = cloud.secretsmanager("us-east-1")
    for i in range(SECRETS):
        name = f"bench/app/{i:05d}"
        sm.create_secret(Name=name, SecretString='{"username": "app", "password": "p-%05d"}' % i)
        sm.put_secret_value(SecretId=name, SecretString='{"username": "app", "password": "q-%05d"}' % i)
    return cloud


def _timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _measure(cloud: secretkit.Cloud, label: str) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bench.cloud")
        saves = [_timed(lambda: cloud.save(path)) for _ in range(RUNS)]
        size = os.path.getsize(path)
        loaded: list[secretkit.Cloud] = []
        loads = [_timed(lambda: loaded.append(secretkit.Cloud.load(path))) for _ in range(RUNS)]
    got = loaded[-1].secretsmanager().get_secret_value(SecretId="bench/app/09999")["SecretString"]
    assert got.endswith('"q-09999"}'), got
    snaps = [_timed(cloud.kit_snapshot) for _ in range(RUNS)]
    return [
        (f"save, {label}", statistics.median(saves), "s"),
        (f"load, {label}", statistics.median(loads), "s"),
        (f"file size, {label}", size / 1e6, "MB"),
        (f"kit_snapshot(), {label}", statistics.median(snaps), "s"),
    ]


def run() -> list[tuple[str, float, str]]:
    cloud = _cloud()
    rows = _measure(cloud, f"{SECRETS:,} secrets x 2 versions, {len(cloud.events):,} events")
    cloud.events._events.clear()  # what the secrets alone cost
    rows += _measure(cloud, f"{SECRETS:,} secrets x 2 versions, no events")
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:<64} {value:>12.3f} {unit}")
