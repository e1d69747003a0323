"""Rotation benchmark: a simulated year of 30-day rotation for 1,000 and 10,000 secrets.

Everything is real except the database: each secret has AutomaticallyAfterDays=30 and a
rotation function that runs AWS's four steps against the direct model (the gate's
DescribeSecret on every step, GetRandomPassword, PutSecretValue sealing a fresh data key
with AES-256-GCM, reads that decrypt it, and UpdateSecretVersionStage). Its setSecret and
testSecret do nothing, so the figures are the service's cost, not a database's.

The clock is advanced one simulated day at a time, after every secret's first rotation:
365 days for 1,000 secrets; 120 days (four rotation cycles) for 10,000, so the run stays
near a minute, and its year is that pace times 365/120 (the row says so). Every secret
starts on the same day, so rotations bunch every 30 days: besides the average day, the
busiest day is reported. Reported per fleet size:

* seconds of wall time per simulated year;
* microseconds per rotation (wall time / rotations completed);
* milliseconds per simulated day, on average and on the busiest day.

Aims from the issue: at most 100 us per rotation and 50 ms per simulated day at 10,000.
"""

from __future__ import annotations

import json
import time
from typing import Any

import secretkit
from secretkit.rotation_functions import RotationFunction

SIZES = {1_000: 365, 10_000: 120}  # secrets -> simulated days measured


class _PasswordOnly(RotationFunction):
    """The four steps with no database behind them (setSecret and testSecret are no-ops)."""

    def set_secret(self, client: Any, arn: str, token: str) -> None:
        return None

    def test_secret(self, client: Any, arn: str, token: str) -> None:
        return None


def year(size: int, days: int = 365) -> tuple[float, int, float]:
    """(wall seconds, rotations, busiest day's seconds) over ``days`` simulated days of ``size`` secrets."""
    cloud = secretkit.Cloud(seed=1)
    sm = cloud.secretsmanager("us-east-1")
    arn = cloud.register_function("rotate", _PasswordOnly())
    value = json.dumps({"engine": "postgres", "host": "db.example", "username": "app", "password": "x" * 32})
    for i in range(size):
        secret = sm.create_secret(Name=f"app/{i}", SecretString=value)["ARN"]
        sm.rotate_secret(SecretId=secret, RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 30})
    cloud.clock.advance(seconds=1)  # finish the first rotations
    done = len(cloud.events.select(kind="notice", operation="RotationSucceeded"))
    busiest = 0.0
    start = time.perf_counter()
    for _ in range(days):
        day_start = time.perf_counter()
        cloud.clock.advance(days=1)
        busiest = max(busiest, time.perf_counter() - day_start)
    seconds = time.perf_counter() - start
    rotations = len(cloud.events.select(kind="notice", operation="RotationSucceeded")) - done
    failed = cloud.events.select(kind="notice", operation="RotationFailed")
    if failed:
        raise RuntimeError(f"{len(failed)} rotations failed in the benchmark: {failed[0].detail}")
    return seconds, rotations, busiest


def run() -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    for size, days in SIZES.items():
        seconds, rotations, busiest = year(size, days)
        label = "year" if days == 365 else f"year (x365/{days} of {days} days)"
        rows.append((f"rotation: {size:,} secrets, 30-day schedule, {label}", seconds * 365 / days, "s"))
        rows.append((f"rotation: {size:,} secrets, per rotation ({rotations:,} rotations)", seconds / rotations * 1e6, "us"))
        rows.append((f"rotation: {size:,} secrets, per simulated day (average)", seconds / days * 1e3, "ms"))
        rows.append((f"rotation: {size:,} secrets, busiest simulated day", busiest * 1e3, "ms"))
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:60s} {value:12.2f} {unit}")
