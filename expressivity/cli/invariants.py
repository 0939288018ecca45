"""``expressivity invariants``: invariants, dimension and implicitisation of lightning attention.

Both spellings work::

    expressivity invariants --d 3 --a 2 --t 2 [--dprime 1] [--max-degree 4] [--json]
    expressivity invariants compute --d 3 --a 2 --t 2 ...
    expressivity invariants check-point FILE [--json]
"""

from __future__ import annotations

import argparse
import sys
import time

from ..exceptions import InvalidInputError
from ._common import add_json_option, print_table, write_json

__all__ = ["register", "compute_report"]


def _add_compute_options(p: argparse.ArgumentParser, suppress: bool) -> None:
    dflt = (lambda v: argparse.SUPPRESS) if suppress else (lambda v: v)
    p.add_argument("--d", type=int, default=dflt(None), help="embedding dimension d (required)")
    p.add_argument("--a", type=int, default=dflt(None), help="attention dimension a, 1 <= a <= d (default d)")
    p.add_argument("--t", type=int, default=dflt(2), help="number of tokens t (default 2)")
    p.add_argument("--dprime", type=int, default=dflt(1), help="output dimension d' (default 1)")
    p.add_argument("--max-degree", type=int, default=dflt(4), dest="max_degree",
                   help="implicitise up to this degree (default 4)")
    p.add_argument("--seed", type=int, default=dflt(0), help="random seed (default 0)")
    p.add_argument("--no-verify", action="store_true", default=dflt(False), dest="no_verify",
                   help="skip the per-family symbolic/numeric/non-triviality checks")
    p.add_argument("--no-coverage", action="store_true", default=dflt(False), dest="no_coverage",
                   help="skip the family-coverage ranks")
    p.add_argument("--whole-resultants", action="store_true", default=dflt(False), dest="whole_resultants",
                   help="use the resultant quartics as they are instead of their torus-homogeneous components (slower)")
    p.add_argument("--random-lines", type=int, default=dflt(None), dest="random_lines", metavar="N",
                   help="resultant family on N seeded random integer lines (default: C1's 12 lines for d = 3, "
                        "12 random lines otherwise)")
    p.add_argument("--families", default=dflt(None), metavar="LIST",
                   help="comma-separated family keys used for coverage (default: all applicable), e.g. "
                        "low_rank,cross_column,context_syzygy_maximal,veronese,resultant = C1's families")
    p.add_argument("--progress", action="store_true", default=dflt(False), help="progress lines on stderr")
    if not suppress:
        add_json_option(p)
    else:
        p.add_argument("--json", nargs="?", const="-", default=argparse.SUPPRESS, metavar="FILE",
                       help="write JSON to FILE (stdout when FILE is omitted or '-')")


