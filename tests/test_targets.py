"""The simulated database engines: real password checks, surviving sessions, the login log."""

from __future__ import annotations

import pytest

from secretkit import Cloud
from secretkit.databases import (
    ENGINES,
    AuthenticationFailed,
    DatabaseError,
    SimConnector,
    Unreachable,
    databases,
)


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    cloud = Cloud()
    dbs = databases(cloud)
    db = dbs.create("postgres", "pg.example", "admin", "master-pw")
    db.add_user("app", "pw1", grants=("SELECT",))
    return cloud, dbs, db


def test_passwords_are_checked_and_not_stored(setup) -> None:  # type: ignore[no-untyped-def]
    cloud, _, db = setup
    assert db.connect("app", "pw1").username == "app"
    with pytest.raises(AuthenticationFailed, match='password authentication failed for user "app"'):
        db.connect("app", "pw2")
    with pytest.raises(AuthenticationFailed):
        db.connect("nobody", "pw1")
    assert "pw1" not in repr(db.users["app"]) and b"pw1" not in db.users["app"].digest
    assert [(r.username, r.ok, r.reason) for r in db.logins] == [("app", True, "ok"), ("app", False, "bad password"), ("nobody", False, "no such user")]
    assert all(r.time == cloud.clock.now for r in db.logins)


def test_open_sessions_survive_a_password_change(setup) -> None:  # type: ignore[no-untyped-def]
    _, _, db = setup
    old_session = db.connect("app", "pw1")
    db.connect("app", "pw1").alter_password("app", "pw2")
    assert old_session.select_now() is not None  # still usable
    assert not db.accepts("app", "pw1") and db.accepts("app", "pw2")


def test_only_the_master_changes_others_and_creates_users(setup) -> None:  # type: ignore[no-untyped-def]
    _, _, db = setup
    app = db.connect("app", "pw1")
    with pytest.raises(DatabaseError):
        app.alter_password("admin", "x")
    with pytest.raises(DatabaseError):
        app.create_user("evil", "x")
    master = db.connect("admin", "master-pw")
    master.create_user("reporting", "r")
    master.alter_password("app", "pw3")
    assert db.accepts("reporting", "r") and db.accepts("app", "pw3")


def test_name_limits_per_engine() -> None:
    cloud = Cloud()
    dbs = databases(cloud)
    mysql = dbs.create("mysql", "my.example", "admin", "pw")
    with pytest.raises(DatabaseError, match="16"):
        mysql.add_user("x" * 17, "pw")
    pg = dbs.create("postgres", "pg.example", "admin", "pw")
    pg.add_user("x" * 63, "pw")
    with pytest.raises(DatabaseError, match="63"):
        pg.add_user("y" * 64, "pw")
    assert ENGINES["redshift"].port == 5439 and ENGINES["docdb"].port == 27017


def test_outage_and_unknown_hosts(setup) -> None:  # type: ignore[no-untyped-def]
    _, dbs, db = setup
    session = db.connect("app", "pw1")
    db.down = True
    with pytest.raises(Unreachable):
        db.connect("app", "pw1")
    with pytest.raises(Unreachable):
        session.select_now()
    with pytest.raises(Unreachable):
        dbs.get("elsewhere.example")
    assert db.logins[-1].reason == "unreachable"


def test_connector_interface(setup) -> None:  # type: ignore[no-untyped-def]
    _, dbs, db = setup
    connector = SimConnector(dbs)
    assert connector.connect(db.secret_dict("app", "wrong")) is None
    with connector.connect(db.secret_dict("admin", "master-pw")) as conn:
        conn.create_role_like("app_clone", "app", "clone-pw")
        assert conn.role_exists("app_clone")
    with connector.connect(db.secret_dict("app_clone", "clone-pw")) as clone:
        assert clone.test_login()
    assert db.privileges("app_clone") == {"SELECT"}
    assert db.secret_dict("app", "pw1") == {"engine": "postgres", "host": "pg.example", "username": "app",
                                            "password": "pw1", "port": 5432, "dbname": "postgres"}


def test_directory_refuses_two_servers_on_one_host(setup) -> None:  # type: ignore[no-untyped-def]
    cloud, dbs, _ = setup
    assert databases(cloud) is dbs
    with pytest.raises(ValueError):
        dbs.create("mysql", "pg.example", "a", "b")
    with pytest.raises(ValueError):
        dbs.create("oracle", "o.example", "a", "b")
