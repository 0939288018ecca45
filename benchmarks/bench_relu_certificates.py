"""Certificate search engine: per-template sorted-cone expansion cost, old vs new, and Dask speed-up.

1. Expansion of one symmetrised template ``F_{A,B}`` on the sorted cone: the n!-style
   enumeration over injective maps (``sorted_cone_expansion``, the baseline) against the
   combinatorial counting (``fast_sorted_cone_expansion``) and the standalone checker's own
   implementation, on the same seeded templates, interleaved; medians per template and ratios.
2. Dask: expansion + sketch of a fixed batch of templates, in-process vs a ``LocalCluster`` with
   1 and 2 worker processes (wall-clock medians; the speed-up is bounded by the free cores).
3. Memory of the search state per kept template (``--memory-n``): the exact expansion dict kept
   by the earlier state (baseline) against the compact column (key hashes + exact int64
   coefficients) plus its integer sketch of ``--memory-rows`` rows, measured with tracemalloc
   on the same templates of the canonical stream (seed 0), with the time per template of each.

    python benchmarks/bench_relu_certificates.py [--templates 12] [--repeats 3] [--dask-n 10] [--dask-batch 48] [--no-dask] [--no-expansion]
    python benchmarks/bench_relu_certificates.py --no-dask --no-expansion --memory-n 10 --memory-templates 40
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
import tracemalloc

from expressivity.relu.certificate_expansion import fast_sorted_cone_expansion
from expressivity.relu.certificate_search import _Mapper
from expressivity.relu.certificates import sample_templates, sorted_cone_expansion
from expressivity.proofs.certificate_check import max_template_expansion


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_expansion(ns, count: int, repeats: int) -> None:
    print(f"{'n':>3}{'k':>3}{'templates':>10}{'old ms':>10}{'new ms':>10}{'checker ms':>12}{'old/new':>9}")
    for n in ns:
        k = (n - 1) // 2
        ts = sample_templates(n, k, count, seed=n)
        old, new, chk = [], [], []
        for _ in range(repeats):
            for t in ts:  # interleaved
                old.append(_time(lambda: sorted_cone_expansion(t, n)))
                new.append(_time(lambda: fast_sorted_cone_expansion(t, n)))
                chk.append(_time(lambda: max_template_expansion(list(t.A), list(t.B), n)))
        mo, mn, mc = (statistics.median(v) * 1e3 for v in (old, new, chk))
        print(f"{n:>3}{k:>3}{len(ts):>10}{mo:>10.2f}{mn:>10.2f}{mc:>12.2f}{mo / mn:>8.0f}x", flush=True)


def bench_dask(n: int, batch: int, repeats: int) -> None:
    ts = sample_templates(n, (n - 1) // 2, batch, seed=1)
    rows = []
    for label, workers in (("in-process", None), ("LocalCluster 1 worker", 1), ("LocalCluster 2 workers", 2)):
        m = _Mapper(workers, None)
        try:
            m(ts[:2], n, 2097143, 256)  # warm-up (worker start, imports)
            times = [_time(lambda: m(ts, n, 2097143, 1024)) for _ in range(repeats)]
        finally:
            m.close()
        rows.append((label, statistics.median(times)))
    base = rows[1][1]
    print(f"\nDask: expansion + sketch of {batch} templates, n = {n}")
    for label, t in rows:
        print(f"  {label:<24}{t:>8.2f} s   speed-up vs 1 worker {base / t:>5.2f}x")


def bench_memory(n: int, count: int, rows: int) -> None:
    from expressivity.relu.certificate_canonical import canonical_template_stream
    from expressivity.relu.certificate_modular import compact_column, integer_sketch, sketch_primes

    p = sketch_primes(1)[0]
    ts = list(itertools.islice(canonical_template_stream(n, (n - 1) // 2, seed=0), count))
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    old = [fast_sorted_cone_expansion(t, n) for t in ts]
    t_old = time.perf_counter() - t0
    old_bytes = tracemalloc.get_traced_memory()[0] - base
    nonzeros = sum(len(e.hinges) + sum(1 for v in e.linear if v) for e in old)
    del old
    base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    new = []
    for t in ts:
        c = compact_column(fast_sorted_cone_expansion(t, n))
        new.append((c, integer_sketch(c, p, rows)))
    t_new = time.perf_counter() - t0
    new_bytes = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    print(f"\nMemory per kept template, n = {n}, k = {(n - 1) // 2}, {count} templates "
          f"({nonzeros / count:.0f} nonzeros each on average), sketch rows {rows}")
    print(f"  dict expansion (baseline)      {old_bytes / count / 1e6:>8.3f} MB  {old_bytes / nonzeros:>6.1f} B/nonzero"
          f"  {t_old / count * 1e3:>8.1f} ms/template (expand)")
    print(f"  compact column + int sketch    {new_bytes / count / 1e6:>8.3f} MB  {new_bytes / nonzeros:>6.1f} B/nonzero"
          f"  {t_new / count * 1e3:>8.1f} ms/template (expand + compact + sketch)")
    print(f"  ratio                          {old_bytes / new_bytes:>8.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--templates", type=int, default=12)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--nmax", type=int, default=8)
    ap.add_argument("--dask-n", type=int, default=10)
    ap.add_argument("--dask-batch", type=int, default=48)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--no-expansion", action="store_true")
    ap.add_argument("--memory-n", type=int, help="also measure state memory per kept template at this n")
    ap.add_argument("--memory-templates", type=int, default=40)
    ap.add_argument("--memory-rows", type=int, default=4608)
    args = ap.parse_args()
    if not args.no_expansion:
        bench_expansion(range(6, args.nmax + 1), args.templates, args.repeats)
    if not args.no_dask:
        bench_dask(args.dask_n, args.dask_batch, args.repeats)
    if args.memory_n:
        bench_memory(args.memory_n, args.memory_templates, args.memory_rows)


if __name__ == "__main__":
    main()
