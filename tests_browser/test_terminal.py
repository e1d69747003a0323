"""A JupyterLab terminal of ``python3 kit.py lab`` reaches a served Cloud with the AWS CLI.

JupyterLab is started with kit.py's own command line (see ``_servers``); the test opens a
terminal through JupyterLab's terminals API and talks to it over the same websocket the
terminal tab in the browser uses, typing what a student types: the two lines
``cloud.serve()`` printed, then ``aws secretsmanager get-secret-value``. No browser is
needed for that, so this test runs without Chromium.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import kit
from _servers import Server, copy_project, start_lab
from secretkit import Cloud

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("awscli") is None, reason="the AWS CLI is not installed (it comes with secretkit[lab])"
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    scratch = tmp_path_factory.mktemp("terminal-lab")
    server = start_lab(scratch, copy_project(scratch / "project"))
    try:
        yield server
    finally:
        server.stop()


def _type_and_read(server: Server, lines: list[str], until: str, timeout: float = 90.0) -> str:
    """Open a terminal, type ``lines``, and return its output once ``until`` appears in it
    (the terminal echoes what is typed: ``until`` must be what only a command prints)."""
    from tornado.websocket import websocket_connect

    name = json.loads(server.api("POST", "/api/terminals"))["name"]
    ws_url = server.url(f"/terminals/websocket/{name}").replace("http://", "ws://", 1)

    async def talk() -> str:
        connection: Any = await websocket_connect(ws_url)
        seen = ""
        for line in lines:
            await connection.write_message(json.dumps(["stdin", line + "\r"]))
        deadline = time.monotonic() + timeout
        while until not in seen and time.monotonic() < deadline:
            message = await connection.read_message()
            if message is None:
                break
            kind, *content = json.loads(message)
            if kind == "stdout":
                seen += content[0]
        connection.close()
        return seen

    # The browser tests' Playwright keeps an event loop running in this thread, so the talk
    # gets a loop of its own in a thread of its own rather than borrowing (and stopping) that one.
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, asyncio.wait_for(talk(), timeout + 10)).result()
    finally:
        server.api("DELETE", f"/api/terminals/{name}")


def test_the_aws_cli_in_a_lab_terminal_reads_the_secret_a_notebook_made(lab: Server) -> None:
    cloud = Cloud(seed=2)
    cloud.client("secretsmanager").create_secret(Name="term/db", SecretString="from-the-notebook")
    with cloud.serve(quiet=True) as served:
        exports = served.exports().splitlines()
        output = _type_and_read(lab, [
            *exports,
            "export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null",
            'echo "path=$PATH"',
            "aws secretsmanager get-secret-value --secret-id term/db --query SecretString --output text; echo \"done\"-$?",
        ], until="done-")
    # kit.py's PATH survived into the terminal's shell (a login shell's /etc/profile would reset it;
    # the user's own startup files may still put their folders in front of it).
    path = next(line for line in output.splitlines() if line.startswith("path="))
    assert str(kit.venv_bin()) in path.split(":"), output
    assert "from-the-notebook" in output and "done-0" in output, output[-2000:]
