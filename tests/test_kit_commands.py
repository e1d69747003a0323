"""README's two commands and CI stay in step: CI runs exactly the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", section)


def test_readme_names_two_commands_setup_and_test():
    assert _readme_commands() == ["python3 kit.py lab", "python3 kit.py test"]


def test_ci_runs_the_readme_test_command_with_the_browser_and_database_required():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.strip().startswith("#")]
    assert lines[-1] == _readme_commands()[1]
    assert "export SECRETKIT_REQUIRE_BROWSER=1" in lines
    assert "export SECRETKIT_REQUIRE_REALDB=1" in lines


def test_kit_test_includes_the_browser_suite():
    kit = (ROOT / "kit.py").read_text()
    assert re.search(r'paths = \["tests", \*dirs_with_notebooks\(\), BROWSER_TESTS\]', kit)
    assert (ROOT / "tests_browser" / "test_lab.py").is_file()
