"""``expressivity regions count | arrangement | bounds``."""

from __future__ import annotations

import argparse

from ..exceptions import InvalidInputError
from ._common import add_json_option, print_table, write_json

__all__ = ["register"]


def _parse_box(text: str | None):
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInputError(f"--box must be a positive number R (the box [-R, R]^d), got {text!r}") from None


def _cmd_count(args: argparse.Namespace) -> int:
    from ..relu import load_network
    from ..regions import enumerate_regions, linear_pieces

    net = load_network(args.network)
    box = _parse_box(args.box)
    out: dict = {"network": str(args.network), "input_dim": net.input_dim, "widths": list(net.widths),
                 "method": args.method, "box": box}
    if args.method == "bfs":
        executor = None
        if args.workers and args.workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            executor = ProcessPoolExecutor(args.workers)
        try:
            res = enumerate_regions(net, box, facets=args.facets, max_regions=args.max_regions, certify=args.certify,
                                    executor=executor, progress=not args.quiet)
        finally:
            if executor is not None:
                executor.shutdown()
        out.update(regions=res.count, adjacencies=res.graph.number_of_edges(), seconds=round(res.seconds, 4),
                   lp_solves=res.lp_solves, certified=res.certified)
        if args.pieces:
            out["linear_pieces"] = linear_pieces(res)
    elif args.method == "planar":
        from ..regions.planar import planar_regions

        if args.pieces:
            raise InvalidInputError("--pieces needs the region adjacency graph: use --method bfs")
        res = planar_regions(net, box)
        out.update(regions=res.count, seconds=round(res.seconds, 4))
        if box is None:
            out["note"] = "whole plane approximated by growing boxes until the count is stable"
    elif args.method == "milp":
        from ..regions.milp import milp_count_pulp, milp_count_scip, scip_available

        if box is None:
            raise InvalidInputError("--method milp needs --box R (big-M constants come from the box)")
        if args.pieces:
            raise InvalidInputError("--pieces needs the region adjacency graph: use --method bfs")
        use_scip = args.solver == "scip" or (args.solver == "auto" and scip_available())
        res = milp_count_scip(net, box) if use_scip else milp_count_pulp(net, box, solver="highs" if args.solver == "auto" else args.solver)
        out.update(regions=res.count, solver=res.solver, seconds=round(res.seconds, 4), eps=res.eps,
                   note="float MILP count: a candidate, cross-check with --method bfs")
    else:  # pragma: no cover - argparse restricts choices
        raise InvalidInputError(f"unknown method {args.method!r}")
    if args.json:
        write_json(args.json, out)
    else:
        print_table(["key", "value"], [(k, v) for k, v in out.items()])
    return 0


def _cmd_arrangement(args: argparse.Namespace) -> int:
    from ..regions import count_arrangement_regions, load_arrangement

    arr = load_arrangement(args.file)
    res = count_arrangement_regions(arr, max_flats=args.max_flats)
    out = {"file": str(args.file), "dim": arr.dim, "hyperplanes": len(arr), **res.to_json()}
    if args.json:
        write_json(args.json, out)
    else:
        print_table(["key", "value"], [(k, v) for k, v in out.items()])
    return 0


def _cmd_bounds(args: argparse.Namespace) -> int:
    from ..regions import all_bounds

    try:
        widths = [int(w) for w in args.widths.split(",") if w.strip()]
    except ValueError:
        raise InvalidInputError(f"--widths must be comma-separated integers like 8,8, got {args.widths!r}") from None
    b = all_bounds(args.input_dim, widths)
    out = {"input_dim": args.input_dim, "widths": widths, **b}
    if args.json:
        write_json(args.json, out)
    else:
        print_table(["bound", "value"], [(k, "n/a (width condition fails)" if v is None else v) for k, v in b.items()])
    return 0


def register(cli) -> None:
    g = cli.group("regions", "linear-region counting: ReLU networks, hyperplane arrangements, bounds")

    p = g.add_parser("count", help="count the activation regions of a network file",
                     description="Count the activation regions of a ReLU network (JSON network file). "
                                 "Without --box the whole input space is counted (bfs: exact traversal of R^d).")
    p.add_argument("network", help="network JSON file (see README, network file format)")
    p.add_argument("--box", default=None, metavar="R", help="restrict to the box [-R, R]^d")
    p.add_argument("--method", choices=("bfs", "planar", "milp"), default="bfs",
                   help="bfs: adjacency traversal (any d); planar: 2-D subdivision, no LPs; milp: MILP count (needs --box)")
    p.add_argument("--pieces", action="store_true", help="also count linear pieces (adjacent regions with one affine map merged)")
    p.add_argument("--facets", choices=("qhull", "lp"), default="qhull", help="facet detection of the bfs method")
    p.add_argument("--certify", action="store_true", help="re-check every region's interior point in exact arithmetic")
    p.add_argument("--max-regions", type=int, default=None, help="stop with an error beyond this many regions")
    p.add_argument("--workers", type=int, default=0, help="run the bfs on a process pool with this many workers")
    p.add_argument("--solver", choices=("auto", "scip", "highs", "cbc"), default="auto",
                   help="milp: SCIP native counting (auto when installed) or a PuLP no-good loop with HiGHS/CBC")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_json_option(p)
    p.set_defaults(func=_cmd_count)

    p = g.add_parser("arrangement", help="regions and bounded regions of a hyperplane arrangement (Zaslavsky, exact)",
                     description="Count regions of an affine arrangement file: "
                                 '{"dim": d, "hyperplanes": [{"normal": ["1", "0"], "offset": "0"}, ...]} '
                                 "(normal . x = offset; exact numbers as integers or strings).")
    p.add_argument("file", help="arrangement JSON file")
    p.add_argument("--max-flats", type=int, default=200_000, help="refuse intersection posets larger than this")
    add_json_option(p)
    p.set_defaults(func=_cmd_arrangement)

    p = g.add_parser("bounds", help="Serra 2018 and Montufar 2014/2017 bounds on the number of regions",
                     description="Upper and lower bounds on the maximal number of activation regions.")
    p.add_argument("--input-dim", type=int, required=True, help="input dimension n0")
    p.add_argument("--widths", required=True, help="hidden widths, comma separated, e.g. 8,8")
    add_json_option(p)
    p.set_defaults(func=_cmd_bounds)
