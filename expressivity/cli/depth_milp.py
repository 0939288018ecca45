"""``expressivity depth hbdss`` and ``expressivity depth check-certificate`` (the HBDSS MIP)."""

from __future__ import annotations

import argparse
import os
import sys

from ._common import EXIT_FAIL, EXIT_OK, EXIT_TIMEOUT, add_json_option, positive_float, positive_int, text_stream, write_json

__all__ = ["register"]

DEPTH_HELP = "ReLU depth: MAX_n networks, exact checks, H-conformity, HBDSS MIP"


def _float_requested(args: argparse.Namespace) -> bool:
    """A float solve runs when asked (--solve or --solver), or by default when nothing else is asked."""
    return bool(args.solve or args.solver or not (args.exact or args.export))


def _validate(args: argparse.Namespace, out) -> None:
    """Usage errors found before any work (one line each, exit 2)."""
    from expressivity.exceptions import InvalidInputError
    from expressivity.milp import export_format

    if args.big_m is not None and args.model != "paper":
        raise InvalidInputError(f"--big-m applies to --model paper only (--model {args.model} uses per-row big-M)")
    if args.certificate and not args.exact:
        raise InvalidInputError("--certificate needs --exact (only the exact search produces a certificate)")
    if args.export:
        export_format(args.export)
    if args.big_m is not None and args.exact and not (_float_requested(args) or args.export):
        print("note: --big-m plays no role in the exact search (the statement it certifies is homogeneous)", file=out)


def _build(args: argparse.Namespace):
    from expressivity.milp import build_hbdss_model

    if args.model == "paper":
        big_m = "uniform" if args.big_m is None else args.big_m
        if not (_float_requested(args) or args.export):
            big_m = "uniform"  # exact only: the model is built for its size, which big-M does not change
        return build_hbdss_model(args.n, big_m=big_m)
    return build_hbdss_model(args.n, big_m="per_row", tightened=args.model == "tightened")


def _limit_reached(args, report: dict, part: str, info: dict, exc: Exception, out) -> int:
    """Record a time/node limit: JSON says so, the text says 'not proved', exit EXIT_TIMEOUT."""
    report[part] = {"status": "time_limit", **info, "message": str(exc)}
    report.update(status="time_limit", proved=False, certified=False)
    print(f"{part}: {exc}", file=out)
    print("time limit reached: not proved", file=out)
    write_json(args.json, report)
    return EXIT_TIMEOUT


def _run_float(args: argparse.Namespace, model, report: dict, out) -> int | None:
    from expressivity.milp import MILPTimeLimitError, solve_model

    solver = args.solver or "highs"
    try:
        sol = solve_model(model, solver, time_limit=args.time_limit)
    except MILPTimeLimitError as exc:
        info = {"solver": solver, "method": "numeric", "time_limit": args.time_limit, "incumbent": exc.incumbent}
        return _limit_reached(args, report, "float", info, exc, out)
    report["float"] = sol.to_json()
    report["status"] = "optimal"
    print(f"{sol.solver}: optimum {sol.objective:.3g} in {sol.seconds:.2f} s  [numeric: a float MILP answer, not a proof]",
          file=out)
    return None


def _run_exact(args: argparse.Namespace, report: dict, out) -> int | None:
    from expressivity.exceptions import CertificateError
    from expressivity.milp import ExactSearchLimitError, certify_hbdss
    from expressivity.proofs.certificate_check import check_certificate

    try:
        cert = certify_hbdss(args.n, symmetry=not args.no_symmetry, progress=not args.quiet, time_limit=args.time_limit)
    except ExactSearchLimitError as exc:
        info = {"direction": exc.direction, "nodes": exc.nodes, "leaves": exc.leaves, "seconds": round(exc.seconds, 3),
                "time_limit": args.time_limit}
        return _limit_reached(args, report, "exact", info, exc, out)
    obj = cert.to_json()
    if not args.quiet:
        print(f"search done in {cert.seconds:.1f} s; re-checking the certificate with proofs.certificate_check "
              "(Fractions only)", file=sys.stderr, flush=True)
    rep = check_certificate(obj)  # the standalone checker, in rationals, before we say "exact"
    if rep.optimum_zero != cert.optimum_zero:  # pragma: no cover - the two must agree
        raise CertificateError("the search and the standalone checker disagree")
    stats = {d: obj["stats"][d] for d in obj["stats"]}
    report["exact"] = {"certified": True, "optimum": "0" if rep.optimum_zero else None, "max_phi": rep.max_phi,
                       "min_phi": rep.min_phi, "seconds": round(cert.seconds, 3), "stats": stats,
                       "conclusion": rep.conclusion}
    report.update(status="certified", proved=True, certified=True)
    if rep.optimum_zero:
        print(f"exact: optimum = 0, certified (B&B + exact Farkas leaves, re-checked by proofs.certificate_check) "
              f"in {cert.seconds:.2f} s; " + ", ".join(f"{d}: {s['nodes']} nodes / {s['leaves']} leaves" for d, s in stats.items()),
              file=out)
    else:
        print(f"exact: optimum is NOT 0: max phi {rep.max_phi}, min phi {rep.min_phi} (exact witnesses, checked)", file=out)
    print(rep.conclusion, file=out)
    if args.certificate:
        cert.write(args.certificate)
        report["exact"]["certificate"] = args.certificate
        print(f"certificate written to {args.certificate} (check: expressivity depth check-certificate {args.certificate})",
              file=out)
    return None


