"""The Chebyshev best-affine floor E_λ = min_{p,q} max_{|t|≤1} |tanh(λt) − p − qt|.

It bounds one-sided LA-II away from the witness T_λ: ‖∂₂(T_λ − g)‖_∞ ≥ ½ E_λ.

Two steps, as the standards require for LP answers:

1. **Candidate** -- a float LP on a grid (HiGHS through :func:`scipy.optimize.linprog`).
2. **Certificate** -- an enclosure ``lo ≤ E_λ ≤ hi`` checked with interval arithmetic:

   * *lower*: de la Vallée Poussin.  If the error of some affine ``p + qt`` alternates in sign
     at ``n + 2 = 3`` or more ordered points, then ``E_λ ≥ min_i |error(t_i)|``.  We use the
     points ``−1, −t*, t*, 1`` (``t*`` rationalised) with the LP's ``q`` and ``p = 0``.
   * *upper*: ``E_λ ≤ max_t |tanh(λt) − qt|`` for that same ``q``; the error is monotone between
     the critical points ``±t̂``, which we bracket by rationals ``[a, b]`` where the derivative
     ``λ sech²(λt) − q`` changes sign (interval-certified); on the bracket
     ``tanh(λt) − qt ≤ tanh(λb) − qa``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from mpmath import iv
from scipy.optimize import linprog

from ..exceptions import CertificateError, InvalidInputError, SolverFailedError
from ..numbers import float_to_fraction, to_fraction
from .intervals import Enclosure, enclose, float_down, float_up, interval_precision, iv_of, iv_tanh

__all__ = ["ChebyshevFloor", "chebyshev_affine_lp", "chebyshev_affine_floor", "REFERENCE_E_LAMBDA"]

#: E_λ from an independent LP on 20,001 grid points (5 significant digits) -- a reference table.
REFERENCE_E_LAMBDA = {Fraction(1, 2): 0.00925, Fraction(1): 0.05462, Fraction(2): 0.19912, Fraction(5): 0.47884,
                 Fraction(10): 0.65696}


@dataclass(frozen=True)
class ChebyshevFloor:
    """Certified enclosure of E_λ with the certificate data."""

    lam: Fraction
    enclosure: Enclosure
    q: Fraction
    t_star: Fraction
    lp_value: float
    lp_q: float
    alternation_points: tuple[Fraction, ...]

    def to_json(self) -> dict:
        return {"lambda": str(self.lam), "E_lo": str(self.enclosure.lo), "E_hi": str(self.enclosure.hi),
                "E_lo_float": float_down(self.enclosure.lo), "E_hi_float": float_up(self.enclosure.hi), "q": str(self.q),
                "t_star": str(self.t_star), "lp_value": self.lp_value, "lp_q": self.lp_q}


def chebyshev_affine_lp(lam: float, n_grid: int = 20001) -> tuple[float, float, float]:
    """Float LP candidate ``(E, p, q)`` on an equispaced grid of ``[-1, 1]``.

    Examples
    --------
    >>> E, p, q = chebyshev_affine_lp(2.0, 2001)
    >>> round(E, 4), round(q, 3)
    (0.1991, 1.163)
    """
    if not (lam > 0 and np.isfinite(lam)):
        raise InvalidInputError(f"λ must be positive and finite, got {lam}")
    if n_grid < 3:
        raise InvalidInputError("n_grid must be >= 3")
    t = np.linspace(-1.0, 1.0, n_grid)
    f = np.tanh(lam * t)
    ones = np.ones_like(t)
    # variables (p, q, e): minimise e with |f - p - q t| <= e
    A = np.vstack([np.column_stack([-ones, -t, -ones]), np.column_stack([ones, t, -ones])])
    b = np.concatenate([-f, f])
    res = linprog(c=[0, 0, 1], A_ub=A, b_ub=b, bounds=[(None, None)] * 3, method="highs")
    if res.status != 0:
        raise SolverFailedError(f"HiGHS LP for E_λ (λ = {lam}) failed: {res.message}")
    p, q, e = res.x
    return float(e), float(p), float(q)


def _err(lam_iv, q_iv, t: Fraction):
    tt = iv_of(t)
    return iv_tanh(lam_iv * tt) - q_iv * tt


def chebyshev_affine_floor(lam, n_grid: int = 20001) -> ChebyshevFloor:
    """Certified enclosure of E_λ (see the module docstring for the certificate).

    Parameters
    ----------
    lam : exact positive rational (Fraction, int or ``"p/q"``)
    n_grid : grid size of the candidate LP

    Raises
    ------
    CertificateError
        If the interval checks fail (the candidate was not good enough).

    Examples
    --------
    >>> c = chebyshev_affine_floor(2)
    >>> round(float(c.enclosure.lo), 5), c.enclosure.width < Fraction(1, 10**6)
    (0.19912, True)
    """
    lamf = to_fraction(lam, where="λ")
    if lamf <= 0:
        raise InvalidInputError(f"λ must be positive, got {lamf}")
    E_lp, _p, q_lp = chebyshev_affine_lp(float(lamf), n_grid)
    # refine q by the equioscillation equations (float Newton on the scalar condition), then rationalise
    q = _refine_q(float(lamf), q_lp)
    qf = float_to_fraction(q, max_denominator=10**12)
    lamflt = float(lamf)
    if not (0 < q < lamflt):
        raise CertificateError(f"candidate slope q = {q} is not in (0, λ); no alternation certificate")
    ts = float(np.arctanh(np.sqrt(1 - q / lamflt)) / lamflt)
    tsf = float_to_fraction(ts, max_denominator=10**12)
    with interval_precision():
        L = iv_of(lamf)
        Q = iv_of(qf)
        pts = (Fraction(-1), -tsf, tsf, Fraction(1))
        errs = [_err(L, Q, t) for t in pts]
        signs = []
        for e in errs:
            if e.a > 0:
                signs.append(1)
            elif e.b < 0:
                signs.append(-1)
            else:
                raise CertificateError(f"error sign at an alternation point is not certified for λ = {lamf}")
        if any(signs[i] == signs[i + 1] for i in range(3)):
            raise CertificateError(f"errors do not alternate in sign at {pts} for λ = {lamf}")
        lo = min(min(abs(e.a), abs(e.b)) for e in errs)
        # upper bound: bracket the positive critical point t̂ with rationals a < t̂ < b
        a = tsf * (1 - Fraction(1, 10**8))
        b = min(tsf * (1 + Fraction(1, 10**8)), Fraction(1))

        def dsign(t: Fraction) -> int:
            th = iv_tanh(L * iv_of(t))
            der = L * (1 - th * th) - Q
            if der.a > 0:
                return 1
            if der.b < 0:
                return -1
            return 0

        if not (dsign(a) == 1 and dsign(b) == -1):
            raise CertificateError(f"could not bracket the critical point of the error for λ = {lamf}")
        # on [0, a] the error increases, on [b, 1] it decreases; on [a, b] it is ≤ tanh(λb) − q a
        peak = iv_tanh(L * iv_of(b)) - Q * iv_of(a)
        end = _err(L, Q, Fraction(1))
        # the error is odd, so |error| on [-1, 0] mirrors [0, 1]
        hi_iv = iv.mpf([0, max(peak.b, abs(end.a), abs(end.b))])
        lo_e = enclose(iv.mpf([lo, lo]))
        hi_e = enclose(hi_iv)
    enc = Enclosure(lo_e.lo, hi_e.hi)
    return ChebyshevFloor(lamf, enc, qf, tsf, E_lp, q_lp, pts)


def _refine_q(lam: float, q0: float) -> float:
    """Solve tanh(λt*) − q t* = q − tanh(λ) with λ sech²(λ t*) = q for q (bisection near q0)."""

    def gap(q: float) -> float:
        ts = np.arctanh(np.sqrt(1 - q / lam)) / lam
        return (np.tanh(lam * ts) - q * ts) - (q - np.tanh(lam))

    lo, hi = max(q0 * 0.9, 1e-300), min(q0 * 1.1, lam * (1 - 1e-15))
    glo, ghi = gap(lo), gap(hi)
    if glo * ghi > 0:
        return q0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        gm = gap(mid)
        if gm == 0:
            return mid
        if (gm > 0) == (glo > 0):
            lo, glo = mid, gm
        else:
            hi = mid
    return 0.5 * (lo + hi)
