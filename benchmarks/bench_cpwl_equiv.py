"""Exact equivalence of two networks (~10^3 regions each, d = 2..4) against what a user can do today.

For each input dimension d a random exact network A (small-denominator rational weights, biases)
is paired with

* ``equal``: B = A with its hidden neurons permuted, rescaled by positive rationals (outgoing
  weights divided back) and a dead neuron added per layer -- the same function, other weights;
* ``bump``: the same B plus a tent ``relu(z) - 2 relu(z - e) + relu(z - 2e)`` of width
  ``e = 1/10^7`` along an oblique direction -- different only on a thin slab.

Three methods, run interleaved (``--repeats`` rounds, medians printed):

* ``exact``: :func:`expressivity.cpwl.decide_equivalence` on the box -- a proof either way;
* ``sampling``: float64 evaluation of both nets at ``--samples`` uniform points of the box,
  "no difference seen" when ``max |A - B| <= 1e-9`` -- can MISS a difference (the bump);
* ``regions+pt``: float region enumeration of A - B (:func:`expressivity.regions.enumerate_regions`)
  and exact evaluation of A - B at one interior point per region -- can miss a difference too:
  the enumeration's completeness is not certified, and one zero per region does not prove the
  affine piece is zero (it is evidence only, never a proof of equality).

    python benchmarks/bench_cpwl_equiv.py [--repeats 3] [--samples 100000] [--region-repeats 1]
"""

from __future__ import annotations

import argparse
import statistics
import time
from fractions import Fraction as F

import numpy as np

from expressivity.cpwl import compile_expression, decide_equivalence, difference_network
from expressivity.numbers import float_to_fraction
from expressivity.regions import enumerate_regions
from expressivity.relu import ReLUNetwork
from expressivity.relu.reparametrize import function_preserving_copy

CASES = [(2, [30, 30], 4), (3, [12, 12], 3), (4, [9, 9], 3)]  # (d, widths, box R)


def rational_net(d, widths, seed, den=64):
    rng = np.random.default_rng(seed)
    dims = [d] + list(widths) + [1]
    Ws = [[[F(int(v), den) for v in row] for row in rng.integers(-den, den + 1, size=(dims[i + 1], dims[i]))]
          for i in range(len(dims) - 1)]
    bs = [[F(int(v), den) for v in rng.integers(-den, den + 1, size=dims[i + 1])] for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, bs)


def with_bump(net, d):
    z = " + ".join(f"{k + 1}/{k + 3}*x{k + 1}" for k in range(d)) + " - 1/7"
    tent = compile_expression(f"-(relu({z}) - 2*relu({z} - 1/10000000) + relu({z} - 2/10000000))", input_dim=d)
    return difference_network(net, tent)  # net - (-tent) = net + tent


def sampling_check(A, B, R, samples, rng):
    X = rng.uniform(-R, R, size=(samples, A.input_dim))
    diff = np.max(np.abs(A.to_float()(X)[:, 0] - B.to_float()(X)[:, 0]))
    return "different" if diff > 1e-9 else "no difference seen"


def regions_check(A, B, R):
    D = difference_network(A, B)
    res = enumerate_regions(D.to_float(), box=R)
    for reg in res.regions:
        pt = [float_to_fraction(float(v)) for v in reg.point]
        if D(pt)[0] != 0:
            return "different", res.count
    return "zero at one point per region (not a proof)", res.count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--region-repeats", type=int, default=1, help="rounds that also run the slow regions+pt baseline")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'d':>2} {'widths':>8} {'pair':>6} {'regions(A)':>10} | {'exact s':>8} {'verdict':>10} {'cells':>6} | "
          f"{'sampling s':>10} {'verdict':>19} | {'regions+pt s':>12} {'verdict':>10} | {'exact/samp':>10}")
    for d, widths, R in CASES:
        A = rational_net(d, widths, seed=d)
        regions_A = enumerate_regions(A.to_float(), box=R).count
        B = function_preserving_copy(A, seed=d + 100)
        for name, other in (("equal", B), ("bump", with_bump(B, d))):
            t_exact, t_samp, t_reg = [], [], []
            for rep in range(args.repeats):  # interleaved
                t0 = time.perf_counter()
                res = decide_equivalence(A, other, box=R)
                t_exact.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                samp = sampling_check(A, other, R, args.samples, rng)
                t_samp.append(time.perf_counter() - t0)
                if rep < args.region_repeats:  # slow: float enumeration of A - B
                    t0 = time.perf_counter()
                    reg, _ = regions_check(A, other, R)
                    t_reg.append(time.perf_counter() - t0)
            verdict = "EQUAL" if res.equal else "DIFFERENT"
            te, ts, tr = (statistics.median(t) for t in (t_exact, t_samp, t_reg))
            reg_short = "DIFFERENT" if reg == "different" else "no diff."
            print(f"{d:>2} {widths!s:>8} {name:>6} {regions_A:>10} | {te:>8.2f} {verdict:>10} {res.cells:>6} | "
                  f"{ts:>10.2f} {samp:>19} | {tr:>12.2f} {reg_short:>10} | {te / ts:>9.1f}x", flush=True)
    print("\nexact: a proof either way (counterexamples re-checked by exact evaluation). sampling and "
          "regions+pt: evidence only; both can miss a difference ('no difference seen' on a bump pair is a miss).")


if __name__ == "__main__":
    main()
