"""Parameter Store benchmark: median microseconds per call on the direct model at 100 and
100,000 parameters, for put, get (String and SecureString) and one page of
GetParametersByPath, first page and deep in the index.

Bulk set-up uses String parameters with ``Intelligent-Tiering``: the first 10,000 land in
the Standard tier and the rest go Advanced once Standard is full, as on AWS. The aim (issue
#3) is that a page of GetParametersByPath costs O(page), so its figure at 100,000 stays
close to its figure at 100.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import secretkit
from secretkit.core.checks import encode_token

SIZES = (100, 100_000)
SERVICES = 100  # parameters are spread over /bench/svcNN/...


def _name(i: int) -> str:
    return f"/bench/svc{i % SERVICES:02d}/p{i:06d}"


def _median_us(fn: Callable[[int], Any], calls: int) -> float:
    samples = []
    # Batches of 25 calls keep timer overhead out of the figure; the median resists noise.
    for batch in range(max(1, calls // 25)):
        start = time.perf_counter_ns()
        for i in range(25):
            fn(batch * 25 + i)
        samples.append((time.perf_counter_ns() - start) / 25 / 1000)
    return statistics.median(samples)


def _populate(ssm: Any, size: int) -> float:
    start = time.perf_counter()
    for i in range(size):
        ssm.put_parameter(Name=_name(i), Value=f"value-{i}", Type="String", Tier="Intelligent-Tiering")
    return time.perf_counter() - start


def _measure(size: int) -> list[tuple[str, float, str]]:
    cloud = secretkit.Cloud(seed=0)
    ssm = cloud.ssm()
    build_s = _populate(ssm, size)
    advanced = ssm.store.counts["Advanced"]
    for i in range(200):
        ssm.put_parameter(Name=f"/secure/s{i:04d}", Value=f"secret-{i}", Type="SecureString", Tier="Intelligent-Tiering")
    calls = 1000
    out = [(f"ssm populate {size} String parameters", build_s, "s")]
    out.append((f"ssm put_parameter String @{size}", _median_us(
        lambda i: ssm.put_parameter(Name=f"/new/p{i:06d}", Value="v", Type="String", Tier="Intelligent-Tiering"), calls), "us/call"))
    out.append((f"ssm put_parameter overwrite @{size}", _median_us(
        lambda i: ssm.put_parameter(Name=_name((i * 7919) % size), Value=f"w{i}", Overwrite=True), calls), "us/call"))
    out.append((f"ssm put_parameter SecureString @{size}", _median_us(
        lambda i: ssm.put_parameter(Name=f"/newsecure/s{i:06d}", Value="secret", Type="SecureString", Tier="Intelligent-Tiering"), calls), "us/call"))
    out.append((f"ssm get_parameter String @{size}", _median_us(
        lambda i: ssm.get_parameter(Name=_name((i * 104729) % size)), calls), "us/call"))
    out.append((f"ssm get_parameter SecureString decrypted @{size}", _median_us(
        lambda i: ssm.get_parameter(Name=f"/secure/s{i % 200:04d}", WithDecryption=True), calls), "us/call"))
    out.append((f"ssm get_parameters_by_path first page (10) @{size}", _median_us(
        lambda i: ssm.get_parameters_by_path(Path="/bench", Recursive=True, MaxResults=10), calls), "us/call"))
    # A page near the end of the index: the token names the last key seen, so the cost does
    # not grow with how far into the listing the page lies.
    token = encode_token({"after": sorted(_name(i) for i in range(size))[-11]})
    out.append((f"ssm get_parameters_by_path last page (10) @{size}", _median_us(
        lambda i: ssm.get_parameters_by_path(Path="/bench", Recursive=True, MaxResults=10, NextToken=token), calls), "us/call"))
    out.append((f"ssm populate {size}: parameters that went Advanced", float(advanced), "parameters"))
    return out


def run() -> list[tuple[str, float, str]]:
    results: list[tuple[str, float, str]] = []
    for size in SIZES:
        results.extend(_measure(size))
    return results


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:<58} {value:>12.2f} {unit}")
