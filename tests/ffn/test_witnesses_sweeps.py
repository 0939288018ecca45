"""Witnesses (exact parameters, certified gaps vs closed forms), sweeps and gate statistics."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from expressivity.exceptions import InvalidInputError, ShapeError, UnknownNameError
from expressivity.ffn.activations import PAPER_DICTIONARY
from expressivity.ffn.gate_stats import (effective_activations, effective_sample_size, hill_exact, hill_number,
                                         normalize_gates, renyi_entropy, tsallis_entropy)
from expressivity.ffn.layers import moa_type1
from expressivity.ffn.sweeps import sweep
from expressivity.ffn.witnesses import WITNESS_NAMES, get_witness


@pytest.mark.parametrize("name", WITNESS_NAMES)
def test_witness_is_computed_exactly_by_its_layer(name):
    w = get_witness(name)
    assert w.representation_identity()
    assert w.max_forward_error(300, seed=2) <= 1e-15
    js = w.to_json()
    assert js["stronger_class"] == w.stronger.class_name and js["width"] == 1


def test_T_family_against_closed_forms():
    for lam in (Fraction(1, 2), Fraction(3)):
        w = get_witness("T", lam)
        x1, x2 = w.xs
        assert w.target == sp.tanh(sp.Rational(lam.numerator, lam.denominator) * x1) * sp.Max(0, x2)
        c = w.certify()
        assert abs(float(c.lower_bound) - math.tanh(float(lam)) / 2) < 1e-15 and c.width is None
        s = get_witness("T_sigmoid", lam).certify()
        assert abs(float(s.lower_bound) - math.tanh(float(lam) / 2) / 4) < 1e-15
    one = get_witness("T_one", 2).certify(n_grid=2001)
    assert abs(float(one.lower_bound) - 0.19912 / 2) < 1e-5
    t3 = get_witness("T3", 2).certify()
    assert abs(float(t3.lower_bound) - math.tanh(2)) < 1e-15  # (J2(1) − J2(−1))/2 = tanh λ


def test_f1_f2_pl_poly_certificates():
    f1 = get_witness("f1")
    assert f1.certify(activation="silu").lower_bound == Fraction(1, 2)
    assert f1.certify(9, activation="leaky_relu").lower_bound == Fraction(1, 10)
    assert f1.certify(activation="id").lower_bound == Fraction(3, 2)
    with pytest.raises(InvalidInputError, match="pass width"):
        f1.certify(activation="relu")
    f2 = get_witness("f2")
    c = f2.certify(3, activation="relu")
    assert abs(float(c.lower_bound) - 2 * math.sqrt(3) / 9 / 4) < 1e-15
    # ReLU²-gated: (tanh'''(1) + 2)/(2(m+1)), tanh''' = -2(1-t²)(1-3t²)
    t = math.tanh(1.0)
    assert abs(float(f2.certify(1, activation="relu2").lower_bound) - (-2 * (1 - t * t) * (1 - 3 * t * t) + 2) / 4) < 1e-14
    # polynomial σ: the bound does not depend on the width (gated nets are polynomials of degree ≤ 2 or 3)
    assert f2.certify(None, activation="id").lower_bound == f2.certify(50, activation="id").lower_bound > 0
    assert f2.certify(None, activation="square").width is None
    pl = get_witness("pl")
    assert pl.certify().lower_bound == Fraction(1, 2) and pl.certify(1).lower_bound == Fraction(1, 128)
    assert get_witness("poly_cubic").certify().lower_bound == Fraction(1, 2)
    assert get_witness("poly_rank").certify(1).lower_bound == Fraction(1, 4)
    assert get_witness("poly_rank").certify(2).lower_bound == 0


def test_witness_bad_input():
    with pytest.raises(UnknownNameError, match="unknown witness"):
        get_witness("T4")
    with pytest.raises(InvalidInputError, match="positive"):
        get_witness("T", lam=0)
    with pytest.raises(InvalidInputError, match="positive integer"):
        get_witness("f1").certify(0, activation="relu")
    with pytest.raises(InvalidInputError, match="does not take"):
        get_witness("T").certify(activation="relu")


def test_sweeps_small():
    r = sweep("T", [1, 8, 32], seed=1, progress=False)
    assert r.rows[-1].rmse < r.rows[0].rmse / 5
    assert all(row.certified >= row.floor >= 0.48 for row in r.rows)
    f = sweep("f1_relu", [1, 4, 16, 64], progress=False)
    assert all(row.certified >= row.floor for row in f.rows)
    # floors are rounded down to floats: never above the exact 1/(m+1), and within one ulp of it
    assert all(Fraction(row.floor) <= Fraction(1, m + 1) and row.floor == pytest.approx(1 / (m + 1), rel=1e-15)
               for row, m in zip(f.rows, (1, 4, 16, 64)))
    assert f.rows[-1].rmse < 1e-4
    o = sweep("T_one", [1, 8], progress=False)
    assert all(row.certified >= row.floor > 0.0995 for row in o.rows) and o.rows[1].rmse < o.rows[0].rmse
    p = sweep("poly_cubic", [4, 16], progress=False)  # from width ~3 an LA-I{Id, x²} spans all quadratics
    assert p.rows[0].rmse == pytest.approx(p.rows[1].rmse, rel=0.2) and p.rows[0].sup_error >= 0.5
    assert all(row.certified >= 0.5 for row in p.rows)
    q = sweep("pl", [2, 16], progress=False)
    assert all(row.certified >= 0.5 for row in q.rows)
    with pytest.raises(UnknownNameError):
        sweep("nope")
    with pytest.raises(InvalidInputError):
        sweep("T", [0])


def test_poly_cubic_sup_floor_against_best_quadratic():
    # the LS-best quadratic is a particular quadratic: its sup error must respect the ½ floor
    r = sweep("poly_cubic", [1], progress=False, n_test=20000)
    assert r.rows[0].sup_error >= 0.5


# ---------------------------------------------------------------------- gate statistics
def test_hill_numbers_closed_forms():
    p = np.array([0.5, 0.25, 0.25])
    assert hill_number(p, 0) == 3
    assert hill_number(p, 2) == pytest.approx(1 / (0.25 + 0.0625 + 0.0625))
    assert hill_number(p, math.inf) == pytest.approx(2.0)
    H = -(0.5 * math.log(0.5) + 0.5 * math.log(0.25))
    assert hill_number(p, 1) == pytest.approx(math.exp(H))
    assert hill_number(p, 1 + 1e-7) == pytest.approx(math.exp(H), rel=1e-6)
    assert renyi_entropy(p, 2) == pytest.approx(-math.log(0.375))
    assert tsallis_entropy(p, 2) == pytest.approx(1 - 0.375)
    assert tsallis_entropy(p, 1) == pytest.approx(H)
    assert effective_sample_size([2, 1, 1]) == pytest.approx(hill_number(p, 2))
    assert hill_exact([Fraction(1, 2), Fraction(1, 2)], 3) == 2  # (1/4)^(-1/2)
    with pytest.raises(InvalidInputError, match="irrational"):
        hill_exact([Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)], 3)


@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=8).filter(lambda v: sum(v) > 1e-6))
def test_hill_bounds_and_monotone(w):
    p = normalize_gates(np.array(w), mode="plain")
    K = len(w)
    prof = [float(hill_number(p, q)) for q in (0, 0.5, 1, 2, 4, math.inf)]
    assert all(1 - 1e-9 <= v <= K + 1e-9 for v in prof)
    assert all(a >= b - 1e-9 for a, b in zip(prof, prof[1:]))


def test_effective_activations_of_witness_gates():
    w = get_witness("T")
    X = np.random.default_rng(0).uniform(-1, 1, size=(100, 2))
    X = X[np.abs(X[:, 0]) > 1e-3]
    D = effective_activations(w.stronger, X, q=1.0)
    assert np.allclose(D, 1.0)  # only the ReLU gate is nonzero: one activation per token
    K = len(PAPER_DICTIONARY)
    mo = moa_type1(PAPER_DICTIONARY, np.ones((2, 2)), np.ones((1, 2)), np.zeros((K, 2)), gate="sigmoid")
    assert np.allclose(effective_activations(mo, X, q=2.0), K)  # all gates 1/2
    with pytest.raises(InvalidInputError, match="all gates equal to 0"):
        effective_activations(moa_type1(PAPER_DICTIONARY, np.ones((2, 2)), np.ones((1, 2)), np.zeros((K, 2))), X)
    with pytest.raises(InvalidInputError, match="no gates"):
        get_witness("f1").stronger.gate_values(X[:, :1])
    with pytest.raises(ShapeError):
        normalize_gates(np.ones((2, 2, 2)))
    with pytest.raises(InvalidInputError):
        hill_number([0.5, 0.6], 1)
