"""Bias-free ReLU network -> pair of Newton polytopes (as in the proof of HBDSS23 Thm 5.2).

Every positively homogeneous CPWL function computed by a network is ``h_G - h_H`` with
``h_P(x) = max_{p in P} <p, x>`` (support functions of finite point sets).  Recursion:

* input ``x_i``: ``({e_i}, {0})``;
* ``sum_j w_j f_j``: ``w_j > 0`` adds ``w_j G_j`` to G and ``w_j H_j`` to H (Minkowski sums),
  ``w_j < 0`` adds ``|w_j| H_j`` to G and ``|w_j| G_j`` to H;
* ``relu(g - h) = max{g, h} - h``: ``(G, H) -> (G u H, H)``.

After each step the point sets are pruned to the vertices of their convex hulls (exactly
verified, :func:`~expressivity.relu.lattice.convex_hull`).  Weights may be rational; the
lattice routines then need integral weights.  For an integral net with k hidden layers both
polytopes lie in HHL's class P_k ⊆ Q_k (HHL23 Thm 16).

Examples
--------
>>> from expressivity.relu.max_networks import max_tree_network
>>> G, H = newton_pair(max_tree_network(2))
>>> evaluate_pair((G, H), [3, 5]) == 5
True
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence


from .._random import as_rng
from ..exceptions import ComputationTooLargeError, InvalidInputError, NumberTypeError
from .lattice import convex_hull
from .network import ReLUNetwork

__all__ = ["newton_pair", "evaluate_pair", "prune", "random_integer_network", "MAX_NEWTON_POINTS"]

#: Point-set size above which the recursion stops (Minkowski sums grow quickly).
MAX_NEWTON_POINTS = 20_000

Point = tuple


def _common_denominator(P: Sequence[Point]) -> int:
    """Least common denominator of all coordinates (a Python integer: no overflow)."""
    den = 1
    for p in P:
        for v in p:
            den = math.lcm(den, Fraction(v).denominator)
    return den


def prune(P: Sequence[Point]) -> list[Point]:
    """Vertices of ``conv(P)`` (rational points; scaled to integers for the exact hull).

    The common denominator and the scaled points are Python integers (exact at any size).

    Examples
    --------
    >>> F = Fraction
    >>> prune([(F(0), F(0)), (F(1, 3**40), F(0)), (F(2, 3**40), F(0)), (F(0), F(1, 7**30))])
    [(Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 22539340290692258087863249)), \
(Fraction(2, 12157665459056928801), Fraction(0, 1))]
    """
    P = sorted(set(P))
    if len(P) <= 2:
        return P
    den = _common_denominator(P)
    # v * den = numerator * (den // denominator): an exact Python integer
    ints = [tuple(Fraction(v).numerator * (den // Fraction(v).denominator) for v in p) for p in P]
    H = convex_hull(ints)
    index = {q: i for i, q in enumerate(ints)}
    keep = {H.points[i] for i in H.vertices}
    return sorted(P[index[q]] for q in keep)


def _msum(P: list[Point], Q: list[Point]) -> list[Point]:
    if len(P) * len(Q) > MAX_NEWTON_POINTS:
        raise ComputationTooLargeError(
            f"Minkowski sum of {len(P)} and {len(Q)} points exceeds {MAX_NEWTON_POINTS}; the Newton pair is for small nets")
    return prune({tuple(a + b for a, b in zip(p, q)) for p in P for q in Q})


def _scale(w: Fraction, P: list[Point]) -> list[Point]:
    return [tuple(w * v for v in p) for p in P]


def newton_pair(net: ReLUNetwork) -> tuple[list[Point], list[Point]]:
    """``(G, H)`` with ``net(x) = h_G(x) - h_H(x)`` for a bias-free exact network with one output.

    Raises
    ------
    InvalidInputError
        Nonzero biases (use the homogenising coordinate yourself) or several outputs.
    NumberTypeError
        Float weights.
    """
    if net.kind != "exact":
        raise NumberTypeError("newton_pair needs exact weights; convert with net.to_exact()")
    if not net.is_homogeneous:
        raise InvalidInputError(
            "newton_pair handles bias-free (positively homogeneous) networks only; for biases append an input t = 1 "
            "and move each bias into a weight on t (HBDSS23 extended Newton polyhedra)")
    if net.output_dim != 1:
        raise InvalidInputError(f"newton_pair needs one output, the network has {net.output_dim}")
    n = net.input_dim
    zero = tuple(Fraction(0) for _ in range(n))
    cur = [([tuple(Fraction(int(i == j)) for j in range(n))], [zero]) for i in range(n)]
    for layer in net.layers:
        nxt = []
        for row in layer.weight:
            G, H = [zero], [zero]
            for w, (Gj, Hj) in zip(row, cur):
                if w > 0:
                    G, H = _msum(G, _scale(w, Gj)), _msum(H, _scale(w, Hj))
                elif w < 0:
                    G, H = _msum(G, _scale(-w, Hj)), _msum(H, _scale(-w, Gj))
            if layer.activation == "relu":
                G = prune(list(G) + list(H))
            nxt.append((G, H))
        cur = nxt
    return cur[0]


def evaluate_pair(pair: tuple[Sequence[Point], Sequence[Point]], x: Sequence[Any]) -> Fraction:
    """``h_G(x) - h_H(x)`` at an exact point."""
    G, H = pair
    xs = [Fraction(v) for v in x]
    hg = max(sum((a * b for a, b in zip(p, xs)), Fraction(0)) for p in G)
    hh = max(sum((a * b for a, b in zip(p, xs)), Fraction(0)) for p in H)
    return hg - hh


def random_integer_network(n: int, widths: Sequence[int], *, low: int = -2, high: int = 2, seed=None) -> ReLUNetwork:
    """A random bias-free network with integer weights in ``[low, high]`` (one output)."""
    if n < 1 or any(w < 1 for w in widths) or low > high:
        raise InvalidInputError("need n >= 1, positive widths and low <= high")
    rng = as_rng(seed)
    dims = [n, *widths, 1]
    Ws = [rng.integers(low, high + 1, size=(dims[i + 1], dims[i])).tolist() for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, kind="exact")
