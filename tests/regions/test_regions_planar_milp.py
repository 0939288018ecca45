"""The 2-D subdivision and the MILP counters against the traversal and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import InvalidInputError, ShapeError
from expressivity.regions import enumerate_regions, general_position_count
from expressivity.regions.milp import interval_bounds, milp_count_pulp, milp_count_scip
from expressivity.regions.planar import planar_regions, slice_network

from .strategies import moment_rows, one_layer_net, random_net


@settings(max_examples=15)
@given(st.integers(0, 100_000), st.sampled_from([[6], [5, 5], [8, 4], [4, 4, 4]]), st.sampled_from([0.5, 2.0, 1e5]))
def test_planar_equals_traversal_pattern_for_pattern(seed, widths, R):
    net = random_net(2, widths, seed)
    p = planar_regions(net, R)
    r = enumerate_regions(net, R)
    assert p.pattern_keys == r.patterns
    assert p.count == r.count
    # the faces tile the box
    assert abs(p.areas().sum() - (2 * R) ** 2) < 1e-9 * (2 * R) ** 2
    assert np.all(p.areas() > 0)


def test_planar_whole_plane_one_layer():
    for n in (3, 8, 15):
        assert planar_regions(one_layer_net(*moment_rows(n, 2))).count == general_position_count(n, 2)


def test_planar_whole_plane_matches_exact_traversal():
    net = random_net(2, [12, 12], 7)
    assert planar_regions(net).pattern_keys == enumerate_regions(net).patterns


def test_slices_of_a_three_input_layer_are_line_arrangements():
    # a generic plane meets n generic planes of R^3 in n lines in general position
    rng = np.random.default_rng(1)
    net = random_net(3, [9], 4)
    U = rng.normal(size=(3, 2))
    x0 = rng.normal(size=3)
    assert planar_regions(net, plane=(x0, U)).count == general_position_count(9, 2)
    deep = random_net(3, [6, 6], 2)
    s = slice_network(deep, x0, U)
    assert planar_regions(deep, 3.0, plane=(x0, U)).pattern_keys == enumerate_regions(s, 3.0).patterns


def test_planar_bad_input():
    with pytest.raises(ShapeError, match="2-input"):
        planar_regions(random_net(3, [4], 0))
    with pytest.raises(InvalidInputError, match="dependent"):
        planar_regions(random_net(3, [4], 0), plane=([0, 0, 0], [[1, 2], [1, 2], [1, 2]]))
    with pytest.raises(InvalidInputError, match="empty"):
        planar_regions(random_net(2, [4], 0), ([0, 0], [0, 1]))


def test_interval_bounds_contain_sampled_preactivations():
    net = random_net(3, [6, 5], 0)
    bounds = interval_bounds(net, 1.5)
    xs = np.random.default_rng(0).uniform(-1.5, 1.5, size=(500, 3))
    for (L, U), z in zip(bounds, [z for z in net.pre_activations(xs)[:2]]):
        assert np.all(z >= L[None, :] - 1e-12) and np.all(z <= U[None, :] + 1e-12)


@pytest.mark.parametrize("seed,widths", [(0, [3, 3]), (1, [4, 3]), (2, [2, 2, 2])])
def test_milp_counts_equal_traversal(seed, widths):
    net = random_net(2, widths, seed)
    r = enumerate_regions(net, 1.0)
    bits = {"".join("1" if v else "0" for v in x.pattern) for x in r.regions}
    pulp_res = milp_count_pulp(net, 1.0)
    assert pulp_res.count == r.count and pulp_res.patterns == bits
    assert milp_count_scip(net, 1.0).count == r.count


@pytest.mark.parametrize("seed", range(3))
def test_scip_count_three_inputs(seed):
    net = random_net(3, [5, 5], seed)
    assert milp_count_scip(net, 1.0).count == enumerate_regions(net, 1.0).count


def test_milp_bad_input():
    net = random_net(2, [3], 0)
    with pytest.raises(InvalidInputError, match="box"):
        milp_count_pulp(net, None)
    with pytest.raises(InvalidInputError, match="box"):
        milp_count_scip(net, None)
    with pytest.raises(InvalidInputError, match="eps"):
        milp_count_scip(net, 1.0, eps=0)
    with pytest.raises(InvalidInputError, match="solver"):
        milp_count_pulp(net, 1.0, solver="gurobi")


small = st.integers(-2, 2)


@settings(max_examples=40)
@given(st.lists(st.tuples(small, small, small), min_size=1, max_size=4),
       st.lists(st.lists(small, min_size=4, max_size=4), min_size=1, max_size=3),
       st.lists(small, min_size=3, max_size=3), st.sampled_from([3.0, 1e6, None]))
def test_degenerate_integer_nets_planar_equals_traversal(rows, W2, b2, R):
    """Small integer weights make parallel, concurrent, duplicate and dead neurons common."""
    from expressivity.relu import ReLUNetwork

    W1 = [[a, b] for a, b, _ in rows]
    b1 = [c for _, _, c in rows]
    W2 = [r[: len(W1)] for r in W2]
    net = ReLUNetwork.from_matrices([W1, W2, [[1] * len(W2)]], [b1, b2[: len(W2)], [0]])
    res = enumerate_regions(net, R, certify=True)
    assert planar_regions(net, R).pattern_keys == res.patterns


@pytest.mark.slow
def test_planar_equals_traversal_on_wide_nets():
    for widths in ([64, 64], [16, 16, 16]):
        net = random_net(2, widths, 0)
        assert planar_regions(net, 1.0).pattern_keys == enumerate_regions(net, 1.0).patterns
        assert planar_regions(net).pattern_keys == enumerate_regions(net).patterns
