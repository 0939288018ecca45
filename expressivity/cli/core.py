"""``expressivity verify``, ``list`` and ``figures``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._common import add_json_option, print_table, print_wrapped, write_json
from ._defaults import DEFAULT_FIGURE_FORMATS, FIGURE_FORMATS

__all__ = ["register"]


def _cmd_verify(args: argparse.Namespace) -> int:
    from expressivity.proofs.registry import run_claims, select_claims

    if args.latex == "-":
        from expressivity.exceptions import InvalidInputError

        raise InvalidInputError("--latex needs a file name (the table goes to a file, the report to stdout)")
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
            print(file=out)
            print_wrapped(f"{v.id}: {v.verdict} -- {v.details}", stream=out)
    counts = {k: sum(v.verdict == k for v in verdicts) for k in ("verified", "refuted", "error")}
    total = sum(v.seconds for v in verdicts)
    partial = sum(v.scope.startswith("partial") for v in verdicts)
    sampled = sum(not v.scope.startswith("partial") and v.scope != "complete" for v in verdicts)
    if partial:
        print(file=out)
        print_wrapped(f"{partial} claim(s) ran in quick mode and checked part of their statement; "
                      "--full checks all of it.", stream=out)
    if sampled:
        print_wrapped(f"{sampled} claim(s) were checked on the instances their scope names (e.g. n ≤ 10), "
                      "not proved in general.", stream=out)
    print(f"\n{counts['verified']} verified, {counts['refuted']} refuted, {counts['error']} errors in {total:.1f} s", file=out)
    write_json(args.json, {"mode": mode, "summary": counts, "claims": [v.to_json() for v in verdicts]})
    if args.latex:
        from expressivity._io import atomic_write_text
        from expressivity.paper_figures.latex import verdicts_latex

        atomic_write_text(Path(args.latex), verdicts_latex(verdicts))
        print(f"LaTeX table of {len(verdicts)} verdict(s) written to {args.latex}", file=out)
    return 0 if counts["refuted"] == counts["error"] == 0 else 1


def _cmd_list(args: argparse.Namespace) -> int:
    from expressivity.proofs.registry import select_claims

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
    from expressivity.paper_figures.registry import all_figures, build_figures

    if args.list:
        print_table(["figure", "module", "description"], [(f.name, f.module, f.description) for f in all_figures()])
        return 0
    formats = _formats(args.format or [",".join(DEFAULT_FIGURE_FORMATS)])
    files = build_figures(Path(args.out), args.names or None, log=lambda s: print(s, flush=True), formats=formats)
    print(f"{len(files)} file(s) written to {args.out}")
    return 0


def _formats(values: list[str]) -> tuple[str, ...]:
    """``--format`` values (repeatable, each a comma list) as one tuple, in order, without repeats.

    >>> _formats(["pdf,svg", "png", "svg"])
    ('pdf', 'svg', 'png')
    """
    from expressivity.exceptions import InvalidInputError

    fmts = tuple(dict.fromkeys(f.strip().lower() for v in values for f in v.split(",") if f.strip()))
    bad = [f for f in fmts if f not in FIGURE_FORMATS]
    if bad or not fmts:
        raise InvalidInputError(f"--format: unknown figure format(s) {', '.join(bad) or '(none)'}; "
                                f"choose from {', '.join(FIGURE_FORMATS)}")
    return fmts


def register(cli) -> None:
    p = cli.command("verify", "run claims and print a verdict table (exit 1 if any is refuted or errors)",
                    description="Run the registered claims and print a verdict table with each claim's method and "
                                "scope; exit 1 if any is refuted or errors. All claims in quick mode take ~15 s on "
                                "an idle 2-core machine.")
    p.add_argument("ids", nargs="*", help="claim ids, id prefixes or globs (default: all)")
    p.add_argument("--full", action="store_true", help="run the full (slower) mode of each claim")
    p.add_argument("-q", "--quiet", action="store_true", help="no per-claim progress lines")
    p.add_argument("-v", "--verbose", action="store_true", help="print the details of every claim")
    p.add_argument("--latex", metavar="FILE", default=None,
                   help="also write the verdicts as a LaTeX booktabs longtable to FILE (atomically; needs booktabs, "
                        "longtable, array and amssymb)")
    add_json_option(p)
    p.set_defaults(func=_cmd_verify)

    p = cli.command("list", "list the registered claims")
    p.add_argument("ids", nargs="*", help="id prefixes or globs")
    add_json_option(p)
    p.set_defaults(func=_cmd_list)

    p = cli.command("figures", "build the paper figures (PNG and SVG by default; PDF on request)")
    p.add_argument("names", nargs="*", help="figure names (default: all; see --list)")
    p.add_argument("--out", default="figures", metavar="DIR", help="output directory (default: ./figures)")
    p.add_argument("--format", action="append", metavar="pdf|svg|png",
                   help="file format(s): repeat the option or give a comma list, e.g. --format pdf,svg "
                        f"(default {','.join(DEFAULT_FIGURE_FORMATS)}; SVG and PDF are byte-stable)")
    p.add_argument("--list", action="store_true", help="list the figures instead of building them")
    p.set_defaults(func=_cmd_figures)
