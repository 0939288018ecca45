"""User activations and gates (formulas and callables): derived metadata against the hand-written built-in table
and closed forms, refusals, layers holding the objects, layer files."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from expressivity.exceptions import InvalidInputError, NetworkFileError
from expressivity.ffn.activations import get_activation, leaky_relu
from expressivity.ffn.custom import (
    activation_from_callable,
    activation_from_expression,
    as_activation,
    as_gate,
    check_activation,
    gate_from_callable,
    gate_from_expression,
)
from expressivity.ffn.derivatives import input_jacobian
from expressivity.ffn.expressions import ExpressionError, parse_formula
from expressivity.ffn.layer_io import (
    layer_from_json,
    layer_to_json,
    load_layer,
    save_layer,
)
from expressivity.ffn.layers import la_type1, moa_type1, moa_type2
from expressivity.ffn.witnesses import get_witness

META = ("smoothness", "breakpoints", "d1_jumps", "d2_jumps", "piece_degrees")


@pytest.mark.parametrize("formula, builtin", [
    ("Max(x, 0)", "relu"),
    ("Max(x, 0)**2", "relu2"),
    ("Min(Max(x, -1), 1)", "hardtanh"),
    ("Max(x, x/10)", "leaky_relu(1/10)"),
    ("x", "id"),
    ("x^2", "square"),
    ("x*(1 + erf(x/sqrt(2)))/2", "gelu"),
    ("x*sigmoid(x)", "silu"),
])
def test_derived_metadata_equals_the_hand_written_table(formula, builtin):
    a, b = activation_from_expression(formula), get_activation(builtin)
    assert tuple(getattr(a, k) for k in META) == tuple(getattr(b, k) for k in META)
    z = np.linspace(-4, 4, 801)
    assert np.allclose(a(z), b(z), rtol=1e-13, atol=1e-14)
    assert np.allclose(a.d1(z), b.d1(z), rtol=1e-12, atol=1e-13)


def test_closed_form_metadata_of_new_activations():
    a = activation_from_expression("Abs(x) + Max(x - 1/2, 0)**3")
    assert a.breakpoints == (Fraction(0), Fraction(1, 2))
    assert a.d1_jumps == (2, 0) and a.d2_jumps == (0, 0) and a.piece_degrees == (1, 1, 3) and a.smoothness == "C0"
    f1 = activation_from_expression("Max(x, 0) + Max(x, 0)**2")  # ReLU + ReLU²: jumps 1 and 2 at 0
    assert (f1.d1_jumps, f1.d2_jumps, f1.piece_degrees) == ((1,), (2,), (0, 2))
    t = activation_from_expression("x*tanh(x)")
    z = np.linspace(-5, 5, 101)
    assert t.smoothness == "analytic" and t.piece_degrees is None
    assert np.allclose(t.d1(z), np.tanh(z) + z * (1 - np.tanh(z) ** 2), rtol=1e-13)
    assert check_activation(a)["method"].startswith("symbolic")
    assert a.exact(Fraction(3, 2)) == Fraction(3, 2) + 1  # |3/2| + 1³
    assert activation_from_expression("Max(x,0)*tanh(x)").smoothness == "C1"


@pytest.mark.parametrize("formula, match", [
    ("Max(x**2 - 2, 0)", "irrational"),
    ("1/x", "nonzero"),
    ("log(x)", "positive"),
    ("sqrt(x)", "positive"),
    ("Max(tanh(x), 0)", "polynomial"),
    ("Max(x - 1, 0)*tanh(x)", "not a rational"),
    ("exp(exp(x))", "not finite"),
    ("__import__('os').system('true')", "unexpected character"),
    ("x.__class__", "unexpected character"),
    ("x**99", "exponent"),
    ("(9**8)**8**8", "exponent"),
    ("x" * 300, "at most 200"),
    ("1" * 40 + "*x", "30 digits"),
    ("y*x", "unknown name"),
    ("x +* 2", "not a valid"),
    ("", "empty"),
])
def test_bad_formulas_are_refused_with_one_line(formula, match):
    with pytest.raises(ExpressionError, match=match) as e:
        activation_from_expression(formula)
    assert "\n" not in str(e.value)


def test_callables_with_declared_metadata_are_checked():
    relu = activation_from_callable(lambda z: np.maximum(z, 0), lambda z: (z >= 0) * 1.0, name="my_relu",
                                    smoothness="C0", breakpoints=[0], d1_jumps=[1], piece_degrees=(0, 1))
    assert check_activation(relu)["method"] == "numeric" and relu.is_piecewise_linear
    with pytest.raises(InvalidInputError, match="finite differences|sampled σ' jump"):  # wrong jump
        activation_from_callable(lambda z: np.maximum(z, 0), lambda z: (z >= 0) * 1.0, name="r", smoothness="C0",
                                 breakpoints=[0], d1_jumps=[2])
    with pytest.raises(InvalidInputError):  # an undeclared kink
        activation_from_callable(lambda z: np.abs(z - 3), lambda z: np.sign(z - 3) + (z == 3), name="r",
                                 smoothness="analytic")
    with pytest.raises(InvalidInputError, match="finite differences"):  # wrong derivative
        activation_from_callable(np.tanh, lambda z: np.ones_like(z), name="t", smoothness="analytic")
    with pytest.raises(InvalidInputError, match="built-in"):
        activation_from_callable(np.tanh, lambda z: 1 - np.tanh(z) ** 2, name="tanh", smoothness="analytic")


def test_layers_hold_user_objects_evaluate_differentiate_and_round_trip(tmp_path):
    a = activation_from_expression("x*tanh(x)")
    T = moa_type1([a, "relu"], W1=[[0.0, 1.0]], W2=[[1.0]], U=[[0.5, 0.0], [2.0, 0.0]], c=[0.1, 0.0])
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    z = X[:, 1]
    want = np.tanh(0.5 * X[:, 0] + 0.1) * z * np.tanh(z) + np.tanh(2 * X[:, 0]) * np.maximum(z, 0)
    assert np.allclose(T(X)[:, 0], want, rtol=1e-14)  # the UnknownNameError of name look-ups is gone
    assert input_jacobian(T, X).shape == (50, 1, 2)
    x1, x2 = sp.symbols("x1 x2", real=True)
    assert float(T.sympy_outputs([x1, x2])[0].subs({x1: 0, x2: 1})) == pytest.approx(np.tanh(0.1) * np.tanh(1.0), rel=1e-14)
    doc = layer_to_json(T)
    assert doc["dictionary"][0] == {"expression": "x*tanh(x)", "name": "x*tanh(x)"}
    save_layer(T, tmp_path / "T.json")
    back = load_layer(tmp_path / "T.json")
    assert back == T and np.array_equal(back(X), T(X))
    assert back.activations[0].smoothness == "analytic" and back.activations[0].origin == "expression"


def test_exact_layer_file_with_sympy_constants_and_bad_files(tmp_path):
    from expressivity.ffn.nesting import la_to_moa

    la = la_type1(["relu", "relu2"], alpha=[Fraction(1, 2), Fraction(-1, 2)], W1=[[1]], W2=[[1]])
    moa = la_to_moa(la)  # gate biases atanh(±1/2)
    back = layer_from_json(layer_to_json(moa))
    assert back == moa and back.kind == "exact"
    f = tmp_path / "bad.json"
    for text in ['{"format": "expressivity-ffn-layer", "version": 1, "kind": "float", "ffn_type": "I", "mixing": "la",'
                 ' "variant": null, "dictionary": ["relu"], "params": {"W1": [[1.0]], "W2": [[1.0]], "alpha": ["1"]}}',
                 '{"format": "nope"}', '[1, 2', '{"format": "expressivity-ffn-layer", "version": 1, "kind": "exact",'
                 ' "ffn_type": "I", "mixing": "la", "variant": null, "dictionary": [{"expression": "x.__class__"}],'
                 ' "params": {"W1": [["1"]], "W2": [["1"]], "alpha": ["1"]}}']:
        f.write_text(text)
        with pytest.raises(NetworkFileError):
            load_layer(f)
    call = activation_from_callable(np.tanh, lambda z: 1 - np.tanh(z) ** 2, name="t2", smoothness="analytic")
    with pytest.raises(InvalidInputError, match="cannot be written"):
        layer_to_json(la_type1([call], alpha=[1.0], W1=[[1.0]], W2=[[1.0]]))


def test_user_gates_in_moa_layers():
    g = gate_from_expression("x/(1 + Abs(x))", value_range="signed")
    assert g.origin == "expression" and not g.piecewise_linear
    h = gate_from_expression("Min(Max(x, 0), 1)", value_range="nonnegative")
    assert h.piecewise_linear and h.kinks == (0, 1)
    L = moa_type2("bi", ["relu", "tanh"], W1=[[1.0, 0.5]], W2=[[0.3, -1.0]], W3=[[1.0]], U1=[[1.0, 0.0], [0.0, 1.0]],
                  U2=[[0.5, 0.5], [1.0, -1.0]], c1=[0.0, 0.1], c2=[0.2, 0.0], gate=g)
    x = np.array([[0.3, -0.7]])
    s = lambda v: v / (1 + abs(v))
    z1, z2 = 0.3 + 0.5 * -0.7, 0.3 * 0.3 + 0.7
    want = (s(0.3) * max(z1, 0) + s(-0.7 + 0.1) * np.tanh(z1)) * (s(0.2 - 0.2) * max(z2, 0) + s(1.0) * np.tanh(z2))
    assert L(x)[0, 0] == pytest.approx(want, rel=1e-14)
    back = layer_from_json(layer_to_json(L))
    assert back == L and back.gate_object.value_range == "signed"
    with pytest.raises(InvalidInputError, match="declared range"):
        gate_from_expression("2*tanh(x)", value_range="signed")
    arctan = gate_from_callable(np.arctan, lambda z: 1 / (1 + z * z), name="arctan")
    assert moa_type1(["relu"], [[1.0]], [[1.0]], [[1.0]], gate=arctan)([[1.0]])[0, 0] == pytest.approx(np.arctan(1.0))
    assert as_gate("sigmoid").name == "sigmoid" and as_activation({"expression": "x"}).origin == "expression"


def test_certificates_accept_user_activations():
    w = get_witness("f1")
    user = activation_from_expression("Max(x, 0)**2", name="my_relu2")
    assert w.certify(None, activation=user).lower_bound == w.certify(None, activation="relu2").lower_bound == Fraction(1, 2)
    leaky = activation_from_expression("Max(x, x/10)", name="my_leaky")
    assert w.certify(8, activation=leaky).lower_bound == w.certify(8, activation=leaky_relu("1/10")).lower_bound


def test_parse_formula_variables_and_whitelist():
    e, (x1, x2) = parse_formula("x1*tanh(x2) + pi", ("x1", "x2"))
    assert e == x1 * sp.tanh(x2) + sp.pi
    assert parse_formula("0.25*x")[0] == sp.Symbol("x", real=True) / 4  # decimals are exact rationals


def test_nesting_maps_keep_user_activations():
    from expressivity.ffn.layers import fixed_type1
    from expressivity.ffn.nesting import fixed_to_la, la_to_moa

    a = activation_from_expression("x*tanh(x)")
    f = fixed_type1(a, [[1], [-2]], [[1, 3]])
    la = fixed_to_la(f, ["relu", a])
    moa = la_to_moa(la)
    X = np.linspace(-1, 1, 9)[:, None]
    assert np.allclose(la(X), f(X), rtol=1e-14) and np.allclose(moa(X), f(X), rtol=1e-13)
