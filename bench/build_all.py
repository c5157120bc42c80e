"""The whole run: every seed, both editions, PDF and EPUB, as `typeset build` processes.

Cold: a fresh output folder, default `--jobs` (one worker per CPU). No-op: the same command
again on the folder the cold build filled, which must find every output up to date. Each
figure is the wall time of the whole process, start-up included; the cold build runs
`--runs` times (fresh folder each time) and the no-op build five times per cold build, and
the best and the median are printed.

    .venv/bin/python bench/build_all.py [--runs 3]

Targets (issue #7) on a 2-core machine: cold ≤ 12 s, no-op ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLD_TARGET = 12.0
NO_OP_TARGET = 1.0
NO_OP_RUNS = 5


def timed_build(out: Path) -> float:
    command = [sys.executable, "-m", "typeset.cli", "build", str(ROOT / "seeds"), "-o", str(out)]
    command += ["--edition", "all", "--format", "pdf,epub", "--config", str(ROOT / "typeset.toml")]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def report(name: str, seconds: list[float], target: float) -> bool:
    best, median = min(seconds), statistics.median(seconds)
    verdict = "ok" if median <= target else "OVER TARGET"
    print(f"{name:8} best {best:6.2f} s  median {median:6.2f} s  target ≤ {target:g} s  {verdict}")
    return median <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold builds (default: 3)")
    args = parser.parse_args()

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    print(f"{len(seeds)} seeds × 2 editions × (PDF, EPUB); {os.cpu_count()} CPUs")
    cold, no_op = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="typeset-bench-") as folder:
            out = Path(folder) / "dist"
            cold.append(timed_build(out))
            outputs = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
            assert len(outputs) == 4 * len(seeds), outputs
            no_op += [timed_build(out) for _ in range(NO_OP_RUNS)]
    within = report("cold", cold, COLD_TARGET) & report("no-op", no_op, NO_OP_TARGET)
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
