"""``expressivity regions slice``: the activation regions of a network on a 2-D plane.

Exit codes: 0 done; 2 bad input (wrong dimension, collinear points, NaN, unreadable files, a subdivision
that would exceed the memory budget); 1 ``--certify`` was asked for and the exact check failed
(the subdivision is not proved); 3 ``--max-regions`` reached (nothing proved).
"""

from __future__ import annotations

import argparse
import sys

from ._common import (
    EXIT_TIMEOUT,
    add_json_option,
    positive_int,
    print_table,
    text_stream,
    write_json,
)
from ._defaults import PLANAR_MEMORY_BUDGET

__all__ = ["register"]


def _read_vector_file(path: str, what: str) -> list:
    from .._jsonfile import read_json_file
    from ..exceptions import InvalidInputError

    data = read_json_file(path, InvalidInputError, what)
    if isinstance(data, dict) and "point" in data:
        data = data["point"]
    if not isinstance(data, list) or not data:
        raise InvalidInputError(f"{path}: expected a JSON list of numbers (or \"p/q\" strings), got {type(data).__name__}")
    return data


def _read_directions(path: str) -> list:
    from ..exceptions import InvalidInputError

    data = _read_vector_file(path, "directions file")
    if len(data) != 2 or not all(isinstance(u, list) for u in data):
        raise InvalidInputError(f"{path}: expected two direction vectors [[...], [...]]")
    return data


