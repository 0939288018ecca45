"""Sanity properties of the region bounds, and measured counts against them."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expressivity.exceptions import InvalidInputError
from expressivity.regions import (all_bounds, count_regions, general_position_count, montufar2014_lower_bound,
                                  montufar2017_upper_bound, serra_lower_bound, serra_upper_bound)

from .strategies import random_net

widths_st = st.lists(st.integers(1, 9), min_size=1, max_size=4)


def serra_bruteforce(n0, widths):
    """Thm 1 summed literally over the index set J (independent of the DP)."""
    total = 0
    for js in itertools.product(*[range(n + 1) for n in widths]):
        ok = True
        for l, j in enumerate(js):
            cap = min([n0, widths[l]] + [widths[k] - js[k] for k in range(l)])
            if j > cap:
                ok = False
                break
        if ok:
            total += math.prod(math.comb(n, j) for n, j in zip(widths, js))
    return total


@given(st.integers(1, 5), widths_st)
def test_serra_dp_equals_literal_sum(n0, widths):
    assert serra_upper_bound(n0, widths) == serra_bruteforce(n0, widths)


@given(st.integers(1, 6), st.integers(1, 12))
def test_one_layer_upper_bounds_are_zaslavsky(n0, n1):
    z = general_position_count(n1, n0)
    assert serra_upper_bound(n0, [n1]) == montufar2017_upper_bound(n0, [n1]) == z


@given(st.lists(st.integers(2, 9), min_size=1, max_size=4))
def test_one_dimensional_input_gives_product(widths):
    # exact for n0 = 1 (Serra et al.); the product form needs widths >= 2
    assert serra_upper_bound(1, widths) == math.prod(n + 1 for n in widths)
    # a width-1 layer after the first passes on a single ReLU: 3 pieces at most from [1, 1]
    assert serra_upper_bound(1, [1, 1]) == 3


@given(st.integers(1, 5), widths_st)
def test_bound_chain(n0, widths):
    s, m = serra_upper_bound(n0, widths), montufar2017_upper_bound(n0, widths)
    assert s <= m <= 2 ** sum(widths)
    if all(n >= n0 for n in widths):
        assert montufar2014_lower_bound(n0, widths) <= s
    if all(n >= 3 * n0 for n in widths[:-1]):
        assert serra_lower_bound(n0, widths) <= s
        if widths[-1] >= n0:
            assert montufar2014_lower_bound(n0, widths) <= serra_lower_bound(n0, widths)


@given(st.integers(1, 4), widths_st, st.integers(0, 3), st.integers(1, 3))
def test_upper_bounds_monotone_in_width(n0, widths, i, extra):
    i = i % len(widths)
    wider = list(widths)
    wider[i] += extra
    assert serra_upper_bound(n0, widths) <= serra_upper_bound(n0, wider)
    assert montufar2017_upper_bound(n0, widths) <= montufar2017_upper_bound(n0, wider)


def test_bottleneck_makes_serra_tighter():
    # a layer narrower than the input caps the dimension of later layers
    assert serra_upper_bound(8, [8, 8]) < montufar2017_upper_bound(8, [8, 8]) == 2 ** 16
    # widths >= n0 everywhere: the 2-layer bounds coincide when n0 is small
    assert serra_upper_bound(2, [8, 8]) == montufar2017_upper_bound(2, [8, 8]) == 37 ** 2


@pytest.mark.parametrize("d,widths", [(1, [3, 3]), (2, [4, 4]), (2, [3, 3, 3]), (3, [4, 4])])
def test_measured_counts_below_upper_bounds(d, widths):
    for seed in range(3):
        c = count_regions(random_net(d, widths, seed))
        assert c <= serra_upper_bound(d, widths)


def test_bad_input():
    with pytest.raises(InvalidInputError):
        serra_upper_bound(0, [3])
    with pytest.raises(InvalidInputError):
        serra_upper_bound(2, [])
    with pytest.raises(InvalidInputError, match="width"):
        montufar2014_lower_bound(4, [2, 8])
    with pytest.raises(InvalidInputError, match="3 n0"):
        serra_lower_bound(2, [5, 8])
    assert all_bounds(4, [2, 8])["montufar2014_lower"] is None
