"""Exact equivalence of CPWL functions: hand-built equal and subtly unequal pairs, MAX5, hypothesis pairs.

Oracles: function-preserving rewrites whose equality is known by construction (permuted and
regrouped max trees, positively rescaled neurons, dead neurons, algebraic identities written as
text), and for "different" verdicts the counterexample is re-evaluated here by independent code
(the network's exact forward pass and Python closures), never by the routine under test.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.cpwl import (
    check_target,
    compile_expression,
    decide_equivalence,
    difference_network,
    parse_expression,
)
from expressivity.exceptions import InvalidInputError, LimitReachedError, ShapeError
from expressivity.relu import Layer, ReLUNetwork
from expressivity.relu.max_networks import max_log3_network, max_tree_network
from expressivity.relu.reparametrize import function_preserving_copy

from .strategies import DIM, expression_pairs


# ------------------------------------------------------------------------------ helpers
def rational_net(d, widths, seed, den=16, bias=True):
    rng = np.random.default_rng(seed)
    dims = [d] + list(widths) + [1]
    Ws = [[[F(int(v), den) for v in row] for row in rng.integers(-den, den + 1, size=(dims[i + 1], dims[i]))]
          for i in range(len(dims) - 1)]
    bs = [[F(int(v), den) if bias else F(0) for v in rng.integers(-den, den + 1, size=dims[i + 1])]
          for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, bs)


def perturbed(net, layer, row, col, delta=F(1, 1000)):
    W = np.array(net.layers[layer].weight, dtype=object)
    W[row, col] += delta
    L = list(net.layers)
    L[layer] = Layer(W, net.layers[layer].bias, net.layers[layer].activation, "exact")
    return ReLUNetwork(net.input_dim, tuple(L))


def assert_valid_counterexample(res, fa, fb, box=None):
    """Re-check a 'different' verdict with independent evaluations."""
    assert res.equal is False and res.counterexample is not None
    pt = list(res.counterexample)
    assert all(isinstance(v, F) for v in pt)
    if box is not None:
        assert all(-F(box) <= v <= F(box) for v in pt)
    assert fa(pt) != fb(pt)


def net_value(net):
    return lambda x: tuple(net(x))


# ------------------------------------------------------------------------------ equal pairs
def test_max_trees_permuted_and_regrouped():
    texts = ["max(max(x1, x2), max(x3, x4))", "max(x4, max(x2, max(x3, x1)))", "max(x1, x2, x3, x4)",
             "max(max(x3, x1, x4), x2)", "-min(-x1, -x2, -x3, -x4)"]
    for a, b in itertools.combinations(texts, 2):
        assert decide_equivalence(a, b).equal, (a, b)


def test_scaled_layers_permutations_and_dead_neurons_are_equal():
    for d, widths, bias, box in [(1, [5, 4], True, None), (2, [6, 5], True, None), (2, [6, 5], False, None),
                                 (3, [5, 4], True, 2), (2, [4, 4, 3], True, None)]:
        A = rational_net(d, widths, seed=d + len(widths), bias=bias)
        B = function_preserving_copy(A, seed=1)
        assert B != A and B.widths != A.widths
        res = decide_equivalence(A, B, box=box)
        assert res.equal and res.method == "exact", (d, widths)


def test_float_network_is_compared_at_its_exact_binary_values():
    A = rational_net(2, [4], seed=3, den=4)  # dyadic weights: float conversion is exact
    res = decide_equivalence(A.to_float(), A)
    assert res.equal and res.notes


def test_two_correct_max5_networks_are_equal():
    target = "max(x1, x2, x3, x4, x5)"
    assert decide_equivalence(max_log3_network(5), target).equal
    assert decide_equivalence(max_log3_network(5), max_tree_network(5)).equal
    assert decide_equivalence(max_log3_network(5), compile_expression(target)).equal


def test_multi_output_networks():
    A = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1], [0, 2, -2]]])  # (max, 2 x2)
    B = ReLUNetwork.from_matrices([[[-1, 1], [1, 0], [-1, 0], [0, 1], [0, -1]],
                                   [[1, 1, -1, 0, 0], [0, 0, 0, 2, -2]]])
    assert decide_equivalence(A, B).equal
    C = perturbed(B, 1, 1, 3)
    res = decide_equivalence(A, C)
    assert_valid_counterexample(res, net_value(A), net_value(C))


# ------------------------------------------------------------------------------ unequal pairs
def test_perturbed_max5_is_refuted_with_a_valid_counterexample():
    net = max_log3_network(5)
    target = parse_expression("max(x1, x2, x3, x4, x5)")
    for layer, row, col in [(0, 0, 0), (0, 5, 3), (1, 3, 7), (2, 0, 2)]:
        if row >= net.layers[layer].weight.shape[0] or col >= net.layers[layer].weight.shape[1]:
            continue
        bad = perturbed(net, layer, row, col)
        res = decide_equivalence(bad, target)
        assert_valid_counterexample(res, lambda x, bad=bad: bad(x)[0], target)


def test_one_weight_off_by_a_thousandth_is_refuted():
    for seed, (d, widths, box) in enumerate([(2, [6, 5], None), (3, [5, 4], 1), (1, [4, 3], None)]):
        A = rational_net(d, widths, seed=seed)
        B = function_preserving_copy(A, seed=seed + 10)
        B = perturbed(B, 1, 0, 1)
        res = decide_equivalence(A, B, box=box)
        if res.equal:  # the perturbed neuron may be dead on the whole domain: then equality is right;
            # confirm with an independent dense exact grid that nothing differs there
            grid = [list(p) for p in itertools.product([F(k, 4) for k in range(-8, 9)], repeat=d)]
            assert all(A(p)[0] == B(p)[0] for p in grid[:2000])
        else:
            assert_valid_counterexample(res, net_value(A), net_value(B), box=box)


def test_difference_on_a_small_region_only():
    # differ only where x1 > 1000 (outside the box [-1, 1]^2)
    a, b = "max(x1, x2)", "max(x1, x2) + relu(x1 - 1000)"
    assert decide_equivalence(a, b, box=1).equal
    res = decide_equivalence(a, b)
    assert_valid_counterexample(res, parse_expression(a), parse_expression(b))
    # a tiny bump: differ only on 0 < x1 < 1/1000
    c = "relu(x1) - 2*relu(x1 - 1/2000) + relu(x1 - 1/1000)"
    res = decide_equivalence(c, "0*x1", box=1)
    assert_valid_counterexample(res, parse_expression(c), lambda x: F(0), box=1)
    assert 0 < res.counterexample[0] < F(1, 1000)


# ------------------------------------------------------------------------------ other API
def test_check_target_and_difference_network():
    net = max_tree_network(3)
    assert check_target(net, "max(x1, x2, x3)").equal
    res = check_target(net, "max(x1, x2)")
    assert_valid_counterexample(res, lambda x: net(x)[0], parse_expression("max(x1, x2)", input_dim=3))
    D = difference_network(max_log3_network(5), "max(x1, x2, x3, x4, x5)")
    rng = np.random.default_rng(0)
    pts = [[F(int(v), 7) for v in rng.integers(-30, 30, size=5)] for _ in range(50)]
    assert all(v[0] == 0 for v in D(pts))


def test_bad_input():
    with pytest.raises(ShapeError):
        decide_equivalence(max_tree_network(3), max_tree_network(4))
    with pytest.raises(InvalidInputError):
        decide_equivalence("x1", "x2", box=0)
    with pytest.raises(InvalidInputError):
        decide_equivalence("x1", "x2", box="-1")
    with pytest.raises(InvalidInputError):
        decide_equivalence("x1", 3)
    with pytest.raises(InvalidInputError):
        check_target(max_tree_network(2), "x3")


def test_limit_reached_proves_nothing():
    with pytest.raises(LimitReachedError):
        decide_equivalence(max_log3_network(5), "max(x1, x2, x3, x4, x5)", max_cells=5)


# ------------------------------------------------------------------------------ hypothesis
@settings(max_examples=40, deadline=None)
@given(pair=expression_pairs(), box=st.sampled_from([None, 1, F(5, 2)]))
def test_hypothesis_equal_pairs_are_confirmed(pair, box):
    a, b, _ = pair
    res = decide_equivalence(parse_expression(a, input_dim=DIM), parse_expression(b, input_dim=DIM), box=box)
    assert res.equal, (a, b)


@settings(max_examples=40, deadline=None)
@given(pair=expression_pairs(), c=st.builds(F, st.integers(1, 5), st.integers(1000, 1001)),
       q=st.builds(F, st.integers(-3, 3), st.integers(1, 3)), i=st.integers(1, DIM))
def test_hypothesis_perturbed_pairs_are_refuted_with_valid_points(pair, c, q, i):
    a, b, oracle = pair
    b_bad = f"{b} + {c.numerator}/{c.denominator}*relu(x{i} - ({q.numerator}/{q.denominator}))"
    res = decide_equivalence(parse_expression(a, input_dim=DIM), parse_expression(b_bad, input_dim=DIM))
    bad_oracle = lambda x: oracle(x) + c * max(x[i - 1] - q, F(0))
    assert_valid_counterexample(res, oracle, bad_oracle)
    assert res.value_a == (oracle(list(res.counterexample)),)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), d=st.integers(1, 3), bias=st.booleans())
def test_hypothesis_random_networks_and_their_equivalent_copies(seed, d, bias):
    A = rational_net(d, [4, 3], seed=seed, bias=bias)
    assert decide_equivalence(A, function_preserving_copy(A, seed + 1)).equal
    B = perturbed(function_preserving_copy(A, seed + 2, dead=False), 2, 0, 0, delta=F(1, 1000))  # output weight
    res = decide_equivalence(A, B)
    if not res.equal:
        assert_valid_counterexample(res, net_value(A), net_value(B))
    else:  # only possible if that hidden neuron is dead everywhere: check it independently
        pts = [list(p) for p in itertools.product([F(k, 2) for k in range(-12, 13)], repeat=d)]
        assert all(A(p)[0] == B(p)[0] for p in pts[:3000])
