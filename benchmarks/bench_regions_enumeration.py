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

Two focused modes (each interleaves the compared runs, repeats them and prints medians and ratios):

* ``--complete``: plain ``bfs`` against ``bfs`` with ``certify="complete"`` (the exact proof of
  completeness) on d = 2, 4, 8 nets in [-1, 1]^d; the ratio is the cost of the proof;
* ``--highdim``: ``bfs`` (compiled facet kernel) against SCIP native counting on the 8-input [8, 8]
  and [12, 12] nets (``--highdim-widths`` to choose, ``--with-qhull`` adds the polar-hull facets; SCIP
  is capped at ``--cap`` x 30 seconds, wall clock);
* ``--d4``: regions per CPU second on the d = 4 [16, 16] net for each facet method.

Prints, per net and method, the median wall time over ``--repeats`` runs, regions/s and the
ratio to our ``bfs`` (or, for 2-D, ``planar`` against ``regioncam``).  The nets are rounded to
float32 first so that regioncam sees the same weights.

Usage::

    python benchmarks/bench_regions_enumeration.py [--repeats 3] [--cap 20] [--scip] [--quick]
    nice -n 10 python benchmarks/bench_regions_enumeration.py --complete [--repeats 3]
    nice -n 10 python benchmarks/bench_regions_enumeration.py --highdim [--repeats 1] [--highdim-widths 8,8]
    nice -n 10 python benchmarks/bench_regions_enumeration.py --d4 --repeats 5

Times are wall-clock (``time.perf_counter``) and CPU (``time.process_time``) seconds; on a shared
machine the CPU ratio is the steadier one.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import deque

import numpy as np

from expressivity.exceptions import ComputationTooLargeError, SolverTimeoutError
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


def interleaved(fns: dict, repeats: int) -> dict:
    """Run the callables in turn, ``repeats`` rounds; per name: (median wall s, median CPU s, last result)."""
    walls = {k: [] for k in fns}
    cpus = {k: [] for k in fns}
    out = {}
    for _ in range(repeats):
        for k, fn in fns.items():
            t, c = time.perf_counter(), time.process_time()
            out[k] = fn()
            walls[k].append(time.perf_counter() - t)
            cpus[k].append(time.process_time() - c)
    return {k: (statistics.median(walls[k]), statistics.median(cpus[k]), out[k]) for k in fns}


def complete_ratio(repeats: int, quick: bool, facets: str = "auto") -> None:
    """Cost of the exact completeness proof: plain bfs vs certify="complete", interleaved (same facet method)."""
    nets = [(2, [16, 16]), (4, [8, 8])] if quick else [(2, [32, 32]), (4, [16, 16]), (8, [8, 8])]
    print(f"facets={facets!r} (auto: the polar hull for d <= 4, the compiled kernel for d >= 5)")
    print(f"{'net':<16}{'regions':>8}{'plain s':>9}{'cpu':>7}{'complete s':>11}{'cpu':>7}{'ratio':>7}{'cpu ratio':>10}"
          f"  proved")
    for d, widths in nets:
        net = make_net(d, widths, 0)
        r = interleaved({"plain": lambda net=net: enumerate_regions(net, 1.0, facets=facets),
                         "complete": lambda net=net: enumerate_regions(net, 1.0, certify="complete", facets=facets)},
                        repeats)
        (wp, cp, plain), (wc, cc, full) = r["plain"], r["complete"]
        assert plain.patterns == full.patterns
        print(f"{f'd={d} {widths}':<16}{full.count:>8}{wp:>9.3f}{cp:>7.2f}{wc:>11.3f}{cc:>7.2f}{wc / wp:>7.2f}"
              f"{cc / cp:>10.2f}  {full.completeness_certified} (target cpu ratio <= 3)")


