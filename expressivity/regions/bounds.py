"""Bounds on the maximal number of activation regions of a ReLU network (exact integers).

Notation: ``n0`` inputs, hidden widths ``n_1..n_L``.

* :func:`serra_upper_bound` -- Serra, Tjandraatmadja, Ramalingam (ICML 2018, arXiv:1711.02114),
  Thm 1: the sum over integer tuples ``(j_1..j_L)`` with
  ``0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)`` of ``prod_l C(n_l, j_l)``.
* :func:`montufar2017_upper_bound` -- Montufar (2017, "Notes on the number of linear regions
  of deep neural networks"): ``prod_l sum_{j<=d_l} C(n_l, j)`` with ``d_l = min(n0, n_1..n_l)``.
* :func:`montufar2014_lower_bound` -- Montufar, Pascanu, Cho, Bengio (NeurIPS 2014): for
  ``n_l >= n0``, ``(prod_{l<L} floor(n_l/n0)^n0) * sum_{j<=n0} C(n_L, j)``.
* :func:`serra_lower_bound` -- Serra et al. 2018: for ``n_l >= 3 n0``,
  ``(prod_{l<L} (floor(n_l/n0) + 1)^n0) * sum_{j<=n0} C(n_L, j)``.

The formulas were transcribed from the research note (specs/regions.md Sec. 4.3, marked
"recalled, verify"); the paper bodies could not be opened here, so they are checked by
their documented sanity properties (tests/regions/test_bounds.py and the claim
``regions.bounds.sanity``): for one layer the upper bounds equal Zaslavsky's
``sum_{j<=n0} C(n_1, j)``; for ``n0 = 1`` Serra's bound is ``prod (n_l + 1)``, which is
attained (Serra et al.: exact for one-dimensional inputs); Serra <= Montufar 2017 <= 2^N;
lower <= upper; and every measured count stays below the upper bounds.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

from ..exceptions import InvalidInputError

__all__ = [
    "serra_upper_bound",
    "montufar2017_upper_bound",
    "montufar2014_lower_bound",
    "serra_lower_bound",
    "all_bounds",
]


def _check(n0: int, widths: Sequence[int]) -> tuple[int, tuple[int, ...]]:
    if not isinstance(n0, int) or isinstance(n0, bool) or n0 < 1:
        raise InvalidInputError(f"input dimension must be a positive integer, got {n0!r}")
    ws = tuple(widths)
    if not ws:
        raise InvalidInputError("widths is empty: give at least one hidden layer width")
    for i, w in enumerate(ws):
        if not isinstance(w, int) or isinstance(w, bool) or w < 1:
            raise InvalidInputError(f"widths[{i}] must be a positive integer, got {w!r}")
    return n0, ws


def serra_upper_bound(n0: int, widths: Sequence[int]) -> int:
    """Serra et al. 2018 Thm 1 upper bound.

    Computed by dynamic programming over the running cap ``min(n0, n_l - j_l ...)``.

    Examples
    --------
    >>> serra_upper_bound(2, [8, 8]), serra_upper_bound(1, [8, 8]), serra_upper_bound(8, [8, 8])
    (1369, 81, 39203)
    """
    n0, ws = _check(n0, widths)

    @lru_cache(maxsize=None)
    def rec(l: int, cap: int) -> int:
        if l == len(ws):
            return 1
        n = ws[l]
        top = min(cap, n)
        return sum(math.comb(n, j) * rec(l + 1, min(cap, n - j)) for j in range(top + 1))

    return rec(0, n0)


def montufar2017_upper_bound(n0: int, widths: Sequence[int]) -> int:
    """Montufar 2017 upper bound ``prod_l sum_{j<=d_l} C(n_l, j)``, ``d_l = min(n0, n_1..n_l)``.

    >>> montufar2017_upper_bound(8, [8, 8])
    65536
    """
    n0, ws = _check(n0, widths)
    out, dl = 1, n0
    for n in ws:
        dl = min(dl, n)
        out *= sum(math.comb(n, j) for j in range(dl + 1))
    return out


def montufar2014_lower_bound(n0: int, widths: Sequence[int]) -> int:
    """Montufar et al. 2014 lower bound on the maximal count (needs every ``n_l >= n0``).

    >>> montufar2014_lower_bound(2, [8, 8])
    592
    """
    n0, ws = _check(n0, widths)
    if any(n < n0 for n in ws):
        raise InvalidInputError(f"the Montufar et al. 2014 construction needs every width >= n0 = {n0}, got {list(ws)}")
    out = 1
    for n in ws[:-1]:
        out *= (n // n0) ** n0
    return out * sum(math.comb(ws[-1], j) for j in range(n0 + 1))


def serra_lower_bound(n0: int, widths: Sequence[int]) -> int:
    """Serra et al. 2018 lower bound (needs every hidden width but the last ``>= 3 n0``).

    >>> serra_lower_bound(2, [8, 8])
    925
    """
    n0, ws = _check(n0, widths)
    if any(n < 3 * n0 for n in ws[:-1]):
        raise InvalidInputError(f"the Serra et al. construction needs widths n_l >= 3 n0 = {3 * n0} for l < L, got {list(ws)}")
    out = 1
    for n in ws[:-1]:
        out *= (n // n0 + 1) ** n0
    return out * sum(math.comb(ws[-1], j) for j in range(n0 + 1))


def all_bounds(n0: int, widths: Sequence[int]) -> dict[str, int | None]:
    """All four bounds (None where a lower bound's width condition fails), plus 2^N.

    >>> all_bounds(1, [8, 8])["serra_upper"]
    81
    """
    n0, ws = _check(n0, widths)

    def safe(f):
        try:
            return f(n0, ws)
        except InvalidInputError:
            return None

    return {
        "serra_upper": serra_upper_bound(n0, ws),
        "montufar2017_upper": montufar2017_upper_bound(n0, ws),
        "montufar2014_lower": safe(montufar2014_lower_bound),
        "serra_lower": safe(serra_lower_bound),
        "patterns_2N": 2 ** sum(ws),
    }
