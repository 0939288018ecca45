"""Numerical sweeps: fit the weaker class to a witness at growing width (issue 6 item 6).

Each sweep fits a member ``g`` of the weaker class by linear least squares (random or grid
features, outer weights and per-neuron mixing coefficients fitted; a superset of the class,
so its error is a lower envelope of the class's), then reports

* ``rmse`` -- the L² (root-mean-square) error on fresh test points, which shrinks with width;
* ``certified`` -- the gap of *this* fitted ``g`` certified from its parameters (floats read
  as exact binary rationals; interval arithmetic for transcendental targets);
* ``floor`` -- the a-priori floor for the whole class at that width.

The fits are numeric (method ``numeric``); the two bound columns are proved for the networks
and classes they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
import sympy as sp

from .._random import as_rng
from ..exceptions import InvalidInputError, UnknownNameError
from ..progress import Progress
from .activations import PAPER_DICTIONARY, PL_DICTIONARY, resolve_dictionary
from .certificates import counting_floor, f1_derivative_gap, pl_segment_sup_floor
from .intervals import tanh_enclosure
from .layers import FFNLayer, fixed_type1, la_type1
from .witnesses import get_witness

__all__ = ["SweepRow", "SweepResult", "sweep", "SWEEPS", "la1_jump_exact", "default_widths"]

SWEEPS = {
    "T": "T_λ vs per-neuron LA-I (paper dictionary): derivative floor ½ tanh(λ) stays",
    "f1_relu": "f1 vs fixed ReLU Type-I: exact derivative gap ≥ 1/(m+1) shrinks with the L² error",
    "f1_tanh": "f1 vs fixed tanh Type-I: derivative floor ½ stays",
    "pl": "hardtanh(x1)·ReLU(x2) vs PL LA-I: derivative floor ½ stays, sup floor h²/8 shrinks",
    "T_one": "T_λ vs one-sided LA-II (superset: Σ_k σ_k(w·x+b)·affine_k(x) per neuron): floor ½E_λ stays",
    "poly_cubic": "x1·x2² vs all quadratics (⊇ LA-I{Id,x²} of any width): sup floor ½ stays, error does not shrink",
}


def default_widths(name: str, max_width: int | None = None) -> list[int]:
    """Powers of two from 1 up to 1024 (256 for ``T_one``, whose features grow as 21 m), or ``max_width``."""
    top = max_width if max_width is not None else (256 if name == "T_one" else 1024)
    out, w = [], 1
    while w <= top:
        out.append(w)
        w *= 2
    return out


@dataclass(frozen=True)
class SweepRow:
    width: int
    rmse: float
    sup_error: float
    certified: float
    certified_exact: str
    floor: float
    n_features: int


@dataclass(frozen=True)
class SweepResult:
    name: str
    description: str
    rows: tuple[SweepRow, ...]
    params: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"name": self.name, "description": self.description, "params": {k: str(v) for k, v in self.params.items()},
                "rows": [r.__dict__ for r in self.rows]}


def _lstsq(A: np.ndarray, y: np.ndarray, ridge: float = 1e-10) -> np.ndarray:
    # normal equations with a tiny ridge: features can be collinear (Id vs LeakyReLU, ...)
    G = A.T @ A
    G[np.diag_indices_from(G)] += ridge * (np.trace(G) / G.shape[0] + 1.0)
    return np.linalg.solve(G, A.T @ y)


def la1_jump_exact(layer: FFNLayer, axis: int, t: Fraction = Fraction(0)) -> Fraction:
    """Exact constant ridge jump of ``∂_{x_axis} g`` across ``{x_axis = t}`` for a fixed/LA Type-I layer.

    Fast Fraction path of :func:`~expressivity.ffn.certificates.ridge_jump` (same lemma): only
    neurons with ``w = s e_axis`` whose kink level ``(z0 − b)/s`` equals ``t`` contribute
    ``a α_k |s| [σ_k'](z0)``.
    """
    if layer.ffn_type != "I" or layer.mixing == "moa" or layer.out_dim != 1:
        raise InvalidInputError("la1_jump_exact needs a scalar fixed/LA Type-I layer")
    acts = layer.activations
    W1, W2 = layer.W1, layer.W2
    b1 = layer.b1
    al = layer.alpha
    fr = (lambda v: Fraction(float(v))) if layer.kind == "float" else (lambda v: Fraction(int(sp.Rational(v).p), int(sp.Rational(v).q)))
    total = Fraction(0)
    d = layer.in_dim
    for j in range(layer.width):
        if W2[0, j] == 0 or W1[j, axis] == 0 or any(W1[j, i] != 0 for i in range(d) if i != axis):
            continue
        s = fr(W1[j, axis])
        b = fr(b1[j]) if b1 is not None else Fraction(0)
        a = fr(W2[0, j])
        for k, act in enumerate(acts):
            c = Fraction(1) if layer.mixing == "fixed" else fr(al[k] if al.ndim == 1 else al[j, k])
            for z0, jump in zip(act.breakpoints, act.d1_jumps):
                if jump != 0 and (z0 - b) / s == Fraction(t):
                    total += a * c * abs(s) * jump
    return total


def _features_la1(X, W, b, acts):
    Z = X @ W.T + b
    return np.concatenate([a.fn(Z) for a in acts], axis=1)


def _sweep_T(widths, seed, lam, n_test, prog):
    rng = as_rng(seed)
    w = get_witness("T", lam)
    f = w.target_numpy()
    acts = resolve_dictionary(PAPER_DICTIONARY)
    K = len(acts)
    Xte = rng.uniform(-1, 1, size=(n_test, 2))
    tanh_l = tanh_enclosure(Fraction(lam))
    rows = []
    for m in widths:
        n_axis = max(1, m // 4)
        W = rng.normal(0, 3.0, size=(m, 2))
        b = rng.uniform(-3, 3, size=m)
        W[:n_axis] = np.column_stack([np.zeros(n_axis), rng.choice([-1.0, 1.0], n_axis) * rng.uniform(0.5, 3, n_axis)])
        b[:n_axis] = 0.0  # kinks exactly on x2 = 0: LA may place ridge jumps there
        n_train = max(2000, 3 * K * m)
        X = rng.uniform(-1, 1, size=(n_train, 2))
        coef = _lstsq(_features_la1(X, W, b, acts), f(X))
        alpha = coef.reshape(K, m).T  # per-neuron α, W2 = 1
        g = la_type1(PAPER_DICTIONARY, alpha=alpha, W1=W, W2=np.ones((1, m)), b1=b)
        err = g(Xte)[:, 0] - f(Xte)
        c = la1_jump_exact(g, axis=1)
        # ½ max(|tanh λ − c|, |tanh λ + c|) ≥ ½ (tanh λ + |c|)
        lo = (tanh_l.lo + abs(c)) / 2
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float(lo),
                             f"(tanh λ + |J_g|)/2 with J_g = {float(c):.6g}", float(tanh_l.lo / 2), K * m))
        prog.update(1, f"m={m}")
    return rows


def _sweep_T_one(widths, seed, lam, n_test, prog):
    from mpmath import iv

    from .chebyshev import chebyshev_affine_floor
    from .intervals import enclose, interval_precision, iv_of, iv_tanh

    rng = as_rng(seed)
    f = get_witness("T_one", lam).target_numpy()
    acts = resolve_dictionary(PAPER_DICTIONARY)
    K = len(acts)
    cheb = chebyshev_affine_floor(lam, 4001)
    Xte = rng.uniform(-1, 1, size=(n_test, 2))
    rows = []

    def feats(Z, X):
        S = np.concatenate([a.fn(Z) for a in acts], axis=1)  # [T, K m]
        return np.concatenate([S * X[:, :1], S * X[:, 1:2], S], axis=1)

    for m in widths:
        n_axis = max(1, m // 4)
        W = rng.normal(0, 3.0, size=(m, 2))
        b = rng.uniform(-3, 3, size=m)
        W[:n_axis] = np.column_stack([np.zeros(n_axis), rng.choice([-1.0, 1.0], n_axis) * rng.uniform(0.5, 3, n_axis)])
        b[:n_axis] = 0.0
        n_train = max(2000, 2 * 3 * K * m)
        X = rng.uniform(-1, 1, size=(n_train, 2))
        coef = _lstsq(feats(X @ W.T + b, X), f(X))
        err = feats(Xte @ W.T + b, Xte) @ coef - f(Xte)
        # exact jump across x2 = 0: neurons (0, s) with b = 0 contribute |s| [σ_k'](0) (c1 y1 + c2·0 + c0)
        A = B = Fraction(0)
        for j in range(n_axis):
            s = abs(Fraction(float(W[j, 1])))
            for k, act in enumerate(acts):
                jump = act.d1_jump_at(Fraction(0))
                if jump:
                    idx = k * m + j
                    B += s * jump * Fraction(float(coef[idx]))
                    A += s * jump * Fraction(float(coef[2 * K * m + idx]))
        # certified gap of this fit: ½ max over the alternation points of |tanh(λ y) − A − B y|
        with interval_precision():
            best = None
            for y in cheb.alternation_points:
                e = iv_tanh(iv_of(Fraction(lam)) * iv_of(y)) - iv_of(A) - iv_of(B) * iv_of(y)
                lo = iv.mpf([0, 0]) if e.a <= 0 <= e.b else iv.mpf([min(abs(e.a), abs(e.b))] * 2)
                best = lo if best is None or lo.a > best.a else best
            cert = enclose(best).lo / 2
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float(cert),
                             f"jump A + B y1 with A = {float(A):.4g}, B = {float(B):.4g}", float(cheb.enclosure.lo / 2),
                             3 * K * m))
        prog.update(1, f"m={m}")
    return rows


def _sweep_f1_relu(widths, seed, lam, n_test, prog):
    w = get_witness("f1")
    f = w.target_numpy()
    Xte = np.linspace(-1, 1, n_test)[:, None]
    rows = []
    for m in widths:
        knots = np.arange(m) / m  # includes the kink of f1 at 0
        W1 = np.ones((m, 1))
        b1 = -knots
        X = np.linspace(-1, 1, 8 * m + 200)[:, None]
        A = np.maximum(X @ W1.T + b1, 0.0)
        a = np.linalg.lstsq(A, f(X), rcond=None)[0]  # knot features are ill-conditioned: no normal equations
        g = fixed_type1("relu", W1, a[None, :], b1)
        err = g(Xte)[:, 0] - f(Xte)
        gap = f1_derivative_gap(g)
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float(gap), str(gap) if
                             gap.denominator < 10**6 else f"{float(gap):.6g} (exact rational)", float(counting_floor(m)), m))
        prog.update(1, f"m={m}")
    return rows


def _sweep_f1_tanh(widths, seed, lam, n_test, prog):
    rng = as_rng(seed)
    f = get_witness("f1").target_numpy()
    Xte = rng.uniform(-1, 1, size=(n_test, 1))
    rows = []
    for m in widths:
        W1 = rng.normal(0, 1, size=(m, 1)) * np.geomspace(1, 200, m)[:, None]
        b1 = -W1[:, 0] * rng.uniform(-1, 1, size=m)
        X = rng.uniform(-1, 1, size=(max(4000, 4 * m), 1))
        a = _lstsq(np.tanh(X @ W1.T + b1), f(X))
        g = fixed_type1("tanh", W1, a[None, :], b1)
        err = g(Xte)[:, 0] - f(Xte)
        # tanh nets are C¹: the jump of g' at 0 is 0 (metadata), f1' jumps by 1
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), 0.5, "1/2", 0.5, m))
        prog.update(1, f"m={m}")
    return rows


def _sweep_pl(widths, seed, lam, n_test, prog):
    rng = as_rng(seed)
    f = get_witness("pl").target_numpy()
    acts = resolve_dictionary(PL_DICTIONARY)
    K = len(acts)
    Xte = rng.uniform(-1, 1, size=(n_test, 2))
    rows = []
    for m in widths:
        W = rng.normal(0, 2.0, size=(m, 2))
        b = rng.uniform(-2, 2, size=m)
        X = rng.uniform(-1, 1, size=(max(2000, 3 * K * m), 2))
        coef = _lstsq(_features_la1(X, W, b, acts), f(X))
        g = la_type1(PL_DICTIONARY, alpha=coef.reshape(K, m).T, W1=W, W2=np.ones((1, m)), b1=b)
        err = g(Xte)[:, 0] - f(Xte)
        c = la1_jump_exact(g, axis=1)
        lo = (1 + abs(c)) / 2  # J_T(±1) = ±1 (hardtanh), J_g ≡ c
        sup_floor = pl_segment_sup_floor(g, (0, 0), (1, 1))
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float(lo),
                             f"derivative ≥ {float(lo):.6g}; sup ≥ {float(sup_floor):.3g} (longest diagonal piece)", 0.5, K * m))
        prog.update(1, f"m={m}")
    return rows


def _sweep_poly_cubic(widths, seed, lam, n_test, prog):
    rng = as_rng(seed)
    Xte = rng.uniform(-1, 1, size=(n_test, 2))
    rows = []
    for m in widths:
        X = rng.uniform(-1, 1, size=(4000, 2))

        def feats(Z):
            x1, x2 = Z[:, 0], Z[:, 1]
            return np.column_stack([np.ones_like(x1), x1, x2, x1 * x1, x1 * x2, x2 * x2])

        y = X[:, 0] * X[:, 1] ** 2
        c = _lstsq(feats(X), y)
        err = feats(Xte) @ c - Xte[:, 0] * Xte[:, 1] ** 2
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), 0.5, "1/2", 0.5, 6))
        prog.update(1, f"m={m}")
    return rows


_RUNNERS = {"T": _sweep_T, "T_one": _sweep_T_one, "f1_relu": _sweep_f1_relu, "f1_tanh": _sweep_f1_tanh, "pl": _sweep_pl,
            "poly_cubic": _sweep_poly_cubic}


def sweep(name: str, widths: Sequence[int] | None = None, *, seed: Any = 0, lam: Any = 2, n_test: int = 4000,
          progress: bool = True) -> SweepResult:
    """Fit the weaker class of witness ``name`` at each width (see :data:`SWEEPS`).

    Examples
    --------
    >>> r = sweep("f1_relu", [1, 4, 16], progress=False)
    >>> [row.certified >= row.floor for row in r.rows], r.rows[0].rmse > r.rows[-1].rmse
    ([True, True, True], True)
    """
    if name not in _RUNNERS:
        raise UnknownNameError(f"unknown sweep {name!r}; known: {', '.join(_RUNNERS)}")
    ws = default_widths(name) if widths is None else [int(w) for w in widths]
    if not ws or any(w < 1 for w in ws):
        raise InvalidInputError(f"widths must be positive integers, got {widths!r}")
    lamf = Fraction(lam) if not isinstance(lam, float) else Fraction(lam)
    with Progress(len(ws), f"ffn sweep {name}", enabled=progress) as prog:
        rows = _RUNNERS[name](ws, seed, lamf, n_test, prog)
    return SweepResult(name, SWEEPS[name], tuple(rows), {"seed": seed, "lambda": lamf})
