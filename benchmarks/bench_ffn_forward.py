"""Batched float64 forward of MoA/LA layers vs a per-token reference loop (the obvious baseline).

Prints medians and the speed-up ratio.  Run:  python benchmarks/bench_ffn_forward.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from expressivity.ffn.activations import PAPER_DICTIONARY, get_activation
from expressivity.ffn.layers import la_type2, moa_type2


def per_token_bi_moa(layer, X):
    acts = [get_activation(n).fn for n in PAPER_DICTIONARY]
    f = layer._f
    out = []
    for x in X:
        z1, z2 = f["W1"] @ x, f["W2"] @ x
        r, p = np.tanh(f["U1"] @ x + f["c1"]), np.tanh(f["U2"] @ x + f["c2"])
        h1 = sum(r[k] * acts[k](z1) for k in range(len(acts)))
        h2 = sum(p[k] * acts[k](z2) for k in range(len(acts)))
        out.append(f["W3"] @ (h1 * h2))
    return np.array(out)


def median_time(fn, reps=5):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main() -> None:
    rng = np.random.default_rng(0)
    d, m, K, T = 64, 256, len(PAPER_DICTIONARY), 512
    layer = moa_type2("bi", PAPER_DICTIONARY, rng.normal(size=(m, d)), rng.normal(size=(m, d)), rng.normal(size=(d, m)),
                      rng.normal(size=(K, d)), rng.normal(size=K), rng.normal(size=(K, d)), rng.normal(size=K))
    X = rng.normal(size=(T, d))
    ref = per_token_bi_moa(layer, X)
    assert np.max(np.abs(layer(X) - ref)) <= 1e-12 * np.max(np.abs(ref))  # same function, summation order differs
    tb = median_time(lambda: layer(X))
    tl = median_time(lambda: per_token_bi_moa(layer, X), reps=3)
    la = la_type2("bi", PAPER_DICTIONARY, rng.normal(size=(m, d)), rng.normal(size=(m, d)), rng.normal(size=(d, m)),
                  alpha=np.ones(K), beta=np.ones(K))
    tla = median_time(lambda: la(X))
    print(f"bi-MoA forward, T={T} d={d} m={m} K={K}")
    print(f"  batched (expressivity)  median {tb * 1e3:8.2f} ms")
    print(f"  per-token loop baseline median {tl * 1e3:8.2f} ms   ratio loop/batched = {tl / tb:.1f}x")
    print(f"  bi-LA batched           median {tla * 1e3:8.2f} ms   MoA/LA = {tb / tla:.2f}x (gate overhead)")


if __name__ == "__main__":
    main()
