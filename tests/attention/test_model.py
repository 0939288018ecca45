"""Parametrisation, closed-form tensors and counts, against sympy expansion and direct evaluation."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from expressivity.attention import (LightningShape, coefficient_count, cross_tensor, entry_coordinates, entry_labels,
                                    expand_entry_sympy, pure_tensor, random_parameters, symmetrize3,
                                    total_coefficient_count)
from expressivity.exceptions import InvalidInputError, NonFiniteError, ShapeError


@pytest.mark.parametrize("d,t,a", [(3, 2, None), (2, 3, 1), (2, 2, 2)])
def test_closed_form_matches_sympy_expansion(d, t, a):
    labels, coeffs, params = expand_entry_sympy(d, t, a=a, j=t - 1)
    V = np.array(params["V"].tolist(), dtype=object)
    A = np.array(params["A"].tolist(), dtype=object)
    closed = entry_coordinates(V, A, t, 0, t - 1)
    assert len(labels) == coefficient_count(d, t)
    assert all(sp.expand(c - y) == 0 for c, y in zip(coeffs, closed))


def test_counts_against_expansion_of_whole_output():
    # number of distinct monomials of every entry of V X X^T A X, counted by sympy
    d, t, dp = 2, 3, 2
    X = sp.Matrix(d, t, lambda k, n: sp.Symbol(f"x{k}{n}"))
    V = sp.Matrix(dp, d, lambda i, k: sp.Symbol(f"v{i}{k}"))
    A = sp.Matrix(d, d, lambda r, c: sp.Symbol(f"a{r}{c}"))
    Y = (V * X * X.T * A * X).applyfunc(sp.expand)
    total = sum(len(sp.Poly(Y[i, j], *list(X)).terms()) for i in range(dp) for j in range(t))
    assert total == total_coefficient_count(d, t, dp) == 96


def test_published_counts():
    assert [coefficient_count(3, 2), coefficient_count(3, 1), coefficient_count(2, 2)] == [28, 10, 10]
    assert total_coefficient_count(3, 3, 1) == 138
    for d in range(1, 6):
        for t in range(1, 5):
            assert coefficient_count(d, t) == (t - 1) * d * d * (d + 1) // 2 + math.comb(d + 2, 3)


@settings(max_examples=25)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 2), st.integers(0, 10**6))
def test_coefficients_reproduce_the_layer(d, t, dp, seed):
    # independent oracle: evaluate V X X^T A X directly and from the scaled coefficients
    a = min(2, d)
    rng = np.random.default_rng(seed)
    p = random_parameters(LightningShape(d, a, t, dp), rng)
    X = rng.standard_normal((d, t))
    direct = p.V @ X @ X.T @ p.A @ X
    for i in range(dp):
        for j in range(t):
            y = entry_coordinates(p.V, p.A, t, i, j)
            val = 0.0
            for lab, c in zip(entry_labels(d, t, j), y):
                ctx = [k for k, n in lab if n != j]
                mult = math.factorial(len(ctx)) // math.prod(math.factorial(ctx.count(v)) for v in set(ctx)) if ctx else \
                    math.factorial(3) // math.prod(math.factorial([k for k, _ in lab].count(v)) for v in {k for k, _ in lab})
                val += mult * c * math.prod(X[k, n] for k, n in lab)
            assert val == pytest.approx(direct[i, j], rel=1e-9, abs=1e-9)


@settings(max_examples=20)
@given(st.integers(1, 4), st.integers(0, 10**6))
def test_tensor_symmetries_and_cubic_form(d, seed):
    rng = np.random.default_rng(seed)
    V = rng.standard_normal((2, d))
    A = rng.standard_normal((d, d))
    T = cross_tensor(V, A)
    P = pure_tensor(V, A)
    assert np.allclose(T, T.transpose(0, 2, 1, 3))
    for perm in itertools.permutations((1, 2, 3)):
        assert np.allclose(P, P.transpose((0,) + perm))
    x = rng.standard_normal(d)
    for i in range(2):
        assert np.einsum("klm,k,l,m->", P[i], x, x, x) == pytest.approx((V[i] @ x) * (x @ A @ x))
        # slice quadrics share the factor v.x (spec §3): q_l(x) = (v.x)(A[:, l].x)
        for l in range(d):
            assert x @ T[i, :, :, l] @ x == pytest.approx((V[i] @ x) * (A[:, l] @ x))


def test_exact_tensors_use_fractions():
    V = np.array([[1, 2]], dtype=object)
    A = np.array([[1, 0], [3, 1]], dtype=object)
    T = cross_tensor(V, A)
    assert T[0, 0, 1, 0] == Fraction(1 * 3 + 2 * 1, 2)
    assert symmetrize3(T)[0, 0, 0, 1] == (T[0, 0, 0, 1] + 2 * T[0, 0, 1, 0]) / 3


@pytest.mark.parametrize("kw,msg", [({"d": 3, "a": 0}, "a \\(attention"), ({"d": 3, "a": 4}, "exceeds d"),
                                    ({"d": 3, "a": 2, "dprime": 0}, "dprime"), ({"d": 0, "a": 1}, "d \\(embedding"),
                                    ({"d": 3, "a": 2, "t": 0}, "t \\(number"), ({"d": 3.0, "a": 2}, "integer")])
def test_bad_shapes(kw, msg):
    with pytest.raises(InvalidInputError, match=msg):
        LightningShape(**kw)


def test_bad_tensors():
    with pytest.raises(ShapeError):
        cross_tensor(np.ones((1, 3)), np.ones((2, 2)))
    with pytest.raises(ShapeError):
        cross_tensor(np.ones(3), np.ones((3, 3)))
    with pytest.raises(ShapeError):
        cross_tensor(np.ones((1, 3)), np.ones((3, 2)))
    with pytest.raises(NonFiniteError):
        cross_tensor(np.array([[np.nan, 1.0]]), np.eye(2))
    with pytest.raises(InvalidInputError):
        entry_coordinates(np.ones((1, 2)), np.eye(2), t=2, j=5)
