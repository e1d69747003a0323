"""What one student's server costs: memory and CPU of a single-user server running a lecture.

    .venv/bin/python hub/measure.py [course/02_rotation.ipynb ...]

Starts a real JupyterHub on 127.0.0.1 (the same one the hub test uses, tests/_hub_support.py)
with one student, starts their server and a kernel, then runs every code cell of each
lecture named (all of course/ by default) in that one kernel, the way a student working
through the course would. Prints, per lecture and at the end, the resident memory (RSS) of
the single-user server and of its kernel, and the CPU seconds each has used. Linux only
(it reads /proc). Everything it started is stopped at the end.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from _hub_support import Hub, cpu_seconds, rss_kib  # noqa: E402

__all__ = ["main"]


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "code"]


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def main(argv: list[str]) -> int:
    lectures = [Path(a) for a in argv] or sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
    with tempfile.TemporaryDirectory(prefix="secretkit-measure-") as work:
        hub = Hub(Path(work) / "hub", ["student"], timeout=180)
        hub.start()
        try:
            hub.log_in("student")
            started = time.monotonic()
            hub.start_server("student")
            kernel = hub.start_kernel("student")
            probe = hub.run("student", kernel, ["import os; print(os.getpid(), os.getppid())"])
            kernel_pid, server_pid = map(int, probe[0]["outputs"][0]["text"].split())
            hub.pids.update({kernel_pid, server_pid})
            print(f"server and kernel up in {time.monotonic() - started:.1f} s: "
                  f"server {_mib(rss_kib(server_pid))}, kernel {_mib(rss_kib(kernel_pid))}")
            for lecture in lectures:
                cells = _code_cells(lecture)
                began = time.monotonic()
                results = hub.run("student", kernel, cells, timeout=900)
                errors = sum(r["reply"]["status"] != "ok" for r in results)
                print(f"{lecture.name}: {len(cells)} cells in {time.monotonic() - began:.1f} s "
                      f"({errors} raised, as some cells do on purpose); "
                      f"server {_mib(rss_kib(server_pid))}, kernel {_mib(rss_kib(kernel_pid))}")
            proxy_pid = int((hub.workdir / "proxy.pid").read_text().strip())
            print(f"the hub itself: {_mib(rss_kib(hub.process.pid))}, its proxy {_mib(rss_kib(proxy_pid))}")
            total = rss_kib(server_pid) + rss_kib(kernel_pid)
            print(f"after the course: server + kernel = {_mib(total)} resident; CPU used: "
                  f"server {cpu_seconds(server_pid):.1f} s, kernel {cpu_seconds(kernel_pid):.1f} s")
        finally:
            left = hub.stop()
            if left:
                print(f"warning: processes outlived the hub: {left}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
