"""Dimension of the neuromanifold: formulas of spec §2 against Jacobian ranks (three ways)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from expressivity.attention import (LightningShape, dimension_certificate, expected_dimension,
                                    expected_fibre_dimension, full_output_jacobian_rank, jacobian, jacobian_rank_float,
                                    jacobian_rank_mod_p, random_parameters, cross_tensor)
from expressivity.exceptions import InvalidInputError

CASES = [LightningShape(d, a, t, dp) for d in (2, 3, 4) for dp in (1, 2, 3) for a in range(1, d + 1) for t in (1, 2, 3)]


@pytest.mark.parametrize("shape", CASES, ids=lambda s: f"d{s.d}a{s.a}t{s.t}dp{s.dprime}")
def test_rank_float_and_mod_p_match_formula(shape):
    e = expected_dimension(shape)
    assert jacobian_rank_float(shape, seed=1) == e
    assert jacobian_rank_mod_p(shape, seed=1) == e


def test_formula_values():
    # t >= 2: d d' + a(2d - a) - 1; t = 1: d d' + r d - r(r-1)/2 - 1 with r = min(2a, d)
    assert expected_dimension(LightningShape(3, 2, 2)) == 3 + 8 - 1
    assert expected_dimension(LightningShape(3, 1, 1)) == 3 + 6 - 1 - 1
    assert expected_dimension(LightningShape(3, 2, 1)) == 8  # spec §5: (3, >=2, 1) has dim 8
    assert expected_dimension(LightningShape(4, 2, 1)) == 13  # spec §5: (4, >=2, 1) has dim 13
    for s in CASES:
        if s.t >= 2:
            assert expected_fibre_dimension(s) == s.a ** 2 + 1


@pytest.mark.parametrize("d,a,dp", [(2, 1, 1), (3, 2, 1), (3, 3, 2), (4, 2, 3), (5, 3, 1)])
def test_exact_certificate(d, a, dp):
    cert = dimension_certificate(LightningShape(d, a, 2, dp), seed=d + a)
    assert cert.tangents_in_kernel and cert.proved


def test_full_output_rank_equals_reduced():
    # the raw d' t N(d,t) coefficients (finite differences) lose nothing against the tensors
    for s in (LightningShape(3, 2, 3, 2), LightningShape(2, 1, 2, 1), LightningShape(3, 3, 1, 1)):
        assert full_output_jacobian_rank(s, seed=2) == expected_dimension(s)


@settings(max_examples=10)
@given(st.integers(0, 10**6))
def test_analytic_jacobian_matches_finite_differences(seed):
    s = LightningShape(3, 2, 2, 2)
    p = random_parameters(s, seed)
    J = jacobian(s, p.V, p.Q, p.K)
    theta = np.concatenate([p.V.ravel(), p.Q.ravel(), p.K.ravel()])

    def f(th):
        V = th[:6].reshape(2, 3)
        Q = th[6:12].reshape(2, 3)
        K = th[12:].reshape(2, 3)
        T = 2 * cross_tensor(V, Q.T @ K)
        return np.array([T[i, k, k2, l] for i in range(2) for k in range(3) for k2 in range(k, 3) for l in range(3)])

    eps = 1e-6
    num = np.array([(f(theta + eps * e) - f(theta - eps * e)) / (2 * eps) for e in np.eye(theta.size)]).T
    assert np.allclose(J, num, atol=1e-6)


def test_bad_input():
    with pytest.raises(InvalidInputError):
        dimension_certificate(LightningShape(3, 2, 1))
    s = LightningShape(3, 2, 2)
    with pytest.raises(InvalidInputError):
        jacobian(s, np.ones((1, 3)), np.ones((3, 3)), np.ones((2, 3)))
