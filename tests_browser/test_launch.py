"""``python3 kit.py lab``, run exactly as README says (plus the options a user adds to run
it on a server: no browser, a port, a token), serves the whole project: the course and
the labs are both listed by the server, and ``/`` leads to the start page.

This needs no browser: it asks the server's REST API, as any client would. It serves the
real project (nothing is opened, so nothing is written into a notebook).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from _servers import ROOT, Server, server_environment, wait_until_up, free_port, kit


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def get(url: str, *, follow: bool = True) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def kit_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``python3 kit.py lab --no-browser ...`` itself, as a child process, until the module ends."""
    scratch = tmp_path_factory.mktemp("kit-lab")
    port, token = free_port(), secrets.token_hex(16)
    log_path = scratch / "kit-lab.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "kit.py"), "lab", "--no-browser", "--ip=127.0.0.1",
             f"--port={port}", f"--IdentityProvider.token={token}"],
            cwd=ROOT, env=server_environment(scratch), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    server = Server("kit.py lab", f"http://127.0.0.1:{port}", token, process, log_path, ROOT)
    try:
        wait_until_up(server, "/api/status")
        yield server
    finally:
        server.stop()


def listing(server: Server, path: str) -> tuple[int, list[str]]:
    status, _, body = get(server.url(f"/api/contents/{path}"))
    names = [item["name"] for item in json.loads(body).get("content") or []] if status == 200 else []
    return status, names


def test_kit_lab_serves_the_course_and_the_labs(kit_lab: Server) -> None:
    _, top = listing(kit_lab, "")
    assert {"course", "labs"} <= set(top), top
    for folder in kit.NOTEBOOK_DIRS:
        status, names = listing(kit_lab, folder)
        assert status == 200, f"/api/contents/{folder} answered {status}"
        on_disk = sorted(p.name for p in (ROOT / folder).glob("*.ipynb"))
        assert on_disk and sorted(n for n in names if n.endswith(".ipynb")) == on_disk


def test_kit_lab_opens_on_the_start_page(kit_lab: Server) -> None:
    status, headers, _ = get(kit_lab.url("/"), follow=False)
    assert status in (301, 302, 303, 307), status
    assert headers["Location"].split("?")[0].endswith(f"/lab/tree/{kit.START_NOTEBOOK}"), headers["Location"]


def test_kit_lab_starts_without_warnings(kit_lab: Server) -> None:
    text = kit_lab.log_path.read_text(errors="replace")
    assert "Jupyter Server" in text and "is running at" in text, text
    assert "Warning" not in text and "WARNING" not in text, text
