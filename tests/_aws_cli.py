"""The real AWS CLI (v1) as a student's terminal runs it, for the endpoint's tests.

It runs as a subprocess (it bundles its own botocore, which must never be imported into the
test process) with a private HOME, empty config and credentials files, and the endpoint
in ``AWS_ENDPOINT_URL``: nothing of the machine's own AWS setup can leak in.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

__all__ = ["needs_cli", "private_home", "run_cli"]

needs_cli = pytest.mark.skipif(
    importlib.util.find_spec("awscli") is None, reason="the AWS CLI is not installed (it comes with secretkit[lab])"
)


def private_home(home: Path) -> Path:
    """``home`` with empty AWS config and credentials files."""
    (home / "config").write_text("")
    (home / "credentials").write_text("")
    return home


def run_cli(home: Path, endpoint_url: str, key: str, secret: str, *args: str, region: str = "us-east-1",
            token: str | None = None, cwd: Path | None = None, output: str = "json") -> subprocess.CompletedProcess[str]:
    """``aws <args> --output <output>`` against ``endpoint_url``, signed with ``key``/``secret``."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": key,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
    }
    if token:
        env["AWS_SESSION_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--output", output],
        env=env, capture_output=True, text=True, timeout=60, cwd=cwd or home,
    )
