"""``expressivity invariants``: invariants, dimension and implicitisation of lightning attention.

Both spellings work::

    expressivity invariants --d 3 --a 2 --t 2 [--dprime 1] [--max-degree 4] [--json | --json-out FILE]
    expressivity invariants compute --d 3 --a 2 --t 2 ...
    expressivity invariants --weights HEAD.npz [--t 2] ...        # shape from an attention head, then check it
    expressivity invariants check-point FILE [--json | --json-out FILE]
    expressivity invariants check-point HEAD.npz|HEAD.safetensors [--t 2] [--a A] [--weight-names V,Q,K]

Every count in the report says how it is known: "proved over Q", "upper bound proved over Q; equality
mod p, with high probability", or "mod p, with high probability" (``docs/lightning.md``).

Before anything large is built the size of every phase is estimated
(:mod:`expressivity.attention.cost`); instances beyond ``--max-memory`` (GiB, default 4),
``--max-estimated-seconds`` (default 3600) or ``--max-class`` (default 6000 monomials in one
evaluation matrix) are refused at once with exit code 2.  Flag values are checked by argparse;
every usage error is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import time

from ..exceptions import ComputationTooLargeError, InvalidInputError

PROVED = "proved over Q"
MOD_P = "mod p, with high probability"
UNVERIFIED = ("equals the family span, i.e. proved over Q once the families' vanishing is checked "
              "(symbolic checks skipped in this run)")
from ..progress import Progress
from ._common import (EXIT_FAIL, EXIT_OK, add_json_option, positive_float, print_table, print_wrapped, text_stream,
                      write_json)

__all__ = ["register", "compute_report"]

MAX_DEGREE = 8


def _int_range(lo: int, hi: int | None = None):
    """argparse ``type=``: an integer in ``[lo, hi]`` (one-line error otherwise)."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text[:40]!r}") from None
        if v < lo or (hi is not None and v > hi):
            rng = f">= {lo}" if hi is None else f"in {lo}..{hi}"
            raise argparse.ArgumentTypeError(f"must be an integer {rng}, got {text[:40]}")
        return v
    parse.__name__ = "integer"
    return parse


