"""Exact MAX_n verification: full cone search vs symmetry-reduced search, n = 6, 7, 8.

For each network the same exact verifier runs with ``symmetry="none"`` (all n! sorted cones)
and with ``symmetry="auto"`` / ``"blocks"`` (structurally proved invariance, one cone per orbit),
interleaved, ``REPEATS`` times; medians and ratios are printed.  Runs that hit the cone cap are
reported as ``cap`` (nothing proved).  Also times the compact certificate-network builder.

    python benchmarks/bench_relu_verify.py [--quick]

Measured 2026-11-27 on the shared 2-core machine (under load from other jobs; medians of 3 for
n = 6, single runs for n >= 7; "cap" = 300 000 cones reached, nothing proved):

    cert  n=6 (25, 497):        auto 0.28 s (2 cones)      blocks 0.29 s   none 0.97 s (1440 cones)
    ruess n=6 (25, 514):        auto 0.27 s (2 cones)      blocks 0.27 s   none 0.89 s (1440 cones)
    log3  n=6 (18, 22, 21):     auto 0.55 s (7232 cones)   blocks 0.19 s (1808 cones)   none 0.44 s
    tree  n=6 / 7 / 8:          blocks 0.02 / 0.11 / 0.89 s   none 0.09 / 0.69 / 27.5 s
    cert  n=7 (33, 122327):     build 116 s, auto 105 s (2 cones; S_7-invariance proved)
    log3  n=7, ruess n=7, log3 n=8, ruess n=8: cap in every mode (20-90 s to reach it)
"""

from __future__ import annotations

import statistics
import sys
import time

from expressivity.exceptions import ComputationTooLargeError
from expressivity.relu.certificate_network import certificate_network
from expressivity.relu.certificates import known_certificate, ruess_max6_certificate
from expressivity.relu.max_networks import max_network
from expressivity.relu.verify_max import verify_computes_max

CAP = 300_000
REPEATS = 3


def _timed(net, mode):
    t = time.perf_counter()
    try:
        r = verify_computes_max(net, symmetry=mode, max_cones=CAP)
        return time.perf_counter() - t, f"{r.computes_max} ({r.cones} cones)"
    except ComputationTooLargeError:
        return time.perf_counter() - t, f"cap ({CAP} cones, nothing proved)"


def main() -> None:
    quick = "--quick" in sys.argv
    rows = []
    cases = [("cert", 6), ("ruess", 6), ("log3", 6), ("tree", 6), ("tree", 7), ("tree", 8),
             ("log3", 7), ("ruess", 7), ("cert", 7), ("log3", 8), ("ruess", 8)]
    if quick:
        cases = cases[:4]
    for name, n in cases:
        t = time.perf_counter()
        if name == "cert":
            built = certificate_network(ruess_max6_certificate() if n == 6 else known_certificate(n))
            net = built.network
            print(f"build cert n={n}: {time.perf_counter() - t:.1f} s, counts {built.counts}", flush=True)
        else:
            net = max_network(n, name)
        modes = ["auto", "blocks", "none"] if not (name == "cert" and n >= 7) else ["auto"]
        times = {m: [] for m in modes}
        verdict = {}
        for _ in range(1 if n >= 7 else REPEATS):
            for m in modes:
                s, v = _timed(net, m)
                times[m].append(s)
                verdict[m] = v
        med = {m: statistics.median(v) for m, v in times.items()}
        line = f"{name:5s} n={n} widths={net.widths}: " + "; ".join(
            f"{m}: {med[m]:.2f} s {verdict[m]}" for m in modes)
        if "none" in med:
            line += f"; ratio none/auto {med['none'] / med['auto']:.2f}, none/blocks {med['none'] / med['blocks']:.2f}"
        print(line, flush=True)
        rows.append(line)


if __name__ == "__main__":
    main()
