"""The adjacency-traversal enumerator against closed forms, hand-built nets and other methods."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import ComputationTooLargeError, InvalidInputError, NonFiniteError
from expressivity.regions import (certify_region, count_regions, enumerate_regions, general_position_count,
                                  linear_pieces, normalize_box, serra_upper_bound)
from expressivity.regions.planar import planar_regions
from expressivity.relu import ReLUNetwork

from .strategies import moment_rows, one_layer_net, random_net


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_identity_layer_has_2_to_the_d_regions(d):
    net = ReLUNetwork.from_matrices([np.eye(d).tolist(), [[1] * d]], [[0] * d, [0]])
    res = enumerate_regions(net, certify=True)
    assert res.count == 2 ** d
    assert res.graph.number_of_edges() == d * 2 ** (d - 1)  # the d-cube graph


@pytest.mark.parametrize("d,n", [(1, 6), (2, 9), (3, 7), (4, 6)])
def test_one_layer_general_position_whole_space(d, n):
    res = enumerate_regions(one_layer_net(*moment_rows(n, d)), certify=True)
    assert res.count == general_position_count(n, d)
    # every region is a genuine polyhedron: its point is strictly inside its H-representation
    for r in res.regions:
        assert np.all(r.A @ r.point < r.b)


@pytest.mark.parametrize("seed", range(4))
def test_random_one_layer_nets_whole_space(seed):
    for d, n in [(2, 10), (3, 8)]:
        res = enumerate_regions(random_net(d, [n], seed))
        assert res.count == general_position_count(n, d)


def test_one_dimensional_nets():
    # relu(x - k), k = 0..n-1: n + 1 intervals
    n = 5
    net = ReLUNetwork.from_matrices([[[1]] * n, [[1] * n]], [[-k for k in range(n)], [0]])
    assert count_regions(net) == n + 1
    # deep 1-D nets never beat Serra's bound, which is exact for n0 = 1: prod (n_l + 1)
    for seed in range(5):
        net = random_net(1, [4, 4], seed)
        c = count_regions(net)
        assert c == count_regions(net, 1e4) <= serra_upper_bound(1, [4, 4]) == 25


def test_degenerate_neurons_are_not_double_counted():
    W = [[1.0, 2.0], [-1.0, 1.0], [0.5, -1.0]]
    b = [0.3, -0.2, 0.1]
    base = count_regions(ReLUNetwork.from_matrices([W, [[1.0, 1.0, 1.0]]], [b, [0.0]]))
    assert base == 7
    variants = {
        "duplicate": ([W[0]] + W, [b[0]] + b),
        "opposite": ([[-v for v in W[0]]] + W, [-b[0]] + b),
        "scaled": ([[2 * v for v in W[1]]] + W, [2 * b[1]] + b),
        "dead": ([[0.0, 0.0]] + W, [-1.0] + b),
        "always on": ([[0.0, 0.0]] + W, [1.0] + b),
        "identically zero": ([[0.0, 0.0]] + W, [0.0] + b),
    }
    for name, (W2, b2) in variants.items():
        net = ReLUNetwork.from_matrices([W2, [[1.0] * len(W2)]], [b2, [0.0]])
        res = enumerate_regions(net, certify=True)
        assert res.count == base, name
        assert planar_regions(net, 50.0).count == count_regions(net, 50.0), name


def test_second_layer_degeneracies():
    # layer 2 repeats a layer-1 hyperplane (z2 = h1 with h1 = relu(x1)): z2 vanishes on the
    # whole half plane x1 <= 0, where the neuron is off; no region appears twice
    net = ReLUNetwork.from_matrices([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, -1.0]], [[1.0, 1.0]]],
                                    [[0.0, 0.0], [0.0, 0.0], [0.0]])
    res = enumerate_regions(net, certify=True)
    keys = [r.key for r in res.regions]
    assert len(keys) == len(set(keys))
    # hand count: x1<=0 -> (h1=0) z2=(0, -relu(x2)): 2 regions; x1>0: z2b = x1 - relu(x2) splits
    # x2>0 by x2 = x1 -> 3 regions there: 5 in all
    assert res.count == 5
    assert planar_regions(net, 10.0).count == count_regions(net, 10.0) == 5


def test_linear_pieces_merge_regions_with_one_affine_map():
    # |x| = relu(x) + relu(-x): 2 regions, 2 pieces; relu(x) - relu(x) = 0: 2 regions, 1 piece
    absnet = ReLUNetwork.from_matrices([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])
    zero = ReLUNetwork.from_matrices([[[1], [1]], [[1, -1]]], [[0, 1], [-1]])
    r1, r2 = enumerate_regions(absnet), enumerate_regions(zero)
    assert (r1.count, linear_pieces(r1)) == (2, 2)
    # relu(x) - relu(x+1) + 1 is constant 1 for x <= -1, 0 ... : 3 regions, 3 pieces
    assert r2.count == 3 and linear_pieces(r2) == 3
    # a neuron with output weight 0 only splits regions
    net = ReLUNetwork.from_matrices([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 0.0]]], [[0.0, 0.0, -1.0], [0.0]])
    res = enumerate_regions(net)
    assert res.count == 7 and linear_pieces(res) == 4


@settings(max_examples=8)
@given(st.integers(0, 10_000))
def test_qhull_facets_equal_lp_facets(seed):
    net = random_net(2, [5, 4], seed)
    a = enumerate_regions(net, 2.0)
    b = enumerate_regions(net, 2.0, facets="lp")
    assert a.patterns == b.patterns
    ea = {frozenset((a.regions[i].key, a.regions[j].key)) for i, j in a.graph.edges}
    eb = {frozenset((b.regions[i].key, b.regions[j].key)) for i, j in b.graph.edges}
    assert ea == eb


def test_executor_gives_the_same_regions_and_graph():
    net = random_net(2, [10, 10], 3)
    serial = enumerate_regions(net, 3.0)
    with ThreadPoolExecutor(2) as ex:
        par = enumerate_regions(net, 3.0, executor=ex, chunks=3)
        whole = enumerate_regions(net, executor=ex, chunks=3)
    assert serial.patterns == par.patterns
    assert enumerate_regions(net).patterns == whole.patterns

    def edge_keys(r):
        return {frozenset((r.regions[i].key, r.regions[j].key)) for i, j in r.graph.edges}

    assert edge_keys(serial) == edge_keys(par)
    # a region cut by a slab wall is re-described in the full box: same number of facets
    fs = {r.key: len(r.A) for r in serial.regions}
    assert all(fs[r.key] == len(r.A) for r in par.regions)


def test_counts_grow_with_the_box_and_reach_the_whole_space():
    net = random_net(2, [8, 8], 1)
    counts = [count_regions(net, R) for R in (0.5, 1.0, 4.0, 1e5)]
    assert counts == sorted(counts)
    assert counts[-1] == count_regions(net)


def test_certificate_rejects_a_wrong_point():
    net = random_net(2, [6], 0)
    res = enumerate_regions(net, certify=True)
    r0, r1 = res.regions[0], res.regions[1]
    fake = type(r0)(pattern=r0.pattern, point=r1.point, margin=r1.margin, A=r0.A, b=r0.b,
                    facet_neurons=r0.facet_neurons, affine_map=r0.affine_map)
    assert certify_region(net, r0) and not certify_region(net, fake)


def test_bad_input():
    net = random_net(2, [4], 0)
    with pytest.raises(InvalidInputError, match="empty"):
        enumerate_regions(net, ([0, 0], [1, 0]))
    with pytest.raises(InvalidInputError, match="positive"):
        enumerate_regions(net, 0.0)
    with pytest.raises(NonFiniteError):
        enumerate_regions(net, float("nan"))
    with pytest.raises(NonFiniteError):
        normalize_box(([0, 0], [1, float("inf")]), 2)
    with pytest.raises(InvalidInputError, match="facets"):
        enumerate_regions(net, facets="cdd")
    with pytest.raises(ComputationTooLargeError, match="max_regions"):
        enumerate_regions(net, max_regions=3)
    with pytest.raises(InvalidInputError, match="no ReLU"):
        enumerate_regions(ReLUNetwork.from_matrices([[[1.0, 2.0]]], [[0.0]]))
    big = random_net(8, [64, 64], 0)
    with pytest.warns(RuntimeWarning, match="Serra upper bound"):
        with pytest.raises(ComputationTooLargeError):
            enumerate_regions(big, max_regions=20)


def test_exact_network_is_enumerated_and_certified():
    net = ReLUNetwork.from_matrices([[[1, 0], [0, 1], [1, 1]], [[1, 1, 1]]], [["0", "0", "-1/3"], [0]])
    res = enumerate_regions(net, certify=True)
    assert res.count == 7 and res.certified


def test_constant_network_has_one_region():
    # every neuron is constant (zero weights): no hyperplane at all, one region, no facets
    for b in (0, -1, 2):
        net = ReLUNetwork.from_matrices([[[0, 0]], [[1]]], [[b], [0]])
        res = enumerate_regions(net, certify=True)
        assert res.count == 1 and res.regions[0].A.shape == (0, 2)
        assert planar_regions(net).count == planar_regions(net, 1.0).count == 1
