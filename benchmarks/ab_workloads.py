"""The workloads :mod:`compare` counts instructions of: each benchmark row's operation, in phases.

Run by ``compare.py`` under callgrind, once per tree and group, as
``python ab_workloads.py TREE GROUP``: it imports that tree's ``secretkit`` and that tree's
own ``benchmarks/bench_*.py`` helpers (so the set-up is the row's own), builds the row's
state, warms the operation up (first-call caches stay out of the figure), and then runs
each measured phase between two *markers*. A marker is a call to ``os.getppid()``, which
nothing else in these workloads makes: callgrind, started with ``--dump-before=getppid``,
writes its counters at each one, so the instructions of a phase are exactly one dump.

What it prints (the last line of stdout) is a JSON list of rows, ``[label, phase, divisor]``:
the row's instructions per call are the phase's dump divided by ``divisor`` (the calls it
made, the rotations it saw, the days it ran). A row whose value is a count rather than a
cost (KMS requests per write) is ``[label, null, value]``.

Groups keep each callgrind run short enough: a group's rows share one set-up.
"""

from __future__ import annotations

import gc
import json
import os
import pathlib
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["GROUPS", "Phases", "main"]


class Phases:
    """The measured phases of one run and the rows read from them."""

    def __init__(self) -> None:
        self.count = 0  # phases measured so far
        self.rows: list[list[Any]] = []

    def run(self, fn: Callable[[int], object], calls: int, warm: int = 3) -> int:
        """Run ``fn(i)`` ``calls`` times between two markers (after ``warm`` unmeasured calls);
        the phase's number. Warm-up calls take ``i`` past the measured ones, so a call that
        creates something by ``i`` never repeats a name."""
        for i in range(calls, calls + warm):
            fn(i)
        # The cyclic garbage collector runs when allocations pass a threshold, and a full
        # collection costs as much as the heap is large: whether one falls inside a short
        # phase is chance, and would move a figure by 10-30%. It stays off while a phase runs.
        gc.collect()
        gc.disable()
        os.getppid()  # marker: what came before is one dump, not measured
        for i in range(calls):
            fn(i)
        os.getppid()  # marker: this dump is the phase
        gc.enable()
        self.count += 1
        return self.count

    def row(self, label: str, fn: Callable[[int], object], calls: int, warm: int = 3) -> None:
        """One row: instructions per call of ``fn`` over ``calls`` calls."""
        self.rows.append([label, self.run(fn, calls, warm), calls])


def _foundation(p: Phases, size: int, boto3: bool) -> None:
    import bench_foundation as bf
    import secretkit

    cloud = secretkit.Cloud(seed=0)
    sm = cloud.secretsmanager()
    bf._populate(sm.create_secret, size)
    if not boto3:
        calls = 200
        p.row(f"direct create_secret @{size}", lambda i: sm.create_secret(Name=f"bench/new-{i}", SecretString="v"), calls)
        p.row(f"direct get_secret_value @{size}",
              lambda i: sm.get_secret_value(SecretId=f"app/secret-{(i * 7919) % size:05d}"), calls)
        p.row(f"direct put_secret_value @{size}", lambda i: sm.put_secret_value(
            SecretId=f"app/secret-{(i * 104729) % size:05d}", SecretString=f"v{i}"), calls)
        return
    client = cloud.client("secretsmanager")
    calls = 60
    p.row(f"boto3 get_secret_value @{size}",
          lambda i: client.get_secret_value(SecretId=f"app/secret-{(i * 7919) % size:05d}"), calls)
    p.row(f"boto3 put_secret_value @{size}",
          lambda i: client.put_secret_value(SecretId=f"app/secret-{i % size:05d}", SecretString="v"), calls)
    p.row(f"boto3 create_secret @{size}", lambda i: client.create_secret(Name=f"bench/new-{i}", SecretString="v"), calls)


