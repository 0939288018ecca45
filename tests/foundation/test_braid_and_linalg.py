"""H_n rays and phi against HBDSS's numbers; exact linear algebra against hand-built cases."""

from fractions import Fraction as F
from itertools import permutations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from expressivity import ComputationTooLargeError, InvalidInputError, NumberTypeError, ReLUNetwork
from expressivity.linalg_exact import nullspace_exact, nullspace_mod_p, rank_exact, rank_mod_p, solve_exact
from expressivity.numbers import float_to_fraction, to_fraction
from expressivity.relu.braid import basis_index_sets, g_M, nested, phi, propagate_rays, ray, ray_index_sets, rays


def test_h4_counts_match_hbdss():
    sets = ray_index_sets(4)
    assert len(sets) == 30 and len(basis_index_sets(4)) == 30
    R = rays(4)
    gens = {tuple(r) for r in R}
    # the generators are ({0,1}^4 ∪ {0,-1}^4) \ {0} (HBDSS §2)
    expected = {v for v in np.ndindex(2, 2, 2, 2) if any(v)} | {tuple(-x for x in v) for v in np.ndindex(2, 2, 2, 2) if any(v)}
    assert gens == expected
    assert ray(frozenset({0, 2, 3}), 4) == (1, 0, 0, 1) and ray(frozenset({1, 4}), 4) == (-1, 0, 0, -1)
    assert sum(1 for S in sets for T in sets if S < T) == 150  # comparable pairs


def test_cells_are_chains():
    # every ordering of (0, x1, x2, x3) gives a cell whose rays are a maximal chain of index sets
    n = 3
    for perm in permutations(range(n + 1)):
        chain = [frozenset(perm[:k]) for k in range(1, n + 1)]
        assert all(nested(a, b) for a in chain for b in chain if a != b)
        x = np.zeros(n + 1)
        x[list(perm)] = np.arange(n + 1)  # x_perm(0) < x_perm(1) < ...
        # each chain ray r_S is the limit of the cell: coordinates in S are the smallest
        for S in chain:
            r = (0,) + ray(S, n)
            low = {i for i in range(n + 1) if r[i] == min(r)}
            assert low == set(S)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_phi_kills_basis_except_top(n):
    for M in basis_index_sets(n):
        val = phi(g_M(M), n)
        assert val == ((-1) ** n if len(M) == n + 1 else 0)


def test_propagation_rejects_non_conforming_first_layer():
    # relu(x1 + x2) breaks along x1 = -x2, not a hyperplane of H_2
    net = ReLUNetwork.from_matrices([[[1, 1]], [[1]]], [[0], [0]])
    res = propagate_rays(net)
    assert not res.conforming and res.violation[0] == 0
    ok = ReLUNetwork.from_matrices([[[1, -1], [0, 1]], [[1, 1]]], [[0, 0], [0]])
    assert propagate_rays(ok).conforming


def test_propagation_input_errors():
    with pytest.raises(NumberTypeError):
        propagate_rays(ReLUNetwork.from_matrices([[[1.0, 0.0]]], [[0.0]]))
    with pytest.raises(InvalidInputError, match="bias-free"):
        propagate_rays(ReLUNetwork.from_matrices([[[1, 0]]], [[1]]))
    with pytest.raises(ComputationTooLargeError):
        ray_index_sets(40)


# ------------------------------------------------------------ exact linear algebra and numbers
@given(st.lists(st.lists(st.integers(-5, 5), min_size=4, max_size=4), min_size=1, max_size=6))
def test_rank_nullity_and_nullspace(rows):
    A = [[F(v) for v in r] for r in rows]
    rk = rank_exact(A)
    null = nullspace_exact(A)
    assert rk + len(null) == 4
    for v in null:
        assert all(sum(a * x for a, x in zip(r, v)) == 0 for r in A)
    assert rank_mod_p(A) == rk  # a large prime: equal for these small integer matrices
    assert rk == np.linalg.matrix_rank(np.array(rows, dtype=float))


def test_solve_exact_and_mod_p():
    assert solve_exact([[2, 1], [1, 3]], [F(1), F(2)]) == [F(1, 5), F(3, 5)]
    assert solve_exact([[1, 1], [2, 2]], [1, 3]) is None
    ns = nullspace_mod_p([[1, 2], [2, 4]], 5)
    assert len(ns) == 1 and (ns[0][0] + 2 * ns[0][1]) % 5 == 0


def test_numbers():
    assert to_fraction("-6/8") == F(-3, 4) and to_fraction("2.50") == F(5, 2)
    with pytest.raises(NumberTypeError, match="float_to_fraction"):
        to_fraction(0.5)
    with pytest.raises(NumberTypeError):
        to_fraction("1/0")
    assert float_to_fraction(0.1, max_denominator=100) == F(1, 10)
    assert float_to_fraction(0.1) == F(3602879701896397, 36028797018963968)
