"""FFN claims about user activations, analytic derivatives and training (WWXSZ26 classes)."""

from __future__ import annotations

import numpy as np

from expressivity.ffn.activations import get_activation
from expressivity.ffn.custom import activation_from_expression, check_activation
from expressivity.ffn.derivatives import input_jacobian, parameter_gradients
from expressivity.ffn.layers import _ARRAYS, FFNLayer, la_type1
from expressivity.ffn.sweeps import floor_violations, sweep
from expressivity.ffn.training import fit, template

from ..registry import Outcome, claim

_FORMULAS = {"relu": "Max(x, 0)", "relu2": "Max(x, 0)**2", "hardtanh": "Min(Max(x, -1), 1)",
             "leaky_relu(1/10)": "Max(x, x/10)", "id": "x", "square": "x**2", "silu": "x*sigmoid(x)",
             "gelu": "x*(1 + erf(x/sqrt(2)))/2", "tanh": "tanh(x)", "sigmoid": "sigmoid(x)"}
_META = ("smoothness", "breakpoints", "d1_jumps", "d2_jumps", "piece_degrees")


@claim(
    "ffn.custom.formula_metadata_matches_table",
    statement="Activations given as formulas get, from the sympy piece analysis, exactly the breakpoints, σ'/σ'' jumps, "
              "piece degrees and smoothness class of the hand-written dictionary table, and the jumps re-checked from "
              "sympy's derivative of the unsplit formula",
    source="expressivity formula analysis of user activations; WWXSZ26 activation dictionary",
    method="symbolic",
)
def _formulas(full: bool) -> Outcome:
    rows = {}
    for name, text in _FORMULAS.items():
        a, b = activation_from_expression(text), get_activation(name)
        got, want = tuple(getattr(a, k) for k in _META), tuple(getattr(b, k) for k in _META)
        if got != want:
            return Outcome(False, f"{text}: derived {got}, table {want}")
        check_activation(a)
        rows[name] = text
    return Outcome(True, f"{len(rows)} formulas reproduce the table", rows)


@claim(
    "ffn.derivatives.finite_differences",
    statement="The analytic parameter gradients and input Jacobians of every layer class (Fixed/LA/MoA, Type-I and "
              "Type-II one/bi/quad) agree with central finite differences (h = 1e-6) to 1e-5 relative",
    source="expressivity analytic derivatives of the WWXSZ26 layer classes",
    method="numeric",
    has_full=True,
)
def _fd(full: bool) -> Outcome:
    rng = np.random.default_rng(0)
    worst = 0.0
    classes = ("fixed-i", "fixed-ii", "la-i", "la-ii-one", "la-ii-bi", "la-ii-quad", "moa-i", "moa-ii-one", "moa-ii-bi")
    m = 32 if full else 8
    for cls in classes:
        acts = ["silu"] if cls.startswith("fixed") else ["relu2", "gelu", "tanh", activation_from_expression("x*tanh(x)")]
        L = template(cls, acts, m, 3, 2, seed=1)
        X, G = rng.uniform(-1, 1, (20, 3)), rng.normal(size=(20, 2))
        g = parameter_gradients(L, X, G)
        for name in [n for n in _ARRAYS if getattr(L, n) is not None]:
            base = np.array(getattr(L, name))
            idx = tuple(int(rng.integers(s)) for s in base.shape)
            vals = []
            for step in (1e-6, -1e-6):
                arr = base.copy()
                arr[idx] += step
                kw = {n: (arr if n == name else getattr(L, n)) for n in _ARRAYS}
                vals.append(float(np.sum(G * FFNLayer(L.ffn_type, L.mixing, L.variant, L.activations, gate=L.gate_object,
                                                      **kw)(X))))
            fd = (vals[0] - vals[1]) / 2e-6
            worst = max(worst, abs(fd - g[name][idx]) / max(1.0, abs(fd)))
        J = input_jacobian(L, X)
        E = np.eye(3)
        Jfd = np.stack([(L(X + 1e-6 * E[i]) - L(X - 1e-6 * E[i])) / 2e-6 for i in range(3)], axis=-1)
        worst = max(worst, float(np.max(np.abs(J - Jfd)) / max(1.0, float(np.max(np.abs(Jfd))))))
    return Outcome(worst < 1e-5, f"{len(classes)} classes, width {m}: largest relative difference {worst:.2e}")


