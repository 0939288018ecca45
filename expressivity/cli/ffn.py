"""``expressivity ffn``: witnesses, certified gaps and sweeps for fixed ⊊ LA ⊊ MoA (issue 6)."""

from __future__ import annotations

import argparse
import sys

from ._common import add_json_option, print_table, write_json

__all__ = ["register"]


def _lam(args):
    from expressivity.numbers import to_fraction

    return to_fraction(args.lam, where="--lam")


def _cmd_witness(args: argparse.Namespace) -> int:
    from expressivity.ffn.witnesses import get_witness

    w = get_witness(args.name, _lam(args))
    data = w.to_json()
    data["representation_identity"] = w.representation_identity()
    data["max_forward_error"] = w.max_forward_error(n=1000, seed=0)
    if args.json:
        write_json(args.json, data)
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
    from expressivity.ffn.witnesses import get_witness

    w = get_witness(args.name, _lam(args))
    kw = {}
    if args.activation:
        kw["activation"] = args.activation
    c = w.certify(args.width, **kw)
    if args.json:
        write_json(args.json, c)
        return 0
    print(f"{w.name} vs {c.weaker_class} ({'every width' if c.width is None else f'width {c.width}'})")
    print(f"  norm          {c.norm}")
    lb = str(c.lower_bound) if c.lower_bound.denominator < 10**9 else f"{float(c.lower_bound):.12g} (exact rational lower end)"
    print(f"  certified gap >= {lb}   [{c.method}]")
    if c.enclosure is not None:
        print(f"  enclosure     [{float(c.enclosure.lo):.15g}, {float(c.enclosure.hi):.15g}]")
    print(f"  why           {c.statement}")
    return 0 if c.positive else 1


def _cmd_sweep(args: argparse.Namespace) -> int:
    from expressivity.ffn.sweeps import default_widths, sweep

    widths = [int(v) for v in args.widths.split(",")] if args.widths else default_widths(args.name, args.max_width)
    r = sweep(args.name, widths, seed=args.seed, lam=_lam(args), progress=not args.quiet)
    if args.json:
        write_json(args.json, r)
        if args.json == "-":
            return 0
    print(f"{r.name}: {r.description}", file=sys.stdout)
    print_table(["width", "features", "L2 (rmse)", "sup err", "certified gap of fit", "class floor"],
                [(row.width, row.n_features, f"{row.rmse:.3e}", f"{row.sup_error:.3e}", f"{row.certified:.6f}", f"{row.floor:.6f}")
                 for row in r.rows])
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
    from expressivity.ffn.sweeps import SWEEPS
    from expressivity.ffn.witnesses import WITNESS_NAMES

    g = cli.group("ffn", "FFN expressivity: fixed ⊊ LA ⊊ MoA witnesses, certified gaps and sweeps")

    p = g.add_parser("witness", help="show a witness and the exact parameters of the stronger class",
                     description="Witnesses: " + ", ".join(WITNESS_NAMES))
    p.add_argument("name", help="witness name: " + ", ".join(WITNESS_NAMES))
    p.add_argument("--lam", default="2", help="λ (exact rational, default 2) for the T family")
    add_json_option(p)
    p.set_defaults(func=_cmd_witness)

    p = g.add_parser("certify", help="print the certified gap between a witness and the weaker class",
                     description="Certified (exact or interval) lower bound on the distance to the weaker class.")
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
    p.add_argument("--max-width", type=int, default=None, help="largest power-of-two width (default 1024; the T sweep at 1024 takes ~20 s)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lam", default="2")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_json_option(p)
    p.set_defaults(func=_cmd_sweep)

    p = g.add_parser("activations", help="list the activation dictionary with its metadata")
    add_json_option(p)
    p.set_defaults(func=_cmd_activations)
