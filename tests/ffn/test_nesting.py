"""Nesting maps fixed → LA → MoA: exact sympy identities, float agreement, refusals with reasons."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import InvalidInputError
from expressivity.ffn.activations import PAPER_DICTIONARY
from expressivity.ffn.gates import GateRepresentationError
from expressivity.ffn.layers import fixed_type1, fixed_type2, la_type1, la_type2
from expressivity.ffn.nesting import (fixed_to_la, fixed_to_moa, la_to_moa, positive_gate_width1_obstruction,
                                      sigmoid_containment_evidence, sigmoid_embedding_homogeneous)

R = sp.Rational


def same_exact(a, b):
    return sp.simplify(a.sympy_outputs()[0] - b.sympy_outputs()[0]) == 0


def test_exact_chain_type1_and_type2():
    f = fixed_type1("gelu", [[1, R(1, 2)], [-1, 2]], [[2, R(-1, 3)]], b1=[1, 0])
    assert same_exact(f, fixed_to_la(f)) and same_exact(f, fixed_to_moa(f))
    g = fixed_type2("silu", [[1, 2]], [[-1, 1]], [[R(1, 2)]], b2=[1])
    for variant in ("one", "bi"):
        assert same_exact(g, fixed_to_moa(g, variant=variant))
    moa = fixed_to_moa(g)
    # the tanh gate biases are artanh(α/S): for the one-hot α only the SiLU gate is nonzero
    assert moa.c1[PAPER_DICTIONARY.index("silu")] == sp.atanh(R(1, 2)) and moa.W3[0, 0] == 1


@settings(max_examples=25)
@given(st.integers(0, 10**6))
def test_float_la_to_moa_agrees_to_1e15(seed):
    rng = np.random.default_rng(seed)
    m, d = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    la = la_type1(PAPER_DICTIONARY, rng.normal(size=7), rng.normal(size=(m, d)), rng.normal(size=(1, m)), b1=rng.normal(size=m))
    X = rng.normal(size=(50, d))
    for gate in ("tanh", "hardtanh", "linear"):
        moa = la_to_moa(la, gate)
        y, z = la(X), moa(X)
        assert np.max(np.abs(y - z)) <= 1e-15 * 64 * max(1.0, np.max(np.abs(y)))


def test_positive_gates_for_positive_coefficients():
    la = la_type1(["relu", "tanh"], alpha=[2, 1], W1=[[1, 1]], W2=[[3]])
    for gate in ("sigmoid", "softmax", "hardsigmoid"):
        assert same_exact(la, la_to_moa(la, gate))
    X = np.random.default_rng(0).normal(size=(10, 2))
    laf = la_type1(["relu", "tanh"], alpha=[2.0, 1.0], W1=[[1.0, 1.0]], W2=[[3.0]])
    for gate in ("sigmoid", "softmax", "hardsigmoid"):
        assert np.allclose(la_to_moa(laf, gate)(X), laf(X), rtol=1e-14, atol=1e-14)


def test_refusals_say_why():
    la = la_type1(["relu", "tanh"], alpha=[1, -1], W1=[[1]], W2=[[1]])
    with pytest.raises(GateRepresentationError, match="sigmoid gates take values in \\(0, 1\\)"):
        la_to_moa(la, "sigmoid")
    with pytest.raises(GateRepresentationError, match="softmax"):
        la_to_moa(la, "softmax")
    with pytest.raises(GateRepresentationError, match="gate bias"):
        la_to_moa(la, "tanh", gate_bias=False)
    quad = la_type2("quad", ["relu", "id"], [[1]], [[1]], [[1]], gamma=[[1, 0], [0, 1]])
    with pytest.raises(GateRepresentationError, match="rank 2 > 1"):
        la_to_moa(quad)
    per = la_type1(["relu", "tanh"], alpha=[[1, 0], [0, 1]], W1=[[1], [2]], W2=[[1, 1]])
    with pytest.raises(GateRepresentationError, match="shared by all neurons"):
        la_to_moa(per)
    with pytest.raises(InvalidInputError, match="not in the LA dictionary"):
        fixed_to_la(fixed_type1("gelu_tanh", [[1]], [[1]]))
    with pytest.raises(InvalidInputError, match="'id' is not in"):
        fixed_to_la(fixed_type2("relu", [[1]], [[1]], [[1]]), ("relu", "tanh"), variant="bi")
    with pytest.raises(InvalidInputError, match="needs an LA layer"):
        la_to_moa(fixed_type1("relu", [[1]], [[1]]))
    # gate_bias=False works when α is a multiple of s(0) = 1/2 (sigmoid)
    eq = la_type1(["relu", "tanh"], alpha=[3, 3], W1=[[1]], W2=[[1]])
    moa = la_to_moa(eq, "sigmoid", gate_bias=False)
    assert moa.c1 is None and same_exact(eq, moa)


def test_sigmoid_containment_evidence():
    ob = positive_gate_width1_obstruction()
    assert ob["holds"] and ob["values"] == ["1/4", "-3/4"]
    # hand oracle: ReLU(t) − ReLU(t)² at 1/2 and 3/2
    assert Fraction(1, 2) - Fraction(1, 4) == Fraction(1, 4) and Fraction(3, 2) - Fraction(9, 4) == Fraction(-3, 4)
    ev = sigmoid_containment_evidence()
    assert ev.doubling_identity and ev.doubling_layer.width == 2
    # the width-2 sigmoid layer agrees with ReLU − ReLU² numerically as well
    t = np.linspace(-2, 2, 41)[:, None]
    assert np.allclose(ev.doubling_layer(t)[:, 0], np.maximum(t, 0)[:, 0] - np.maximum(t, 0)[:, 0] ** 2, atol=1e-14)
    with pytest.raises(GateRepresentationError, match="not positively homogeneous"):
        sigmoid_embedding_homogeneous(la_type1(["relu", "tanh"], alpha=[1, 1], W1=[[1]], W2=[[1]]))
    with pytest.raises(GateRepresentationError, match="not distinct"):
        sigmoid_embedding_homogeneous(la_type1(["relu", "id"], alpha=[1, 1], W1=[[1]], W2=[[1]]))
