"""The arrangement H_n of HBDSS23 Sec. 2 (generalised to n inputs) and H_n-conforming networks.

With ``x_0 := 0``, H_n consists of the hyperplanes ``x_i = x_j`` for ``0 <= i < j <= n`` in
R^n: the braid arrangement of R^{n+1} cut by ``x_0 = 0``.  Its cells are the simplicial
pointed cones ``{x_{pi(0)} <= ... <= x_{pi(n)}}``, one per ordering of ``(0, x_1..x_n)``.

* Rays: one per ``S`` with ``{} != S != [n]_0``; ``r_S = 1_{complement of S}`` if ``0 in S``
  and ``r_S = -1_S`` otherwise.  There are ``2^(n+1) - 2``.
* Two rays share a cell iff their index sets are nested (``S < S'`` or ``S' < S``).
* Basis of the H_n-conforming functions: ``g_M(x) = max_{i in M} x_i`` for
  ``M subset [n]_0``, ``M`` not ``{}`` or ``{0}``.
* ``phi_n(g) = sum_S (-1)^{|S|} g(r_S)`` kills every ``g_M`` except ``M = [n]_0``, on which it
  is ``(-1)^n`` (HBDSS23 Lemma 2.9 for n = 4, where the value is 1).

An H_n-conforming positively homogeneous function is linear on every cell, hence determined
by its values on the rays (HBDSS23 Lemma 2.5).  That makes *ray propagation* an exact test:
see :func:`propagate_rays`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Callable, Sequence

import numpy as np

from ..exceptions import ComputationTooLargeError, InvalidInputError, NumberTypeError
from .network import ReLUNetwork

__all__ = [
    "MAX_BRAID_N",
    "ray_index_sets",
    "ray",
    "rays",
    "basis_index_sets",
    "g_M",
    "phi",
    "nested",
    "RayPropagation",
    "propagate_rays",
]

#: Largest n for which the 2^(n+1)-2 rays are enumerated (about 16k rays at n = 13).
MAX_BRAID_N = 13


def _check_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidInputError(f"n must be a positive integer, got {n!r}")
    if n > MAX_BRAID_N:
        raise ComputationTooLargeError(
            f"n = {n}: the arrangement H_n has 2^{n + 1} - 2 rays; this routine enumerates them and stops at n = {MAX_BRAID_N}"
        )


def ray_index_sets(n: int) -> list[frozenset[int]]:
    """All ``S`` with ``{} != S != {0..n}``, ordered by size, then lexicographically."""
    _check_n(n)
    ground = range(n + 1)
    return [frozenset(c) for k in range(1, n + 1) for c in combinations(ground, k)]


def ray(S: frozenset[int], n: int) -> tuple[int, ...]:
    """Generator ``r_S`` of the ray indexed by ``S`` (integer vector of length n)."""
    if 0 in S:
        return tuple(0 if i in S else 1 for i in range(1, n + 1))
    return tuple(-1 if i in S else 0 for i in range(1, n + 1))


def rays(n: int) -> np.ndarray:
    """Integer matrix whose rows are the ray generators, in :func:`ray_index_sets` order."""
    return np.array([ray(S, n) for S in ray_index_sets(n)], dtype=np.int64)


def basis_index_sets(n: int) -> list[frozenset[int]]:
    """The index sets ``M`` of the basis functions ``g_M`` (``M`` not ``{}``, ``{0}``)."""
    _check_n(n)
    ground = range(n + 1)
    return [frozenset(c) for k in range(1, n + 2) for c in combinations(ground, k) if set(c) != {0}]


def g_M(M: frozenset[int]) -> Callable[[Sequence[Fraction | int]], Fraction | int]:
    """The function ``x -> max_{i in M} x_i`` with ``x_0 = 0`` (inputs indexed 1..n)."""
    if not M or set(M) == {0}:
        raise InvalidInputError("g_M needs M to contain some index other than 0")

    def g(x: Sequence[Fraction | int]) -> Fraction | int:
        vals = [0 if i == 0 else x[i - 1] for i in M]
        return max(vals)

    return g


def phi(values: dict[frozenset[int], Fraction | int] | Callable[[tuple[int, ...]], Fraction | int], n: int) -> Fraction:
    """The functional ``phi_n(g) = sum_S (-1)^{|S|} g(r_S)``.

    ``values`` is either a mapping ``S -> g(r_S)`` or the function ``g`` itself.

    Examples
    --------
    >>> phi(g_M(frozenset(range(5))), 4)
    Fraction(1, 1)
    """
    total = Fraction(0)
    for S in ray_index_sets(n):
        v = values[S] if isinstance(values, dict) else values(ray(S, n))
        total += (-1) ** len(S) * Fraction(v)
    return total


def nested(S: frozenset[int], T: frozenset[int]) -> bool:
    """True when the rays ``r_S`` and ``r_T`` lie in a common cell (``S < T`` or ``T < S``)."""
    return S < T or T < S


@dataclass(frozen=True)
class RayPropagation:
    """Outcome of :func:`propagate_rays`.

    Attributes
    ----------
    conforming : bool
        Every neuron is H_n-conforming (so the output is determined by the ray values).
    output : dict or None
        ``S -> output vector at r_S`` (Fractions); ``None`` when not conforming.
    violation : tuple or None
        ``(layer, neuron, S, T, v_S, v_T)``: a nested pair on whose rays the neuron's
        pre-activation has opposite signs, so its ReLU breaks inside a cell.
    """

    n: int
    conforming: bool
    output: dict[frozenset[int], tuple[Fraction, ...]] | None
    violation: tuple | None


def propagate_rays(net: ReLUNetwork) -> RayPropagation:
    """Exact H_n-conformity test by ray propagation (HBDSS23 Lemmas 2.5, 2.10).

    The network must be exact and bias-free (positively homogeneous).  Values are pushed
    through the layers on the ``2^(n+1) - 2`` rays only; a neuron whose pre-activation has
    strictly opposite signs on two rays of a common cell is not conforming (HBDSS23 Lemma 2.10,
    applied cell by cell).  By induction every surviving neuron is linear on each cell, so
    the ray values determine the whole function.

    Raises
    ------
    NumberTypeError, InvalidInputError
        For float networks or networks with nonzero biases.
    """
    if net.kind != "exact":
        raise NumberTypeError("propagate_rays needs an exact network; convert with net.to_exact()")
    if not net.is_homogeneous:
        raise InvalidInputError(
            "propagate_rays needs a bias-free (positively homogeneous) network; "
            "if the target is homogeneous, net.homogenize() keeps the function (HBDSS23 Prop. 2.3)"
        )
    n = net.input_dim
    sets = ray_index_sets(n)
    index = {S: k for k, S in enumerate(sets)}
    # nested pairs, as index pairs; the cell structure is a chain condition on index sets
    pairs = [(index[S], index[T]) for S in sets for T in sets if S < T]
    pi = np.array([p[0] for p in pairs], dtype=np.int64)
    pj = np.array([p[1] for p in pairs], dtype=np.int64)
    h = np.array([[Fraction(v) for v in ray(S, n)] for S in sets], dtype=object)
    for li, layer in enumerate(net.layers):
        z = h @ layer.weight.T
        if layer.activation == "relu":
            sign = (z > 0).astype(np.int64) - (z < 0).astype(np.int64)
            bad = sign[pi] * sign[pj] < 0
            if bad.any():
                k, neuron = (int(a) for a in np.argwhere(bad)[0])
                S, T = sets[pi[k]], sets[pj[k]]
                return RayPropagation(n, False, None, (li, neuron, S, T, z[pi[k], neuron], z[pj[k], neuron]))
            h = np.where(z > 0, z, Fraction(0)).astype(object)
        else:
            h = z
    return RayPropagation(n, True, {S: tuple(h[index[S]]) for S in sets}, None)
