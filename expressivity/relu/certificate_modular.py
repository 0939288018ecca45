"""Modular linear algebra for the certificate search: sketches mod p, rational reconstruction.

The certificate system ``M lambda = b`` (R+26 Prop. 2.1) has one row per hinge of the sorted
cone -- up to ~10^5 rows for n = 10 -- and one column per template.  The search only needs
(i) which columns enlarge the span and (ii) whether ``b`` is in the span.  Both are screened on
an ``r``-row *sketch* ``S = V M`` with the integer matrix ``V[j, key] = h(key)^(j+1)``
(``h`` a fixed 61-bit hash of the row key; a Vandermonde-type projection), computed modulo a
prime ``p < 2^21`` in ``int64`` arithmetic.  A projection can only lose rank, so a column that
is independent in the sketch mod p is independent over Q; the converse is probabilistic.

The exact solution: when the kept columns are independent (full column rank) and ``b`` is in
their span, ``lambda`` is the unique solution, hence also the unique solution of the square
system formed by the sketch's pivot rows.  That integer system is solved modulo several primes
(``flint.nmod_mat``), combined by the Chinese remainder theorem and turned into rationals by
rational reconstruction; the candidate is accepted only after an **exact** re-check
``sum lambda_t column_t = b`` in integers (:func:`exact_residual_zero`).  Nothing here is a proof
by itself; the exact re-check is.

Examples
--------
>>> rational_reconstruction(pow(3, -1, 1000003), 1000003)
Fraction(1, 3)
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import numpy as np

__all__ = ["sketch_primes", "key_hash", "sketch_column", "Echelon", "rational_reconstruction",
           "exact_residual_zero", "solve_by_primes", "infeasibility_vector", "linear_key"]

_M61 = (1 << 61) - 1
_CHUNK = 2048  # int64 safety: 2048 * (2^21)^2 < 2^63


def sketch_primes(count: int, below: int = 1 << 21) -> list[int]:
    """The ``count`` largest primes below ``below`` (trial division; ``below <= 2^31``).

    Examples
    --------
    >>> sketch_primes(2, 100)
    [97, 89]
    """
    out = []
    q = below - 1
    while len(out) < count and q > 2:
        if q % 2 and all(q % d for d in range(3, math.isqrt(q) + 1, 2)):
            out.append(q)
        q -= 1
    return out


def linear_key(q: int) -> tuple[int]:
    """Row key of the linear coordinate ``x_q`` (hinge keys are ``n``-tuples, these 1-tuples).

    Examples
    --------
    >>> linear_key(0)
    (-1,)
    """
    return (-(q + 1),)


def key_hash(key: tuple[int, ...]) -> int:
    """Deterministic hash of an integer tuple in ``[1, 2^61 - 1)`` (same in every process).

    Examples
    --------
    >>> key_hash((1, -1)) == key_hash((1, -1))
    True
    """
    h = hash(key) % _M61  # tuples of ints hash deterministically (no PYTHONHASHSEED salt)
    return h or 1


def _column_items(exp) -> tuple[list[tuple[int, ...]], list[int]]:
    keys = [linear_key(q) for q, v in enumerate(exp.linear) if v] + list(exp.hinges)
    vals = [v for v in exp.linear if v] + list(exp.hinges.values())
    return keys, vals


def sketch_column(exp, p: int, r: int, *, target: bool = False) -> np.ndarray:
    """``(V M)[:, col] mod p`` for one expansion, or for the target ``b = e_{x_n}`` (``target=True``).

    Examples
    --------
    >>> from expressivity.relu.certificates import Expansion
    >>> v = sketch_column(Expansion((0, 1), {}), 97, 3)
    >>> h = key_hash((-2,)) % 97
    >>> [int(x) for x in v] == [h % 97, h * h % 97, h ** 3 % 97]
    True
    """
    if target:
        keys, vals = [linear_key(len(exp.linear) - 1)], [1]
    else:
        keys, vals = _column_items(exp)
    out = np.zeros(r, dtype=np.int64)
    if not keys:
        return out
    B = 64
    for s in range(0, len(keys), _CHUNK):
        h = np.array([key_hash(k) % p for k in keys[s:s + _CHUNK]], dtype=np.int64)
        c = np.array([v % p for v in vals[s:s + _CHUNK]], dtype=np.int64)
        P = np.empty((len(h), B), dtype=np.int64)
        P[:, 0] = h
        for t in range(1, B):
            P[:, t] = P[:, t - 1] * h % p
        hB = P[:, B - 1]
        for j0 in range(0, r, B):
            w = min(B, r - j0)
            out[j0:j0 + w] = (out[j0:j0 + w] + c @ P[:, :w]) % p
            c = c * hB % p
    return out


def _matmul_mod(X: np.ndarray, Y: np.ndarray, p: int) -> np.ndarray:
    """``X @ Y mod p`` exactly for entries in ``[0, p)``, ``p < 2^21``: float64 BLAS on inner
    blocks of 2048 (every partial sum stays below 2^53, so it is an exact integer)."""
    out = np.zeros((X.shape[0], Y.shape[1]), dtype=np.float64)
    for s in range(0, X.shape[1], _CHUNK):
        out = np.fmod(out + np.fmod(X[:, s:s + _CHUNK] @ Y[s:s + _CHUNK], p), p)
    return out


class Echelon:
    """Reduced row-echelon basis (mod p, ``p < 2^21``) of a growing set of sketch vectors.

    Rows are kept fully reduced (each pivot column is zero in the other rows), so membership is
    one product; batches are reduced with float64 BLAS in exact blocks (:func:`_matmul_mod`).
    Vectors are accepted greedily in order: a vector is kept iff it is independent of all
    vectors kept before it.

    Examples
    --------
    >>> e = Echelon(7, 3)
    >>> e.add_batch(np.array([[1, 2, 3], [2, 4, 6], [0, 1, 1]])), e.rank
    ([True, False, True], 2)
    """

    def __init__(self, p: int, r: int):
        if p >= 1 << 21:
            raise ValueError("Echelon needs p < 2^21 for exact float64 products")
        self.p, self.r = p, r
        self.E = np.zeros((16, r), dtype=np.float64)
        self.pivots: list[int] = []

    @property
    def rank(self) -> int:
        return len(self.pivots)

    def reduce_batch(self, V: np.ndarray) -> np.ndarray:
        """Rows of ``V`` minus their components in the span (zero rows are in the span)."""
        V = np.fmod(np.asarray(V, dtype=np.float64), self.p)
        V[V < 0] += self.p
        m = self.rank
        if m == 0:
            return V
        C = V[:, self.pivots]
        R = V - _matmul_mod(C, self.E[:m], self.p)
        R[R < 0] += self.p
        return R

    def reduce(self, v: np.ndarray) -> np.ndarray:
        """``v`` minus its component in the span (zero iff ``v`` is in the span)."""
        return self.reduce_batch(np.asarray(v)[None, :])[0].astype(np.int64)

    def add_batch(self, V: np.ndarray) -> list[bool]:
        """Add the rows of ``V`` in order; returns which were independent (and kept)."""
        p = self.p
        R = self.reduce_batch(V)
        b = R.shape[0]
        # greedy independence in order = pivot columns of the transpose's rref (flint, exact mod p)
        T = flint.nmod_mat(self.r, b, [int(x) for x in R.T.ravel()], p)
        Tr, rank = T.rref()
        keep: list[int] = []
        rows = Tr.tolist()
        for i in range(rank):
            keep.append(next(j for j, x in enumerate(rows[i]) if int(x)))
        flags = [False] * b
        for j in keep:
            flags[j] = True
        if not keep:
            return flags
        S = flint.nmod_mat(len(keep), self.r, [int(x) for x in R[keep].ravel()], p)
        Sr, srank = S.rref()
        N = np.array([[int(x) for x in row] for row in Sr.tolist()[:srank]], dtype=np.float64)
        new_piv = [int(np.flatnonzero(row)[0]) for row in N]
        m = self.rank
        if m:
            upd = self.E[:m] - _matmul_mod(self.E[:m][:, new_piv], N, p)
            upd[upd < 0] += p
            self.E[:m] = upd
        need = m + len(new_piv)
        if need > self.E.shape[0]:
            grown = np.zeros((max(need, 2 * self.E.shape[0]), self.r), dtype=np.float64)
            grown[:m] = self.E[:m]
            self.E = grown
        self.E[m:need] = N
        self.pivots.extend(new_piv)
        return flags

    def add(self, v: np.ndarray) -> bool:
        """Add ``v``; ``True`` when it was independent of the basis."""
        return self.add_batch(np.asarray(v)[None, :])[0]


def rational_reconstruction(a: int, m: int) -> Fraction | None:
    """The fraction ``x/y`` with ``x = a y (mod m)``, ``|x|, y <= sqrt(m/2)``, or None.

    Examples
    --------
    >>> rational_reconstruction(5 * pow(7, -1, 10**9 + 7) % (10**9 + 7), 10**9 + 7)
    Fraction(5, 7)
    """
    a %= m
    bound = math.isqrt(m // 2)
    r0, r1, s0, s1 = m, a, 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    if s1 == 0 or abs(s1) > bound or math.gcd(r1, abs(s1)) != 1:
        return None
    return Fraction(r1, s1)


def exact_residual_zero(exps, coeffs, n: int) -> bool:
    """Exactly (integers): is ``sum_t coeffs[t] * column_t = e_{x_n}`` (all hinges cancel)?

    Examples
    --------
    >>> from expressivity.relu.certificates import Expansion
    >>> exact_residual_zero([Expansion((0, 2), {(1, -1): 3})], [Fraction(1, 2)], 2)
    False
    """
    D = 1
    for c in coeffs:
        D = D * Fraction(c).denominator // math.gcd(D, Fraction(c).denominator)
    ints = [int(Fraction(c) * D) for c in coeffs]
    lin = [0] * n
    hinge: dict = {}
    for e, c in zip(exps, ints):
        if not c:
            continue
        for q, v in enumerate(e.linear):
            lin[q] += c * v
        for key, v in e.hinges.items():
            hinge[key] = hinge.get(key, 0) + c * v
    return lin == [0] * (n - 1) + [D] and not any(hinge.values())


def solve_by_primes(exps, n: int, pivot_rows: list[int], r: int, primes: list[int],
                    max_primes: int = 40) -> list[Fraction] | None:
    """Unique ``lambda`` with ``sum lambda_t column_t = b`` from the square sketch system modulo primes.

    ``pivot_rows`` are sketch rows on which the columns are independent (the pivots of an
    :class:`Echelon`).  Adds primes until the reconstructed vector is the same for two prime sets
    in a row, then returns it **only if** :func:`exact_residual_zero` confirms it; None otherwise.
    """
    m = len(exps)
    residues: list[tuple[int, list[int]]] = []
    prev = None
    for p in primes[:max_primes]:
        S = np.stack([sketch_column(e, p, r)[pivot_rows] for e in exps], axis=1)
        bb = sketch_column(exps[0], p, r, target=True)[pivot_rows]
        Ab = flint.nmod_mat(m, m, [int(x) for x in S.ravel()], p)
        try:
            sol = Ab.solve(flint.nmod_mat(m, 1, [int(x) for x in bb], p))
        except ZeroDivisionError:
            continue  # singular modulo this prime
        residues.append((p, [int(sol[i, 0]) for i in range(m)]))
        mod = math.prod(q for q, _ in residues)
        vec = []
        for i in range(m):
            a = 0
            for q, vals in residues:  # CRT
                Mq = mod // q
                a += vals[i] * Mq * pow(Mq, -1, q)
            vec.append(rational_reconstruction(a % mod, mod))
        if any(v is None for v in vec):
            prev = None
            continue
        if vec == prev:
            return vec if exact_residual_zero(exps, vec, n) else None
        prev = vec
    return None


def infeasibility_vector(exps, n: int) -> dict | None:
    """An exact ``y`` with ``y^T column_t = 0`` for every ``t`` and ``y^T b != 0``, or None if none exists.

    Computed exactly (``flint.fmpz_mat.nullspace`` of the transposed integer system, all rows),
    so meant for small template spaces.  Returns ``{"linear": [...], "hinges": {key: value}}``
    with integer entries, normalised so that ``y^T b = y_linear[n-1] = 1`` after scaling by a
    rational (then stored as strings of fractions by the writer).

    Examples
    --------
    >>> from expressivity.relu.certificates import Expansion
    >>> y = infeasibility_vector([Expansion((1, 1), {})], 2)
    >>> y["linear"]
    [Fraction(-1, 1), Fraction(1, 1)]
    """
    keys = [linear_key(q) for q in range(n)] + sorted({k for e in exps for k in e.hinges})
    kidx = {k: i for i, k in enumerate(keys)}
    rows, m = len(keys), len(exps)
    # Mt: columns x rows; nullspace vectors z satisfy Mt z = 0, i.e. z^T M = 0
    Mt = flint.fmpz_mat(m, rows)
    for c, e in enumerate(exps):
        for q, v in enumerate(e.linear):
            if v:
                Mt[c, q] = v
        for key, v in e.hinges.items():
            Mt[c, kidx[key]] = v
    X, nullity = Mt.nullspace()
    for j in range(nullity):
        yb = int(X[n - 1, j])
        if yb:
            y = [Fraction(int(X[i, j]), yb) for i in range(rows)]
            return {"linear": y[:n], "hinges": {k: y[kidx[k]] for k in keys[n:] if y[kidx[k]]}}
    return None
