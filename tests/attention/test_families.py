"""Invariant families: spec counts, independent closed forms, vanishing and non-triviality."""

import itertools
import math
from fractions import Fraction

import flint
import numpy as np
import pytest

from expressivity.attention import (LightningShape, cross_tensor, evaluate_family, family_generators, family_sympy,
                                    family_values, linear_relations, random_lines, random_parameters, veronese_map,
                                    verify_all, verify_family, verify_symbolic)
from expressivity.attention.families import _compositions, _veronese_D, context_syzygy_weights
from expressivity.attention.ring import cross_variable_names, det, tensor_from_array
from expressivity.exceptions import InvalidInputError, ShapeError, UnknownNameError


def span_rank(gens):
    monos = {}
    for _, g in gens:
        for e, _c in g.terms():
            monos.setdefault(e, len(monos))
    M = flint.fmpz_mat(len(gens), len(monos))
    for i, (_, g) in enumerate(gens):
        for e, c in g.terms():
            M[i, monos[e]] = c
    return M.rank()


# spec §3, §6 "suggested unit-test oracles": spans over Q (exact ranks of coefficient matrices)
@pytest.mark.parametrize("key,d,a,span", [
    ("cross_column", 3, 2, 10), ("context_syzygy_maximal", 3, 2, 10), ("low_rank", 3, 2, 20), ("low_rank", 3, 1, 45),
    ("veronese", 3, 2, 45), ("resultant", 3, 2, 72), ("cross_column", 4, 3, 200), ("context_syzygy_submaximal", 4, 3, 200),
    ("low_rank", 4, 2, 480), ("lie_flattening", 3, 2, 35),  # 45 octic minors spanning 35
])
def test_family_spans_match_spec(key, d, a, span):
    assert span_rank(family_generators(key, d, a)) == span


def test_linear_relation_counts():
    for d in range(1, 5):
        for t in range(2, 5):
            assert len(linear_relations(d, t)) == (t - 2) * d * d * (d + 1) // 2 + math.comb(d + 2, 3)
    assert linear_relations(3, 1) == []


def test_det_against_numpy():
    rng = np.random.default_rng(0)
    for n in range(1, 7):
        M = rng.integers(-5, 6, size=(n, n))
        assert det(M.tolist()) == round(np.linalg.det(M))


def test_veronese_map_and_identity():
    # D_alpha(K, L) = v_K^alpha det A[K, L] (spec §3.5), checked exactly with Fractions
    assert veronese_map((2, 0)) == (0, 0) and veronese_map((0, 2)) == (1, 1) and veronese_map((1, 0, 2)) == (0, 2, 2)
    rng = np.random.default_rng(1)
    d = 4
    V = np.array([[Fraction(int(x)) for x in rng.integers(-5, 6, size=d)]], dtype=object)
    A = np.array([[Fraction(int(x)) for x in row] for row in rng.integers(-5, 6, size=(d, d))], dtype=object)
    T = cross_tensor(V, A)[0]
    Tn = [[[T[k, k2, l] for l in range(d)] for k2 in range(d)] for k in range(d)]
    for r in (2, 3):
        for K in itertools.combinations(range(d), r):
            for L in itertools.combinations(range(d), r):
                for alpha in _compositions(r, r):
                    lhs = _veronese_D(Tn, K, L, alpha)
                    rhs = math.prod(V[0, K[m]] ** alpha[m] for m in range(r)) * det([[A[k, l] for l in L] for k in K])
                    assert lhs == rhs


def test_context_syzygy_weights_annihilate_minors_of_phi():
    # sum_R lambda_R det Phi(v)[R, S] = 0 for all S, evaluated at a random rational v
    d, k = 4, 3
    rng = np.random.default_rng(2)
    v = [Fraction(int(x)) for x in rng.integers(-7, 8, size=d)]
    from expressivity.attention import pairs
    P = pairs(d)
    Phi = [[Fraction(0)] * d for _ in P]
    for row, (a, b) in enumerate(P):
        if a == b:
            Phi[row][a] = v[a]
        else:
            Phi[row][a] = v[b] / 2
            Phi[row][b] = v[a] / 2
    syz = context_syzygy_weights(d, k)
    assert sum(1 for _ in syz) == 50  # spec §3.4: 50 lambdas for d=4, k=3
    for Rs, lam in syz:
        for S in itertools.combinations(range(d), k):
            assert sum(l * det([[Phi[r][s] for s in S] for r in R]) for R, l in zip(Rs, lam)) == 0


