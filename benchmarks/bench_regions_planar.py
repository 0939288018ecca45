"""Benchmark: the 2-D planar subdivision against regioncam, side by side in one process.

For each random Gaussian 2-input net ([16,16], [32,32], [64,64], [64,64,64], [128,128]; box
[-1, 1]^2) the weights are rounded to float32 first, so that our float64 planar path and
regioncam (the Rust peer, ``pip install regioncam``) see identical networks.  Both counts are
checked equal, then the two methods are timed in ``--repeats`` interleaved runs (ours, peer,
ours, peer, ...) and the medians and the time ratios ``planar / regioncam`` are printed, for
wall time and for the CPU time of the process (the CPU time is the robust one on a shared
machine; both are single-threaded except numpy's BLAS, so run with OPENBLAS_NUM_THREADS=1
for a like-for-like CPU comparison).

The planar path is timed twice: with numpy only (``kernel="numpy"``) and with the compiled
numba kernel (``kernel="numba"``, the ``[fast]`` extra; skipped without numba).  Those are warm
timings (kernel already loaded).  The cold timings (unless ``--no-cold``) run each method's
first call in a fresh process, after importing the modules: for the kernel that includes
importing numba and loading the kernel from numba's on-disk cache, and one extra row times the
very first compile (empty cache directory).

The machine may be shared: run it under ``nice`` and read the ratios, not the absolute times.

Then (unless ``--no-slices``) 2-D slices of a 784-input [64, 64] network (an MNIST-sized MLP
with Gaussian weights of variance 1/fan-in) on the plane through three random input points, box
[-1, 1]^2 of the plane: our :func:`slice_regions` on the float net (composition, subdivision,
local maps) side by side with regioncam on the same composed 2-input net, and our exact path on
the same net rounded to rationals with denominator 64 (exact vertices; then ``certify=True``,
which proves the subdivision in rational arithmetic).

Usage::

    OPENBLAS_NUM_THREADS=1 nice -n 10 python benchmarks/bench_regions_planar.py [--repeats 5] [--seed 0] [--quick]
        [--no-slices] [--no-cold]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from expressivity.regions.planar import planar_regions
from expressivity.relu import ReLUNetwork

try:
    import regioncam
except ImportError:  # pragma: no cover - optional peer
    regioncam = None

# not imported here: the cold timings must include importing numba
HAVE_NUMBA = importlib.util.find_spec("numba") is not None

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


def planar_count(net: ReLUNetwork, R: float, kernel: str = "numpy") -> int:
    return planar_regions(net, R, kernel=kernel).count


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
    ap.add_argument("--no-cold", action="store_true", help="skip the fresh-process (cold) timings")
    ap.add_argument("--cold-child", nargs=3, metavar=("METHOD", "WIDTHS", "SEED"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if regioncam is None:
        raise SystemExit("regioncam is not installed (pip install regioncam): nothing to compare with")
    if args.cold_child:
        return cold_child(*args.cold_child, args.box)
    R = args.box
    methods = {"numpy": lambda net: planar_count(net, R, "numpy")}
    if HAVE_NUMBA:
        methods["numba"] = lambda net: planar_count(net, R, "numba")
    methods["regioncam"] = lambda net: regioncam_count(net, R)
    warm = make_net([8, 8], 99)
    for fn in methods.values():
        fn(warm)
    nets = NETS[:2] if args.quick else NETS
    print(f"box [-{R:g}, {R:g}]^2, {args.repeats} interleaved runs, medians; seed {args.seed}; "
          f"numba kernel: {'yes' if HAVE_NUMBA else 'not installed'}")
    print("warm: cpu = CPU time of this process (robust when the machine is shared), ms; ratio = planar / regioncam")
    print(f"{'net':<14}{'regions':>8}" + "".join(f"{k + ' cpu':>16}{k + ' wall':>16}" for k in methods)
          + "".join(f"{k + '/rc cpu':>14}" for k in methods if k != "regioncam") + "  same count")
    for widths in nets:
        net = make_net(widths, args.seed)
        runs: dict[str, list] = {k: [] for k in methods}
        for _ in range(args.repeats):
            for k, fn in methods.items():
                runs[k].append(timed_once(lambda fn=fn, net=net: fn(net)))
        counts = {k: {n for _, _, n in v} for k, v in runs.items()}
        same = len(set().union(*counts.values())) == 1
        cpu = {k: statistics.median(c for _, c, _ in v) for k, v in runs.items()}
        wall = {k: statistics.median(t for t, _, _ in v) for k, v in runs.items()}
        print(f"{widths!s:<14}{min(counts['regioncam']):>8}"
              + "".join(f"{1e3 * cpu[k]:>16.3f}{1e3 * wall[k]:>16.3f}" for k in methods)
              + "".join(f"{cpu[k] / max(cpu['regioncam'], 1e-9):>13.2f}x" for k in methods if k != "regioncam")
              + f"  {'yes' if same else f'NO: {counts}'}")
    if not args.no_cold:
        cold_rows(nets, args.seed, R)
    if not args.no_slices:
        slice_rows(args.repeats, args.seed)


def cold_child(method: str, widths: str, seed: str, R: float) -> None:
    """Child process: time the first call of ``method`` (modules imported, nothing else run)."""
    net = make_net(json.loads(widths), int(seed))
    fn = (lambda: regioncam_count(net, R)) if method == "regioncam" else (lambda: planar_count(net, R, method))
    wall, cpu, n = timed_once(fn)
    _, cpu2, _ = timed_once(fn)
    print(json.dumps({"cpu": cpu, "wall": wall, "cpu2": cpu2, "count": n}))


def run_child(method: str, widths, seed: int, R: float, env=None) -> dict:
    cmd = [sys.executable, __file__, "--box", str(R), "--cold-child", method, json.dumps(list(widths)), str(seed)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, check=True)
    return json.loads(out.stdout)


def cold_rows(nets, seed: int, R: float) -> None:
    """First call in a fresh process (the numba kernel loaded from its disk cache), per net."""
    methods = ["numpy"] + (["numba"] if HAVE_NUMBA else []) + ["regioncam"]
    print("\ncold: first call in a fresh process (after the imports), CPU ms; the kernel's includes importing numba"
          " and loading the cached kernel")
    print(f"{'net':<14}" + "".join(f"{m + ' cpu':>16}" for m in methods)
          + "".join(f"{m + '/rc':>12}" for m in methods if m != "regioncam"))
    for widths in nets:
        c = {m: run_child(m, widths, seed, R)["cpu"] for m in methods}
        print(f"{widths!s:<14}" + "".join(f"{1e3 * c[m]:>16.1f}" for m in methods)
              + "".join(f"{c[m] / max(c['regioncam'], 1e-9):>11.1f}x" for m in methods if m != "regioncam"))
    if HAVE_NUMBA:
        with tempfile.TemporaryDirectory() as tmp:
            r = run_child("numba", nets[0], seed, R, env={**os.environ, "NUMBA_CACHE_DIR": tmp})
        print(f"first compile of the kernel (empty numba cache, net {nets[0]}): first call {r['cpu']:.2f} s CPU "
              f"({r['wall']:.2f} s wall), second call {1e3 * r['cpu2']:.2f} ms CPU")


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
        t, _, res = timed_once(lambda certify=certify: slice_regions(exact, points=qpts, box=1, certify=certify))
        print(f"  exact net and points (denominator 64), exact vertices{', certified' if certify else ''}: "
              f"{t:.3f} s, {res.count} regions, method {res.method}")


if __name__ == "__main__":
    main()
