"""``expressivity invariants``: invariants, dimension and implicitisation of lightning attention.

Both spellings work::

    expressivity invariants --d 3 --a 2 --t 2 [--dprime 1] [--max-degree 4] [--json | --json-out FILE]
    expressivity invariants compute --d 3 --a 2 --t 2 ...
    expressivity invariants check-point FILE [--json | --json-out FILE]

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
    add_json_option(p, default=argparse.SUPPRESS if suppress else None)


def compute_report(d: int, a: int | None = None, t: int = 2, dprime: int = 1, max_degree: int = 4, *, seed: int = 0,
                   verify: bool = True, coverage: bool = True, whole_resultants: bool = False,
                   progress: bool = False, random_lines: int | None = None,
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
                           max_class=max_class, estimate=est)


def _run_phases(shape, max_degree, *, seed, verify, coverage, whole_resultants, families, opts, prog, max_class,
                estimate) -> dict:
    from ..attention import coefficient_count, family_coverage, implicitize, reduced_coordinate_count
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
    rows = []
    t0 = time.perf_counter()
    for dd in g.degrees:
        r = {"degree": dd.degree, "dim_I": dd.dim_ideal, "new_generators": dd.new_generators,
             "monomials": dd.monomials, "classes": dd.classes, "seconds": round(dd.seconds, 3)}
        if coverage and shape.dprime == 1 and dd.dim_ideal:
            cov = family_coverage(g, dd.degree, families, split_components=not whole_resultants, progress=prog, **opts)
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
        if verify and isinstance(row["generators"], int):
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
    from ..attention.cost import DEFAULT_MAX_CLASS, DEFAULT_MAX_MEMORY, DEFAULT_MAX_SECONDS

    get = lambda name, default: getattr(args, name, default)
    rep = compute_report(get("d", None), get("a", None), get("t", 2), get("dprime", 1), get("max_degree", 4),
                         seed=get("seed", 0), verify=not get("no_verify", False), coverage=not get("no_coverage", False),
                         whole_resultants=get("whole_resultants", False), progress=get("progress", False),
                         random_lines=get("random_lines", None), families=_split(get("families", None)),
                         max_memory=get("max_memory", DEFAULT_MAX_MEMORY / 2**30) * 2**30,
                         max_seconds=get("max_seconds", DEFAULT_MAX_SECONDS), max_class=get("max_class", DEFAULT_MAX_CLASS))
    _print_report(rep, text_stream(args))
    write_json(get("json", None), rep)
    return EXIT_OK


def _cmd_check_point(args: argparse.Namespace) -> int:
    from ..attention.check_point import check_point, load_point

    pt = load_point(args.file)
    rep = check_point(pt, max_seconds=args.max_seconds)
    out = text_stream(args)
    s = pt.shape
    print(f"coefficient point d={s.d} a={s.a} t={s.t} d'={s.dprime}, "
          f"{'exact' if pt.exact else f'float (relative tolerance {pt.tolerance:g})'} evaluation", file=out)
    print_table(["family", "row", "ok", "generators", "failing", "max |value|", "method"],
                [(v.family, v.row, "yes" if v.ok else "NO", v.generators, v.failing, f"{v.max_value:.3g}", v.method)
                 for v in rep.verdicts], stream=out)
    if rep.consistent:
        print_wrapped("all families vanish: consistent with a lightning attention module "
                      "(the families are necessary conditions; see docs/lightning.md)", stream=out)
    else:
        print_wrapped("failing families: " + ", ".join(rep.failing_families)
                      + (" -- proof that the point is not in the image closure" if pt.exact else ""), stream=out)
    write_json(args.json, rep.to_json())
    return EXIT_OK if rep.consistent else EXIT_FAIL


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
    k.add_argument("file", help="JSON coefficient file (format 'lightning-coefficients')")
    k.add_argument("--max-estimated-seconds", type=positive_float, default=DEFAULT_MAX_SECONDS, dest="max_seconds",
                   metavar="S", help="refuse points whose family evaluation is estimated to take longer than S seconds "
                                     f"(default {DEFAULT_MAX_SECONDS:g})")
    add_json_option(k, default=argparse.SUPPRESS)  # keeps a --json given before the subcommand
    k.set_defaults(func=_cmd_check_point)
