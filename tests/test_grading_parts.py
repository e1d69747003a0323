"""The grader's parts, one at a time: labs, submission layouts, the scan, verdicts, the sandbox."""

from __future__ import annotations

import ast
import importlib
import io
import json
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from secretkit.grading.integrity import Snapshot
from secretkit.grading.kernel import NETWORK_REFUSED, guard_network
from secretkit.grading.progress import Progress
from secretkit.grading.reference import find_labs, load_lab
from secretkit.grading.sandbox import isolation
from secretkit.grading.scan import scan_answer
from secretkit.grading.submissions import discover, safe_name, unpack
from secretkit.grading.verdict import MIME, read_verdict, verdict_code

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "labs"


@pytest.mark.parametrize("number", sorted(find_labs(LABS)))
def test_each_labs_check_cells_ask_exactly_the_questions_its_checks_define(number):
    lab = load_lab(LABS, number)
    checks = importlib.import_module(lab.module).checks
    assert lab.questions == checks.names
    assert [q for answer in lab.answers for q in answer.questions] == checks.names
    assert all(answer.names for answer in lab.answers)  # each answer can be found by name too


def _nb(path: Path, text: str = "check") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": text}))


def test_every_layout_gives_one_submission_per_student(tmp_path):
    _nb(tmp_path / "alice.ipynb")
    _nb(tmp_path / "bob" / "01_store_and_read.ipynb")
    _nb(tmp_path / "bob" / ".ipynb_checkpoints" / "01_store_and_read-checkpoint.ipynb")
    _nb(tmp_path / "carol" / "01_store_and_read.ipynb")
    _nb(tmp_path / "carol" / "scratch.ipynb")
    _nb(tmp_path / "dave" / "notes.ipynb")
    _nb(tmp_path / "dave" / "other.ipynb")
    (tmp_path / "erin").mkdir()
    _nb(tmp_path / "smithjohn_LATE_1234_5678_01_store_and_read.ipynb")
    found = {s.student: s for s in discover(tmp_path, "01_")}
    assert sorted(found) == ["alice", "bob", "carol", "dave", "erin", "smithjohn"]
    assert found["bob"].notebook == tmp_path / "bob" / "01_store_and_read.ipynb"
    assert found["carol"].notebook.name == "01_store_and_read.ipynb"
    assert found["dave"].notebook is None and found["dave"].problem.startswith("several notebooks")
    assert found["erin"].notebook is None and found["erin"].problem.startswith("no notebook")
    assert found["smithjohn"].late and not found["alice"].late


def test_gradescope_exports_name_students_by_their_metadata(tmp_path):
    (tmp_path / "submission_metadata.yml").write_text(
        "submission_101:\n  :submitters:\n  - :name: Ann Lee\n    :sid: '77'\n    :email: ann@example.edu\n"
        "submission_102:\n  :submitters:\n  - :name: Bo Chan\n    :sid: '78'\n")
    _nb(tmp_path / "submission_101" / "lab.ipynb")
    _nb(tmp_path / "submission_102" / "lab.ipynb")
    assert [s.student for s in discover(tmp_path, "01_")] == ["78", "ann@example.edu"]


def test_a_zip_of_one_folder_is_read_inside_it_and_escaping_members_are_refused(tmp_path):
    archive = tmp_path / "subs.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("export/alice.ipynb", "{}")
    assert [s.student for s in discover(unpack(archive, tmp_path / "a"), "01_")] == ["alice"]
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zipped:
        zipped.writestr("../outside.ipynb", "{}")
    with pytest.raises(ValueError, match="outside the archive"):
        unpack(evil, tmp_path / "b")
    assert not (tmp_path / "outside.ipynb").exists()


def test_student_names_become_safe_file_names():
    assert safe_name("ann@example.edu") == "ann@example.edu"
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert safe_name("Ann Lee") == "Ann_Lee"


ALLOWED = frozenset({"json", "secretkit", "secretkit.labs.lab01"})


def _kinds(source: str) -> list[str]:
    return [note.kind for note in scan_answer(source, ALLOWED, "secretkit.labs.lab01", "q1")]


