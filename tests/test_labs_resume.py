"""Each lab's "Stopping and coming back" note does what it says: the code it gives, run after
the lab's set-up cell in a fresh namespace (a new kernel), brings the saved Cloud back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "labs_src").glob("0*.py"))


def _cells(source: Path) -> list[tuple[str, str]]:
    parts = re.split(r"^# %%(.*)$", source.read_text(), flags=re.M)
    return [(head.strip(), body) for head, body in zip(parts[1::2], parts[2::2])]


def _note(source: Path) -> str:
    intro = _cells(source)[0][1]
    text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in intro.splitlines())
    return text[text.index("**Stopping and coming back.**"):]


def test_every_lab_says_how_to_stop_and_come_back():
    assert len(SOURCES) == 8
    for source in SOURCES:
        note = _note(source)
        assert "restart" in note, source.name


@pytest.mark.parametrize("lab", ["01_store_and_read.py", "03_failover_drill.py", "04_parameter_hierarchy.py"])
def test_the_notes_recipe_brings_the_cloud_back(lab, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = ROOT / "labs_src" / lab
    setup = next(body for head, body in _cells(source) if not head.startswith("[markdown]"))
    spans = re.findall(r"`([^`]+)`", _note(source))
    save = next(s for s in spans if ".save(" in s)
    resume = [s for s in spans if "Cloud.load(" in s or "cloud.client(" in s or s.startswith("primary =")]
    assert resume and "Cloud.load(" in resume[0]

    session = {}
    exec(setup, session)  # noqa: S102 - the lab's own set-up cell
    session["cloud"].client("secretsmanager", region_name="us-east-1").create_secret(Name="mine/kept", SecretString="v")
    session["cloud"].clock.advance(days=3)
    exec(save, session)  # noqa: S102
    before = session["cloud"].kit_snapshot(events=True)

    kernel = {}  # after the restart: the set-up cell again, then the note's lines
    exec(setup, kernel)  # noqa: S102
    for line in resume:
        exec(line, kernel)  # noqa: S102
    assert kernel["cloud"].kit_snapshot(events=True) == before
    client = kernel.get("sm") or kernel.get("primary")
    assert client.get_secret_value(SecretId="mine/kept")["SecretString"] == "v"
    assert kernel["cloud"].clock.now == session["cloud"].clock.now
