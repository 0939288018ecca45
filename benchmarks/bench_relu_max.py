"""Exact verification of MAX_n networks (n <= 8) per construction, side by side with a baseline.

Baseline: float64 evaluation of the same network on 20 000 random points (evidence only, not a
proof).  Columns: hidden layers, neurons, build time, exact-verification time (median of
``--repeats``), cones/rays used, baseline time and the ratio exact / baseline.  Also times the
certificate search (R+26 Prop. 2.1) for n = 5, 6, 7.

    python benchmarks/bench_relu_max.py [--nmax 8] [--repeats 3] [--max-cones 300000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from expressivity.exceptions import ComputationTooLargeError
from expressivity.relu.certificates import search_certificate
from expressivity.relu.max_networks import max_network
from expressivity.relu.verify_max import verify_computes_max


def timed(fn, repeats):
    ts, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nmax", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-cones", type=int, default=300_000)
    ap.add_argument("--no-search", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'constr':<7}{'n':>3}{'layers':>7}{'neurons':>8}{'build s':>9}{'exact s':>9}{'cones':>9}{'rays':>7}"
          f"{'float s':>9}{'ratio':>8}")
    for construction in ("tree", "log3", "ruess"):
        for n in range(2, args.nmax + 1):
            tb, net = timed(lambda: max_network(n, construction), 1)
            X = rng.standard_normal((20_000, n))
            fnet = net.to_float()
            tf, _ = timed(lambda: bool(np.allclose(fnet(X)[:, 0], X.max(axis=1), atol=1e-9)), args.repeats)
            try:
                reps = args.repeats if n <= 6 else 1
                te, chk = timed(lambda: verify_computes_max(net, max_cones=args.max_cones), reps)
                assert chk.computes_max
                cones, rays, ratio = chk.cones, chk.rays, f"{te / tf:.0f}x"
                tes = f"{te:.3f}"
            except ComputationTooLargeError:
                tes, cones, rays, ratio = f">{args.max_cones} cones", "-", "-", "-"
            print(f"{construction:<7}{n:>3}{net.hidden_layers:>7}{net.num_neurons:>8}{tb:>9.2f}{tes:>9}{cones:>9}"
                  f"{rays:>7}{tf:>9.3f}{ratio:>8}", flush=True)
    if not args.no_search:
        print("\ncertificate search (exact over Q, k = floor((n-1)/2), seed 0)")
        for n in (5, 6, 7):
            res = search_certificate(n, seed=0, time_limit=120)
            print(f"  MAX_{n}: found={res.found} terms={len(res.certificate.terms) if res.certificate else 0} "
                  f"templates={res.templates_tried} hinges={res.distinct_hinges} {res.seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main()