def _operations(p: Phases) -> None:
    """Calls no table row names on its own but every rotation and replica copy makes."""
    import secretkit

    cloud = secretkit.Cloud(seed=0)
    sm = cloud.secretsmanager()
    for i in range(100):
        sm.create_secret(Name=f"app/secret-{i:05d}", SecretString=f'{{"password": "p{i}"}}')
    p.row("op: describe_secret @100", lambda i: sm.describe_secret(SecretId=f"app/secret-{(i * 7919) % 100:05d}"), 200)
    p.row("op: get_random_password", lambda i: sm.get_random_password(), 200)
    p.row("op: list_secrets (first page of 100)", lambda i: sm.list_secrets(MaxResults=100), 20)
    kms = cloud.kms()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x" * 32)["CiphertextBlob"]
    p.row("op: kms describe_key", lambda i: kms.describe_key(KeyId=key), 200)
    p.row("op: kms generate_data_key", lambda i: kms.generate_data_key(KeyId=key, KeySpec="AES_256"), 200)
    p.row("op: kms encrypt", lambda i: kms.encrypt(KeyId=key, Plaintext=b"x" * 32), 200)
    p.row("op: kms decrypt", lambda i: kms.decrypt(CiphertextBlob=blob), 200)


def _ssm(p: Phases, size: int) -> None:
    import bench_ssm as bs
    import secretkit

    cloud = secretkit.Cloud(seed=0)
    ssm = cloud.ssm()
    populate = lambda i: ssm.put_parameter(Name=bs._name(i), Value=f"value-{i}", Type="String", Tier="Intelligent-Tiering")
    p.rows.append([f"ssm populate {size} String parameters (per parameter)", p.run(populate, size, warm=0), size])
    for i in range(200):
        ssm.put_parameter(Name=f"/secure/s{i:04d}", Value=f"secret-{i}", Type="SecureString", Tier="Intelligent-Tiering")
    calls = 200
    p.row(f"ssm put_parameter String @{size}",
          lambda i: ssm.put_parameter(Name=f"/new/p{i:06d}", Value="v", Type="String", Tier="Intelligent-Tiering"), calls)
    p.row(f"ssm put_parameter overwrite @{size}",
          lambda i: ssm.put_parameter(Name=bs._name((i * 7919) % size), Value=f"w{i}", Overwrite=True), calls)
    p.row(f"ssm put_parameter SecureString @{size}", lambda i: ssm.put_parameter(
        Name=f"/newsecure/s{i:06d}", Value="secret", Type="SecureString", Tier="Intelligent-Tiering"), calls)
    p.row(f"ssm get_parameter String @{size}", lambda i: ssm.get_parameter(Name=bs._name((i * 104729) % size)), calls)
    p.row(f"ssm get_parameter SecureString decrypted @{size}",
          lambda i: ssm.get_parameter(Name=f"/secure/s{i % 200:04d}", WithDecryption=True), calls)
    p.row(f"ssm get_parameters_by_path first page (10) @{size}",
          lambda i: ssm.get_parameters_by_path(Path="/bench", Recursive=True, MaxResults=10), calls)
    token = bs.encode_token({"after": sorted(bs._name(i) for i in range(size))[-11]})
    p.row(f"ssm get_parameters_by_path last page (10) @{size}",
          lambda i: ssm.get_parameters_by_path(Path="/bench", Recursive=True, MaxResults=10, NextToken=token), calls)


def _replication(p: Phases, count: int) -> None:
    import bench_replication as br

    regions = br.REPLICA_SETS[count]
    cloud, sm = br._setup(regions)
    lag_s = br.REPLICATION_LAG.total_seconds() + 1
    calls = 100
    p.row(f"put_secret_value, {count} replicas, put only",
          lambda i: sm.put_secret_value(SecretId="bench/db", SecretString=f"value-{i}"), calls)
    cloud.clock.advance(minutes=1)

    def put_and_sync(i: int) -> None:
        sm.put_secret_value(SecretId="bench/db", SecretString=f"synced-{i}")
        cloud.clock.advance(seconds=lag_s)

    p.row(f"put_secret_value, {count} replicas, put + sync", put_and_sync, calls)
    before = len(cloud.events.select(kind="call", service="kms"))
    put_and_sync(calls + 10)
    p.rows.append([f"put_secret_value, {count} replicas, KMS requests per write", None,
                   len(cloud.events.select(kind="call", service="kms")) - before])