@claim(
    "ffn.training.exact_target_reached",
    statement="Training all parameters of an LA-I layer (L-BFGS on analytic gradients) on the output of an LA-I "
              "network of smaller width reaches a loss below 1e-10 × Var(y) from every seed tried",
    source="expressivity training oracle for the WWXSZ26 LA-I class",
    method="numeric",
    has_full=True,
)
def _oracle(full: bool) -> Outcome:
    teacher = la_type1(["relu", "relu2", "tanh"], alpha=[1.0, 1.0, -0.5], W1=[[1.2, -0.4], [0.3, 0.9]],
                       W2=[[1.0, -0.7]], b1=[0.1, -0.2])
    X = np.random.default_rng(5).uniform(-1, 1, (200, 2))
    y = teacher(X)
    seeds = [0, 1, 2, 3] if full else [0]
    losses = [fit(template("la-i", teacher.activations, 4, 2, seed=s), X, y, seed=s, restarts=12, max_iter=2000).loss
              for s in seeds]
    ok = all(v < 1e-10 * float(np.var(y)) for v in losses)
    return Outcome(ok, "seeds " + ", ".join(f"{s}: loss {v:.1e}" for s, v in zip(seeds, losses)) +
                   f" (Var y = {np.var(y):.3f}; 12 restarts each)", scope=None if full else "checked for seed 0")


@claim(
    "ffn.sweep.trained_floor_below_measured",
    statement="LA-I layers trained on T_2 (all parameters, from a least-squares start) never get below the certified "
              "floor ½ tanh 2 of ‖∂₂(T − g)‖_∞: the norm measured on a grid, beside the ridge, is above it at every width",
    source="WWXSZ26 Thm 4.2 (reconstructed); expressivity trained sweep",
    method="numeric",
    has_full=True,
)
def _trained(full: bool) -> Outcome:
    widths = [1, 2, 4, 8, 16, 32, 64] if full else [1, 4]
    r = sweep("T", widths, seed=0, progress=False, max_iter=150 if full else 40, moa=full)
    bad = floor_violations(r)
    details = ", ".join(f"m={row.width}: L2 {row.rmse:.2e}, measured {row.measured:.4f}" for row in r.rows)
    return Outcome(not bad, details + f" ≥ floor {r.rows[0].floor:.4f}" + (f"; VIOLATED at {bad}" if bad else ""),
                   r.to_json())


@claim(
    "ffn.t3.mixed_derivative_floor",
    statement="‖∂₂∂₃(T3 − g)‖_∞ ≥ ¼ tanh 2 for every bi-LA / quad-LA layer g of any width (double-jump argument), "
              "and trained bi-LA and quad-LA layers stay above it while the exact bi-MoA witness measures ~0",
    source="WWXSZ26 LA ⊊ MoA separation, Type-II reconstruction; expressivity double-jump floor",
    method="numeric",
    has_full=True,
)
def _t3(full: bool) -> Outcome:
    from expressivity.ffn.activations import PAPER_DICTIONARY
    from expressivity.ffn.witnesses import (
        get_witness,
        t3_mixed_derivative_floor,
        t3_mixed_derivative_measured,
    )

    c = t3_mixed_derivative_floor(2)
    w = get_witness("T3")
    X = np.random.default_rng(0).uniform(-1, 1, (800, 3))
    y = w.target_numpy()(X)
    widths = (2, 6, 16) if full else (2,)
    measured = {f"{cls} m={m}": t3_mixed_derivative_measured(
        fit(template(cls, PAPER_DICTIONARY, m, 3), X, y, seed=0, max_iter=60).model, 2)
        for cls in ("la-ii-bi", "la-ii-quad") for m in widths}
    exact = t3_mixed_derivative_measured(w.stronger, 2)
    ok = all(v >= float(c.lower_bound) for v in measured.values()) and exact < 1e-6
    return Outcome(ok, f"floor {float(c.lower_bound):.6f} [interval]; measured " +
                   ", ".join(f"{k}: {v:.3f}" for k, v in measured.items()) + f"; exact bi-MoA witness {exact:.1e}")
