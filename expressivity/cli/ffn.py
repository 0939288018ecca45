"""``expressivity ffn``: witnesses, certified gaps and sweeps for fixed ⊊ LA ⊊ MoA (WWXSZ26)."""

from __future__ import annotations

import argparse
from fractions import Fraction

from ._common import add_json_option, print_table, print_wrapped, text_stream, write_json

__all__ = ["register"]


def _lam(args):
    """``--lam`` read by the package's one exact parser (bounded digits and exponents), then range-checked."""
    from expressivity.ffn.witnesses import check_lambda
    from expressivity.numbers import to_fraction

    return check_lambda(to_fraction(args.lam, where="--lam"))


def _cmd_witness(args: argparse.Namespace) -> int:
    from expressivity.ffn.witnesses import get_witness

    w = get_witness(args.name, _lam(args))
    data = w.to_json()
    data["representation_identity"] = w.representation_identity()
    data["max_forward_error"] = w.max_forward_error(n=1000, seed=0)
    if args.json:
        write_json(args.json, data)
        if args.json == "-":
            return 0
    print(f"{w.name}: {w.title}")
    print(f"  separation      {w.separation}")
    print(f"  target          {w.target}   on [-1, 1]^{w.dim}")
    print(f"  stronger class  {w.stronger.class_name}, width {w.stronger.width}, dictionary {list(w.stronger.dictionary)}")
    print(f"  weaker class    {w.weaker}")
    for k, v in data["parameters"].items():
        print(f"  {k:<4} = {v}")
    print(f"  identity (sympy): {data['representation_identity']};  float64 max error on 1000 points: {data['max_forward_error']:.1e}")
    if w.notes:
        print(f"  note: {w.notes}")
    return 0


def _cmd_certify(args: argparse.Namespace) -> int:
    from expressivity.ffn.intervals import decimal_down, decimal_up
    from expressivity.ffn.witnesses import get_witness

    w = get_witness(args.name, _lam(args))
    kw = {}
    if args.activation:
        kw["activation"] = args.activation
    c = w.certify(args.width, **kw)
    if args.json:
        write_json(args.json, c)
        if args.json == "-":
            return 0 if c.positive else 1
    print(f"{w.name} vs {c.weaker_class} ({'every width' if c.width is None else f'width {c.width}'})")
    lb = str(c.lower_bound) if c.lower_bound.denominator < 10**9 else f"{decimal_down(c.lower_bound, 12)} (rounded down)"
    if c.kind == "non_representability":
        verdict = "certified" if c.positive else "not certified"
        print(f"  {verdict}: {w.name} is not computed by any layer of the class {c.weaker_class}   [{c.method}]")
        print(f"  witness value >= {lb}, where the value is the {c.norm}")
    else:
        print(f"  norm          {c.norm}")
        print(f"  certified gap >= {lb}   [{c.method}]")
    if c.enclosure is not None:
        print(f"  enclosure     [{decimal_down(c.enclosure.lo, 15)}, {decimal_up(c.enclosure.hi, 15)}] (rounded outwards)")
    print(f"  why           {c.statement}")
    return 0 if c.positive else 1


def _widths(text: str) -> list[int]:
    from expressivity.exceptions import InvalidInputError

    parts = [v.strip() for v in text.split(",")]
    if len(text) > 1000 or not all(v.isdigit() and len(v) <= 9 for v in parts):
        raise InvalidInputError(f"--widths: expected comma-separated positive integers like 1,4,16, got {text[:60]!r}")
    return [int(v) for v in parts]


def _cmd_sweep(args: argparse.Namespace) -> int:
    from expressivity.ffn.intervals import decimal_down
    from expressivity.ffn.sweeps import default_widths, sweep

    widths = _widths(args.widths) if args.widths else default_widths(args.name, args.max_width)
    r = sweep(args.name, widths, seed=args.seed, lam=_lam(args), progress=not args.quiet, max_memory_gb=args.max_memory_gb)
    if args.json:
        write_json(args.json, r)
        if args.json == "-":
            return 0
    out = text_stream(args)
    print_wrapped(f"{r.name}: {r.description}", stream=out)
    has_measured = any(row.measured is not None for row in r.rows)
    headers = ["width", "features", "L2 (rmse)", "sup err", "certified gap of fit", "class floor"]
    down = lambda v: decimal_down(Fraction(v), 6)  # noqa: E731  (lower bounds are displayed rounded down)
    rows = [[row.width, row.n_features, f"{row.rmse:.3e}", f"{row.sup_error:.3e}", down(row.certified), down(row.floor)]
            for row in r.rows]
    if has_measured:
        headers.append("sampled norm (numeric)")
        for cells, row in zip(rows, r.rows):
            cells.append("-" if row.measured is None else f"{row.measured:.6f}")
    print_table(headers, rows, stream=out)
    print_wrapped("certified gap and class floor: proved lower bounds (rounded down); fits, errors and sampled norms: "
                  "float64 (numeric)", stream=out)
    return 0


