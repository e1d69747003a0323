"""``python3 kit.py serve`` and ``python3 kit.py clock``, started the way a user starts them.

Each test runs kit.py as a subprocess: ``serve`` prints the two lines for a terminal and
serves until Ctrl+C (SIGINT here); the real AWS CLI talks to it; ``clock`` reads and moves
the served Cloud's clock through ``AWS_ENDPOINT_URL``, and the CLI sees time pass.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from _aws_cli import needs_cli, private_home, run_cli

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 120  # the first line can wait for kit.py's set-up check on a busy machine


def kit_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "SECRETKIT_KIT_IN_VENV"}
    env.update(extra)
    return env


def kit(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "kit.py"), *args], env=kit_env(**env), capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


class Served:
    """A running ``kit.py serve``: its output so far and the values of its export lines."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, str(ROOT / "kit.py"), "serve", *args], env=kit_env(),
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        self.lines: list[str] = []
        self.exports: dict[str, str] = {}
        assert self.process.stdout is not None
        while not self.lines or "kit.py clock advance" not in self.lines[-1]:  # its last line before waiting
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError("kit.py serve ended early:\n" + "".join(self.lines))
            self.lines.append(line)
            if line.startswith("export "):
                for pair in line.removeprefix("export ").split():
                    name, _, value = pair.partition("=")
                    self.exports[name] = value.strip()

    def interrupt(self) -> tuple[int, str]:
        """Ctrl+C: the exit code and the rest of the output."""
        self.process.send_signal(signal.SIGINT)
        try:
            rest, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()  # never leave a server behind, even when the test fails
            self.process.communicate()
            raise
        return self.process.returncode, rest


@pytest.fixture()
def served() -> Iterator[Served]:
    running = Served("--port", "0", "--seed", "4")
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


