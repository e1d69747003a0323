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
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from _servers import ROOT, START_TIMEOUT, _environment, free_port, kit


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
def kit_lab(tmp_path_factory: pytest.TempPathFactory):
    scratch = tmp_path_factory.mktemp("kit-lab")
    port, token = free_port(), secrets.token_hex(16)
    log_path = scratch / "kit-lab.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "kit.py"), "lab", "--no-browser", "--ip=127.0.0.1",
             f"--port={port}", f"--IdentityProvider.token={token}"],
            cwd=ROOT, env=_environment(scratch), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")
            try:
                if get(f"{base}/api/status?token={token}")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            assert time.monotonic() < deadline, log_path.read_text(errors="replace")
            time.sleep(0.25)
        yield base, token, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def listing(base: str, token: str, path: str) -> tuple[int, list[str]]:
    status, _, body = get(f"{base}/api/contents/{path}?token={token}")
    names = [item["name"] for item in json.loads(body).get("content") or []] if status == 200 else []
    return status, names


def test_kit_lab_serves_the_course_and_the_labs(kit_lab) -> None:
    base, token, _ = kit_lab
    _, top = listing(base, token, "")
    assert {"course", "labs"} <= set(top), top
    for folder in kit.NOTEBOOK_DIRS:
        status, names = listing(base, token, folder)
        assert status == 200, f"/api/contents/{folder} answered {status}"
        on_disk = sorted(p.name for p in (ROOT / folder).glob("*.ipynb"))
        assert on_disk and sorted(n for n in names if n.endswith(".ipynb")) == on_disk


def test_kit_lab_opens_on_the_start_page(kit_lab) -> None:
    base, token, _ = kit_lab
    status, headers, _ = get(f"{base}/?token={token}", follow=False)
    assert status in (301, 302, 303, 307), status
    assert headers["Location"].split("?")[0].endswith(f"/lab/tree/{kit.START_NOTEBOOK}"), headers["Location"]


def test_kit_lab_starts_without_warnings(kit_lab) -> None:
    _, _, log_path = kit_lab
    text = Path(log_path).read_text(errors="replace")
    assert "Jupyter Server" in text and "is running at" in text, text
    assert "Warning" not in text and "WARNING" not in text, text
