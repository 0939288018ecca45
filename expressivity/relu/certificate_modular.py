"""Modular linear algebra for the certificate search: sketches mod p, rational reconstruction.

The certificate system ``M lambda = b`` (R+26 Prop. 2.1) has one row per hinge of the sorted
cone -- up to ~10^5 rows for n = 10 -- and one column per template.  The search only needs
(i) which columns enlarge the span and (ii) whether ``b`` is in the span.  Both are screened on
an ``r``-row *sketch* ``S = V M`` with the integer matrix ``V[j, key] = h(key)^(j+1)``
(``h`` a fixed 61-bit hash of the row key; a Vandermonde-type projection), computed modulo a
prime ``p < 2^21`` in ``int64`` arithmetic.  A projection can only lose rank, so a column that
is independent in the sketch mod p is independent over Q; the converse is probabilistic.

Memory: a template's column is kept as a :class:`CompactColumn` -- two numpy arrays, the 61-bit
hash of each nonzero row key and its exact integer coefficient -- about 16 bytes per nonzero
instead of a dict of ``n``-tuples (~180 bytes per nonzero, measured at n = 9, 10).  Sketches are computed from
the hashes.  Distinct keys with equal hashes are merged by the sketch, so a collision can only
*lose* rank or produce a wrong candidate ``lambda``; never a wrong accepted result, because every
result is re-checked on exact keys (below).

The exact solution: when the kept columns are independent (full column rank) and ``b`` is in
their span, ``lambda`` is the unique solution, hence also the unique solution of the square
system formed by the sketch's pivot rows.  That system is taken as the *integer* sketch
``sum_key c_key * (h(key)^(j+1) mod p0)`` (no reduction of the sum; ``p0`` the search prime, so it
is nonsingular modulo ``p0`` and hence over Q), solved modulo several primes (``flint.nmod_mat``),
combined by the Chinese remainder theorem and turned into rationals by rational reconstruction.
A candidate is accepted only after an **exact** re-check ``sum lambda_t column_t = b`` in
integers on exact row keys (:func:`exact_residual_zero`; for compact columns the caller supplies
the check, e.g. re-expanding the support templates from ``(A, B)`` alone).  Nothing here is a
proof by itself; the exact re-check is.

Examples
--------
>>> rational_reconstruction(pow(3, -1, 1000003), 1000003)
Fraction(1, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np

__all__ = ["sketch_primes", "key_hash", "sketch_column", "Echelon", "rational_reconstruction",
           "exact_residual_zero", "solve_by_primes", "infeasibility_vector", "linear_key", "CompactColumn",
           "compact_column", "integer_sketch", "target_integer_sketch"]

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


_Q = (2147483647, 2147483629)  # two primes below 2^31
_BASE = (1_234_567_891 % _Q[0], 987_654_321 % _Q[1])
_OFFSET = 1 << 20
_POW = tuple(np.array([pow(b, i + 1, q) for i in range(64)], dtype=np.int64) for b, q in zip(_BASE, _Q))


def _hash_python(key: tuple[int, ...]) -> int:
    h = []
    for b, q in zip(_BASE, _Q):
        acc = len(key)
        for i, v in enumerate(key):
            acc += (v + _OFFSET) * pow(b, i + 1, q)
        h.append(acc % q)
    return (h[0] * _Q[1] + h[1]) % _M61 or 1


def _hash_keys(keys) -> np.ndarray:
    """``key_hash`` of many keys at once (``uint64``; vectorised for entries below ``2^20``)."""
    out = np.empty(len(keys), dtype=np.uint64)
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(len(k), []).append(i)
    for length, idx in groups.items():
        K = None
        if 0 < length <= 64:
            try:
                K = np.array([keys[i] for i in idx], dtype=np.int64).reshape(len(idx), length)
            except OverflowError:
                K = None
        if K is None or np.abs(K).max() >= _OFFSET:
            out[idx] = [_hash_python(keys[i]) for i in idx]
            continue
        K = K + _OFFSET  # entries < 2^21, powers < 2^31, <= 64 terms: sums < 2^58
        h0 = (K @ _POW[0][:length] + length) % _Q[0]
        h1 = (K @ _POW[1][:length] + length) % _Q[1]
        h = [(int(a) * _Q[1] + int(b)) % _M61 or 1 for a, b in zip(h0, h1)]
        out[idx] = h
    return out


def key_hash(key: tuple[int, ...]) -> int:
    """Deterministic hash of an integer tuple in ``[1, 2^61 - 1)`` (same in every process).

    A polynomial hash of the entries modulo two primes below ``2^31`` at fixed bases (with the
    length), so tuples differing in a few small entries collide only by accident (Python's own
    tuple hash does not qualify: ``hash(-1) == hash(-2)``).

    Examples
    --------
    >>> key_hash((1, -1)) == key_hash((1, -1)), key_hash((0, -1)) == key_hash((0, -2))
    (True, False)
    """
    return int(_hash_keys([key])[0])


def _column_items(exp) -> tuple[list[tuple[int, ...]], list[int]]:
    keys = [linear_key(q) for q, v in enumerate(exp.linear) if v] + list(exp.hinges)
    vals = [v for v in exp.linear if v] + list(exp.hinges.values())
    return keys, vals


@dataclass(frozen=True, eq=False)
class CompactColumn:
    """A template's column ``M[:, t]`` as hashed row keys and exact integer coefficients.

    ``hashes[i] = key_hash(key_i)`` (``uint64``) and ``coefs[i]`` the exact coefficient of row
    ``key_i`` (``int64``, or ``object`` holding Python ints when a value does not fit), over the
    nonzero rows only.  The keys themselves are not kept: anything claimed exact must be re-checked
    on exact keys (re-expand the template).

    Examples
    --------
    >>> from expressivity.relu.certificates import Expansion
    >>> c = compact_column(Expansion((0, 2), {(1, -1): 3}))
    >>> c.n, [int(v) for v in c.coefs], c.nbytes
    (2, [2, 3], 32)
    """

    n: int
    hashes: np.ndarray
    coefs: np.ndarray

    @property
    def nbytes(self) -> int:
        """Bytes of the two arrays (an ``object`` array counts its pointers only)."""
        return int(self.hashes.nbytes + self.coefs.nbytes)

    def __len__(self) -> int:
        return len(self.hashes)


def compact_column(exp) -> CompactColumn:
    """The :class:`CompactColumn` of an :class:`~expressivity.relu.certificates.Expansion`.

    Examples
    --------
    >>> from expressivity.relu.certificates import Expansion
    >>> len(compact_column(Expansion((0, 0), {})))
    0
    """
    keys, vals = _column_items(exp)
    hashes = _hash_keys(keys)
    try:
        coefs = np.array(vals, dtype=np.int64)
    except OverflowError:
        coefs = np.array(vals, dtype=object)
    return CompactColumn(len(exp.linear), hashes, coefs)


def _hashes_coefs(col) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(col, CompactColumn):
        return col.hashes, col.coefs
    c = compact_column(col)
    return c.hashes, c.coefs


def _powmod(h: np.ndarray, e: int, p: int) -> np.ndarray:
    """``h^e mod p`` elementwise (``h`` in ``[0, p)``, ``p < 2^21``: products fit int64)."""
    out = np.ones_like(h)
    base = h.copy()
    while e:
        if e & 1:
            out = out * base % p
        base = base * base % p
        e >>= 1
    return out


def integer_sketch(col, p: int, r: int, start: int = 0) -> np.ndarray:
    """Rows ``start..r-1`` of the integer sketch ``sum_key c_key * (h(key)^(j+1) mod p)``, exactly.

    ``col`` is a :class:`CompactColumn` or an ``Expansion``.  The result is ``int64`` when
    ``sum |c| * p < 2^62`` (no overflow possible), else an ``object`` array of Python ints.  Its
    reduction modulo ``p`` is :func:`sketch_column`; enlarging a sketch only needs the new rows.

    Examples
    --------
    >>> from expressivity.relu.certificates import Expansion
    >>> e = Expansion((0, 5), {})
    >>> h = key_hash((-2,)) % 97
    >>> [int(x) for x in integer_sketch(e, 97, 3, start=1)] == [5 * (h * h % 97), 5 * (h ** 3 % 97)]
    True
    """
    hashes, coefs = _hashes_coefs(col)
    exact64 = coefs.dtype != object and float(np.abs(coefs.astype(np.float64)).sum()) * p < 2.0 ** 62
    out = np.zeros(max(r - start, 0), dtype=np.int64 if exact64 else object)
    if not len(hashes) or r <= start:
        return out
    B = 64
    c = coefs if exact64 else coefs.astype(object)
    for s in range(0, len(hashes), 8192):
        h = (hashes[s:s + 8192] % np.uint64(p)).astype(np.int64)
        cs = c[s:s + 8192]
        P = np.empty((len(h), B), dtype=np.int64)
        P[:, 0] = _powmod(h, start + 1, p)
        for t in range(1, B):
            P[:, t] = P[:, t - 1] * h % p
        hB = _powmod(h, B, p)
        for j0 in range(start, r, B):
            w = min(B, r - j0)
            blk = P[:, :w] if exact64 else P[:, :w].astype(object)
            out[j0 - start:j0 - start + w] += cs @ blk
            if j0 + B < r:
                P = P * hB[:, None] % p
    return out


def target_integer_sketch(n: int, p: int, r: int) -> np.ndarray:
    """The integer sketch of the target ``b = e_{x_n}`` (the linear coordinate ``x_n``).

    Examples
    --------
    >>> h = key_hash(linear_key(2)) % 97
    >>> [int(x) for x in target_integer_sketch(3, 97, 2)] == [h, h * h % 97]
    True
    """
    col = CompactColumn(n, _hash_keys([linear_key(n - 1)]), np.ones(1, dtype=np.int64))
    return integer_sketch(col, p, r)


def sketch_column(exp, p: int, r: int, *, target: bool = False) -> np.ndarray:
    """``(V M)[:, col] mod p`` for one column (``Expansion`` or :class:`CompactColumn`), or for the
    target ``b = e_{x_n}`` (``target=True``).

    Examples
    --------
    >>> from expressivity.relu.certificates import Expansion
    >>> v = sketch_column(Expansion((0, 1), {}), 97, 3)
    >>> h = key_hash((-2,)) % 97
    >>> [int(x) for x in v] == [h % 97, h * h % 97, h ** 3 % 97]
    True
    """
    if target:
        n = exp.n if isinstance(exp, CompactColumn) else len(exp.linear)
        return (target_integer_sketch(n, p, r) % p).astype(np.int64)
    return (integer_sketch(exp, p, r) % p).astype(np.int64)


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


def _crt_step(a: list[int], mod: int, res: list[int], q: int) -> list[int]:
    inv = pow(mod % q, -1, q)
    return [x + mod * ((y - x) * inv % q) for x, y in zip(a, res)]


def solve_by_primes(cols, n: int, pivot_rows: list[int], r: int, primes: list[int],
                    max_primes: int = 40, *, sketch_prime: int | None = None, sketches=None,
                    exact_check=None) -> list[Fraction] | None:
    """Unique ``lambda`` with ``sum lambda_t column_t = b`` from the square integer sketch system modulo primes.

    ``pivot_rows`` are rows on which the sketches modulo ``sketch_prime`` (default: the search's
    prime ``sketch_primes(1)[0]``) of the columns are independent (the pivots of an
    :class:`Echelon`), so the integer system ``S[pivot_rows]`` (:func:`integer_sketch`, or the
    precomputed ``sketches``) is nonsingular over Q.  It is solved modulo ``sketch_prime`` and
    then further ``primes`` until the reconstructed vector is the same for two prime sets in a
    row; that candidate is returned **only if** ``exact_check(candidate)`` accepts it (default
    for ``Expansion`` columns: :func:`exact_residual_zero`; compact columns have no exact keys
    and need an ``exact_check``).  A rejected candidate (a hash collision, or a premature
    reconstruction) makes the solver go on with more primes; None when nothing is accepted.

    Examples
    --------
    >>> from expressivity.relu.certificates import Expansion
    >>> p0 = sketch_primes(1)[0]
    >>> cols = [Expansion((0, 2), {})]
    >>> e = Echelon(p0, 4); _ = e.add(sketch_column(cols[0], p0, 4))
    >>> solve_by_primes(cols, 2, e.pivots, 4, sketch_primes(4)[1:])
    [Fraction(1, 2)]
    """
    p0 = sketch_primes(1)[0] if sketch_prime is None else sketch_prime
    if exact_check is None:
        if any(isinstance(c, CompactColumn) for c in cols):
            raise ValueError("compact columns carry no exact keys: pass exact_check")
        exact_check = lambda lam: exact_residual_zero(cols, lam, n)  # noqa: E731
    m = len(cols)
    piv = list(pivot_rows)
    if sketches is None:
        sketches = [integer_sketch(c, p0, r) for c in cols]
    S = np.stack([np.asarray(s)[piv] for s in sketches], axis=1)
    bb = target_integer_sketch(n, p0, r)[piv]
    a: list[int] = []
    mod = 1
    used = 0
    prev = rejected = None
    for q in [p0] + [q for q in primes if q != p0]:
        if used >= max_primes:
            break
        Ab = flint.nmod_mat(m, m, (S % q).ravel().tolist(), q)
        try:
            sol = Ab.solve(flint.nmod_mat(m, 1, (bb % q).tolist(), q))
        except ZeroDivisionError:
            continue  # singular modulo this prime
        used += 1
        res = [int(sol[i, 0]) for i in range(m)]
        a = res if mod == 1 else _crt_step(a, mod, res, q)
        mod *= q
        a = [x % mod for x in a]
        vec = [rational_reconstruction(x, mod) for x in a]
        if any(v is None for v in vec):
            prev = None
            continue
        if vec == prev and vec != rejected:
            if exact_check(vec):
                return vec
            rejected = vec
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
