"""ReLUNetwork: exact evaluation against a hand-written oracle, exact vs float agreement, errors."""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from expressivity import (
    Layer,
    NonFiniteError,
    NumberTypeError,
    ReLUNetwork,
    ShapeError,
    InvalidInputError,
)
from expressivity.relu.max_networks import max_tree_network, tree_depth

from .strategies import dyadic, exact_networks, network_and_inputs


def _reference_eval(net, x):
    """Scalar-by-scalar forward pass in plain Python Fractions: the oracle."""
    h = [F(v) for v in x]
    for layer in net.layers:
        z = [sum((F(w) * hv for w, hv in zip(row, h)), F(0)) + F(b) for row, b in zip(layer.weight.tolist(), layer.bias.tolist())]
        h = [max(v, F(0)) for v in z] if layer.activation == "relu" else z
    return h


@given(network_and_inputs())
def test_exact_evaluation_matches_scalar_oracle(case):
    net, xs = case
    got = net(xs)
    for x, row in zip(xs, got):
        assert list(row) == _reference_eval(net, x)
        assert all(isinstance(v, F) for v in row)


@given(network_and_inputs(entries=dyadic))
def test_float_evaluation_equals_exact_on_dyadic_data(case):
    # small dyadic weights and inputs: every float operation is exact, so the results coincide
    net, xs = case
    exact = net(xs)
    fl = net.to_float()(np.array([[float(v) for v in x] for x in xs]))
    assert fl.dtype == np.float64
    assert np.array_equal(fl, exact.astype(float))


@given(network_and_inputs())
def test_float_evaluation_agrees_with_exact_to_rounding(case):
    net, xs = case
    exact = net(xs).astype(float)
    fl = net.to_float()(np.array([[float(v) for v in x] for x in xs]))
    assert np.allclose(fl, exact, rtol=1e-12, atol=1e-9)


@given(exact_networks())
def test_to_exact_of_to_float_keeps_binary_values(net):
    back = net.to_float().to_exact()
    for a, b in zip(net.layers, back.layers):
        assert all(F(float(v)) == w for v, w in zip(a.weight.ravel(), b.weight.ravel()))


def test_structure_of_tree_network():
    for n in range(1, 12):
        net = max_tree_network(n)
        assert net.hidden_layers == tree_depth(n) == (0 if n == 1 else int(np.ceil(np.log2(n))))
        assert net.is_homogeneous and net.kind == "exact"
        assert net.num_neurons == sum(net.widths)
        if n > 1:
            assert net.widths[0] <= 3 * ((n + 1) // 2)  # relu_depth.md §4.1


@given(st.lists(st.fractions(min_value=-50, max_value=50, max_denominator=9), min_size=1, max_size=9))
def test_tree_network_computes_max(xs):
    net = max_tree_network(len(xs))
    assert net(xs)[0] == max(xs)


def test_activation_pattern_and_pre_activations():
    net = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]], [[0, 0, 0], [0]])
    pats = net.activation_pattern([3, -2])
    assert pats[0].tolist() == [True, False, True]
    z = net.pre_activations([[3, -2]])
    assert z[0].tolist() == [[5, -2, 2]]
    assert net.hidden_layers == 1 and net.widths == (3,) and net.output_dim == 1


def test_homogenize_zeroes_biases():
    net = ReLUNetwork.from_matrices([[[1, 2]], [[3]]], [[5], [-1]])
    assert not net.is_homogeneous
    h = net.homogenize()
    assert h.is_homogeneous and h([1, 1])[0] == 9


# ---------------------------------------------------------------- bad input
def test_mixed_number_kinds_are_refused():
    with pytest.raises(NumberTypeError, match="mixed"):
        ReLUNetwork.from_matrices([[[F(1, 2), 0.5]]], [[0]])
    exact = ReLUNetwork.from_matrices([[[1, 2]]], [[0]])
    with pytest.raises(NumberTypeError, match="float"):
        exact([0.5, 1.0])
    with pytest.raises(NumberTypeError):
        exact.to_float()([F(1, 3), 1])
    with pytest.raises(NumberTypeError, match="mix"):
        ReLUNetwork(2, (Layer([[1, 2]], [0], "relu", "exact"), Layer([[1.5]], [0.0], "linear", "float")))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_weights_are_refused(bad):
    with pytest.raises(NonFiniteError, match="finite"):
        ReLUNetwork.from_matrices([[[1.0, bad]]], [[0.0]])
    net = ReLUNetwork.from_matrices([[[1.0, 2.0]]], [[0.0]])
    with pytest.raises(NonFiniteError):
        net([[bad, 1.0]])


def test_shape_errors_name_the_problem():
    with pytest.raises(ShapeError, match="columns"):
        ReLUNetwork.from_matrices([[[1, 2]], [[1, 2]]], [[0], [0]])
    with pytest.raises(ShapeError, match="bias"):
        ReLUNetwork.from_matrices([[[1, 2]]], [[0, 0]])
    net = ReLUNetwork.from_matrices([[[1, 2]]], [[0]])
    with pytest.raises(ShapeError, match=r"\(2,\)"):
        net([1, 2, 3])
    with pytest.raises(InvalidInputError):
        Layer([[1]], [0], "tanh")
    with pytest.raises(InvalidInputError):
        ReLUNetwork(0, ())


def test_layers_are_read_only():
    net = max_tree_network(3)
    with pytest.raises(ValueError):
        net.layers[0].weight[0, 0] = F(5)


def test_to_float_refuses_weights_beyond_float64_naming_the_field():
    # 10**400 is a fine exact weight but has no float64 value; Python would raise OverflowError
    net = ReLUNetwork.from_matrices([[[1, -1], [0, F(10) ** 400]], [[1, 1]]])
    assert net([0, 1])[0] == F(10) ** 400  # exact evaluation is unaffected
    with pytest.raises(NonFiniteError, match=r"^layers\[0\]\.weight\[1\]\[1\]: a number of 401 digits"):
        net.to_float()
    # tiny values round to 0.0 (ordinary rounding, not an error)
    tiny = ReLUNetwork.from_matrices([[[F(1, 10**400), 1]], [[1]]]).to_float()
    assert tiny.layers[0].weight[0, 0] == 0.0


def test_float_inputs_and_weights_beyond_float64_are_refused_with_the_field():
    with pytest.raises(NonFiniteError, match=r"^layers\[1\]\.weight\[0\]\[1\]"):
        ReLUNetwork.from_matrices([[[1.0, -1.0], [0.0, 1.0]], [[1.0, 10**400]]])
    fl = ReLUNetwork.from_matrices([[[1.0, -1.0], [0.0, 1.0]], [[1.0, 1.0]]])
    with pytest.raises(NonFiniteError, match=r"^input\[1\]"):
        fl([1, 10**400])


def test_exact_weights_beyond_the_digit_limit_are_refused_fast():
    import time

    from expressivity.numbers import NumberTooLargeError

    t0 = time.perf_counter()
    with pytest.raises(NumberTooLargeError, match=r"^layers\[0\]\.weight\[1\]\[1\]: '1e999999999'"):
        ReLUNetwork.from_matrices([[[1, -1], [0, "1e999999999"]], [[1, 1]]])
    assert time.perf_counter() - t0 < 1.0
