"""Labs benchmark: how long each lab's solution takes to run, without a kernel, in seconds.

Every lab should run in a few seconds beyond kernel start. This runs the code cells of each
solution (as ``labs/build.py`` makes them from ``labs_src/``) in one namespace, the way a
kernel would, skipping the cells that fail on purpose; the nbval time of a notebook is
roughly this plus kernel start and output comparison. It also times one check of each lab
on its solution answer, the cost a student pays per check cell (labs whose answers
are functions, and lab 2, whose answer is the file its cell writes; lab 5 answers with
values, and its checks are inside the solution run). A cell that starts with
``%%writefile`` writes its file, as the kernel's magic does, in a scratch directory the
solution runs in.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _builder():
    spec = importlib.util.spec_from_file_location("labs_build_bench", ROOT / "labs" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _run_solution(nb: dict) -> tuple[float, dict, list[str]]:
    """Seconds, the namespace, and the files the cells wrote (run in the current directory)."""
    namespace: dict = {"__name__": "__lab__"}
    written: list[str] = []
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or "raises-exception" in cell["metadata"].get("tags", []):
                continue
            first, _, rest = cell["source"].partition("\n")
            if first.startswith("%%writefile "):
                pathlib.Path(first.split(None, 1)[1]).write_text(rest + "\n")
                written.append(first.split(None, 1)[1])
                continue
            exec(compile(cell["source"], "<lab cell>", "exec"), namespace)  # noqa: S102 - our own lab source
    return time.perf_counter() - started, namespace, written


def run() -> list[tuple[str, float, str]]:
    build = _builder()
    rows: list[tuple[str, float, str]] = []
    for source in build.sources():
        _student, solution = build.build(source)
        here = os.getcwd()
        with tempfile.TemporaryDirectory() as scratch:
            os.chdir(scratch)
            try:
                seconds, namespace, written = _run_solution(solution)
                rows.append((f"{source.stem}: solution cells, no kernel", seconds, "s"))
                check = namespace.get("check")
                answers = [v for k, v in namespace.items() if callable(v) and getattr(v, "__module__", "") == "__lab__"]
                answers += written
                question = check.__self__.names[0] if check is not None else None  # type: ignore[union-attr]
                first = next((a for a in answers if check is not None and check(question, a).passed), None)
                if first is not None:
                    started = time.perf_counter()
                    check(question, first)
                    rows.append((f"{source.stem}: one check ({question})", time.perf_counter() - started, "s"))
            finally:
                os.chdir(here)
    return rows


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name:55} {value:8.3f} {unit}")
