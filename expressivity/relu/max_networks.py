"""Networks computing ``max{x_1..x_n}`` with exact rational weights.

* :func:`max_tree_network` -- the binary tree of pairwise maxima, ``ceil(log2 n)`` hidden
  layers (HBDSS Lemma 1.2, relu_depth.md §4.1).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..exceptions import InvalidInputError
from .network import Layer, ReLUNetwork

__all__ = ["max_tree_network", "tree_depth"]


def tree_depth(n: int) -> int:
    """``ceil(log2 n)``: hidden layers of the binary-tree max network (0 for n = 1)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInputError(f"n must be a positive integer, got {n!r}")
    return (n - 1).bit_length()


def max_tree_network(n: int) -> ReLUNetwork:
    """Exact, bias-free ReLU network computing ``max{x_1..x_n}`` by a binary tree.

    Each pair ``(a, b)`` becomes three neurons ``relu(a - b), relu(b), relu(-b)`` with
    ``max{a, b} = relu(a - b) + relu(b) - relu(-b)``; an unpaired value is carried as
    ``relu(t) - relu(-t)``.  The linear read-out of one level is merged into the next
    level's weights, so the network has exactly ``ceil(log2 n)`` hidden layers.

    Examples
    --------
    >>> net = max_tree_network(5)
    >>> net.hidden_layers, net.widths
    (3, (8, 5, 3))
    >>> net([3, -1, 7, 2, 0])
    array([Fraction(7, 1)], dtype=object)
    """
    depth = tree_depth(n)
    one = Fraction(1)
    if depth == 0:
        return ReLUNetwork(1, (Layer(np.array([[one]], dtype=object), np.array([Fraction(0)], dtype=object), "linear", "exact"),))
    # `readout` maps the previous hidden layer (or the input) to the current list of values
    readout = np.eye(n, dtype=object) * one
    layers = []
    m = n
    for _ in range(depth):
        rows, out_cols = [], []
        for k in range(0, m, 2):
            if k + 1 < m:
                a, b = readout[k], readout[k + 1]
                base = len(rows)
                rows += [a - b, b, -b]
                out_cols.append({base: 1, base + 1: 1, base + 2: -1})
            else:
                t = readout[k]
                base = len(rows)
                rows += [t, -t]
                out_cols.append({base: 1, base + 1: -1})
        W = np.array(rows, dtype=object)
        layers.append(Layer(W, np.full(W.shape[0], Fraction(0), dtype=object), "relu", "exact"))
        readout = np.zeros((len(out_cols), W.shape[0]), dtype=object)
        for i, col in enumerate(out_cols):
            for j, c in col.items():
                readout[i, j] = Fraction(c)
        readout = readout + Fraction(0)
        m = len(out_cols)
    layers.append(Layer(readout, np.array([Fraction(0)], dtype=object), "linear", "exact"))
    return ReLUNetwork(n, tuple(layers))
