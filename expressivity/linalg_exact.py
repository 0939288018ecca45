"""Exact linear algebra over Q and over F_p, backed by python-flint.

sympy's ``Matrix.rank`` is far too slow beyond ~20x20 (measured); these
wrappers use ``flint.fmpq_mat`` / ``flint.nmod_mat`` and speak ``Fraction`` at the boundary.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Sequence

import flint
import numpy as np

from .exceptions import InvalidInputError, ShapeError
from .numbers import to_fraction

__all__ = ["fmpq_matrix", "rank_exact", "nullspace_exact", "solve_exact", "rank_mod_p", "nullspace_mod_p"]


def _rows(M: Any, where: str) -> list[list[Any]]:
    arr = np.asarray(M, dtype=object)
    if arr.ndim != 2:
        raise ShapeError(f"{where}: expected a 2-D matrix, got shape {arr.shape}")
    return arr.tolist()


def fmpq_matrix(M: Any, *, where: str = "matrix") -> flint.fmpq_mat:
    """A ``flint.fmpq_mat`` from a 2-D array of exact numbers (floats are refused)."""
    rows = _rows(M, where)
    r = len(rows)
    c = len(rows[0]) if r else 0
    entries = []
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            f = to_fraction(v, where=f"{where}[{i}][{j}]")
            entries.append(flint.fmpq(f.numerator, f.denominator))
    return flint.fmpq_mat(r, c, entries)


def _to_fraction(q: Any) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def rank_exact(M: Any) -> int:
    """Rank over Q of an exact matrix.

    Examples
    --------
    >>> rank_exact([[1, 2], [2, 4]])
    1
    """
    return int(fmpq_matrix(M).rank())


def nullspace_exact(M: Any) -> list[list[Fraction]]:
    """A basis of ``{v : M v = 0}`` over Q, read off the reduced row echelon form."""
    A = fmpq_matrix(M)
    R, rank = A.rref()
    ncols = A.ncols()
    pivots: list[int] = []
    for i in range(rank):
        for j in range(ncols):
            if R[i, j] != 0:
                pivots.append(j)
                break
    free = [j for j in range(ncols) if j not in set(pivots)]
    basis = []
    for f in free:
        v = [Fraction(0)] * ncols
        v[f] = Fraction(1)
        for i, p in enumerate(pivots):
            v[p] = -_to_fraction(R[i, f])
        basis.append(v)
    return basis


def solve_exact(A: Any, b: Sequence[Any]) -> list[Fraction] | None:
    """One rational solution of ``A x = b``, or ``None`` when the system is inconsistent."""
    M = fmpq_matrix(A, where="A")
    bb = [to_fraction(v, where=f"b[{i}]") for i, v in enumerate(b)]
    if len(bb) != M.nrows():
        raise ShapeError(f"b has {len(bb)} entries but A has {M.nrows()} rows")
    aug = flint.fmpq_mat(M.nrows(), M.ncols() + 1, [
        x for i in range(M.nrows()) for x in ([M[i, j] for j in range(M.ncols())] + [flint.fmpq(bb[i].numerator, bb[i].denominator)])
    ])
    R, rank = aug.rref()
    n = M.ncols()
    x = [Fraction(0)] * n
    for i in range(rank):
        lead = next(j for j in range(n + 1) if R[i, j] != 0)
        if lead == n:
            return None
        x[lead] = _to_fraction(R[i, n])
    return x


def _nmod(M: Any, p: int) -> flint.nmod_mat:
    if not isinstance(p, int) or p < 2:
        raise InvalidInputError(f"p must be a prime >= 2, got {p!r}")
    rows = _rows(M, "matrix")
    r = len(rows)
    c = len(rows[0]) if r else 0
    entries = []
    for row in rows:
        for v in row:
            f = to_fraction(v)
            if f.denominator % p == 0:
                raise InvalidInputError(f"entry {f} has a denominator divisible by p = {p}")
            entries.append(int(f.numerator * pow(f.denominator, -1, p)) % p)
    return flint.nmod_mat(r, c, entries, p)


def rank_mod_p(M: Any, p: int = 2_147_483_647) -> int:
    """Rank over F_p (a lower bound for the rank over Q; equal for all but finitely many p)."""
    return int(_nmod(M, p).rank())


def nullspace_mod_p(M: Any, p: int = 2_147_483_647) -> list[list[int]]:
    """A basis of the null space over F_p, as lists of residues in ``[0, p)``."""
    A = _nmod(M, p)
    X, nullity = A.nullspace()
    return [[int(X[i, j]) for i in range(X.nrows())] for j in range(int(nullity))]
