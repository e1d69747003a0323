"""The course on a real JupyterHub: two students log in, each gets a server and a Cloud of their own.

The hub (tests/_hub_support.py) listens on 127.0.0.1 only, with its local process spawner,
its dummy authenticator and configurable-http-proxy from hub/. Without node this test is
skipped with that reason, unless ``SECRETKIT_REQUIRE_HUB=1`` (CI sets it), which makes a
missing node a failure. Every step is bounded in time, and the test asserts that the hub,
its proxy, both servers and both kernels are gone afterwards.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from _hub_support import Hub, HubUnavailable, ensure_proxy

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT / "course" / "01_secrets_manager.ipynb"
STUDENTS = ["alice", "bob"]


def _first_code_cells(count: int) -> list[str]:
    cells = json.loads(LECTURE.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "code"]
    return code[:count]


def _text(result: dict) -> str:
    parts = []
    for output in result["outputs"]:
        if output["type"] == "stream":
            parts.append(output["text"])
        elif output["type"] in ("execute_result", "display_data"):
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.fixture
def hub(tmp_path):
    try:
        ensure_proxy()
    except HubUnavailable as missing:
        if os.environ.get("SECRETKIT_REQUIRE_HUB") == "1":
            pytest.fail(f"SECRETKIT_REQUIRE_HUB=1 but the hub cannot run: {missing}")
        pytest.skip(f"no JupyterHub here: {missing}")
    running = Hub(tmp_path / "hub", STUDENTS)
    try:
        running.start()
        yield running
    finally:
        left = running.stop()
        assert left == [], f"processes outlived the hub: {left}"


def test_two_students_each_run_the_lecture_in_a_cloud_of_their_own(hub):
    lecture = _first_code_cells(3)
    seen, kernels = {}, {}
    for name in STUDENTS:
        hub.log_in(name)
        hub.start_server(name)
        kernels[name] = kernel = hub.start_kernel(name)
        results = hub.run(name, kernel, [
            *lecture,
            f"sm.create_secret(Name='only/{name}', SecretString='{name}-s3cret')\n"
            "import os, json\n"
            "print(json.dumps({'names': sorted(s['Name'] for s in sm.list_secrets()['SecretList']),"
            " 'home': os.environ['HOME'], 'kernel': os.getpid(), 'server': os.getppid(),"
            " 'cloud': id(cloud)}))",
        ])
        for code, result in zip(lecture, results):
            assert result["reply"]["status"] == "ok", (code, result)
        seen[name] = json.loads(_text(results[-1]).strip().splitlines()[-1])
        hub.pids.update({seen[name]["kernel"], seen[name]["server"]})
    alice, bob = seen["alice"], seen["bob"]
    assert "only/alice" in alice["names"] and "only/bob" not in alice["names"]
    assert "only/bob" in bob["names"] and "only/alice" not in bob["names"]
    assert alice["home"].endswith("/home/alice") and bob["home"].endswith("/home/bob")
    assert len({alice["kernel"], bob["kernel"], alice["server"], bob["server"]}) == 4
    # bob's secret was made while alice's kernel was running: her Cloud still does not have it
    again = hub.run("alice", kernels["alice"], ["print(sorted(s['Name'] for s in sm.list_secrets()['SecretList']))"])
    assert _text(again[0]).strip() == repr(alice["names"])


def test_a_student_cannot_reach_another_students_server(hub):
    for name in STUDENTS:
        hub.log_in(name)
    hub.start_server("alice")
    from urllib.error import HTTPError

    with pytest.raises(HTTPError) as refused:
        hub.api("GET", "/user/alice/api/kernels", token=hub.tokens["bob"])
    assert refused.value.code == 403
