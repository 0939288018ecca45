"""Analytic derivatives of FFN layers: input Jacobians and parameter gradients, batched in numpy (float64).

Every class (Fixed-I/II, LA-I, LA-II one/bi/quad, MoA-I, MoA-II one/bi) is differentiated by one
reverse pass written out from the layer formulas (``layers`` module docstring): with
``A = Σ_k c_k σ_k(Z)`` the mixed branch (``c_k`` = 1, ``α_k`` or the gate ``π_k(x)``),

* ``∂A/∂Z = Σ_k c_k σ_k'(Z)`` (σ' from the activation, the right derivative at a breakpoint);
* ``∂A/∂α_k = σ_k(Z)``; ``∂A/∂π_k = σ_k(Z)``, pulled back through the gate by
  :meth:`~expressivity.ffn.gates.Gate.vjp` to ``U`` and ``c``;
* Type-II products by the product rule; the output matrix by ``∂Y/∂W_out = H``.

:func:`parameter_gradients` returns ``∂/∂θ Σ_t ⟨G_t, f(x_t)⟩`` for a cotangent ``G`` (what training
needs); :func:`input_jacobian` the ``[T, d_out, d]`` array ``∂f_o/∂x_i``.  At a point where some
pre-activation sits exactly on a breakpoint these are one-sided (right) derivatives.  Checked
against sympy on small layers and finite differences on large ones (``tests/ffn/test_derivatives.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import InvalidInputError, ShapeError
from .layers import FFNLayer

__all__ = ["float_parameters", "input_jacobian", "layer_backward", "parameter_gradients"]


def float_parameters(layer: FFNLayer) -> dict[str, np.ndarray]:
    """The layer's parameters as float64 arrays (exact parameters evaluated deliberately)."""
    return dict(layer._f)


def _branch(layer: FFNLayer, f: dict, Z: np.ndarray, X: np.ndarray, branch: int) -> dict:
    acts = layer.activations
    S = [a.fn(Z) for a in acts]
    dS = [a.d1(Z) for a in acts]
    out = {"S": S}
    if layer.mixing == "fixed":
        out["A"], out["dA"] = S[0], dS[0]
        return out
    if layer.mixing == "la":
        c = f["alpha" if branch == 1 else "beta"]
        coef = [c[k] if c.ndim == 1 else c[:, k][None, :] for k in range(len(acts))]
    else:
        U, cb = f["U1" if branch == 1 else "U2"], f.get("c1" if branch == 1 else "c2")
        pre = X @ U.T + (0.0 if cb is None else cb)
        P = layer.gate_object.fn(pre)
        out["pre"], out["P"] = pre, P
        coef = [P[:, k:k + 1] for k in range(len(acts))]
    out["A"] = sum(ck * s for ck, s in zip(coef, S))
    out["dA"] = sum(ck * s for ck, s in zip(coef, dS))
    return out


def _branch_back(layer: FFNLayer, f: dict, br: dict, GA: np.ndarray, X: np.ndarray, branch: int, grads: dict,
                 want_params: bool) -> np.ndarray:
    """Gradients of the coefficients/gates of one branch (into ``grads``); returns the gate part of ∂/∂X."""
    if layer.mixing == "la" and want_params:
        name = "alpha" if branch == 1 else "beta"
        per_neuron = f[name].ndim == 2
        cols = [(GA * s).sum(axis=0) if per_neuron else np.sum(GA * s) for s in br["S"]]
        grads[name] = np.stack(cols, axis=-1) if per_neuron else np.array(cols)
        return 0.0
    if layer.mixing != "moa":
        return 0.0
    GP = np.stack([(GA * s).sum(axis=1) for s in br["S"]], axis=1)  # [T, K]
    Gpre = layer.gate_object.vjp(br["pre"], br["P"], GP)
    U, c = ("U1", "c1") if branch == 1 else ("U2", "c2")
    if want_params:
        grads[U] = Gpre.T @ X
        if c in f:
            grads[c] = Gpre.sum(axis=0)
    return Gpre @ f[U]


