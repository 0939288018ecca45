"""Exact verifier: accepts correct MAX_n nets of every construction, refutes wrong ones with a point."""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import InvalidInputError, NumberTypeError
from expressivity.relu.max_networks import max_network
from expressivity.relu.network import Layer, ReLUNetwork
from expressivity.relu.verify_max import verify_computes_max


@pytest.mark.parametrize("construction", ["tree", "log3", "ruess"])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_constructions_verified(construction, n):
    assert verify_computes_max(max_network(n, construction)).computes_max


def test_ruess_max6_verified():
    chk = verify_computes_max(max_network(6, "ruess"))
    assert chk.computes_max and chk.cones > 0


def _perturb(net: ReLUNetwork, layer: int, i: int, j: int, delta: F) -> ReLUNetwork:
    layers = list(net.layers)
    W = np.array(layers[layer].weight, dtype=object).copy()
    W[i, j] = W[i, j] + delta
    layers[layer] = Layer(W, layers[layer].bias, layers[layer].activation, "exact")
    return ReLUNetwork(net.input_dim, tuple(layers))


@settings(max_examples=15)
@given(st.data())
def test_perturbed_bakaev_net_is_refuted_with_a_true_counterexample(data):
    net = max_network(5, "log3")
    layer = data.draw(st.integers(0, len(net.layers) - 1))
    W = net.layers[layer].weight
    i = data.draw(st.integers(0, W.shape[0] - 1))
    j = data.draw(st.integers(0, W.shape[1] - 1))
    delta = data.draw(st.sampled_from([F(1), F(-1), F(1, 3)]))
    bad = _perturb(net, layer, i, j, delta)
    chk = verify_computes_max(bad)
    if not chk.computes_max:
        pt = list(chk.counterexample)
        assert bad(pt)[0] == chk.network_value != chk.max_value == max(pt)
    else:  # the weight was irrelevant: then the function really did not change on random points
        rng = np.random.default_rng(0)
        X = rng.integers(-6, 7, size=(200, 5)).tolist()
        assert all(bad(x)[0] == max(x) for x in X)


def test_hand_built_wrong_net():
    # relu(x1 - x2) + relu(x2) misses - relu(-x2): wrong exactly where x2 < 0
    bad = ReLUNetwork.from_matrices([[[1, -1], [0, 1]], [[1, 1]]])
    chk = verify_computes_max(bad)
    assert not chk.computes_max and chk.counterexample[1] < 0


def test_biased_networks():
    # x2 = relu(x2 + 5) - relu(-x2 - 5) - 5 (correct) vs relu(x2 + 5) - 5 (wrong below -5)
    good = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]], [[0, 5, -5], [-5]])
    assert verify_computes_max(good).computes_max
    bad = ReLUNetwork.from_matrices([[[1, -1], [0, 1]], [[1, 1]]], [[0, 5], [-5]])
    chk = verify_computes_max(bad)
    assert not chk.computes_max and chk.counterexample[1] < -5
    assert bad(list(chk.counterexample))[0] != max(chk.counterexample)


def test_bad_input():
    with pytest.raises(NumberTypeError):
        verify_computes_max(max_network(3).to_float())
    two_out = ReLUNetwork.from_matrices([[[1, 0]], [[1], [1]]])
    with pytest.raises(InvalidInputError, match="outputs"):
        verify_computes_max(two_out)


@pytest.mark.slow
def test_tree8_and_log3_6_verified_exactly():
    assert verify_computes_max(max_network(8, "tree")).computes_max
    assert verify_computes_max(max_network(6, "log3")).computes_max
