"""Hinge propagation in the exact max verifier (polyhedral cones, every layer).

Oracles, independent of the method under test:
* the earlier method (simplicial bisection splitting on every sign-changing neuron of the first
  L - 1 layers), kept reachable as ``_method="neurons"``: the verdicts must agree;
* exact evaluation ``net(x)`` of the original network at every counterexample returned;
* hand-built networks whose verdict is known by algebra (stated in each test);
* for symmetry reductions: exact evaluation of ``N(x)`` and ``N(x_sigma)`` at random points, and
  orbit counting (the orbits of the orderings cover all n! of them, each of size |G|).
"""

import itertools
import json
import math
import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expressivity.exceptions import ComputationTooLargeError, InvalidInputError
from expressivity.relu.max_networks import max_network
from expressivity.relu.network import Layer, ReLUNetwork
from expressivity.relu.newton import random_integer_network
from expressivity.relu.symmetric_check import (
    group_orbit_orderings,
    invariant_involutions,
)
from expressivity.relu.verify_max import _integer_network, verify_computes_max


def both(net, **kw):
    """Verdicts of the new and the old method (the old one is the oracle)."""
    new = verify_computes_max(net, **kw)
    old = verify_computes_max(net, _method="neurons", **kw)
    return new, old


def assert_true_counterexample(net, chk):
    pt = list(chk.counterexample)
    assert net(pt)[0] == chk.network_value != chk.max_value == max(pt)


def relu_layer(W, b=None):
    W = [[F(v) for v in row] for row in W]
    return Layer(W, [F(0)] * len(W) if b is None else [F(v) for v in b], "relu", "exact")


def lin_layer(W):
    W = [[F(v) for v in row] for row in W]
    return Layer(W, [F(0)] * len(W), "linear", "exact")


def with_weight(net, layer, i, j, value):
    layers = list(net.layers)
    W = np.array(layers[layer].weight, dtype=object).copy()
    W[i, j] = value
    layers[layer] = Layer(W, layers[layer].bias, layers[layer].activation, "exact")
    return ReLUNetwork(net.input_dim, tuple(layers))


def with_zero_gadget(net, layer, row, k1, k2, c, unbalance=1):
    """Append ``relu(k1 z)`` and ``relu(k2 z)`` (``z = row . h``, ``k1, k2 > 0``) to hidden layer
    ``layer`` with next-layer weights ``c/k1`` and ``-unbalance c/k2``: with ``unbalance = 1`` they add
    ``c relu(z) - c relu(z) = 0`` (the same function, by algebra)."""
    layers = list(net.layers)
    L = layers[layer]
    W = np.array(L.weight, dtype=object)
    extra = np.array([[F(k1) * F(v) for v in row], [F(k2) * F(v) for v in row]], dtype=object)
    layers[layer] = Layer(np.concatenate([W, extra]), list(L.bias) + [F(0), F(0)], L.activation, "exact")
    nxt = layers[layer + 1]
    Wn = np.array(nxt.weight, dtype=object)
    cols = np.array([[F(c) / k1, -unbalance * F(c) / k2] for _ in range(Wn.shape[0])], dtype=object)
    layers[layer + 1] = Layer(np.concatenate([Wn, cols], axis=1), nxt.bias, nxt.activation, "exact")
    return ReLUNetwork(net.input_dim, tuple(layers))


