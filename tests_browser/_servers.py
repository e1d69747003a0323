"""Start JupyterLab or Voila for the browser tests, and stop them again.

Each server runs from the project's environment on 127.0.0.1, on a free port, with a
random token, in a scratch copy of the notebooks (so running them never rewrites the
course's saved outputs), and with its own empty config, data and runtime folders (so
nothing in the user's home directory changes what the test sees). The kit's settings
still apply, which is what the tests exercise: JupyterLab gets kit.py's options and a
freshly seeded settings folder, as on a student's first ``kit.py lab``; both servers see
the kit's Jupyter data and config folders, as kit.py sets them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import kit  # noqa: E402  (the launcher itself: the servers start with the options it uses)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_notebooks(source: Path, target: Path) -> Path:
    """Copy ``source`` (a folder of notebooks) to ``target``, leaving checkpoints behind."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return target


@dataclass
class Server:
    """A running Jupyter server process and what a browser needs to reach it."""

    name: str
    base_url: str
    token: str
    process: subprocess.Popen
    log_path: Path
    notebooks: Path

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def api(self, method: str, path: str) -> bytes:
        request = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _environment(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        folder = scratch / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env.setdefault("PLOTLY_RENDERER", "plotly_mimetype")
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    # The kit's own Jupyter data (the Voila template) and config (voila.json), as kit.py sets them.
    kit.prepend_path(env, "JUPYTER_PATH", kit.KIT_JUPYTER_PATH)
    kit.prepend_path(env, "JUPYTER_CONFIG_PATH", kit.KIT_JUPYTER_CONFIG_PATH)
    return env


def _wait_until_up(server: Server, probe: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with code {server.process.returncode}:\n{server.log_tail()}")
        try:
            server.api("GET", probe)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"{server.name} did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")


def _start(name: str, argv: list[str], scratch: Path, notebooks: Path, port: int, token: str,
           probe: str) -> Server:
    log_path = scratch / f"{name}.log"
    log = open(log_path, "w")  # noqa: SIM115 - the child process writes to it until stop()
    process = subprocess.Popen(argv, cwd=notebooks, env=_environment(scratch), stdin=subprocess.DEVNULL,
                               stdout=log, stderr=subprocess.STDOUT)
    log.close()
    server = Server(name, f"http://127.0.0.1:{port}", token, process, log_path, notebooks)
    _wait_until_up(server, probe)
    return server


def _as_root() -> list[str]:
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def start_lab(scratch: Path, notebooks: Path) -> Server:
    """JupyterLab as ``python3 kit.py lab`` runs it, minus the browser it would open."""
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--expose-app-in-browser",
        "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={notebooks}",
        *kit.lab_args(scratch / "lab-state"),  # seeded like a first ``kit.py lab``
        *_as_root(),
    ]
    return _start("jupyterlab", argv, scratch, notebooks, port, token, "/api/status")


def start_voila(scratch: Path, notebooks: Path) -> Server:
    """Voila serving the folder ``notebooks`` as ``python3 kit.py present`` does."""
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        sys.executable, "-m", "voila", "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
        f"--token={token}", str(notebooks),
    ]
    return _start("voila", argv, scratch, notebooks, port, token, "/")
