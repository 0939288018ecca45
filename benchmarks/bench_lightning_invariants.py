"""Lightning attention: family verification, graded mod-p implicitisation, vs a plain sympy Groebner basis.

Run:  python benchmarks/bench_lightning_invariants.py [--repeat 3] [--groebner-cap 60]

Prints medians and the ratio to the targets and to the sympy baseline.  Optional peers, run side by
side when installed (skipped otherwise; Debian: ``apt-get install macaulay2 singular``): Macaulay2
and Singular eliminate the parametrisation over Q for (d,a,t) = (3,2,2), (3,3,2), (4,2,2) and
report minimal generators by degree (cross coordinates, degree <= 3 compared), next to the
toolkit's graded implicitisation with proved counts.  ``--peers-only`` runs just that part.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def _clear_caches():
    # every repeat pays for building generators and syzygy weights again (no warm caches)
    from expressivity.attention import families

    families._generators_cached.cache_clear()
    families.context_syzygy_weights.cache_clear()


def _time(fn, repeat):
    ts = []
    for _ in range(repeat):
        _clear_caches()
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def verify_d3():
    from expressivity.attention import verify_all

    checks = [c for a in (1, 2, 3) for c in verify_all(3, a, 2, seed=0)]
    assert all(c.ok for c in checks)
    return len(checks)


def counts_d3():
    from expressivity.attention import LightningShape, implicitize

    return {a: implicitize(LightningShape(3, a, 2), 4).generators_by_degree() for a in (1, 2, 3)}


def d4_degree3():
    from expressivity.attention import LightningShape, family_coverage, implicitize

    out = {}
    for a in (2, 3, 4):
        g = implicitize(LightningShape(4, a, 2), 3)
        c = family_coverage(g, 3)
        out[a] = (c.dim_ideal, c.span_all)
    return out


def ours_small(d, a):
    from expressivity.attention import LightningShape, implicitize

    return implicitize(LightningShape(d, a, 2), 4).generators_by_degree(raw=False)


def _groebner_worker(d, a, q):
    from expressivity.attention.groebner_baseline import groebner_elimination_degrees

    q.put(groebner_elimination_degrees(d, a))


def groebner(d, a, cap):
    q = mp.Queue()
    p = mp.Process(target=_groebner_worker, args=(d, a, q))
    t0 = time.perf_counter()
    p.start()
    p.join(cap)
    if p.is_alive():
        p.terminate()
        p.join()
        return None, cap
    return q.get(), time.perf_counter() - t0


def _cross_coords(d):
    return [(k, k2, l) for k in range(d) for k2 in range(k, d) for l in range(d)]


def _m2_script(d, a):
    n = len(_cross_coords(d))
    eqs = ", ".join(f"2*y_{i} - (v_{k}*A_({k2},{l}) + v_{k2}*A_({k},{l}))" for i, (k, k2, l) in enumerate(_cross_coords(d)))
    return (f"R = QQ[v_0..v_{d - 1}, A_(0,0)..A_({d - 1},{d - 1}), y_0..y_{n - 1}, "
            f"Degrees => toList({d + d * d}:1) | toList({n}:2)];\n"
            f"I = ideal({eqs}) + minors({a + 1}, genericMatrix(R, A_(0,0), {d}, {d}));\n"
            f"J = eliminate(toList(v_0..v_{d - 1}) | toList(A_(0,0)..A_({d - 1},{d - 1})), I);\n"
            "print toString sort apply(flatten entries mingens J, f -> (first degree f) // 2);\n")


def _singular_script(d, a):
    n = len(_cross_coords(d))
    A = lambda r, c: f"A({r * d + c + 1})"  # noqa: E731
    eqs = ", ".join(f"2*y({i + 1}) - (v({k + 1})*{A(k2, l)} + v({k2 + 1})*{A(k, l)})"
                    for i, (k, k2, l) in enumerate(_cross_coords(d)))
    params = "*".join([f"v({i + 1})" for i in range(d)] + [f"A({i + 1})" for i in range(d * d)])
    return (f"ring r = 0, (v(1..{d}), A(1..{d * d}), y(1..{n})), dp;\n"
            f"matrix MA[{d}][{d}] = " + ", ".join(A(r, c) for r in range(d) for c in range(d)) + ";\n"
            f"ideal I = {eqs};\n"
            + (f"I = I + minor(MA, {a + 1});\n" if a < d else "")
            + f"ideal J = eliminate(I, {params});\n"
            "ideal M = minbase(J);\nint i;\nfor (i = 1; i <= size(M); i++) { print(deg(M[i])); }\nquit;\n")


def _run_peer(tool, script, cap):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / ("peer.m2" if tool == "M2" else "peer.sing")
        f.write_text(script)
        cmd = [tool, "--script", str(f)] if tool == "M2" else [tool, "-q", str(f)]
        t0 = time.perf_counter()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=cap)
        except subprocess.TimeoutExpired:
            return None, cap
        secs = time.perf_counter() - t0
    if r.returncode != 0:
        return f"error: {r.stderr.strip()[-200:]}", secs
    nums = [int(x) for x in r.stdout.replace("{", " ").replace("}", " ").replace(",", " ").split() if x.isdigit()]
    counts = {}
    for k in nums:
        counts[k] = counts.get(k, 0) + 1
    return dict(sorted(counts.items())), secs


def peers(cap: float, repeat: int) -> None:
    from expressivity.attention import LightningShape, implicitize

    tools = [t for t in ("M2", "Singular") if shutil.which(t)]
    print(f"\npeers (exact elimination over Q, cap {cap:.0f} s): " + (", ".join(tools) or
                                                                   "none installed -- skipped (apt-get install macaulay2 singular)"))
    for d, a in [(3, 2), (3, 3), (4, 2)]:
        top = 3
        med, ours = _time(lambda: implicitize(LightningShape(d, a, 2), top).generators_by_degree(raw=False), repeat)
        line = f"  (d,a,t)=({d},{a},2) degree <= {top}: ours {med:7.2f} s -> {ours}"
        for tool in tools:
            script = _m2_script(d, a) if tool == "M2" else _singular_script(d, a)
            counts, secs = _run_peer(tool, script, cap)
            if counts is None:
                line += f";  {tool} did not finish in {cap:.0f} s (speed-up >= {cap / med:.0f}x)"
            elif isinstance(counts, str):
                line += f";  {tool} {counts}"
            else:
                low = {k: v for k, v in counts.items() if k <= top}
                same = "agree" if low == ours else "DISAGREE"
                line += f";  {tool} {secs:7.2f} s -> {counts} ({same} to degree {top}; ratio {secs / med:.1f}x)"
        print(line, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--groebner-cap", type=float, default=60.0)
    ap.add_argument("--peer-cap", type=float, default=600.0, help="seconds per Macaulay2 / Singular run")
    ap.add_argument("--peers-only", action="store_true")
    args = ap.parse_args()
    if args.peers_only:
        peers(args.peer_cap, args.repeat)
        return
    rows = []
    for name, fn, target in [("all family verifications, d=3 (a=1,2,3)", verify_d3, 5.0),
                             ("generator counts deg<=4, d=3 (a=1,2,3)", counts_d3, 10.0),
                             ("d=4 degree 3 dims + coverage (a=2,3,4)", d4_degree3, 30.0)]:
        med, out = _time(fn, args.repeat)
        rows.append((name, med, target, out))
        print(f"{name:45s} median {med:7.2f} s  target {target:5.1f} s  ratio {med / target:5.2f}  -> {out}", flush=True)
    print("\nside by side with a plain sympy lex Groebner elimination (cross coordinates, cap "
          f"{args.groebner_cap:.0f} s per case):")
    for d, a in [(2, 1), (2, 2), (3, 1), (3, 2)]:
        med, ours = _time(lambda: ours_small(d, a), args.repeat)
        degs, gt = groebner(d, a, args.groebner_cap)
        base = "did not finish" if degs is None else f"{gt:7.2f} s (reduced Groebner basis of the elimination ideal, elements by degree {degs})"
        ratio = f"speed-up >= {gt / med:8.0f}x" if degs is None else f"speed-up {gt / med:8.1f}x"
        print(f"  (d,a,t)=({d},{a},2): ours {med:6.3f} s -> {ours};  sympy {base};  {ratio}", flush=True)
    print("\nanchor (an earlier run, not repeated here): Macaulay2 elimination of (3,2,2) ~30 s on a 2-core box")
    peers(args.peer_cap, args.repeat)


if __name__ == "__main__":
    main()