# ----------------------------------------------------------------------------- agreement with the old method
@pytest.mark.parametrize("construction", ["tree", "log3", "ruess"])
@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_agrees_with_neuron_splitting_on_constructions(construction, n):
    new, old = both(max_network(n, construction), symmetry="none")
    assert new.computes_max and old.computes_max
    assert "hinge propagation" in new.method and "hinge" not in old.method
    assert new.cones <= old.cones


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 4), widths=st.lists(st.integers(1, 4), min_size=2, max_size=3), seed=st.integers(0, 10**6))
def test_agrees_on_random_networks(n, widths, seed):
    net = random_integer_network(n, widths, seed=seed)
    new, old = both(net)
    assert new.computes_max == old.computes_max
    for chk in (new, old):
        if not chk.computes_max:
            assert_true_counterexample(net, chk)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_agrees_on_right_networks_with_random_zero_gadgets(data):
    n = data.draw(st.integers(3, 5))
    net = max_network(n, data.draw(st.sampled_from(["tree", "log3", "ruess"])))
    layer = data.draw(st.integers(0, net.hidden_layers - 1))
    width_in = net.layers[layer].weight.shape[1]
    row = data.draw(st.lists(st.integers(-2, 2), min_size=width_in, max_size=width_in))
    k1, k2 = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    c = data.draw(st.sampled_from([F(1), F(-2), F(1, 3)]))
    good = with_zero_gadget(net, layer, row, k1, k2, c)
    new, old = both(good)
    assert new.computes_max and old.computes_max
    # the same gadget with unbalanced weights is (usually) wrong: the verdicts must still agree
    bad = with_zero_gadget(net, layer, row, k1, k2, c, unbalance=2)
    new, old = both(bad)
    assert new.computes_max == old.computes_max
    if not new.computes_max:
        assert_true_counterexample(bad, new)


# ----------------------------------------------------------------------------- hand-built cases
def _max3_three_layers(a_weight=1):
    """max{x1, x2, x3} in three hidden layers whose middle hinges cancel only in the sum:
    layer 2 gets ``a - 2b`` with ``a = relu(2x1 - 2x2)``, ``b = relu(x2 - x1)``: ``2(x1 - x2)``, linear
    (``relu(-u) = relu(u) - u``), and ``c - d = x2``, ``e - f = x3`` from opposite pairs; layer 3 adds
    ``relu(max{x1,x2} - x3) + x3``.  With ``a_weight = 3`` the first input is ``6(x1 - x2)`` for
    x1 > x2, so the network computes ``max{x1 + 2 relu(x1 - x2), x2, x3}``-like values: wrong."""
    L1 = relu_layer([[2, -2, 0], [-1, 1, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]])
    L2 = relu_layer([[a_weight, -2, 0, 0, 0, 0],    # p = relu(2 (x1 - x2))
                     [0, 0, 1, -1, 0, 0],           # q = relu(x2)
                     [0, 0, -1, 1, 0, 0],           # r = relu(-x2)
                     [0, 0, 0, 0, 1, -1],           # s = relu(x3)
                     [0, 0, 0, 0, -1, 1]])          # t = relu(-x3)
    L3 = relu_layer([[F(1, 2), 1, -1, -1, 1],       # relu(max{x1, x2} - x3)
                     [0, 0, 0, 1, 0],               # relu(s) = s (carried)
                     [0, 0, 0, 0, 1]])              # relu(t) = t (carried)
    return ReLUNetwork(3, (L1, L2, L3, lin_layer([[1, 1, -1]])))


def test_three_layers_with_hinges_cancelling_in_the_sum():
    net = _max3_three_layers()
    assert all(net(list(x))[0] == max(x) for x in itertools.product(range(-2, 3), repeat=3))  # sanity
    new, old = both(net, symmetry="none")
    assert new.computes_max and old.computes_max and new.cones <= old.cones
    bad = _max3_three_layers(a_weight=3)
    assert bad([1, 0, 0])[0] != 1   # wrong by hand: 3 relu(2) - 2 relu(-1) = 6 -> p/2 = 3
    new, old = both(bad, symmetry="none")
    assert not new.computes_max and not old.computes_max
    assert_true_counterexample(bad, new)


def test_carry_rule_does_not_fire_on_a_negative_weight():
    # u = relu(x1 - x2) + relu(x2) - relu(-x2) = max{x1, x2}, negative where both are;
    # N = relu(u) is NOT max: the carry rule (relu = identity on a non-negative combination of
    # ReLU outputs) must not fire, because of the weight -1.
    L1 = relu_layer([[1, -1], [0, 1], [0, -1]])
    L2 = relu_layer([[1, 1, -1]])
    bad = ReLUNetwork(2, (L1, L2, lin_layer([[1]])))
    assert bad([-1, -2])[0] == 0 != -1
    assert not _integer_network(bad).carry[1][0]
    new, old = both(bad)
    assert not new.computes_max and not old.computes_max
    assert_true_counterexample(bad, new)
    assert max(new.counterexample) < 0
    # with non-negative weights the rule fires, and the network is right:
    # relu(relu(x1 - x2) + relu(x2)) - relu(relu(-x2)) = relu(x1 - x2) + x2
    good = ReLUNetwork(2, (L1, relu_layer([[1, 1, 0], [0, 0, 1]]), lin_layer([[1, -1]])))
    assert _integer_network(good).carry[1].all()
    new, old = both(good)
    assert new.computes_max and old.computes_max


