"""How a check's verdict travels from the student's kernel to the grader.

After the student's answers and the lab's own cells have run, the grader sends one more
cell per question, written here, never taken from the notebook. Each verdict cell

1. drops ``secretkit.labs`` and its lab modules from ``sys.modules`` and points
   ``sys.pycache_prefix`` at a new empty folder, then imports the lab's checks again
   **from the kit's source files**: whatever the notebook redefined (a ``check`` of its
   own) or patched (``secretkit.labs``, the lab module, ``Checks.check``) is not what runs.
   The model itself (``Cloud``, the pricing classes...) is *not* imported again: answers
   are often objects of its classes (a ``Workload``), which must stay the classes the
   checks know;
2. evaluates the check's arguments (the answer's names, exactly as the kit's check cell
   writes them) in the notebook's namespace and calls the fresh ``checks.check``;
3. publishes the verdict once, as output of the MIME type :data:`MIME` carrying a random
   token the grader made for this cell alone.

The grader reads a verdict only from the outputs of its own verdict cell (matched by the
message it sent), and only when exactly one output of that type carries the right token
and question: printed text such as a fake "✓ lab01.q1: all checks passed" is never read,
from any cell. Anything else (no verdict, two verdicts, a wrong token) makes the check
fail as "the grader could not read this check's verdict", and is noted.

The token stops forgery by output: text or displays that the notebook produces before or
during a check. It does not stop code that patched the kernel's display machinery, or that
reads the token from the verdict cell's frame while a check calls it; the threat model in
:mod:`secretkit.grading` says what is done about those.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

__all__ = ["MIME", "Verdict", "read_verdict", "verdict_code"]

MIME = "application/vnd.secretkit.grading.verdict+json"

_TEMPLATE = '''\
# The grader's verdict for {label}: the kit's own check, imported afresh.
import sys as _sk_sys
for _sk_name in [n for n in list(_sk_sys.modules) if n == "secretkit.labs" or n.startswith("secretkit.labs.")]:
    del _sk_sys.modules[_sk_name]
_sk_sys.pycache_prefix = {pycache!r}
import importlib as _sk_importlib
_sk_importlib.invalidate_caches()
_sk_lab = _sk_importlib.import_module({module!r})
try:
    _sk_args = ({args})
except NameError as _sk_error:
    _sk_verdict = ("failed", f"{{_sk_error.name}} is not defined: its answer cell did not run to the end")
else:
    _sk_result = _sk_lab.checks.check({question!r}, *_sk_args)
    _sk_verdict = (_sk_result.status, _sk_result.message)
from IPython.display import display as _sk_display
_sk_display({{{mime!r}: {{"token": {token!r}, "question": {question!r},
              "status": _sk_verdict[0], "message": _sk_verdict[1]}}}}, raw=True)
'''


@dataclass(slots=True)
class Verdict:
    """One check's outcome as the grader records it."""

    question: str
    status: str  # "passed", "failed" or "unanswered"
    message: str


def verdict_code(module: str, question: str, args: list[str], pycache: str) -> tuple[str, str]:
    """``(code, token)``: the verdict cell for ``question`` and the token it must echo."""
    token = secrets.token_hex(16)
    code = _TEMPLATE.format(
        label=f"{module.rsplit('.', 1)[-1]}.{question}",
        pycache=pycache,
        module=module,
        args="".join(f"{arg}, " for arg in args),
        question=question,
        mime=MIME,
        token=token,
    )
    return code, token


def read_verdict(outputs: list[dict], question: str, token: str) -> Verdict | None:
    """The verdict in a verdict cell's outputs, or None unless exactly one is well formed."""
    found = []
    for output in outputs:
        data = output.get("data") if isinstance(output, dict) else None
        if isinstance(data, dict) and MIME in data:
            found.append(data[MIME])
    if len(found) != 1:
        return None
    payload = found[0]
    if isinstance(payload, str):  # some front ends hand JSON MIME types over as text
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    if not isinstance(payload, dict) or payload.get("token") != token or payload.get("question") != question:
        return None
    status, message = payload.get("status"), payload.get("message")
    if status not in ("passed", "failed", "unanswered") or not isinstance(message, str):
        return None
    return Verdict(question, status, message)