def _rotation(p: Phases, size: int, days: int) -> None:
    import json as _json

    import bench_rotation as brot
    import secretkit

    cloud = secretkit.Cloud(seed=1)
    sm = cloud.secretsmanager("us-east-1")
    arn = brot._deploy(cloud)
    value = _json.dumps({"engine": "postgres", "host": "db.example", "username": "app", "password": "x" * 32})
    for i in range(size):
        secret = sm.create_secret(Name=f"app/{i}", SecretString=value)["ARN"]
        sm.rotate_secret(SecretId=secret, RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 30})
    cloud.clock.advance(seconds=1)
    succeeded = lambda: len(cloud.events.select(kind="notice", operation="RotationSucceeded"))
    done = succeeded()
    phase = p.run(lambda i: cloud.clock.advance(days=1), days, warm=0)
    rotations = succeeded() - done
    if cloud.events.select(kind="notice", operation="RotationFailed"):
        raise RuntimeError("rotations failed in the workload")
    p.rows.append([f"rotation: {size:,} secrets, per simulated day ({days} days)", phase, days])
    p.rows.append([f"rotation: {size:,} secrets, per rotation ({rotations:,} rotations)", phase, rotations])


def _pricing(p: Phases) -> None:
    import bench_pricing as bp
    from secretkit.pricing import ECOMMERCE, bill, monthly

    log = bp._log()
    end = bp.T0 + bp.timedelta(hours=730)
    phase = p.run(lambda i: bill(log, bp.T0, end), 1, warm=1)
    p.rows.append([f"bill() over {bp.EVENTS:,} events", phase, 1])
    p.rows.append(["bill() per event", phase, bp.EVENTS])
    p.row("bill() over a 10-day slice of the same log", lambda i: bill(log, bp.T0, bp.T0 + bp.timedelta(days=10)), 1, 1)
    p.row("monthly(ECOMMERCE) estimate", lambda i: monthly(ECOMMERCE), 50)


def _ui(p: Phases) -> None:
    import bench_ui as bu

    p.row("rotation stepper: play 90 days from day 0", lambda i: bu._play_90_days(), 1, 1)
    step = bu._stepper_one_day()
    p.row("rotation stepper: next day", lambda i: step(), 20)
    drill = bu._failover_ten_minutes()
    p.row("failover drill: +10 minutes", lambda i: drill(), 20)
    slider = bu._cost_slider()
    p.row("cost explorer: move a slider (bars, projection, twin)", lambda i: slider(), 20)


def _labs(p: Phases) -> None:
    import contextlib
    import io

    import bench_labs as bl

    build = bl._builder()
    for source in build.sources():
        _student, solution = build.build(source)
        with contextlib.redirect_stdout(io.StringIO()):
            p.row(f"{source.stem}: solution cells, no kernel", lambda i: bl._run_solution(solution), 1, warm=0)


def _access(p: Phases) -> None:
    import bench_access as ba
    from secretkit.core.context import caller

    cloud, session = ba._world()
    sm = cloud.secretsmanager("us-east-1")
    p.row("direct get_secret_value, root user, no policies", lambda i: sm.get_secret_value(SecretId="open/db"), 200)
    with caller(session):
        p.row("direct get_secret_value, role session: identity, resource and key policy",
              lambda i: sm.get_secret_value(SecretId="prod/db"), 200)


#: group name -> what it runs; ``compare.py`` runs the default ones unless told otherwise.
GROUPS: dict[str, Callable[[Phases], None]] = {
    "direct@100": lambda p: _foundation(p, 100, False),
    "direct@10000": lambda p: _foundation(p, 10_000, False),
    "boto3@100": lambda p: _foundation(p, 100, True),
    "boto3@10000": lambda p: _foundation(p, 10_000, True),
    "operations": _operations,
    "ssm@100": lambda p: _ssm(p, 100),
    "ssm@100000": lambda p: _ssm(p, 100_000),
    "replication0": lambda p: _replication(p, 0),
    "replication1": lambda p: _replication(p, 1),
    "replication3": lambda p: _replication(p, 3),
    "rotation@1000": lambda p: _rotation(p, 1_000, 35),
    "rotation@10000": lambda p: _rotation(p, 10_000, 31),
    "pricing": _pricing,
    "ui": _ui,
    "labs": _labs,
    "access": _access,
}


def main(argv: list[str]) -> int:
    tree, group = pathlib.Path(argv[0]).resolve(), argv[1]
    sys.path[0] = str(tree / "benchmarks")  # that tree's bench helpers, not this file's neighbours
    import secretkit

    if not pathlib.Path(secretkit.__file__).resolve().is_relative_to(tree):
        raise SystemExit(f"secretkit came from {secretkit.__file__}, not the tree asked for; set PYTHONPATH")
    phases = Phases()
    GROUPS[group](phases)
    print(json.dumps(phases.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