def test_biased_network_homogenised():
    # relu(x1 - x2) + relu(x2 + 3) - relu(-x2 - 3) - 3 = relu(x1 - x2) + x2 = max{x1, x2};
    # without the third neuron it is wrong exactly where x2 < -3
    good = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]], [[0, 3, -3], [-3]])
    new, old = both(good)
    assert new.computes_max and old.computes_max
    bad = ReLUNetwork.from_matrices([[[1, -1], [0, 1]], [[1, 1]]], [[0, 3], [-3]])
    new, old = both(bad)
    assert not new.computes_max and not old.computes_max
    assert_true_counterexample(bad, new)
    assert new.counterexample[1] < -3


def test_cone_cap_is_a_one_line_error_naming_the_flag():
    with pytest.raises(ComputationTooLargeError, match="--max-cones") as exc:
        verify_computes_max(max_network(6, "log3"), symmetry="none", max_cones=50)
    assert "\n" not in str(exc.value)


def test_workers_agree_and_bad_workers_rejected():
    net = max_network(6, "log3")
    one = verify_computes_max(net, symmetry="none")
    two = verify_computes_max(net, symmetry="none", workers=2)
    assert one.computes_max and two.computes_max and one.cones == two.cones
    out = net.layers[-1].weight
    j = next(j for j in range(out.shape[1]) if out[0, j] != 0)
    bad = with_weight(net, len(net.layers) - 1, 0, j, out[0, j] * F(3, 2))
    chk = verify_computes_max(bad, symmetry="none", workers=2)
    assert not chk.computes_max and not verify_computes_max(bad, _method="neurons").computes_max
    assert_true_counterexample(bad, chk)
    with pytest.raises(InvalidInputError):
        verify_computes_max(net, workers=0)


# ----------------------------------------------------------------------------- symmetry groups
@pytest.mark.parametrize("construction,n", [("log3", 5), ("log3", 7), ("tree", 6), ("ruess", 5)])
def test_invariant_involutions_are_invariances_and_orbits_cover(construction, n):
    net = max_network(n, construction)
    gens = invariant_involutions(net)
    rng = np.random.default_rng(1)
    for g in gens:
        assert sorted(g) == list(range(n)) and all(g[g[i]] == i for i in range(n))
        for x in rng.integers(-9, 10, size=(5, n)).tolist():
            assert net([x[g[i]] for i in range(n)]) == net(x)   # necessary for N(x_g) = N(x)
    reps = group_orbit_orderings(n, gens)
    # an independent count: the group as a set of permutations (closure under composition), which acts
    # freely on orderings, so its orbits are the cosets {g o pi}; the representatives must hit each once
    group = {tuple(range(n))}
    frontier = list(group)
    while frontier:
        h = frontier.pop()
        for g in gens:
            gh = tuple(g[h[i]] for i in range(n))
            if gh not in group:
                group.add(gh)
                frontier.append(gh)
    cosets = [{tuple(g[pi[i]] for i in range(n)) for g in group} for pi in reps]
    assert all(len(c) == len(group) for c in cosets)
    assert len(set().union(*cosets)) == len(reps) * len(group) == math.factorial(n)


def test_group_reduction_is_named_and_agrees_with_full_check():
    net = max_network(6, "log3")
    red = verify_computes_max(net)
    assert red.computes_max and "group of 8 input permutations" in red.method and "90 of 6! sorted cones" in red.method
    assert verify_computes_max(net, symmetry="none").computes_max


def test_group_orbit_orderings_bad_input():
    with pytest.raises(InvalidInputError):
        group_orbit_orderings(3, [(0, 0, 1)])
    with pytest.raises(InvalidInputError):
        group_orbit_orderings(0, [])


