"""``expressivity ffn``: witnesses, certified gaps and sweeps for fixed ⊊ LA ⊊ MoA (WWXSZ26)."""

from __future__ import annotations

import argparse
from fractions import Fraction

from ._common import add_json_option, positive_float, positive_int, print_table, print_wrapped, text_stream, write_json

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
    from expressivity.ffn.sweeps import default_widths, floor_violations, sweep

    mode = "lstsq" if args.lstsq else "train"
    widths = _widths(args.widths) if args.widths else default_widths(args.name, args.max_width, fit=mode)
    if args.fast:
        widths, max_iter = widths[:3], 20
    else:
        max_iter = args.max_iter
    r = sweep(args.name, widths, seed=args.seed, lam=_lam(args), progress=not args.quiet, max_memory_gb=args.max_memory_gb,
              fit=mode, max_iter=max_iter)
    if args.json:
        write_json(args.json, r)
        if args.json == "-":
            return 1 if floor_violations(r) else 0
    out = text_stream(args)
    print_wrapped(f"{r.name}: {r.description}", stream=out)
    has_measured = any(row.measured is not None for row in r.rows)
    bad = floor_violations(r)
    headers = ["width", "features", "L2", "sup err", "cert. gap", "floor"]
    down = lambda v: decimal_down(Fraction(v), 6)  # noqa: E731  (lower bounds are displayed rounded down)
    rows = [[row.width, row.n_features, f"{row.rmse:.2e}", f"{row.sup_error:.2e}", down(row.certified), down(row.floor)]
            for row in r.rows]
    if has_measured:
        headers += ["measured", "≥ floor"]
        for cells, row in zip(rows, r.rows):
            cells.append("-" if row.measured is None else f"{row.measured:.6f}")
            cells.append("-" if row.measured is None else ("yes" if row.width not in bad else "NO"))
    if any(row.moa_rmse is not None for row in r.rows):
        headers += ["MoA L2", "MoA D1"]
        for cells, row in zip(rows, r.rows):
            cells += [f"{row.moa_rmse:.2e}", f"{row.moa_d1_mean:.2f}"]
    print_table(headers, rows, stream=out)
    how = (f"all parameters trained (L-BFGS, {r.params['max_iter']} iterations, from the least-squares fit)"
           if r.params["fit"] == "train" else "least squares on random features")
    print_wrapped(f"fits: {how}. cert. gap (of each fit) and floor (of the class): proved lower bounds of the witness "
                  "norm, rounded down. measured: that norm of each trained network, sampled on a grid (numeric, "
                  "float64; must be ≥ floor). L2 = rms error on test points; MoA L2 / D1: an MoA-I of the same width "
                  "trained alike, and the mean effective number of activations its gates mix (Hill number D1)",
                  stream=out)
    if bad:
        print_wrapped(f"ERROR: a trained network is below the certified floor at widths {bad}: a bug in the floor or the "
                      "measurement", stream=out)
        return 1
    return 0


