"""The HBDSS MIP model: sizes against the authors' mip.mps, data against closed forms, big-M."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import ComputationTooLargeError, InvalidInputError
from expressivity.linalg_exact import rank_exact
from expressivity.milp import build_hbdss_model, export_model, first_layer_basis, hbdss_data, mps_size
from expressivity.relu.braid import g_M, ray


def test_n4_sizes_match_the_published_mps():
    # mip.mps header @41437b48: 74 columns (30 integer), 390 rows, 2658 nonzeros; paper: 420 with y >= 0
    m = build_hbdss_model(4, big_m=15)
    s = m.size
    assert (s.columns, s.binaries, s.continuous, s.rows, s.nonzeros) == (74, 30, 44, 390, 2658)
    assert s.rows + 30 == 420


def test_mps_export_reread_independently(tmp_path):
    m = build_hbdss_model(4, big_m=15)
    path = export_model(m, tmp_path / "h.mps")
    assert mps_size(path) == m.size
    lp = export_model(m, tmp_path / "h.lp")
    text = lp.read_text()
    assert "Maximize" in text and "z_29" in text and "Binaries" in text


def test_export_rejects_unknown_suffix(tmp_path):
    with pytest.raises(InvalidInputError, match=r"\.mps or \.lp"):
        export_model(build_hbdss_model(2), tmp_path / "x.txt")


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_data_closed_forms(n):
    d = hbdss_data(n)
    m = n + 1
    assert d.n_rays == 2 ** m - 2
    assert d.n_basis == 2 * n + n * (n - 1) // 2
    # chains {} < S < T < [n]_0: colour each element "in S", "in T\\S", "outside T", minus degenerate cases
    assert len(d.pairs) == 3 ** m - 3 * 2 ** m + 3
    # the first-layer functions are linearly independent on the rays (Lemma 2.5: evaluation is injective)
    assert rank_exact([list(r) for r in d.G]) == d.n_basis
    assert all(v in (-1, 0, 1) for row in d.G for v in row)


def test_G_is_g_M_at_the_rays_and_script_order():
    d = hbdss_data(4)
    assert [sorted(M) for M in first_layer_basis(4)][:9] == [[1], [2], [3], [4], [0, 1], [0, 2], [0, 3], [0, 4], [1, 2]]
    assert [sorted(S) for S in d.rays[:6]] == [[0], [1], [2], [3], [4], [0, 1]]
    # spot values from the spec: r_{0,2,3} = (1,0,0,1), r_{1,4} = (-1,0,0,-1)
    assert ray(frozenset({0, 2, 3}), 4) == (1, 0, 0, 1)
    for s, S in enumerate(d.rays):
        x = np.array(ray(S, 4), dtype=float)
        for j, M in enumerate(d.basis):
            assert d.G[s][j] == max(0.0 if i == 0 else x[i - 1] for i in M)


def test_objective_signs():
    d = hbdss_data(4)
    # mip.mps: y[0..4] -> -1, y[5..14] -> +1, y[15..24] -> -1, y[25..29] -> +1
    assert d.signs == tuple([-1] * 5 + [1] * 10 + [-1] * 10 + [1] * 5)


def test_big_m_is_the_exact_box_bound_and_attained():
    d = hbdss_data(4)
    L = d.row_l1()
    assert max(L) == 14  # the paper's 15 is safe; 14 is the exact bound
    for s, row in enumerate(d.G):
        a = [1 if v > 0 else -1 for v in row]
        assert sum(c * x for c, x in zip(row, a)) == L[s]


@settings(max_examples=25)
@given(st.lists(st.fractions(min_value=-1, max_value=1), min_size=14, max_size=14))
def test_big_m_bounds_every_box_point(a):
    d = hbdss_data(4)
    L = d.row_l1()
    for s, row in enumerate(d.G):
        assert abs(sum(c * x for c, x in zip(row, a))) <= L[s]


def test_big_m_variants_and_refusal():
    per_row = build_hbdss_model(4, big_m="per_row")
    assert per_row.big_m == hbdss_data(4).row_l1()
    assert set(build_hbdss_model(4).big_m) == {14}
    with pytest.raises(InvalidInputError, match="smaller than"):
        build_hbdss_model(4, big_m=13)
    with pytest.raises(InvalidInputError, match="big_m"):
        build_hbdss_model(4, big_m=2.5)


def test_bad_n():
    with pytest.raises(InvalidInputError):
        hbdss_data(0)
    with pytest.raises(InvalidInputError):
        hbdss_data(True)
    with pytest.raises(ComputationTooLargeError):
        build_hbdss_model(9)
    with pytest.raises(InvalidInputError, match="sense"):
        build_hbdss_model(2, sense="up")


def test_tightened_model_adds_only_symmetry_rows():
    t = build_hbdss_model(4, tightened=True)
    assert t.size.columns == 74 and t.size.rows == 390 + 3


def test_g_M_helper_agrees():
    # G via braid.g_M on exact rays equals our table (two code paths over the same formula)
    d = hbdss_data(3)
    for s, S in enumerate(d.rays):
        for j, M in enumerate(d.basis):
            assert g_M(M)(ray(S, 3)) == d.G[s][j]
