"""H_n-conformity of networks and the GHL25 spaces V(k) of braid-conforming functions.

* :func:`h_conformity` -- exact ray-propagation test (HBDSS23 Lemma 2.10)
  with a readable explanation of the first violation.
* :func:`braid_coefficients` -- coefficients ``lambda_M`` of an H_n-conforming function in the
  basis ``g_M(x) = max_{i in M} x_i`` (``x_0 = 0``), by Möbius inversion of its ray values
  (GHL25 Prop. 2.3):
  with ``G(T) = -f(r_T)`` for ``{} != T != [n]_0`` and ``G({}) = G([n]_0) = 0``,
  ``lambda_M = sum_{T subset M} (-1)^{|M|-|T|} G(T)``.  (``M = {0}`` receives
  ``-sum_M lambda_M``, the coefficient of the constant-shift direction, and is dropped.)
* :func:`in_V` -- membership in ``V(k) = span{g_M : |M| <= k}``; two hidden layers of
  conforming ReLUs give exactly V(4) (GHL25 Thm 5.2), so ``max{0,x1..x4}`` (``|M| = 5``)
  needs more -- HBDSS23 Thm 1.7.
* :func:`restrict_input` -- fix one input to 0 (e.g. MAX5 -> max{0,x1..x4}).

Examples
--------
>>> from expressivity.relu.max_networks import max_tree_network
>>> h_conformity(max_tree_network(4)).conforming
True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any, Callable, Mapping

import numpy as np

from ..exceptions import InvalidInputError, NumberTypeError
from .braid import _check_n, propagate_rays, ray, ray_index_sets
from .network import Layer, ReLUNetwork

__all__ = ["HConformity", "h_conformity", "braid_coefficients", "in_V", "braid_degree", "restrict_input"]


@dataclass(frozen=True)
class HConformity:
    """Outcome of :func:`h_conformity`."""

    n: int
    conforming: bool
    violation: dict | None
    braid_degree: int | None
    explanation: str

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "conforming": self.conforming, "violation": self.violation,
                "braid_degree": self.braid_degree, "explanation": self.explanation}


def _fmt_set(S) -> str:
    return "{" + ",".join(str(i) for i in sorted(S)) + "}"


def h_conformity(net: ReLUNetwork) -> HConformity:
    """Exact H_n-conformity test of a bias-free exact network (every neuron linear on every
    cell ``x_pi(0) <= ... <= x_pi(n)``, ``x_0 = 0``).

    For a conforming network also reports ``braid_degree``: the largest ``|M|`` with
    ``lambda_M != 0`` in the output's expansion (so the output lies in V(braid_degree)).

    Raises
    ------
    NumberTypeError, InvalidInputError
        Float weights; nonzero biases (homogenise first if the function is homogeneous).
    """
    if net.kind != "exact":
        raise NumberTypeError("h_conformity needs exact weights; convert with net.to_exact()")
    if not net.is_homogeneous:
        raise InvalidInputError(
            "h_conformity is defined for bias-free (positively homogeneous) networks; "
            "use net.homogenize() if the computed function is known to be homogeneous (HBDSS23 Prop. 2.3)")
    prop = propagate_rays(net)
    n = prop.n
    if not prop.conforming:
        li, j, S, T, vS, vT = prop.violation
        r1, r2 = ray(S, n), ray(T, n)
        text = (f"layer {li + 1} neuron {j}: pre-activation {vS} at r_S={r1} (S={_fmt_set(S)}) and {vT} at "
                f"r_T={r2} (T={_fmt_set(T)}); the rays share a cell (nested index sets), so the ReLU breaks "
                "inside that cell")
        return HConformity(n, False, {"layer": li + 1, "neuron": j, "S": sorted(S), "T": sorted(T),
                                      "ray_S": r1, "ray_T": r2, "value_S": vS, "value_T": vT}, None, text)
    if net.output_dim != 1:
        return HConformity(n, True, None, None, "every neuron is H_n-conforming")
    lam = braid_coefficients({S: v[0] for S, v in prop.output.items()}, n)
    deg = max((len(M) for M, c in lam.items() if c != 0), default=0)
    return HConformity(n, True, None, deg, f"every neuron is H_n-conforming; the output lies in V({deg})")


def braid_coefficients(values: Mapping[frozenset, Any] | Callable, n: int) -> dict[frozenset, Fraction]:
    """Coefficients ``lambda_M`` (``M subset {0..n}``, ``M`` not ``{}``/``{0}``) of the
    H_n-conforming function with the given ray values, by Möbius inversion.

    ``values`` maps each index set ``S`` to ``f(r_S)``, or is ``f`` itself (called on ray tuples).

    Examples
    --------
    >>> lam = braid_coefficients(lambda r: max(0, *r), 2)       # max{0,x1,x2} = g_{0,1,2}
    >>> {tuple(sorted(M)): c for M, c in lam.items() if c}
    {(0, 1, 2): Fraction(1, 1)}
    """
    _check_n(n)
    sets = ray_index_sets(n)
    full = frozenset(range(n + 1))
    f = {S: Fraction(values[S] if isinstance(values, Mapping) else values(ray(S, n))) for S in sets}
    G = {frozenset(): Fraction(0), full: Fraction(0)}
    for S in sets:
        G[S] = -f[S]
    lam: dict[frozenset, Fraction] = {}
    for size in range(1, n + 2):
        for M in combinations(range(n + 1), size):
            Mset = frozenset(M)
            if Mset == frozenset({0}):
                continue
            total = Fraction(0)
            for k in range(0, size + 1):
                for T in combinations(M, k):
                    total += (-1) ** (size - k) * G[frozenset(T)]
            lam[Mset] = total
    return lam


def braid_degree(values: Mapping[frozenset, Any] | Callable, n: int) -> int:
    """Smallest ``k`` with the function in V(k) (0 for the zero function)."""
    lam = braid_coefficients(values, n)
    return max((len(M) for M, c in lam.items() if c != 0), default=0)


def in_V(values: Mapping[frozenset, Any] | Callable, n: int, k: int) -> bool:
    """Is the H_n-conforming function (given by its ray values) in ``V(k) = span{g_M : |M| <= k}``?

    Examples
    --------
    >>> in_V(lambda r: max(0, *r), 4, 4), in_V(lambda r: max(0, *r), 4, 5)
    (False, True)
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise InvalidInputError(f"k must be a non-negative integer, got {k!r}")
    return braid_degree(values, n) <= k


def restrict_input(net: ReLUNetwork, index: int) -> ReLUNetwork:
    """The network with input ``index`` (0-based) fixed to 0 and removed.

    ``restrict_input(MAX5 net, 4)`` computes ``max{0, x1..x4}`` on R^4.
    """
    if not 0 <= index < net.input_dim or net.input_dim < 2:
        raise InvalidInputError(f"index {index} out of range for a network with {net.input_dim} inputs (need >= 2)")
    first = net.layers[0]
    W = np.delete(np.array(first.weight, dtype=object), index, axis=1)
    layers = (Layer(W, first.bias, first.activation, first.kind),) + net.layers[1:]
    return ReLUNetwork(net.input_dim - 1, layers)
