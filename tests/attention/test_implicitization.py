"""Graded mod-p implicitisation against the published/spec numbers and a float SVD algorithm."""

import itertools

import numpy as np
import pytest

from expressivity.attention.groebner_baseline import groebner_elimination_degrees

from expressivity.attention import (LightningShape, coordinate_weights, cross_tensor, family_coverage, implicitize,
                                    model_points_mod_p, random_parameters)
from expressivity.exceptions import ComputationTooLargeError, InvalidInputError


@pytest.mark.parametrize("d,a,t,expected", [
    # spec §5 (Macaulay2 elimination): minimal generators by degree, raw coordinates of one entry
    (2, 1, 2, {1: 4, 2: 3}), (2, 2, 2, {1: 4, 4: 1}), (2, 2, 3, {1: 10, 4: 1}),
    (3, 1, 2, {1: 10, 2: 45, 3: 10}), (3, 2, 2, {1: 10, 3: 30, 4: 90}), (3, 3, 2, {1: 10, 3: 20, 4: 90}),
])
def test_generators_by_degree_match_macaulay2(d, a, t, expected):
    g = implicitize(LightningShape(d, a, t), max_degree=4, seed=1)
    assert g.generators_by_degree() == expected


def test_dim_ideal_values_from_spec():
    dims = {a: [dd.dim_ideal for dd in implicitize(LightningShape(3, a, 2), 3).degrees] for a in (1, 2, 3)}
    assert dims[1][1] == 45 and dims[1][2] == 590
    assert dims[2][2] == 30 and dims[3][2] == 20


def test_single_context_has_nothing_below_degree_5():
    # spec §5: (3, >=2, 1) minimal generators only in degree 8; (4, >=2, 1) none in degree <= 4
    for s in (LightningShape(3, 2, 1), LightningShape(4, 2, 1)):
        g = implicitize(s, 3 if s.d == 4 else 4)
        assert g.generators_by_degree() == {}


def test_float_svd_algorithm_agrees_on_small_case():
    # second algorithm: un-graded float evaluation matrix + SVD (feasible for d = 2)
    s = LightningShape(2, 1, 2)
    rng = np.random.default_rng(0)
    pts = []
    for _ in range(80):
        p = random_parameters(s, rng)
        T = cross_tensor(p.V, p.A)[0]
        pts.append([T[k, k2, l] for k in range(2) for k2 in range(k, 2) for l in range(2)])
    Y = np.array(pts)
    g = implicitize(s, 3)
    for deg in (2, 3):
        monos = list(itertools.combinations_with_replacement(range(6), deg))
        E = np.array([[np.prod(y[list(m)]) for m in monos] for y in Y])
        sv = np.linalg.svd(E, compute_uv=False)
        null = len(monos) - int(np.sum(sv > 1e-9 * sv[0]))
        assert null == g.degrees[deg - 1].dim_ideal


def test_model_points_are_on_the_variety_mod_p():
    p = 2_147_483_629
    s = LightningShape(3, 1, 2)
    Y = model_points_mod_p(s, 5, seed=0, p=p)
    # the 2x2 minors of the flattening vanish mod p for a = 1
    F = Y.reshape(5, 6, 3)
    for r1, r2 in itertools.combinations(range(6), 2):
        for c1, c2 in itertools.combinations(range(3), 2):
            v = (F[:, r1, c1].astype(object) * F[:, r2, c2] - F[:, r1, c2].astype(object) * F[:, r2, c1]) % p
            assert not np.any(v)


def test_weights_and_dprime_grading():
    s = LightningShape(2, 1, 2, 2)
    w = coordinate_weights(s)
    assert len(w) == 12 and all(sum(x[:2]) == 3 for x in w) and w[0][2:] == (1, 0) and w[-1][2:] == (0, 1)
    g = implicitize(s, 2)
    # rows share A: each row alone gives the 3 quadrics of (2,1,2); cross-row quadrics exist too
    assert g.degrees[1].dim_ideal >= 6


def test_coverage_d3_complete_and_families_needed():
    g = implicitize(LightningShape(3, 3, 2), 4)
    c3 = family_coverage(g, 3)
    c4 = family_coverage(g, 4)
    assert c3.complete and c3.span_by_family["cross_column"] == 10 and c3.span_by_family["context_syzygy_maximal"] == 10
    assert c4.complete and c4.dim_ideal == 450
    assert c4.lost_without["cross_column"] == 180 and c4.lost_without["context_syzygy_maximal"] == 153


def test_d4_degree3_c1_families_miss_200():
    # spec §3.8: for d = 4, a in {3, 4} the C1 families give only 200 of the 400 cubics
    g = implicitize(LightningShape(4, 3, 2), 3)
    assert g.degrees[2].dim_ideal == 400
    c1 = family_coverage(g, 3, families=["cross_column", "context_syzygy_maximal", "low_rank", "veronese", "resultant"])
    assert c1.span_all == 200 and c1.missing == 200
    assert family_coverage(g, 3).complete


def test_d4_a2_degree3_complete_with_c1_families():
    g = implicitize(LightningShape(4, 2, 2), 3)
    c = family_coverage(g, 3, families=["low_rank", "cross_column"])
    assert c.dim_ideal == 680 and c.complete


@pytest.mark.slow
def test_whole_resultants_losses_match_spec():
    # spec §5 (M2, d=3, a=3, degree 4): dropping resultant / Veronese / context syzygies /
    # cross-column loses 72 / 18 / 153 / 180 dimensions
    g = implicitize(LightningShape(3, 3, 2), 4)
    c = family_coverage(g, 4, split_components=False)
    assert c.complete
    assert c.lost_without == {"cross_column": 180, "context_syzygy_maximal": 153, "context_syzygy_submaximal": 0,
                              "veronese": 18, "resultant": 72}


@pytest.mark.slow
def test_degree5_nothing_new_for_d3():
    g = implicitize(LightningShape(3, 2, 2), 5)
    assert g.degrees[4].new_generators == 0


def test_bad_input():
    with pytest.raises(InvalidInputError):
        implicitize(LightningShape(3, 2, 2), 0)
    with pytest.raises(ComputationTooLargeError):
        implicitize(LightningShape(4, 2, 2), 4, max_class=100)
    g = implicitize(LightningShape(3, 2, 2), 2)
    with pytest.raises(InvalidInputError):
        family_coverage(g, 3)


@pytest.mark.parametrize("d,a,expected", [(2, 1, {2: 3}), (2, 2, {4: 1})])
def test_sympy_groebner_elimination_agrees(d, a, expected):
    # second algorithm: lex Groebner elimination in sympy
    degs = groebner_elimination_degrees(d, a)
    assert degs == expected
    assert implicitize(LightningShape(d, a, 2), 4).generators_by_degree(raw=False) == expected


def test_single_context_d3_octics_are_the_lie_minors():
    # spec §5: (3, >=2, 1) ideal minimally generated by 35 octics = the Lie-flattening minors
    g = implicitize(LightningShape(3, 2, 1), 8)
    assert g.generators_by_degree() == {8: 35}
    assert family_coverage(g, 8).complete


def test_single_context_a1_quartics_covered_by_brill_hessian():
    # Macaulay2: (3, 1, 1) has 35 minimal quartics (split cubics, Chow type (1,1,1)); the Hessian
    # quartics (g proportional to H(g)) span all of them
    g = implicitize(LightningShape(3, 1, 1), 4)
    assert g.generators_by_degree() == {4: 35}
    c = family_coverage(g, 4)
    assert c.span_all == 35 and c.missing == 0 and c.span_by_family == {"brill_hessian": 35}
