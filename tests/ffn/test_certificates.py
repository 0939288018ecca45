"""Certificates against independent oracles: sympy limits, dense numeric derivatives, SVD, mpmath roots."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import DegenerateInputError, InvalidInputError, ShapeError
from expressivity.ffn.certificates import (DifferenceFunctional, counting_floor, f1_derivative_gap, pl_breakpoints_1d,
                                           quadratic_rank_floor, ridge_jump, segment_breakpoints, sympy_jump)
from expressivity.ffn.chebyshev import REFERENCE_E_LAMBDA, chebyshev_affine_floor, chebyshev_affine_lp
from expressivity.ffn.intervals import enclose_sympy, sigmoid_enclosure, tanh_enclosure
from expressivity.ffn.layers import fixed_type1, input_symbols, la_type1, la_type2, moa_type1, moa_type2
from expressivity.ffn.sweeps import la1_jump_exact

R = sp.Rational


def test_ridge_jump_matches_sympy_one_sided_limits():
    """Oracle: differentiate the exact sympy form and take one-sided limits across x2 = 0."""
    x1, x2 = input_symbols(2)
    layers = [
        la_type1(["relu", "leaky_relu"], alpha=[2, 3], W1=[[0, 2], [1, 1]], W2=[[1, R(1, 2)]]),
        moa_type1(["relu", "tanh"], W1=[[0, -3]], W2=[[2]], U=[[1, 0], [0, 0]], c=[R(1, 2), 0]),
        la_type2("one", ["relu"], W1=[[0, 1]], W2=[[1, 1]], W3=[[3]], alpha=[2], b2=[1]),
        moa_type2("bi", ["relu", "id"], W1=[[0, 1]], W2=[[0, 1]], W3=[[1]], U1=[[1, 0], [0, 0]], c1=[0, 0],
                  U2=[[0, 0], [0, 0]], c2=[sp.atanh(R(1, 3)), 0]),
    ]
    for layer in layers:
        expr = layer.sympy_outputs([x1, x2])[0]
        for y1 in (R(1, 3), R(-2, 5)):
            J = ridge_jump(layer, [0, 1], 0, [y1, 0])
            ref = sympy_jump(expr.subs(x1, y1), x2, 0)
            assert sp.simplify(J - ref) == 0, (layer.class_name, J, ref)


def test_ridge_jump_rejects_bad_input():
    g = la_type1(["relu"], alpha=[1], W1=[[1, 1]], W2=[[1]])
    with pytest.raises(InvalidInputError, match="does not lie"):
        ridge_jump(g, [0, 1], 0, [1, 1])
    with pytest.raises(DegenerateInputError):
        ridge_jump(g, [0, 1], 0, [0, 0])  # the kink line x1 + x2 = 0 crosses H there
    with pytest.raises(ShapeError):
        ridge_jump(g, [0, 1, 0], 0, [0, 0])


@settings(max_examples=20)
@given(st.integers(0, 10**6))
def test_fast_la1_jump_equals_general(seed):
    rng = np.random.default_rng(seed)
    m = 4
    W1 = [[0, int(rng.integers(1, 4)) * int(rng.choice([-1, 1]))] if rng.random() < 0.5 else [int(v) for v in rng.integers(-2, 3, 2)]
          for _ in range(m)]
    g = la_type1(["relu", "leaky_relu", "hardtanh"], alpha=[[int(v) for v in rng.integers(-3, 4, 3)] for _ in range(m)],
                 W1=W1, W2=[[int(v) for v in rng.integers(-3, 4, m)]], b1=[int(v) for v in rng.integers(-1, 2, m)])
    general = ridge_jump(g, [0, 1], 0, [R(3, 7), 0], check_generic=False)
    assert sp.Rational(la1_jump_exact(g, 1)) == general


def test_pl_breakpoints_and_f1_gap_against_dense_grid():
    rng = np.random.default_rng(0)
    for m in (1, 3, 6):
        g = fixed_type1("relu", rng.normal(size=(m, 1)), rng.normal(size=(1, m)), rng.normal(size=m))
        pts, slopes = pl_breakpoints_1d(g)
        x = np.linspace(-1, 1, 200001)
        gp = np.gradient(g(x[:, None])[:, 0], x)
        # slopes on the pieces agree with numeric derivatives at piece midpoints
        edges = [-1.0] + [float(p) for p in pts] + [1.0]
        for (a, b), s in zip(zip(edges[:-1], edges[1:]), slopes):
            if b - a > 1e-3:
                mid = np.argmin(np.abs(x - (a + b) / 2))
                assert abs(gp[mid] - float(s)) < 1e-6
        f1p = np.where(x > 0, 1 + 2 * x, 0.0)
        numeric = np.max(np.abs(f1p - gp)[5:-5])
        assert float(f1_derivative_gap(g)) >= numeric - 1e-3  # exact sup ≥ sampled values
        assert f1_derivative_gap(g) >= counting_floor(m)


def test_counting_floor_is_attained_up_to_one():
    # f1' on (0,1) by a step function with m equal pieces: error exactly 1/m (hand computation)
    for m in (1, 2, 5):
        knots = [Fraction(j, m) for j in range(m)]
        slopes = [1 + Fraction(2 * j + 1, m) for j in range(m)]
        a = [slopes[0]] + [slopes[j] - slopes[j - 1] for j in range(1, m)]
        g = fixed_type1("relu", [[1]] * m, [a], b1=[-k for k in knots])
        assert f1_derivative_gap(g) == Fraction(1, m) >= counting_floor(m) == Fraction(1, m + 1)


def test_segment_breakpoints_by_hand():
    g = la_type1(["relu", "hardtanh"], alpha=[1, 1], W1=[[1, 1], [2, 0]], W2=[[1, 1]], b1=[-1, 0])
    # neuron 1: z = 2s - 1 on the diagonal: kinks z ∈ {0, ±1} -> s = 1/2 (z=0), s = 0 and 1 excluded
    # neuron 2: z = 2s: kinks at s = 0 (excluded), 1/2 (z = 1)
    assert segment_breakpoints(g, (0, 0), (1, 1)) == [Fraction(1, 2)]


def test_difference_functional_and_rank_floor():
    x1, x2 = sp.symbols("x1 x2", real=True)
    L = DifferenceFunctional(base=(-1, -1), steps=((0, 2, 1), (1, 1, 2)))
    assert L.annihilates_degree((x1, x2), 2) and not L.annihilates_degree((x1, x2), 3)
    assert L.in_box(Fraction(-1), Fraction(1)) and L.weight_norm() == 8
    # brute force: L(x1 x2^2) from its 6 points by hand: (1)(1 - 0 ... ) computed independently
    pts = {(-1, -1): 1, (-1, 0): -2, (-1, 1): 1, (1, -1): -1, (1, 0): 2, (1, 1): -1}
    val = sum(-w * a * b * b for (a, b), w in pts.items())
    assert L.apply(x1 * x2 ** 2, (x1, x2)) == val == 4
    rng = np.random.default_rng(1)
    for _ in range(5):
        A = rng.integers(-3, 4, size=(3, 3))
        Q = (A + A.T).tolist()
        sv = np.linalg.svd(np.array(Q, dtype=float), compute_uv=False)
        for m in range(3):
            lb = quadratic_rank_floor(Q, m)
            assert float(lb) <= sv[m] / 2 + 1e-12 and float(lb) >= sv[m] / 2 - 1e-9


def test_intervals_contain_high_precision_values():
    with mpmath.workdps(50):
        for x in (Fraction(1, 3), Fraction(2), Fraction(-7, 2)):
            t = tanh_enclosure(x)
            ref = mpmath.tanh(mpmath.mpf(x.numerator) / x.denominator)
            assert mpmath.mpf(t.lo.numerator) / t.lo.denominator <= ref <= mpmath.mpf(t.hi.numerator) / t.hi.denominator
            s = sigmoid_enclosure(x)
            ref = 1 / (1 + mpmath.exp(-mpmath.mpf(x.numerator) / x.denominator))
            assert mpmath.mpf(s.lo.numerator) / s.lo.denominator <= ref <= mpmath.mpf(s.hi.numerator) / s.hi.denominator
        e = enclose_sympy(sp.sqrt(3) * 2 / 9)
        ref = 2 * mpmath.sqrt(3) / 9
        assert mpmath.mpf(e.lo.numerator) / e.lo.denominator <= ref <= mpmath.mpf(e.hi.numerator) / e.hi.denominator
    with pytest.raises(InvalidInputError):
        enclose_sympy(sp.Symbol("x"))


@pytest.mark.parametrize("lam", [Fraction(1, 2), Fraction(2), Fraction(10)])
def test_chebyshev_against_published_table_and_equioscillation_roots(lam):
    c = chebyshev_affine_floor(lam, 4001)
    lo, hi = float(c.enclosure.lo), float(c.enclosure.hi)
    assert hi - lo < 1e-6
    assert abs(lo - REFERENCE_E_LAMBDA[lam]) < 6e-6
    # second algorithm: solve the equioscillation system with mpmath
    L = mpmath.mpf(lam.numerator) / lam.denominator
    f = lambda q, t: [L * (1 - mpmath.tanh(L * t) ** 2) - q,  # noqa: E731
                      (mpmath.tanh(L * t) - q * t) + (mpmath.tanh(L) - q)]
    q, t = mpmath.findroot(f, (float(c.q), float(c.t_star)))
    E = float(q - mpmath.tanh(L))
    assert lo - 1e-12 <= E <= hi + 1e-12
    Elp, p, qlp = chebyshev_affine_lp(float(lam), 2001)
    assert abs(p) < 1e-9 and Elp <= hi + 1e-12  # a grid LP can only underestimate


def test_chebyshev_bad_input():
    with pytest.raises(InvalidInputError):
        chebyshev_affine_floor(0)
    with pytest.raises(InvalidInputError):
        chebyshev_affine_lp(float("nan"))