@needs_cli
def test_serve_prints_what_a_terminal_needs_and_the_cli_and_clock_use_it(served: Served, tmp_path: Path) -> None:
    text = "".join(served.lines)
    assert "kit: serving a fresh Cloud (seed 4, its clock at 2026-01-01T00:00:00+00:00)" in text
    url = served.exports["AWS_ENDPOINT_URL"]
    assert url.startswith("http://127.0.0.1:")
    assert served.exports["AWS_ACCESS_KEY_ID"].startswith("AKIA") and served.exports["AWS_DEFAULT_REGION"] == "us-east-1"
    home = private_home(tmp_path)

    def aws(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(home, url, served.exports["AWS_ACCESS_KEY_ID"], served.exports["AWS_SECRET_ACCESS_KEY"], *args)

    assert aws("secretsmanager", "create-secret", "--name", "term/db", "--secret-string", "pw").returncode == 0
    assert aws("secretsmanager", "delete-secret", "--secret-id", "term/db", "--recovery-window-in-days", "7").returncode == 0
    pending = aws("secretsmanager", "get-secret-value", "--secret-id", "term/db")
    assert "(InvalidRequestException)" in pending.stderr and "marked for deletion" in pending.stderr

    shown = kit("clock", AWS_ENDPOINT_URL=url)
    assert (shown.returncode, shown.stdout) == (0, "2026-01-01T00:00:00+00:00\n")
    moved = kit("clock", "advance", "7d12h", AWS_ENDPOINT_URL=url)
    assert (moved.returncode, moved.stdout) == (0, "2026-01-08T12:00:00+00:00\n")
    again = kit("clock", "advance", "2h30m", "--endpoint-url", url)
    assert again.stdout == "2026-01-08T14:30:00+00:00\n"
    purged = aws("secretsmanager", "get-secret-value", "--secret-id", "term/db")  # the recovery window ran out
    assert purged.stderr.strip() == ("An error occurred (ResourceNotFoundException) when calling the GetSecretValue "
                                     "operation: Secrets Manager can't find the specified secret.")

    code, rest = served.interrupt()
    assert code == 0 and rest.strip().endswith("kit: stopped")


def test_the_same_seed_serves_the_same_keys_and_ctrl_c_stops_it(served: Served) -> None:
    twin = Served("--port", "0", "--seed", "4")
    try:
        assert twin.exports["AWS_ACCESS_KEY_ID"] == served.exports["AWS_ACCESS_KEY_ID"]
        assert twin.exports["AWS_ENDPOINT_URL"] != served.exports["AWS_ENDPOINT_URL"]
    finally:
        code, _ = twin.interrupt()
    assert code == 0
    taken = kit("serve", "--port", served.exports["AWS_ENDPOINT_URL"].rsplit(":", 1)[1])
    assert taken.returncode == 1
    assert "cannot listen on 127.0.0.1:" in taken.stderr and "--port" in taken.stderr


def test_another_host_warns_that_the_keys_are_reachable() -> None:
    exposed = Served("--port", "0", "--host", "0.0.0.0")
    try:
        warning = "".join(exposed.lines)
        assert "kit: warning: the endpoint will listen on '0.0.0.0'" in warning
        assert "can use this Cloud's keys" in warning
        assert exposed.exports["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    finally:
        exposed.interrupt()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["serve", "--load", "no-such.cloud"], {}, "cannot load no-such.cloud: there is no such file"),
        (["serve", "--load", "kit.py", "--seed", "3"], {}, "a saved Cloud (--load) has the seed it was made with"),
        (["serve", "--port", "0", "--load", "kit.py"], {}, "cannot load kit.py: 'kit.py' is not a saved secretkit Cloud"),
        (["clock"], {}, "Set AWS_ENDPOINT_URL (kit.py serve prints it) or pass --endpoint-url"),
        (["clock", "advance", "soon"], {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, "cannot read the step 'soon'"),
        (["clock", "advance"], {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, "advance by how much?"),
    ],
)
def test_what_cannot_be_done_is_said_plainly(args: list[str], env: dict[str, str], message: str) -> None:
    done = kit(*args, **env)
    assert done.returncode == 2
    assert message in done.stderr


def test_clock_says_when_nothing_answers_and_relays_the_endpoints_refusal(served: Served) -> None:
    nobody = kit("clock", "--endpoint-url", "http://127.0.0.1:9")
    assert nobody.returncode == 1 and "nothing answers at http://127.0.0.1:9" in nobody.stderr
    # A step the endpoint refuses (past what a calendar holds) comes back as its own words.
    huge = kit("clock", "advance", "99999999999d", AWS_ENDPOINT_URL=served.exports["AWS_ENDPOINT_URL"])
    assert huge.returncode == 1
    assert "the endpoint refused: that step is too large for a calendar (HTTP 400)" in huge.stderr
    assert kit("clock", AWS_ENDPOINT_URL=served.exports["AWS_ENDPOINT_URL"]).stdout == "2026-01-01T00:00:00+00:00\n"


@needs_cli
def test_serve_load_serves_a_saved_cloud_with_its_work_in_flight(tmp_path: Path) -> None:
    import secretkit

    cloud = secretkit.Cloud(seed=9, start="2026-03-01")
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="saved/db", SecretString="saved-before-5821")
    sm.create_secret(Name="saved/old", SecretString="x")
    sm.delete_secret(SecretId="saved/old", RecoveryWindowInDays=7)
    cloud.clock.advance(days=2)
    path = tmp_path / "course.cloud"
    cloud.save(path)

    loaded = Served("--port", "0", "--load", str(path))
    try:
        text = "".join(loaded.lines)
        assert f"kit: serving the Cloud saved in {path} (seed 9, its clock at 2026-03-03T00:00:00+00:00)" in text
        url = loaded.exports["AWS_ENDPOINT_URL"]
        home = private_home(tmp_path)

        def aws(*args: str) -> subprocess.CompletedProcess[str]:
            return run_cli(home, url, loaded.exports["AWS_ACCESS_KEY_ID"], loaded.exports["AWS_SECRET_ACCESS_KEY"], *args,
                           output="text")

        got = aws("secretsmanager", "get-secret-value", "--secret-id", "saved/db", "--query", "SecretString")
        assert (got.returncode, got.stdout) == (0, "saved-before-5821\n")
        old = aws("secretsmanager", "describe-secret", "--secret-id", "saved/old", "--query", "DeletedDate")
        assert (old.returncode, old.stdout) == (0, "1772323200.0\n")  # 2026-03-01T00:00:00Z, as CLI v1 prints it
        # the purge scheduled before the save falls due on the served clock
        assert kit("clock", "advance", "5d", AWS_ENDPOINT_URL=url).stdout == "2026-03-08T00:00:00+00:00\n"
        gone = aws("secretsmanager", "describe-secret", "--secret-id", "saved/old")
        assert "(ResourceNotFoundException)" in gone.stderr
    finally:
        code, rest = loaded.interrupt()
    assert code == 0
    assert f"what changed since loading is not saved in {path}" in rest

