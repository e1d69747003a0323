"""``import secretkit`` stays light: no AWS SDK and no notebook UI libraries until asked for."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["boto3", "botocore", "plotly", "ipywidgets", "IPython", "anywidget"]

PROBE = f"""
import json, sys
import secretkit
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""


def test_import_secretkit_loads_no_heavy_modules():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [], f"`import secretkit` imported {loaded}; import them lazily"