def highdim_vs_scip(repeats: int, cap: float, widths_list, with_qhull: bool = False) -> None:
    """bfs (compiled facet kernel) vs SCIP native counting on 8-input nets in [-1, 1]^8, interleaved.
    Ratios in CPU time (SCIP runs in this process; its time limit is wall-clock, ``cap`` x 30 s)."""
    from expressivity.regions.milp import milp_count_scip

    print(f"{'net':<16}{'method':<12}{'regions':>8}{'median s':>10}{'cpu s':>8}{'regions/s':>11}  note")
    for widths in widths_list:
        net = make_net(8, widths, 0)
        name = f"d=8 {widths}"

        def scip(net=net):
            try:
                return milp_count_scip(net, 1.0, time_limit=cap * 30).count
            except SolverTimeoutError as exc:
                return f"stopped: {exc}"

        fns = {"bfs kernel": lambda net=net: enumerate_regions(net, 1.0, facets="kernel").count, "scip": scip}
        if with_qhull:
            fns["bfs qhull"] = lambda net=net: enumerate_regions(net, 1.0, facets="qhull").count
        r = interleaved(fns, repeats)
        wb, cb, nb = r["bfs kernel"]
        ws, cs, ns = r["scip"]
        print(f"{name:<16}{'bfs kernel':<12}{nb:>8}{wb:>10.2f}{cb:>8.2f}{nb / cb:>11.0f}  (regions per CPU second)")
        if with_qhull:
            wq, cq, nq = r["bfs qhull"]
            print(f"{'':<16}{'bfs qhull':<12}{nq:>8}{wq:>10.2f}{cq:>8.2f}{nq / cq:>11.0f}  kernel/qhull cpu {cb / cq:.2f}")
        if isinstance(ns, int):
            print(f"{'':<16}{'scip':<12}{ns:>8}{ws:>10.2f}{cs:>8.2f}{ns / cs:>11.0f}  bfs/scip cpu ratio "
                  f"{cb / cs:.2f}, wall {wb / ws:.2f} (target <= 1); same count: {ns == nb}")
        else:
            print(f"{'':<16}{'scip':<12}{'-':>8}{ws:>10.2f}{cs:>8.2f}{'-':>11}  {ns}; bfs/scip cpu ratio "
                  f"< {cb / cs:.2f}")


def d4_rate(repeats: int) -> None:
    """Regions per CPU second of the bfs on the d = 4 [16, 16] net, each facet method, interleaved."""
    net = make_net(4, [16, 16], 0)
    r = interleaved({f: (lambda f=f: enumerate_regions(net, 1.0, facets=f).count) for f in ("auto", "qhull", "kernel")},
                    repeats)
    print(f"{'net':<16}{'facets':<8}{'regions':>8}{'median s':>10}{'cpu s':>8}{'regions/cpu s':>14}  note")
    for f, (w, c, n) in r.items():
        print(f"{'d=4 [16, 16]':<16}{f:<8}{n:>8}{w:>10.2f}{c:>8.2f}{n / c:>14.0f}  target >= 3000")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cap", type=float, default=20.0, help="time cap (s) of the slow LP rows")
    ap.add_argument("--scip", action="store_true", help="also time SCIP counting (slow on wide nets)")
    ap.add_argument("--quick", action="store_true", help="small nets only")
    ap.add_argument("--complete", action="store_true", help="only: cost of certify='complete' vs plain bfs")
    ap.add_argument("--highdim", action="store_true", help="only: bfs vs SCIP counting on 8-input nets")
    ap.add_argument("--highdim-widths", default="8,8;12,12", help="widths for --highdim, ';'-separated")
    ap.add_argument("--with-qhull", action="store_true", help="--highdim: also time the qhull facets")
    ap.add_argument("--d4", action="store_true", help="only: d = 4 regions per CPU second, each facet method")
    ap.add_argument("--facets", default="auto", help="--complete: facet method (auto, kernel, qhull)")
    args = ap.parse_args()
    if args.complete or args.highdim or args.d4:
        for warm_d in (2, 6):  # imports, the kernel's load (numba cache) and first-call costs stay out of the timings
            warm = make_net(warm_d, [4, 4], 0)
            enumerate_regions(warm, 1.0, certify="complete", facets="kernel")
            enumerate_regions(warm, 1.0, certify="complete", facets="qhull")
        if args.d4:
            d4_rate(args.repeats)
        if args.complete:
            complete_ratio(args.repeats, args.quick, args.facets)
        if args.highdim:
            ws = [[int(v) for v in part.split(",")] for part in args.highdim_widths.split(";")]
            highdim_vs_scip(args.repeats, args.cap, ws, args.with_qhull)
        return
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
