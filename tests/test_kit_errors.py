"""A cell that fails on purpose shows, live, exactly what its saved copy shows.

The kernels of the kit's environment load ``secretkit.kit.errors`` (kit.py writes it
into ``.venv/etc/ipython/ipython_kernel_config.json``), which shows AWS errors with the
notebook's own frames only. These tests start real kernels the way JupyterLab and
``kit.py notebooks`` do (nbclient, the ``python3`` kernelspec of this environment), run
course notebooks that demonstrate AWS errors, and compare each live error with the saved
one; and they check the helper leaves other exceptions alone and keeps the full
traceback within reach (``%tb``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import kit  # noqa: E402

pytest.importorskip("nbclient")
from nbclient import NotebookClient  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Notebooks whose raises-exception cells cover a boto3 service error, an unreachable
# region (raised by the kit's in-process client) and a KMS error inside Secrets Manager.
LIVE_NOTEBOOKS = ["course/01_secrets_manager.ipynb", "course/03_multi_region.ipynb"]


def kernel_config_file() -> Path:
    return Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.json"


def run(nb: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=False, store_widget_state=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def errors(nb: nbformat.NotebookNode) -> list[tuple[int, dict]]:
    return [(i, out) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.output_type == "error"]


def plain(traceback: list[str]) -> str:
    return ANSI.sub("", "\n".join(traceback))


def test_the_kit_loads_the_helper_into_every_kernel_of_its_environment() -> None:
    assert kit.KERNEL_CONFIG == {"InteractiveShellApp": {"extensions": ["secretkit.kit.errors"]}}
    path = kernel_config_file()
    assert path.is_file(), f"{path} is missing: any kit.py command (python3 kit.py test) writes it"
    assert json.loads(path.read_text()) == kit.KERNEL_CONFIG


@pytest.mark.parametrize("name", LIVE_NOTEBOOKS)
def test_live_errors_equal_the_saved_ones(name: str) -> None:
    path = ROOT / name
    saved_nb = nbformat.read(path, as_version=4)
    saved = errors(saved_nb)
    assert saved, f"{name} demonstrates no AWS error any more; pick another notebook"
    live = errors(run(nbformat.read(path, as_version=4), path.parent))
    assert [i for i, _ in live] == [i for i, _ in saved]
    for (index, shown), (_, kept) in zip(live, saved):
        assert (shown.ename, shown.evalue) == (kept.ename, kept.evalue)
        assert shown.traceback == kept.traceback, f"cell {index} of {name}, live:\n{plain(shown.traceback)}"
        text = plain(shown.traceback)
        assert "site-packages" not in text and "File " not in text, text
        assert len(shown.traceback) <= 6, text


PROBE = [
    # A student's own function calling AWS: its frame is the notebook's, so it stays.
    "import boto3\n"
    "from secretkit import Cloud\n"
    "sm = Cloud(seed=0).client('secretsmanager', region_name='us-east-1')\n"
    "def read(name):\n"
    "    return sm.get_secret_value(SecretId=name)",
    "read('missing')",
    "%tb",
    # Not an AWS error: IPython's own display, library frames and all.
    "import json\njson.loads('{')",
    # Switched off, an AWS error shows every frame again.
    "%unload_ext secretkit.kit.errors\nread('missing')",
]


def test_only_aws_errors_are_shortened_and_the_full_story_stays_reachable(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in PROBE])
    for cell in nb.cells[1:]:
        cell.metadata["tags"] = ["raises-exception"]
    nb.cells[2].metadata = {}
    run(nb, tmp_path)
    outputs = [cell.outputs for cell in nb.cells]

    (short,) = [o for o in outputs[1] if o.output_type == "error"]
    assert short.ename == "ResourceNotFoundException"
    text = plain(short.traceback)
    assert "Cell In[2], line 1" in text and "Cell In[1], line 5, in read" in text, text
    assert "File " not in text, text
    assert text.rstrip().endswith("Secrets Manager can't find the specified secret."), text

    full_tb = "".join(o.get("text", "") + plain(o.get("traceback", [])) for o in outputs[2])
    assert "botocore" in full_tb and "Cell In[1], line 5, in read" in full_tb, full_tb

    (other,) = [o for o in outputs[3] if o.output_type == "error"]
    assert other.ename == "JSONDecodeError"
    assert "json" + "/decoder.py" in plain(other.traceback).replace("\\", "/")

    (unloaded,) = [o for o in outputs[4] if o.output_type == "error"]
    assert unloaded.ename == "ResourceNotFoundException"
    assert "botocore" in plain(unloaded.traceback) and len(unloaded.traceback) > len(short.traceback)
