"""The measuring application: counts new-login failures per rotation step, keeps one session open."""

from __future__ import annotations

import json

import pytest
from _lambda_support import lambda_role

import secretkit
from secretkit.databases.traffic import Traffic


class _Session:
    def __init__(self, db: "_Db") -> None:
        self.db, self.open = db, True

    def test_login(self) -> bool:
        return self.open

    def close(self) -> None:
        self.open = False


class _Db:
    """Passwords checked at login only, as a real server does."""

    def __init__(self, **users: str) -> None:
        self.users = users

    def connect(self, secret: dict) -> _Session | None:
        ok = self.users.get(secret["username"]) == secret["password"]
        return _Session(self) if ok else None


@pytest.fixture
def world(client):
    client.create_secret(Name="db", SecretString=json.dumps({"username": "app", "password": "one"}))
    return client, _Db(app="one")


def test_requests_read_awscurrent_and_log_in(world):
    client, db = world
    traffic = Traffic(client, "db", db, per_step=3)
    assert [r.ok for r in traffic.burst("warm-up")] == [True, True, True]
    db.users["app"] = "two"  # the database moved on, the secret did not
    assert [r.ok for r in traffic.burst("stale")] == [False] * 3
    client.put_secret_value(SecretId="db", SecretString=json.dumps({"username": "app", "password": "two"}))
    traffic.burst("fixed")
    assert traffic.failures_by_phase() == {"warm-up": 0, "stale": 3, "fixed": 0}
    assert traffic.failed() == 3 and len(traffic.records()) == 9
    assert traffic.held_session_works()  # opened before the change, never re-checked
    versions = {r["version_id"] for r in traffic.records()}
    assert len(versions) == 2


def test_follow_bursts_after_each_step_the_function_runs_even_a_failed_one(world):
    client, db = world
    cloud = secretkit.Cloud(seed=3)
    lam = cloud.awslambda("us-east-1")

    def handler(event, context):
        if event["Step"] == "testSecret":
            raise ValueError("boom")

    lam.kit_deploy_callable("steps", handler, Role=lambda_role(cloud))
    lam.add_permission(FunctionName="steps", StatementId="sm", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com")
    traffic = Traffic(client, "db", db, per_step=2)
    stop = traffic.follow(cloud.events, "steps")
    for step in ("createSecret", "testSecret"):
        result = lam.invoke_as_service("steps", {"Step": step}, principal="secretsmanager.amazonaws.com",
                                       note={"step": step})
    assert result.error is not None and result.error["errorType"] == "ValueError"
    lam.invoke(FunctionName="steps", Payload=b'{"Step": "setSecret"}')  # not a rotation step: no burst
    lam.kit_deploy_callable("other", handler, Role=lambda_role(cloud))
    lam.add_permission(FunctionName="other", StatementId="sm", Action="lambda:InvokeFunction",
                       Principal="secretsmanager.amazonaws.com")
    lam.invoke_as_service("other", {"Step": "setSecret"}, principal="secretsmanager.amazonaws.com",
                          note={"step": "setSecret"})  # another function: no burst
    assert list(traffic.failures_by_phase()) == ["after createSecret", "after testSecret"]
    assert len(traffic.requests) == 4
    stop()
    lam.invoke_as_service("steps", {"Step": "finishSecret"}, principal="secretsmanager.amazonaws.com",
                          note={"step": "finishSecret"})
    assert len(traffic.requests) == 4  # no longer following


def test_per_step_must_be_positive(world):
    client, db = world
    with pytest.raises(ValueError):
        Traffic(client, "db", db, per_step=0)
