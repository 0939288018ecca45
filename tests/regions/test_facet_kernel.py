"""The compiled facet kernel of the region traversal (``facets="kernel"``) against independent oracles.

Oracles: the polar convex hull (qhull) and one HiGHS LP per row (the reference) on the same regions,
Zaslavsky's count for one-layer nets, hand-built degenerate nets, the kernel's own plain-Python
version (the numba-free code path), and the exact completeness certificate.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import expressivity.regions.enumeration as enum_mod
from expressivity.regions import _facet_kernel as fk
from expressivity.regions import enumerate_regions, general_position_count
from expressivity.relu import ReLUNetwork, save_network

from .strategies import claim_a_redundant_row_as_facet, summed_net

pytestmark = pytest.mark.skipif(not fk.COMPILED, reason="numba not installed (the [fast] extra)")


def _random_net(d, widths, seed):
    rng = np.random.default_rng(seed)
    dims = [d] + list(widths) + [1]
    return ReLUNetwork.from_matrices([rng.normal(size=(dims[i + 1], dims[i])) for i in range(len(dims) - 1)],
                                     [rng.normal(size=dims[i + 1]) for i in range(len(dims) - 1)])


def _facets_of(net, res, how, box):
    """Facet rows of every region of ``res``, described again by ``how``."""
    cn = enum_mod.compile_network(net)
    d = cn.input_dim
    lo, hi = (np.full(d, -np.inf), np.full(d, np.inf)) if box is None else enum_mod.normalize_box(box, d)
    out = []
    for r in res.regions:
        G, A, c, idx, zi, amap = enum_mod._hrep(cn, r.pattern, lo, hi)
        _, _, _, aux = enum_mod._describe(cn, r.pattern, r.point, r.margin, G, A, c, idx, zi, amap, how,
                                          enum_mod._r_max(lo, hi))
        out.append(sorted(i for i, _ in aux[0]))
    return out


@pytest.mark.parametrize("d,widths,box,seed", [(2, [6, 6], 1.0, 1), (3, [6, 5], 1.0, 2), (4, [5, 5], 1.0, 3),
                                               (5, [4, 4], 1.0, 4), (3, [5, 4], None, 5), (4, [4, 4], None, 6)])
def test_same_facets_and_counts_as_qhull_and_lp(d, widths, box, seed):
    net = _random_net(d, widths, seed)
    kern = enumerate_regions(net, box, facets="kernel")
    hull = enumerate_regions(net, box, facets="qhull")
    assert kern.patterns == hull.patterns and kern.graph.number_of_edges() == hull.graph.number_of_edges()
    k_f = _facets_of(net, kern, "kernel", box)
    assert k_f == _facets_of(net, kern, "qhull", box)
    sample = slice(None, None, max(1, kern.count // 15))  # the LP reference is slow: every k-th region
    assert k_f[sample] == _facets_of(net, kern, "lp", box)[sample]


def test_kernel_certificate_hints_are_farkas_combinations():
    """For every redundant row the kernel's basis and multipliers combine the row (float check of the hint)."""
    net = _random_net(4, [6, 6], 8)
    res = enumerate_regions(net, 1.0, facets="kernel")
    cn = enum_mod.compile_network(net)
    lo, hi = enum_mod.normalize_box(1.0, 4)
    dirs = fk.random_directions(4, 8)
    for r in res.regions[::7]:
        _, A, c, idx, _, _ = enum_mod._hrep(cn, r.pattern, lo, hi)
        s = c - A @ r.point
        ok, st, fp, bas, lam, bb, bl, _ = fk.facet_scan(A, s, A.shape[0] - len(idx), dirs, True)
        assert ok
        for j in np.flatnonzero(st == 0):
            b = bas[j][bas[j] >= 0]
            assert np.all(lam[j][:len(b)] >= 0)
            np.testing.assert_allclose(A[b].T @ lam[j][:len(b)], A[j], atol=1e-8)
            assert lam[j][:len(b)] @ s[b] <= s[j] + 1e-8  # the combination implies the row
        for j in np.flatnonzero(st == 1):
            v = A @ fp[j] - s
            assert abs(v[j]) < 1e-9 and np.delete(v, j).max() < 0  # on row j, strictly inside the others
        for t in range(8):  # the bounding box is attained and proved by its basis
            b = bb[t][bb[t] >= 0]
            g = np.eye(4)[t % 4] * (1 if t < 4 else -1)
            np.testing.assert_allclose(A[b].T @ bl[t][:len(b)], g, atol=1e-8)


