"""MAX_n constructions: depth formulas, exact values against Python's max, the Bakaev identity."""

from fractions import Fraction as F
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import ComputationTooLargeError, InvalidInputError, UnknownNameError
from expressivity.relu.max_expr import ExprBuilder
from expressivity.relu.max_networks import (bakaev_max5_terms, log3_depth, max_log3_network, max_network,
                                            max_ruess_network, ruess_depth, tree_depth)


def _plain_max(terms):
    return max(terms)


def bakaev_plain(x):
    """Identity (2) written with the plain max forms of the spec table (independent of the code)."""
    x1, x2, x3, x4, x5 = x
    P1 = max(2 * x5, x1 + x2, 2 * x1, x1 + x3, x1 + x4, x3 + x4)
    P2 = max(2 * x5, x1 + x2, 2 * x2, x2 + x3, x2 + x4, x3 + x4)
    P3 = max(2 * x5, x3 + x4, 2 * x3, x1 + x3, x2 + x3, x1 + x2)
    P4 = max(2 * x5, x3 + x4, 2 * x4, x1 + x4, x2 + x4, x1 + x2)
    Q = max(2 * x5, x1 + x2, x3 + x4)
    R = [max(2 * x5, a, x1 + x2, x3 + x4) for a in (x1 + x3, x1 + x4, x2 + x3, x2 + x4)]
    return F(1, 2) * (P1 + P2 + P3 + P4 + Q - sum(R))


def test_bakaev_identity_on_all_small_grid_points_including_ties():
    for x in product(range(-2, 3), repeat=5):
        assert bakaev_plain(x) == max(x)


def test_bakaev_terms_match_the_plain_forms():
    b = ExprBuilder(5)
    xs = [b.var(i) for i in range(5)]
    terms = bakaev_max5_terms(b, xs)
    assert len(terms) == 9 and sum(c for c, _, _ in terms) == F(1, 2)  # 5 positive, 4 negative halves
    rng = np.random.default_rng(3)
    for _ in range(30):
        x = [F(int(v), int(d)) for v, d in zip(rng.integers(-9, 10, 5), rng.integers(1, 4, 5))]
        total = sum(c * max(b.evaluate(t, x) for t in ones + plains) for c, ones, plains in terms)
        assert total == max(x) == bakaev_plain(x)


@pytest.mark.parametrize("n, expected", [(1, 0), (2, 1), (3, 2), (4, 2), (5, 2), (6, 3), (11, 3), (12, 4), (29, 4), (83, 5)])
def test_log3_depth_formula(n, expected):
    assert log3_depth(n) == expected


@pytest.mark.parametrize("n, expected", [(2, 1), (3, 2), (6, 2), (7, 3), (18, 3), (19, 4)])
def test_ruess_depth_formula(n, expected):
    assert ruess_depth(n) == expected


@pytest.mark.parametrize("construction, depth", [("tree", tree_depth), ("log3", log3_depth), ("ruess", ruess_depth)])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7])
def test_constructions_depth_and_values(construction, depth, n):
    net = max_network(n, construction)
    assert net.hidden_layers == depth(n)
    assert net.is_homogeneous and net.kind == "exact"
    rng = np.random.default_rng(n)
    X = rng.integers(-4, 5, size=(60, n))
    X[:10, :] = 1  # all ties
    out = net(X.tolist())
    assert [o[0] for o in out] == [max(r) for r in X.tolist()]


@settings(max_examples=25)
@given(st.lists(st.fractions(min_value=-5, max_value=5, max_denominator=7), min_size=5, max_size=5))
def test_max5_networks_on_rational_points(x):
    for c in ("log3", "ruess"):
        assert max_network(5, c)(x)[0] == max(x)


def test_log3_neuron_counts_stay_moderate():
    # term merging and shared nodes keep the recursion far below 9^(#Claim-5 steps) terms
    counts = {n: max_log3_network(n).num_neurons for n in (5, 6, 7, 8)}
    assert counts[5] == 34 and counts[8] < 500


def test_rueß_alias_and_errors():
    assert max_network(4, "rueß").widths == max_ruess_network(4).widths
    with pytest.raises(UnknownNameError, match="unknown construction"):
        max_network(4, "bogus")
    with pytest.raises(ComputationTooLargeError, match="too large"):
        max_network(40, "log3")
    with pytest.raises(InvalidInputError):
        max_network(0, "tree")