@pytest.mark.parametrize("d,a", [(3, 1), (3, 2), (3, 3), (4, 2)])
def test_all_families_verified(d, a):
    checks = verify_all(d, a, 2, symbolic=True, seed=3)
    bad = [c for c in checks if not c.ok]
    assert not bad, bad


def test_single_context_families_verified():
    for a in (1, 2):
        for c in verify_all(3, a, 1, seed=4):
            assert c.ok, c
    # d = 4, a = 1: the (2a+2)-minors of N are quartics
    for c in verify_family("single_low_rank", 4, 1, seed=5):
        assert c.ok, c


def test_sympy_backend_agrees():
    for key, d, a in [("resultant", 2, 2), ("low_rank", 3, 1)]:
        assert verify_symbolic(key, d, a, backend="sympy").ok


def test_d2_hypersurface_is_the_resultant():
    # spec §3.6: for d = 2, a = 2 the variety is a hypersurface cut out by the slice resultant
    gens = family_generators("resultant", 2, 2)
    assert span_rank(gens) == 1


def test_evaluator_matches_exact_polynomials():
    # float batch evaluator vs the fmpz_mpoly generators evaluated at an integer point
    d, a = 3, 2
    rng = np.random.default_rng(6)
    raw = rng.integers(-4, 5, size=(d, d, d))
    T = (raw + raw.transpose(1, 0, 2))
    names = cross_variable_names(d)
    point = [int(T[int(n.split("_")[1]), int(n.split("_")[2]), int(n.split("_")[3])]) for n in names]
    for key in ("low_rank", "cross_column", "veronese", "resultant", "context_syzygy_maximal"):
        vals = evaluate_family(key, T.astype(float), a)
        exact = [int(g(*point)) for _, g in family_generators(key, d, a, drop_zero=False)]
        assert np.allclose(vals, exact, rtol=1e-12, atol=1e-6)


def test_low_rank_family_detects_rank():
    # a point with rank F = a+1 violates the (a+1)-minors: take A of rank 3 and a = 2
    p = random_parameters(LightningShape(3, 3), 7)
    T = cross_tensor(p.V, p.A)[0]
    assert np.max(np.abs(evaluate_family("low_rank", T, 2))) > 1e-3
    assert np.max(np.abs(evaluate_family("veronese", T, 2))) < 1e-9


def test_random_lines_and_bad_lines():
    lines = random_lines(4, 5, seed=0)
    assert len(lines) == 5 and all(len(p) == 4 for p, _ in lines)
    assert verify_symbolic("resultant", 4, 2, lines=lines).ok
    with pytest.raises(ShapeError):
        family_values("resultant", tensor_from_array(np.zeros((3, 3, 3))), 3, 2, lines=[((1, 2), (3, 4))])
    with pytest.raises(InvalidInputError):
        family_values("resultant", tensor_from_array(np.zeros((3, 3, 3))), 3, 2, lines=[((1.5, 2, 0), (3, 4, 1))])


def test_bad_family_input():
    with pytest.raises(UnknownNameError):
        family_generators("nope", 3, 2)
    with pytest.raises(ShapeError):
        evaluate_family("low_rank", np.zeros((3, 3)), 2)
    with pytest.raises(InvalidInputError):
        family_generators("low_rank", 3, 4)
    with pytest.raises(InvalidInputError):
        family_generators("veronese", 3, 0)


def test_sympy_generators_are_expressions():
    exprs = family_sympy("cross_column", 3, 2)
    assert len(exprs) == 10 and all(e.is_polynomial() for e in exprs)
    assert all(len(e.free_symbols) > 0 for e in exprs)
