"""The pre-built PostgreSQL rotation functions, deployed as code packages, rotating a real
server's passwords (through PyGreSQL's calls, carried out by psycopg).

Secrets live in the model and are reached through the boto3 client; the database is a real
PostgreSQL started once for this module. What AWS documents and the templates rely on:
after a rotation the old password is refused and the new one works; sessions opened before
keep working; alternating users always leave the login clients hold working; a rotation
that fails at setSecret is resumed with the same token and repaired.
"""

from __future__ import annotations

import itertools
import json

import pytest

from _realdb_support import require_psycopg, server_or_skip

require_psycopg()

from secretkit import Cloud, rotation_functions  # noqa: E402
from secretkit.databases.psycopg_connector import PsycopgConnector  # noqa: E402
from secretkit.databases.traffic import Traffic  # noqa: E402

_names = itertools.count()


@pytest.fixture(scope="module")
def server():
    yield from server_or_skip()


@pytest.fixture
def world(server):
    """A fresh seeded Cloud, its boto3 client, and a fresh database user for this test."""
    cloud = Cloud(seed=8)
    client = cloud.client("secretsmanager", region_name="us-east-1")
    n = next(_names)
    secret = server.create_app_user(f"app{n}", f"initial-Pa55word-{n}", f"appdb{n}")
    return cloud, client, secret


def _store(client, server, secret: dict, strategy: str) -> str:
    if strategy == "alternating-users":
        master = client.create_secret(Name=f"master-{secret['username']}",
                                      SecretString=json.dumps(server.master_secret()))
        secret = dict(secret, masterarn=master["ARN"])
    return client.create_secret(Name=f"db-{secret['username']}", SecretString=json.dumps(secret))["ARN"]


def _rotation(cloud, strategy: str, traffic: Traffic | None = None, master: str | None = None) -> str:
    """Deploy the pre-built function for the real server (its role may read ``master``, the
    master secret of alternating users); ``traffic`` bursts after each step."""
    name = f"rotate-{strategy}"
    function_arn = rotation_functions.deploy(cloud, name, "postgres", strategy, driver="real", master_secret_arn=master)
    if traffic is not None:
        traffic.follow(cloud.events, name)
    return function_arn


def _rotate(cloud, client, **kw) -> str:
    """RotateSecret, then let the simulated clock run the steps (each takes the function's duration)."""
    token = client.rotate_secret(**kw)["VersionId"]
    cloud.clock.advance(seconds=10)
    return token


def _value(client, arn: str, **kw) -> dict:
    return json.loads(client.get_secret_value(SecretId=arn, **kw)["SecretString"])


def _labels(client, arn: str) -> dict[str, list[str]]:
    return client.describe_secret(SecretId=arn)["VersionIdsToStages"]


def test_single_user_old_refused_new_works_open_sessions_survive(server, world):
    cloud, client, secret = world
    arn = _store(client, server, secret, "single-user")
    connector = PsycopgConnector()
    held = connector.connect(secret)
    function_arn = _rotation(cloud, "single-user")
    token = _rotate(cloud, client, SecretId=arn, RotationLambdaARN=function_arn,
                    RotationRules={"AutomaticallyAfterDays": 30})
    assert "AWSCURRENT" in _labels(client, arn)[token]
    current = _value(client, arn)
    assert current["password"] != secret["password"] and current["username"] == secret["username"]
    assert connector.connect(_value(client, arn, VersionStage="AWSPREVIOUS")) is None  # old refused
    with connector.connect(current) as session:  # new works
        assert session.test_login()
    assert held.test_login()  # opened before the rotation, still answering
    held.close()


def test_rotations_follow_the_simulated_schedule(server, world):
    cloud, client, secret = world
    arn = _store(client, server, secret, "single-user")
    _rotate(cloud, client, SecretId=arn, RotationLambdaARN=_rotation(cloud, "single-user"),
            RotationRules={"AutomaticallyAfterDays": 7})
    after_first = _value(client, arn)["password"]
    first_date = client.describe_secret(SecretId=arn)["LastRotatedDate"]
    cloud.clock.advance(days=8)  # the next window has passed: a scheduled rotation ran
    rotated = _value(client, arn)
    assert rotated["password"] != after_first
    assert client.describe_secret(SecretId=arn)["LastRotatedDate"] > first_date
    connector = PsycopgConnector()
    assert connector.connect(dict(rotated, password=after_first)) is None
    assert connector.connect(rotated) is not None


def test_single_user_window_is_between_setsecret_and_finishsecret(server, world):
    cloud, client, secret = world
    arn = _store(client, server, secret, "single-user")
    traffic = Traffic(client, arn, PsycopgConnector(), per_step=4)
    traffic.burst()
    _rotate(cloud, client, SecretId=arn, RotationLambdaARN=_rotation(cloud, "single-user", traffic))
    assert traffic.failures_by_phase() == {"before rotation": 0, "after createSecret": 0,
                                           "after setSecret": 4, "after testSecret": 4,
                                           "after finishSecret": 0}
    assert traffic.held_session_works()
    traffic.close()


