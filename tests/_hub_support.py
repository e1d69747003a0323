"""A real JupyterHub on 127.0.0.1 for the hub test and the cost measurement (hub/measure.py).

:class:`Hub` starts ``jupyterhub`` from the project's environment with its
``SimpleLocalProcessSpawner`` (one single-user server per student, a home folder each, all
as the hub's own user), its ``DummyAuthenticator`` (any password; only the listed students)
and ``configurable-http-proxy`` from ``hub/node_modules`` (installed with ``npm ci`` from the
committed ``hub/package-lock.json`` when missing). Everything listens on free ports of
127.0.0.1; the hub runs in a session of its own, and :meth:`Hub.stop` ends it, its proxy and
its servers, and reports any process that outlived it.

A student logs in through the REST API (``POST /hub/api/users/NAME/tokens`` with the
username and password in the body, which asks the authenticator), starts a server with that
token, and runs code in a kernel through the single-user server's kernels API and its
websocket channels.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[1]
HUB_DIR = ROOT / "hub"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"

__all__ = ["Hub", "HubUnavailable", "ensure_proxy", "free_port", "rss_kib", "cpu_seconds"]


class HubUnavailable(Exception):
    """What the hub needs is missing here (the message says what)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_proxy() -> Path:
    """configurable-http-proxy from hub/node_modules, installed from the lock file if missing."""
    if shutil.which("node") is None:
        raise HubUnavailable("node is not installed (JupyterHub's proxy, configurable-http-proxy, runs on it)")
    if not PROXY.exists():
        if shutil.which("npm") is None:
            raise HubUnavailable("npm is not installed (it installs configurable-http-proxy into hub/)")
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=HUB_DIR,
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not PROXY.exists():
            raise HubUnavailable(f"npm ci in hub/ failed: {done.stderr[-1500:]}")
    return PROXY


