"""The lightning self-attention model and its coefficient tensors.

A lightning (softmax-free, "linear") self-attention layer maps ``X in R^{d x t}`` (tokens are
columns) to ``Phi(X) = V X X^T A X in R^{d' x t}`` with ``A = Q^T K`` of rank at most ``a``.
Every output entry is a cubic form in the ``d t`` input coordinates; its coefficients are
bilinear in ``(V, A)``.  After dividing each coefficient by the size of the permutation orbit
of its monomial (the *scaled* coordinates, as in the ADM26 code) one output entry
``(i, j)`` is described by

* the **cross tensor** ``T[i, k, k', l] = (V[i,k] A[k',l] + V[i,k'] A[k,l]) / 2`` -- the scaled
  coefficient of ``x[k,n] x[k',n] x[l,j]`` for any context column ``n != j``;
* the **pure tensor** ``P[i] = Sym_3(V[i] (x) sym(A))`` -- the symmetric tensor of the cubic
  ``(V[i] x)(x^T A x)`` in the target column.

Index conventions used throughout :mod:`expressivity.attention`: pairs ``(k, k')`` with
``k <= k'`` in ``itertools.combinations_with_replacement`` order, cubic multisets likewise.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from .._random import as_rng
from ..exceptions import InvalidInputError, NonFiniteError, ShapeError

__all__ = [
    "LightningShape",
    "LightningParameters",
    "coefficient_count",
    "total_coefficient_count",
    "pairs",
    "cubic_multisets",
    "orbit_size",
    "cross_tensor",
    "pure_tensor",
    "symmetrize3",
    "random_parameters",
    "entry_coordinates",
    "entry_labels",
    "expand_entry_sympy",
    "reduced_coordinate_count",
]


@dataclass(frozen=True)
class LightningShape:
    """The sizes of a lightning attention layer.

    Parameters
    ----------
    d : int
        Embedding dimension (rows of ``X``), ``d >= 1``.
    a : int
        Attention (query/key) dimension, ``1 <= a <= d``; ``A = Q^T K`` has rank ``<= a``.
    t : int
        Number of tokens (columns of ``X``), ``t >= 1``.
    dprime : int
        Output dimension (rows of ``V``), ``dprime >= 1``.

    Examples
    --------
    >>> s = LightningShape(3, 2, 2)
    >>> s.n_params, coefficient_count(3, 2)
    (15, 28)
    """

    d: int
    a: int
    t: int = 2
    dprime: int = 1

    def __post_init__(self) -> None:
        for name in ("d", "a", "t", "dprime"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise InvalidInputError(f"{name} must be an integer, got {v!r}")
        if self.d < 1:
            raise InvalidInputError(f"d (embedding dimension) must be >= 1, got {self.d}")
        if self.a < 1:
            raise InvalidInputError(f"a (attention dimension) must be >= 1, got {self.a}; use a = 1 for rank-one attention")
        if self.a > self.d:
            raise InvalidInputError(
                f"a = {self.a} exceeds d = {self.d}: rank(A) <= min(a, d), so pass a = {self.d} for an unconstrained A")
        if self.t < 1:
            raise InvalidInputError(f"t (number of tokens) must be >= 1, got {self.t}")
        if self.dprime < 1:
            raise InvalidInputError(f"dprime (output dimension d') must be >= 1, got {self.dprime}")

    @property
    def n_params(self) -> int:
        """``2 a d + d d'`` (entries of Q, K and V)."""
        return 2 * self.a * self.d + self.d * self.dprime


@dataclass(frozen=True)
class LightningParameters:
    """Weights ``V (d' x d)``, ``Q (a x d)``, ``K (a x d)``; ``A = Q^T K``."""

    V: np.ndarray
    Q: np.ndarray
    K: np.ndarray

    @property
    def A(self) -> np.ndarray:
        return self.Q.T @ self.K

    @property
    def shape(self) -> LightningShape:
        return LightningShape(self.V.shape[1], self.Q.shape[0], 2, self.V.shape[0])


def coefficient_count(d: int, t: int) -> int:
    """``N(d, t) = (t-1) d^2 (d+1)/2 + C(d+2, 3)``: coefficients of one output entry.

    Examples
    --------
    >>> [coefficient_count(3, 2), coefficient_count(3, 1), coefficient_count(2, 2)]
    [28, 10, 10]
    """
    if d < 1 or t < 1:
        raise InvalidInputError(f"need d >= 1 and t >= 1, got d={d}, t={t}")
    return (t - 1) * d * d * (d + 1) // 2 + math.comb(d + 2, 3)


def total_coefficient_count(d: int, t: int, dprime: int = 1) -> int:
    """``d' t N(d, t)``: coefficients of the whole output (e.g. 138 for d=3, d'=1, t=3)."""
    return dprime * t * coefficient_count(d, t)


