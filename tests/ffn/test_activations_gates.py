"""Activation dictionary and gates: numpy vs sympy forms, metadata vs numeric one-sided derivatives."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from expressivity.exceptions import InvalidInputError, UnknownNameError
from expressivity.ffn.activations import PAPER_DICTIONARY, activation_names, get_activation, resolve_dictionary
from expressivity.ffn.gates import GateRepresentationError, constant_gate_bias, gate_names, get_gate

Z = np.linspace(-3, 3, 61) + 1e-3  # avoid landing exactly on breakpoints


@pytest.mark.parametrize("name", activation_names() + ["leaky_relu(1/10)"])
def test_numpy_matches_sympy_and_derivative(name):
    a = get_activation(name)
    z = sp.Symbol("z", real=True)
    f = sp.lambdify(z, a.sym(z), modules=[{"Max": np.maximum, "Min": np.minimum}, "numpy", "scipy"])
    got = a(Z)
    assert np.allclose(got, np.broadcast_to(f(Z), Z.shape), rtol=1e-12, atol=1e-14)
    # derivative: numpy d1 against a central difference (independent of both forms)
    h = 1e-6
    fd = (a(Z + h) - a(Z - h)) / (2 * h)
    assert np.allclose(a.d1(Z), fd, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in activation_names() if get_activation(n).breakpoints])
def test_jump_metadata_against_one_sided_differences(name):
    a = get_activation(name)
    h = 1e-7
    for b, j in zip(a.breakpoints, a.d1_jumps):
        b = float(b)
        right = (a(np.array([b + 2 * h])) - a(np.array([b + h]))) / h
        left = (a(np.array([b - h])) - a(np.array([b - 2 * h]))) / h
        assert abs(float(right[0] - left[0]) - float(j)) < 1e-6


@given(st.fractions(min_value=-5, max_value=5, max_denominator=1000))
def test_exact_values_match_float(z):
    for name in ("id", "square", "relu", "relu2", "leaky_relu", "hardtanh"):
        a = get_activation(name)
        assert abs(float(a.exact(z)) - float(a(np.array([float(z)]))[0])) < 1e-12


def test_metadata_flags():
    assert get_activation("relu2").is_c1 and not get_activation("relu").is_c1
    assert get_activation("hardtanh").is_piecewise_linear and get_activation("hardtanh").d1_jumps == (1, -1)
    assert get_activation("gelu").piece_degrees is None and get_activation("gelu").smoothness == "analytic"
    assert get_activation("leaky_relu(1/4)").d1_jumps == (Fraction(3, 4),)
    assert len(PAPER_DICTIONARY) == 7


def test_unknown_and_bad_names():
    with pytest.raises(UnknownNameError, match="unknown activation 'swish'"):
        get_activation("swish")
    with pytest.raises(InvalidInputError, match="0 <= eta < 1"):
        get_activation("leaky_relu(2)")
    with pytest.raises(InvalidInputError, match="twice"):
        resolve_dictionary(["relu", "relu"])
    with pytest.raises(UnknownNameError, match="unknown gate"):
        get_gate("relu6")
    with pytest.raises(InvalidInputError):
        get_activation("tanh").exact(Fraction(1))


@pytest.mark.parametrize("gate", gate_names())
def test_gate_numpy_matches_sympy(gate):
    g = get_gate(gate)
    rng = np.random.default_rng(0)
    pre = rng.normal(size=(5, 3)) * 2
    zs = sp.symbols("a b c", real=True)
    exprs = g.sym(list(zs))
    f = sp.lambdify(zs, exprs, modules=[{"Max": np.maximum, "Min": np.minimum}, "numpy"])
    ref = np.array([f(*row) for row in pre], dtype=np.float64)
    assert np.allclose(g.fn(pre), ref, atol=1e-14)


def test_constant_gate_bias_inverts_gate():
    vals = [Fraction(1, 3), Fraction(1, 2), Fraction(1, 6)]
    for gate in ("tanh", "sigmoid", "softmax", "hardtanh", "hardsigmoid", "linear"):
        c = constant_gate_bias(gate, vals)
        out = get_gate(gate).sym(c)
        assert [sp.simplify(v) for v in out] == [sp.Rational(v.numerator, v.denominator) for v in vals]
    with pytest.raises(GateRepresentationError, match=r"\(0, 1\)"):
        constant_gate_bias("sigmoid", [Fraction(0)])
    with pytest.raises(GateRepresentationError, match="sum to 1"):
        constant_gate_bias("softmax", [Fraction(1, 2), Fraction(1, 3)])
    with pytest.raises(GateRepresentationError, match="negative"):
        constant_gate_bias("hardsigmoid", [Fraction(-1, 2)])
