"""Combinatorial sorted-cone expansion of symmetrised templates (counting, not enumerating S_n).

For a template ``(A, B)`` on ``u`` distinct indices, ``F_{A,B}(x) = sum_{sigma in S_n}
Phi_{A,B}(sigma x)`` on the sorted cone ``C = {x_1 <= ... <= x_n}`` (R+26 Prop. 3.1) is a sum over
the injective maps of the template's indices into the ``n`` positions, each counted ``(n-u)!``
times.  Such a map is (i) an order of the ``u`` indices and (ii) a set of ``u`` positions.  On
``C``, ``max(x_i, x_j)`` is the coordinate at the larger of the two positions, so the pair of
linear forms depends on (i) only through the *rank* of each pair's larger index.

* **Orders, by a subset recursion.**  Build the order from the top: the highest-ranked index
  ``v`` of an unplaced set ``U`` is the larger end of every pair inside ``U`` that contains it.
  So the multiset of difference vectors ``d = l_B - l_A`` (indexed by rank) of the orders of
  ``U`` is the union over ``v in U`` of those of ``U - v``, extended by
  ``#{B-pairs in U at v} - #{A-pairs in U at v}``: ``2^u`` states instead of ``u!`` orders.
* **Positions, by binomials.**  A difference vector supported on ranks ``r_1 < ... < r_s``
  lands on positions ``q_1 < ... < q_s`` in ``C(q_1, r_1) prod C(q_{t+1}-q_t-1, r_{t+1}-r_t-1)
  C(n-1-q_s, u-1-r_s)`` of the position sets.
* **Hinge class without positions.**  With ``max(u, v) = u + relu(v - u)``, the hinge
  ``relu(d . x)`` on ``C`` is classified by the suffix sums of ``d``; between support positions
  they are constant, so whether it is linear on ``C``, zero, or a true hinge, its sign
  normalisation and its content ``gcd`` depend on the support values only (R+26 Rem. 4.1:
  constant-sign hinges dropped, ``relu(-t) = relu(t) - t``, positive multiples merged).
* The linear part of ``sum_sigma l_A(sigma x)`` is closed-form: a pair ``(i, j)``, ``i != j``,
  contributes ``2 q (n-2)!`` to ``x_q`` (0-based ``q``), a diagonal pair ``(n-1)!``.

The result equals :func:`expressivity.relu.certificates.sorted_cone_expansion` (tested for
n = 5..8) at a cost of about ``2^u`` times the number of distinct difference vectors, instead of
``n!/(n-u)!``.

Examples
--------
>>> from expressivity.relu.certificates import Template, ruess_max6_certificate
>>> e = fast_sorted_cone_expansion(Template(((0, 1),), ((0, 1),)), 3)
>>> e.linear, e.hinges
((0, 2, 4), {})
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import combinations

from ..exceptions import ComputationTooLargeError, InvalidInputError

__all__ = ["fast_sorted_cone_expansion", "rank_difference_vectors", "classify_support", "MAX_FAST_N"]

#: Largest ``n`` accepted (``2^u`` subset states with ``u <= n``; hinge keys are ``n``-vectors).
MAX_FAST_N = 16


def rank_difference_vectors(A, B, u: int) -> Counter:
    """Multiset of ``d = l_B - l_A`` over the ``u!`` orders of the indices ``0..u-1``.

    ``d[r]`` is the number of ``B``-pairs minus the number of ``A``-pairs whose larger index has
    rank ``r``.  Computed by the subset recursion of the module docstring (``2^u`` states).

    Examples
    --------
    One pair on each side, ``A = {(0,1)}``, ``B = {(0,2)}``: 3! = 6 orders.

    >>> c = rank_difference_vectors([(0, 1)], [(0, 2)], 3)
    >>> sum(c.values()), c[(0, -1, 1)], c[(0, 0, 0)]
    (6, 2, 2)
    """
    pa = [(i, j) for i, j in A]
    pb = [(i, j) for i, j in B]
    full = (1 << u) - 1
    # pairs inside U containing v, signed: +1 for B, -1 for A (a diagonal pair counts once)
    touch = [[] for _ in range(u)]
    for sgn, pairs in ((-1, pa), (1, pb)):
        for i, j in pairs:
            m = (1 << i) | (1 << j)
            touch[i].append((m, sgn))
            if j != i:
                touch[j].append((m, sgn))
    memo: dict[int, Counter] = {0: Counter({(): 1})}
    for U in sorted(range(1, full + 1), key=lambda s: bin(s).count("1")):
        out: Counter = Counter()
        rest = U
        while rest:
            low = rest & -rest
            v = low.bit_length() - 1
            rest ^= low
            top = sum(s for m, s in touch[v] if m & U == m)
            for tail, c in memo[U ^ low].items():
                out[tail + (top,)] += c
        memo[U] = out
    return memo[full]


@lru_cache(maxsize=None)
def _placements(ranks: tuple[int, ...], u: int, n: int) -> tuple[tuple[tuple[int, ...], int], ...]:
    """Position tuples ``q`` for support ranks ``ranks`` with their numbers of position sets."""
    out = []
    s = len(ranks)
    for q in combinations(range(n), s):
        c = math.comb(q[0], ranks[0])
        for t in range(s - 1):
            c *= math.comb(q[t + 1] - q[t] - 1, ranks[t + 1] - ranks[t] - 1)
        c *= math.comb(n - 1 - q[-1], u - 1 - ranks[-1])
        if c:
            out.append((q, c))
    return tuple(out)


@lru_cache(maxsize=None)
def classify_support(values: tuple[int, ...]) -> tuple[str, tuple[int, ...] | None, int]:
    """Class of ``relu(d . x)`` on the sorted cone from the support values of ``d`` (sum 0).

    Returns ``("lin", None, 0)`` when ``relu(d.x) = d.x`` on the cone, ``("zero", None, 0)``
    when it vanishes there, or ``("hinge", w, g)``: ``d = g * w`` with ``w`` primitive and the
    leading nonzero suffix sum of ``w`` positive (``g < 0`` means ``relu(d.x) = |g| relu(w.x) + d.x``).

    Examples
    --------
    >>> classify_support((-1, 1)), classify_support((1, -1)), classify_support((1, -2, 1))
    (('lin', None, 0), ('zero', None, 0), ('hinge', (-1, 2, -1), -1))
    """
    suffix = []
    acc = 0
    for v in reversed(values[1:]):
        acc += v
        suffix.append(acc)
    pos = any(v > 0 for v in suffix)
    neg = any(v < 0 for v in suffix)
    if not neg:
        return ("lin", None, 0)
    if not pos:
        return ("zero", None, 0)
    g = math.gcd(*values)
    lead = next(v for v in reversed(suffix) if v != 0)
    if lead > 0:
        return ("hinge", tuple(v // g for v in values), g)
    return ("hinge", tuple(-v // g for v in values), -g)


def _linear_part_of_A(A, n: int) -> list[int]:
    lin = [0] * n
    f2 = math.factorial(n - 2)
    f1 = math.factorial(n - 1)
    for i, j in A:
        for q in range(n):
            lin[q] += f1 if i == j else 2 * q * f2
    return lin


def fast_sorted_cone_expansion(t, n: int):
    """Exact expansion of ``F_{A,B}`` on the sorted cone, counting orders and positions.

    Same result (an :class:`~expressivity.relu.certificates.Expansion`) and conventions as
    :func:`~expressivity.relu.certificates.sorted_cone_expansion`.

    Examples
    --------
    >>> from expressivity.relu.certificates import Template, sorted_cone_expansion
    >>> t = Template(((0, 1), (0, 2)), ((0, 3), (4, 5)))
    >>> fast_sorted_cone_expansion(t, 6) == sorted_cone_expansion(t, 6)
    True
    """
    from .certificates import Expansion, local_pairs

    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise InvalidInputError(f"n must be an integer >= 2, got {n!r}")
    if n > MAX_FAST_N:
        raise ComputationTooLargeError(f"n = {n} > {MAX_FAST_N}: hinge keys and 2^n subset states get too large")
    u, A, B, mult = local_pairs(t, n)
    lin = _linear_part_of_A(A, n)
    groups: dict = defaultdict(int)
    for d, c in rank_difference_vectors(A, B, u).items():
        ranks = tuple(r for r, v in enumerate(d) if v)
        if ranks:
            groups[(ranks, tuple(d[r] for r in ranks))] += c
    hinges: Counter = Counter()
    for (ranks, vals), c in groups.items():
        kind, w, g = classify_support(vals)
        if kind == "zero":
            continue
        for q, cnt in _placements(ranks, u, n):
            weight = mult * c * cnt
            if kind == "lin" or g < 0:
                for p, v in zip(q, vals):
                    lin[p] += weight * v
            if kind == "hinge":
                key = [0] * n
                for p, v in zip(q, w):
                    key[p] = v
                hinges[tuple(key)] += weight * abs(g)
    return Expansion(tuple(lin), {h: c for h, c in hinges.items() if c != 0})
