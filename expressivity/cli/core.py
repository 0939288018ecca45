"""``expressivity verify``, ``list`` and ``figures``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import add_json_option, print_table, write_json

__all__ = ["register"]


def _cmd_verify(args: argparse.Namespace) -> int:
    from proofs.registry import run_claims, select_claims

    claims = select_claims(args.ids)
    to_stdout_json = args.json == "-"
    out = sys.stderr if to_stdout_json else sys.stdout
    mode = "full" if args.full else "quick"
    print(f"verifying {len(claims)} claim(s), {mode} mode", file=out, flush=True)

    def show(v) -> None:
        if not args.quiet:
            print(f"  {v.verdict:<8} {v.id} ({v.seconds:.2f} s)", file=sys.stderr, flush=True)

    verdicts = run_claims(claims, full=args.full, on_result=show)
    print_table(["id", "method", "verdict", "scope", "seconds"],
                [(v.id, v.method, v.verdict, v.scope, f"{v.seconds:.2f}") for v in verdicts], stream=out)
    for v in verdicts:
        if not v.ok or args.verbose:
            print(f"\n{v.id}: {v.verdict} -- {v.details}", file=out)
    counts = {k: sum(v.verdict == k for v in verdicts) for k in ("verified", "refuted", "error")}
    total = sum(v.seconds for v in verdicts)
    partial = sum(v.scope.startswith("partial") for v in verdicts)
    sampled = sum(not v.scope.startswith("partial") and v.scope != "complete" for v in verdicts)
    if partial:
        print(f"\n{partial} claim(s) ran in quick mode and checked part of their statement (see details); "
              "--full checks all of it.", file=out)
    if sampled:
        print(f"{sampled} claim(s) were checked on the instances their scope names (e.g. n ≤ 10), not proved in general.",
              file=out)
    print(f"\n{counts['verified']} verified, {counts['refuted']} refuted, {counts['error']} errors in {total:.1f} s", file=out)
    write_json(args.json, {"mode": mode, "summary": counts, "claims": [v.to_json() for v in verdicts]})
    return 0 if counts["refuted"] == counts["error"] == 0 else 1


def _cmd_list(args: argparse.Namespace) -> int:
    from proofs.registry import select_claims

    claims = select_claims(args.ids)
    if args.json:
        write_json(args.json, [{"id": c.id, "statement": c.statement, "source": c.source, "method": c.method,
                                "has_full": c.has_full} for c in claims])
        if args.json != "-":
            print(f"{len(claims)} claim(s) written to {args.json}")
        return 0
    print_table(["id", "method", "source", "statement"], [(c.id, c.method, c.source, c.statement) for c in claims])
    return 0


def _cmd_figures(args: argparse.Namespace) -> int:
    from paper_figures.registry import all_figures, build_figures

    if args.list:
        print_table(["figure", "module", "description"], [(f.name, f.module, f.description) for f in all_figures()])
        return 0
    files = build_figures(Path(args.out), args.names or None, log=lambda s: print(s, flush=True))
    print(f"{len(files)} file(s) written to {args.out}")
    return 0


def register(cli) -> None:
    p = cli.command("verify", "run claims and print a verdict table (exit 1 if any is refuted or errors)")
    p.add_argument("ids", nargs="*", help="claim ids, id prefixes or globs (default: all)")
    p.add_argument("--full", action="store_true", help="run the full (slower) mode of each claim")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-claim progress lines")
    p.add_argument("-v", "--verbose", action="store_true", help="print the details of every claim")
    add_json_option(p)
    p.set_defaults(func=_cmd_verify)

    p = cli.command("list", "list the registered claims")
    p.add_argument("ids", nargs="*", help="id prefixes or globs")
    add_json_option(p)
    p.set_defaults(func=_cmd_list)

    p = cli.command("figures", "build every paper figure")
    p.add_argument("names", nargs="*", help="figure names (default: all)")
    p.add_argument("--out", default="figures", help="output directory (default: ./figures)")
    p.add_argument("--list", action="store_true", help="list the figures instead of building them")
    p.set_defaults(func=_cmd_figures)