# ----------------------------------------------------------------------------- sabotage at n = 7
def test_log3_7_output_weight_scaled_is_refuted():
    net = max_network(7, "log3")
    out = net.layers[-1].weight
    j = next(j for j in range(out.shape[1]) if out[0, j] != 0)
    bad = with_weight(net, len(net.layers) - 1, 0, j, out[0, j] * (1 + F(1, 2 ** 20)))
    chk = verify_computes_max(bad)
    assert not chk.computes_max
    assert_true_counterexample(bad, chk)


def test_ruess_7_deep_weight_changed_is_refuted():
    net = max_network(7, "ruess")
    W = net.layers[2].weight            # layer 3: the deepest hidden layer
    i, j = next((i, j) for i in range(W.shape[0]) for j in range(W.shape[1]) if W[i, j] != 0)
    bad = with_weight(net, 2, i, j, W[i, j] + F(1, 2 ** 20))
    chk = verify_computes_max(bad)
    assert not chk.computes_max
    assert_true_counterexample(bad, chk)


# ----------------------------------------------------------------------------- large integers
def rescaled(net, layer, factor):
    """The same function with layer ``layer``'s outputs scaled by ``factor`` > 0 and the next layer's
    weights by 1 / factor (relu is positively homogeneous): an exact rewrite with large integers."""
    layers = list(net.layers)
    a, b = layers[layer], layers[layer + 1]
    layers[layer] = Layer(np.array(a.weight, dtype=object) * factor, np.array(a.bias, dtype=object) * factor,
                          a.activation, "exact")
    layers[layer + 1] = Layer(np.array(b.weight, dtype=object) / factor, b.bias, b.activation, "exact")
    return ReLUNetwork(net.input_dim, tuple(layers))


def rescaled_all(net, scalings):
    for layer, factor in scalings:
        net = rescaled(net, layer, factor)
    return net


@pytest.mark.parametrize("scalings", [[(0, F(2 ** 22)), (1, F(2 ** 44))], [(0, F(3 ** 40))], [(0, F(1, 2 ** 40))]])
def test_large_integers_take_the_exact_fallbacks(scalings):
    # Integer weights ~2^22 in two layers push the ray values past float64's exact range (2^53) but
    # not int64's; 3^40 (and 2^40 in layer 1) need Python integers.  The function is unchanged, so
    # the verdicts and the cones are too.
    net = max_network(5, "log3")
    plain = verify_computes_max(net)
    big = verify_computes_max(rescaled_all(net, scalings))
    assert big.computes_max and plain.computes_max
    assert big.cones == plain.cones
    W = net.layers[1].weight
    i, j = next((i, j) for i in range(W.shape[0]) for j in range(W.shape[1]) if W[i, j] != 0)
    bad = rescaled_all(with_weight(net, 1, i, j, W[i, j] + F(1, 7)), scalings)
    chk = verify_computes_max(bad)
    assert not chk.computes_max
    assert_true_counterexample(bad, chk)


# ----------------------------------------------------------------------------- the CLI at n = 7, 8 (slow)
def _cli_check(tmp_path, construction, n, timeout):
    path = tmp_path / f"{construction}{n}.json"
    r = subprocess.run([sys.executable, "-m", "expressivity", "depth", "max", "--n", str(n), "--construction",
                        construction, "--out", str(path)], capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "expressivity", "depth", "check", str(path), "--max", str(n), "--json"],
                       capture_output=True, text=True, timeout=timeout, check=False)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)   # exactly one JSON document
    assert doc["computes_max"] is True and doc["n"] == n and "hinge propagation" in doc["method"]
    return doc


@pytest.mark.slow
@pytest.mark.parametrize("construction,n", [("log3", 7), ("ruess", 7), ("tree", 8), ("ruess", 8)])
def test_cli_decides_depth3_networks(tmp_path, construction, n):
    _cli_check(tmp_path, construction, n, timeout=1800)


@pytest.mark.slow
def test_cli_decides_log3_8(tmp_path):
    _cli_check(tmp_path, "log3", 8, timeout=3600)
