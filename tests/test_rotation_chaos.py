"""Many rotations with failures injected at random steps: nothing is ever lost, and every
rotation finishes once the failures stop (seeded, so a failure reproduces)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from _rotation_support import make_setup

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("strategy", ("single-user", "alternating-users"))
def test_random_failures_never_lose_a_working_credential(seed: int, strategy: str) -> None:
    rng = random.Random(seed)
    engine = rng.choice(("postgres", "mysql", "redshift", "docdb"))
    s = make_setup(engine, strategy, seed=seed)
    s.rotate(RotationRules={"AutomaticallyAfterDays": 2})
    for _ in range(15):
        if rng.random() < 0.6:
            s.failures.fail(rng.choice(STEPS), when=rng.choice(("before", "after")), times=rng.randint(1, 5))
        if rng.random() < 0.1:
            s.cloud.outage("us-east-1")
            s.cloud.clock.advance(hours=rng.randint(1, 6))
            s.cloud.recover("us-east-1")
        s.cloud.clock.advance(days=1, hours=rng.randint(0, 23))
        value = s.current()  # always readable
        labels = s.labels()
        assert sum("AWSCURRENT" in st for st in labels.values()) == 1
        if strategy == "alternating-users":
            assert s.current_works()  # clients never lose their login
        else:
            # Single user: either AWSCURRENT works, or a rotation is mid-way and the pending value works.
            pending = [v for v, st in labels.items() if "AWSPENDING" in st and "AWSCURRENT" not in st]
            if not s.db.accepts(value["username"], value["password"]):
                assert pending, "AWSCURRENT fails with no rotation in progress"
                pending_value = s.sm.get_secret_value(SecretId=s.arn, VersionId=pending[0])["SecretString"]
                assert value["password"] not in pending_value
    assert len(s.cloud.events.select(kind="notice", operation="RotationFailed")) >= 5  # the chaos did happen
    # Failures stop: the schedule (or the retries) finishes whatever was left.
    s.failures.armed.clear()
    s.cloud.clock.advance(days=5)
    assert s.current_works()
    assert not any("AWSPENDING" in st and "AWSCURRENT" not in st for st in s.labels().values())
    assert s.cloud.clock.now - s.sm.describe_secret(SecretId=s.arn)["LastRotatedDate"] < timedelta(days=3)
