"""Benchmark: the 2-D planar subdivision against regioncam, side by side in one process.

For each random Gaussian 2-input net ([16,16], [32,32], [64,64], [64,64,64], [128,128]; box
[-1, 1]^2) the weights are rounded to float32 first, so that our float64 planar path and
regioncam (the Rust peer, ``pip install regioncam``) see identical networks.  Both counts are
checked equal, then the two methods are timed in ``--repeats`` interleaved runs (ours, peer,
ours, peer, ...) and the medians and the time ratios ``planar / regioncam`` are printed, for
wall time and for the CPU time of the process (the CPU time is the robust one on a shared
machine; both are single-threaded except numpy's BLAS, so run with OPENBLAS_NUM_THREADS=1
for a like-for-like CPU comparison).

The machine may be shared: run it under ``nice`` and read the ratios, not the absolute times.

Then (unless ``--no-slices``) 2-D slices of a 784-input [64, 64] network (an MNIST-sized MLP
with Gaussian weights of variance 1/fan-in) on the plane through three random input points, box
[-1, 1]^2 of the plane: our :func:`slice_regions` on the float net (composition, subdivision,
local maps) side by side with regioncam on the same composed 2-input net, and our exact path on
the same net rounded to rationals with denominator 64 (exact vertices; then ``certify=True``,
which proves the subdivision in rational arithmetic).

Usage::

    nice -n 10 python benchmarks/bench_regions_planar.py [--repeats 5] [--seed 0] [--quick] [--no-slices]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from expressivity.regions.planar import planar_regions
from expressivity.relu import ReLUNetwork

try:
    import regioncam
except ImportError:  # pragma: no cover - optional peer
    regioncam = None

NETS = ([16, 16], [32, 32], [64, 64], [64, 64, 64], [128, 128])


def make_net(widths, seed: int) -> ReLUNetwork:
    """A Gaussian 2-input net with float32-representable weights and biases (one output)."""
    rng = np.random.default_rng(seed)
    dims = [2] + list(widths) + [1]
    Ws = [rng.normal(size=(dims[i + 1], dims[i])).astype(np.float32).astype(np.float64) for i in range(len(dims) - 1)]
    bs = [rng.normal(size=dims[i + 1]).astype(np.float32).astype(np.float64) for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, bs)


def regioncam_count(net: ReLUNetwork, R: float) -> int:
    """regioncam's face count of the hidden layers of ``net`` in [-R, R]^2."""
    rc = regioncam.Regioncam(size=R)
    for layer in net.layers:
        if layer.activation != "relu":
            break
        rc.linear(np.asarray(layer.weight, dtype=np.float32).T.copy(), np.asarray(layer.bias, dtype=np.float32))
        rc.relu()
    return rc.num_faces


def planar_count(net: ReLUNetwork, R: float) -> int:
    return planar_regions(net, R).count


def timed_once(fn) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, result)."""
    c, t = time.process_time(), time.perf_counter()
    n = fn()
    return time.perf_counter() - t, time.process_time() - c, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--box", type=float, default=1.0)
    ap.add_argument("--quick", action="store_true", help="only the two smallest nets")
    ap.add_argument("--no-slices", action="store_true", help="skip the 784-input slice timings")
    args = ap.parse_args()
    if regioncam is None:
        raise SystemExit("regioncam is not installed (pip install regioncam): nothing to compare with")
    R = args.box
    warm = make_net([8, 8], 99)
    planar_count(warm, R), regioncam_count(warm, R)
    print(f"box [-{R:g}, {R:g}]^2, {args.repeats} interleaved runs, medians; seed {args.seed}")
    print("wall = elapsed time; cpu = CPU time of this process (robust when the machine is shared)")
    print(f"{'net':<14}{'regions':>8}{'planar wall':>13}{'rc wall':>10}{'ratio':>8}"
          f"{'planar cpu':>12}{'rc cpu':>10}{'ratio':>8}  same count")
    for widths in NETS[:2] if args.quick else NETS:
        net = make_net(widths, args.seed)
        runs: dict[str, list] = {"planar": [], "regioncam": []}
        for _ in range(args.repeats):
            runs["planar"].append(timed_once(lambda: planar_count(net, R)))
            runs["regioncam"].append(timed_once(lambda: regioncam_count(net, R)))
        ours = {n for _, _, n in runs["planar"]}
        peer = {n for _, _, n in runs["regioncam"]}
        same = ours == peer and len(ours) == 1
        wp, wr = (statistics.median(t for t, _, _ in runs[k]) for k in ("planar", "regioncam"))
        cp, cr = (statistics.median(c for _, c, _ in runs[k]) for k in ("planar", "regioncam"))
        print(f"{widths!s:<14}{min(ours):>8}{wp:>13.4f}{wr:>10.4f}{wp / wr:>7.2f}x"
              f"{cp:>12.4f}{cr:>10.4f}{cp / max(cr, 1e-9):>7.2f}x  "
              f"{'yes' if same else f'NO: planar {sorted(ours)} regioncam {sorted(peer)}'}")
    if not args.no_slices:
        slice_rows(args.repeats, args.seed)


def slice_rows(repeats: int, seed: int) -> None:
    from fractions import Fraction

    from expressivity.regions.slice import (
        plane_network,
        plane_through_points,
        slice_regions,
    )

    rng = np.random.default_rng(seed)
    d, widths = 784, [64, 64]
    dims = [d] + widths + [10]
    Ws = [rng.normal(size=(dims[i + 1], dims[i])) / np.sqrt(dims[i]) for i in range(3)]
    bs = [0.1 * rng.normal(size=dims[i + 1]) for i in range(3)]
    net = ReLUNetwork.from_matrices(Ws, bs)
    pts = [rng.normal(size=d) for _ in range(3)]
    o, dirs, _ = plane_through_points(*pts)
    snet = plane_network(net, o, dirs)
    print(f"\nslices of a {d}-input {widths} net, plane through 3 random points, box [-1, 1]^2 of the plane")
    ours, peer, counts = [], [], set()
    for _ in range(repeats):
        t, _, n = timed_once(lambda: slice_regions(net, points=pts, box=1.0).count)
        ours.append(t)
        counts.add(("ours", n))
        t, _, n = timed_once(lambda: regioncam_count(snet, 1.0))
        peer.append(t)
        counts.add(("regioncam", n))
    print(f"  float slice_regions (compose + subdivide + maps): median {statistics.median(ours):.3f} s; "
          f"regioncam on the composed net (float32): {statistics.median(peer):.3f} s; counts {sorted(counts)}")
    q = lambda x: Fraction(round(float(x) * 64), 64)
    exact = ReLUNetwork.from_matrices([[[q(v) for v in row] for row in W] for W in Ws], [[q(v) for v in b] for b in bs])
    qpts = [[q(v) for v in p] for p in pts]
    for certify in (False, True):
        t, _, res = timed_once(lambda: slice_regions(exact, points=qpts, box=1, certify=certify))
        print(f"  exact net and points (denominator 64), exact vertices{', certified' if certify else ''}: "
              f"{t:.3f} s, {res.count} regions, method {res.method}")


if __name__ == "__main__":
    main()
