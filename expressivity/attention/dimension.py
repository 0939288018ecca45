"""Dimension of the lightning neuromanifold by Jacobian rank (floats and exact).

The map ``theta = (V, Q, K) -> coefficients`` factors through the reduced coordinates (the
cross tensors ``T^(i)`` for t >= 2, the pure tensors ``P^(i)`` for t = 1): every raw output
coefficient is a copy or a fixed linear combination of them (linear family), so the Jacobian
ranks agree.  Expected values (HMK25 Cor. 3.3 for t >= 2; our derivation for t = 1):

* t >= 2: ``dim = d d' + a(2d - a) - 1``; generic fibre dimension ``a^2 + 1``;
* t = 1:  ``dim = d d' + r d - r(r-1)/2 - 1`` with ``r = min(2a, d)``.

:func:`dimension_certificate` proves the t >= 2 formula at a random integer point: the exact
Jacobian rank there is a lower bound for the generic rank, and the ``a^2 + 1`` tangent vectors
of the symmetry ``(V, Q, K) -> (lambda V, g Q, lambda^-1 g^-T K)`` -- checked exactly to lie
in the kernel and to be independent -- give the matching upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flint
import numpy as np

from .._random import as_rng
from ..exceptions import InvalidInputError
from .model import LightningShape, entry_coordinates, random_parameters, total_coefficient_count

__all__ = [
    "expected_dimension",
    "expected_fibre_dimension",
    "jacobian",
    "jacobian_rank_float",
    "jacobian_rank_mod_p",
    "DimensionCertificate",
    "dimension_certificate",
    "full_output_jacobian_rank",
]

DEFAULT_PRIME = 2_147_483_629


def expected_dimension(shape: LightningShape) -> int:
    """The dimension formula (HMK25 Cor. 3.3 for t >= 2; derived and verified here for t = 1).

    Examples
    --------
    >>> expected_dimension(LightningShape(3, 2, 2)), expected_dimension(LightningShape(3, 2, 1))
    (10, 8)
    """
    d, a, dp = shape.d, shape.a, shape.dprime
    if shape.t >= 2:
        return d * dp + a * (2 * d - a) - 1
    r = min(2 * a, d)
    return d * dp + r * d - r * (r - 1) // 2 - 1


def expected_fibre_dimension(shape: LightningShape) -> int:
    """``#params - dim``; equals ``a^2 + 1`` for t >= 2."""
    return shape.n_params - expected_dimension(shape)


def jacobian(shape: LightningShape, V: Any, Q: Any, K: Any) -> np.ndarray:
    """Analytic Jacobian of ``(V, Q, K) -> 2 T`` (t >= 2) or ``6 P`` (t = 1), rows = coordinates.

    Works for float arrays and for object arrays of Python integers (exact).  The factors 2
    and 6 keep integer points integral and do not change the rank.
    Parameter order: ``V`` (row-major), then ``Q``, then ``K``.
    """
    d, a, dp = shape.d, shape.a, shape.dprime
    V, Q, K = (np.asarray(M) for M in (V, Q, K))
    if V.shape != (dp, d) or Q.shape != (a, d) or K.shape != (a, d):
        raise InvalidInputError(f"expected V {(dp, d)}, Q {(a, d)}, K {(a, d)}; got {V.shape}, {Q.shape}, {K.shape}")
    A = Q.T @ K
    dt = object if V.dtype == object else float
    zero = 0 if dt is object else 0.0
    # d(2T[i,k,k2,l]) = dV[i,k] A[k2,l] + V[i,k] dA[k2,l] + dV[i,k2] A[k,l] + V[i,k2] dA[k,l]
    nV, nQ = dp * d, a * d
    J = np.full((dp, d, d, d, nV + 2 * nQ), zero, dtype=dt)
    for i in range(dp):
        for m in range(d):
            col = i * d + m
            # derivative in V[i, m]
            J[i, m, :, :, col] += A
            J[i, :, m, :, col] += A
    # dA/dQ[h,m]: dA[m, l] = K[h, l];  dA/dK[h,m]: dA[k, m] = Q[h, k]
    for h in range(a):
        for m in range(d):
            cq = nV + h * d + m
            ck = nV + nQ + h * d + m
            dAq = np.full((d, d), zero, dtype=dt)
            dAq[m, :] = K[h, :]
            dAk = np.full((d, d), zero, dtype=dt)
            dAk[:, m] = Q[h, :]
            for dA, c in ((dAq, cq), (dAk, ck)):
                term = np.einsum("ik,jl->ikjl", V, dA)
                J[..., c] += term + term.transpose(0, 2, 1, 3)
    if shape.t >= 2:
        idx = [(i, k, k2, l) for i in range(dp) for k in range(d) for k2 in range(k, d) for l in range(d)]
        return np.array([J[ix] for ix in idx], dtype=dt)
    # pure: 6P = sum of the three distinct placements of 2T
    idx = [(i, k, l, m) for i in range(dp) for k in range(d) for l in range(k, d) for m in range(l, d)]
    rows = [J[i, k, l, m] + J[i, k, m, l] + J[i, l, m, k] for (i, k, l, m) in idx]
    return np.array(rows, dtype=dt)


