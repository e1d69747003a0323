"""Each engine x strategy rotates for real; failure at every step leaves a readable, working state
that the next attempt finishes with the same token."""

from __future__ import annotations

import json

import pytest
from _rotation_support import APP_PW, make_setup

ENGINES = ("postgres", "aurora-postgresql", "mysql", "aurora-mysql", "mariadb", "redshift", "docdb")
STRATEGIES = ("single-user", "alternating-users")
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_rotation_changes_the_password_and_moves_the_labels(engine: str, strategy: str) -> None:
    s = make_setup(engine, strategy)
    old = s.current()
    old_version = next(v for v, st in s.labels().items() if "AWSCURRENT" in st)
    token = s.rotate()
    new = s.current()
    labels = s.labels()
    assert "AWSCURRENT" in labels[token] and labels[old_version] == ["AWSPREVIOUS"]
    assert new["password"] != old["password"] and len(new["password"]) == 32
    # each template's default EXCLUDE_CHARACTERS: the PostgreSQL and Redshift ones also exclude ':'
    excluded = ":/@\"'\\" if engine in ("postgres", "aurora-postgresql", "redshift") else "/@\"'\\"
    assert not set(new["password"]) & set(excluded)
    assert s.db.accepts(new["username"], new["password"])
    if strategy == "single-user":
        assert new["username"] == "app" and not s.db.accepts("app", APP_PW)
    else:
        assert new["username"] == "app_clone" and s.db.accepts("app", APP_PW)  # the old user keeps working
        assert new["masterarn"] == old["masterarn"]
    rotated = s.sm.describe_secret(SecretId=s.arn)["LastRotatedDate"]
    assert s.cloud.start < rotated <= s.cloud.clock.now


@pytest.mark.parametrize("engine", ("postgres", "mysql"))
def test_alternating_users_alternate_and_keep_privileges(engine: str) -> None:
    s = make_setup(engine, "alternating-users")
    names = []
    for _ in range(3):
        s.rotate()
        names.append(s.current()["username"])
    assert names == ["app_clone", "app", "app_clone"]
    assert {"SELECT", "INSERT"} <= s.db.privileges("app_clone")


def test_mysql_grant_replay_adds_but_never_revokes() -> None:
    s = make_setup("mysql", "alternating-users")
    s.rotate()  # app_clone made with app's grants
    assert {"SELECT", "INSERT"} <= s.db.privileges("app_clone")
    s.db.users["app"].grants.discard("INSERT")  # a DBA revokes INSERT from app only
    s.rotate()  # back to app: the template replays app_clone's grants onto app
    assert "INSERT" in s.db.privileges("app")  # the revoke is undone: grants are added, never removed


def test_postgres_clone_inherits_later_grants_through_membership() -> None:
    s = make_setup("postgres", "alternating-users")
    s.rotate()
    s.db.users["app"].grants.add("UPDATE")
    assert "UPDATE" in s.db.privileges("app_clone")


def test_mysql_name_limit_refuses_a_long_clone() -> None:
    s = make_setup("mysql", "alternating-users")
    s.db.add_user("a_long_user_name", "pw")  # 16 characters: the clone would be 22
    value = s.db.secret_dict("a_long_user_name", "pw", masterarn=s.current()["masterarn"])
    s.sm.put_secret_value(SecretId=s.arn, SecretString=json.dumps(value))
    before = s.current()
    s.rotate()
    failed = s.cloud.events.select(kind="notice", operation="RotationFailed")
    assert failed and "16 characters" in failed[-1].detail["error"]
    assert s.current() == before and s.current_works()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("when", ("before", "after"))
def test_failure_at_any_step_is_recovered_with_the_same_token(engine: str, strategy: str, step: str, when: str) -> None:
    s = make_setup(engine, strategy)
    s.failures.fail(step, when=when)
    token = s.rotate()
    # Every secret stays readable; AWSPENDING names the token.
    labels = s.labels()
    assert "AWSPENDING" in labels[token]
    assert s.sm.get_secret_value(SecretId=s.arn)["SecretString"]
    if strategy == "alternating-users" or (step, when) in {("createSecret", "before"), ("createSecret", "after"), ("setSecret", "before")}:
        assert s.current_works()  # nothing touched what clients hold
    elif step == "finishSecret" and when == "after":
        # The label moved before the step reported failure: the state is already the finished one.
        assert s.current_works()
    else:
        assert not s.current_works()  # single-user: the database already has the pending password
    pending_before = json.loads(s.sm.get_secret_value(SecretId=s.arn, VersionId=token)["SecretString"]) if s.sm.store.by_arn[s.arn].versions[token].has_value else None
    # No call from us: the service retries the whole rotation 5 minutes later.
    s.cloud.clock.advance(minutes=6)
    labels = s.labels()
    assert "AWSCURRENT" in labels[token] and s.current_works()
    if pending_before is not None:
        assert s.current()["password"] == pending_before["password"]  # same password: resumed, not restarted
    assert s.failures.fired == [(step, when)]


def test_a_failing_test_step_keeps_failing_until_retries_run_out_then_blocks_rotate_secret() -> None:
    s = make_setup("postgres", "alternating-users")
    s.failures.fail("testSecret", times=10)
    s.rotate()
    s.cloud.clock.advance(hours=3)
    failed = s.cloud.events.select(kind="notice", operation="RotationFailed")
    assert [e.detail["attempt"] for e in failed] == [1, 2, 3, 4]
    assert s.current_works()
    with pytest.raises(Exception) as info:
        s.sm.rotate_secret(SecretId=s.arn)
    assert info.value.response["Error"] == {
        "Code": "InvalidRequestException",
        "Message": "A previous rotation isn't complete. That rotation will be reattempted.",
    }
