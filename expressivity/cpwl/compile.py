"""Compile a CPWL expression to an exact ReLU network computing the same function.

Rules (all exact identities on rationals):

* ``max(a, b) = b + relu(a - b)``; an n-ary ``max`` is a balanced tree of pairwise maxima
  (``ceil(log2 n)`` ReLU layers over its deepest argument; repeated arguments are dropped);
* ``min(a, b) = -max(-a, -b)``;  ``abs(z) = relu(z) + relu(-z)``;  ``relu`` is a neuron;
* sums and rational scalings are linear combinations, constants become biases.

A value is an affine combination of *atoms*: the inputs ``x_i`` and ReLU nodes.  ReLU nodes are
shared (hash-consed) after normalising the argument's leading coefficient to ``+-1``, using
``relu(c t) = c relu(t)`` for ``c > 0``.  A node lives in the layer one deeper than the deepest
node of its argument; values needed in later layers are carried through the layers in between
(a ReLU node, being non-negative, by one neuron ``relu(v) = v``; an input by two,
``x = relu(x) - relu(-x)``), so every path from input to output has the same number of layers.

Examples
--------
>>> from expressivity.cpwl.expression import parse_expression
>>> net = compile_expression(parse_expression("max(x1, x2, 0) - 1/2"))
>>> net.hidden_layers, net([3, -4])[0]
(2, Fraction(5, 2))
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ..exceptions import ComputationTooLargeError, InvalidInputError
from ..relu.network import Layer, ReLUNetwork
from .expression import Call, Const, CPWLExpression, Scale, Sum, Var, parse_expression

__all__ = ["MAX_NEURONS", "MAX_WEIGHTS", "compile_expression"]

#: Refuse to build networks with more ReLU neurons than this.
MAX_NEURONS = 200_000
#: Refuse to build networks with more weight-matrix entries than this (dense object arrays).
MAX_WEIGHTS = 20_000_000

_ONE = ("c", 0)  # the constant atom: its coefficient is a bias
Lin = dict  # atom -> nonzero Fraction


def _add(*terms: Lin) -> Lin:
    out: dict = {}
    for t in terms:
        for k, v in t.items():
            out[k] = out.get(k, 0) + v
    return {k: v for k, v in out.items() if v != 0}


def _scale(c: Fraction, t: Lin) -> Lin:
    return {} if c == 0 else {k: c * v for k, v in t.items()}


class _Builder:
    """Affine combinations of inputs and shared ReLU nodes (with constants), laid out in layers."""

    def __init__(self, n: int):
        self.n = n
        self.args: list[tuple] = []   # node k -> canonical argument: sorted ((atom, coeff), ...)
        self.level: list[int] = []
        self.index: dict[tuple, int] = {}

    def depth_of(self, t: Lin) -> int:
        return max((self.level[k[1]] for k in t if k[0] == "r"), default=0)

    def relu(self, t: Lin) -> Lin:
        nonconst = {k: v for k, v in t.items() if k != _ONE}
        if not nonconst:
            c = t.get(_ONE, Fraction(0))
            return {_ONE: c} if c > 0 else {}
        keys = sorted(t)
        c = abs(t[keys[0]])
        canon = tuple((k, t[k] / c) for k in keys)
        k = self.index.get(canon)
        if k is None:
            k = len(self.args)
            self.args.append(canon)
            self.level.append(1 + self.depth_of(t))
            self.index[canon] = k
        return {("r", k): c}

    def max2(self, a: Lin, b: Lin) -> Lin:
        d = _add(a, _scale(Fraction(-1), b))
        if not d:
            return dict(a)
        # orient canonically so that max2(a, b) and max2(b, a) share their node
        lead = d[min(d)]
        return _add(b, self.relu(d)) if lead > 0 else _add(a, self.relu(_scale(Fraction(-1), d)))

    def max_tree(self, items: list[Lin]) -> Lin:
        seen: dict[tuple, Lin] = {}
        for t in items:
            seen.setdefault(tuple(sorted(t.items())), t)
        items = [seen[k] for k in sorted(seen)]
        while len(items) > 1:
            items = [self.max2(items[i], items[i + 1]) if i + 1 < len(items) else items[i]
                     for i in range(0, len(items), 2)]
        return items[0]

    def build(self, node: Any) -> Lin:
        if isinstance(node, Const):
            return {_ONE: node.value} if node.value != 0 else {}
        if isinstance(node, Var):
            return {("x", node.index): Fraction(1)}
        if isinstance(node, Sum):
            return _add(*(self.build(t) for t in node.terms))
        if isinstance(node, Scale):
            return _scale(node.factor, self.build(node.arg))
        if not isinstance(node, Call):
            raise InvalidInputError(f"not an expression node: {type(node).__name__}")
        args = [self.build(a) for a in node.args]
        if node.name == "max":
            return self.max_tree(args)
        if node.name == "min":
            return _scale(Fraction(-1), self.max_tree([_scale(Fraction(-1), a) for a in args]))
        if node.name == "relu":
            return self.relu(args[0])
        if node.name == "abs":
            return _add(self.relu(args[0]), self.relu(_scale(Fraction(-1), args[0])))
        raise InvalidInputError(f"unknown function {node.name!r}")

    # -------------------------------------------------------------- layout
    def _needed(self, output: Lin) -> tuple[int, list[set]]:
        used: set[int] = set()
        stack = [k[1] for k in output if k[0] == "r"]
        while stack:
            k = stack.pop()
            if k not in used:
                used.add(k)
                stack.extend(a[0][1] for a in self.args[k] if a[0][0] == "r")
        depth = max((self.level[k] for k in used), default=0)
        need: list[set] = [set() for _ in range(depth + 1)]
        need[depth] = {k for k in output if k != _ONE}
        for lev in range(depth, 0, -1):
            here = {("r", k) for k in used if self.level[k] == lev}
            below = set(need[lev]) - here
            for key in here:
                below |= {a for a, _ in self.args[key[1]] if a != _ONE}
            need[lev - 1] = below
        return depth, need

    def compile(self, output: Lin, *, max_neurons: int, max_weights: int) -> ReLUNetwork:
        depth, need = self._needed(output)
        zero = Fraction(0)
        neurons = sum(len(s) + sum(1 for k in s if k[0] == "x") for s in need[1:])
        if neurons > max_neurons:
            raise ComputationTooLargeError(
                f"the compiled network would have {neurons} ReLU neurons, more than max_neurons={max_neurons}; "
                "simplify the expression or raise max_neurons")
        rep: dict = {("x", i): {i: Fraction(1)} for i in range(self.n)}  # atom -> {neuron: coeff}
        width_prev, layers = self.n, []
        for lev in range(1, depth + 1):
            rows: list[tuple[dict, Fraction]] = []
            new_rep: dict = {}

            def express(arg, rep=rep) -> tuple[dict, Fraction]:
                out: dict = {}
                bias = zero
                for key, c in arg:
                    if key == _ONE:
                        bias += c
                        continue
                    for j, w in rep[key].items():
                        out[j] = out.get(j, 0) + c * w
                return out, bias

            for key in sorted(need[lev]):
                if key[0] == "x":  # carried input: x = relu(x) - relu(-x)
                    rows.append((rep[key], zero))
                    rows.append(({j: -w for j, w in rep[key].items()}, zero))
                    new_rep[key] = {len(rows) - 2: Fraction(1), len(rows) - 1: Fraction(-1)}
                elif self.level[key[1]] == lev:
                    rows.append(express(self.args[key[1]]))
                    new_rep[key] = {len(rows) - 1: Fraction(1)}
                else:  # a non-negative value carried unchanged: relu(v) = v
                    rows.append((rep[key], zero))
                    new_rep[key] = {len(rows) - 1: Fraction(1)}
            layers.append(self._dense(rows, width_prev, "relu", max_weights))
            rep, width_prev = new_rep, len(rows)
        out_row, bias = {}, output.get(_ONE, zero)
        for key, c in output.items():
            if key != _ONE:
                for j, w in rep[key].items():
                    out_row[j] = out_row.get(j, 0) + c * w
        layers.append(self._dense([(out_row, bias)], width_prev, "linear", max_weights))
        return ReLUNetwork(self.n, tuple(layers))

    @staticmethod
    def _dense(rows: list, width: int, activation: str, max_weights: int) -> Layer:
        if len(rows) * width > max_weights:
            raise ComputationTooLargeError(
                f"a compiled layer would have {len(rows)} x {width} weights, more than max_weights={max_weights}; "
                "simplify the expression or raise max_weights")
        zero = Fraction(0)
        W = np.full((len(rows), width), zero, dtype=object)
        for i, (r, _) in enumerate(rows):
            for j, w in r.items():
                W[i, j] += w
        b = np.array([bias for _, bias in rows], dtype=object)
        return Layer(W, b, activation, "exact")


def compile_expression(expr: CPWLExpression | str, *, input_dim: int | None = None,
                       max_neurons: int = MAX_NEURONS, max_weights: int = MAX_WEIGHTS) -> ReLUNetwork:
    """An exact :class:`~expressivity.relu.ReLUNetwork` computing the expression (module docstring).

    Parameters
    ----------
    expr : CPWLExpression or str
        A parsed expression, or text to parse.
    input_dim : int, optional
        Input size of the network (default: the expression's ``input_dim``); must be at least
        the largest variable index.
    max_neurons, max_weights : int
        Size limits, checked before the weight matrices are built.

    Raises
    ------
    ComputationTooLargeError
        The network would exceed ``max_neurons`` or ``max_weights``.

    Examples
    --------
    >>> net = compile_expression("abs(x1) + min(x1, x2)")
    >>> net.widths, net([-2, 5])[0]
    ((5,), Fraction(0, 1))
    """
    if isinstance(expr, str):
        expr = parse_expression(expr, input_dim=input_dim)
    if not isinstance(expr, CPWLExpression):
        raise InvalidInputError(f"expected a CPWLExpression or expression text, got {type(expr).__name__}")
    n = expr.input_dim if input_dim is None else input_dim
    if n < expr.input_dim:
        # re-parse to get the error at the offending variable's position
        parse_expression(expr.text, input_dim=n, source=expr.source)
    b = _Builder(n)
    return b.compile(b.build(expr.root), max_neurons=max_neurons, max_weights=max_weights)