def test_plain_python_kernel_equals_the_compiled_one():
    """The numba-free code path (the same functions run as Python) classifies every row the same way."""
    net = _random_net(3, [4, 4], 9)
    res = enumerate_regions(net, 1.0, facets="kernel")
    cn = enum_mod.compile_network(net)
    lo, hi = enum_mod.normalize_box(1.0, 3)
    dirs = fk.random_directions(3, 6)
    import numba

    saved = {}
    py = {name: getattr(fk, name).py_func for name in ("_solve_sym", "_invert", "_revised_simplex", "_active_set_lp",
                                                        "_dual_simplex", "_first_hit", "facet_scan")}
    try:
        for name, f in py.items():  # the Python versions call each other through the module globals
            saved[name] = getattr(fk, name)
            setattr(fk, name, f)
        for r in res.regions[:6]:
            _, A, c, idx, _, _ = enum_mod._hrep(cn, r.pattern, lo, hi)
            s = c - A @ r.point
            a = py["facet_scan"](A, s, A.shape[0] - len(idx), dirs, True)
            b = saved["facet_scan"](A, s, A.shape[0] - len(idx), dirs, True)
            assert a[0] and b[0]
            np.testing.assert_array_equal(a[1], b[1])
            np.testing.assert_allclose(a[2], b[2], atol=1e-12)
    finally:
        for name, f in saved.items():
            setattr(fk, name, f)
    assert isinstance(saved["facet_scan"], numba.core.registry.CPUDispatcher)


def test_without_numba_the_polar_hull_is_used(monkeypatch):
    """Forcing the numba-free path: "kernel" and "auto" resolve to qhull, with the same regions."""
    net = _random_net(3, [5, 5], 10)
    ref = enumerate_regions(net, 1.0, facets="kernel")
    monkeypatch.setattr(enum_mod, "_kernel_available", lambda: False)
    assert enum_mod._resolve_facets("kernel") == "qhull"
    assert enum_mod._resolve_facets("auto", force_kernel=True) == "qhull"
    calls = {"n": 0}
    orig = enum_mod._facets_qhull

    def counting(Y):
        calls["n"] += 1
        return orig(Y)

    monkeypatch.setattr(enum_mod, "_facets_qhull", counting)
    res = enumerate_regions(net, 1.0, facets="kernel", certify="complete")
    assert calls["n"] >= res.count and res.patterns == ref.patterns and res.completeness_certified


def test_environment_variable_overrides_auto(monkeypatch):
    monkeypatch.setenv("EXPRESSIVITY_FACETS", "qhull")
    assert enum_mod._resolve_facets("auto", force_kernel=True) == "qhull"
    monkeypatch.setenv("EXPRESSIVITY_FACETS", "kernel")
    assert enum_mod._resolve_facets("auto") == "kernel"
    monkeypatch.setenv("EXPRESSIVITY_FACETS", "bogus")
    with pytest.raises(Exception, match="EXPRESSIVITY_FACETS"):
        enumerate_regions(_random_net(2, [3], 0), 1.0)
    with pytest.raises(Exception, match="facets must be one of"):
        enumerate_regions(_random_net(2, [3], 0), 1.0, facets="hull")


