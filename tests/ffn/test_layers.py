"""Layers: forward passes against independently written formulas; exact sympy forms; bad input."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from expressivity.exceptions import ComputationTooLargeError, InvalidInputError, NonFiniteError, NumberTypeError, ShapeError
from expressivity.ffn.activations import PAPER_DICTIONARY, get_activation
from expressivity.ffn.layers import (fixed_type1, fixed_type2, input_symbols, la_type1, la_type2, moa_type1, moa_type2,
                                     overhead)

rng = np.random.default_rng(0)
d, m, K = 3, 4, 7
X = rng.normal(size=(6, d))
S = [get_activation(n).fn for n in PAPER_DICTIONARY]


def R(*shape):
    return rng.normal(size=shape)


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_forward_against_einsum_oracles():
    W1, W2, W3, b1, b2 = R(m, d), R(m, d), R(2, m), R(m), R(m)
    al, be, G, U1, c1, U2, c2 = R(K), R(K), R(K, K), R(K, d), R(K), R(K, d), R(K)
    Z1, Z2 = X @ W1.T + b1, X @ W2.T + b2
    phi = lambda Z, a: sum(a[k] * S[k](Z) for k in range(K))  # noqa: E731
    gates = lambda U, c: np.tanh(X @ U.T + c)  # noqa: E731
    mixg = lambda Z, P: sum(P[:, k:k + 1] * S[k](Z) for k in range(K))  # noqa: E731
    cases = [
        (fixed_type1("silu", W1, W3, b1=b1), (Z1 * sig(Z1)) @ W3.T),
        (fixed_type2("silu", W1, W2, W3, b1=b1, b2=b2), ((Z1 * sig(Z1)) * Z2) @ W3.T),
        (la_type1(PAPER_DICTIONARY, al, W1, W3, b1=b1), phi(Z1, al) @ W3.T),
        (la_type2("one", PAPER_DICTIONARY, W1, W2, W3, alpha=al, b1=b1, b2=b2), (phi(Z1, al) * Z2) @ W3.T),
        (la_type2("bi", PAPER_DICTIONARY, W1, W2, W3, alpha=al, beta=be, b1=b1, b2=b2), (phi(Z1, al) * phi(Z2, be)) @ W3.T),
        (la_type2("quad", PAPER_DICTIONARY, W1, W2, W3, gamma=G, b1=b1, b2=b2),
         np.einsum("kl,ktj,ltj->tj", G, np.stack([s(Z1) for s in S]), np.stack([s(Z2) for s in S])) @ W3.T),
        (moa_type1(PAPER_DICTIONARY, W1, W3, U1, c1, b1=b1), mixg(Z1, gates(U1, c1)) @ W3.T),
        (moa_type2("one", PAPER_DICTIONARY, W1, W2, W3, U1, c1, b1=b1, b2=b2), (mixg(Z1, gates(U1, c1)) * Z2) @ W3.T),
        (moa_type2("bi", PAPER_DICTIONARY, W1, W2, W3, U1, c1, U2, c2, b1=b1, b2=b2),
         (mixg(Z1, gates(U1, c1)) * mixg(Z2, gates(U2, c2))) @ W3.T),
    ]
    for layer, ref in cases:
        assert np.allclose(layer(X), ref, rtol=1e-13, atol=1e-13), layer.class_name
        assert layer(X[0]).shape == (2,)


def test_per_neuron_alpha_and_sigmoid_softmax_gates():
    W1, W2 = R(m, d), R(1, m)
    A = R(m, K)
    layer = la_type1(PAPER_DICTIONARY, A, W1, W2)
    Z = X @ W1.T
    ref = sum(A[:, k][None, :] * S[k](Z) for k in range(K)) @ W2.T
    assert np.allclose(layer(X), ref)
    U = R(K, d)
    for gate, fn in (("sigmoid", lambda P: sig(P)), ("softmax", lambda P: np.exp(P) / np.exp(P).sum(1, keepdims=True))):
        mo = moa_type1(PAPER_DICTIONARY, W1, W2, U, gate=gate)
        P = fn(X @ U.T)
        assert np.allclose(mo.gate_values(X), P)
        assert np.allclose(mo(X), sum(P[:, k:k + 1] * S[k](Z) for k in range(K)) @ W2.T)


def test_sympy_form_matches_numpy():
    R_ = sp.Rational
    layers = [
        la_type2("bi", ["relu", "tanh", "square"], [[1, 2], [R_(1, 2), -1]], [[0, 1], [1, 1]], [[1, -2]],
                 alpha=[1, R_(-1, 3), 2], beta=[R_(1, 2), 1, 0], b1=[0, 1]),
        moa_type2("bi", ["relu", "silu"], [[1, 1]], [[1, -1]], [[3]], [[1, 0], [0, 2]], [0, 1], [[1, 1], [0, 0]], [2, 0],
                  gate="sigmoid"),
        la_type2("quad", ["relu2", "id"], [[1, 2]], [[2, -1]], [[1]], gamma=[[1, 2], [0, -1]]),
    ]
    pts = np.random.default_rng(5).uniform(-1, 1, size=(20, 2))
    for layer in layers:
        xs = input_symbols(2)
        f = sp.lambdify(xs, layer.sympy_outputs(xs)[0], modules=[{"Max": np.maximum, "Min": np.minimum}, "numpy"])
        assert np.allclose(layer(pts)[:, 0], f(pts[:, 0], pts[:, 1]), atol=1e-13), layer.class_name


def test_exact_and_float_are_not_mixed():
    with pytest.raises(NumberTypeError, match="mix floats and exact"):
        la_type1(["relu"], alpha=[Fraction(1, 2)], W1=[[1.5]], W2=[[1]])
    assert la_type1(["relu"], alpha=[1], W1=[[1.5]], W2=[[1]]).kind == "float"
    assert la_type1(["relu"], alpha=["1/2"], W1=[[1]], W2=[[1]]).kind == "exact"
    with pytest.raises(NumberTypeError, match="free symbols"):
        la_type1(["relu"], alpha=[sp.Symbol("a")], W1=[[1]], W2=[[1]])


def test_bad_shapes_and_values():
    with pytest.raises(ShapeError, match="alpha must have shape"):
        la_type1(PAPER_DICTIONARY, [1, 2], [[1, 2]], [[1]])
    with pytest.raises(ShapeError, match="W2 must be d_out"):
        fixed_type1("relu", [[1, 2]], [[1, 2]])
    with pytest.raises(ShapeError, match=r"U1 has shape"):
        moa_type1(["relu", "tanh"], [[1, 2]], [[1]], [[1, 2]])
    with pytest.raises(NonFiniteError):
        fixed_type1("relu", [[np.nan]], [[1.0]])
    with pytest.raises(InvalidInputError, match="variants"):
        la_type2("tri", ["relu"], [[1]], [[1]], [[1]], alpha=[1])
    with pytest.raises(InvalidInputError, match="exactly one activation"):
        from expressivity.ffn.layers import FFNLayer
        FFNLayer("I", "fixed", None, ("relu", "tanh"), W1=[[1]], W2=[[1]])
    layer = fixed_type1("relu", [[1.0, 2.0]], [[1.0]])
    with pytest.raises(ShapeError, match=r"\[tokens, 2\]"):
        layer(np.ones((3, 3)))
    with pytest.raises(NonFiniteError):
        layer(np.array([[np.inf, 0.0]]))
    big = la_type1(PAPER_DICTIONARY, np.ones(7), np.ones((100, 1)), np.ones((1, 100)))
    with pytest.raises(ComputationTooLargeError):
        big.sympy_outputs()


def test_overhead_formulas_by_hand():
    o = overhead("moa2_bi", 2048, 5461, 7)
    assert o["base_params"] == 3 * 2048 * 5461 and o["extra_params"] == 2 * 7 * 2048 + 14
    assert o["extra_matmul_flops"] == 4 * 7 * 2048 and o["base_matmul_flops"] == 6 * 2048 * 5461
    assert round(100 * o["relative_params"], 2) == 0.09  # spec §1.7: ≈ 0.09 %
    assert overhead("la2_quad", 8, 16, 7)["extra_params"] == 49
    assert overhead("la1", 8, 16, 7)["activation_evals"] == 6 * 16
    with pytest.raises(InvalidInputError):
        overhead("moe", 1, 1)
    # counted parameters of real layers agree with the formula
    W = lambda r, c: np.zeros((r, c))  # noqa: E731
    base = fixed_type1("relu", W(5, 3), W(3, 5))
    moa = moa_type1(PAPER_DICTIONARY, W(5, 3), W(3, 5), W(7, 3), np.zeros(7))
    assert moa.n_params - base.n_params == overhead("moa1", 3, 5)["extra_params"]


def test_equality_compares_parameters():
    a = la_type1(["relu"], alpha=[1], W1=[[1, 2]], W2=[[3]])
    assert a == la_type1(["relu"], alpha=["1"], W1=[[1, 2]], W2=[[3]])
    assert a != la_type1(["relu"], alpha=[2], W1=[[1, 2]], W2=[[3]])
    assert a != fixed_type1("relu", [[1, 2]], [[3]])
