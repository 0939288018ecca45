"""``expressivity equiv A B`` (exact equivalence of CPWL functions) and ``expressivity cpwl compile | eval``.

Operands: a network file (JSON, ONNX, safetensors, npz), a ``.cpwl`` expression file, or an
expression written as ``expr:TEXT`` (e.g. ``'expr:max(x1, x2) - relu(x3)'``).
"""

from __future__ import annotations

import argparse
import sys

from ._common import (
    EXIT_FAIL,
    EXIT_OK,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    add_json_option,
    positive_float,
    positive_int,
    text_stream,
    write_json,
)
from ._defaults import CPWL_DEFAULT_MAX_CELLS

__all__ = ["limit_message", "register"]

_ERROR_PREFIX = "expressivity: error: "


def _syntax_error(exc) -> int:
    """Print an expression error with its caret line (two lines on stderr); exit 2."""
    print(exc.render(_ERROR_PREFIX), file=sys.stderr)
    return EXIT_USAGE


def _describe(f) -> dict:
    net = f.network
    return {"operand": f.label, "kind": f.kind, "input_dim": net.input_dim, "output_dim": net.output_dim,
            "hidden_layers": net.hidden_layers, "neurons": net.num_neurons}


def _fmt_values(values) -> str:
    return ", ".join(str(v) for v in values)


def limit_message(exc, flags: dict) -> str:
    """A work limit's one-line message naming the command's flag (``flags``: parameter -> flag).

    The library names the Python parameter to raise (``max_cells``); the command line says which of
    its own flags sets it (``equiv --max-cells``, ``depth check --max-cones``).
    """
    reason, parameter = getattr(exc, "reason", None), getattr(exc, "parameter", None)
    if reason is None or parameter not in flags:
        return " ".join(str(exc).split())
    return f"{reason} (raise {flags[parameter]})"


def _cmd_equiv(args: argparse.Namespace) -> int:
    from ..cpwl.equivalence import decide_equivalence, load_cpwl_operands
    from ..cpwl.expression import ExpressionSyntaxError
    from ..exceptions import LimitReachedError

    out = text_stream(args)
    try:
        A, B = load_cpwl_operands([args.a, args.b], input_dim=args.dim, layer_order=args.layer_order)
    except ExpressionSyntaxError as exc:
        return _syntax_error(exc)
    info = {"a": _describe(A), "b": _describe(B)}
    try:
        res = decide_equivalence(A, B, box=args.box, max_cells=args.max_cells, time_limit=args.time_limit,
                                 progress=args.json != "-")
    except LimitReachedError as exc:
        msg = limit_message(exc, {"max_cells": "--max-cells", "time_limit": "--time-limit"})
        write_json(args.json, {**info, "equal": None, "proved": False, "status": "limit_reached",
                               "message": msg, "cells": exc.found, "found_so_far": exc.found})
        print(f"expressivity: limit reached: {msg} (nothing proved)", file=sys.stderr)
        return EXIT_TIMEOUT
    write_json(args.json, {**info, **res.to_json()})
    for note in res.notes:
        print(f"note: {note}", file=out)
    stats = f"{res.cells} cells, {res.rays} rays, {res.seconds:.2f} s"
    if res.equal:
        print(f"EQUAL on {res.domain}: {args.a} = {args.b} (exact proof: {res.algorithm}; {stats})", file=out)
        return EXIT_OK
    pt = _fmt_values(res.counterexample)
    print(f"DIFFERENT on {res.domain}: at x = ({pt}) A = {_fmt_values(res.value_a)} but B = {_fmt_values(res.value_b)} "
          f"(exact; both values re-checked by exact evaluation; {stats})", file=out)
    return EXIT_FAIL


def _expression_arg(spec: str, dim):
    from ..cpwl.equivalence import EXPRESSION_PREFIX
    from ..cpwl.expression import load_expression, parse_expression

    if spec.startswith(EXPRESSION_PREFIX):
        return parse_expression(spec[len(EXPRESSION_PREFIX):], input_dim=dim)
    if spec.lower().endswith(".cpwl"):
        return load_expression(spec, input_dim=dim)
    return parse_expression(spec, input_dim=dim)