@pytest.mark.parametrize("d,n", [(2, 9), (3, 7), (4, 6), (5, 6)])
def test_one_layer_whole_space_equals_zaslavsky(d, n):
    res = enumerate_regions(_random_net(d, [n], 200 + d), facets="kernel", certify="complete")
    assert res.count == general_position_count(n, d) and res.completeness_certified


@pytest.mark.parametrize("box", [1.0, None])
def test_degenerate_nets(box):
    # coincident (duplicate, rescaled, opposite) hyperplanes, a zero, a dead and an always-active neuron
    W = [[1, 0, 0], [1, 0, 0], [2, 0, 0], [-1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0]]
    b = [0, 0, 0, 0, 0, 0, 0, -1, 1]
    res = enumerate_regions(summed_net(W, b), box, facets="kernel", certify="complete")
    assert res.count == 8 and res.completeness_certified


def test_hyperplanes_through_box_corners():
    # the diagonals of [-1, 1]^3's faces meet the box at corners; x1 + x2 + x3 = 3 touches only (1, 1, 1)
    W = [[1, 1, 0], [1, -1, 0], [0, 1, 1], [1, 1, 1]]
    res = enumerate_regions(summed_net(W, [0, 0, 0, -3]), 1.0, facets="kernel", certify="complete")
    ref = enumerate_regions(summed_net(W, [0, 0, 0, -3]), 1.0, facets="lp")
    assert res.count == ref.count == 8 and res.completeness_certified


def test_deep_neuron_on_a_first_layer_hyperplane():
    res = enumerate_regions(summed_net([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]], [0, 0, 0], [[1.0, -1.0, 0.0]], [0.0]),
                            facets="kernel", certify="complete")
    assert res.count == 4 and res.completeness_certified


def test_dropped_kernel_facet_is_detected(monkeypatch):
    """The kernel losing a facet once: the exact check refutes the facet list and the repair is reported."""
    net = _random_net(4, [5, 5], 11)
    truth = enumerate_regions(net, 1.0, facets="qhull").count
    orig = enum_mod._kernel_facets
    calls = {"n": 0}

    def lossy(A, slack, x, nrows, want_hint):
        got = orig(A, slack, x, nrows, want_hint)
        calls["n"] += 1
        if calls["n"] == 4 and got is not None:
            facet_list, data = got
            k = next(i for i, (row, _) in enumerate(facet_list) if row < nrows)
            got = facet_list[:k] + facet_list[k + 1:], data
        return got

    monkeypatch.setattr(enum_mod, "_kernel_facets", lossy)
    res = enumerate_regions(net, 1.0, facets="kernel", certify="complete")
    assert res.count == truth and res.completeness_certified and res.completeness.repaired_regions == 1


