"""Benchmark: the HBDSS n = 4 MIP with CBC, HiGHS and SCIP (float) next to our exact-certified path.

Times, in one run and on the same machine:

* float solves of the paper model (uniform big-M 15) and of the tightened model (per-row big-M,
  optionally with symmetry-breaking rows) with each available PuLP backend;
* our exact path: branch-and-bound with exact Farkas leaves and orbital branching, plus the
  standalone Fraction-only re-check of the written certificate;
* the exact path without symmetry (ablation).

Prints the median of ``--repeats`` runs per row (wall-clock and CPU seconds, the CPU time
including child processes such as the CBC binary) and the ratios to the exact path.  HiGHS runs
with the package's one HiGHS thread policy (``expressivity.milp.highs.HIGHS_THREADS``, 1), CBC
with one thread.  On a
shared machine the CPU time is the steadier number.  The anchor from
the paper is ~153 h for PPL's exact MIP solver (6-core i7-8700).

Usage::

    python benchmarks/bench_milp_hbdss.py [--repeats 3] [--solvers cbc highs scip] [--time-limit 600]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from expressivity.exceptions import SolverError
from expressivity.milp import available_solvers, build_hbdss_model, certify_hbdss, solve_model
from expressivity.proofs.certificate_check import check_certificate


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _exact(symmetry: bool) -> tuple[float, str]:
    t0 = time.perf_counter()
    cert = certify_hbdss(4, symmetry=symmetry)
    with tempfile.TemporaryDirectory() as tmp:
        rep = check_certificate(cert.write(Path(tmp) / "c.json"))
    assert rep.optimum_zero
    return time.perf_counter() - t0, f"{cert.max.nodes} nodes, certified + re-checked"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--solvers", nargs="*", default=["cbc", "highs", "scip"])
    ap.add_argument("--models", nargs="*", default=["paper", "per_row", "tightened"],
                    help="paper: M = 15; per_row: M_S = sum|G[S]|; tightened: per_row + symmetry-breaking rows")
    ap.add_argument("--time-limit", type=float, default=600.0)
    args = ap.parse_args(argv)
    have = available_solvers()
    rows = []

    def run(label, fn):
        times, cpus, note = [], [], ""
        for _ in range(args.repeats):
            c0, w0 = _cpu(), time.perf_counter()
            try:
                _, note = fn()
                t, c = time.perf_counter() - w0, _cpu() - c0
            except SolverError as exc:
                note = f"{type(exc).__name__}: {exc}"[:80]
                t = c = float("nan")
            times.append(t)
            cpus.append(c)
            print(f"  {label}: wall {t:.2f} s, cpu {c:.2f} s  {note}", file=sys.stderr, flush=True)
        ok = [t for t in times if t == t]
        okc = [c for c in cpus if c == c]
        nan = float("nan")
        rows.append((label, statistics.median(ok) if ok else nan, statistics.median(okc) if okc else nan, len(ok), note))

    run("exact B&B + orbital + Fraction re-check", lambda: _exact(True))
    run("exact B&B, no symmetry", lambda: _exact(False))
    for solver in args.solvers:
        if solver not in have:
            rows.append((f"{solver} (not installed)", float("nan"), float("nan"), 0, ""))
            continue
        for variant in args.models:
            kw = {"paper": dict(big_m=15), "per_row": dict(big_m="per_row"), "tightened": dict(tightened=True)}[variant]
            model = build_hbdss_model(4, **kw)

            def fl(model=model, solver=solver):
                s = solve_model(model, solver, time_limit=args.time_limit)
                return s.seconds, f"objective {s.objective:.1e} (numeric)"

            run(f"{solver} float, {variant} model", fl)
    base, basec = rows[0][1], rows[0][2]
    print(f"\nHBDSS n = 4 MIP, median of {args.repeats} run(s); ratios = time / exact path "
          f"(wall {base:.2f} s, cpu {basec:.2f} s)")
    print(f"{'path':<44} {'wall s':>8} {'ratio':>7} {'cpu s':>8} {'ratio':>7}  note")
    for label, med, medc, k, note in rows:
        print(f"{label:<44} {med:8.2f} {med / base:7.1f} {medc:8.2f} {medc / basec:7.1f}  {note}")
    print(f"{'PPL exact MIP (paper, 6 cores)':<44} {153 * 3600:8.0f} {153 * 3600 / base:7.0f}  published anchor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
