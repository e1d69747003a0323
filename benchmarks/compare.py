"""Before/after: instructions per call of each benchmark row's operation, in two source trees.

``python benchmarks/compare.py BEFORE_TREE [--after TREE] [--groups a,b] [--jobs 2]``

Wall-clock A/B runs on a shared machine move by 10-30% from one run to the next, far more
than the 5% a change must stay within. Counting the instructions a call executes does not
depend on what else the machine is doing: it is the same from run to run to a few hundredths
of a percent (with ``PYTHONHASHSEED`` fixed). So this runs each row's operation
(:mod:`ab_workloads`, the row's own set-up from each tree's ``bench_*.py``) under valgrind's
callgrind, in the *before* tree and in the *after* tree (by default the tree this file is
in), with the same Python, and prints per row: instructions per call before, after, and the
change. Only the phases between the workload's markers are counted, so interpreter start,
imports and set-up stay out of the figure, and the garbage collector is off while a phase
runs (whether a full collection lands in a short phase is chance, not the code's cost).

Instructions are not time: a cache miss costs more than an add. But for the same Python
running the same kind of code, a call that executes 5% more instructions is, to a close
approximation, 5% slower; that is the figure the 5% rule is checked with.

Groups (``--groups``, comma-separated; ``--list`` shows them): every row that both trees'
``benchmarks/run.py`` print for the model (direct, boto3, SSM, replication, rotation,
pricing, UI controllers), plus ``operations`` (describe_secret and the KMS calls rotation and
replication make). Not by default: ``labs`` (whole lab solutions, minutes under valgrind)
and the large sizes ``ssm@100000`` and ``rotation@10000``; ``--groups all`` runs
everything. moto's peer rows measure moto, and the real-PostgreSQL rows a server process
and PBKDF2, neither of which the layout changed, so neither is here.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

__all__ = ["DEFAULT_GROUPS", "count", "main"]

HERE = pathlib.Path(__file__).resolve().parent
WORKLOADS = HERE / "ab_workloads.py"
HEAVY = ("ssm@100000", "rotation@10000", "labs")
_TOTAL = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def _groups() -> list[str]:
    sys.path.insert(0, str(HERE))
    from ab_workloads import GROUPS

    return list(GROUPS)


DEFAULT_GROUPS = [g for g in _groups() if g not in HEAVY]


def count(tree: pathlib.Path, group: str, python: str) -> dict[str, float]:
    """Instructions per call of each row of ``group``, run in ``tree`` under callgrind."""
    with tempfile.TemporaryDirectory(prefix="compare-") as scratch:
        out = pathlib.Path(scratch) / "cg.out"
        env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
        command = ["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out}",
                   python, str(WORKLOADS), str(tree), group]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tree)
        if done.returncode != 0:
            raise RuntimeError(f"{group} in {tree} failed:\n{done.stderr[-2000:]}")
        rows = json.loads(done.stdout.strip().splitlines()[-1])
        dumps = {}
        for path in pathlib.Path(scratch).glob("cg.out.*"):
            match = _TOTAL.search(path.read_text(errors="replace"))
            if match:
                dumps[int(path.name.rsplit(".", 1)[1])] = int(match.group(1))
    phases = max((r[1] for r in rows if r[1] is not None), default=0)
    if len(dumps) != 2 * phases:
        raise RuntimeError(f"{group} in {tree}: {len(dumps)} dumps for {phases} phases; something else called getppid")
    # Dump 2k-1 is what ran before phase k's first marker; dump 2k is phase k.
    return {label: (value if phase is None else dumps[2 * phase] / value) for label, phase, value in rows}


def _run(before: pathlib.Path, after: pathlib.Path, groups: list[str], python: str, jobs: int) -> list[tuple]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {(g, side): pool.submit(count, tree, g, python)
                   for g in groups for side, tree in (("before", before), ("after", after))}
        table = []
        for group in groups:
            b, a = futures[(group, "before")].result(), futures[(group, "after")].result()
            for label, was in b.items():
                if label in a:
                    table.append((group, label, was, a[label]))
            print(f"  {group}: done", file=sys.stderr, flush=True)
    return table


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=pathlib.Path, nargs="?", help="the source tree to compare against")
    parser.add_argument("--after", type=pathlib.Path, default=HERE.parent, help="default: this tree")
    parser.add_argument("--groups", default=",".join(DEFAULT_GROUPS), help="comma-separated, or 'all'")
    parser.add_argument("--jobs", type=int, default=1, help="callgrind runs at once (each uses one core)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter both trees run on")
    parser.add_argument("--json", type=pathlib.Path, help="also write the table here")
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(f"{g}{'  (not by default)' if g in HEAVY else ''}" for g in _groups()))
        return 0
    if args.before is None:
        parser.error("name the before tree")
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    groups = _groups() if args.groups == "all" else args.groups.split(",")
    unknown = set(groups) - set(_groups())
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    table = _run(args.before.resolve(), args.after.resolve(), groups, args.python, args.jobs)
    width = max((len(row[1]) for row in table), default=10)
    print(f"{'row':<{width}}  {'before':>14}  {'after':>14}  change")
    for _group, label, was, now in table:
        change = f"{100 * (now / was - 1):+6.1f}%" if was else "   n/a"
        print(f"{label:<{width}}  {was:>14,.0f}  {now:>14,.0f}  {change}")
    if args.json:
        args.json.write_text(json.dumps([dict(zip(("group", "row", "before", "after"), r)) for r in table], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