def test_cli_deep_whole_space_net_is_proved(tmp_path):
    """R^4, widths [6, 6, 6], seed 5: float facets of a few regions are refuted exactly (rows far outside,
    slacks up to ~10^7); the regions are re-derived and the count is proved."""
    save_network(_random_net(4, [6, 6, 6], 5), tmp_path / "n.json")
    p = subprocess.run([sys.executable, "-m", "expressivity", "regions", "count", "n.json", "--certify", "complete",
                        "-q", "--json"], check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["complete"] == "proved" and out["method"] == "exact" and out["regions"] == 2712


def test_pushout_facet_check_refuses_a_moved_interior_point(monkeypatch):
    """d >= 5 uses push-out points for the facet check: an interior point pushed across a facet must fail."""
    orig = enum_mod._certify_described
    calls = {"n": 0}

    def moved(cert, s, x, A, idx, aux):
        calls["n"] += 1
        if calls["n"] == 3:
            pf = next(p for i, p in aux[0] if i < len(idx))  # a facet carried by a neuron
            x = x + 2.0 * (pf - x)
        return orig(cert, s, x, A, idx, aux)

    monkeypatch.setattr(enum_mod, "_certify_described", moved)
    with pytest.raises(Exception, match="interior point"):
        enumerate_regions(_random_net(5, [5, 5], 12), 1.0, facets="kernel", certify="complete")


def test_pushout_facet_check_refuses_a_redundant_row_claimed_as_facet(monkeypatch):
    """Every description of one region claims a redundant row as a facet (at the interior point): refused."""
    claim_a_redundant_row_as_facet(monkeypatch)
    with pytest.raises(Exception, match="facet point|not certified"):
        enumerate_regions(_random_net(5, [5, 5], 12), 1.0, facets="kernel", certify="complete")


def test_pushout_wall_signs_equal_exact_rational_values():
    """The push-out check decides box walls by float comparisons; oracle: the walls' exact rows in Fractions
    at the points' exact binary values (points on, just inside and just outside each wall, and far away)."""
    from fractions import Fraction

    from expressivity.regions.completeness import ExactRegionCertifier

    d = 5
    lo, hi = np.array([-1.0, -0.3, -2.5, -1e-300, -7.0]), np.array([1.0, 0.7, 0.1, 3e-300, 1e300])
    cert = ExactRegionCertifier(_random_net(d, [3], 0), lo, hi)
    rng = np.random.default_rng(1)
    pts = [rng.uniform(-3, 3, d) for _ in range(20)]
    for k in range(d):
        for v in (lo[k], hi[k]):
            for q in (v, np.nextafter(v, np.inf), np.nextafter(v, -np.inf)):
                p = rng.uniform(-0.1, 0.1, d)
                p[k] = q
                pts.append(p)
    P = np.array(pts)
    got = np.sign(cert._wall_sgn * (P[:, cert._wall_k] - cert._wall_val))
    for p, g in zip(P, got):
        for row, gs in zip(cert.box_rows, g):
            val = sum(Fraction(a) * Fraction(float(x)) for a, x in zip(row[:d], p)) + row[d]
            assert gs == (val > 0) - (val < 0)


def test_pushout_refuses_an_interior_point_outside_the_box(monkeypatch):
    """An interior point moved just outside a box wall (every neuron row may still hold) must fail."""
    orig = enum_mod._certify_described
    calls = {"n": 0}

    def outside(cert, s, x, A, idx, aux):
        calls["n"] += 1
        if calls["n"] == 3:
            k = int(np.argmax(x))
            x = x.copy()
            x[k] = np.nextafter(1.0, 2.0)  # the box is [-1, 1]^5
        return orig(cert, s, x, A, idx, aux)

    monkeypatch.setattr(enum_mod, "_certify_described", outside)
    with pytest.raises(Exception, match="interior point"):
        enumerate_regions(_random_net(5, [5, 5], 12), 1.0, facets="kernel", certify="complete")


def test_kernel_hints_with_sabotaged_multipliers_do_not_prove_rows(monkeypatch):
    """The kernel's LP multipliers, halved, must not certify the omitted rows: those rows then need the exact
    fallback (HiGHS basis, exact solve), and the count is still proved only through genuine certificates."""
    import expressivity.regions.completeness as comp

    orig = comp.ExactRegionCertifier._rounded_lean
    seen = {"false": 0, "targets": 0}

    def halved(self, rows, Kset, targets, nuts, bases, lams, tbs, abs_):
        out = orig(self, rows, Kset, targets, nuts, bases, [[0.5 * v for v in lam] for lam in lams], tbs, abs_)
        seen["false"] += out.count(False)
        seen["targets"] += len(out)
        return out

    monkeypatch.setattr(comp.ExactRegionCertifier, "_rounded_lean", halved)
    net = _random_net(5, [5, 5], 12)
    res = enumerate_regions(net, 1.0, facets="kernel", certify="complete")
    assert seen["targets"] > 0 and seen["false"] > 0
    assert res.completeness_certified and res.count == enumerate_regions(net, 1.0, facets="qhull").count
