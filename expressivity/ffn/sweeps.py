"""Numerical sweeps: train the weaker class on a witness at growing width (numeric).

Each sweep first fits a member ``g`` of the weaker class by linear least squares (random or grid
features, outer weights and per-neuron mixing coefficients fitted), then, with ``fit="train"``
(the default), trains **all** of its parameters (hidden weights and biases, mixing coefficients,
output weights) by L-BFGS on the analytic gradients, starting from that least-squares fit
(:func:`~expressivity.ffn.training.fit`).  ``fit="lstsq"`` stops after the least-squares step
(random features only).  ``T_one`` always stops there: its model is a feature superset of
one-sided LA-II, not a layer.  Sweep ``T`` also trains an MoA-I layer of the same width
(``moa=True``) and reports its L² error and how many activations its gates mix
(:func:`~expressivity.ffn.gate_stats.effective_activations`).  Each row reports

* ``rmse`` -- the L² (root-mean-square) error on fresh test points, which shrinks with width;
* ``certified`` -- the gap of *this* fitted ``g`` certified from its parameters (floats read
  as exact binary rationals; interval arithmetic for transcendental targets);
* ``floor`` -- the a-priori floor for the whole class at that width;
* ``measured`` (``T``, ``f1_tanh``) -- the largest value of the certified norm's integrand
  (``|∂₂(T − g)|`` resp. ``|f1' − g'|``) found at sample points, in float64 (the derivative of
  ``g`` from :func:`~expressivity.ffn.derivatives.input_jacobian`, not from the jump lemma):
  an independent, numeric estimate from below of the quantity the two bound columns bound, so
  ``floor ≤ measured`` and ``certified ≤ measured`` (up to rounding) test the certificates; a
  trained network below the floor would be a bug in one of them (:func:`floor_violations`).

The fits are numeric (method ``numeric``); the two bound columns are proved for the networks
and classes they name, and rounded *down* to floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
import sympy as sp

from .._random import as_rng
from ..exceptions import ComputationTooLargeError, InvalidInputError, UnknownNameError
from ..progress import Progress
from .activations import PAPER_DICTIONARY, PL_DICTIONARY, resolve_dictionary
from ..numbers import float_to_fraction
from .certificates import counting_floor, f1_derivative_gap, pl_segment_sup_floor
from .intervals import float_down, tanh_enclosure
from .layers import FFNLayer, fixed_type1, la_type1
from .witnesses import check_lambda, get_witness

__all__ = ["SweepRow", "SweepResult", "sweep", "SWEEPS", "la1_jump_exact", "default_widths", "sweep_memory_bytes",
           "DEFAULT_MAX_MEMORY_GB", "floor_violations", "FIT_MODES", "DEFAULT_TRAIN_ITER", "TRAIN_POINTS", "TRAIN_MAX_WIDTH"]

#: how a sweep fits the weaker class
FIT_MODES = ("train", "lstsq")
#: L-BFGS iterations per width when training (``max_iter``)
DEFAULT_TRAIN_ITER = 150
#: training points of the trained sweeps (the least-squares warm start uses its own, larger, sample)
TRAIN_POINTS = 3000

#: default memory budget of one sweep width (the feature matrices dominate); ``max_memory_gb`` raises it.
DEFAULT_MAX_MEMORY_GB = 4.0

# (features per unit of width, training samples as (floor, per unit of width)) of each sweep's least-squares fit
_SHAPES = {"T": (7, 2000, 21), "T_one": (21, 2000, 42), "f1_relu": (1, 200, 8), "f1_tanh": (1, 4000, 4), "pl": (4, 2000, 12),
           "poly_cubic": (2, 4000, 4)}


def sweep_memory_bytes(name: str, width: int, n_test: int = 4000) -> int:
    """Estimated peak bytes of one width of sweep ``name``: training + test feature matrices and the Gram matrix (float64).

    Examples
    --------
    >>> round(sweep_memory_bytes("T", 1024) / 2**30, 2)
    1.74
    """
    per, floor, per_n = _SHAPES[name]
    f = per * width
    n = max(floor, per_n * width)
    return 8 * (f * (n + n_test) + f * f)

SWEEPS = {
    "T": "T_λ vs per-neuron LA-I (paper dictionary): derivative floor ½ tanh(λ) stays",
    "f1_relu": "f1 vs fixed ReLU Type-I: exact derivative gap ≥ 1/(m+1) shrinks with the L² error",
    "f1_tanh": "f1 vs fixed tanh Type-I: derivative floor ½ stays",
    "pl": "hardtanh(x1)·ReLU(x2) vs PL LA-I: derivative floor ½ stays, sup floor h²/8 shrinks",
    "T_one": "T_λ vs one-sided LA-II (superset: Σ_k σ_k(w·x+b)·affine_k(x) per neuron): floor ½E_λ stays",
    "poly_cubic": "x1·x2² vs LA-I{Id,x²} of width m (per-neuron α; quadratics): sup floor ½ stays, error does not shrink",
}


#: largest default width per sweep when training (L-BFGS cost grows with width × points × K)
TRAIN_MAX_WIDTH = {"T": 64, "T_one": 256, "f1_relu": 1024, "f1_tanh": 1024, "pl": 256, "poly_cubic": 256}


def default_widths(name: str, max_width: int | None = None, fit: str = "lstsq") -> list[int]:
    """Powers of two from 1 up to ``max_width``; by default 1024 (256 for ``T_one``, whose features
    grow as 21 m) for least squares, :data:`TRAIN_MAX_WIDTH` when training.

    Examples
    --------
    >>> default_widths("T", fit="train")
    [1, 2, 4, 8, 16, 32, 64]
    """
    if max_width is not None:
        top = max_width
    elif fit == "train":
        top = TRAIN_MAX_WIDTH.get(name, 256)
    else:
        top = 256 if name == "T_one" else 1024
    out, w = [], 1
    while w <= top:
        out.append(w)
        w *= 2
    return out


@dataclass(frozen=True)
class SweepRow:
    """One width of a sweep (see the module docstring for the columns)."""

    width: int
    rmse: float
    sup_error: float
    certified: float
    certified_exact: str
    floor: float
    n_features: int
    measured: float | None = None
    fit: str = "lstsq"
    train_loss: float | None = None
    iterations: int | None = None
    moa_rmse: float | None = None
    moa_d1_mean: float | None = None
    moa_d1_quartiles: tuple | None = None
    measured_method: str = "numeric"


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
    # a float layer's parameters are read as their exact binary values (deliberate conversion)
    fr = (lambda v: float_to_fraction(v)) if layer.kind == "float" else (lambda v: Fraction(int(sp.Rational(v).p), int(sp.Rational(v).q)))
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


def _train(g: FFNLayer, X: np.ndarray, y: np.ndarray, opts: dict):
    """Train all parameters of ``g`` from its least-squares values (``fit="train"``); else return it unchanged."""
    if opts["fit"] != "train":
        return g, None, None
    from .training import fit

    n = min(len(X), TRAIN_POINTS)
    r = fit(g, X[:n], y[:n], init="given", restarts=1, max_iter=opts["max_iter"], seed=opts["seed"])
    return r.model, r.loss, r.iterations[0]


def _moa_stats(m: int, X: np.ndarray, y: np.ndarray, Xte: np.ndarray, yte: np.ndarray, opts: dict) -> dict:
    """Train an MoA-I (paper dictionary, tanh gate with bias) of width m; its L² error and gate Hill numbers D1."""
    from .gate_stats import effective_activations
    from .layers import moa_type1
    from .training import fit

    K = len(PAPER_DICTIONARY)
    tmpl = moa_type1(PAPER_DICTIONARY, W1=np.ones((m, 2)), W2=np.ones((1, m)), U=np.ones((K, 2)), c=np.ones(K),
                     b1=np.ones(m), gate="tanh")
    n = min(len(X), TRAIN_POINTS)
    r = fit(tmpl, X[:n], y[:n], restarts=1, max_iter=opts["max_iter"], seed=opts["seed"])
    d1 = effective_activations(r.model, Xte, 1.0)
    q = np.quantile(d1, [0.25, 0.5, 0.75])
    return {"moa_rmse": float(np.sqrt(np.mean((r.model(Xte)[:, 0] - yte) ** 2))), "moa_d1_mean": float(np.mean(d1)),
            "moa_d1_quartiles": tuple(float(v) for v in q)}


def _sweep_T(widths, seed, lam, n_test, prog, opts):
    rng = as_rng(seed)
    w = get_witness("T", lam)
    f = w.target_numpy()
    acts = resolve_dictionary(PAPER_DICTIONARY)
    K = len(acts)
    Xte = rng.uniform(-1, 1, size=(n_test, 2))
    tanh_l = tanh_enclosure(lam)
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
        g, loss, its = _train(g, X, f(X), opts)
        err = g(Xte)[:, 0] - f(Xte)
        c = la1_jump_exact(g, axis=1)
        # ½ max(|tanh λ − c|, |tanh λ + c|) ≥ ½ (tanh λ + |c|)
        lo = (tanh_l.lo + abs(c)) / 2
        measured = _sampled_d2_gap_T(g, float(lam))
        moa = _moa_stats(m, X, f(X), Xte, f(Xte), opts) if opts["moa"] else {}
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float_down(lo),
                             f"(tanh λ + |J_g|)/2 with J_g = {float(c):.6g}", float_down(tanh_l.lo / 2), K * m, measured,
                             opts["fit"], loss, its, **moa))
        prog.update(1, f"m={m}")
    return rows


def _sampled_d2_gap_T(g: FFNLayer, lam: float, n: int = 41, delta: float = 1e-9) -> float:
    """max |∂₂(T − g)| over a grid of [−1, 1]² plus the points (x1, ±δ) next to the ridge x2 = 0 (float64).

    ``∂₂g`` comes from :func:`~expressivity.ffn.derivatives.input_jacobian` (any layer, trained or
    not) and ``∂₂T = tanh(λ x1) [x2 > 0]``.  The jump argument says this exceeds ½|J_T(±1) − J_g|
    next to the ridge, which is what the certified columns claim.
    """
    from .derivatives import input_jacobian

    t = np.linspace(-1.0, 1.0, n)
    x1, x2 = np.meshgrid(t, np.concatenate([t, [-delta, delta]]))
    X = np.column_stack([x1.ravel(), x2.ravel()])
    X = X[X[:, 1] != 0.0]  # the ridge itself: one-sided values are taken at ±δ
    d2g = input_jacobian(g, X)[:, 0, 1]
    d2T = np.tanh(lam * X[:, 0]) * (X[:, 1] > 0)
    return float(np.max(np.abs(d2T - d2g)))


def _sweep_T_one(widths, seed, lam, n_test, prog, opts):
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
            s = abs(float_to_fraction(W[j, 1]))
            for k, act in enumerate(acts):
                jump = act.d1_jump_at(Fraction(0))
                if jump:
                    idx = k * m + j
                    B += s * jump * float_to_fraction(coef[idx])
                    A += s * jump * float_to_fraction(coef[2 * K * m + idx])
        # certified gap of this fit: ½ max over the alternation points of |tanh(λ y) − A − B y|
        with interval_precision():
            best = None
            for y in cheb.alternation_points:
                e = iv_tanh(iv_of(lam) * iv_of(y)) - iv_of(A) - iv_of(B) * iv_of(y)
                lo = iv.mpf([0, 0]) if e.a <= 0 <= e.b else iv.mpf([min(abs(e.a), abs(e.b))] * 2)
                best = lo if best is None or lo.a > best.a else best
            cert = enclose(best).lo / 2
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float_down(cert),
                             f"jump A + B y1 with A = {float(A):.4g}, B = {float(B):.4g}", float_down(cheb.enclosure.lo / 2),
                             3 * K * m))
        prog.update(1, f"m={m}")
    return rows


def _sweep_f1_relu(widths, seed, lam, n_test, prog, opts):
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
        g, loss, its = _train(g, X, f(X), opts)
        err = g(Xte)[:, 0] - f(Xte)
        gap = f1_derivative_gap(g)
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float_down(gap), str(gap) if
                             gap.denominator < 10**6 else f"{float_down(gap):.6g} (exact rational, rounded down)",
                             float_down(counting_floor(m)), m, None, opts["fit"], loss, its))
        prog.update(1, f"m={m}")
    return rows


def _sweep_f1_tanh(widths, seed, lam, n_test, prog, opts):
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
        g, loss, its = _train(g, X, f(X), opts)
        W1, b1, a = g.W1, g.b1, g.W2[0]
        err = g(Xte)[:, 0] - f(Xte)
        cert, gp0 = _f1_tanh_certified(W1[:, 0], b1, a)
        x = np.concatenate([np.linspace(-1.0, 1.0, 4001), [-1e-9, 1e-9]])  # ±δ: one-sided values at the kink of f1
        x = x[x != 0.0]
        gp = (a * W1[:, 0] * (1.0 - np.tanh(np.outer(x, W1[:, 0]) + b1) ** 2)).sum(axis=1)
        measured = float(np.max(np.abs(np.where(x > 0, 1.0 + 2.0 * x, 0.0) - gp)))
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float_down(cert),
                             f"max(|1 − g'(0)|, |g'(0)|) with g'(0) ∈ [{float_down(gp0.lo):.6g}, {float(gp0.hi):.6g}]",
                             0.5, m, measured, opts["fit"], loss, its))
        prog.update(1, f"m={m}")
    return rows


def _f1_tanh_certified(w, b, a):
    """Certified ``max(|1 − g'(0)|, |g'(0)|)`` for ``g(x) = Σ a_j tanh(w_j x + b_j)`` (≥ ½).

    ``f1' → 1`` from the right of 0 and ``→ 0`` from the left while ``g'`` is continuous, so
    ``sup |f1' − g'| ≥ max(|1 − g'(0)|, |g'(0)|)``.  ``g'(0) = Σ a_j w_j (1 − tanh² b_j)`` is enclosed
    by interval arithmetic from the exact binary values of the fitted floats.
    """
    from mpmath import iv

    from .intervals import enclose, interval_precision, iv_of, iv_tanh

    with interval_precision():
        tot = iv.mpf(0)
        for wj, bj, aj in zip(w, b, a):
            th = iv_tanh(iv_of(float_to_fraction(bj)))
            tot += iv_of(float_to_fraction(aj)) * iv_of(float_to_fraction(wj)) * (1 - th * th)
        gp0 = enclose(tot)
    # the smallest possible value of max(|1 − v|, |v|) over v in the enclosure
    cands = [max(abs(1 - v), abs(v)) for v in (gp0.lo, gp0.hi)]
    cert = Fraction(1, 2) if gp0.lo <= Fraction(1, 2) <= gp0.hi else min(cands)
    return cert, gp0


def _sweep_pl(widths, seed, lam, n_test, prog, opts):
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
        g, loss, its = _train(g, X, f(X), opts)
        err = g(Xte)[:, 0] - f(Xte)
        c = la1_jump_exact(g, axis=1)
        lo = (1 + abs(c)) / 2  # J_T(±1) = ±1 (hardtanh), J_g ≡ c
        sup_floor = pl_segment_sup_floor(g, (0, 0), (1, 1))
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float_down(lo),
                             f"derivative ≥ {float_down(lo):.6g}; sup ≥ {float_down(sup_floor):.3g} (longest diagonal piece)", 0.5,
                             K * m, None, opts["fit"], loss, its))
        prog.update(1, f"m={m}")
    return rows


def _sweep_poly_cubic(widths, seed, lam, n_test, prog, opts):
    """LA-I over {Id, x²} of width m, per-neuron α: g = Σ_j α_j1 z_j + α_j2 z_j², z_j = w_j·x + b_j."""
    rng = as_rng(seed)
    Xte = rng.uniform(-1, 1, size=(n_test, 2))
    target = lambda X: X[:, 0] * X[:, 1] ** 2  # noqa: E731
    rows = []
    for m in widths:
        W = rng.normal(0, 1.0, size=(m, 2))
        b = rng.uniform(-1, 1, size=m)
        X = rng.uniform(-1, 1, size=(max(4000, 4 * m), 2))
        feats = lambda Z: np.concatenate([Z, Z * Z], axis=1)  # noqa: E731
        coef = _lstsq(feats(X @ W.T + b), target(X))
        loss = its = None
        if opts["fit"] == "train":
            g = la_type1(("id", "square"), alpha=np.column_stack([coef[:m], coef[m:]]), W1=W, W2=np.ones((1, m)), b1=b)
            g, loss, its = _train(g, X, target(X), opts)
            # the reported network: output weights folded into α in float64 (every number below is for it)
            W, b = np.array(g.W1), np.array(g.b1)
            coef = np.concatenate([g.alpha[:, 0] * g.W2[0], g.alpha[:, 1] * g.W2[0]])
        err = feats(Xte @ W.T + b) @ coef - target(Xte)
        cert = _poly_cubic_certified(W, b, coef[:m], coef[m:])
        rows.append(SweepRow(m, float(np.sqrt(np.mean(err ** 2))), float(np.max(np.abs(err))), float_down(cert),
                             f"max |x1 x2² − g| on the 21×21 rational grid = {cert if cert.denominator < 10**6 else float_down(cert)}"
                             " (exact; ≥ ½ by the difference functional)", 0.5, 2 * m, None, opts["fit"], loss, its))
        prog.update(1, f"m={m}")
    return rows


def _poly_cubic_certified(W, b, a1, a2) -> Fraction:
    """Exact ``max |x1 x2² − g(x)|`` over the grid ``{−1, −9/10, …, 1}²`` for the fitted width-m network.

    The network is first collapsed exactly (floats read as their binary values) into the quadratic
    ``c0 + c1 x1 + c2 x2 + c11 x1² + c12 x1 x2 + c22 x2²``; the grid contains the six points of the
    functional ``Δ_(2e1) Δ²_(e2)`` at (−1, −1), so the value is ≥ ½ for every quadratic.
    """
    c = [Fraction(0)] * 6
    for (w1, w2), bj, p, q in zip(W, b, a1, a2):
        w1, w2, bj, p, q = (float_to_fraction(v) for v in (w1, w2, bj, p, q))
        # p z + q z², z = w1 x1 + w2 x2 + b
        terms = (p * bj + q * bj * bj, p * w1 + 2 * q * w1 * bj, p * w2 + 2 * q * w2 * bj, q * w1 * w1, 2 * q * w1 * w2,
                 q * w2 * w2)
        c = [u + v for u, v in zip(c, terms)]
    grid = [Fraction(k, 10) for k in range(-10, 11)]
    best = Fraction(0)
    for x1 in grid:
        for x2 in grid:
            g = c[0] + c[1] * x1 + c[2] * x2 + c[3] * x1 * x1 + c[4] * x1 * x2 + c[5] * x2 * x2
            best = max(best, abs(x1 * x2 * x2 - g))
    return best


_RUNNERS = {"T": _sweep_T, "T_one": _sweep_T_one, "f1_relu": _sweep_f1_relu, "f1_tanh": _sweep_f1_tanh, "pl": _sweep_pl,
            "poly_cubic": _sweep_poly_cubic}


def sweep(name: str, widths: Sequence[int] | None = None, *, seed: Any = 0, lam: Any = 2, n_test: int = 4000,
          progress: bool = True, max_memory_gb: float = DEFAULT_MAX_MEMORY_GB, fit: str = "train",
          max_iter: int = DEFAULT_TRAIN_ITER, moa: bool | None = None) -> SweepResult:
    """Fit the weaker class of witness ``name`` at each width (see :data:`SWEEPS`).

    ``fit="train"`` trains every parameter from the least-squares start (``max_iter`` L-BFGS
    iterations per width; ``T_one`` is always least squares); ``fit="lstsq"`` keeps the
    random-feature fit.  ``moa`` (default: on for ``T`` when training) also trains an MoA-I of
    each width and reports its error and gate statistics.

    Raises
    ------
    ComputationTooLargeError
        If a width needs more than ``max_memory_gb`` (estimated by :func:`sweep_memory_bytes`) -- checked
        for every width before any fitting starts.

    Examples
    --------
    >>> r = sweep("f1_relu", [1, 4, 16], progress=False, max_iter=20)
    >>> [row.certified >= row.floor for row in r.rows], r.rows[0].rmse > r.rows[-1].rmse, r.rows[0].fit
    ([True, True, True], True, 'train')
    """
    if name not in _RUNNERS:
        raise UnknownNameError(f"unknown sweep {name!r}; known: {', '.join(_RUNNERS)}")
    ws = default_widths(name, fit=fit) if widths is None else [int(w) for w in widths]
    if not ws or any(w < 1 for w in ws):
        raise InvalidInputError(f"widths must be positive integers, got {widths!r}")
    if not (isinstance(n_test, int) and n_test >= 1):
        raise InvalidInputError(f"n_test must be a positive integer, got {n_test!r}")
    if not (isinstance(max_memory_gb, (int, float)) and 0 < max_memory_gb < float("inf")):
        raise InvalidInputError(f"max_memory_gb must be a positive finite number, got {max_memory_gb!r}")
    need = max(sweep_memory_bytes(name, w, n_test) for w in ws)
    if need > max_memory_gb * 2**30:
        top = max(ws, key=lambda w: sweep_memory_bytes(name, w, n_test))
        raise ComputationTooLargeError(f"sweep {name} at width {top} needs about {need / 2**30:.1f} GiB of feature matrices, "
                                       f"over the limit of {max_memory_gb:g} GiB; use smaller widths or raise the limit "
                                       "(--max-memory-gb / max_memory_gb)")
    if fit not in FIT_MODES:
        raise InvalidInputError(f"fit must be one of {FIT_MODES}, got {fit!r}")
    if not (isinstance(max_iter, int) and 1 <= max_iter <= 100000):
        raise InvalidInputError(f"max_iter must be an integer in 1..100000, got {max_iter!r}")
    mode = "lstsq" if name == "T_one" else fit
    opts = {"fit": mode, "max_iter": max_iter, "seed": seed if isinstance(seed, int) else 0,
            "moa": (name == "T" and mode == "train") if moa is None else bool(moa) and name == "T"}
    lamf = check_lambda(lam)
    with Progress(len(ws), f"ffn sweep {name}", enabled=progress) as prog:
        rows = _RUNNERS[name](ws, seed, lamf, n_test, prog, opts)
    return SweepResult(name, SWEEPS[name], tuple(rows), {"seed": seed, "lambda": lamf, "fit": mode,
                                                         "max_iter": max_iter if mode == "train" else None})


def floor_violations(result: SweepResult, rel_tol: float = 1e-6) -> list[int]:
    """Widths at which the class floor or the fit's certified gap exceeds the measured norm (should be empty).

    A trained network whose measured witness norm is below the proved floor contradicts the floor
    (or the measurement): the check can fail, e.g. for a floor twice too large.

    Examples
    --------
    >>> r = sweep("f1_tanh", [2, 8], progress=False, max_iter=20)
    >>> floor_violations(r)
    []
    """
    bad = []
    for row in result.rows:
        if row.measured is None:
            continue
        tol = rel_tol * max(1.0, row.measured)
        if row.floor > row.measured + tol or row.certified > row.measured + tol:
            bad.append(row.width)
    return bad