def _cmd_fit(args: argparse.Namespace) -> int:
    import numpy as np

    from expressivity._random import as_rng
    from expressivity.ffn.activations import PAPER_DICTIONARY
    from expressivity.ffn.custom import as_activation, as_gate
    from expressivity.ffn.layer_io import layer_to_json, save_layer
    from expressivity.ffn.training import fit, target_function, template
    from expressivity.progress import Progress

    f, d, text = target_function(args.target, args.dim, _lam(args))
    names = list(args.activation or [])
    if args.dictionary == "paper" or (args.dictionary == "auto" and not names and not args.cls.startswith("fixed")):
        names = list(PAPER_DICTIONARY) + names
    if not names:
        names = ["relu"]
    acts = [as_activation(n) for n in names]
    gate = as_gate(args.gate, args.gate_range)
    layer = template(args.cls, acts, args.width, d, 1, gate=gate, per_neuron=args.per_neuron, seed=args.seed)
    rng = as_rng(args.seed)
    X, Xte = rng.uniform(-1, 1, (args.n_train, d)), rng.uniform(-1, 1, (args.n_test, d))
    with Progress(args.restarts, "ffn fit", enabled=not args.quiet) as prog:
        r = fit(layer, X, f(X), seed=args.seed, restarts=args.restarts, max_iter=args.max_iter, init="given",
                max_cells=args.max_cells, progress=prog)
    err = r.model(Xte)[:, 0] - f(Xte)
    out = {"target": text, "dim": d, "class": r.model.class_name, "width": args.width,
           "dictionary": [a.name for a in acts], "n_params": r.model.n_params, "n_train": args.n_train,
           "train_loss": r.loss, "test_rmse": float(np.sqrt(np.mean(err ** 2))), "test_sup_error": float(np.max(np.abs(err))),
           **r.to_json()}
    if r.model.mixing == "moa":
        from expressivity.ffn.gate_stats import effective_activations

        d1 = effective_activations(r.model, Xte, 1.0)
        out["gate_effective_activations"] = {"mean": float(np.mean(d1)), "min": float(np.min(d1)), "max": float(np.max(d1))}
    if args.out:
        save_layer(r.model, args.out)
        out["layer_file"] = args.out
    if args.json:
        out["layer"] = layer_to_json(r.model) if all(a.origin != "callable" for a in acts) else None
        write_json(args.json, out)
    stream = text_stream(args)
    print_wrapped(f"trained {out['class']} (width {args.width}, {out['n_params']} parameters, dictionary "
                  f"{', '.join(out['dictionary'])}) on {text} over [-1, 1]^{d}", stream=stream)
    rows = [["train loss (mse)", f"{r.loss:.4e}"], ["test L2 (rmse)", f"{out['test_rmse']:.4e}"],
            ["test sup error", f"{out['test_sup_error']:.4e}"],
            ["restart losses", ", ".join(f"{v:.3e}" for v in r.restart_losses)],
            ["L-BFGS iterations", ", ".join(map(str, r.iterations))], ["seconds", f"{r.seconds:.2f}"]]
    if "gate_effective_activations" in out:
        g = out["gate_effective_activations"]
        rows.append(["gates: effective activations D1", f"mean {g['mean']:.3f} (min {g['min']:.3f}, max {g['max']:.3f})"])
    print_table(["quantity", "value"], rows, stream=stream)
    print_wrapped("numeric (float64 L-BFGS on analytic gradients; a small loss is evidence, not a proof)", stream=stream)
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
    from ._defaults import FFN_FIT_CLASSES as FIT_CLASSES
    from ._defaults import FFN_SWEEP_TRAIN_ITER as TRAIN_ITER

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

    p = g.add_parser("sweep", help="train the weaker class at growing widths; L2 error, measured norm vs certified floor",
                     description="Sweeps: " + "; ".join(f"{k}: {v}" for k, v in SWEEPS.items()))
    p.add_argument("name", help="sweep name: " + ", ".join(SWEEPS))
    p.add_argument("--widths", default=None, help="comma-separated widths (default powers of 2 up to --max-width)")
    p.add_argument("--max-width", type=int, default=None,
                   help="largest power-of-two width (default when training: T 64, pl/poly_cubic/T_one 256, f1_* 1024; "
                        "with --lstsq 1024, T_one 256). Measured with the defaults on the shared 2-core machine: "
                        "T (64, with the MoA-I columns) 55 s, poly_cubic 17 s, f1_tanh 78 s, pl 100 s, f1_relu 123 s; "
                        "--fast: a few seconds")
    p.add_argument("--lstsq", action="store_true",
                   help="fit by least squares on random features only (no training; the behaviour before training existed)")
    p.add_argument("--max-iter", type=int, default=TRAIN_ITER,
                   help=f"L-BFGS iterations per width when training (default {TRAIN_ITER})")
    p.add_argument("--fast", action="store_true", help="first three widths and 20 iterations (a smoke test, seconds)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the hidden weights and sample points (default 0)")
    p.add_argument("--lam", default="2", help="λ of the T sweeps (exact rational, default 2)")
    p.add_argument("--max-memory-gb", type=float, default=DEFAULT_MAX_MEMORY_GB,
                   help=f"refuse widths whose least-squares features need more memory (default {DEFAULT_MAX_MEMORY_GB:g})")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_json_option(p)
    p.set_defaults(func=_cmd_sweep)

    p = g.add_parser("fit", help="train a layer (built-in or formula activations) on a witness or formula target",
                     description="Train every parameter of one FFN layer by L-BFGS on analytic gradients, on points "
                                 "uniform in [-1, 1]^d. Activations and gates are built-in names or formulas in x, e.g. "
                                 "--activation 'x*tanh(x)' (metadata derived by sympy). The result is numeric.")
    p.add_argument("--target", required=True, help="witness name (" + ", ".join(WITNESS_NAMES) + ") or a formula in x1..xd")
    p.add_argument("--class", dest="cls", default="moa-i", choices=FIT_CLASSES, help="layer class (default moa-i)")
    p.add_argument("--activation", action="append", default=None,
                   help="an activation: built-in name or formula in x (repeat for a dictionary)")
    p.add_argument("--dictionary", choices=("auto", "paper", "none"), default="auto",
                   help="prepend the paper's 7 activations (auto: only when no --activation is given)")
    p.add_argument("--gate", default="tanh", help="gate: built-in name or formula in x (default tanh)")
    p.add_argument("--gate-range", default="real", choices=("real", "signed", "positive", "nonnegative"),
                   help="declared value range of a formula gate (sampled; default real)")
    p.add_argument("--width", type=positive_int, default=8, help="hidden width m (default 8)")
    p.add_argument("--per-neuron", action="store_true", help="LA coefficients per neuron instead of per layer")
    p.add_argument("--dim", type=positive_int, default=None, help="input dimension of a formula target (default: largest xi)")
    p.add_argument("--lam", default="2", help="λ of the T witnesses (exact rational, default 2)")
    p.add_argument("--n-train", type=positive_int, default=2000, help="training points (default 2000)")
    p.add_argument("--n-test", type=positive_int, default=2000, help="test points (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the points and of every start (default 0)")
    p.add_argument("--restarts", type=positive_int, default=1, help="random starts; the best wins (default 1)")
    p.add_argument("--max-iter", type=positive_int, default=300, help="L-BFGS iterations per start (default 300)")
    p.add_argument("--max-cells", type=positive_float, default=2e9,
                   help="refuse when points × width × K exceeds this (default 2e9)")
    p.add_argument("--out", default=None, help="write the trained layer as a layer file (JSON, formulas as text)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_json_option(p)
    p.set_defaults(func=_cmd_fit)

    p = g.add_parser("activations", help="list the activation dictionary with its metadata")
    add_json_option(p)
    p.set_defaults(func=_cmd_activations)
