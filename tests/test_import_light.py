"""``import secretkit`` stays light: no AWS SDK and no notebook UI libraries until asked for, and
``import secretkit.databases`` brings the simulated engines only, nothing of the real database."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["boto3", "botocore", "plotly", "ipywidgets", "IPython", "anywidget"]
REAL_DATABASE = ["psycopg", "subprocess", "secretkit.databases.postgres", "secretkit.databases.psycopg_connector"]


def _loaded_by(module: str, watched: list[str]) -> list[str]:
    """Which of ``watched`` a fresh interpreter has loaded after ``import module``."""
    probe = f"import json, sys\nimport {module}\nprint(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_secretkit_loads_no_heavy_modules():
    loaded = _loaded_by("secretkit", HEAVY)
    assert loaded == [], f"`import secretkit` imported {loaded}; import them lazily"


def test_import_databases_loads_nothing_of_the_real_database():
    loaded = _loaded_by("secretkit.databases", REAL_DATABASE)
    assert loaded == [], f"`import secretkit.databases` imported {loaded}; only the simulated engines belong there"