def rss_kib(pid: int) -> int:
    """Resident memory of one process, in KiB (Linux's /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _alive(pid: int) -> bool:
    """Whether ``pid`` is still running (a zombie, exited but not yet reaped, is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class Hub:
    """One JupyterHub with a proxy and its students' servers, all under ``workdir``."""

    def __init__(self, workdir: Path, students: list[str], *, timeout: float = 120) -> None:
        self.workdir = workdir
        self.students = students
        self.timeout = timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}
        self.pids: set[int] = set()  # servers and kernels seen, to prove they are gone

    def _config(self) -> str:
        bin_dir = Path(sys.executable).parent
        args = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return "\n".join([
            "c = get_config()  # noqa: F821",
            f"c.JupyterHub.bind_url = {self.url!r}",
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{free_port()}'",
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'",
            f"c.ConfigurableHTTPProxy.command = [{str(ensure_proxy())!r}]",
            f"c.ConfigurableHTTPProxy.pid_file = {str(self.workdir / 'proxy.pid')!r}",
            f"c.JupyterHub.db_url = 'sqlite:///{self.workdir / 'hub.sqlite'}'",
            f"c.JupyterHub.cookie_secret_file = {str(self.workdir / 'cookie_secret')!r}",
            f"c.JupyterHub.pid_file = {str(self.workdir / 'hub.pid')!r}",
            "c.JupyterHub.authenticator_class = 'dummy'",
            f"c.Authenticator.allowed_users = {set(self.students)!r}",
            "c.JupyterHub.spawner_class = 'simple'",
            f"c.SimpleLocalProcessSpawner.home_dir_template = {str(self.workdir / 'home' / '{username}')!r}",
            f"c.Spawner.cmd = [{str(bin_dir / 'jupyterhub-singleuser')!r}]",
            f"c.Spawner.args = {args!r}",
            "c.Spawner.default_url = '/lab'",
            "c.Spawner.start_timeout = 120",
            "c.Spawner.http_timeout = 120",
            "c.JupyterHub.cleanup_servers = True",
            "c.JupyterHub.cleanup_proxy = True",
            "",
        ])

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the hub and wait until its API answers."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "jupyterhub_config.py").write_text(self._config())
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        log = open(self.workdir / "hub.log", "wb")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", "jupyterhub_config.py"],
            cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited at start:\n{self.log_tail()}")
            try:
                self.api("GET", "/hub/api/")
                return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"jupyterhub did not answer within {self.timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, size: int = 4000) -> str:
        try:
            return (self.workdir / "hub.log").read_text(errors="replace")[-size:]
        except OSError:
            return ""

    def stop(self) -> list[int]:
        """Stop the hub (it stops its servers and proxy); returns pids still alive after it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()
        try:
            self.pids.add(int((self.workdir / "proxy.pid").read_text().strip()))
        except (OSError, ValueError):
            pass
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(p) for p in self.pids):
            time.sleep(0.5)
        left = sorted(p for p in self.pids if _alive(p))
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left

    # ------------------------------------------------------------------ REST

    def api(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"token {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = Request(self.url + path, data=data, method=method, headers=headers)
        with urlopen(request, timeout=30) as response:
            text = response.read().decode()
        return json.loads(text) if text.strip() else {}

    def log_in(self, name: str, password: str = "any password will do") -> str:
        """Log ``name`` in through the REST API; returns their API token."""
        reply = self.api("POST", f"/hub/api/users/{name}/tokens",
                         {"auth": {"username": name, "password": password}, "note": "course test"})
        self.tokens[name] = reply["token"]
        return reply["token"]

    def start_server(self, name: str) -> None:
        """Start ``name``'s single-user server with their own token and wait until it is ready."""
        token = self.tokens[name]
        try:
            self.api("POST", f"/hub/api/users/{name}/server", {}, token=token)
        except HTTPError as error:
            if error.code != 400:  # 400: already running
                raise
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"/hub/api/users/{name}", token=token).get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{name}'s server was not ready within {self.timeout:.0f} s:\n{self.log_tail()}")

    # ------------------------------------------------------------------ kernels

    def start_kernel(self, name: str) -> str:
        reply = self.api("POST", f"/user/{name}/api/kernels", {"name": "python3"}, token=self.tokens[name])
        return reply["id"]

    def run(self, name: str, kernel_id: str, cells: list[str], timeout: float = 120) -> list[dict]:
        """Run ``cells`` in the kernel over its websocket; per cell, its reply and outputs."""
        import asyncio

        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = f"ws://127.0.0.1:{self.port}/user/{name}/api/kernels/{kernel_id}/channels"
        request = HTTPRequest(url, headers={"Authorization": f"token {self.tokens[name]}"})

        async def go() -> list[dict]:
            connection = await websocket_connect(request)
            session = uuid.uuid4().hex
            results = []
            try:
                for code in cells:
                    msg_id = uuid.uuid4().hex
                    connection.write_message(json.dumps({
                        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                                   "username": name, "version": "5.3"},
                        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                        "content": {"code": code, "silent": False, "store_history": True,
                                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                    }))
                    outputs, reply, idle = [], None, False
                    while reply is None or not idle:
                        raw = await connection.read_message()
                        if raw is None:
                            raise ConnectionError("the kernel's websocket closed")
                        msg = json.loads(raw)
                        if msg.get("parent_header", {}).get("msg_id") != msg_id:
                            continue
                        kind = msg["header"]["msg_type"]
                        if kind == "execute_reply":
                            reply = msg["content"]
                        elif kind == "status" and msg["content"]["execution_state"] == "idle":
                            idle = True
                        elif kind in ("stream", "execute_result", "display_data", "error"):
                            outputs.append({"type": kind, **msg["content"]})
                    results.append({"reply": reply, "outputs": outputs})
            finally:
                connection.close()
            return results

        async def bounded() -> list[dict]:
            return await asyncio.wait_for(go(), timeout)

        return asyncio.run(bounded())
