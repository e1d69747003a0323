"""One submission's grading run, inside its sandbox: run the cells, then ask for verdicts.

The grader starts this module once per submission, in a process of its own (see
:mod:`secretkit.grading.sandbox`)::

    python -m secretkit.grading.runner JOB_DIR RESULT_FD [--own-network]

It reads ``JOB_DIR/job.json`` and ``JOB_DIR/run.ipynb`` (the kit's lab with the student's
answers, from :mod:`secretkit.grading.assemble`), starts a fresh kernel of the grader's
kernelspec in the scratch folder, runs the code cells one by one, then one verdict cell per
question (:mod:`secretkit.grading.verdict`), and writes the result as JSON to the pipe
``RESULT_FD``, which only the grader reads and the kernel never inherits.

* A cell that runs past the per-cell limit, or kills its kernel, ends that kernel. When it
  was an answer cell, a fresh kernel runs everything again with that answer replaced by
  the kit's placeholder, so the other answers are still checked. A check that runs past
  its limit (or dies) while calling the student's code fails, and a fresh kernel goes on
  with the remaining checks. (A fresh kernel rather than an interrupt: an interrupted
  kernel may be left anywhere, and a loop can ignore ``SIGINT``.) Every restart is
  recorded as an event.
* The per-notebook limit bounds the whole run; checks not reached by then fail.

The check cells of the lab are not run here: their verdicts come from the verdict cells,
and the grader writes those verdicts into the check cells of the saved notebook.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import ROLE_KEY
from .kernel import NETWORK_REFUSED
from .verdict import read_verdict, verdict_code

__all__ = ["KERNEL_NAME", "kernelspec", "main", "run_job"]

KERNEL_NAME = "secretkit-grading"


def kernelspec(python: str) -> dict:
    """The grader's kernelspec: ipykernel behind :mod:`secretkit.grading.kernel`'s limits."""
    return {
        "argv": [python, "-m", "secretkit.grading.kernel", "-f", "{connection_file}"],
        "display_name": "secretkit grading",
        "language": "python",
        "interrupt_mode": "signal",
    }


@dataclass(slots=True)
class _State:
    poisoned: set[int] = field(default_factory=set)  # answer cells replaced by their placeholder
    verdicts: dict[str, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    executed: list[dict] | None = None


class _Restart(Exception):
    """The kernel died or ran past a limit; start again (the state says what to leave out)."""


def _role(cell: dict) -> dict:
    return cell.get("metadata", {}).get(ROLE_KEY, {"role": "given", "questions": []})


def _error_of(cell: dict) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            name, value = output.get("ename", "Error"), output.get("evalue", "")
            return f"{name}: {value}" if value else name
    return ""


def _loopback_up() -> None:
    """Bring up ``lo`` in a new network namespace (it starts down): the kernel's channels use it."""
    import fcntl
    import socket
    import struct

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock.fileno(), 0x8913, request))[1]  # SIOCGIFFLAGS
        fcntl.ioctl(sock.fileno(), 0x8914, struct.pack("16sH14x", b"lo", flags | 0x1))  # SIOCSIFFLAGS, IFF_UP


