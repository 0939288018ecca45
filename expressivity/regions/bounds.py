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
their documented sanity properties (tests/regions/test_regions_bounds.py, the exact claim
``regions.bounds.sanity`` and the numeric claim ``regions.bounds.measured_below_serra``): for
one layer the upper bounds equal Zaslavsky's ``sum_{j<=n0} C(n_1, j)``; for ``n0 = 1`` Serra's
bound is ``prod (n_l + 1)``, which is attained (Serra et al.: exact for one-dimensional
inputs); Serra <= Montufar 2017 <= 2^N; lower <= upper (all exact integers); and every count
measured by the floating-point traversal stays below the upper bounds (numeric).

Sizes: every bound is a Python integer (no overflow).  The work is estimated first: a bound
that would sum more than ``max_terms`` binomial terms, or :func:`all_bounds` for more than
``max_bits`` neurons (2^N), is refused with ComputationTooLargeError.
"""

from __future__ import annotations

from typing import Sequence

from ..exceptions import ComputationTooLargeError, InvalidInputError

__all__ = [
    "serra_upper_bound",
    "montufar2017_upper_bound",
    "montufar2014_lower_bound",
    "serra_lower_bound",
    "all_bounds",
    "DEFAULT_MAX_TERMS",
    "DEFAULT_MAX_BITS",
]

#: Default bound on the number of binomial terms a bound may sum (each a Python integer).
DEFAULT_MAX_TERMS = 1_000_000
#: Default bound on the total number of neurons N in :func:`all_bounds` (2^N has N + 1 bits).
DEFAULT_MAX_BITS = 1_000_000


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


def _serra_terms(n0: int, ws: Sequence[int]) -> int:
    """Upper estimate of the binomial terms of :func:`serra_upper_bound`'s dynamic programme.

    The running caps reachable at a layer lie in an interval [lo, hi] (starting at [n0, n0]);
    a cap c sums min(c, n) + 1 terms and leads to caps min(c, n - j), whose smallest value
    g(c) = c (n >= 2c), n - c (c <= n), 0 (c > n) is unimodal in c, so the next interval is
    [min(g(lo), g(hi)), min(hi, n)].
    """
    lo = hi = n0
    terms = 0
    for n in ws:
        terms += (hi - lo + 1) * (min(hi, n) + 1)
        g = [c if n >= 2 * c else max(n - c, 0) for c in (lo, hi)]
        lo, hi = min(g), min(hi, n)
    return terms


def _refuse_many_terms(terms: int, max_terms: int, what: str) -> None:
    if terms > max_terms:
        raise ComputationTooLargeError(
            f"{what} sums about {terms} binomial terms, more than max_terms = {max_terms}; "
            f"raise max_terms (--max-terms), or lower the input dimension")


def _binomial_row(n: int, top: int) -> list[int]:
    """C(n, 0..top) by the multiplicative recurrence (exact integers)."""
    row = [1]
    for j in range(1, top + 1):
        row.append(row[-1] * (n - j + 1) // j)
    return row


def serra_upper_bound(n0: int, widths: Sequence[int], *, max_terms: int = DEFAULT_MAX_TERMS) -> int:
    """Serra et al. 2018 Thm 1 upper bound.

    Computed by dynamic programming over the running cap ``min(n0, n_l - j_l ...)``, forward
    over the layers with exact Python integers (no recursion, so any depth works).

    Raises
    ------
    ComputationTooLargeError
        When the programme would sum more than ``max_terms`` binomial terms (estimated first).

    Examples
    --------
    >>> serra_upper_bound(2, [8, 8]), serra_upper_bound(1, [8, 8]), serra_upper_bound(8, [8, 8])
    (1369, 81, 39203)
    """
    n0, ws = _check(n0, widths)
    _refuse_many_terms(_serra_terms(n0, ws), max_terms, "Serra et al.'s bound")
    weight = {n0: 1}  # running cap -> summed products of binomials that reach it
    for n in ws:
        row = _binomial_row(n, min(n0, n))
        nxt: dict[int, int] = {}
        for cap, w in weight.items():
            for j in range(min(cap, n) + 1):
                c = min(cap, n - j)
                nxt[c] = nxt.get(c, 0) + w * row[j]
        weight = nxt
    return sum(weight.values())


def montufar2017_upper_bound(n0: int, widths: Sequence[int], *, max_terms: int = DEFAULT_MAX_TERMS) -> int:
    """Montufar 2017 upper bound ``prod_l sum_{j<=d_l} C(n_l, j)``, ``d_l = min(n0, n_1..n_l)``.

    >>> montufar2017_upper_bound(8, [8, 8])
    65536
    """
    n0, ws = _check(n0, widths)
    _refuse_many_terms(sum(min(n0, n) + 1 for n in ws), max_terms, "Montufar's 2017 bound")
    out, dl = 1, n0
    for n in ws:
        dl = min(dl, n)
        out *= sum(_binomial_row(n, dl))
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
    return out * sum(_binomial_row(ws[-1], min(n0, ws[-1])))


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
    return out * sum(_binomial_row(ws[-1], min(n0, ws[-1])))


def all_bounds(n0: int, widths: Sequence[int], *, max_terms: int = DEFAULT_MAX_TERMS,
               max_bits: int = DEFAULT_MAX_BITS) -> dict[str, int | None]:
    """All four bounds (None where a lower bound's width condition fails), plus 2^N.

    Every value is an exact Python integer, at most 2^N (N = total number of neurons).

    Raises
    ------
    ComputationTooLargeError
        Up front, when N > ``max_bits`` (2^N would have more bits than that) or a bound would
        sum more than ``max_terms`` binomial terms.

    >>> all_bounds(1, [8, 8])["serra_upper"]
    81
    """
    n0, ws = _check(n0, widths)
    if sum(ws) > max_bits:
        raise ComputationTooLargeError(
            f"the network has N = {sum(ws)} neurons and 2^N would have more than max_bits = {max_bits} bits; "
            f"raise max_bits (--max-bits), or call serra_upper_bound / montufar2017_upper_bound alone")
    _refuse_many_terms(_serra_terms(n0, ws), max_terms, "Serra et al.'s bound")

    def safe(f):
        try:
            return f(n0, ws)
        except InvalidInputError:
            return None

    return {
        "serra_upper": serra_upper_bound(n0, ws, max_terms=max_terms),
        "montufar2017_upper": montufar2017_upper_bound(n0, ws, max_terms=max_terms),
        "montufar2014_lower": safe(montufar2014_lower_bound),
        "serra_lower": safe(serra_lower_bound),
        "patterns_2N": 2 ** sum(ws),
    }