def jacobian_rank_float(shape: LightningShape, seed: Any = 0, rtol: float = 1e-9) -> int:
    """Numerical Jacobian rank at a random Gaussian point (SVD, threshold ``rtol * sigma_max``)."""
    p = random_parameters(shape, seed)
    s = np.linalg.svd(jacobian(shape, p.V, p.Q, p.K).astype(float), compute_uv=False)
    return int(np.sum(s > rtol * s[0])) if s.size and s[0] > 0 else 0


def _random_int_point(shape: LightningShape, seed: Any, bound: int = 10**6):
    rng = as_rng(seed)
    draw = lambda *s: np.array([[int(x) for x in row] for row in rng.integers(-bound, bound + 1, size=s)], dtype=object)
    return draw(shape.dprime, shape.d), draw(shape.a, shape.d), draw(shape.a, shape.d)


def jacobian_rank_mod_p(shape: LightningShape, seed: Any = 0, p: int = DEFAULT_PRIME) -> int:
    """Jacobian rank over GF(p) at a random integer point (a lower bound for the generic rank)."""
    V, Q, K = _random_int_point(shape, seed)
    J = jacobian(shape, V, Q, K)
    M = flint.nmod_mat(J.shape[0], J.shape[1], [int(x) % p for x in J.ravel()], p)
    return int(M.rank())


def _symmetry_tangents(shape: LightningShape, V, Q, K) -> np.ndarray:
    d, a, dp = shape.d, shape.a, shape.dprime
    vecs = [np.concatenate([V.ravel(), np.zeros(a * d, dtype=object), (-K).ravel()])]
    for r in range(a):
        for s in range(a):
            E = np.zeros((a, a), dtype=object)
            E[r, s] = 1
            vecs.append(np.concatenate([np.zeros(dp * d, dtype=object), (E @ Q).ravel(), (-(E.T) @ K).ravel()]))
    return np.array(vecs, dtype=object)


@dataclass(frozen=True)
class DimensionCertificate:
    """Exact bounds ``lower <= dim <= upper`` for the image dimension (t >= 2)."""

    shape: LightningShape
    lower: int  # exact rank of the Jacobian over Q at an integer point
    upper: int  # #params - rank of the symmetry tangents (shown to lie in the kernel)
    expected: int
    tangents_in_kernel: bool

    @property
    def proved(self) -> bool:
        """True when the bounds meet at the expected formula value."""
        return self.tangents_in_kernel and self.lower == self.upper == self.expected


def dimension_certificate(shape: LightningShape, seed: Any = 0) -> DimensionCertificate:
    """Exact proof of the dimension formula for t >= 2 (see module docstring).

    Examples
    --------
    >>> dimension_certificate(LightningShape(3, 2, 2)).proved
    True
    """
    if shape.t < 2:
        raise InvalidInputError("the symmetry certificate is for t >= 2; use jacobian_rank_mod_p for t = 1")
    V, Q, K = _random_int_point(shape, seed, bound=50)
    J = jacobian(shape, V, Q, K)
    Jm = flint.fmpz_mat(J.shape[0], J.shape[1], [int(x) for x in J.ravel()])
    lower = int(Jm.rank())
    Tg = _symmetry_tangents(shape, V, Q, K)
    Tm = flint.fmpz_mat(Tg.shape[0], Tg.shape[1], [int(x) for x in Tg.ravel()])
    prod = Jm * Tm.transpose()
    in_kernel = all(prod[i, j] == 0 for i in range(prod.nrows()) for j in range(prod.ncols()))
    upper = shape.n_params - int(Tm.rank())
    return DimensionCertificate(shape, lower, upper, expected_dimension(shape), in_kernel)


def full_output_jacobian_rank(shape: LightningShape, seed: Any = 0, eps: float = 1e-6) -> int:
    """Float Jacobian rank of ``theta -> all d' t N(d,t)`` raw output coefficients.

    Central differences are exact up to rounding here (the map is cubic, so the O(eps^2)
    error is the third-derivative term eps^2/6 * f''' -- tiny); used as an independent check
    that the reduced coordinates lose nothing.
    """
    d, a, dp, t = shape.d, shape.a, shape.dprime, shape.t
    p = random_parameters(shape, seed)
    theta0 = np.concatenate([p.V.ravel(), p.Q.ravel(), p.K.ravel()])

    def coeffs(th):
        V = th[:dp * d].reshape(dp, d)
        Q = th[dp * d:dp * d + a * d].reshape(a, d)
        K = th[dp * d + a * d:].reshape(a, d)
        A = Q.T @ K
        return np.concatenate([entry_coordinates(V, A, t, i, j) for i in range(dp) for j in range(t)])

    cols = []
    for c in range(theta0.size):
        e = np.zeros_like(theta0)
        e[c] = eps
        cols.append((coeffs(theta0 + e) - coeffs(theta0 - e)) / (2 * eps))
    J = np.array(cols).T
    assert J.shape[0] == total_coefficient_count(d, t, dp)
    s = np.linalg.svd(J, compute_uv=False)
    return int(np.sum(s > 1e-7 * s[0]))