def _cmd_compile(args: argparse.Namespace) -> int:
    from ..cpwl.compile import compile_expression
    from ..cpwl.expression import ExpressionSyntaxError
    from ..relu.network_io import save_network

    try:
        expr = _expression_arg(args.expression, args.dim)
    except ExpressionSyntaxError as exc:
        return _syntax_error(exc)
    net = compile_expression(expr)
    save_network(net, args.out)
    summary = {"expression": str(expr), "input_dim": net.input_dim, "hidden_layers": net.hidden_layers,
               "widths": list(net.widths), "neurons": net.num_neurons, "out": args.out, "kind": "exact"}
    write_json(args.json, summary)
    print(f"{expr}: exact network with {net.hidden_layers} hidden layers, widths {net.widths} -> {args.out}",
          file=text_stream(args))
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    from ..cpwl.expression import ExpressionSyntaxError
    from ..exceptions import ShapeError
    from ..numbers import to_fraction

    try:
        expr = _expression_arg(args.expression, args.dim)
    except ExpressionSyntaxError as exc:
        return _syntax_error(exc)
    parts = [p.strip() for p in args.at.split(",")]
    point = [to_fraction(p, where=f"--at coordinate {i + 1}") for i, p in enumerate(parts)]
    if len(point) != expr.input_dim:
        raise ShapeError(f"--at has {len(point)} coordinates but the expression has input dimension {expr.input_dim}")
    value = expr(point)
    write_json(args.json, {"expression": str(expr), "point": [str(v) for v in point], "value": str(value),
                           "method": "exact"})
    print(f"{value}", file=text_stream(args))
    return EXIT_OK


def register(cli) -> None:
    p = cli.command(
        "equiv", "decide exactly whether two CPWL functions (networks or expressions) are equal",
        description="Exact equivalence of two continuous piecewise-linear functions on R^d or on [-R, R]^d. "
                    "A and B are network files (JSON, ONNX, safetensors, npz), .cpwl expression files, or "
                    "expressions written as expr:TEXT, e.g. 'expr:max(x1, x2)'. Exit 0 equal (proved), "
                    "1 different (a rational counterexample, re-checked exactly), 2 bad input, 3 limit reached.")
    p.add_argument("a", metavar="A", help="network file, .cpwl file, or expr:TEXT")
    p.add_argument("b", metavar="B", help="network file, .cpwl file, or expr:TEXT")
    p.add_argument("--box", metavar="R", help="decide on the box [-R, R]^d (R a positive rational, e.g. 1 or 5/2) "
                                              "instead of all of R^d")
    p.add_argument("--dim", type=positive_int, metavar="D",
                   help="input dimension for expressions (default: the network's, else the largest variable index)")
    p.add_argument("--max-cells", type=positive_int, default=CPWL_DEFAULT_MAX_CELLS,
                   help=f"give up after this many cells (default {CPWL_DEFAULT_MAX_CELLS}): exit 3, nothing proved")
    p.add_argument("--time-limit", type=positive_float, metavar="S", help="give up after S seconds: exit 3")
    p.add_argument("--layer-order", default=None, metavar="LIST",
                   help="weight files: comma-separated layer names in network order, e.g. fc1,fc2,out "
                        "(the tensors are NAME.weight, NAME.bias); applies to the .safetensors/.npz operands")
    add_json_option(p)
    p.set_defaults(func=_cmd_equiv)

    g = cli.group("cpwl", "CPWL expressions: compile to an exact ReLU network, evaluate exactly")
    p = g.add_parser("compile", help="compile an expression to an exact ReLU network file",
                     description="Compile a CPWL expression (text, expr:TEXT or a .cpwl file) to an exact "
                                 "ReLU network JSON file (max(a, b) = b + relu(a - b), min = -max(-., -.), "
                                 "abs = relu(z) + relu(-z)).")
    p.add_argument("expression", help="expression text, expr:TEXT, or a .cpwl file")
    p.add_argument("--out", required=True, help="network JSON file to write")
    p.add_argument("--dim", type=positive_int, metavar="D", help="input dimension (default: largest variable index)")
    add_json_option(p)
    p.set_defaults(func=_cmd_compile)

    p = g.add_parser("eval", help="evaluate an expression exactly at a rational point",
                     description="Exact value of a CPWL expression at a rational point.")
    p.add_argument("expression", help="expression text, expr:TEXT, or a .cpwl file")
    p.add_argument("--at", required=True, metavar="X1,X2,...", help="the point, e.g. 1,-2/3,0.25 (write --at=-1,2 when it starts with a minus sign)")
    p.add_argument("--dim", type=positive_int, metavar="D", help="input dimension (default: largest variable index)")
    add_json_option(p)
    p.set_defaults(func=_cmd_eval)