def _cmd_slice(args: argparse.Namespace) -> int:
    from ..exceptions import CertificateError, InvalidInputError, LimitReachedError
    from ..regions.slice import slice_regions
    from ..relu import load_network

    fmt = _picture_format(args)
    net = load_network(args.network)
    if args.certify and args.no_exact:
        raise InvalidInputError("--certify needs the exact vertices: drop --no-exact")
    # a float network is certified by the library at its weights' exact binary values (method says so)
    kw = dict(box=args.box, certify=args.certify, exact=False if args.no_exact else None,
              max_regions=args.max_regions)
    if args.points:
        if args.origin or args.directions:
            raise InvalidInputError("give either --points or --origin with --directions, not both")
        pts = [_read_vector_file(p, "point file") for p in args.points]
        call = lambda: slice_regions(net, points=pts, **kw)
    else:
        if not (args.origin and args.directions):
            raise InvalidInputError("give --points P0 P1 P2, or --origin O.json with --directions D.json")
        o, dirs = _read_vector_file(args.origin, "origin file"), _read_directions(args.directions)
        call = lambda: slice_regions(net, origin=o, directions=dirs, **kw)
    try:
        res = call()
    except CertificateError as exc:
        print(f"expressivity: certification failed: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except LimitReachedError as exc:
        msg = " ".join(str(exc).split())
        print(f"expressivity: limit reached: {msg} (nothing proved)", file=sys.stderr)
        write_json(args.json, {"network": str(args.network), "input_dim": net.input_dim, "widths": list(net.widths),
                               "status": "limit_reached", "proved": False, "message": msg,
                               "found_so_far": exc.found})
        return EXIT_TIMEOUT
    if args.out is not None:
        _write_picture(res, args.out, fmt, args.color_by)
    out = {"network": str(args.network), "input_dim": net.input_dim, "widths": list(net.widths),
           **res.to_json(with_regions=args.json is not None)}
    if args.out is not None:
        out["picture"] = args.out
    if args.json:
        write_json(args.json, out)
    if args.json != "-":
        shown = {k: _short(v) for k, v in out.items() if k != "region_list"}
        print_table(["key", "value"], list(shown.items()), wrap=True, stream=text_stream(args))
    return 0


def _short(value, limit: int = 6):
    """A table cell: long vectors (a 784-input plane) are shortened; the full values are in --json."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_short(v, limit)}" for k, v in value.items())
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        return " | ".join(str(_short(v, limit)) for v in value)
    if isinstance(value, (list, tuple)) and len(value) > limit:
        head = ", ".join(str(v) for v in value[:limit])
        return f"({head}, ... {len(value)} entries; full list with --json)"
    return value


def _picture_format(args: argparse.Namespace) -> str | None:
    """png / pdf / svg, checked before any work (``--png`` is always PNG)."""
    from pathlib import Path

    from ..exceptions import InvalidInputError

    if args.out is None:
        return None
    if args.png:
        return "png"
    fmt = Path(args.out).suffix.lower().lstrip(".")
    if fmt not in ("png", "pdf", "svg"):
        raise InvalidInputError(f"--out {args.out}: the picture format comes from the suffix: .pdf, .svg or .png")
    return fmt


def _write_picture(res, path: str, fmt: str, color_by: str) -> None:
    import io

    from .._io import atomic_write_bytes

    fig = res.figure(color_by=color_by)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=200 if fmt == "png" else None)
    atomic_write_bytes(path, buf.getvalue())


class _StorePng(argparse.Action):
    """``--png FILE``: store FILE in ``out`` (checked by ``main`` as an output) and remember PNG."""

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.out = values
        namespace.png = True


def register(cli) -> None:
    g = cli.group("regions", "linear-region counting: ReLU networks, hyperplane arrangements, bounds")
    p = g.add_parser("slice", help="activation regions on the plane through three input points (and a picture)",
                     description="Activation regions of a network on the plane x(s, t) = p0 + s (p1 - p0) + "
                                 "t (p2 - p0) through three input points (JSON lists of numbers or \"p/q\" strings), "
                                 "or x(s, t) = origin + s u1 + t u2. Coordinates are in the plane's (s, t) frame "
                                 "(p0, p1, p2 at (0,0), (1,0), (0,1)); default box [-1/2, 3/2]^2 with --points, "
                                 "[-1, 1]^2 with --origin. Exact rational vertices when the net and the points are "
                                 "exact; --certify proves the whole subdivision (and the count) in exact "
                                 "arithmetic, otherwise the count is numeric.")
    p.add_argument("network", help="network JSON file (see README, network file format)")
    p.add_argument("--points", nargs=3, metavar=("P0", "P1", "P2"), help="three JSON point files")
    p.add_argument("--origin", metavar="O.json", help="origin point file (with --directions)")
    p.add_argument("--directions", metavar="D.json", help="JSON file with two direction vectors [[...], [...]]")
    p.add_argument("--box", type=float, default=None, metavar="R",
                   help="the box [-R, R]^2 of the (s, t) plane (default [-1/2, 3/2]^2 with --points, [-1, 1]^2 with --origin)")
    p.add_argument("--certify", action="store_true",
                   help="prove the regions exactly (exact points only; a float network is taken at its weights' "
                        "exact binary values): convex, in the box, signs of every neuron, areas adding up to the "
                        "box; reports complete: proved")
    p.add_argument("--max-regions", type=positive_int, default=None, metavar="N",
                   help="stop once the slice has more than N regions (exit 3, nothing proved); independently, "
                        "a layer whose successor would need more than "
                        f"{PLANAR_MEMORY_BUDGET // 2 ** 30} GiB is refused before it starts (exit 2)")
    p.add_argument("--no-exact", action="store_true", help="skip the exact rational vertices (faster for big exact nets)")
    p.add_argument("--color-by", choices=("pattern", "map"), default="pattern",
                   help="picture colours: one per activation pattern, or by the local linear map (gradient direction)")
    pic = p.add_mutually_exclusive_group()
    pic.add_argument("--png", dest="out", metavar="FILE", default=None, action=_StorePng,
                     help="write a PNG picture of the regions")
    pic.add_argument("--out", dest="out", metavar="FILE", default=None,
                     help="write a picture, format from the suffix (.pdf and .svg are vector graphics, or .png)")
    add_json_option(p)
    p.set_defaults(func=_cmd_slice, png=False)
