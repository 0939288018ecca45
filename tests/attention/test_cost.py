"""Size estimates of expressivity.attention.cost against independent counts (enumeration, the builders)."""

import math

import pytest

from expressivity.attention import (LightningShape, coordinate_weights, implicitize, linear_relations,
                                    reduced_coordinate_count)
from expressivity.attention.cost import (estimate_check_point_seconds, estimate_compute_cost, family_size,
                                         linear_relation_count, weight_class_sizes)
from expressivity.attention.implicitization import _monomials_by_class
from expressivity.exceptions import ComputationTooLargeError


@pytest.mark.parametrize("d,a,t,dp,k", [(2, 2, 2, 1, 4), (3, 2, 2, 1, 3), (3, 1, 1, 1, 4), (2, 1, 2, 2, 3),
                                        (4, 2, 2, 1, 2), (3, 3, 1, 2, 2)])
def test_class_sizes_match_enumeration(d, a, t, dp, k):
    s = LightningShape(d, a, t, dp)
    W = coordinate_weights(s)
    enumerated = sorted((len(v) for v in _monomials_by_class(len(W), k, W).values()), reverse=True)
    assert weight_class_sizes(s, k) == enumerated
    assert sum(enumerated) == math.comb(reduced_coordinate_count(s) + k - 1, k)


@pytest.mark.parametrize("d,t", [(1, 2), (2, 2), (3, 2), (2, 3), (3, 4), (3, 1)])
def test_linear_relation_count(d, t):
    assert linear_relation_count(d, t) == len(linear_relations(d, t))


@pytest.mark.parametrize("d,a", [(2, 1), (2, 2), (3, 1), (3, 2), (3, 3), (4, 2), (4, 4)])
def test_family_sizes_bound_the_builders(d, a):
    # generator counts are exact for the closed-form families and upper bounds otherwise;
    # term counts bound the terms of the expanded generators
    from expressivity.attention.families import _generators_cached, applicable_families

    for t in (2, 1):
        for key in applicable_families(d, a, t):
            if key == "linear":
                continue
            gens, terms, _ = family_size(key, d, a)
            try:
                built = _generators_cached(key, d, a, ())
            except ComputationTooLargeError:  # Lie flattening for d >= 4: not built, estimated as 0
                assert (gens, terms) == (0, 0)
                continue
            n_terms = sum(len(g) for _, g in built)
            if key in ("low_rank", "cross_column", "veronese", "single_low_rank", "lie_flattening"):
                assert gens == len(built), key
            else:
                assert gens >= len(built), key
            assert terms >= n_terms, (key, terms, n_terms)


def test_estimate_refuses_the_reported_instances_quickly():
    import time

    for shape, deg in [(LightningShape(100, 100, 2), 4), (LightningShape(10, 10, 2), 4),
                       (LightningShape(5, 5, 1_000_000), 4)]:
        t0 = time.perf_counter()
        est = estimate_compute_cost(shape, deg)
        assert time.perf_counter() - t0 < 2
        with pytest.raises(ComputationTooLargeError, match="--max-memory"):
            est.check()


def test_estimate_accepts_the_documented_feasible_range():
    for d, a, t, k in [(3, 1, 2, 4), (3, 2, 2, 4), (3, 3, 2, 5), (4, 2, 2, 4), (4, 4, 2, 3), (3, 2, 1, 8)]:
        estimate_compute_cost(LightningShape(d, a, t), k).check()
    assert estimate_check_point_seconds(LightningShape(4, 4, 2))[0] < 60


def test_implicitize_refuses_big_classes_before_enumerating():
    import time

    t0 = time.perf_counter()
    with pytest.raises(ComputationTooLargeError, match="max_monomials"):
        implicitize(LightningShape(6, 6, 2), 4)  # 11 million monomials
    with pytest.raises(ComputationTooLargeError, match="max_class"):
        implicitize(LightningShape(5, 5, 2), 4)  # 1.4 million monomials, a class of 7525
    assert time.perf_counter() - t0 < 5


def test_implicitize_progress_per_class():
    import io

    from expressivity.progress import Progress

    buf = io.StringIO()
    with Progress(None, "x", every=0, stream=buf, bar=False) as prog:
        g = implicitize(LightningShape(3, 2, 2), 3, progress=prog)
    lines = [ln for ln in buf.getvalue().splitlines() if "degree 3/3" in ln]
    assert len(lines) == g.degrees[-1].classes  # one line per weight class with every=0
    assert lines[-1].split(": ")[-1].startswith("1140/1140")