def _attempt(job: dict, cells: list[dict], state: _State, deadline: float) -> None:
    """Run the cells and the verdicts not yet decided, in one fresh kernel."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = nbformat.from_dict({"cells": copy.deepcopy(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    for index, cell in enumerate(nb.cells):
        if index in state.poisoned:
            cell.source = _role(cell)["placeholder"]
    client = NotebookClient(
        nb, kernel_name=KERNEL_NAME, timeout=job["cell_timeout"], interrupt_on_timeout=False,
        allow_errors=True, record_timing=False, startup_timeout=60,
        resources={"metadata": {"path": job["scratch"]}},
    )

    def run(cell, index: int | None, limit: float) -> str:
        """'ok', 'out-of-time', 'timeout' or 'died'; after the last two the kernel is not reused."""
        remaining = deadline - time.monotonic()
        if remaining <= 1:
            return "out-of-time"
        client.timeout = max(1, int(min(limit, remaining)))
        try:
            if index is None:  # a cell of the grader's own: run it at the end, then take it away
                nb.cells.append(cell)
                try:
                    client.execute_cell(cell, len(nb.cells) - 1)
                finally:
                    nb.cells.pop()
            else:
                client.execute_cell(cell, index)
            return "ok"
        except DeadKernelError:
            return "died"
        except CellTimeoutError:
            return "timeout"

    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            role = _role(cell)
            if cell.cell_type != "code" or role["role"] == "check":
                continue
            outcome = run(cell, index, job["cell_timeout"])
            if outcome == "out-of-time":
                state.events.append({"kind": "notebook-timeout", "cell": index, "questions": role["questions"]})
                state.executed = [dict(c) for c in nb.cells]
                return
            if outcome in ("died", "timeout"):
                state.events.append({"kind": outcome, "cell": index, "questions": role["questions"]})
                culprit = index if role["role"] == "answer" else max(
                    (i for i, c in enumerate(cells[:index]) if _role(c)["role"] == "answer"
                     and i not in state.poisoned), default=None)
                if culprit is None:
                    raise _Restart("the kit's own cells cannot run here")
                state.poisoned.add(culprit)
                raise _Restart(outcome)
        for check in job["verdicts"]:
            question = check["question"]
            if question in state.verdicts:
                continue
            pycache = os.path.join(job["pycache"], f"{question}-{len(state.events)}")
            code, token = verdict_code(job["module"], question, check["args"], pycache)
            cell = nbformat.v4.new_code_cell(code)
            outcome = run(cell, None, job["check_timeout"])
            if outcome == "out-of-time":
                state.events.append({"kind": "notebook-timeout", "cell": None, "questions": [question]})
                break
            if outcome in ("died", "timeout"):
                state.events.append({"kind": f"check-{outcome}", "cell": None, "questions": [question]})
                state.verdicts[question] = {"status": "failed", "message": (
                    "the kernel died while the check ran your code" if outcome == "died" else
                    f"the check did not finish within {job['check_timeout']:.0f} s: does your code loop forever?")}
                raise _Restart(outcome)
            verdict = read_verdict(cell.outputs, question, token)
            if verdict is None:
                state.events.append({"kind": "verdict-unreadable", "cell": None, "questions": [question],
                                     "detail": _error_of(cell) or f"{len(cell.outputs)} output(s), no verdict"})
                state.verdicts[question] = {"status": "failed",
                                            "message": "the grader could not read this check's verdict"}
            else:
                state.verdicts[question] = {"status": verdict.status, "message": verdict.message}
    state.executed = [dict(c) for c in nb.cells]


def run_job(job_dir: Path) -> dict:
    """Grade the prepared job in ``job_dir``; returns the result the grader reads."""
    job = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))
    cells = json.loads((job_dir / "run.ipynb").read_text(encoding="utf-8"))["cells"]
    started = time.monotonic()
    deadline = started + job["notebook_timeout"]
    state = _State()
    answers = sum(1 for c in cells if _role(c)["role"] == "answer")
    for _ in range(answers + len(job["verdicts"]) + 1):
        try:
            _attempt(job, cells, state, deadline)
            break
        except _Restart as why:
            if str(why) == "the kit's own cells cannot run here":
                break
        except Exception as error:  # the kernel would not start, or nbclient failed
            state.events.append({"kind": "grader-error", "cell": None, "questions": [],
                                 "detail": f"{type(error).__name__}: {error}"})
            break
    notes = []
    for index, cell in enumerate(state.executed or []):
        role, error = _role(cell), _error_of(cell)
        if not error or cell.get("cell_type") != "code":
            continue
        if NETWORK_REFUSED in error or NETWORK_REFUSED in json.dumps(cell.get("outputs", [])):
            notes.append({"kind": "network", "cell": index, "questions": role["questions"], "detail": error})
        if role["role"] == "answer":
            notes.append({"kind": "answer-error", "cell": index, "questions": role["questions"], "detail": error})
        elif "raises-exception" not in cell.get("metadata", {}).get("tags", []):
            notes.append({"kind": "given-error", "cell": index, "questions": [], "detail": error})
    if state.executed is not None:
        (job_dir / "executed.json").write_text(json.dumps(state.executed), encoding="utf-8")
    return {
        "verdicts": state.verdicts,
        "events": state.events + notes,
        "poisoned": sorted(state.poisoned),
        "seconds": round(time.monotonic() - started, 2),
    }


def main(argv: list[str]) -> int:
    job_dir, fd = Path(argv[0]), int(argv[1])
    os.set_inheritable(fd, False)  # the kernel must never hold the result pipe
    if "--own-network" in argv[2:]:
        _loopback_up()
    result = run_job(job_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as pipe:
        pipe.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
