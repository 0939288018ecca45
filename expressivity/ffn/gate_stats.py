"""How many activations does an MoA layer use per token?  Hill numbers of normalised gates.

For gate values ``π(x) ∈ R^K`` we normalise ``p_k = |π_k| / Σ_l |π_l|`` (signed tanh gates count
by magnitude) and report the Hill number (effective number) of order q::

    D_q(p) = (Σ_k p_k^q)^{1/(1-q)},   D_1 = exp(Shannon entropy),   D_∞ = 1 / max_k p_k,
    D_0 = #{k : p_k > 0},             D_2 = 1 / Σ p_k² = (Σ w)² / Σ w²  (Kish's effective sample size)

with Rényi entropy ``H_q = log D_q`` and Tsallis entropy ``S_q = (1 − Σ p^q)/(q − 1)``.  ``D_q`` is
non-increasing in q, equals K for uniform gates and 1 for one-hot gates.

Exact rational gates give exact answers for q ∈ {0, 2, 3, ..., ∞}.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from ..exceptions import InvalidInputError, NonFiniteError, ShapeError
from .layers import FFNLayer

__all__ = ["normalize_gates", "hill_number", "renyi_entropy", "tsallis_entropy", "effective_sample_size",
           "hill_exact", "effective_activations", "hill_profile"]


def normalize_gates(pi: Any, *, mode: str = "abs") -> np.ndarray:
    """Rows of ``pi`` ([T, K] or [K]) as probability vectors: ``|π| / Σ|π|`` (``mode="abs"``) or ``π/Σπ``
    for nonnegative gates (``mode="plain"``).  All-zero rows raise :class:`InvalidInputError`."""
    P = np.asarray(pi, dtype=np.float64)
    if P.ndim not in (1, 2) or P.shape[-1] == 0:
        raise ShapeError(f"gates must have shape [K] or [T, K] with K >= 1, got {P.shape}")
    if not np.all(np.isfinite(P)):
        raise NonFiniteError("gate values contain NaN or infinity")
    if mode == "abs":
        P = np.abs(P)
    elif mode == "plain":
        if np.any(P < 0):
            raise InvalidInputError("mode='plain' needs nonnegative gates (sigmoid/softmax); use mode='abs' for tanh gates")
    else:
        raise InvalidInputError(f"mode must be 'abs' or 'plain', got {mode!r}")
    s = P.sum(axis=-1, keepdims=True)
    if np.any(s == 0):
        raise InvalidInputError("a token has all gates equal to 0: its effective number of activations is undefined")
    return P / s


def hill_number(p: Any, q: float) -> np.ndarray:
    """Hill number ``D_q`` of probability vectors (last axis), any real ``q >= 0`` including ``inf``.

    Examples
    --------
    >>> round(float(hill_number([0.5, 0.5, 0, 0], 1.0)), 12), round(float(hill_number([0.25] * 4, 7.0)), 12)
    (2.0, 4.0)
    """
    P = np.asarray(p, dtype=np.float64)
    if np.any(P < 0) or not np.allclose(P.sum(axis=-1), 1.0, atol=1e-12):
        raise InvalidInputError("hill_number needs probability vectors (nonnegative, summing to 1); use normalize_gates")
    if q < 0:
        raise InvalidInputError(f"order q must be >= 0, got {q}")
    if q == 0:
        return (P > 0).sum(axis=-1).astype(np.float64)
    if math.isinf(q):
        return 1.0 / P.max(axis=-1)
    if q == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            h = -np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0).sum(axis=-1)
        return np.exp(h)
    with np.errstate(divide="ignore"):
        s = np.where(P > 0, P ** q, 0.0).sum(axis=-1)
    return s ** (1.0 / (1.0 - q))


def renyi_entropy(p: Any, q: float) -> np.ndarray:
    """Rényi entropy ``H_q = log D_q`` (natural log)."""
    return np.log(hill_number(p, q))


def tsallis_entropy(p: Any, q: float) -> np.ndarray:
    """Tsallis entropy ``S_q = (1 − Σ p^q)/(q − 1)``; ``S_1`` is the Shannon entropy."""
    P = np.asarray(p, dtype=np.float64)
    if q == 1:
        return np.log(hill_number(P, 1.0))
    with np.errstate(divide="ignore"):
        s = np.where(P > 0, P ** q, 0.0).sum(axis=-1)
    return (1.0 - s) / (q - 1.0)


def effective_sample_size(w: Any) -> np.ndarray:
    """Kish's ``(Σ w)² / Σ w²`` for nonnegative weights (equals ``D_2`` of ``w / Σ w``).

    Examples
    --------
    >>> float(effective_sample_size([1, 1, 2]))
    2.6666666666666665
    """
    W = np.asarray(w, dtype=np.float64)
    if np.any(W < 0):
        raise InvalidInputError("effective_sample_size needs nonnegative weights")
    return W.sum(axis=-1) ** 2 / (W ** 2).sum(axis=-1)


def hill_exact(p: Sequence[Fraction], q: int | str) -> Fraction:
    """Exact ``D_q`` for rational p and q ∈ {0, 2, ∞}; other integer q give ``(Σ p^q)^{1/(1-q)}``
    only when that root is rational (else :class:`InvalidInputError`).

    Examples
    --------
    >>> hill_exact([Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)], 2)
    Fraction(8, 3)
    """
    P = [Fraction(v) for v in p]
    if any(v < 0 for v in P) or sum(P) != 1:
        raise InvalidInputError("hill_exact needs a rational probability vector")
    if q == "inf":
        return 1 / max(P)
    q = int(q)
    if q == 0:
        return Fraction(sum(1 for v in P if v > 0))
    if q == 1:
        raise InvalidInputError("D_1 = exp(entropy) is not rational in general; use hill_number")
    s = sum(v ** q for v in P)
    if q == 2:
        return 1 / s
    root = q - 1  # D_q = s^(-1/(q-1))
    num = round(s.numerator ** (1 / root))
    den = round(s.denominator ** (1 / root))
    if Fraction(num, den) ** root != s:
        raise InvalidInputError(f"D_{q} is irrational for this p")
    return Fraction(den, num)


def effective_activations(layer: FFNLayer, X: Any, q: float = 1.0, *, branch: int = 1) -> np.ndarray:
    """Per-token effective number of activations ``D_q(|π(x)| / Σ|π(x)|)`` of an MoA layer."""
    return hill_number(normalize_gates(layer.gate_values(X, branch)), q)


def hill_profile(p: Any, qs: Sequence[float]) -> np.ndarray:
    """``[D_q(p) for q in qs]`` for one probability vector (for plots)."""
    return np.array([float(hill_number(p, q)) for q in qs])
