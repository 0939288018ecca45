"""The plain symbolic route to the implicitization: a lex Gröbner basis in sympy.

This is the textbook algorithm the mod-p linear algebra of :mod:`.implicitization` replaces.
It serves as an independent second algorithm in the tests (small cases) and as the baseline
in ``benchmarks/bench_lightning_invariants.py``; beyond d = 2 it rarely finishes in a minute.
"""

from __future__ import annotations

import itertools

from ..exceptions import InvalidInputError

__all__ = ["groebner_elimination_degrees"]


def groebner_elimination_degrees(d: int, a: int) -> dict[int, int]:
    """Elements by degree of the reduced lex Gröbner basis of the elimination ideal, t = 2.

    The ideal is ``(2 y_{k k' l} - (v_k A_{k' l} + v_{k'} A_{k l}))`` plus the ``(a+1)``-minors of
    ``A`` (rank ≤ a), with ``v`` and ``A`` eliminated; ``y`` are the cross coordinates.

    Examples
    --------
    >>> groebner_elimination_degrees(2, 1)
    {2: 3}
    """
    if not (isinstance(d, int) and isinstance(a, int) and 1 <= a <= d):
        raise InvalidInputError(f"need integers 1 <= a <= d, got d={d!r}, a={a!r}")
    import sympy as sp

    v = sp.symbols(f"v0:{d}")
    A = sp.Matrix(d, d, lambda r, c: sp.Symbol(f"A{r}{c}"))
    ys, eqs = [], []
    for k in range(d):
        for k2 in range(k, d):
            for l in range(d):
                y = sp.Symbol(f"y{k}{k2}{l}")
                ys.append(y)
                eqs.append(2 * y - (v[k] * A[k2, l] + v[k2] * A[k, l]))
    if a < d:
        for R in itertools.combinations(range(d), a + 1):
            for C in itertools.combinations(range(d), a + 1):
                eqs.append(A.extract(list(R), list(C)).det())
    params = list(v) + list(A)
    G = sp.groebner(eqs, *params, *ys, order="lex")
    degs: dict[int, int] = {}
    for g in G.exprs:
        if not (g.free_symbols & set(params)):
            k = sp.Poly(g, *ys).total_degree()
            degs[k] = degs.get(k, 0) + 1
    return degs
