"""Benchmark: region enumeration throughput, our methods side by side with peers, in one run.

Rows (each a random Gaussian net, box [-1, 1]^d, the same weights for every method):

* ``bfs``       -- our adjacency traversal (qhull facets, highspy Chebyshev LPs when needed);
* ``bfs+cert``  -- the same with every region's interior point re-checked exactly;
* ``bfs R^d``   -- the same over the whole input space (no box);
* ``bfs-lp``    -- the same traversal with one HiGHS LP per row for facets (reference; time-capped);
* ``baseline``  -- a plain LP traversal written only with ``scipy.optimize.linprog``: one Chebyshev
                   LP per region and one redundancy LP per row (time-capped; its rate is measured
                   on the regions it finished);
* ``planar``    -- our LP-free 2-D subdivision (2-input nets);
* ``regioncam`` -- the Rust peer (``pip install regioncam``), 2-input nets, float32 weights;
* ``scip``      -- SCIP native counting (optional, ``--scip``; slow beyond ~100 neurons).

Prints, per net and method, the median wall time over ``--repeats`` runs, regions/s and the
ratio to our ``bfs`` (or, for 2-D, ``planar`` against ``regioncam``).  The nets are rounded to
float32 first so that regioncam sees the same weights.

Usage::

    python benchmarks/bench_regions_enumeration.py [--repeats 3] [--cap 20] [--scip] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import deque

import numpy as np

from expressivity.exceptions import ComputationTooLargeError
from expressivity.regions import enumerate_regions
from expressivity.regions.planar import planar_regions
from expressivity.relu import ReLUNetwork

try:
    import regioncam
except ImportError:  # pragma: no cover - optional peer
    regioncam = None


def make_net(d, widths, seed):
    rng = np.random.default_rng(seed)
    dims = [d] + list(widths) + [1]
    Ws = [rng.normal(size=(dims[i + 1], dims[i])).astype(np.float32).astype(np.float64) for i in range(len(dims) - 1)]
    bs = [rng.normal(size=dims[i + 1]).astype(np.float32).astype(np.float64) for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, bs)


def regioncam_count(net, R):
    rc = regioncam.Regioncam(size=R)
    for layer in net.layers:
        if layer.activation != "relu":
            break
        rc.linear(np.asarray(layer.weight, dtype=np.float32).T.copy(), np.asarray(layer.bias, dtype=np.float32))
        rc.relu()
    return rc.num_faces


def scipy_baseline(net, R, cap):
    """Plain LP-BFS with scipy.optimize.linprog only; returns (regions done, seconds, finished)."""
    from scipy.optimize import linprog

    f = net.to_float()
    Ws = [np.asarray(L.weight, dtype=float) for L in f.layers if L.activation == "relu"]
    bs = [np.asarray(L.bias, dtype=float) for L in f.layers if L.activation == "relu"]
    d = f.input_dim

    def hrep(s):
        P, p = np.eye(d), np.zeros(d)
        rows, rhs, off = [], [], 0
        for W, b in zip(Ws, bs):
            Z, z = W @ P, W @ p + b
            m = s[off:off + len(b)]
            off += len(b)
            sg = np.where(m, -1.0, 1.0)
            rows.append(Z * sg[:, None])
            rhs.append(-z * sg)
            P, p = Z * m[:, None], z * m
        A = np.vstack(rows + [np.eye(d), -np.eye(d)])
        c = np.concatenate(rhs + [np.full(d, R), np.full(d, R)])
        n = np.linalg.norm(A, axis=1)
        ok = n > 1e-12
        return A[ok] / n[ok, None], c[ok] / n[ok], np.nonzero(ok[: len(s)])[0]

    def pattern(x):
        h, bits = x, []
        for W, b in zip(Ws, bs):
            z = W @ h + b
            bits.append(z > 0)
            h = np.maximum(z, 0)
        return np.concatenate(bits)

    t0 = time.perf_counter()
    s0 = pattern(np.random.default_rng(0).uniform(-R / 2, R / 2, d))
    seen = {s0.tobytes()}
    q = deque([s0])
    done = 0
    while q:
        if time.perf_counter() - t0 > cap:
            return done, time.perf_counter() - t0, False
        s = q.popleft()
        A, c, idx = hrep(s)
        m = len(A)
        res = linprog(np.r_[np.zeros(d), -1.0], A_ub=np.hstack([A, np.ones((m, 1))]), b_ub=c,
                      bounds=[(None, None)] * d + [(0, R)], method="highs")
        if res.status != 0 or -res.fun <= 1e-9:
            continue
        done += 1
        for i in range(len(idx)):
            others = np.r_[np.arange(i), np.arange(i + 1, m)]
            r2 = linprog(-A[i], A_ub=np.vstack([A[others], A[i]]), b_ub=np.r_[c[others], c[i] + 1.0],
                         bounds=[(None, None)] * d, method="highs")
            if r2.status == 0 and -r2.fun > c[i] + 1e-9:
                nb = s.copy()
                nb[idx[i]] = ~nb[idx[i]]
                if nb.tobytes() not in seen:
                    seen.add(nb.tobytes())
                    q.append(nb)
    return done, time.perf_counter() - t0, True


def timed(fn, repeats):
    ts, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cap", type=float, default=20.0, help="time cap (s) of the slow LP rows")
    ap.add_argument("--scip", action="store_true", help="also time SCIP counting (slow on wide nets)")
    ap.add_argument("--quick", action="store_true", help="small nets only")
    args = ap.parse_args()
    nets = [(2, [64, 64]), (4, [16, 16]), (2, [32, 32])] if not args.quick else [(2, [16, 16]), (4, [8, 8])]
    R = 1.0
    # warm-up: imports (scipy.spatial, highspy) and first-call costs stay out of the timings
    warm = make_net(2, [4, 4], 0)
    enumerate_regions(warm, R, certify=True)
    planar_regions(warm, R)
    if regioncam is not None:
        regioncam_count(warm, R)
    print(f"{'net':<18}{'method':<11}{'regions':>9}{'median s':>10}{'regions/s':>11}  note")
    for d, widths in nets:
        net = make_net(d, widths, 0)
        name = f"d={d} {widths}"
        t_bfs, res = timed(lambda: enumerate_regions(net, R), args.repeats)
        n = res.count
        print(f"{name:<18}{'bfs':<11}{n:>9}{t_bfs:>10.3f}{n / t_bfs:>11.0f}  target >= 2000 regions/s")
        t_c, cert = timed(lambda: enumerate_regions(net, R, certify=True), 1)
        print(f"{'':<18}{'bfs+cert':<11}{cert.count:>9}{t_c:>10.3f}{cert.count / t_c:>11.0f}  "
              f"every interior point re-checked in exact integer arithmetic")
        t_w, whole = timed(lambda: enumerate_regions(net), 1)
        print(f"{'':<18}{'bfs R^d':<11}{whole.count:>9}{t_w:>10.3f}{whole.count / t_w:>11.0f}  whole space, no box")
        cap_regions = max(5, int(args.cap * 3))
        t0 = time.perf_counter()
        try:
            r_lp = enumerate_regions(net, R, facets="lp", max_regions=cap_regions)
            done_lp, note = r_lp.count, "finished"
        except ComputationTooLargeError:
            done_lp, note = cap_regions + 1, f"stopped after {cap_regions + 1} regions"
        t_lp = time.perf_counter() - t0
        print(f"{'':<18}{'bfs-lp':<11}{done_lp:>9}{t_lp:>10.3f}{done_lp / t_lp:>11.0f}  "
              f"{note}; bfs is x{(n / t_bfs) / (done_lp / t_lp):.0f} faster")
        done, t_b, finished = scipy_baseline(net, R, args.cap)
        rate = done / t_b if t_b else float("nan")
        print(f"{'':<18}{'baseline':<11}{done:>9}{t_b:>10.3f}{rate:>11.0f}  "
              f"{'finished' if finished else 'time cap, rate on finished regions'}; bfs is x{(n / t_bfs) / rate:.0f} faster")
        if d == 2:
            t_pl, pl = timed(lambda: planar_regions(net, R), args.repeats)
            agree = pl.pattern_keys == res.patterns
            print(f"{'':<18}{'planar':<11}{pl.count:>9}{t_pl:>10.3f}{pl.count / t_pl:>11.0f}  same regions as bfs: {agree}")
            if regioncam is not None:
                t_rc, nrc = timed(lambda: regioncam_count(net, R), args.repeats)
                print(f"{'':<18}{'regioncam':<11}{nrc:>9}{t_rc:>10.4f}{nrc / t_rc:>11.0f}  "
                      f"planar/regioncam time ratio {t_pl / t_rc:.1f} (target <= 5); same count: {nrc == pl.count}")
            else:
                print(f"{'':<18}{'regioncam':<11}  not installed (pip install regioncam)")
        if args.scip:
            from expressivity.regions.milp import milp_count_scip

            t0 = time.perf_counter()
            try:
                sc = milp_count_scip(net, R, time_limit=args.cap * 5)
                t_sc = time.perf_counter() - t0
                print(f"{'':<18}{'scip':<11}{sc.count:>9}{t_sc:>10.3f}{sc.count / t_sc:>11.0f}")
            except Exception as exc:  # noqa: BLE001
                print(f"{'':<18}{'scip':<11}  {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
