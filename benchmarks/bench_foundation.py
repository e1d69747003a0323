"""Foundation benchmark: median microseconds per call, direct model vs boto3 client, at 100
and 10,000 secrets, with moto's in-memory backend measured in the same run as the peer.

Aim (issue #2): direct ``get_secret_value`` <= 15 us including its decryption, and call
latency at 10,000 secrets within 1.5x of that at 100.
"""

from __future__ import annotations

import statistics
import time
from typing import Any, Callable

import secretkit

SIZES = (100, 10_000)


def _median_us(fn: Callable[[int], Any], n: int) -> float:
    samples = []
    # Batches of 50 calls keep timer overhead out of the figure; the median resists noise.
    for batch in range(max(1, n // 50)):
        start = time.perf_counter_ns()
        for i in range(50):
            fn(batch * 50 + i)
        samples.append((time.perf_counter_ns() - start) / 50 / 1000)
    return statistics.median(samples)


def _populate(create: Callable[..., Any], size: int) -> None:
    for i in range(size):
        create(Name=f"app/secret-{i:05d}", SecretString=f'{{"password": "p{i}"}}')


def _measure(target: Any, size: int, calls: int, prefix: str) -> list[tuple[str, float, str]]:
    _populate(target.create_secret, size)
    out = []
    out.append((f"{prefix} create_secret @{size}", _median_us(
        lambda i: target.create_secret(Name=f"bench/new-{i}", SecretString="v"), calls), "us/call"))
    out.append((f"{prefix} get_secret_value @{size}", _median_us(
        lambda i: target.get_secret_value(SecretId=f"app/secret-{(i * 7919) % size:05d}"), calls), "us/call"))
    out.append((f"{prefix} put_secret_value @{size}", _median_us(
        lambda i: target.put_secret_value(SecretId=f"app/secret-{(i * 104729) % size:05d}", SecretString=f"v{i}"), calls), "us/call"))
    return out


def _moto_backend() -> Any | None:
    try:
        from moto.secretsmanager.models import SecretsManagerBackend
    except ImportError:
        return None

    class Adapter:
        """moto's backend behind boto3-shaped keyword calls."""

        def __init__(self) -> None:
            self.b = SecretsManagerBackend("us-east-1", "123456789012")

        def create_secret(self, Name: str, SecretString: str) -> Any:
            return self.b.create_secret(name=Name, secret_string=SecretString, secret_binary=None, description=None,
                                        tags=None, kms_key_id=None, client_request_token=None, replica_regions=[],
                                        force_overwrite=False)

        def get_secret_value(self, SecretId: str) -> Any:
            return self.b.get_secret_value(secret_id=SecretId, version_id=None, version_stage=None)

        def put_secret_value(self, SecretId: str, SecretString: str) -> Any:
            return self.b.put_secret_value(secret_id=SecretId, secret_string=SecretString, secret_binary=None,
                                           client_request_token=None, version_stages=["AWSCURRENT"])

    try:
        adapter = Adapter()
        adapter.create_secret(Name="probe", SecretString="x")
        adapter.get_secret_value(SecretId="probe")
        adapter.put_secret_value(SecretId="probe", SecretString="y")
        return adapter
    except TypeError:
        return None  # moto's signature changed: report it rather than guess


def run() -> list[tuple[str, float, str]]:
    results: list[tuple[str, float, str]] = []
    for size in SIZES:
        cloud = secretkit.Cloud(seed=0)
        results += _measure(cloud.secretsmanager(), size, 2000, "direct")
    for size in SIZES:
        cloud = secretkit.Cloud(seed=0)
        sm = cloud.secretsmanager()
        _populate(sm.create_secret, size)  # set up directly; measure through boto3
        client = cloud.client("secretsmanager")
        results.append((f"boto3 get_secret_value @{size}", _median_us(
            lambda i: client.get_secret_value(SecretId=f"app/secret-{(i * 7919) % size:05d}"), 300), "us/call"))
        results.append((f"boto3 put_secret_value @{size}", _median_us(
            lambda i: client.put_secret_value(SecretId=f"app/secret-{i % size:05d}", SecretString="v"), 300), "us/call"))
        results.append((f"boto3 create_secret @{size}", _median_us(
            lambda i: client.create_secret(Name=f"bench/new-{i}", SecretString="v"), 300), "us/call"))
    for size in (100, 1_000, 10_000):
        peer = _moto_backend()
        if peer is None:
            results.append(("moto peer", float("nan"), "not installed or API changed"))
            break
        calls = 500 if size < 10_000 else 100
        results += _measure(peer, size, calls, "moto (peer, no encryption)")
    return results