def _add_compute_options(p: argparse.ArgumentParser, suppress: bool) -> None:
    from ._defaults import ATTENTION_DEFAULT_MAX_CLASS as DEFAULT_MAX_CLASS
    from ._defaults import ATTENTION_DEFAULT_MAX_MEMORY as DEFAULT_MAX_MEMORY
    from ._defaults import ATTENTION_DEFAULT_MAX_SECONDS as DEFAULT_MAX_SECONDS

    dflt = (lambda v: argparse.SUPPRESS) if suppress else (lambda v: v)
    pos = _int_range(1)
    p.add_argument("--d", type=pos, default=dflt(None), help="embedding dimension d >= 1 (required)")
    p.add_argument("--a", type=pos, default=dflt(None), help="attention dimension a, 1 <= a <= d (default d)")
    p.add_argument("--t", type=pos, default=dflt(2), help="number of tokens t >= 1 (default 2)")
    p.add_argument("--dprime", type=pos, default=dflt(1), help="output dimension d' >= 1 (default 1)")
    p.add_argument("--max-degree", type=_int_range(1, MAX_DEGREE), default=dflt(4), dest="max_degree",
                   help=f"implicitise up to this degree, 1..{MAX_DEGREE} (default 4)")
    p.add_argument("--seed", type=_int_range(0), default=dflt(0), help="random seed >= 0 (default 0)")
    p.add_argument("--no-verify", action="store_true", default=dflt(False), dest="no_verify",
                   help="skip the per-family symbolic/numeric/non-triviality checks")
    p.add_argument("--no-coverage", action="store_true", default=dflt(False), dest="no_coverage",
                   help="skip the family-coverage ranks")
    p.add_argument("--no-breakdown", action="store_true", default=dflt(False), dest="no_breakdown",
                   help="coverage: skip the span of each family alone and without each family (one rank pass "
                        "instead of 1 + 2 x families; the totals and the proofs are unchanged)")
    p.add_argument("--whole-resultants", action="store_true", default=dflt(False), dest="whole_resultants",
                   help="use the resultant quartics as they are instead of their torus-homogeneous components (slower)")
    p.add_argument("--random-lines", type=pos, default=dflt(None), dest="random_lines", metavar="N",
                   help="resultant family on N >= 1 seeded random integer lines (default: the ADM26 code's 12 lines for d = 3, "
                        "12 random lines otherwise)")
    p.add_argument("--families", default=dflt(None), metavar="LIST",
                   help="comma-separated family keys used for coverage (default: all applicable), e.g. "
                        "low_rank,cross_column,context_syzygy_maximal,veronese,resultant = the ADM26 families")
    p.add_argument("--max-memory", type=positive_float, default=dflt(DEFAULT_MAX_MEMORY / 2**30), dest="max_memory",
                   metavar="GIB", help="refuse instances whose estimated peak memory exceeds GIB GiB "
                                       f"(default {DEFAULT_MAX_MEMORY / 2**30:g})")
    p.add_argument("--max-estimated-seconds", type=positive_float, default=dflt(DEFAULT_MAX_SECONDS),
                   dest="max_seconds", metavar="S",
                   help=f"refuse instances estimated to take longer than S seconds (default {DEFAULT_MAX_SECONDS:g}; "
                        "a rough, deliberately high estimate, not a time-out)")
    p.add_argument("--max-class", type=pos, default=dflt(DEFAULT_MAX_CLASS), dest="max_class", metavar="N",
                   help=f"refuse weight classes (evaluation matrices) of more than N monomials (default {DEFAULT_MAX_CLASS})")
    p.add_argument("--progress", action="store_true", default=dflt(False), help="progress on stderr (bar on a terminal)")
    p.add_argument("--weights", default=dflt(None), metavar="FILE",
                   help="an attention head's V (d' x d), Q, K (a x d) in a .npz or .safetensors file: d, d' (and a, "
                        "unless --a) are taken from it and the head is tested like check-point (exit 1 if it fails)")
    p.add_argument("--weight-names", default=dflt(None), dest="weight_names", metavar="V,Q,K",
                   help="tensor names of V, Q, K in --weights (default V,Q,K; case-insensitive)")
    add_json_option(p, default=argparse.SUPPRESS if suppress else None)


def compute_report(d: int, a: int | None = None, t: int = 2, dprime: int = 1, max_degree: int = 4, *, seed: int = 0,
                   verify: bool = True, coverage: bool = True, whole_resultants: bool = False,
                   progress: bool = False, random_lines: int | None = None, breakdown: bool = True,
                   families: list[str] | None = None, max_memory: float | None = None,
                   max_seconds: float | None = None, max_class: int | None = None) -> dict:
    """Everything ``expressivity invariants`` prints, as a dict.

    The sizes are estimated first (:func:`expressivity.attention.cost.estimate_compute_cost`);
    ``max_memory`` (bytes), ``max_seconds`` and ``max_class`` bound them (defaults: 4 GiB, 3600 s,
    6000), beyond which :class:`~expressivity.exceptions.ComputationTooLargeError` is raised before
    anything large is built.
    """
    from ..attention import LightningShape, family_info
    from ..attention.cost import DEFAULT_MAX_CLASS, DEFAULT_MAX_MEMORY, DEFAULT_MAX_SECONDS, estimate_compute_cost

    if d is None:
        raise InvalidInputError("--d is required (embedding dimension), e.g. expressivity invariants --d 3 --a 2")
    shape = LightningShape(d, d if a is None else a, t, dprime)
    if max_degree < 1 or max_degree > MAX_DEGREE:
        raise InvalidInputError(f"--max-degree must be in 1..{MAX_DEGREE}, got {max_degree}")
    if families is not None:
        for f in families:
            family_info(f)  # UnknownNameError names the known keys
    if random_lines is not None and random_lines < 1:
        raise InvalidInputError(f"--random-lines must be >= 1, got {random_lines}")
    max_class = DEFAULT_MAX_CLASS if max_class is None else max_class
    est = estimate_compute_cost(shape, max_degree, verify=verify, coverage=coverage, families=families,
                                n_lines=random_lines or 12, whole_resultants=whole_resultants)
    est.check(DEFAULT_MAX_MEMORY if max_memory is None else max_memory,
              DEFAULT_MAX_SECONDS if max_seconds is None else max_seconds, max_class)
    opts: dict = {}
    if random_lines is not None:
        from ..attention import random_lines as _rl

        opts["lines"] = _rl(shape.d, random_lines, seed)
    with Progress(None, f"invariants d={shape.d} a={shape.a} t={shape.t}", enabled=progress) as prog:
        return _run_phases(shape, max_degree, seed=seed, verify=verify, coverage=coverage,
                           whole_resultants=whole_resultants, families=families, opts=opts, prog=prog,
                           max_class=max_class, estimate=est, breakdown=breakdown)