def reduced_coordinate_count(shape: LightningShape) -> int:
    """Non-redundant coordinates: ``d' d^2(d+1)/2`` (t >= 2) or ``d' C(d+2,3)`` (t = 1)."""
    if shape.t >= 2:
        return shape.dprime * shape.d * shape.d * (shape.d + 1) // 2
    return shape.dprime * math.comb(shape.d + 2, 3)


@lru_cache(maxsize=None)
def pairs(d: int) -> tuple[tuple[int, int], ...]:
    """Unordered pairs ``(k, k')``, ``k <= k'``, in the toolkit's fixed order."""
    return tuple(itertools.combinations_with_replacement(range(d), 2))


@lru_cache(maxsize=None)
def cubic_multisets(d: int) -> tuple[tuple[int, int, int], ...]:
    """Sorted triples ``k <= l <= m`` (the cubic monomials in d variables)."""
    return tuple(itertools.combinations_with_replacement(range(d), 3))


def orbit_size(multiset: tuple[int, ...]) -> int:
    """Number of distinct orderings of a multiset (1, 2 for pairs; 1, 3, 6 for triples)."""
    n = math.factorial(len(multiset))
    for v in set(multiset):
        n //= math.factorial(multiset.count(v))
    return n


def _check_finite(x: np.ndarray, name: str) -> None:
    if x.dtype.kind in "fc" and not np.all(np.isfinite(x)):
        raise NonFiniteError(f"{name} contains NaN or infinity")


def _as_matrix(M: Any, name: str) -> np.ndarray:
    arr = np.asarray(M)
    if arr.ndim != 2:
        raise ShapeError(f"{name} must be a 2-D matrix, got shape {arr.shape}")
    _check_finite(arr, name)
    return arr


def cross_tensor(V: Any, A: Any) -> np.ndarray:
    """Cross tensor ``T[i,k,k',l] = (V[i,k] A[k',l] + V[i,k'] A[k,l]) / 2``, shape ``(d', d, d, d)``.

    Works for float arrays and for object arrays of exact numbers (``Fraction``); for
    object arrays the ``/ 2`` is done with ``Fraction``.

    Examples
    --------
    >>> T = cross_tensor(np.array([[1.0, 2.0]]), np.eye(2))
    >>> float(T[0, 0, 1, 0]), float(T[0, 1, 1, 1])
    (1.0, 2.0)
    """
    V = _as_matrix(V, "V")
    A = _as_matrix(A, "A")
    d = A.shape[0]
    if A.shape != (d, d):
        raise ShapeError(f"A must be square, got shape {A.shape}")
    if V.shape[1] != d:
        raise ShapeError(f"V must have d = {d} columns to match A, got shape {V.shape}")
    VA = np.einsum("ik,jl->ikjl", V, A)  # V[i,k] A[k',l]
    S = VA + VA.transpose(0, 2, 1, 3)
    if S.dtype == object:
        return S * Fraction(1, 2)
    return S / 2


def symmetrize3(T: np.ndarray) -> np.ndarray:
    """Full symmetrisation over the last three axes (the pure tensor of a cross tensor).

    ``P = Sym_3(T)``; because ``T`` is symmetric in its first two slots this is
    ``(T[k,l,m] + T[k,m,l] + T[l,m,k]) / 3``.
    """
    T = np.asarray(T)
    perms = itertools.permutations((-3, -2, -1))
    nd = T.ndim
    acc = None
    for p in perms:
        axes = list(range(nd - 3)) + [nd + q for q in p]
        term = T.transpose(axes)
        acc = term if acc is None else acc + term
    if acc.dtype == object:
        return acc * Fraction(1, 6)
    return acc / 6


def pure_tensor(V: Any, A: Any) -> np.ndarray:
    """Pure tensor ``P[i] = Sym_3(V[i] (x) sym(A))``, shape ``(d', d, d, d)``.

    The cubic form ``sum P[i,k,l,m] x_k x_l x_m`` equals ``(V[i] x)(x^T A x)``.
    """
    return symmetrize3(cross_tensor(V, A))


def random_parameters(shape: LightningShape, seed: Any = None, *, integer: bool = False,
                      low: int = -9, high: int = 9) -> LightningParameters:
    """Random weights: standard Gaussian floats, or integers in ``[low, high]`` when ``integer``."""
    rng = as_rng(seed)
    d, a, dp = shape.d, shape.a, shape.dprime
    if integer:
        draw = lambda *s: rng.integers(low, high + 1, size=s).astype(object)
    else:
        draw = lambda *s: rng.standard_normal(s)
    return LightningParameters(draw(dp, d), draw(a, d), draw(a, d))