def layer_backward(layer: FFNLayer, X: np.ndarray, G: Any, *, want_params: bool = True,
                   f: dict | None = None) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None]:
    """One forward and reverse pass: ``(Y, grads, GX)`` for inputs ``X`` [T, d] and cotangent ``G`` [T, d_out].

    ``grads[name]`` has the shape of parameter ``name``; ``GX = Σ_o G_o ∂f_o/∂x`` ([T, d]).
    ``G`` may be a callable ``G(Y)`` (the loss derivative at the outputs: one forward pass serves
    both), or ``None`` (forward only: ``grads`` empty, ``GX`` None).  ``f`` overrides the parameter
    values (float arrays by name), as training does.
    """
    f = layer._f if f is None else f
    Z1 = X @ f["W1"].T + f.get("b1", 0.0)
    br1 = _branch(layer, f, Z1, X, 1) if layer.variant != "quad" else None
    br2 = Z2 = q = None
    if layer.ffn_type == "I":
        H, Wout, out_name = br1["A"], f["W2"], "W2"
    else:
        Z2 = X @ f["W2"].T + f.get("b2", 0.0)
        Wout, out_name = f["W3"], "W3"
        if layer.variant == "quad":
            q = _quad_forward(layer, f, Z1, Z2)
            H = q["H"]
        elif layer.variant == "bi":
            br2 = _branch(layer, f, Z2, X, 2)
            H = br1["A"] * br2["A"]
        else:
            H = br1["A"] * Z2
    Y = H @ Wout.T
    if G is None:
        return Y, {}, None
    G = G(Y) if callable(G) else G
    grads: dict[str, np.ndarray] = {}
    GH = G @ Wout
    GX = np.zeros_like(X)
    if layer.ffn_type == "I":
        GZ1 = GH * br1["dA"]
        GX = GX + _branch_back(layer, f, br1, GH, X, 1, grads, want_params)
    else:
        if q is not None:
            GZ1, GZ2 = _quad_back(layer, f, q, GH, grads, want_params)
        else:
            if br2 is not None:
                GA2 = GH * br1["A"]
                GZ2 = GA2 * br2["dA"]
                GX = GX + _branch_back(layer, f, br2, GA2, X, 2, grads, want_params)
                GA1 = GH * br2["A"]
            else:
                GZ2 = GH * br1["A"]
                GA1 = GH * Z2
            GZ1 = GA1 * br1["dA"]
            GX = GX + _branch_back(layer, f, br1, GA1, X, 1, grads, want_params)
        GX = GX + GZ2 @ f["W2"]
        if want_params:
            grads["W2"] = GZ2.T @ X
            if "b2" in f:
                grads["b2"] = GZ2.sum(axis=0)
    GX = GX + GZ1 @ f["W1"]
    if want_params:
        grads[out_name] = G.T @ H
        grads["W1"] = GZ1.T @ X
        if "b1" in f:
            grads["b1"] = GZ1.sum(axis=0)
    return Y, grads, GX


def _quad_forward(layer, f, Z1, Z2) -> dict:
    acts = layer.activations
    q = {"S1": [a.fn(Z1) for a in acts], "S2": [a.fn(Z2) for a in acts],
         "D1": [a.d1(Z1) for a in acts], "D2": [a.d1(Z2) for a in acts]}
    Gm = f["gamma"]
    H = np.zeros_like(Z1)
    for k in range(len(acts)):
        for l in range(len(acts)):
            if Gm[k, l] != 0:
                H += Gm[k, l] * q["S1"][k] * q["S2"][l]
    q["H"] = H
    return q


def _quad_back(layer, f, q, GH, grads, want_params):
    Gm = f["gamma"]
    K = len(layer.activations)
    GZ1, GZ2 = np.zeros_like(GH), np.zeros_like(GH)
    gG = np.zeros((K, K))
    for k in range(K):
        for l in range(K):
            GZ1 += Gm[k, l] * q["D1"][k] * q["S2"][l]
            GZ2 += Gm[k, l] * q["S1"][k] * q["D2"][l]
            if want_params:
                gG[k, l] = np.sum(GH * q["S1"][k] * q["S2"][l])
    if want_params:
        grads["gamma"] = gG
    return GH * GZ1, GH * GZ2


def _check(layer: FFNLayer, X: Any) -> np.ndarray:
    Xf, _ = layer._check_input(X)
    return Xf


def input_jacobian(layer: FFNLayer, X: Any) -> np.ndarray:
    """``J[t, o, i] = ∂f_o/∂x_i (x_t)``, shape ``[T, d_out, d]``.

    Examples
    --------
    >>> from expressivity.ffn.layers import moa_type1
    >>> T = moa_type1(["relu"], W1=[[0, 1]], W2=[[1]], U=[[2, 0]])
    >>> J = input_jacobian(T, [[0.5, 0.25]])   # ∂/∂x (tanh(2 x1) ReLU(x2))
    >>> np.round(J[0, 0], 6).tolist()
    [0.209987, 0.761594]
    """
    Xf = _check(layer, X)
    J = np.empty((Xf.shape[0], layer.out_dim, layer.in_dim))
    for o in range(layer.out_dim):
        G = np.zeros((Xf.shape[0], layer.out_dim))
        G[:, o] = 1.0
        J[:, o, :] = layer_backward(layer, Xf, G, want_params=False)[2]
    return J


def parameter_gradients(layer: FFNLayer, X: Any, G: Any) -> dict[str, np.ndarray]:
    """``∂/∂θ Σ_t ⟨G_t, f(x_t)⟩`` for every parameter θ of the layer (a vector-Jacobian product).

    With ``G`` the derivative of a loss with respect to the outputs this is the loss gradient.

    Examples
    --------
    >>> from expressivity.ffn.layers import la_type1
    >>> f = la_type1(["relu", "relu2"], alpha=[1.0, 1.0], W1=[[1.0]], W2=[[1.0]])
    >>> g = parameter_gradients(f, [[0.5]], [[1.0]])  # f = a(ReLU(w x) α1 + ReLU(w x)² α2)
    >>> g["alpha"].tolist(), g["W1"].tolist(), g["W2"].tolist()
    ([0.5, 0.25], [[1.0]], [[0.75]])
    """
    Xf = _check(layer, X)
    Gf = np.asarray(G, dtype=np.float64)
    if Gf.ndim == 1 and layer.out_dim == 1 and Gf.shape[0] == Xf.shape[0]:
        Gf = Gf[:, None]
    if Gf.shape != (Xf.shape[0], layer.out_dim):
        raise ShapeError(f"cotangent G must have shape [{Xf.shape[0]}, {layer.out_dim}], got {Gf.shape}")
    if not np.all(np.isfinite(Gf)):
        raise InvalidInputError("cotangent G contains NaN or infinity")
    return layer_backward(layer, Xf, Gf)[1]
