"""Size limits, essentialisation and honest labels of the region counters (library level)."""

from __future__ import annotations

import io
import math
from fractions import Fraction

import numpy as np
import pytest

from expressivity.exceptions import ComputationTooLargeError, InvalidInputError
from expressivity.regions import (Arrangement, LimitReachedError, count_arrangement_regions, enumerate_regions,
                                  general_position_bounded_count, general_position_count, serra_upper_bound)
from expressivity.regions import bounds as B
from expressivity.regions.arrangement import intersection_poset

from .strategies import moment_rows, random_net


# ------------------------------------------------------------------------------ arrangements
@pytest.mark.parametrize("n, d, extra", [(5, 2, 1), (6, 3, 4), (4, 2, 30)])
def test_embedding_in_a_larger_space_keeps_the_count(n, d, extra):
    # the moment arrangement in R^d (general position: closed forms), pulled back to R^(d+extra)
    # by a rational map of full row rank: same regions, no bounded ones, chi multiplied by t^extra
    normals, offsets = moment_rows(n, d)
    rng = np.random.default_rng(n + d + extra)
    D = d + extra
    M = [[Fraction(int(rng.integers(-3, 4)), int(rng.integers(1, 4))) for _ in range(D)] for _ in range(d)]
    for i in range(d):
        M[i][i] += 10  # diagonally dominant block: rank d
    big = [[sum(a[k] * M[k][j] for k in range(d)) for j in range(D)] for a in normals]
    small = count_arrangement_regions(Arrangement(normals, offsets))
    c = count_arrangement_regions(Arrangement(big, offsets))
    assert c.regions == small.regions == general_position_count(n, d)
    assert small.bounded == general_position_bounded_count(n, d) and c.bounded == 0
    assert c.rank == d and c.characteristic_polynomial == (0,) * extra + small.characteristic_polynomial


def test_huge_ambient_dimension_is_cheap():
    # two independent hyperplanes in R^(10^5): 4 regions, chi = t^(d-2) (t-1)^2
    d = 100_000
    e0, e1 = [0] * d, [0] * d
    e0[0], e1[7] = 1, 3
    c = count_arrangement_regions(Arrangement([e0, e1], [0, 1]))
    assert (c.regions, c.bounded, c.rank, c.flats) == (4, 0, 2, 4)
    chi = c.characteristic_polynomial
    assert len(chi) == d + 1 and chi[d - 2:] == (1, -2, 1) and not any(chi[:d - 2])
    assert count_arrangement_regions(Arrangement([], [], dim=d)).regions == 1


def test_poset_limits_up_front_and_during_the_run():
    rng = np.random.default_rng(0)
    lines = rng.integers(-1000, 1000, size=(400, 3)).tolist()
    arr = Arrangement([r[:2] for r in lines], [r[2] for r in lines])
    # up front: 400 distinct lines need at least 400 x 400 steps; 401 flats at least
    with pytest.raises(ComputationTooLargeError, match="max_steps") as e:
        intersection_poset(arr, max_steps=100_000)
    assert not isinstance(e.value, LimitReachedError)
    with pytest.raises(ComputationTooLargeError, match="max_flats") as e:
        intersection_poset(arr, max_flats=400)
    assert not isinstance(e.value, LimitReachedError)
    # during the run: the points appear while the poset is built
    with pytest.raises(LimitReachedError, match="--max-flats") as e:
        intersection_poset(arr, max_flats=5_000)
    assert e.value.found == 5_001
    for bad in (0, -1, 2.5, True):
        with pytest.raises(InvalidInputError):
            intersection_poset(arr, max_flats=bad)


def test_parallel_and_repeated_hyperplanes():
    # 50 parallel lines, each given twice, and one transversal: 51 x 2 regions, chi = t^2 - 51 t + 50
    normals = [[1, 0]] * 100 + [[0, 1]]
    offsets = [i // 2 for i in range(100)] + [0]
    c = count_arrangement_regions(Arrangement(normals, offsets))
    assert (c.regions, c.bounded, c.characteristic_polynomial) == (102, 0, (50, -51, 1))


# ------------------------------------------------------------------------------ bounds
def test_bounds_with_huge_widths_are_exact_integers():
    b = B.all_bounds(2, [100_000, 100_000])
    one = 1 + 100_000 + math.comb(100_000, 2)  # widths >= 2 n0: every tuple with j_l <= 2 counts
    assert b["serra_upper"] == one ** 2 == b["montufar2017_upper"]
    assert b["patterns_2N"] == 2 ** 200_000


def test_deep_bounds_need_no_recursion():
    # n0 = 1: Serra's bound is prod (n_l + 1) (exact for 1-D input), here over 5000 layers
    assert serra_upper_bound(1, [2] * 5000) == 3 ** 5000


def test_bounds_refuse_up_front():
    with pytest.raises(ComputationTooLargeError, match="max_terms"):
        B.all_bounds(100_000, [100_000, 100_000])
    with pytest.raises(ComputationTooLargeError, match="max_bits"):
        B.all_bounds(2, [10_000_000, 10_000_000])


def test_term_estimate_is_an_upper_bound():
    rng = np.random.default_rng(1)

    def actual(n0, ws):
        caps, t = {n0}, 0
        for n in ws:
            nxt = set()
            for cap in caps:
                for j in range(min(cap, n) + 1):
                    t += 1
                    nxt.add(min(cap, n - j))
            caps = nxt
        return t

    for _ in range(500):
        n0 = int(rng.integers(1, 30))
        ws = rng.integers(1, 40, size=int(rng.integers(1, 5))).tolist()
        assert B._serra_terms(n0, ws) >= actual(n0, ws)


# ------------------------------------------------------------------------------ traversal labels, progress
def test_traversal_labels_say_lower_bound():
    net = random_net(2, [4, 4], 0)
    plain = enumerate_regions(net, 1.0).to_json()
    assert plain["method"] == "numeric" and plain["regions_certified"] is False
    assert plain["completeness_certified"] is False and plain["count_certified_as"] is None
    assert "certified" not in plain
    cert = enumerate_regions(net, 1.0, certify=True)
    j = cert.to_json()
    assert j["regions_certified"] is True and j["count_certified_as"] == "lower_bound"
    assert j["completeness_certified"] is False and cert.certified is True


def test_max_regions_is_a_limit_reached_mid_run():
    net = random_net(2, [6, 6], 0)
    with pytest.raises(LimitReachedError) as e:
        enumerate_regions(net, max_regions=3)
    assert e.value.found == 4
    with pytest.raises(InvalidInputError):
        enumerate_regions(net, max_regions=-1)


def test_traversal_progress_has_no_fake_total(monkeypatch):
    # the traversal's total is unknown: progress must not show a percentage or an ETA
    import expressivity.regions.enumeration as E

    buf = io.StringIO()
    real = E.Progress
    seen = []

    def spy(total, label, **kw):
        seen.append(total)
        return real(total, label, **{**kw, "every": 0, "stream": buf})

    monkeypatch.setattr(E, "Progress", spy)
    enumerate_regions(random_net(2, [6, 6], 0), 1.0, max_regions=10_000, progress=True)
    text = buf.getvalue()
    assert seen == [None]
    assert "/s" in text and "frontier" in text  # regions found, frontier size, rate
    assert "%" not in text and "eta" not in text.lower()
