"""Start-up time of the command line: ``expressivity --help`` and every subcommand's ``--help``.

Each command runs as a subprocess (``python -m expressivity ... --help``), interleaved with the
baseline ``python -c pass`` so that load on the machine affects both alike; 5 runs each, medians.
Prints the median of every command, its ratio to the baseline and whether it meets the target
(< 0.5 s wall).  Run:  python benchmarks/bench_cli_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from expressivity.cli import iter_commands

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.5


def wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO, check=False)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    args = ap.parse_args()
    paths = [path for path, _ in iter_commands()]
    baseline: list[float] = []
    times: dict[tuple[str, ...], list[float]] = {p: [] for p in paths}
    for _ in range(args.runs):
        for p in paths:  # interleaved: baseline, command, baseline, command, ...
            baseline.append(wall([sys.executable, "-c", "pass"]))
            times[p].append(wall([sys.executable, "-m", "expressivity", *p, "--help"]))
    base = statistics.median(baseline)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {args.runs} runs each, medians")
    print(f"{'command':<44} {'median':>8} {'ratio':>6}  target < {TARGET_SECONDS} s")
    print(f"{'python -c pass (baseline)':<44} {base:>7.3f}s {1:>6.1f}")
    worst = 0.0
    for p in paths:
        med = statistics.median(times[p])
        worst = max(worst, med)
        label = " ".join(("expressivity", *p, "--help"))
        print(f"{label:<44} {med:>7.3f}s {med / base:>6.1f}  {'ok' if med < TARGET_SECONDS else 'SLOW'}")
    print(f"slowest median {worst:.3f} s: {'meets' if worst < TARGET_SECONDS else 'MISSES'} the < {TARGET_SECONDS} s target")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
