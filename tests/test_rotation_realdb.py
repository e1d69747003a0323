"""The pre-built PostgreSQL rotation functions, deployed from their zip, against a real server
(PyGreSQL's calls, carried out by psycopg)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from _realdb_support import require_psycopg, server_or_skip

from secretkit import Cloud, rotation_functions
from secretkit.databases.psycopg_connector import PsycopgConnector

require_psycopg()


@pytest.fixture(scope="module")
def server() -> Iterator:  # type: ignore[type-arg]
    yield from server_or_skip()


@pytest.mark.parametrize("strategy", ("single-user", "alternating-users"))
def test_rotation_on_real_postgresql(server, strategy: str) -> None:  # type: ignore[no-untyped-def]
    cloud = Cloud()
    sm = cloud.secretsmanager()
    user = "su_app" if strategy == "single-user" else "alt_app"
    app = server.create_app_user(user, dbname=f"{user}_db")
    extra = {}
    if strategy == "alternating-users":
        extra["masterarn"] = sm.create_secret(Name="master", SecretString=json.dumps(server.master_secret()))["ARN"]
    arn = sm.create_secret(Name="app", SecretString=json.dumps({**app, **extra}))["ARN"]
    connector = PsycopgConnector()
    function = rotation_functions.deploy(cloud, "rotate", "postgres", strategy, driver="real",
                                         master_secret_arn=extra.get("masterarn"))
    old_session = connector.connect(app)
    assert old_session is not None
    for _ in range(2):
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=function)
        cloud.clock.advance(seconds=1)
    assert not cloud.events.select(kind="notice", operation="RotationFailed")
    current = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    with connector.connect(current) as conn:
        assert conn.test_login()
    assert old_session.test_login()  # a session opened before both rotations still works
    old_session.close()
    if strategy == "single-user":
        assert current["username"] == user and connector.connect(app) is None
    else:
        assert current["username"] == user  # app -> app_clone -> app
        previous = json.loads(sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"])
        assert previous["username"] == f"{user}_clone"
        with connector.connect(previous) as conn:  # the user clients held until now still logs in
            assert conn.test_login()