def _cmd_hbdss(args: argparse.Namespace) -> int:
    from expressivity.milp import export_model

    out = text_stream(args)
    _validate(args, out)
    model = _build(args)
    size = model.size
    big_m = sorted(set(model.big_m))
    report: dict = {"n": args.n, "model": args.model, "size": size.to_json(), "big_m": big_m, "status": "built",
                    "proved": False, "certified": False}
    print(f"HBDSS MIP, n = {args.n} ({args.model} model): {size.columns} columns ({size.binaries} binary), "
          f"{size.rows} rows, {size.nonzeros} nonzeros; big-M {big_m if len(big_m) > 1 else big_m[0]}", file=out)
    if args.export:
        export_model(model, args.export)
        report.update(export=args.export, status="exported")
        print(f"model written to {args.export}" + ("" if _float_requested(args) or args.exact else
                                                   " (export only: add --solve or --solver to solve it)"), file=out)
    if _float_requested(args):
        code = _run_float(args, model, report, out)
        if code is not None:
            return code
    if args.exact:
        code = _run_exact(args, report, out)
        if code is not None:
            return code
    write_json(args.json, report)
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from expressivity.exceptions import CertificateError, InvalidInputError
    from expressivity.proofs.certificate_check import check_certificate

    out = text_stream(args)
    if not os.path.isfile(args.file):  # an unreadable input is a usage error (exit 2), not a rejection
        raise InvalidInputError(f"certificate file {args.file[:200]!r} does not exist or is not a file")
    try:
        rep = check_certificate(args.file, progress=None if args.quiet else sys.stderr)
    except CertificateError as exc:
        reason = getattr(exc, "reason", str(exc))
        print(f"REJECTED: {reason}", file=out)
        write_json(args.json, {"file": args.file, "verified": False, "reason": reason})
        return EXIT_FAIL
    print(f"VERIFIED (exact, Fractions only, no solver): n = {rep.n}; max phi {rep.max_phi}; min phi {rep.min_phi}", file=out)
    print(rep.conclusion, file=out)
    write_json(args.json, {"file": args.file, "verified": True, "n": rep.n, "max_phi": rep.max_phi, "min_phi": rep.min_phi,
                           "optimum_zero": rep.optimum_zero, "nodes": rep.nodes, "leaves": rep.leaves,
                           "conclusion": rep.conclusion})
    return EXIT_OK


def _big_m(v: str):
    """``uniform``, ``per_row`` or a positive integer (whatever :func:`build_hbdss_model` accepts)."""
    if v in ("uniform", "per_row"):
        return v
    if len(v) > 12 or not v.isdigit() or int(v) < 1:
        raise argparse.ArgumentTypeError(f"expected 'uniform', 'per_row' or a positive integer, got {v[:20]!r}")
    return int(v)


def register(cli) -> None:
    group = cli.group("depth", DEPTH_HELP)
    p = group.add_parser("hbdss", help="the HBDSS23 Thm 1.7 MIP: model size, float solve, exact certificate",
                         description="Build the H_n-conforming 2-hidden-layer MIP of HBDSS23 Sec. 2, solve it with a chosen "
                                     "float backend (evidence) and/or certify optimum 0 exactly (proof). "
                                     "Exit codes: 0 done, 2 bad usage, 3 time limit reached (nothing proved), "
                                     "130 interrupted.")
    p.add_argument("--n", type=positive_int, default=4, help="number of inputs (default 4: max{0,x1..x4})")
    p.add_argument("--solver", choices=["cbc", "highs", "scip"],
                   help="float MILP backend; giving it asks for a float solve (default highs when nothing else is asked)")
    p.add_argument("--solve", action="store_true",
                   help="also run the float solve when --exact or --export is given (with --solver, or highs)")
    p.add_argument("--model", choices=["paper", "per_row", "tightened"], default="paper",
                   help="paper: one uniform big-M as in the paper; per_row: each row's exact big-M; "
                        "tightened: per-row big-M + symmetry-breaking rows")
    p.add_argument("--big-m", dest="big_m", type=_big_m, default=None, metavar="uniform|per_row|INT",
                   help="big-M of the paper model (default 'uniform': the exact bound max_S sum_M |G[S,M]| derived for "
                        "this n, 14 for n = 4; the paper used 15). An integer must be >= that bound. Unused by --exact")
    p.add_argument("--time-limit", type=positive_float, default=None,
                   help="seconds for the float solve and for the exact search; reaching it exits 3 (not proved)")
    p.add_argument("--exact", action="store_true", help="certify exactly (own B&B, exact Farkas leaves, standalone re-check)")
    p.add_argument("--no-symmetry", action="store_true", help="exact search without orbital branching")
    p.add_argument("--certificate", metavar="FILE", help="with --exact: write the certificate JSON to FILE (atomically)")
    p.add_argument("--export", metavar="FILE",
                   help="write the model as MPS (.mps) or LP (.lp) and stop (add --solve/--solver/--exact to also solve)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_json_option(p)
    p.set_defaults(func=_cmd_hbdss)

    p = group.add_parser("check-certificate", help="verify an HBDSS certificate with Fractions only (no solver)")
    p.add_argument("file", help="certificate JSON written by 'depth hbdss --exact --certificate FILE'")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    add_json_option(p)
    p.set_defaults(func=_cmd_check)