def _cmd_activations(args: argparse.Namespace) -> int:
    from expressivity.ffn.activations import activation_names, get_activation

    rows = []
    for n in activation_names():
        a = get_activation(n)
        rows.append((a.name, a.smoothness, [str(b) for b in a.breakpoints], [str(j) for j in a.d1_jumps],
                     a.piece_degrees, a.description))
    if args.json:
        write_json(args.json, [dict(zip(["name", "smoothness", "breakpoints", "d1_jumps", "piece_degrees", "description"], r))
                               for r in rows])
        return 0
    print_table(["name", "smoothness", "breakpoints", "σ' jumps", "piece degrees", "σ(z)"], rows)
    return 0


def register(cli) -> None:
    from ._defaults import FFN_DEFAULT_MAX_MEMORY_GB as DEFAULT_MAX_MEMORY_GB
    from ._defaults import FFN_SWEEPS as SWEEPS
    from ._defaults import FFN_WITNESS_NAMES as WITNESS_NAMES

    g = cli.group("ffn", "FFN expressivity: fixed ⊊ LA ⊊ MoA witnesses, certified gaps and sweeps")

    p = g.add_parser("witness", help="show a witness and the exact parameters of the stronger class",
                     description="Witnesses: " + ", ".join(WITNESS_NAMES))
    p.add_argument("name", help="witness name: " + ", ".join(WITNESS_NAMES))
    p.add_argument("--lam", default="2", help="λ (exact rational, default 2) for the T family")
    add_json_option(p)
    p.set_defaults(func=_cmd_witness)

    p = g.add_parser("certify", help="print the certified gap between a witness and the weaker class",
                     description="Certified (exact or interval) lower bound on the distance to the weaker class, or, "
                                 "for T3, a certificate that the witness is not in the weaker class at all. "
                                 "Exit 0 when the certified value is positive, 1 when it is 0.")
    p.add_argument("name", help="witness name: " + ", ".join(WITNESS_NAMES))
    p.add_argument("--width", type=int, default=None, help="width m of the weaker class (when the bound depends on it)")
    p.add_argument("--activation", default=None, help="σ of the fixed class for f1/f2 (default relu)")
    p.add_argument("--lam", default="2", help="λ (exact rational, default 2)")
    add_json_option(p)
    p.set_defaults(func=_cmd_certify)

    p = g.add_parser("sweep", help="fit the weaker class at widths 1..1024; L2 error vs certified floor",
                     description="Sweeps: " + "; ".join(f"{k}: {v}" for k, v in SWEEPS.items()))
    p.add_argument("name", help="sweep name: " + ", ".join(SWEEPS))
    p.add_argument("--widths", default=None, help="comma-separated widths (default powers of 2 up to --max-width)")
    p.add_argument("--max-width", type=int, default=None, help="largest power-of-two width (default 1024). Measured with the defaults on an idle 2-core "
                        "machine: T ~35 s, T_one ~18 s, pl ~11 s, f1_relu ~7 s, poly_cubic ~4 s, f1_tanh ~3 s "
                        "(longer under load)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the hidden weights and sample points (default 0)")
    p.add_argument("--lam", default="2", help="λ of the T sweeps (exact rational, default 2)")
    p.add_argument("--max-memory-gb", type=float, default=DEFAULT_MAX_MEMORY_GB,
                   help=f"refuse widths whose least-squares features need more memory (default {DEFAULT_MAX_MEMORY_GB:g})")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_json_option(p)
    p.set_defaults(func=_cmd_sweep)

    p = g.add_parser("activations", help="list the activation dictionary with its metadata")
    add_json_option(p)
    p.set_defaults(func=_cmd_activations)
