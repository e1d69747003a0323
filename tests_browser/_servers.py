"""Start JupyterLab or Voila for the browser tests, and stop them again.

Each server is started with exactly the command line that ``python3 kit.py lab`` or
``python3 kit.py present`` runs (kit.py's ``lab_command`` and ``present_command`` build
it), in the environment kit.py gives it (``run_env``), with only the arguments a user
could add to those commands: no browser, 127.0.0.1, a free port, a random token, and for
JupyterLab ``--expose-app-in-browser`` so the test can drive it. Two things differ from a
student's machine, and neither is part of the command: the project the server sees is a
scratch copy of ``course/`` and ``labs/`` (so running notebooks and autosave never rewrite
the saved outputs; JupyterLab's settings folder inside it is seeded afresh, as on a first
``kit.py lab``), and the user's Jupyter and IPython folders are empty scratch folders (so
nothing in the home directory of whoever runs the tests changes what the test sees).
"""

from __future__ import annotations

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


def copy_project(target: Path) -> Path:
    """A scratch project at ``target``: copies of the notebook folders (course and labs),
    leaving checkpoints behind."""
    for folder in kit.NOTEBOOK_DIRS:
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return target


@dataclass
class Server:
    """A running Jupyter server process and what a browser needs to reach it."""

    name: str
    base_url: str
    token: str
    process: subprocess.Popen
    log_path: Path
    root: Path

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


def server_environment(scratch: Path) -> dict[str, str]:
    """kit.py's environment for ``lab`` and ``present``, with empty per-user folders."""
    env = kit.run_env(for_tests=False)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        folder = scratch / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    return env


def wait_until_up(server: Server, probe: str) -> None:
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


def _start(name: str, argv: list[str], scratch: Path, root: Path, port: int, token: str,
           probe: str) -> Server:
    log_path = scratch / f"{name}.log"
    log = open(log_path, "w")  # noqa: SIM115 - the child process writes to it until stop()
    # kit.py runs every command from the project's folder.
    process = subprocess.Popen(argv, cwd=root, env=server_environment(scratch), stdin=subprocess.DEVNULL,
                               stdout=log, stderr=subprocess.STDOUT)
    log.close()
    server = Server(name, f"http://127.0.0.1:{port}", token, process, log_path, root)
    wait_until_up(server, probe)
    return server


def lab_user_args(port: int, token: str) -> list[str]:
    """What a user adds to ``python3 kit.py lab`` to run it for a test: no browser of its
    own, loopback only, a given port and token, and the app object exposed to the page."""
    return ["--no-browser", "--expose-app-in-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}"]


def start_lab(scratch: Path, root: Path) -> Server:
    """JupyterLab as ``python3 kit.py lab --no-browser ...`` runs it on the project ``root``."""
    port, token = free_port(), secrets.token_hex(16)
    argv = kit.lab_command(lab_user_args(port, token), root=root)
    return _start("jupyterlab", argv, scratch, root, port, token, "/api/status")


def start_voila(scratch: Path, root: Path) -> Server:
    """Voila as ``python3 kit.py present --no-browser ...`` runs it on the project ``root``."""
    port, token = free_port(), secrets.token_hex(16)
    args = ["--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", f"--token={token}"]
    argv = kit.present_command(kit.PRESENT_DEFAULT, args, root=root)
    return _start("voila", argv, scratch, root, port, token, "/")
