"""Analytic input Jacobians and parameter gradients of every layer class.

Oracles: sympy differentiation of an independently written symbolic forward pass (small layers,
symbolic parameters) and central finite differences (large layers; h = 1e-6, tolerance
1e-5 relative + 1e-6 absolute, stated below).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from expressivity.exceptions import ShapeError
from expressivity.ffn.activations import PAPER_DICTIONARY
from expressivity.ffn.custom import activation_from_expression
from expressivity.ffn.derivatives import input_jacobian, parameter_gradients
from expressivity.ffn.layers import _ARRAYS, FFNLayer

FD_H, FD_RTOL, FD_ATOL = 1e-6, 1e-5, 1e-6
DESIGNS = [("I", "fixed", None), ("II", "fixed", "one"), ("I", "la", None), ("II", "la", "one"), ("II", "la", "bi"),
           ("II", "la", "quad"), ("I", "moa", None), ("II", "moa", "one"), ("II", "moa", "bi")]


def random_layer(design, acts, d, m, d_out, rng, gate="tanh", per_neuron=False):
    ffn_type, mixing, variant = design
    K = len(acts) if mixing != "fixed" else 1
    acts = acts if mixing != "fixed" else acts[:1]
    R = lambda *s: rng.normal(size=s)
    kw = {"W1": R(m, d), "b1": R(m)}
    kw.update({"W2": R(d_out, m)} if ffn_type == "I" else {"W2": R(m, d), "b2": R(m), "W3": R(d_out, m)})
    if mixing == "la":
        if variant == "quad":
            kw["gamma"] = R(K, K)
        else:
            kw["alpha"] = R(m, K) if per_neuron else R(K)
            if variant == "bi":
                kw["beta"] = R(K)
    if mixing == "moa":
        kw.update(U1=R(K, d), c1=R(K))
        if variant == "bi":
            kw.update(U2=R(K, d), c2=R(K))
    return FFNLayer(ffn_type, mixing, variant, tuple(acts), gate=gate if mixing == "moa" else None, **kw)


def symbolic_forward(layer, xs):
    """The layer as sympy expressions in the inputs *and* symbolic parameters (written independently of the layer code)."""
    P = {n: np.array([sp.Symbol(f"{n}_{'_'.join(map(str, i))}", real=True) for i in np.ndindex(getattr(layer, n).shape)],
                     dtype=object).reshape(getattr(layer, n).shape) for n in _ARRAYS if getattr(layer, n) is not None}
    acts = layer.activations
    K, (m, d) = len(acts), layer.W1.shape
    lin = lambda W, b, j: sum(W[j, i] * xs[i] for i in range(d)) + (b[j] if b is not None else 0)

    def gate(U, c):
        return layer.gate_object.sym([lin(U, c, k) for k in range(K)])

    def mix(z, j, br):
        if layer.mixing == "fixed":
            return acts[0].sym(z)
        if layer.mixing == "la":
            a = P["alpha" if br == 1 else "beta"]
            return sum((a[k] if a.ndim == 1 else a[j, k]) * acts[k].sym(z) for k in range(K))
        g = gate(P["U1"], P.get("c1")) if br == 1 else gate(P["U2"], P.get("c2"))
        return sum(g[k] * acts[k].sym(z) for k in range(K))

    hidden = []
    for j in range(m):
        z1 = lin(P["W1"], P.get("b1"), j)
        if layer.ffn_type == "I":
            hidden.append(mix(z1, j, 1))
            continue
        z2 = lin(P["W2"], P.get("b2"), j)
        if layer.variant == "quad":
            hidden.append(sum(P["gamma"][k, l] * acts[k].sym(z1) * acts[l].sym(z2) for k in range(K) for l in range(K)))
        else:
            hidden.append(mix(z1, j, 1) * (mix(z2, j, 2) if layer.variant == "bi" else z2))
    Wout = P["W2"] if layer.ffn_type == "I" else P["W3"]
    return [sum(Wout[o, j] * hidden[j] for j in range(m)) for o in range(Wout.shape[0])], P


@pytest.mark.parametrize("design", DESIGNS, ids=lambda d: "-".join(v for v in d if v))
def test_gradients_against_sympy_small_layers(design):
    rng = np.random.default_rng(DESIGNS.index(design))
    acts = ["tanh", activation_from_expression("x*tanh(x)"), "relu2"]
    gate = "softmax" if design == ("I", "moa", None) else "sigmoid" if design[2] == "one" else "tanh"
    layer = random_layer(design, acts, d=2, m=2, d_out=2, rng=rng, gate=gate)
    xs = sp.symbols("x1 x2", real=True)
    outs, P = symbolic_forward(layer, xs)
    values = {P[n][i]: float(getattr(layer, n)[i]) for n in P for i in np.ndindex(P[n].shape)}
    X = rng.uniform(-1, 1, (3, 2))
    G = rng.normal(size=(3, 2))
    grads, J = parameter_gradients(layer, X, G), input_jacobian(layer, X)
    syms = list(values)
    wrt = list(xs) + syms
    derivs = sp.lambdify(wrt, [sp.diff(o_, v) for o_ in outs for v in wrt], modules="numpy")
    for t in range(3):
        D = np.array(derivs(*X[t], *[values[v] for v in syms]), dtype=float).reshape(2, len(wrt))
        assert np.allclose(J[t], D[:, :2], rtol=1e-10, atol=1e-12)
    total = sum(G[t, o] * np.array(derivs(*X[t], *[values[v] for v in syms]), dtype=float).reshape(2, len(wrt))[o, 2:]
                for t in range(3) for o in range(2))
    for s, want in zip(syms, total):
        name = str(s).split("_")[0]
        idx = tuple(int(v) for v in str(s).split("_")[1:])
        assert grads[name][idx] == pytest.approx(want, rel=1e-9, abs=1e-11), (name, idx)


@pytest.mark.parametrize("design", DESIGNS, ids=lambda d: "-".join(v for v in d if v))
def test_gradients_against_finite_differences_large_layers(design):
    rng = np.random.default_rng(7)
    layer = random_layer(design, list(PAPER_DICTIONARY), d=3, m=64, d_out=2, rng=rng,
                         per_neuron=design == ("I", "la", None))
    X = rng.uniform(-1, 1, (40, 3))
    G = rng.normal(size=(40, 2))
    grads = parameter_gradients(layer, X, G)
    for name in [n for n in _ARRAYS if getattr(layer, n) is not None]:
        base = np.array(getattr(layer, name), dtype=float)
        for flat in rng.choice(base.size, size=min(6, base.size), replace=False):
            idx = np.unravel_index(flat, base.shape)

            def value(step):
                arr = base.copy()
                arr[idx] += step
                kw = {n: (arr if n == name else getattr(layer, n)) for n in _ARRAYS}
                return float(np.sum(G * FFNLayer(layer.ffn_type, layer.mixing, layer.variant, layer.activations,
                                                 gate=layer.gate_object, **kw)(X)))

            fd = (value(FD_H) - value(-FD_H)) / (2 * FD_H)
            assert grads[name][idx] == pytest.approx(fd, rel=FD_RTOL, abs=FD_ATOL * max(1.0, abs(fd))), (name, idx)
    J = input_jacobian(layer, X)
    E = np.eye(3)
    Jfd = np.stack([(layer(X + FD_H * E[i]) - layer(X - FD_H * E[i])) / (2 * FD_H) for i in range(3)], axis=-1)
    assert np.allclose(J, Jfd, rtol=FD_RTOL, atol=FD_ATOL * max(1.0, np.max(np.abs(Jfd))))


def test_closed_forms_and_bad_cotangents():
    from expressivity.ffn.layers import moa_type1

    T = moa_type1(["relu"], W1=[[0, 1]], W2=[[1]], U=[[2, 0]])  # tanh(2 x1) ReLU(x2)
    x = np.array([[0.3, 0.5], [0.3, -0.5]])
    J = input_jacobian(T, x)
    assert J[0, 0].tolist() == pytest.approx([2 * (1 - np.tanh(0.6) ** 2) * 0.5, np.tanh(0.6)])
    assert J[1, 0].tolist() == [0.0, 0.0]
    g = parameter_gradients(T, x, [1.0, 1.0])
    assert g["U1"][0].tolist() == pytest.approx([(1 - np.tanh(0.6) ** 2) * 0.15, (1 - np.tanh(0.6) ** 2) * 0.25])
    with pytest.raises(ShapeError):
        parameter_gradients(T, x, [[1.0, 2.0]])