def test_alternating_users_keep_one_working_login_at_all_times(server, world):
    cloud, client, secret = world
    arn = _store(client, server, secret, "alternating-users")
    traffic = Traffic(client, arn, PsycopgConnector(), per_step=3)
    master = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])["masterarn"]
    function_arn = _rotation(cloud, "alternating-users", traffic, master)
    _rotate(cloud, client, SecretId=arn, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 7})
    users = [_value(client, arn)["username"]]
    for _ in range(2):  # two more rotations on the schedule: app -> app_clone -> app -> app_clone
        cloud.clock.advance(days=8)
        users.append(_value(client, arn)["username"])
    name = secret["username"]
    assert users == [f"{name}_clone", name, f"{name}_clone"]
    assert len(traffic.requests) == 3 * 4 * 3 and traffic.failed() == 0
    connector = PsycopgConnector()
    previous = _value(client, arn, VersionStage="AWSPREVIOUS")
    assert connector.connect(previous) is not None  # the previous user still logs in, too
    assert connector.connect(dict(secret)) is None  # its first password was rotated away
    traffic.close()


@pytest.mark.parametrize("when", ["before", "after"])
def test_failure_at_setsecret_is_repaired_by_the_next_attempt(server, world, when):
    cloud, client, secret = world
    arn = _store(client, server, secret, "single-user")
    function_arn = _rotation(cloud, "single-user")
    failures = cloud.awslambda().kit_failures("rotate-single-user").fail("setSecret", when=when)
    token = _rotate(cloud, client, SecretId=arn, RotationLambdaARN=function_arn)
    assert failures.fired == [("setSecret", when)]
    labels = _labels(client, arn)
    assert labels[token] == ["AWSPENDING"]  # rotation stopped half-way, as AWS leaves it
    old = _value(client, arn)
    pending = _value(client, arn, VersionStage="AWSPENDING")
    assert old == secret  # AWSCURRENT unchanged, every version readable
    connector = PsycopgConnector()
    if when == "before":
        assert connector.connect(old) is not None and connector.connect(pending) is None
    else:  # the database already took the new password: AWSCURRENT is the one refused
        assert connector.connect(old) is None and connector.connect(pending) is not None
    failed = cloud.events.select(kind="notice", operation="RotationFailed")
    assert failed and failed[-1].detail["step"] == "setSecret"
    cloud.clock.advance(hours=1)  # Secrets Manager retries the rotation with the same token
    assert "AWSCURRENT" in _labels(client, arn)[token]
    assert _value(client, arn) == pending  # the retry reused the pending password
    assert connector.connect(pending) is not None
    assert connector.connect(old) is None


@pytest.mark.parametrize("strategy", ["single-user", "alternating-users"])
def test_same_functions_behave_the_same_on_the_simulated_engine_and_the_real_server(server, strategy):
    """One function, two drivers: the labels, users and failed phases must agree."""
    from secretkit.databases import SimConnector, databases

    def observe(real: bool) -> tuple[list[str], dict[str, int]]:
        cloud = Cloud(seed=88)
        client = cloud.client("secretsmanager", region_name="us-east-1")
        name = f"twin_{'real' if real else 'sim'}_{strategy[0]}"
        if real:
            connector, secret, master = PsycopgConnector(), server.create_app_user(name, "twin-Pa55word", f"{name}db"), server.master_secret()
        else:
            dbs = databases(cloud)
            db = dbs.create("postgres", "pg.sim.example", "postgres", "master-Pa55word")
            db.add_user(name, "twin-Pa55word")
            connector, secret, master = SimConnector(dbs), db.secret_dict(name, "twin-Pa55word"), db.secret_dict("postgres", "master-Pa55word")
        if strategy == "alternating-users":
            secret = dict(secret, masterarn=client.create_secret(Name="m", SecretString=json.dumps(master))["ARN"])
        arn = client.create_secret(Name="twin", SecretString=json.dumps(secret))["ARN"]
        traffic = Traffic(client, arn, connector, per_step=2)
        function_arn = rotation_functions.deploy(cloud, "rotate-twin", "postgres", strategy,
                                                 driver="real" if real else "simulated",
                                                 master_secret_arn=secret.get("masterarn"))
        traffic.follow(cloud.events, "rotate-twin")
        users = []
        for _ in range(2):
            _rotate(cloud, client, SecretId=arn, RotationLambdaARN=function_arn)
            previous = connector.connect(_value(client, arn, VersionStage="AWSPREVIOUS"))
            users.append(_value(client, arn)["username"].replace(name, "<app>"))
            users.append("previous works" if previous is not None else "previous refused")
            if previous is not None:
                previous.close()
        traffic.close()
        return users, traffic.failures_by_phase()

    simulated, real = observe(real=False), observe(real=True)
    assert simulated == real
    if strategy == "single-user":
        assert real[1]["after setSecret"] == 4
        assert real[0] == ["<app>", "previous refused", "<app>", "previous refused"]
    else:
        assert sum(real[1].values()) == 0
        assert real[0] == ["<app>_clone", "previous works", "<app>", "previous works"]


def test_the_server_keeps_only_a_verifier_but_a_statement_log_shows_the_new_password(server, world):
    """AWS's PostgreSQL templates send the new password inside ALTER USER, and so does the kit's:
    PostgreSQL stores only its SCRAM verifier, but a server that logs every statement writes
    the statement, password and all, to its log (PostgreSQL's documentation warns of it)."""
    cloud, client, secret = world
    arn = _store(client, server, secret, "single-user")
    with server.connect() as conn:
        conn.execute("ALTER SYSTEM SET log_statement = 'all'")
        conn.execute("SELECT pg_reload_conf()")
    try:
        _rotate(cloud, client, SecretId=arn, RotationLambdaARN=_rotation(cloud, "single-user"))
    finally:
        with server.connect() as conn:
            conn.execute("ALTER SYSTEM RESET log_statement")
            conn.execute("SELECT pg_reload_conf()")
    password = _value(client, arn)["password"]
    with server.connect() as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (secret["username"],)).fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$") and password not in stored
    assert password in server.log_file.read_text(errors="replace")
