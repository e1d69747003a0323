"""``python -m secretkit.grading SUBMISSIONS [--lab N] [--out DIR]`` (what ``kit.py grade`` runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .grader import grade
from .sandbox import Limits

__all__ = ["main", "parser"]


def _kit_labs() -> Path:
    """The labs/ folder beside the secretkit package this grader belongs to (no import needed)."""
    return Path(__file__).resolve().parents[2] / "labs"


def parser() -> argparse.ArgumentParser:
    """The command line of the grader."""
    p = argparse.ArgumentParser(
        prog="kit.py grade",
        description="Run each submitted lab notebook in its own sandbox and grade it with the kit's checks.",
    )
    p.add_argument("submissions", type=Path, help="a folder (or .zip) of submitted notebooks")
    p.add_argument("--lab", type=int, help="the lab number (found from the notebooks when left out)")
    p.add_argument("--out", type=Path, default=Path("grades"), help="where to write the results (default: grades)")
    p.add_argument("--labs", type=Path, default=None, help="the kit's labs folder (default: the kit's own)")
    defaults = Limits()
    p.add_argument("--cell-timeout", type=float, default=defaults.cell_timeout, help="seconds a cell may run")
    p.add_argument("--check-timeout", type=float, default=defaults.check_timeout, help="seconds a check may run")
    p.add_argument("--notebook-timeout", type=float, default=defaults.notebook_timeout,
                   help="seconds a whole notebook may run")
    p.add_argument("--memory-mb", type=int, default=defaults.memory_mb, help="address space cap of a kernel")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.submissions.exists():
        print(f"grade: no such folder or file: {args.submissions}", file=sys.stderr)
        return 2
    limits = Limits(args.cell_timeout, args.check_timeout, args.notebook_timeout, args.memory_mb)
    try:
        grades = grade(args.submissions, labs_dir=args.labs or _kit_labs(), out=args.out, lab=args.lab,
                       limits=limits, progress=None if args.quiet else sys.stderr)
    except ValueError as error:
        print(f"grade: {error}", file=sys.stderr)
        return 2
    passed = sum(g.total for g in grades)
    possible = sum(len(g.checks) for g in grades)
    print(f"graded {len(grades)} submission(s): {passed} of {possible} checks passed; "
          f"results in {args.out}/ (grades.csv, feedback/, gradescope/, notebooks/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
