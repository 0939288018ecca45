"""Exact MAX_n verification: hinge propagation (new) vs neuron splitting (old), n = 5..8.

For each construction (tree, log3, ruess) and n, the same exact verifier runs with
``_method="hinges"`` (polyhedral cones, hinge propagation through every layer, the default) and
``_method="neurons"`` (simplicial bisection on every sign-changing neuron of the first L - 1
layers), interleaved, with the same symmetry reduction (``--symmetry``, default ``auto``), medians
of ``--repeats`` runs for n <= 6 and single runs for n >= 7.  The old method is capped at
``--old-cap`` cones (default 300 000): a capped run is reported as ``cap`` (nothing proved) with
the time it took to reach the cap, and no ratio (the old method decided nothing).

    python benchmarks/bench_relu_verify.py [--quick] [--symmetry auto|blocks|none] [--workers K]

Measured 2026-11-27 on the shared 2-core machine (load average 2-4 from other jobs, ``nice -n 10``),
``--symmetry auto``, one process (see docs/relu_depth.md for the n = 7, 8 CLI runs):

    tree  n=5: new 0.01 s (True, 30 cones);     old 0.01 s (True, 30 cones);    old/new 1.4
    log3  n=5: new 0.03 s (True, 78 cones);     old 0.03 s (True, 434 cones);   old/new 1.1
    ruess n=5: new 0.16 s (True, 10 cones);     old 0.16 s (True, 10 cones);    old/new 1.0
    tree  n=6: new 0.04 s (True, 90 cones);     old 0.03 s (True, 90 cones);    old/new 0.9
    log3  n=6: new 0.12 s (True, 276 cones);    old 0.13 s (True, 904 cones);   old/new 1.1
    ruess n=6: new 0.14 s (True, 2 cones);      old 0.13 s (True, 2 cones);     old/new 0.9
    tree  n=7: new 0.11 s (True, 630 cones);    old 0.10 s (True, 630 cones);   old/new 0.9
    log3  n=7: new 7.07 s (True, 38138 cones);  old 23.7 s: cap (300000 cones, nothing proved)
    ruess n=7: new 11.9 s (True, 5040 cones);   old 40.4 s: cap (300000 cones, nothing proved)
    tree  n=8: new 2.51 s (True, 630 cones);    old 2.46 s (True, 630 cones);   old/new 1.0
    ruess n=8: new 73.5 s (True, 40320 cones);  old 14.2 s: cap (300000 cones, nothing proved)
    log3  n=8: new 898 s (True, 1910988 cones, one process; 791 s with --workers 2), old not run
               (capped runs of the old method at n = 7 already decide nothing)

After the per-cone rewrite of the hinge method (same day, same cones; CPU seconds, interleaved with
the previous version of the module in one process, load average 3-5): log3 n = 8 on every 100th
start cone 3.64 -> 2.81 s (1.3-1.46x over three runs), log3 n = 7 7.1 -> 6.2 s, ruess n = 8 56.6 ->
22.5 s; the full log3 n = 8 CLI check 377 s CPU (836 s wall) in one process.

Both methods are fast where the old one needed no splitting in the first L - 1 layers (tree,
ruess n <= 6, the S_n-invariant certificate networks); the new one decides the depth-3 log3 and
ruess networks at n = 7, 8, which the old one cannot within 3·10^5 cones.  The timings of the
same command vary by 2-3x with the load of the shared machine (ruess n = 7: 4.3 s and 11.9 s).
"""

from __future__ import annotations

import argparse
import statistics
import time

from expressivity.exceptions import ComputationTooLargeError
from expressivity.relu.max_networks import max_network
from expressivity.relu.verify_max import verify_computes_max


def _timed(net, method: str, symmetry: str, cap: int, workers):
    t = time.perf_counter()
    try:
        r = verify_computes_max(net, symmetry=symmetry, max_cones=cap, _method=method,
                                workers=workers if method == "hinges" else None)
        return time.perf_counter() - t, r.computes_max, r.cones
    except ComputationTooLargeError:
        return time.perf_counter() - t, "cap", cap


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n <= 6 only")
    ap.add_argument("--symmetry", default="auto", choices=("auto", "blocks", "none"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--old-cap", type=int, default=300_000)
    ap.add_argument("--workers", type=int, help="processes for the new method")
    ap.add_argument("--only", help="comma-separated construction:n pairs, e.g. log3:8,ruess:8")
    args = ap.parse_args()
    cases = [(c, n) for n in (5, 6, 7, 8) for c in ("tree", "log3", "ruess")]
    if args.quick:
        cases = [(c, n) for c, n in cases if n <= 6]
    if args.only:
        cases = [(c, int(n)) for c, n in (item.split(":") for item in args.only.split(","))]
    print(f"symmetry={args.symmetry}, old capped at {args.old_cap} cones, workers={args.workers}", flush=True)
    for name, n in cases:
        net = max_network(n, name)
        times = {"hinges": [], "neurons": []}
        result = {}
        for _ in range(1 if n >= 7 else args.repeats):
            for method in ("hinges", "neurons"):  # interleaved
                cap = args.old_cap if method == "neurons" else 10 ** 9
                s, verdict, cones = _timed(net, method, args.symmetry, cap, args.workers)
                times[method].append(s)
                result[method] = (verdict, cones)
        med = {m: statistics.median(v) for m, v in times.items()}
        capped = result["neurons"][0] == "cap"
        ratio = "n/a (old undecided)" if capped else f"{med['neurons'] / med['hinges']:.1f}"
        print(f"{name:5s} n={n} widths={net.widths}: "
              f"new {med['hinges']:.2f} s ({result['hinges'][0]}, {result['hinges'][1]} cones); "
              f"old {med['neurons']:.2f} s ({result['neurons'][0]}, {result['neurons'][1]} cones); "
              f"old/new {ratio}", flush=True)


if __name__ == "__main__":
    main()
