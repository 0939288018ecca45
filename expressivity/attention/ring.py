"""Ring-generic helpers: one code path for floats, exact numbers and polynomials.

The invariant families of :mod:`expressivity.attention.families` are written once, over
"ring elements" that support ``+``, ``-`` and ``*``: batched float arrays (one entry per
sample), Python ``int``/``Fraction`` (exact evaluation), ``flint.fmpz_mpoly`` (exact
polynomial generators) and sympy expressions.  This module holds the division-free
determinant they all use and the polynomial rings of the coordinates.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any, Sequence

import flint

from .model import cubic_multisets, pairs

__all__ = [
    "det",
    "cross_variable_names",
    "pure_variable_names",
    "cross_ring",
    "pure_ring",
    "cross_symbols_tensor",
    "pure_symbols_tensor",
    "tensor_from_array",
    "mpoly_to_sympy",
]


def det(M: Sequence[Sequence[Any]]) -> Any:
    """Determinant of a square matrix of ring elements, division-free.

    Uses the subset dynamic programme ``D[S] = sum_{c in S} +-M[|S|-1][c] D[S - c]``
    (``n 2^(n-1)`` products), fine for the sizes the families use (n <= 15 is still
    cheap for floats).

    Examples
    --------
    >>> det([[1, 2], [3, 4]])
    -2
    """
    n = len(M)
    if n == 0:
        return 1
    if n == 1:
        return M[0][0]
    if n == 2:
        return M[0][0] * M[1][1] - M[0][1] * M[1][0]
    if n == 3:
        return (M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1])
                - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0])
                + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]))
    prev: dict[int, Any] = {0: 1}
    for r in range(n):
        cur: dict[int, Any] = {}
        for mask, val in prev.items():
            # sign of inserting column c after the columns already used: (-1)^(#used > c)
            for c in range(n):
                bit = 1 << c
                if mask & bit:
                    continue
                above = bin(mask >> (c + 1)).count("1")
                term = M[r][c] * val
                new = mask | bit
                if above % 2:
                    cur[new] = cur[new] - term if new in cur else -term
                else:
                    cur[new] = cur[new] + term if new in cur else term
        prev = cur
    return prev[(1 << n) - 1]


@lru_cache(maxsize=None)
def cross_variable_names(d: int) -> tuple[str, ...]:
    """``T_k_k'_l`` for ``k <= k'`` (pair order of :func:`pairs`) and ``l in [d]``."""
    return tuple(f"T_{k}_{k2}_{l}" for (k, k2) in pairs(d) for l in range(d))


@lru_cache(maxsize=None)
def pure_variable_names(d: int) -> tuple[str, ...]:
    """``P_k_l_m`` for ``k <= l <= m``."""
    return tuple(f"P_{k}_{l}_{m}" for (k, l, m) in cubic_multisets(d))


@lru_cache(maxsize=None)
def cross_ring(d: int) -> flint.fmpz_mpoly_ctx:
    """The integer polynomial ring in the cross coordinates of one output row."""
    return flint.fmpz_mpoly_ctx.get(cross_variable_names(d), "degrevlex")


@lru_cache(maxsize=None)
def pure_ring(d: int) -> flint.fmpz_mpoly_ctx:
    """The integer polynomial ring in the pure coordinates of one output row."""
    return flint.fmpz_mpoly_ctx.get(pure_variable_names(d), "degrevlex")


def _nested(d: int, get) -> list:
    return [[[get(k, k2, l) for l in range(d)] for k2 in range(d)] for k in range(d)]


def cross_symbols_tensor(d: int) -> list:
    """Nested list ``T[k][k'][l]`` of the generators of :func:`cross_ring` (symmetric in k, k')."""
    gens = cross_ring(d).gens()
    index = {name: i for i, name in enumerate(cross_variable_names(d))}
    return _nested(d, lambda k, k2, l: gens[index[f"T_{min(k, k2)}_{max(k, k2)}_{l}"]])


def pure_symbols_tensor(d: int) -> list:
    """Nested list ``P[k][l][m]`` of the generators of :func:`pure_ring` (fully symmetric)."""
    gens = pure_ring(d).gens()
    index = {name: i for i, name in enumerate(pure_variable_names(d))}

    def get(k, l, m):
        a, b, c = sorted((k, l, m))
        return gens[index[f"P_{a}_{b}_{c}"]]

    return _nested(d, get)


def tensor_from_array(T: Any) -> list:
    """Nested list view ``T[k][k'][l]`` of an array of shape ``(..., d, d, d)``.

    Leading (batch) axes are kept: each element is then an array over the batch, so the
    families evaluate all samples at once.
    """
    import numpy as np

    arr = np.asarray(T)
    d = arr.shape[-1]
    return _nested(d, lambda k, k2, l: arr[..., k, k2, l])


def mpoly_to_sympy(f: flint.fmpz_mpoly, names: Sequence[str]):
    """Convert an ``fmpz_mpoly`` to a sympy expression in symbols named ``names``."""
    import sympy as sp

    syms = sp.symbols(list(names))
    terms = []
    for exps, c in f.terms():
        m = sp.Integer(int(c))
        for s, e in zip(syms, exps):
            if e:
                m *= s ** e
        terms.append(m)
    return sp.Add(*terms)


def all_subsets(n: int, k: int) -> list[tuple[int, ...]]:
    return list(itertools.combinations(range(n), k))
