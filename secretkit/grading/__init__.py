"""Grading submitted lab notebooks with the kit's own checks.

``python3 kit.py grade SUBMISSIONS [--lab N] [--out DIR]`` runs every submitted notebook of
a lab in a sandbox of its own and writes ``grades.csv``, a feedback file, a Gradescope
results file and the graded notebook per student (:mod:`.report`). The layouts of
``SUBMISSIONS`` it understands (a notebook or a folder per student, Canvas's and
Gradescope's downloads, a ``.zip`` of any of them) are in :mod:`.submissions`.

How one submission is graded
----------------------------
1. **Assemble** (:mod:`.assemble`): take the kit's copy of the lab and put the student's
   answer cells in it, and nothing else from the notebook. The lab's given cells and its
   check cells are the kit's; a check cell the student edited or deleted is noted, and
   changes nothing.
2. **Look** (:mod:`.scan`): note odd imports and monkeypatching in the answers.
3. **Run** (:mod:`.sandbox`, :mod:`.runner`, :mod:`.kernel`): a fresh kernel, in a scratch
   folder with its own HOME, in its own process (and, on Linux, its own network and PID
   namespaces), with limits per cell, per check and per notebook and a memory cap. A cell
   that loops or kills its kernel is left out and a fresh kernel checks the rest.
4. **Verdicts** (:mod:`.verdict`): after the answers ran, one cell of the grader's own per
   question imports the lab's checks afresh from the kit's files and runs them on the
   answers; each verdict comes back as one output carrying a random token. Printed text
   is never read.
5. **Integrity** (:mod:`.integrity`): after each run the grader compares the kit's files
   and the environment with a snapshot; a submission that changed them is void (and the
   kit's files are put back). So do not edit the kit while it grades: an edit made then
   looks exactly like a submission's, and is undone.

The grader follows Otter-Grader's conventions where they fit: it runs the notebook and
then the instructor's checks, never the student's copy of them; one result per question
with its own output; results in Gradescope's format. It does not use Otter itself:
the checks already exist as ``secretkit.labs`` (Otter would want them rewritten as its
own test files), and Otter's isolation is a Docker container per submission, which a
department's grading machine may lack; here the sandbox needs only Linux's ``unshare``.

Threat model: what this defends against, and what it does not
----------------------------------------------------------------
The student's answers are arbitrary Python, and they must run in the same process as the
checks, since the checks call them. So the grader cannot make forgery *impossible*; it
makes the usual attempts fail and the rest visible.

Defended, and tested in ``tests/test_grading_submissions.py``:

* printing a fake ``✓ lab01.q1: all checks passed``, or displaying a fake verdict output:
  only the grader's verdict cells are read, and only an output with their token;
* redefining ``check`` in the notebook, monkeypatching ``secretkit.labs``, the lab module
  or ``Checks.check``: each verdict imports the checks afresh from source (cached bytecode
  ignored), after the student's code ran;
* editing or deleting check cells: they are the kit's, and the edit is noted;
* rewriting the kit's files on disk so the fresh import loads forged checks: the snapshot
  notices, the submission is void and the files are put back;
* opening a network connection: refused by the kernel's audit hook, and on Linux there is
  no network to reach anyway (its own namespace, loopback only);
* loops (in an answer cell, or in a function a check calls), ignored interrupts, kernels
  that die: limits and restarts without the offending answer; the other submissions are
  never affected. (The memory cap, ``--memory-mb``, turns a runaway allocation into a
  ``MemoryError`` or a dead kernel, handled the same way.)

Not defended, and said plainly: the student's code can patch what the checks rely on
but which is not re-imported, because answers are objects of it: the model's classes
(``Cloud``, its clients, ``Workload``), botocore, the standard library. And code that runs
*during* a check (the student's function, called by it) can reach into the interpreter:
read the verdict cell's token from the calling frame, patch the display machinery
(IPython's) through which every verdict leaves the kernel, or use ``ctypes``. The scan notes the tools this takes (``sys._getframe``, ``setattr`` on
modules, ``ctypes``, ``exec``...) so that an instructor reads those answers by hand, but a
scan can be evaded. The filesystem outside the scratch folder is readable (and writable
where the grader's user may write; writes to the kit and environment are caught as
above). A fork bomb or a full disk is bounded only where the PID namespace and the
machine's own quotas bound it. For a class that may be hostile, run the grader inside a
throwaway container or virtual machine (the repository's Binder image is one), as
Gradescope does for its autograders.
"""

from __future__ import annotations

from .grader import detect_lab, grade
from .outcome import CheckOutcome, StudentGrade
from .sandbox import Limits

__all__ = ["CheckOutcome", "Limits", "StudentGrade", "detect_lab", "grade"]