def test_the_scan_notes_odd_imports_patching_and_reaching_in():
    assert _kinds("import json\nfrom botocore.exceptions import ClientError\nimport re\n") == []
    assert _kinds("import requests\n") == ["odd-import"]
    assert _kinds("from secretkit.labs.lab01 import check\n") == ["imports-checks"]
    assert _kinds("import secretkit.labs as L\nL.Checks.check = print\n") == ["imports-checks", "patches-module"]
    assert _kinds("import sys\nf = sys._getframe(1).f_locals\n") == ["odd-import", "reaches-in"]
    assert _kinds("exec('x = 1')\n") == ["reaches-in"]
    assert _kinds("def broken(:\n") == ["syntax-error"]


def _output(payload) -> dict:
    return {"output_type": "display_data", "data": {MIME: payload}, "metadata": {}}


def test_a_verdict_is_read_only_from_one_output_with_the_cells_token():
    code, token = verdict_code("secretkit.labs.lab01", "q1", ["store_credentials"], "/nowhere")
    ast.parse(code)  # the cell is valid Python
    assert token in code and "secretkit.labs.lab01" in code
    good = {"token": token, "question": "q1", "status": "passed", "message": "all checks passed"}
    printed = {"output_type": "stream", "name": "stdout", "text": "✓ lab01.q1: all checks passed\n"}
    assert read_verdict([printed, _output(good)], "q1", token).status == "passed"
    assert read_verdict([printed], "q1", token) is None
    assert read_verdict([_output(good), _output(good)], "q1", token) is None
    assert read_verdict([_output({**good, "token": "guess"})], "q1", token) is None
    assert read_verdict([_output({**good, "question": "q2"})], "q1", token) is None
    assert read_verdict([_output({**good, "status": "excellent"})], "q1", token) is None
    assert verdict_code("secretkit.labs.lab01", "q1", [], "/x")[1] != token  # a new token every cell


def test_the_audit_hook_refuses_internet_sockets_and_lookups_but_not_local_ones():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(PermissionError, match=NETWORK_REFUSED):
            guard_network("socket.connect", (sock, ("192.0.2.1", 80)))
        with pytest.raises(PermissionError, match=NETWORK_REFUSED):
            guard_network("socket.connect", (sock, ("127.0.0.1", 80)))
    with pytest.raises(PermissionError, match=NETWORK_REFUSED):
        guard_network("socket.getaddrinfo", ("example.com", 80, 0, 0, 0))
    guard_network("socket.getaddrinfo", ("localhost", 80, 0, 0, 0))
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        guard_network("socket.connect", (left, "/some/unix/socket"))
    guard_network("open", ("/etc/hosts", "r", 0))


def test_inside_the_sandbox_the_only_network_interface_is_loopback():
    prefix = isolation()
    if not prefix:
        pytest.skip("this machine cannot make network namespaces (no unshare, or not permitted)")
    probe = "import socket; print(sorted(name for _, name in socket.if_nameindex()))"
    out = subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['lo']"


def test_the_snapshot_puts_the_kits_files_back_and_reports_the_environment(tmp_path):
    package, labs, prefix = tmp_path / "pkg", tmp_path / "labs", tmp_path / "env"
    for folder in (package, labs, prefix):
        folder.mkdir()
    (package / "lab01.py").write_text("real = True\n")
    (labs / "01_x.ipynb").write_text("{}")
    (prefix / "site.pth").write_text("")
    snapshot = Snapshot(package, labs, prefix)
    assert snapshot.changes() == ([], [])
    (package / "lab01.py").write_text("real = False\n")
    (package / "extra.py").write_text("x = 1\n")
    restored, environment = snapshot.changes()
    assert sorted(Path(p).name for p in restored) == ["extra.py", "lab01.py"] and environment == []
    assert (package / "lab01.py").read_text() == "real = True\n" and not (package / "extra.py").exists()
    (prefix / "evil.pth").write_text("import os\n")
    assert snapshot.changes() == ([], [str(prefix / "evil.pth")])


def test_progress_writes_a_line_per_submission_off_a_terminal():
    stream = io.StringIO()
    bar = Progress(2, stream)
    bar.start("alice")
    bar.advance("alice", "3/4")
    bar.advance("bob", "0/4")
    assert stream.getvalue() == "graded 1/2: alice: 3/4\ngraded 2/2: bob: 0/4\n"


def test_nothing_in_the_model_imports_the_grader():
    package = ROOT / "secretkit"
    offenders = []
    for path in package.rglob("*.py"):
        if path.is_relative_to(package / "grading"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or "", *(a.name for a in node.names)] if isinstance(node, ast.ImportFrom) else [])
            if any("grading" in name.split(".") for name in names):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