def _target_and_context(t: int, j: int) -> list[int]:
    if not 0 <= j < t:
        raise InvalidInputError(f"output column j={j} must be in [0, {t})")
    return [n for n in range(t) if n != j]


def entry_labels(d: int, t: int, j: int = 0) -> list[tuple[tuple[int, int], ...]]:
    """Labels of the scaled coordinates of output entry ``(i, j)``.

    A label is the sorted multiset of ``(embedding index, token index)`` pairs of the
    monomial (the convention of the ADM26 code).  Order: cross monomials context column by context column
    (pairs ``(k,k')`` then ``l``), then the ``C(d+2,3)`` pure monomials.
    """
    labels = []
    for n in _target_and_context(t, j):
        for (k, k2) in pairs(d):
            for l in range(d):
                labels.append(tuple(sorted([(k, n), (k2, n), (l, j)])))
    for (k, l, m) in cubic_multisets(d):
        labels.append(((k, j), (l, j), (m, j)))
    return labels


def entry_coordinates(V: Any, A: Any, t: int, i: int = 0, j: int = 0) -> np.ndarray:
    """Closed-form scaled coordinates of output entry ``(i, j)``, in :func:`entry_labels` order.

    Examples
    --------
    >>> y = entry_coordinates(np.array([[1.0, 0.0]]), np.eye(2), t=2)
    >>> y.shape, coefficient_count(2, 2)
    ((10,), 10)
    """
    T = cross_tensor(V, A)
    if not 0 <= i < T.shape[0]:
        raise InvalidInputError(f"output row i={i} must be in [0, {T.shape[0]})")
    d = T.shape[1]
    P = symmetrize3(T[i:i + 1])[0]
    ctx = _target_and_context(t, j)
    cross = [T[i, k, k2, l] for (k, k2) in pairs(d) for l in range(d)]
    pure = [P[k, l, m] for (k, l, m) in cubic_multisets(d)]
    return np.array(cross * len(ctx) + pure, dtype=T.dtype)


def _label_orbit(label: tuple[tuple[int, int], ...], j: int) -> int:
    # a coefficient has as many parameter terms as there are orderings of the *pair* from the
    # context column (cross monomial) or of the whole triple (pure monomial)
    ctx = [k for (k, n) in label if n != j]
    if ctx:
        return orbit_size(tuple(ctx))
    return orbit_size(tuple(k for (k, _) in label))


def expand_entry_sympy(d: int, t: int, dprime: int = 1, a: int | None = None, i: int = 0, j: int = 0):
    """Expand ``Phi(X)[i, j]`` with sympy and return ``(labels, scaled_coefficients, symbols)``.

    The parameters are symbols ``v_i_k`` and either a generic ``A`` (``a`` is None,
    symbols ``A_r_c``) or ``A = Q^T K`` with ``Q, K`` symbolic ``a x d``.  Coefficients are
    divided by the orbit size of their monomial, so they must equal the closed forms of
    :func:`entry_coordinates` -- the cross-check the tests perform.
    """
    import sympy as sp

    LightningShape(d, a or d, t, dprime)
    X = sp.Matrix(d, t, lambda k, n: sp.Symbol(f"x_{k}_{n}"))
    Vs = sp.Matrix(dprime, d, lambda r, k: sp.Symbol(f"v_{r}_{k}"))
    if a is None:
        As = sp.Matrix(d, d, lambda r, c: sp.Symbol(f"A_{r}_{c}"))
        params = {"V": Vs, "A": As}
    else:
        Qs = sp.Matrix(a, d, lambda r, c: sp.Symbol(f"q_{r}_{c}"))
        Ks = sp.Matrix(a, d, lambda r, c: sp.Symbol(f"k_{r}_{c}"))
        As = Qs.T * Ks
        params = {"V": Vs, "Q": Qs, "K": Ks, "A": As}
    row = (Vs[i, :] * X) * (X.T * As * X[:, j])  # 1x1
    poly = sp.Poly(sp.expand(row[0, 0]), *list(X))
    coeffs = {}
    for exps, c in poly.terms():
        lab = []
        for idx, e in enumerate(exps):
            k, n = divmod(idx, t)
            lab.extend([(k, n)] * e)
        lab = tuple(sorted(lab))
        coeffs[lab] = sp.expand(c / _label_orbit(lab, j))
    labels = entry_labels(d, t, j)
    extra = set(coeffs) - set(labels)
    if extra:  # pragma: no cover - would mean the monomial analysis above is wrong
        raise AssertionError(f"unexpected monomials {sorted(extra)[:3]}")
    return labels, [coeffs.get(lab, sp.Integer(0)) for lab in labels], params
