"""Zaslavsky counts against closed forms, hand counts and the region enumerator."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import ComputationTooLargeError, DegenerateInputError, NetworkFileError, ShapeError
from expressivity.regions import (Arrangement, arrangement_from_dict, arrangement_to_dict, braid_arrangement,
                                  central_generic_count, count_arrangement_regions, enumerate_regions,
                                  general_position_bounded_count, general_position_count, intersection_poset,
                                  load_arrangement)

from .strategies import moment_rows, one_layer_net


@pytest.mark.parametrize("d,n", [(1, 1), (1, 5), (2, 3), (2, 6), (3, 4), (3, 7), (4, 6), (2, 12)])
def test_general_position_closed_form(d, n):
    arr = Arrangement(*moment_rows(n, d))
    c = count_arrangement_regions(arr)
    assert c.regions == general_position_count(n, d) == sum(math.comb(n, i) for i in range(d + 1))
    assert c.bounded == general_position_bounded_count(n, d) == math.comb(n - 1, d)


@pytest.mark.parametrize("d,n", [(2, 5), (3, 6), (3, 8), (4, 7)])
def test_central_generic_cover_count(d, n):
    c = count_arrangement_regions(Arrangement(*moment_rows(n, d, central=True)))
    assert c.regions == central_generic_count(n, d) == math.comb(n, d) * 0 + 2 * sum(math.comb(n - 1, k) for k in range(d))
    assert c.bounded == 0


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_braid_has_n_factorial_regions(n):
    c = count_arrangement_regions(braid_arrangement(n))
    assert c.regions == math.factorial(n)
    assert c.rank == n - 1 and c.bounded == 0 and c.relatively_bounded == 0
    # chi of the braid arrangement is t (t-1) (t-2) ... (t-n+1) (Stanley, Sec. 1.3)
    poly = [1]
    for k in range(n):
        poly = [(poly[i - 1] if i >= 1 else 0) - k * (poly[i] if i < len(poly) else 0) for i in range(len(poly) + 1)]
    assert list(c.characteristic_polynomial) == poly


def test_hand_counted_degenerate_arrangements():
    # a parallel vertical lines and b parallel horizontal lines: a grid
    for a, b in [(1, 1), (2, 3), (4, 2)]:
        normals = [[1, 0]] * a + [[0, 1]] * b
        offsets = list(range(a)) + list(range(b))
        c = count_arrangement_regions(Arrangement(normals, offsets))
        assert (c.regions, c.bounded) == ((a + 1) * (b + 1), (a - 1) * (b - 1))
    # k lines through one point: 2k sectors, none bounded
    for k in (2, 3, 5):
        c = count_arrangement_regions(Arrangement([[1, t] for t in range(k)], [3] * k))
        assert (c.regions, c.bounded) == (2 * k, 0)
    # triangle x=0, y=0, x+y=1 plus the diagonal x=y through a vertex: 10 regions, the
    # triangle is cut in two (counted by hand)
    c = count_arrangement_regions(Arrangement([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, 1, 0]))
    assert (c.regions, c.bounded) == (10, 2)
    # a repeated hyperplane changes nothing; parallel planes in R^3: k + 1 slabs
    c = count_arrangement_regions(Arrangement([[1, 2], [2, 4], [1, 2]], [1, 2, 1]))
    assert c.regions == 2
    c = count_arrangement_regions(Arrangement([[0, 0, 1]] * 4, [0, 1, 2, 3]))
    assert (c.regions, c.bounded, c.rank) == (5, 0, 1)
    assert c.relatively_bounded == 3  # the 3 inner slabs are bounded in the essentialisation


def test_poset_is_networkx_and_ranked():
    P = intersection_poset(Arrangement(*moment_rows(4, 2)))
    dims = sorted(P.nodes[X]["dim"] for X in P)
    assert dims.count(2) == 1 and dims.count(1) == 4 and dims.count(0) == math.comb(4, 2)
    for X, Y in P.edges:
        assert P.nodes[Y]["dim"] == P.nodes[X]["dim"] - 1 and X < Y


small_int = st.integers(-3, 3)


@settings(max_examples=30)
@given(st.lists(st.tuples(small_int, small_int, small_int).filter(lambda r: r[0] or r[1]), min_size=1, max_size=6))
def test_zaslavsky_equals_enumerator_on_degenerate_line_arrangements(rows):
    """Small integer lines are often parallel, concurrent or repeated: a second algorithm."""
    normals = [[a, b] for a, b, _ in rows]
    offsets = [c for _, _, c in rows]
    z = count_arrangement_regions(Arrangement(normals, offsets)).regions
    res = enumerate_regions(one_layer_net(normals, offsets), certify=True)
    assert res.count == z


@pytest.mark.parametrize("d,n", [(2, 7), (3, 6), (4, 6)])
def test_adjacency_graph_edges_general_position(d, n):
    # in general position every hyperplane is cut into sum_{i<d} C(n-1, i) facets, each shared by 2 regions
    res = enumerate_regions(one_layer_net(*moment_rows(n, d)))
    assert res.count == general_position_count(n, d)
    assert res.graph.number_of_edges() == n * general_position_count(n - 1, d - 1)


def test_arrangement_file_round_trip_and_errors(tmp_path):
    arr = Arrangement([[1, Fraction(1, 2)], [0, 1]], [Fraction(-3, 4), 2])
    f = tmp_path / "a.json"
    f.write_text(json.dumps(arrangement_to_dict(arr)))
    back = load_arrangement(f)
    assert back == arr
    with pytest.raises(NetworkFileError, match="float"):
        arrangement_from_dict({"dim": 1, "hyperplanes": [{"normal": [0.5], "offset": 0}]})
    with pytest.raises(NetworkFileError, match="normal"):
        arrangement_from_dict({"dim": 2, "hyperplanes": [{"normal": [1], "offset": 0}]})
    with pytest.raises(NetworkFileError, match="zero vector"):
        arrangement_from_dict({"dim": 2, "hyperplanes": [{"normal": [0, 0], "offset": 1}]})
    with pytest.raises(NetworkFileError, match="JSON"):
        (tmp_path / "bad.json").write_text("{")
        load_arrangement(tmp_path / "bad.json")
    with pytest.raises(ShapeError):
        Arrangement([[1, 2]], [1, 2])
    with pytest.raises(DegenerateInputError):
        Arrangement([[0, 0]], [1])
    with pytest.raises(ComputationTooLargeError):
        count_arrangement_regions(Arrangement(*moment_rows(8, 2)), max_flats=10)
