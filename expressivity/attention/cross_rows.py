"""Invariants that couple different output rows (d' > 1): the rows share the matrix A.

Row ``i`` of a lightning module has cross tensor ``T^(i) = B_A(v_i)`` with the linear map
``B_A(v) = Sym_12(v (x) A)`` (pure tensor ``Sym_3(v (x) A)`` for t = 1), so all rows lie in one
d-dimensional subspace ``W_A = B_A(C^d)``.  Two consequences, both exact:

* **cross-row quadrics** -- every alternating bilinear form ``omega`` on the coordinate space for
  which every ``W_A`` is isotropic gives ``omega(T^(i), T^(j)) = 0`` for all row pairs.  The
  forms are the kernel of the linear map ``omega -> (omega(B_A(e_m), B_A(e_n)))_{m<n}`` viewed as
  polynomials in A; it is computed exactly over Z (python-flint), one torus-weight class of
  coordinate pairs at a time, so every form is torus-homogeneous.  Counts: 5, 45, 210 for
  d = 2, 3, 4 (t >= 2) -- the whole degree-2 part of the ideal for d' = 2 and a = d (checked by
  the graded implicitisation, ``tests/attention/test_cross_rows.py``).  For t = 1 there are none.
* **row combinations** -- ``sum_i c_i T^(i) = B_A(sum_i c_i v_i)`` is again a one-row model point,
  so every one-row family vanishes on integer combinations of rows (a polarisation of the family).
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any, Sequence

import flint

from .model import cubic_multisets, pairs

__all__ = ["cross_row_forms", "cross_row_values", "coordinate_list", "ROW_COMBINATIONS"]

#: The integer row combinations ``T^(i) + c T^(j)`` used by ``check_point`` (i < j).
ROW_COMBINATIONS = (1, -1, 2)


@lru_cache(maxsize=None)
def coordinate_list(d: int, regime: str = "cross") -> tuple[tuple[int, int, int], ...]:
    """Coordinates of one row: ``(k, k', l)``, ``k <= k'`` (cross) or multisets ``k <= l <= m`` (single)."""
    if regime == "cross":
        return tuple((k, k2, l) for (k, k2) in pairs(d) for l in range(d))
    return tuple(cubic_multisets(d))


def _weight(c: tuple[int, int, int], d: int) -> tuple[int, ...]:
    w = [0] * d
    for x in c:
        w[x] += 1
    return tuple(w)


def _basis_images(d: int, regime: str):
    """``B_A(e_m)`` (scaled by 2 resp. 6 to stay integral) as polynomials in the entries of a generic A."""
    ctx = flint.fmpz_mpoly_ctx.get(tuple(f"A{r}_{c}" for r in range(d) for c in range(d)), "degrevlex")
    g = ctx.gens()
    A = [[g[r * d + c] for c in range(d)] for r in range(d)]
    coords = coordinate_list(d, regime)
    out = []
    for m in range(d):
        row = []
        for (k, k2, l) in coords:
            if regime == "cross":
                row.append((A[k2][l] if m == k else 0) + (A[k][l] if m == k2 else 0))
            else:
                acc = 0
                for (x, y, z) in ((k, k2, l), (k, l, k2), (k2, l, k)):
                    acc = acc + ((A[y][z] + A[z][y]) if m == x else 0) + ((A[x][z] + A[z][x]) if m == y else 0)
                row.append(acc)
        out.append(row)
    return out


@lru_cache(maxsize=None)
def cross_row_forms(d: int, regime: str = "cross") -> tuple[tuple[tuple[tuple[int, int], int], ...], ...]:
    """Integer alternating forms ``omega`` with ``omega(B_A(u), B_A(w)) = 0`` for all u, w, A.

    Each form is a tuple of ``((a, b), c)`` with coordinate indices ``a < b`` (into
    :func:`coordinate_list`) meaning ``omega(S, T) = sum c (S_a T_b - S_b T_a)``.

    Examples
    --------
    >>> [len(cross_row_forms(d)) for d in (2, 3)], len(cross_row_forms(3, "single"))
    ([5, 45], 0)
    """
    coords = coordinate_list(d, regime)
    B = _basis_images(d, regime)
    by_weight: dict = {}
    for a, b in itertools.combinations(range(len(coords)), 2):
        w = tuple(x + y for x, y in zip(_weight(coords[a], d), _weight(coords[b], d)))
        by_weight.setdefault(w, []).append((a, b))
    forms = []
    for w in sorted(by_weight):
        cols = by_weight[w]
        rows: dict = {}
        for ci, (a, b) in enumerate(cols):
            for m, n in itertools.combinations(range(d), 2):
                q = B[m][a] * B[n][b] - B[m][b] * B[n][a]
                if q == 0:
                    continue
                for e, c in q.terms():
                    rows.setdefault((m, n, tuple(e)), {})[ci] = int(c)
        if not rows:
            kernel = [[1 if i == j else 0 for i in range(len(cols))] for j in range(len(cols))]
        else:
            M = flint.fmpz_mat(len(rows), len(cols))
            for r, dct in enumerate(rows.values()):
                for ci, c in dct.items():
                    M[r, ci] = c
            X, nullity = M.nullspace()
            kernel = [[int(X[i, j]) for i in range(len(cols))] for j in range(int(nullity))]
        for vec in kernel:
            forms.append(tuple((cols[i], c) for i, c in enumerate(vec) if c))
    return tuple(forms)


def cross_row_values(S: Any, T: Any, d: int, regime: str = "cross") -> list[tuple[str, Any]]:
    """``omega(S, T)`` for every form of :func:`cross_row_forms`; ``S, T`` nested ``[k][k'][l]`` ring tensors.

    Examples
    --------
    >>> import numpy as np
    >>> from expressivity.attention.model import cross_tensor
    >>> V = np.array([[1, 2, 3], [0, -1, 5]], dtype=object); A = np.arange(9).reshape(3, 3).astype(object)
    >>> T = cross_tensor(V, A)
    >>> all(v == 0 for _, v in cross_row_values(T[0].tolist(), T[1].tolist(), 3))
    True
    """
    coords = coordinate_list(d, regime)
    s = [S[k][k2][l] for (k, k2, l) in coords]
    t = [T[k][k2][l] for (k, k2, l) in coords]
    out = []
    for fi, form in enumerate(cross_row_forms(d, regime)):
        acc = 0
        for (a, b), c in form:
            acc = acc + (s[a] * t[b] - s[b] * t[a]) * c
        out.append((f"omega {fi}", acc))
    return out


def row_combination(tensors: Sequence[Any], i: int, j: int, c: int) -> Any:
    """``T^(i) + c T^(j)`` of nested ring tensors (a one-row model point when the rows share A)."""
    Ti, Tj = tensors[i], tensors[j]
    d = len(Ti)
    return [[[Ti[k][k2][l] + Tj[k][k2][l] * c for l in range(d)] for k2 in range(d)] for k in range(d)]
