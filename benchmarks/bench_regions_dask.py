"""Benchmark: the region enumeration on a Dask cluster (1 and 2 worker processes) against serial.

``enumerate_regions(net, box, executor=client.get_executor(), chunks=k)`` cuts the box into k
slabs along x1 and traverses each slab as one task; regions cut by a slab wall are merged and
re-described in the full box.  Prints, for one net, the median wall time over ``--repeats`` runs
of: serial, a local ``ProcessPoolExecutor(2)`` (baseline), Dask with 1 worker, Dask with 2 workers (each ``threads_per_worker=1``, separate
processes), the speed-up over serial, and the round-trip overhead of one trivial Dask task.
Counts are checked equal to the serial count.  Cluster start-up is reported separately (it is
paid once per session, not per call).

Usage::

    nice -n 10 python benchmarks/bench_regions_dask.py [--d 2] [--widths 64,64] [--chunks 4] [--repeats 3]

Slabs cost extra work: a region crossed by a slab wall is traversed in every slab it meets and
described again in the full box afterwards.  The row "slabs in-process" runs the same slabs one
after the other in this process (no parallelism), which isolates that overhead from the cost of
distributing the work.  Slabs pay off when regions are small compared with a slab (many regions,
few slabs); in d = 4 with 8 slabs of [-1, 1]^4 a [10, 10] net does about 3x the serial work.
"""

from __future__ import annotations

import argparse
import statistics
import time

from expressivity.regions import enumerate_regions
from expressivity.regions.sweep import random_relu_network


def _median_time(fn, repeats: int) -> tuple[float, int]:
    ts, n = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        n = fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), n


class _Inline:
    """An executor that runs each task at once in this process (the slab overhead alone)."""

    def submit(self, fn, *args, **kw):
        from concurrent.futures import Future

        f: Future = Future()
        f.set_result(fn(*args, **kw))
        return f


def main() -> None:
    from concurrent.futures import ProcessPoolExecutor

    from dask.distributed import Client, LocalCluster

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=2)
    ap.add_argument("--widths", default="64,64")
    ap.add_argument("--chunks", type=int, default=4)
    ap.add_argument("--box", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    net = random_relu_network(args.d, widths, args.seed)
    t_serial, n_serial = _median_time(lambda: enumerate_regions(net, args.box).count, args.repeats)
    print(f"net d={args.d} widths={widths} box [-{args.box:g},{args.box:g}]^{args.d}: {n_serial} regions")
    print(f"{'run':<26}{'median s':>10}{'speed-up':>10}  same count")
    print(f"{'serial':<26}{t_serial:>10.3f}{1.0:>10.2f}  yes")
    tp, n = _median_time(lambda: enumerate_regions(net, args.box, executor=_Inline(), chunks=args.chunks).count,
                         args.repeats)
    print(f"{f'slabs in-process, {args.chunks} slabs':<26}{tp:>10.3f}{t_serial / tp:>10.2f}  "
          f"{'yes' if n == n_serial else f'NO ({n})'}")
    with ProcessPoolExecutor(2) as pool:
        enumerate_regions(net, args.box, executor=pool, chunks=args.chunks)
        tp, n = _median_time(lambda: enumerate_regions(net, args.box, executor=pool, chunks=args.chunks).count,
                             args.repeats)
    print(f"{f'process pool 2, {args.chunks} slabs':<26}{tp:>10.3f}{t_serial / tp:>10.2f}  "
          f"{'yes' if n == n_serial else f'NO ({n})'}")
    for workers in (1, 2):
        t = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=40) as cluster, Client(cluster) as client:
            startup = time.perf_counter() - t
            ex = client.get_executor(pure=False)  # no result caching between the timed repeats
            ex.submit(abs, -1).result()
            enumerate_regions(net, args.box, executor=ex, chunks=args.chunks)  # warm: imports in the workers
            tp, n = _median_time(lambda: enumerate_regions(net, args.box, executor=ex, chunks=args.chunks).count,
                                 args.repeats)
            t1 = time.perf_counter()
            for _ in range(50):
                ex.submit(abs, -1).result()
            per_task = (time.perf_counter() - t1) / 50
            t1 = time.perf_counter()
            futs = [ex.submit(abs, -i) for i in range(200)]
            [f.result() for f in futs]
            per_task_batch = (time.perf_counter() - t1) / 200
        print(f"{f'dask {workers} worker(s), {args.chunks} slabs':<26}{tp:>10.3f}{t_serial / tp:>10.2f}  "
              f"{'yes' if n == n_serial else f'NO ({n})'}")
        print(f"{'':<26}cluster start-up {startup:.2f} s; trivial task round trip {per_task * 1e3:.2f} ms "
              f"one at a time, {per_task_batch * 1e3:.2f} ms each in a batch of 200")


if __name__ == "__main__":
    main()
