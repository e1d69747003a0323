"""Pricing benchmark: the meter over a 100,000-event log, and an estimate, in microseconds.

The log mixes what a month of a small shop leaves behind: secrets and replicas starting
and stopping, reads of secrets, the KMS calls made for them (some on a customer key),
Parameter Store reads on both tiers, and rotation-function invocations.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from secretkit.core.events import EventLog
from secretkit.pricing import ECOMMERCE, bill, monthly

EVENTS = 100_000
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _log(n: int = EVENTS) -> EventLog:
    log = EventLog()
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:s{}-AbCdEf"
    key = "arn:aws:kms:us-east-1:123456789012:key/k1"
    param = "arn:aws:ssm:us-east-1:123456789012:parameter/p{}"
    step = timedelta(hours=730) / n
    for i in range(n):
        when = T0 + step * i
        pick = i % 10
        if pick == 0:
            log.record(when, "lifecycle", "us-east-1", "secretsmanager", "start" if i % 20 else "stop",
                       "OK", arn.format(i % 500), {"type": "secret"})
        elif pick < 5:
            log.record(when, "call", "us-east-1", "secretsmanager", "GetSecretValue", "OK", arn.format(i % 500))
        elif pick < 7:
            manager = "CUSTOMER" if i % 3 else "AWS"
            log.record(when, "call", "us-east-1", "kms", "Decrypt", "OK", key, {"via": "secretsmanager", "key_manager": manager})
        elif pick < 9:
            tier = "Advanced" if i % 4 else "Standard"
            log.record(when, "call", "us-east-1", "ssm", "GetParameter", "OK", param.format(i % 50), {"tier": tier})
        else:
            log.record(when, "invoke", "us-east-1", "lambda", "Invoke", "OK", None,
                       {"function": "rotate", "duration_ms": 1800.5, "memory_mb": 128})
    return log


def _median_us(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def run() -> list[tuple[str, float]]:
    log = _log()
    end = T0 + timedelta(hours=730)
    whole = _median_us(lambda: bill(log, T0, end), 5)
    return [
        (f"bill() over {EVENTS:,} events", whole),
        ("bill() per event", whole / EVENTS),
        ("bill() over a 10-day slice of the same log", _median_us(lambda: bill(log, T0, T0 + timedelta(days=10)), 5)),
        ("monthly(ECOMMERCE) estimate", _median_us(lambda: monthly(ECOMMERCE), 200)),
    ]


if __name__ == "__main__":
    for name, us in run():
        print(f"{name:<45} {us:>14,.2f} us")