def _run_phases(shape, max_degree, *, seed, verify, coverage, whole_resultants, families, opts, prog, max_class,
                estimate, breakdown=True) -> dict:
    from ..attention import coefficient_count, implicitize, reduced_coordinate_count
    from ..attention.cost import linear_relation_count

    out: dict = {"d": shape.d, "a": shape.a, "t": shape.t, "dprime": shape.dprime,
                 "coefficients_per_entry": coefficient_count(shape.d, shape.t),
                 "reduced_coordinates": reduced_coordinate_count(shape),
                 "linear_relations_per_entry": linear_relation_count(shape.d, shape.t),
                 "estimate": {"peak_bytes": estimate.peak_bytes, "seconds": round(estimate.seconds, 1)},
                 "timings": {}}
    t0 = time.perf_counter()
    out["dimension"] = _dimension_phase(shape, seed, prog)
    out["timings"]["dimension"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    out["families"] = _families_phase(shape, seed, verify, opts, prog)
    out["timings"]["families"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    g = implicitize(shape, max_degree, seed=seed, progress=prog, max_class=max_class, max_monomials=None)
    out["timings"]["implicitization"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = _degree_rows(g, shape, coverage, families, whole_resultants, opts, prog,
                        verified=_families_verified(out["families"]) if verify else False, breakdown=breakdown)
    out["timings"]["coverage"] = time.perf_counter() - t0
    all_proved = all(r["new_generators_status"] == PROVED for r in rows)
    out["implicitization"] = {"prime": g.prime, "degrees": rows, "linear_relations_per_entry": g.linear_raw,
                              "generators_by_degree_raw": g.generators_by_degree(raw=True),
                              "generators_by_degree_reduced": g.generators_by_degree(raw=False),
                              "generators_by_degree_status": PROVED if all_proved else MOD_P,
                              "counts_method": COUNTS_METHOD.format(p=g.prime)}
    if all_proved:  # replace the mod-p counts by the proved ones (they agree unless p was unlucky)
        red = {r["degree"]: r["new_generators"] for r in rows if r["new_generators"]}
        out["implicitization"]["generators_by_degree_reduced"] = red
        raw = dict(red)
        if g.linear_raw and shape.dprime == 1:
            raw[1] = raw.get(1, 0) + g.linear_raw
        out["implicitization"]["generators_by_degree_raw"] = dict(sorted(raw.items()))
    if coverage and shape.dprime == 1:
        complete = all(r.get("complete", True) for r in rows)
        out["families_generate_up_to_max_degree"] = complete
        out["families_generate_status"] = (
            "no" if not complete else PROVED if all(r["dim_I_status"] == PROVED for r in rows) else UNVERIFIED)
    return out


COUNTS_METHOD = ("dim I_k: the null space of an evaluation matrix at random integer model points reduced mod "
                 "p = {p}; rank mod p <= rank over Q, so dim I_k mod p is a proved upper bound, exact with high "
                 "probability.  The mod-p rank of the family multiples is a proved lower bound (the families "
                 "vanish on the model: symbolic checks).  Both equal: 'proved over Q'.  New minimal generators: "
                 "proved over Q when I_k and I_(k-1) are proved and the lower-degree multiples are ranked "
                 "exactly over Q; otherwise 'mod p, with high probability'.")


def _families_verified(fams: list[dict]) -> bool:
    """Every non-empty family passed its symbolic check in this run."""
    return all(f.get("checks", {}).get("symbolic", {}).get("ok", False)
               for f in fams if f["family"] != "linear" and isinstance(f["generators"], int) and f["generators"])


def _degree_rows(g, shape, coverage, families, whole_resultants, opts, prog, verified, breakdown=True) -> list[dict]:
    from ..attention import count_status, family_coverage

    rows = []
    prev_proved, prev_zero = True, True
    for dd in g.degrees:
        r = {"degree": dd.degree, "dim_I": dd.dim_ideal, "new_generators": dd.new_generators,
             "monomials": dd.monomials, "classes": dd.classes, "seconds": round(dd.seconds, 3)}
        span = None
        exact_low = None
        if coverage and shape.dprime == 1 and dd.dim_ideal:
            cov = family_coverage(g, dd.degree, families, split_components=not whole_resultants, progress=prog,
                                  exact_lower=prev_proved and not prev_zero, breakdown=breakdown, **opts)
            span, exact_low = cov.span_all, cov.span_lower_exact
            r.update({"families_span": cov.span_all, "complete": cov.complete, "missing": cov.missing,
                      "span_by_family": cov.span_by_family, "lost_without": cov.lost_without})
        r["dim_I_status"] = count_status(dd.dim_ideal, span, verified)
        proved = r["dim_I_status"] == PROVED
        if proved and prev_proved and (prev_zero or exact_low is not None):
            r["new_generators"] = dd.dim_ideal - (0 if prev_zero else exact_low)
            r["new_generators_status"] = PROVED
            if r["new_generators"] != dd.new_generators:
                r["new_generators_mod_p"] = dd.new_generators
        else:
            r["new_generators_status"] = MOD_P
        prev_proved, prev_zero = proved, dd.dim_ideal == 0
        rows.append(r)
    return rows


def _dimension_phase(shape, seed, prog) -> dict:
    from ..attention import dimension_certificate, expected_dimension, jacobian_rank_float, jacobian_rank_mod_p

    prog.phase("dimension: Jacobian ranks (float, mod p, exact certificate)", 3 if shape.t >= 2 else 2)
    dim = {"expected": expected_dimension(shape), "params": shape.n_params, "float_rank": jacobian_rank_float(shape, seed)}
    prog.update(1)
    dim["mod_p_rank"] = jacobian_rank_mod_p(shape, seed)
    prog.update(1)
    if shape.t >= 2:
        cert = dimension_certificate(shape, seed)
        dim.update({"exact_lower": cert.lower, "exact_upper": cert.upper, "proved": cert.proved,
                    "fibre": shape.n_params - dim["expected"]})
        prog.update(1)
    return dim


def _families_phase(shape, seed, verify, opts, prog) -> list[dict]:
    from ..attention import applicable_families, family_generators, family_info, verify_family
    from ..attention.cost import linear_relation_count

    keys = applicable_families(shape.d, shape.a, shape.t)
    prog.phase("families: generators" + (" and checks" if verify else ""), len(keys))
    fams = []
    for key in keys:
        info = family_info(key)
        row = {"family": key, "title": info.title, "source": info.source,
               "degrees": list(info.degree(shape.d, shape.a)) if key != "linear" else [1]}
        if key == "linear":
            row["generators"] = linear_relation_count(shape.d, shape.t)
        else:
            try:
                row["generators"] = len(family_generators(key, shape.d, shape.a, **opts))
            except ComputationTooLargeError as exc:  # big Lie flattenings: check-point uses a rank test
                row["generators"] = f"not built: {exc}"
        if row["generators"] == 0:
            row["empty"] = True  # no generators for these sizes: nothing to check, nothing cut out
        elif verify and isinstance(row["generators"], int):
            checks = verify_family(key, shape.d, shape.a, symbolic=True, seed=seed,
                                   **(opts if key == "resultant" else {}))
            row["checks"] = {c.check: {"ok": c.ok, "method": c.method, "details": c.details} for c in checks}
        fams.append(row)
        prog.update(1, extra=key)
    return fams


def _print_report(rep: dict, stream) -> None:
    p = lambda text: print_wrapped(text, stream=stream)  # noqa: E731
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
        if f.get("empty"):
            verdict = "empty family (0 generators for these sizes): nothing checked, nothing cut out"
        else:
            verdict = " ".join(f"{k}:{'ok' if v['ok'] else 'FAIL'}" for k, v in checks.items()) or "not checked (--no-verify)"
        frows.append((f["family"], ",".join(map(str, f["degrees"])), f["generators"], verdict))
    print_table(["family", "degree", "generators", "checks (symbolic / numeric / nontrivial)"], frows, stream=stream)
    p("")
    irows = []
    short = {PROVED: "proved over Q", MOD_P: "mod p, w.h.p.", UNVERIFIED: "= family span, unverified"}
    for r in rep["implicitization"]["degrees"]:
        cov = "-"
        if "families_span" in r:
            who = ",".join(k for k, v in r["span_by_family"].items() if v) or "-"
            cov = f"{r['families_span']}/{r['dim_I']} ({'complete' if r['complete'] else 'MISSING ' + str(r['missing'])}; {who})"
        dim_label = short.get(r["dim_I_status"], "upper bound; = mod p, w.h.p.")
        irows.append((r["degree"], f"{r['dim_I']} ({dim_label})",
                      f"{r['new_generators']} ({short[r['new_generators_status']]})", cov, f"{r['seconds']:.2f}"))
    print_table(["degree", "dim I_k (reduced)", "new minimal gens", "families span (who)", "seconds"], irows, stream=stream)
    imp = rep["implicitization"]
    gb = imp["generators_by_degree_raw"]
    p("")
    where = ("raw coordinates of one output entry" if rep["dprime"] == 1 else
             f"reduced coordinates of all {rep['dprime']} output rows; each output entry also has "
             f"{imp['linear_relations_per_entry']} linear relations")
    p(f"minimal generators by degree ({where}): "
      + (", ".join(f"{k}: {v}" for k, v in sorted(gb.items())) or "none") + f" ({imp['generators_by_degree_status']})")
    p("how the counts are known: " + imp["counts_method"])
    if "families_generate_up_to_max_degree" in rep:
        top = rep["implicitization"]["degrees"][-1]["degree"]
        st = rep.get("families_generate_status", "no")
        text = ("no" if st == "no" else "yes (proved over Q)" if st == PROVED else
                "yes, the family span equals the mod-p upper bound in every degree -- not a proof in this run: "
                "the families' symbolic vanishing checks were skipped (--no-verify)")
        p(f"families generate the ideal up to degree {top}: {text}")
    elif rep["dprime"] > 1:
        p("family coverage is not computed for d' > 1 (the one-row families and the cross-row quadrics are "
          "necessary conditions; dim I_k above is an upper bound)")
    p("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in rep["timings"].items()))


def _split(text):
    if text is None:
        return None
    return [x.strip() for x in text.split(",") if x.strip()]


def _cmd_compute(args: argparse.Namespace) -> int:
    from ..attention.cost import DEFAULT_MAX_CLASS, DEFAULT_MAX_MEMORY, DEFAULT_MAX_SECONDS

    get = lambda name, default: getattr(args, name, default)
    d, a, dprime = get("d", None), get("a", None), get("dprime", 1)
    params = None
    if get("weights", None):
        from ..attention.weights import load_weights

        params = load_weights(args.weights, _names(get("weight_names", None)))
        wd, wdp = params.V.shape[1], params.V.shape[0]
        if d is not None and d != wd:
            raise InvalidInputError(f"--d {d} contradicts the weights file (d = {wd} columns of V, Q, K)")
        d, dprime = wd, wdp
        a = min(params.Q.shape[0], wd) if a is None else a
    rep = compute_report(d, a, get("t", 2), dprime, get("max_degree", 4),
                         seed=get("seed", 0), verify=not get("no_verify", False), coverage=not get("no_coverage", False),
                         whole_resultants=get("whole_resultants", False), progress=get("progress", False),
                         random_lines=get("random_lines", None), families=_split(get("families", None)),
                         breakdown=not get("no_breakdown", False),
                         max_memory=get("max_memory", DEFAULT_MAX_MEMORY / 2**30) * 2**30,
                         max_seconds=get("max_seconds", DEFAULT_MAX_SECONDS), max_class=get("max_class", DEFAULT_MAX_CLASS))
    out = text_stream(args)
    _print_report(rep, out)
    code = EXIT_OK
    if params is not None:
        chk = _weights_check(params, rep["t"], rep["a"], 1e-9, get("max_seconds", DEFAULT_MAX_SECONDS))
        rep["weights_check"] = chk["json"]
        print("", file=out)
        _print_check(chk, out)
        code = EXIT_OK if chk["json"]["consistent"] else EXIT_FAIL
    write_json(get("json", None), rep)
    return code


def _names(text):
    if text is None:
        return ("V", "Q", "K")
    names = _split(text)
    if len(names) != 3:
        raise InvalidInputError(f"--weight-names needs three comma-separated tensor names (V,Q,K), got {text[:80]!r}")
    return tuple(names)


def _weights_check(params, t, a, tolerance, max_seconds) -> dict:
    from ..attention.check_point import check_point
    from ..attention.weights import attention_rank, point_from_weights

    pt = point_from_weights(params, t=t, a=a, tolerance=tolerance)
    rep = check_point(pt, max_seconds=max_seconds)
    rank = attention_rank(params, pt.shape.a, tolerance)
    js = rep.to_json()
    js["attention_rank"] = rank.to_json()
    js["families_consistent"] = js["consistent"]
    js["consistent"] = js["consistent"] and rank.ok
    return {"point": pt, "report": rep, "rank": rank, "json": js}


def _print_check(chk: dict, out) -> None:
    pt, rep, rank = chk["point"], chk["report"], chk.get("rank")
    s = pt.shape
    print(f"coefficient point d={s.d} a={s.a} t={s.t} d'={s.dprime}, "
          f"{'exact' if pt.exact else f'float (relative tolerance {pt.tolerance:g})'} evaluation", file=out)
    if rank is not None:
        sv = ", ".join(f"{x:.3g}" for x in rank.singular_values)
        print_wrapped(f"A = Q^T K: rank {rank.rank} ({rank.method}; singular values {sv}) -- claimed a = {rank.claimed}: "
                      + ("ok" if rank.ok else "RANK TOO LARGE"), stream=out)
    print_table(["family", "row", "ok", "generators", "failing", "residual", "method"],
                [(v.family, v.row, "yes" if v.ok else "NO", v.generators, v.failing, f"{v.max_value:.2g}", v.method)
                 for v in rep.verdicts], stream=out)
    if not pt.exact:
        print_wrapped("residual = max |g(p / max|p|)| / M_g per family (scale-invariant; M_g bounds |g| on the unit "
                      "box); a generator fails when its residual exceeds the tolerance", stream=out)
    rank_bad = rank is not None and not rank.ok
    if not rep.failing_families and not rank_bad:
        print_wrapped("all tested invariants vanish: consistent with a lightning attention module "
                      "(the families are necessary conditions and generate the ideal only in the cases listed in "
                      "docs/lightning.md)", stream=out)
    else:
        parts = []
        if rep.failing_families:
            parts.append("failing families: " + ", ".join(rep.failing_families)
                         + (" -- proof that the point is not in the image closure" if pt.exact else ""))
        if rank_bad:
            parts.append(f"rank(A) = {rank.rank} exceeds the claimed a = {rank.claimed}")
        print_wrapped("; ".join(parts), stream=out)


def _cmd_check_point(args: argparse.Namespace) -> int:
    from ..attention.check_point import check_point, load_point
    from ..attention.weights import WEIGHT_SUFFIXES, load_weights

    from pathlib import Path

    if Path(args.file).suffix.lower() in WEIGHT_SUFFIXES:
        params = load_weights(args.file, _names(args.weight_names))
        chk = _weights_check(params, args.t or 2, args.a, args.tolerance or 1e-9, args.max_seconds)
    else:
        for flag, val in (("--t", args.t), ("--a", args.a), ("--weight-names", args.weight_names),
                          ("--tolerance", args.tolerance)):
            if val is not None:
                raise InvalidInputError(f"{flag} applies to weights files ({', '.join(WEIGHT_SUFFIXES)}); a JSON "
                                        "coefficient file declares t, a and tolerance itself")
        pt = load_point(args.file)
        rep = check_point(pt, max_seconds=args.max_seconds)
        chk = {"point": pt, "report": rep, "json": rep.to_json()}
    _print_check(chk, text_stream(args))
    write_json(args.json, chk["json"])
    return EXIT_OK if chk["json"]["consistent"] else EXIT_FAIL


def register(cli) -> None:
    from ._defaults import ATTENTION_DEFAULT_MAX_SECONDS as DEFAULT_MAX_SECONDS

    p = cli.command("invariants", "lightning self-attention: invariant families, dimension, implicitisation, check-point",
                    description="Lightning self-attention Phi(X) = V X X^T A X: invariant families by degree, "
                                "dimension, mod-p implicitisation.  Without a subcommand behaves like 'compute'.  "
                                "Sizes are estimated first; instances beyond --max-memory / --max-estimated-seconds / "
                                "--max-class are refused (exit 2).")
    _add_compute_options(p, suppress=False)
    p.set_defaults(func=_cmd_compute)
    sub = p.add_subparsers(dest="invariants_command", metavar="SUBCOMMAND")
    c = sub.add_parser("compute", help="generators by degree, family coverage, dimension, timings (default)")
    _add_compute_options(c, suppress=True)
    c.set_defaults(func=_cmd_compute)
    k = (sub.add_parser(
        "check-point", help="test a coefficient file (JSON, see docs/lightning.md); exit 1 if a family fails"))
    k.add_argument("file", help="JSON coefficient file (format 'lightning-coefficients'), or the weights V (d' x d), "
                                "Q, K (a x d) of an attention head in a .npz or .safetensors file")
    pos = _int_range(1)
    k.add_argument("--t", type=pos, default=None, help="weights files: number of tokens t (default 2)")
    k.add_argument("--a", type=pos, default=None, help="weights files: claimed attention dimension a, tested against "
                                                       "rank(Q^T K) (default: rows of Q)")
    k.add_argument("--weight-names", default=None, dest="weight_names", metavar="V,Q,K",
                   help="weights files: tensor names of V, Q, K (default V,Q,K; case-insensitive)")
    k.add_argument("--tolerance", type=positive_float, default=None,
                   help="weights files with float entries: relative tolerance in (0, 1] (default 1e-9)")
    k.add_argument("--max-estimated-seconds", type=positive_float, default=DEFAULT_MAX_SECONDS, dest="max_seconds",
                   metavar="S", help="refuse points whose family evaluation is estimated to take longer than S seconds "
                                     f"(default {DEFAULT_MAX_SECONDS:g})")
    add_json_option(k, default=argparse.SUPPRESS)  # keeps a --json given before the subcommand
    k.set_defaults(func=_cmd_check_point)
