"""The combinatorial data of the HBDSS23 depth MIP for general n (HBDSS23 Sec. 2, generalised).

Everything here is integer: the rays ``r_S`` of the arrangement H_n, the basis ``B^(1)`` of the
H_n-conforming functions computable with one hidden layer (``g_M`` with ``|M| <= 2``), the
matrix ``G[S, M] = g_M(r_S)``, the comparable (nested) pairs of rays, and the parities
``(-1)^{|S|}`` that make up the functional ``phi_n``.

The orders follow the authors' script for n = 4: rays by size, then lexicographically
(``itertools.combinations``); basis ``x_1..x_n``, then ``max{0, x_i}``, then
``max{x_i, x_j}`` for ``i < j``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from ..exceptions import ComputationTooLargeError, InvalidInputError
from ..relu.braid import g_M, nested, ray, ray_index_sets

__all__ = ["MAX_MILP_N", "HBDSSData", "hbdss_data", "first_layer_basis"]

#: Largest n for which the MIP is built (2^(n+1)-2 rays; n = 7 already has 254 rays).
MAX_MILP_N = 7


def first_layer_basis(n: int) -> list[frozenset[int]]:
    """Index sets ``M`` of ``B^(1)``: ``{i}``, then ``{0, i}``, then ``{i, j}`` (``1 <= i < j <= n``).

    ``span{g_M : M in B^(1)}`` is the set of functions of H_n-conforming networks with one
    hidden layer (HBDSS23 Lemma 2.7): a conforming first-layer neuron is
    ``max{0, lambda (x_i - x_j)}`` with ``x_0 = 0``.

    Examples
    --------
    >>> [sorted(M) for M in first_layer_basis(2)]
    [[1], [2], [0, 1], [0, 2], [1, 2]]
    """
    _check_n(n)
    singles = [frozenset({i}) for i in range(1, n + 1)]
    zeros = [frozenset({0, i}) for i in range(1, n + 1)]
    pairs = [frozenset(c) for c in combinations(range(1, n + 1), 2)]
    return singles + zeros + pairs


def _check_n(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInputError(f"n must be a positive integer (number of inputs x_1..x_n), got {n!r}")
    if n > MAX_MILP_N:
        raise ComputationTooLargeError(
            f"n = {n}: the HBDSS MIP has 2^{n + 1} - 2 = {2 ** (n + 1) - 2} binaries; this toolkit builds it up to n = {MAX_MILP_N}"
        )


@dataclass(frozen=True)
class HBDSSData:
    """Integer data of the H_n MIP.

    Attributes
    ----------
    n : int
        Number of inputs.
    rays : tuple of frozenset
        Index sets ``S`` (``{} != S != [n]_0``), in script order.
    basis : tuple of frozenset
        Index sets ``M`` of ``B^(1)`` (columns of ``G``).
    G : tuple of tuple of int
        ``G[s][m] = g_M(r_S)``, entries in ``{-1, 0, 1}``.
    pairs : tuple of (int, int)
        Index pairs ``(s, t)`` with ``S < T`` (strict inclusion): the rays sharing a cell.
    signs : tuple of int
        ``(-1)^{|S|}``: the coefficients of ``phi_n``.
    """

    n: int
    rays: tuple[frozenset[int], ...]
    basis: tuple[frozenset[int], ...]
    G: tuple[tuple[int, ...], ...]
    pairs: tuple[tuple[int, int], ...]
    signs: tuple[int, ...]

    @property
    def n_rays(self) -> int:
        return len(self.rays)

    @property
    def n_basis(self) -> int:
        return len(self.basis)

    def row_l1(self) -> tuple[int, ...]:
        """``sum_M |G[S, M]|``: the exact bound on ``|g_S(a)|`` over the box ``|a_M| <= 1``."""
        return tuple(sum(abs(v) for v in row) for row in self.G)

    def neighbours(self) -> tuple[tuple[int, ...], ...]:
        """For each ray, the indices of the rays nested with it (sharing a cell)."""
        nb: list[list[int]] = [[] for _ in self.rays]
        for s, t in self.pairs:
            nb[s].append(t)
            nb[t].append(s)
        return tuple(tuple(sorted(x)) for x in nb)


@lru_cache(maxsize=None)
def hbdss_data(n: int) -> HBDSSData:
    """Build :class:`HBDSSData` for ``n`` inputs.

    Examples
    --------
    >>> d = hbdss_data(4)
    >>> d.n_rays, d.n_basis, len(d.pairs)
    (30, 14, 150)
    """
    _check_n(n)
    rays = tuple(ray_index_sets(n))
    basis = tuple(first_layer_basis(n))
    funcs = [g_M(M) for M in basis]
    G = tuple(tuple(int(f(ray(S, n))) for f in funcs) for S in rays)
    pairs = tuple((s, t) for s, S in enumerate(rays) for t, T in enumerate(rays) if S < T and nested(S, T))
    signs = tuple((-1) ** len(S) for S in rays)
    return HBDSSData(n, rays, basis, G, pairs, signs)
