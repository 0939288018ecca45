"""``expressivity regions count | arrangement | bounds``.

Exit codes (constants in :mod:`expressivity.cli._common`): 0 done; 2 bad input or a size refused
up front (an estimate exceeds a limit, before any work); 3 a work limit reached during the run
(``--max-regions``, ``--max-flats``, ``--max-steps``: nothing proved; with ``--json`` a JSON
result says so); 130 interrupted (Ctrl-C: the worker pool is cancelled and its processes ended).
"""

from __future__ import annotations

import argparse
import signal
import sys
from contextlib import contextmanager
from typing import Iterator

from ..exceptions import InvalidInputError
from ._common import EXIT_TIMEOUT, add_json_option, positive_int, print_table, worker_count, write_json

__all__ = ["register"]

_BIG_INT_BITS = 14_000  # about 4 200 digits: Python's int <-> str limit is 4 300 digits


def _parse_box(text: str | None):
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        from ..numbers import shorten

        raise InvalidInputError(f"--box must be a positive number R (the box [-R, R]^d), got {shorten(text)}") from None


# ------------------------------------------------------------------------------------------ worker pool
def _ignore_sigint() -> None:
    """Pool initializer: Ctrl-C is the parent's business (it ends the workers), no worker tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_pool(executor) -> None:
    """Cancel what has not started, stop without waiting, and end the worker processes."""
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=2)
        if p.is_alive():
            p.kill()
            p.join(timeout=2)


@contextmanager
def _process_pool(workers: int) -> Iterator:
    """A ProcessPoolExecutor whose workers ignore SIGINT; on any exception or KeyboardInterrupt
    the pending work is cancelled and the workers are terminated (no waiting for running tasks)."""
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(workers, initializer=_ignore_sigint)
    try:
        yield executor
    except BaseException:
        _stop_pool(executor)
        raise
    executor.shutdown(wait=True)


def _limit_reached(args: argparse.Namespace, exc, out: dict) -> int:
    """A work limit hit mid-run: one line on stderr, a JSON result saying so, exit 3."""
    msg = " ".join(str(exc).split())
    print(f"expressivity: limit reached: {msg} (nothing proved)", file=sys.stderr)
    if args.json:
        write_json(args.json, {**out, "status": "limit_reached", "proved": False, "message": msg,
                               "found_so_far": getattr(exc, "found", None)})
    return EXIT_TIMEOUT


# ------------------------------------------------------------------------------------------ count
_CERTIFIED = ("each region certified exactly; completeness not certified (floating-point traversal): "
              "the count is a certified lower bound")
_COMPLETE = ("complete: proved -- every region, every facet and every omitted constraint certified in exact "
             "integer arithmetic on the exact weights, every facet's neighbour listed: the count is exact")
_NOT_CERTIFIED = "floating-point {what}: nothing certified"


def _certification(regions_certified: bool, what: str, complete: bool = False) -> dict:
    if complete:
        return {"method": "exact", "regions_certified": True, "completeness_certified": True,
                "count_certified_as": "exact", "complete": "proved", "status": _COMPLETE}
    return {"method": "numeric", "regions_certified": regions_certified, "completeness_certified": False,
            "count_certified_as": "lower_bound" if regions_certified else None, "complete": "not certified",
            "status": _CERTIFIED if regions_certified else _NOT_CERTIFIED.format(what=what)}


def _count_bfs(args, net, box) -> dict:
    from ..regions import enumerate_regions, linear_pieces

    kw = dict(facets=args.facets, max_regions=args.max_regions, certify=args.certify or False, progress=not args.quiet)
    if args.workers > 1:
        with _process_pool(args.workers) as executor:
            res = enumerate_regions(net, box, executor=executor, **kw)
    else:
        res = enumerate_regions(net, box, **kw)
    what = "traversal (--certify certifies each region: a certified lower bound; --certify complete proves the count)"
    out = {"regions": res.count, "adjacencies": res.graph.number_of_edges(), "seconds": round(res.seconds, 4),
           "lp_solves": res.lp_solves, **_certification(res.regions_certified, what, res.completeness_certified)}
    if res.completeness is not None:
        c = res.completeness
        out.update({"facets_certified": c.facets, "redundant_rows_certified": c.redundant_rows,
                    "lp_fallbacks": c.lp_fallbacks, "certificate_seconds": round(c.seconds, 4),
                    "repaired_regions": c.repaired_regions, "regions_added_by_repair": c.regions_added_by_repair})
        if c.repair_note:
            out["repair"] = c.repair_note
    if args.pieces:
        out["linear_pieces"] = linear_pieces(res)
    return out


def _count_planar(args, net, box) -> dict:
    from ..regions.planar import planar_regions

    if args.pieces:
        raise InvalidInputError("--pieces needs the region adjacency graph: use --method bfs")
    if args.certify:
        raise InvalidInputError("--certify needs the bfs traversal: use --method bfs")
    res = planar_regions(net, box, max_regions=args.max_regions)
    out = {"regions": res.count, "seconds": round(res.seconds, 4), **_certification(False, "planar subdivision")}
    if box is None:
        out["note"] = "whole plane approximated by growing boxes until the count is stable"
    return out


def _count_milp(args, net, box) -> dict:
    from ..regions.milp import milp_count_pulp, milp_count_scip, scip_available

    if box is None:
        raise InvalidInputError("--method milp needs --box R (big-M constants come from the box)")
    if args.pieces:
        raise InvalidInputError("--pieces needs the region adjacency graph: use --method bfs")
    if args.certify:
        raise InvalidInputError("--certify needs the bfs traversal: use --method bfs")
    use_scip = args.solver == "scip" or (args.solver == "auto" and scip_available())
    res = milp_count_scip(net, box) if use_scip else milp_count_pulp(net, box, solver="highs" if args.solver == "auto" else args.solver)
    return {"regions": res.count, "solver": res.solver, "seconds": round(res.seconds, 4), "eps": res.eps,
            **_certification(False, "MILP count"), "note": "float MILP count: a candidate, cross-check with --method bfs"}


def _cmd_count(args: argparse.Namespace) -> int:
    from ..regions import LimitReachedError
    from ..relu import load_network

    net = load_network(args.network)
    box = _parse_box(args.box)
    out: dict = {"network": str(args.network), "input_dim": net.input_dim, "widths": list(net.widths),
                 "algorithm": args.method, "box": box}
    run = {"bfs": _count_bfs, "planar": _count_planar, "milp": _count_milp}[args.method]
    try:
        out.update(run(args, net, box))
    except LimitReachedError as exc:
        return _limit_reached(args, exc, out)
    _emit(args, out)
    return 0


def _emit(args: argparse.Namespace, out: dict) -> None:
    if args.json:
        write_json(args.json, out)
    else:
        print_table(["key", "value"], [(k, v) for k, v in out.items()], wrap=True)


# ------------------------------------------------------------------------------------------ arrangement
def _poly_text(coeffs) -> str:
    """chi(t) as text, highest power first, zero terms left out (compact for any dimension)."""
    terms = []
    for k in range(len(coeffs) - 1, -1, -1):
        c = coeffs[k]
        if c:
            mono = "" if k == 0 else ("t" if k == 1 else f"t^{k}")
            mag = str(abs(c)) if (abs(c) != 1 or k == 0) else ""
            terms.append(("- " if c < 0 else "+ ") + mag + mono)
    text = " ".join(terms) or "0"
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def _cmd_arrangement(args: argparse.Namespace) -> int:
    from ..regions import LimitReachedError, count_arrangement_regions, load_arrangement

    arr = load_arrangement(args.file)
    out = {"file": str(args.file), "dim": arr.dim, "hyperplanes": len(arr), "method": "exact"}
    try:
        res = count_arrangement_regions(arr, max_flats=args.max_flats, max_steps=args.max_steps)
    except LimitReachedError as exc:
        return _limit_reached(args, exc, out)
    out.update(res.to_json())
    if args.json:
        write_json(args.json, out)
    else:
        shown = {**out, "characteristic_polynomial": _poly_text(res.characteristic_polynomial)}
        print_table(["key", "value"], list(shown.items()), wrap=True)
    return 0


# ------------------------------------------------------------------------------------------ bounds
def _big_int_json(v: int | None):
    """Exact integers; beyond ~4 200 digits (Python's int/str limit) as a decimal string."""
    if v is None or v.bit_length() <= _BIG_INT_BITS:
        return v
    from flint import fmpz

    return fmpz(v).str()


def _big_int_text(v: int | None) -> str:
    if v is None:
        return "n/a (width condition fails)"
    if v.bit_length() <= _BIG_INT_BITS:
        return str(v)
    from flint import fmpz

    s = fmpz(v).str()
    return f"{s[0]}.{s[1:4]}e+{len(s) - 1} ({len(s)} digits; exact value with --json)"


def _parse_widths(text: str) -> list[int]:
    parts = [w.strip() for w in text.split(",") if w.strip()]
    try:
        widths = [positive_int(w) for w in parts]
    except argparse.ArgumentTypeError:
        from ..numbers import shorten

        raise InvalidInputError(f"--widths must be comma-separated positive integers like 8,8, got {shorten(text)}") from None
    if not widths:
        raise InvalidInputError("--widths is empty: give hidden widths like 8,8")
    return widths


def _cmd_bounds(args: argparse.Namespace) -> int:
    from ..regions import all_bounds

    widths = _parse_widths(args.widths)
    b = all_bounds(args.input_dim, widths, max_terms=args.max_terms, max_bits=args.max_bits)
    out = {"input_dim": args.input_dim, "widths": widths, "method": "exact", **b}
    if args.json:
        write_json(args.json, {k: _big_int_json(v) if k in b else v for k, v in out.items()})
    else:
        print_table(["bound", "value"], [(k, _big_int_text(v)) for k, v in b.items()])
    return 0


# ------------------------------------------------------------------------------------------ parsers
def _add_count(g) -> None:
    p = g.add_parser("count", help="count the activation regions of a network file",
                     description="Count the activation regions of a ReLU network (JSON network file). "
                                 "Without --box the whole input space is counted (bfs: floating-point traversal "
                                 "of all of R^d). The count is not certified; with --certify each region is "
                                 "certified exactly (a certified lower bound); with --certify complete the "
                                 "enumeration is proved complete in exact arithmetic (the count is exact, "
                                 "'complete: proved'). Exit 2 when a certificate check fails, 3 when "
                                 "--max-regions is reached (nothing proved), 130 on Ctrl-C.")
    p.add_argument("network", help="network JSON file (see README, network file format)")
    p.add_argument("--box", default=None, metavar="R", help="restrict to the box [-R, R]^d")
    p.add_argument("--method", choices=("bfs", "planar", "milp"), default="bfs",
                   help="bfs: adjacency traversal (any d); planar: 2-D subdivision, no LPs; milp: MILP count (needs --box)")
    p.add_argument("--pieces", action="store_true", help="also count linear pieces (adjacent regions with one affine map merged)")
    p.add_argument("--facets", choices=("auto", "kernel", "qhull", "lp"), default="auto",
                   help="facet detection of the bfs method: auto = qhull for d <= 4, the compiled kernel "
                        "(numba, the [fast] extra) for d >= 5; kernel; qhull; lp (one LP per row, slow reference)")
    p.add_argument("--certify", nargs="?", const="regions", default=None, choices=("regions", "complete"),
                   help="bare --certify (= regions): re-check every region's interior point in exact arithmetic "
                        "(a certified lower bound); --certify complete: also prove in exact arithmetic that no "
                        "region is missing (bfs only; the count is exact). Put it after the network file")
    p.add_argument("--max-regions", type=positive_int, default=None, metavar="N",
                   help="stop (exit 3, nothing proved) beyond N regions")
    p.add_argument("--workers", type=worker_count, default=1, metavar="N",
                   help="run the bfs on a process pool of N workers (default 1: no pool)")
    p.add_argument("--solver", choices=("auto", "scip", "highs", "cbc"), default="auto",
                   help="milp: SCIP native counting (auto when installed) or a PuLP no-good loop with HiGHS/CBC")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_json_option(p)
    p.set_defaults(func=_cmd_count)


def register(cli) -> None:
    from ._defaults import REGIONS_DEFAULT_MAX_BITS as DEFAULT_MAX_BITS
    from ._defaults import REGIONS_DEFAULT_MAX_FLATS as DEFAULT_MAX_FLATS
    from ._defaults import REGIONS_DEFAULT_MAX_STEPS as DEFAULT_MAX_STEPS
    from ._defaults import REGIONS_DEFAULT_MAX_TERMS as DEFAULT_MAX_TERMS

    g = cli.group("regions", "linear-region counting: ReLU networks, hyperplane arrangements, bounds")
    _add_count(g)

    p = g.add_parser("arrangement", help="regions and bounded regions of a hyperplane arrangement (Zaslavsky, exact)",
                     description="Count regions of an affine arrangement file: "
                                 '{"dim": d, "hyperplanes": [{"normal": ["1", "0"], "offset": "0"}, ...]} '
                                 "(normal . x = offset; exact numbers as integers or strings). Exact. Sizes are "
                                 "estimated first (exit 2 when refused); exit 3 when a limit is reached mid-run.")
    p.add_argument("file", help="arrangement JSON file")
    p.add_argument("--max-flats", type=positive_int, default=DEFAULT_MAX_FLATS, metavar="N",
                   help=f"refuse intersection posets with more than N flats (default {DEFAULT_MAX_FLATS})")
    p.add_argument("--max-steps", type=positive_int, default=DEFAULT_MAX_STEPS, metavar="N",
                   help=f"refuse more than N (flat, hyperplane) intersection steps (default {DEFAULT_MAX_STEPS}, "
                        "about 5-50 microseconds each)")
    add_json_option(p)
    p.set_defaults(func=_cmd_arrangement)

    p = g.add_parser("bounds", help="Serra 2018 and Montufar 2014/2017 bounds on the number of regions",
                     description="Upper and lower bounds on the maximal number of activation regions (exact "
                                 "integers; in JSON, integers of more than ~4200 digits are decimal strings).")
    p.add_argument("--input-dim", type=positive_int, required=True, metavar="N0", help="input dimension n0")
    p.add_argument("--widths", required=True, help="hidden widths, comma separated, e.g. 8,8")
    p.add_argument("--max-terms", type=positive_int, default=DEFAULT_MAX_TERMS, metavar="N",
                   help=f"refuse bounds that sum more than N binomial terms (default {DEFAULT_MAX_TERMS})")
    p.add_argument("--max-bits", type=positive_int, default=DEFAULT_MAX_BITS, metavar="N",
                   help=f"refuse networks of more than N neurons (2^N has N + 1 bits; default {DEFAULT_MAX_BITS})")
    add_json_option(p)
    p.set_defaults(func=_cmd_bounds)
