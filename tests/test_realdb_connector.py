"""The psycopg connector on a real server: what rotation's database actions really do."""

from __future__ import annotations

import pytest

from _realdb_support import require_psycopg, server_or_skip

require_psycopg()

from secretkit.databases.psycopg_connector import PsycopgConnector, scram_verifier  # noqa: E402


@pytest.fixture(scope="module")
def server():
    yield from server_or_skip()


@pytest.fixture
def connector():
    return PsycopgConnector()


@pytest.fixture
def user(server, request):
    name = f"u_{request.node.name[5:30]}".lower().replace("[", "_").replace("]", "")
    return server.create_app_user(name, f"{name}-first-pw", f"{name}_db")


def test_refused_login_is_none_and_a_good_one_answers(connector, user):
    assert connector.connect(dict(user, password="wrong")) is None
    with connector.connect(user) as session:
        assert session.test_login() is True


def test_missing_server_is_an_error_not_a_refusal(connector, user):
    import psycopg

    closed_port = dict(user, port=1)  # nothing listens there
    with pytest.raises(psycopg.OperationalError):
        connector.connect(closed_port)


def test_single_user_change_refuses_old_accepts_new_keeps_open_sessions(server, connector, user):
    name = user["username"]
    held = connector.connect(user)
    with connector.connect(user) as session:
        session.set_password(name, "second-Pa55word")
    assert connector.connect(user) is None  # old password refused
    with connector.connect(dict(user, password="second-Pa55word")) as fresh:
        assert fresh.test_login()
    assert held.test_login()  # authenticated once at connect, never re-checked
    held.close()


def test_verifier_is_what_the_server_stores(server, user):
    with server.connect() as conn:
        verifier = scram_verifier(conn, user["username"], "third-Pa55word")
        assert verifier.startswith("SCRAM-SHA-256$4096:")
        assert "third-Pa55word" not in verifier
    with PsycopgConnector().connect(user) as session:
        session.set_password(user["username"], "third-Pa55word")
    with server.connect() as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                              (user["username"],)).fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$") and "third-Pa55word" not in stored


def test_clone_acts_as_the_original_and_both_log_in(server, connector, user):
    name, clone = user["username"], user["username"] + "_clone"
    master = dict(server.master_secret(), dbname=user["dbname"])
    with connector.connect(master) as admin:
        assert not admin.role_exists(clone)
        admin.create_role_like(clone, name, "clone-Pa55word")
        assert admin.role_exists(clone)
    clone_secret = dict(user, username=clone, password="clone-Pa55word")
    with server.connect(clone_secret) as conn:
        conn.execute("CREATE TABLE made_by_clone (id int)")
        who = conn.execute("SELECT current_user, session_user").fetchone()
        owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_clone'").fetchone()
    assert who == (name, clone) and owner == (name,)
    with server.connect(user) as conn:  # the original can use what the clone made
        conn.execute("INSERT INTO made_by_clone VALUES (1)")
    with connector.connect(user) as session:
        assert session.test_login()


def test_clone_is_created_once_then_only_repassworded(server, connector, user):
    name, clone = user["username"], user["username"] + "_clone"
    master = dict(server.master_secret(), dbname=user["dbname"])
    with connector.connect(master) as admin:
        admin.create_role_like(clone, name, "pw-one-xxxxxxxx")
        admin.create_role_like(clone, name, "pw-two-xxxxxxxx")  # second rotation: exists already
    assert connector.connect(dict(user, username=clone, password="pw-one-xxxxxxxx")) is None
    assert connector.connect(dict(user, username=clone, password="pw-two-xxxxxxxx")) is not None
    with server.connect() as conn:
        members = conn.execute(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "JOIN pg_roles c ON c.oid = m.member WHERE r.rolname = %s AND c.rolname = %s",
            (name, clone)).fetchone()[0]
    assert members == 1


def test_alternating_users_always_leave_one_working_login(server, connector, user):
    """Changing the user clients do not hold never breaks the one they do hold."""
    name, clone = user["username"], user["username"] + "_clone"
    master = dict(server.master_secret(), dbname=user["dbname"])
    held = dict(user)
    for i in range(4):  # app -> app_clone -> app -> app_clone -> app
        other = clone if held["username"] == name else name
        new = dict(held, username=other, password=f"alt-Pa55word-{i}")
        with connector.connect(master) as admin:
            if other == name:
                admin.set_password(name, new["password"])
            else:
                admin.create_role_like(clone, name, new["password"])
            assert connector.connect(held) is not None  # the login clients hold still works
        assert connector.connect(new) is not None
        held = new
