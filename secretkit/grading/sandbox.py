"""Where and how one submission runs: its own folders, process, limits and (no) network.

Each submission gets a job folder, made fresh and removed afterwards::

    job/scratch/          the kernel's working folder; HOME is job/scratch/home, TMPDIR job/scratch/tmp
    job/jupyter/kernels/  the grader's kernelspec (:mod:`secretkit.grading.kernel`)
    job/run.ipynb         what runs: the kit's lab with the student's answers
    job/job.json          the limits and the questions

and one process (:mod:`secretkit.grading.runner`) started in a session of its own with a
clean environment: no variable of the grader's shell reaches it (no AWS credentials, no
tokens), only a PATH, a locale, ``TZ=UTC`` and the folders above.

**Network.** On Linux, where ``unshare`` may create namespaces (as root, or with
unprivileged user namespaces), the runner and everything it starts live in a network
namespace of their own with only a loopback interface, and in a PID namespace, so that
ending the runner ends every process the submission started. Elsewhere the kernel's audit
hook (:mod:`secretkit.grading.kernel`) is the only barrier, and :func:`isolation` says so.

**Time.** The runner keeps the per-cell and per-notebook limits itself; the grader also
kills the runner's whole process group when the notebook's limit (plus a grace for kernel
start-up) has passed, whatever state it is in.

**The result** comes back on a pipe the grader opened for this run alone; the kernel does
not inherit it, so nothing printed by the notebook can stand in for it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from .runner import KERNEL_NAME, kernelspec

__all__ = ["GRACE_SECONDS", "Limits", "isolation", "run_sandboxed"]

GRACE_SECONDS = 60  # kernel start-up and shut-down, on top of the notebook's own limit


@dataclass(slots=True)
class Limits:
    """Time and memory a submission may use."""

    cell_timeout: float = 60.0
    check_timeout: float = 60.0
    notebook_timeout: float = 600.0
    memory_mb: int = 4096


@functools.cache
def isolation() -> tuple[str, ...]:
    """The ``unshare`` prefix that gives a run its own network and PID namespaces, or ``()``."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return ()
    base = ("unshare", "--net", "--pid", "--fork", "--kill-child")
    for prefix in (base, ("unshare", "--map-root-user", *base[1:])):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=20).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            continue
    return ()


def _environment(job: Path, limits: Limits) -> dict[str, str]:
    scratch = job / "scratch"
    python_bin = str(Path(sys.executable).parent)
    return {
        "PATH": os.pathsep.join([python_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(scratch / "home"),
        "TMPDIR": str(scratch / "tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        "PYTHONPYCACHEPREFIX": str(job / "pycache" / "start"),
        "JUPYTER_PATH": str(job / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(job / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(job / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(scratch / "home" / ".ipython"),
        "MPLBACKEND": "Agg",
        "PLOTLY_RENDERER": "plotly_mimetype",
        "SECRETKIT_GRADING_MEMORY_MB": str(limits.memory_mb),
    }


def _prepare(job: Path, cells: list[dict], spec: dict, limits: Limits) -> None:
    for folder in ("scratch/home", "scratch/tmp", "jupyter-config", "runtime", "pycache"):
        (job / folder).mkdir(parents=True, exist_ok=True)
    kernel_dir = job / "jupyter" / "kernels" / KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    (kernel_dir / "kernel.json").write_text(json.dumps(kernelspec(sys.executable), indent=1))
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (job / "run.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (job / "job.json").write_text(json.dumps({
        **spec,
        "scratch": str(job / "scratch"),
        "pycache": str(job / "pycache"),
        "cell_timeout": limits.cell_timeout,
        "check_timeout": limits.check_timeout,
        "notebook_timeout": limits.notebook_timeout,
    }), encoding="utf-8")


def _read_all(fd: int, into: list[bytes]) -> None:
    with os.fdopen(fd, "rb") as pipe:
        into.append(pipe.read())


def run_sandboxed(cells: list[dict], spec: dict, limits: Limits) -> dict:
    """Run one prepared submission and return the runner's result (or why there is none).

    ``spec`` holds ``module`` (the lab's checks) and ``verdicts`` (question and argument
    sources per check). The result's ``executed`` holds the cells as they ran (outputs
    included), or None.
    """
    job = Path(tempfile.mkdtemp(prefix="secretkit-grade-"))
    # Others may pass through (not list): run as root, lab 6's PostgreSQL drops to an
    # unprivileged account, which must reach its data folder under the scratch TMPDIR.
    job.chmod(0o711)
    try:
        _prepare(job, cells, spec, limits)
        prefix = isolation()
        read_fd, write_fd = os.pipe()
        command = [*prefix, sys.executable, "-m", "secretkit.grading.runner", str(job), str(write_fd)]
        if prefix:
            command.append("--own-network")
        with open(job / "runner.log", "wb") as log:
            process = subprocess.Popen(
                command, cwd=job / "scratch", env=_environment(job, limits), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, pass_fds=(write_fd,), start_new_session=True,
            )
        os.close(write_fd)
        received: list[bytes] = []
        reader = threading.Thread(target=_read_all, args=(read_fd, received), daemon=True)
        reader.start()
        killed = False
        try:
            process.wait(timeout=limits.notebook_timeout + GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            killed = True
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the run's session
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
        reader.join(timeout=10)
        try:
            executed = json.loads((job / "executed.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            executed = None
        try:
            result = json.loads(received[0].decode("utf-8")) if received and received[0] else None
        except (UnicodeDecodeError, ValueError):
            result = None
        if isinstance(result, dict) and not killed:
            result["executed"] = executed if isinstance(executed, list) else None
            return result
        log_tail = (job / "runner.log").read_bytes()[-2000:].decode("utf-8", "replace")
        kind = "runner-killed" if killed else "runner-failed"
        return {"verdicts": {}, "events": [{"kind": kind, "cell": None, "questions": [], "detail": log_tail}],
                "poisoned": [], "seconds": None, "executed": None}
    finally:
        shutil.rmtree(job, ignore_errors=True)
