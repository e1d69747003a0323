"""Run every ``benchmarks/bench_*.py`` and print one table: ``python3 kit.py bench``.

Each module exposes ``run() -> list[tuple[name, value, unit]]`` (a 2-tuple means
microseconds). Name modules on the command line to run only those:
``python benchmarks/run.py foundation ssm``.
"""

from __future__ import annotations

import importlib
import math
import pathlib
import platform
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    wanted = [f"bench_{a}" if not a.startswith("bench_") else a for a in argv]
    if wanted:
        unknown = set(wanted) - set(names)
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names)}")
            return 2
        names = wanted
    print(f"secretkit benchmarks - Python {platform.python_version()} on {platform.machine()}")
    failed = 0
    for name in names:
        started = time.perf_counter()
        try:
            rows = importlib.import_module(name).run()
        except Exception as exc:  # report and carry on: one broken benchmark must not hide the rest
            print(f"\n{name}: FAILED ({type(exc).__name__}: {exc})")
            failed += 1
            continue
        print(f"\n{name} ({time.perf_counter() - started:.1f} s)")
        width = max((len(r[0]) for r in rows), default=10)
        for row in rows:
            label, value = row[0], row[1]
            unit = row[2] if len(row) > 2 else "us"
            shown = "n/a" if isinstance(value, float) and math.isnan(value) else f"{value:,.2f}"
            print(f"  {label:<{width}}  {shown:>12}  {unit}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
