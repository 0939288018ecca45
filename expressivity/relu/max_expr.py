"""Exact max/ReLU expressions with shared subterms, compiled to bias-free ReLU networks.

Constructions such as the Bakaev et al. MAX5 identity or the Rueß et al. certificates are
signed sums of many maxima whose inner pieces repeat.  :class:`ExprBuilder` writes such
functions as *linear combinations of atoms*: an atom is an input ``x_i`` or a ReLU node
``relu(arg)`` whose argument is again a linear combination.  ReLU nodes are hash-consed
(after scaling the argument so that its leading coefficient is ``+-1``, using
``relu(c t) = c relu(t)`` for ``c > 0``), so a term that occurs in many places becomes one
neuron.  :meth:`ExprBuilder.compile` lays the nodes out in layers -- a node's layer is one more
than the deepest node in its argument -- and carries values that are needed later through the
intermediate layers (a ReLU output is non-negative, so ``relu(v) = v`` carries it with one
neuron; an input needs two, ``x = relu(x) - relu(-x)``).

Examples
--------
>>> b = ExprBuilder(2)
>>> x1, x2 = b.var(0), b.var(1)
>>> net = b.compile([b.max2(x1, x2)])
>>> net.hidden_layers, net([3, -4])[0]
(1, Fraction(3, 1))
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable, Sequence

import numpy as np

from ..exceptions import InvalidInputError
from .network import Layer, ReLUNetwork

__all__ = ["Lin", "ExprBuilder"]

# An atom key is ("x", i) for input i or ("r", k) for ReLU node k; both sort.
Key = tuple
#: A linear combination of atoms: a dict key -> nonzero Fraction.
Lin = dict


def _clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v != 0}


class ExprBuilder:
    """Builds max/ReLU expressions over ``n`` inputs with shared (hash-consed) ReLU nodes.

    Parameters
    ----------
    n : int
        Number of inputs ``x_0..x_{n-1}``.
    """

    def __init__(self, n: int):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInputError(f"n must be a positive integer, got {n!r}")
        self.n = n
        self._args: list[tuple] = []  # node k -> canonical argument (sorted tuple of (key, coeff))
        self._level: list[int] = []
        self._index: dict[tuple, int] = {}

    # ------------------------------------------------------------------ algebra
    def var(self, i: int) -> Lin:
        """The input ``x_i`` (0-based)."""
        if not 0 <= i < self.n:
            raise InvalidInputError(f"input index {i} out of range 0..{self.n - 1}")
        return {("x", i): Fraction(1)}

    @staticmethod
    def add(*terms: Lin) -> Lin:
        """Sum of linear combinations."""
        out: dict = {}
        for t in terms:
            for k, v in t.items():
                out[k] = out.get(k, 0) + v
        return _clean(out)

    @staticmethod
    def scale(c: Fraction | int, t: Lin) -> Lin:
        """``c * t``."""
        c = Fraction(c)
        return {} if c == 0 else {k: c * v for k, v in t.items()}

    def sub(self, a: Lin, b: Lin) -> Lin:
        return self.add(a, self.scale(-1, b))

    def level(self, t: Lin) -> int:
        """Hidden layers needed for ``t``: the deepest ReLU node it uses (0 if linear)."""
        return max((self._level[k[1]] for k in t if k[0] == "r"), default=0)

    def relu(self, t: Lin) -> Lin:
        """``relu(t)``, sharing the node with every earlier positive multiple of ``t``."""
        if not t:
            return {}
        keys = sorted(t)
        c = abs(t[keys[0]])
        canon = tuple((k, t[k] / c) for k in keys)
        k = self._index.get(canon)
        if k is None:
            k = len(self._args)
            self._args.append(canon)
            self._level.append(1 + self.level(t))
            self._index[canon] = k
        return {("r", k): c}

    def max2(self, a: Lin, b: Lin) -> Lin:
        """``max{a, b}`` as ``b + relu(a - b)``; the orientation is chosen canonically so that
        ``max2(a, b)`` and ``max2(b, a)`` share their node."""
        d = self.sub(a, b)
        if not d:
            return dict(a)
        lead = d[min(d)]
        return self.add(b, self.relu(d)) if lead > 0 else self.add(a, self.relu(self.scale(-1, d)))

    def max_tree(self, items: Sequence[Lin]) -> Lin:
        """``max`` of the items by a balanced binary tree (``ceil(log2 m)`` extra layers)."""
        items = dedupe(items)
        if not items:
            raise InvalidInputError("max of an empty list")
        while len(items) > 1:
            items = [self.max2(items[i], items[i + 1]) if i + 1 < len(items) else items[i] for i in range(0, len(items), 2)]
        return items[0]

    @property
    def num_nodes(self) -> int:
        """Number of distinct ReLU nodes created so far."""
        return len(self._args)

    # ------------------------------------------------------------------ compilation
    def compile(self, outputs: Sequence[Lin]) -> ReLUNetwork:
        """An exact, bias-free :class:`ReLUNetwork` computing the given outputs.

        Only nodes reachable from ``outputs`` become neurons.  The network has exactly
        ``max(level(output))`` hidden layers.
        """
        outputs = [dict(o) for o in outputs]
        if not outputs:
            raise InvalidInputError("compile needs at least one output")
        # nodes reachable from the outputs
        used: set[int] = set()
        stack = [k[1] for o in outputs for k in o if k[0] == "r"]
        while stack:
            k = stack.pop()
            if k in used:
                continue
            used.add(k)
            stack.extend(a[0][1] for a in self._args[k] if a[0][0] == "r")
        depth = max((self._level[k] for k in used), default=0)
        zero = Fraction(0)
        if depth == 0:
            W = np.array([[o.get(("x", i), zero) for i in range(self.n)] for o in outputs], dtype=object)
            return ReLUNetwork(self.n, (Layer(W, np.full(len(outputs), zero, dtype=object), "linear", "exact"),))

        def atoms(t) -> Iterable[Key]:
            return (k for k, _ in t)

        # need[l] = atoms whose value must be available at the output of hidden layer l
        need: list[set] = [set() for _ in range(depth + 1)]
        need[depth] = {k for o in outputs for k in o}
        for lev in range(depth, 0, -1):
            here = {("r", k) for k in used if self._level[k] == lev}
            below = set(need[lev]) - here
            for key in here:
                below |= set(atoms(self._args[key[1]]))
            need[lev - 1] = below
        # rep[key] = {neuron index -> coeff} in the current layer's outputs (layer 0: inputs)
        rep: dict[Key, dict[int, Fraction]] = {("x", i): {i: Fraction(1)} for i in range(self.n)}
        width_prev = self.n
        layers = []
        for lev in range(1, depth + 1):
            rows: list[dict[int, Fraction]] = []
            new_rep: dict[Key, dict[int, Fraction]] = {}

            def express(t) -> dict[int, Fraction]:
                out: dict[int, Fraction] = {}
                for key, c in t:
                    for j, w in rep[key].items():
                        out[j] = out.get(j, 0) + c * w
                return out

            for key in sorted(need[lev]):
                if key[0] == "x":
                    rows.append(rep[key])
                    rows.append({j: -w for j, w in rep[key].items()})
                    new_rep[key] = {len(rows) - 2: Fraction(1), len(rows) - 1: Fraction(-1)}
                elif self._level[key[1]] == lev:
                    rows.append(express(self._args[key[1]]))
                    new_rep[key] = {len(rows) - 1: Fraction(1)}
                else:  # a non-negative value carried unchanged
                    rows.append(rep[key])
                    new_rep[key] = {len(rows) - 1: Fraction(1)}
            W = np.full((len(rows), width_prev), zero, dtype=object)
            for i, r in enumerate(rows):
                for j, w in r.items():
                    W[i, j] += w
            layers.append(Layer(W, np.full(len(rows), zero, dtype=object), "relu", "exact"))
            rep, width_prev = new_rep, len(rows)
        W = np.full((len(outputs), width_prev), zero, dtype=object)
        for i, o in enumerate(outputs):
            for key, c in o.items():
                for j, w in rep[key].items():
                    W[i, j] += c * w
        layers.append(Layer(W, np.full(len(outputs), zero, dtype=object), "linear", "exact"))
        return ReLUNetwork(self.n, tuple(layers))

    # ------------------------------------------------------------------ evaluation (second path)
    def evaluate(self, t: Lin, x: Sequence[Fraction | int]) -> Fraction:
        """Evaluate an expression at an exact point by recursion on the node DAG (no network)."""
        memo: dict[int, Fraction] = {}

        def node(k: int) -> Fraction:
            if k not in memo:
                v = sum((c * (Fraction(x[a[1]]) if a[0] == "x" else node(a[1])) for a, c in self._args[k]), Fraction(0))
                memo[k] = v if v > 0 else Fraction(0)
            return memo[k]

        return sum((c * (Fraction(x[a[1]]) if a[0] == "x" else node(a[1])) for a, c in t.items()), Fraction(0))


def lin_key(t: Lin) -> tuple:
    """A hashable, order-independent key of a linear combination."""
    return tuple(sorted(t.items()))


def dedupe(items: Sequence[Lin]) -> list[Lin]:
    """Drop repeated items (``max`` is idempotent), keeping a canonical order."""
    seen: dict[tuple, Lin] = {}
    for t in items:
        seen.setdefault(lin_key(t), t)
    return [seen[k] for k in sorted(seen)]