def compute_report(d: int, a: int | None = None, t: int = 2, dprime: int = 1, max_degree: int = 4, *, seed: int = 0,
                   verify: bool = True, coverage: bool = True, whole_resultants: bool = False,
                   progress: bool = False, random_lines: int | None = None,
                   families: list[str] | None = None) -> dict:
    """Everything ``expressivity invariants`` prints, as a dict."""
    from ..attention import (LightningShape, applicable_families, coefficient_count, dimension_certificate,
                             expected_dimension, family_coverage, family_generators, family_info, implicitize,
                             jacobian_rank_float, jacobian_rank_mod_p, reduced_coordinate_count, verify_family)
    from ..attention.families import linear_relations

    if d is None:
        raise InvalidInputError("--d is required (embedding dimension), e.g. expressivity invariants --d 3 --a 2")
    shape = LightningShape(d, d if a is None else a, t, dprime)
    if max_degree < 1 or max_degree > 8:
        raise InvalidInputError(f"--max-degree must be in 1..8, got {max_degree}")
    opts: dict = {}
    if families is not None:
        for f in families:
            family_info(f)  # UnknownNameError names the known keys
    if random_lines is not None:
        from ..attention import random_lines as _rl

        if random_lines < 1:
            raise InvalidInputError(f"--random-lines must be >= 1, got {random_lines}")
        opts["lines"] = _rl(shape.d, random_lines, seed)
    out: dict = {"d": shape.d, "a": shape.a, "t": shape.t, "dprime": shape.dprime,
                 "coefficients_per_entry": coefficient_count(shape.d, shape.t),
                 "reduced_coordinates": reduced_coordinate_count(shape), "timings": {}}
    t0 = time.perf_counter()
    dim = {"expected": expected_dimension(shape), "params": shape.n_params,
           "float_rank": jacobian_rank_float(shape, seed), "mod_p_rank": jacobian_rank_mod_p(shape, seed)}
    if t >= 2:
        cert = dimension_certificate(shape, seed)
        dim.update({"exact_lower": cert.lower, "exact_upper": cert.upper, "proved": cert.proved,
                    "fibre": shape.n_params - dim["expected"]})
    out["dimension"] = dim
    out["timings"]["dimension"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    fams = []
    for key in applicable_families(shape.d, shape.a, shape.t):
        info = family_info(key)
        row = {"family": key, "title": info.title, "source": info.source,
               "degrees": list(info.degree(shape.d, shape.a)) if key != "linear" else [1]}
        if key == "linear":
            row["generators"] = len(linear_relations(shape.d, shape.t))
        else:
            try:
                row["generators"] = len(family_generators(key, shape.d, shape.a, **opts))
            except Exception as exc:  # ComputationTooLargeError for big Lie flattenings
                row["generators"] = f"not built: {exc}"
        if verify and isinstance(row["generators"], int):
            checks = verify_family(key, shape.d, shape.a, symbolic=True, seed=seed,
                                   **(opts if key == "resultant" else {}))
            row["checks"] = {c.check: {"ok": c.ok, "method": c.method, "details": c.details} for c in checks}
        fams.append(row)
    out["families"] = fams
    out["timings"]["families"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    g = implicitize(shape, max_degree, seed=seed, progress=progress)
    out["timings"]["implicitization"] = time.perf_counter() - t0
    rows = []
    t0 = time.perf_counter()
    for dd in g.degrees:
        r = {"degree": dd.degree, "dim_I": dd.dim_ideal, "new_generators": dd.new_generators,
             "monomials": dd.monomials, "classes": dd.classes, "seconds": round(dd.seconds, 3)}
        if coverage and shape.dprime == 1 and dd.dim_ideal:
            cov = family_coverage(g, dd.degree, families, split_components=not whole_resultants, **opts)
            r.update({"families_span": cov.span_all, "complete": cov.complete, "missing": cov.missing,
                      "span_by_family": cov.span_by_family, "lost_without": cov.lost_without})
        rows.append(r)
    out["timings"]["coverage"] = time.perf_counter() - t0
    out["implicitization"] = {"prime": g.prime, "degrees": rows, "linear_relations_per_entry": g.linear_raw,
                              "generators_by_degree_raw": g.generators_by_degree(raw=True),
                              "generators_by_degree_reduced": g.generators_by_degree(raw=False)}
    if coverage and shape.dprime == 1:
        out["families_generate_up_to_max_degree"] = all(r.get("complete", True) for r in rows)
    return out


def _print_report(rep: dict, stream) -> None:
    p = lambda *a: print(*a, file=stream)
    p(f"lightning attention d={rep['d']} a={rep['a']} t={rep['t']} d'={rep['dprime']}: "
      f"N(d,t) = {rep['coefficients_per_entry']} coefficients per output entry, "
      f"{rep['reduced_coordinates']} reduced coordinates")
    dm = rep["dimension"]
    line = (f"dimension: formula {dm['expected']}, Jacobian rank float {dm['float_rank']}, mod p {dm['mod_p_rank']}")
    if "proved" in dm:
        line += (f"; exact bounds {dm['exact_lower']} <= dim <= {dm['exact_upper']} "
                 f"({'proved' if dm['proved'] else 'NOT proved'}); fibre dimension {dm['fibre']} = a^2+1")
    p(line)
    p("")
    frows = []
    for f in rep["families"]:
        checks = f.get("checks", {})
        verdict = " ".join(f"{k}:{'ok' if v['ok'] else 'FAIL'}" for k, v in checks.items()) or "-"
        frows.append((f["family"], ",".join(map(str, f["degrees"])), f["generators"], verdict))
    print_table(["family", "degree", "generators", "checks (symbolic / numeric / nontrivial)"], frows, stream=stream)
    p("")
    irows = []
    for r in rep["implicitization"]["degrees"]:
        cov = "-"
        if "families_span" in r:
            who = ",".join(k for k, v in r["span_by_family"].items() if v) or "-"
            cov = f"{r['families_span']}/{r['dim_I']} ({'complete' if r['complete'] else 'MISSING ' + str(r['missing'])}; {who})"
        irows.append((r["degree"], r["dim_I"], r["new_generators"], cov, f"{r['seconds']:.2f}"))
    print_table(["degree", "dim I_k (reduced)", "new minimal gens", "families span (who)", "seconds"], irows, stream=stream)
    gb = rep["implicitization"]["generators_by_degree_raw"]
    p("")
    where = ("raw coordinates of one output entry" if rep["dprime"] == 1 else
             f"reduced coordinates of all {rep['dprime']} output rows; each output entry also has "
             f"{rep['implicitization']['linear_relations_per_entry']} linear relations")
    p(f"minimal generators by degree ({where}): " + (", ".join(f"{k}: {v}" for k, v in sorted(gb.items())) or "none"))
    if "families_generate_up_to_max_degree" in rep:
        p(f"families generate the ideal up to degree {rep['implicitization']['degrees'][-1]['degree']}: "
          f"{'yes (certified mod p)' if rep['families_generate_up_to_max_degree'] else 'no'}")
    p("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in rep["timings"].items()))


def _split(text):
    if text is None:
        return None
    return [x.strip() for x in text.split(",") if x.strip()]


def _cmd_compute(args: argparse.Namespace) -> int:
    rep = compute_report(getattr(args, "d", None), getattr(args, "a", None), getattr(args, "t", 2),
                         getattr(args, "dprime", 1), getattr(args, "max_degree", 4), seed=getattr(args, "seed", 0),
                         verify=not getattr(args, "no_verify", False), coverage=not getattr(args, "no_coverage", False),
                         whole_resultants=getattr(args, "whole_resultants", False),
                         progress=getattr(args, "progress", False), random_lines=getattr(args, "random_lines", None),
                         families=_split(getattr(args, "families", None)))
    js = getattr(args, "json", None)
    if js != "-":
        _print_report(rep, sys.stdout)
    write_json(js, rep)
    return 0


def _cmd_check_point(args: argparse.Namespace) -> int:
    from ..attention.check_point import check_point, load_point

    pt = load_point(args.file)
    rep = check_point(pt)
    if args.json != "-":
        s = pt.shape
        print(f"coefficient point d={s.d} a={s.a} t={s.t} d'={s.dprime}, "
              f"{'exact' if pt.exact else f'float (relative tolerance {pt.tolerance:g})'} evaluation")
        print_table(["family", "row", "ok", "generators", "failing", "max |value|", "method"],
                    [(v.family, v.row, "yes" if v.ok else "NO", v.generators, v.failing, f"{v.max_value:.3g}", v.method)
                     for v in rep.verdicts])
        if rep.consistent:
            print("all families vanish: consistent with a lightning attention module "
                  "(the families are necessary conditions; see docs/lightning.md)")
        else:
            print("failing families: " + ", ".join(rep.failing_families)
                  + (" -- proof that the point is not in the image closure" if pt.exact else ""))
    write_json(args.json, rep.to_json())
    return 0 if rep.consistent else 1


def register(cli) -> None:
    p = cli.command("invariants", "lightning self-attention: invariant families, dimension, implicitisation, check-point",
                    description="Lightning self-attention Phi(X) = V X X^T A X: invariant families by degree, "
                                "dimension, mod-p implicitisation.  Without a subcommand behaves like 'compute'.")
    _add_compute_options(p, suppress=False)
    p.set_defaults(func=_cmd_compute)
    sub = p.add_subparsers(dest="invariants_command", metavar="SUBCOMMAND")
    c = sub.add_parser("compute", help="generators by degree, family coverage, dimension, timings (default)")
    _add_compute_options(c, suppress=True)
    c.set_defaults(func=_cmd_compute)
    k = sub.add_parser("check-point", help="test a coefficient file (JSON, see docs/lightning.md); exit 1 if a family fails")
    k.add_argument("file", help="JSON coefficient file (format 'lightning-coefficients')")
    add_json_option(k)
    k.set_defaults(func=_cmd_check_point)
