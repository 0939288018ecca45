"""``expressivity depth hbdss`` and ``expressivity depth check-certificate`` (the HBDSS MIP)."""

from __future__ import annotations

import argparse
import sys

from ._common import add_json_option, write_json

__all__ = ["register"]

DEPTH_HELP = "ReLU depth: MAX_n networks, exact checks, H-conformity, HBDSS MIP"


def _cmd_hbdss(args: argparse.Namespace) -> int:
    from expressivity.exceptions import CertificateError
    from expressivity.milp import build_hbdss_model, certify_hbdss, export_model, solve_model
    from proofs.certificate_check import check_certificate

    out = sys.stderr if args.json == "-" else sys.stdout
    model = build_hbdss_model(args.n, big_m=args.big_m if args.model == "paper" else "per_row",
                              tightened=args.model == "tightened")  # per_row: per-row big-M only
    size = model.size
    report: dict = {"n": args.n, "model": args.model, "size": size.to_json(), "big_m": sorted(set(model.big_m))}
    print(f"HBDSS MIP, n = {args.n} ({args.model} model): {size.columns} columns ({size.binaries} binary), "
          f"{size.rows} rows, {size.nonzeros} nonzeros; big-M {report['big_m'] if len(report['big_m']) > 1 else report['big_m'][0]}",
          file=out)
    if args.export:
        export_model(model, args.export)
        print(f"model written to {args.export}", file=out)
        report["export"] = args.export
    if args.solver or not args.exact:
        sol = solve_model(model, args.solver or "highs", time_limit=args.time_limit)
        report["float"] = sol.to_json()
        print(f"{sol.solver}: optimum {sol.objective:.3g} in {sol.seconds:.2f} s  [numeric: a float MILP answer, not a proof]",
              file=out)
    if args.exact:
        cert = certify_hbdss(args.n, symmetry=not args.no_symmetry, progress=not args.quiet)
        obj = cert.to_json()
        rep = check_certificate(obj)  # the standalone checker, in rationals, before we say "exact"
        if rep.optimum_zero != cert.optimum_zero:  # pragma: no cover - the two must agree
            raise CertificateError("the search and the standalone checker disagree")
        stats = {d: obj["stats"][d] for d in obj["stats"]}
        report["exact"] = {"certified": True, "optimum": "0" if rep.optimum_zero else None, "max_phi": rep.max_phi,
                           "min_phi": rep.min_phi, "seconds": round(cert.seconds, 3), "stats": stats,
                           "conclusion": rep.conclusion}
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
    elif args.certificate:
        print("note: --certificate needs --exact; no certificate written", file=out)
    report["certified"] = "exact" in report
    write_json(args.json, report)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from expressivity.exceptions import CertificateError
    from proofs.certificate_check import check_certificate

    try:
        rep = check_certificate(args.file)
    except CertificateError as exc:
        print(f"REJECTED: {exc}", file=sys.stderr if args.json == "-" else sys.stdout)
        write_json(args.json, {"file": args.file, "verified": False, "reason": str(exc)})
        return 1
    out = sys.stderr if args.json == "-" else sys.stdout
    print(f"VERIFIED (exact, Fractions only, no solver): n = {rep.n}; max phi {rep.max_phi}; min phi {rep.min_phi}", file=out)
    print(rep.conclusion, file=out)
    write_json(args.json, {"file": args.file, "verified": True, "n": rep.n, "max_phi": rep.max_phi, "min_phi": rep.min_phi,
                           "optimum_zero": rep.optimum_zero, "nodes": rep.nodes, "leaves": rep.leaves,
                           "conclusion": rep.conclusion})
    return 0


def _positive_int(v: str) -> int:
    try:
        k = int(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v!r}") from None
    if k < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v!r}")
    return k


def _seconds(v: str) -> float:
    try:
        t = float(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {v!r}") from None
    if not t > 0:
        raise argparse.ArgumentTypeError(f"the time limit must be positive, got {v!r}")
    return t


def register(cli) -> None:
    group = cli.group("depth", DEPTH_HELP)
    p = group.add_parser("hbdss", help="the HBDSS Theorem 1.7 MIP: model size, float solve, exact certificate",
                         description="Build the H_n-conforming 2-hidden-layer MIP of HBDSS §2, solve it with a chosen "
                                     "float backend (evidence) and/or certify optimum 0 exactly (proof).")
    p.add_argument("--n", type=_positive_int, default=4, help="number of inputs (default 4: max{0,x1..x4})")
    p.add_argument("--solver", choices=["cbc", "highs", "scip"], help="float MILP backend (default highs unless --exact)")
    p.add_argument("--model", choices=["paper", "per_row", "tightened"], default="paper",
                   help="paper: uniform big-M as in the paper; per_row: each row's exact big-M; "
                        "tightened: per-row big-M + symmetry-breaking rows")
    p.add_argument("--big-m", dest="big_m", type=int, default=15,
                   help="uniform big-M of the paper model (default 15 as in the paper; must be >= the exact bound)")
    p.add_argument("--time-limit", type=_seconds, default=None, help="float solver time limit in seconds")
    p.add_argument("--exact", action="store_true", help="certify exactly (own B&B, exact Farkas leaves, standalone re-check)")
    p.add_argument("--no-symmetry", action="store_true", help="exact search without orbital branching")
    p.add_argument("--certificate", metavar="FILE", help="with --exact: write the certificate JSON to FILE")
    p.add_argument("--export", metavar="FILE", help="write the model as MPS (.mps) or LP (.lp)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_json_option(p)
    p.set_defaults(func=_cmd_hbdss)

    p = group.add_parser("check-certificate", help="verify an HBDSS certificate with Fractions only (no solver)")
    p.add_argument("file", help="certificate JSON written by 'depth hbdss --exact --certificate FILE'")
    add_json_option(p)
    p.set_defaults(func=_cmd_check)
