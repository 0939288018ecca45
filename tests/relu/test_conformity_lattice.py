"""H-conformity, Möbius coefficients (vs. a linear solve), lattice volumes, Q_k, Newton pairs, bounds."""

import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import InvalidInputError, NumberTypeError
from expressivity.linalg_exact import solve_exact
from expressivity.relu.braid import basis_index_sets, g_M, ray, ray_index_sets
from expressivity.relu.conformity import braid_coefficients, h_conformity, in_V, restrict_input
from expressivity.relu.depth_bounds import ceil_log, depth_bounds
from expressivity.relu.lattice import convex_hull, in_Qk, minkowski_sum, normalized_volume, simplex_points
from expressivity.relu.max_networks import max_network, max_tree_network
from expressivity.relu.network import ReLUNetwork
from expressivity.relu.newton import evaluate_pair, newton_pair, random_integer_network


# ----------------------------------------------------------------------------- conformity
@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_tree_accepted_with_degree_n(n):
    res = h_conformity(max_tree_network(n))
    assert res.conforming and res.braid_degree == n  # max{x1..xn} = g_{1..n}


def test_bakaev_rejected_and_violation_is_real():
    net = max_network(5, "log3")
    res = h_conformity(net)
    assert not res.conforming
    v = res.violation
    assert set(v["S"]) < set(v["T"]) or set(v["T"]) < set(v["S"])
    assert v["value_S"] * v["value_T"] < 0
    assert not h_conformity(restrict_input(net, 4)).conforming


@settings(max_examples=20)
@given(st.integers(2, 4).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.integers(-3, 3), min_size=2 ** (n + 1) - 2, max_size=2 ** (n + 1) - 2))))
def test_mobius_matches_linear_solve(case):
    n, coeffs = case
    Ms = basis_index_sets(n)
    f = lambda r: sum(c * g_M(M)(r) for c, M in zip(coeffs, Ms))  # noqa: E731
    lam = braid_coefficients(f, n)
    assert all(lam[M] == c for M, c in zip(Ms, coeffs))
    A = [[g_M(M)(ray(S, n)) for M in Ms] for S in ray_index_sets(n)]
    sol = solve_exact(A, [f(ray(S, n)) for S in ray_index_sets(n)])
    assert sol == [F(c) for c in coeffs]


def test_V_membership():
    assert not in_V(lambda r: max(0, *r), 4, 4)
    assert in_V(g_M(frozenset({0, 1, 3})), 4, 3) and not in_V(g_M(frozenset({0, 1, 3})), 4, 2)


def test_conformity_bad_input():
    with pytest.raises(InvalidInputError, match="bias-free"):
        h_conformity(ReLUNetwork.from_matrices([[[1, 0]], [[1]]], [[1], [0]]))
    with pytest.raises(NumberTypeError):
        h_conformity(max_tree_network(3).to_float())


# ----------------------------------------------------------------------------- lattice
@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_simplex_and_cube_and_dilation(d):
    assert normalized_volume(simplex_points(d)) == 1
    assert normalized_volume(list(itertools.product([0, 1], repeat=d))) == math.factorial(d)
    assert normalized_volume([tuple(3 * v for v in p) for p in simplex_points(d)]) == 3 ** d


def test_lower_dimensional_faces_use_their_own_lattice():
    assert normalized_volume([(0, 0, 0), (2, 4, 6)]) == 2  # two primitive steps
    assert normalized_volume([(0, 0, 0), (1, 1, 0), (0, 1, 1)]) == 1
    assert normalized_volume([(5, 5)]) == 1


@settings(max_examples=25)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)), min_size=2, max_size=3))
def test_lattice_zonotopes_are_even(gens):
    Z = [(0, 0, 0)]
    for g in gens:
        Z = minkowski_sum(Z, [(0, 0, 0), g])
    H = convex_hull(Z)
    if H.dim >= 2:
        assert normalized_volume(Z) % 2 == 0
        assert in_Qk(Z, 1).member


def test_hull_vertices_of_square_with_interior_points():
    pts = [(x, y) for x in range(3) for y in range(3)]
    H = convex_hull(pts)
    assert sorted(H.points[i] for i in H.vertices) == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert len(H.facets) == 4


def test_lattice_bad_input():
    with pytest.raises(InvalidInputError, match="not an integer"):
        normalized_volume([(0, 0), (F(1, 2), 0), (0, 1)])
    with pytest.raises(NumberTypeError):
        normalized_volume([(0.0, 0.0), (1.0, 0.0)])


# ----------------------------------------------------------------------------- Newton pairs
@settings(max_examples=12)
@given(st.integers(0, 10_000))
def test_newton_pair_reproduces_network_and_hhl_parity(seed):
    for n, widths, k in [(2, [3], 1), (4, [2, 2], 2)]:
        net = random_integer_network(n, widths, seed=seed)
        G, H = newton_pair(net)
        rng = np.random.default_rng(seed)
        for x in rng.integers(-7, 8, size=(8, n)).tolist():
            assert evaluate_pair((G, H), x) == net(x)[0]
        for P in (G, H):
            Pi = [tuple(int(v) for v in p) for p in P]
            assert in_Qk(Pi, k).member
            assert normalized_volume(minkowski_sum(Pi, simplex_points(n))) % 2 == 1


def test_newton_pair_of_max():
    G, H = newton_pair(max_tree_network(3))
    # h_G - h_H = max: G = H + conv{e1,e2,e3} as support functions; check at unit vectors
    for i in range(3):
        e = [0, 0, 0]
        e[i] = 1
        assert evaluate_pair((G, H), e) == 1


def test_newton_bad_input():
    with pytest.raises(InvalidInputError, match="bias-free"):
        newton_pair(ReLUNetwork.from_matrices([[[1, 0]], [[1]]], [[1], [0]]))


# ----------------------------------------------------------------------------- bounds
@pytest.mark.parametrize("m, want", [(5, (3, 2, 2)), (10, (4, 3, 2)), (11, (4, 3, 3)), (29, (5, 4, 3))])
def test_spec_test_vectors(m, want):
    b = depth_bounds(m)
    assert (b.log2, b.log3, b.log5) == want


def test_exact_values_and_ceil_log_against_brute_force():
    assert [depth_bounds(m).exact for m in (1, 2, 3, 10, 11)] == [0, 1, 2, 2, None]
    for base in (2, 3, 5):
        for num in range(1, 400):
            s = ceil_log(base, num)
            assert base ** s >= num and (s == 0 or base ** (s - 1) < num)
