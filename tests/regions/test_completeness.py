"""Exact completeness certificates of the region enumeration (``certify="complete"``).

Oracles: Zaslavsky's count for one-layer nets, the planar subdivision (an independent 2-D
algorithm), hand-counted degenerate nets; and sabotaged facet routines, which must make the
certificate fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

import expressivity.regions.enumeration as enum_mod
from expressivity.exceptions import CertificateError
from expressivity.regions import enumerate_regions, general_position_count
from expressivity.regions.completeness import certify_completeness
from expressivity.regions.planar import planar_regions
from expressivity.relu import ReLUNetwork, save_network

from .strategies import claim_a_redundant_row_as_facet, summed_net


def _random_net(d, widths, seed):
    rng = np.random.default_rng(seed)
    dims = [d] + list(widths) + [1]
    return ReLUNetwork.from_matrices([rng.normal(size=(dims[i + 1], dims[i])) for i in range(len(dims) - 1)],
                                     [rng.normal(size=dims[i + 1]) for i in range(len(dims) - 1)])


def _proved(res):
    c = res.completeness
    return c is not None and c.proved and res.completeness_certified and res.count_certified_as == "exact"


@pytest.mark.parametrize("d,n", [(1, 5), (2, 7), (3, 6), (4, 5)])
def test_one_layer_whole_space_equals_zaslavsky(d, n):
    net = _random_net(d, [n], 100 + d)
    res = enumerate_regions(net, certify="complete")
    assert _proved(res) and res.count == general_position_count(n, d)


@pytest.mark.parametrize("d,widths,box", [(2, [8, 8], 1.0), (3, [6, 6], 2.0), (4, [6, 5], 1.0), (2, [5, 5, 5], None),
                                          (3, [5, 4], None)])
def test_random_deep_nets_are_proved(d, widths, box):
    net = _random_net(d, widths, 7)
    plain = enumerate_regions(net, box)
    res = enumerate_regions(net, box, certify="complete")
    assert _proved(res) and res.patterns == plain.patterns
    c = res.completeness
    assert c.connected and c.facets > 0 and c.adjacencies == res.graph.number_of_edges()
    j = res.to_json()
    assert j["complete"] == "proved" and j["method"] == "exact" and j["completeness_certified"] is True


def test_planar_subdivision_agrees_with_the_proved_count():
    net = _random_net(2, [12, 12], 3)
    res = enumerate_regions(net, 1.0, certify="complete")
    assert _proved(res) and planar_regions(net, 1.0).count == res.count


def test_plain_and_regions_modes_never_claim_completeness():
    net = _random_net(2, [4, 4], 1)
    for kw in ({}, {"certify": True}, {"certify": "regions"}):
        j = enumerate_regions(net, 1.0, **kw).to_json()
        assert j["complete"] == "not certified" and j["completeness_certified"] is False
    with pytest.raises(Exception, match="certify must be"):
        enumerate_regions(net, 1.0, certify="everything")


# ------------------------------------------------------------------ hand-built degenerate nets
@pytest.mark.parametrize("box", [1.0, None])
def test_coincident_dead_and_always_active_neurons(box):
    # x1 four times (duplicate, rescaled, opposite), x2, a zero neuron, a dead one, an always-active one
    W = [[1, 0], [1, 0], [2, 0], [-1, 0], [0, 1], [0, 0], [0, 0], [0, 0]]
    b = [0, 0, 0, 0, 0, 0, -1, 1]
    res = enumerate_regions(summed_net(W, b), box, certify="complete")
    assert _proved(res) and res.count == 4


def test_hyperplanes_through_box_corners():
    # the two diagonals meet the box [-1, 1]^2 at its corners; x1 + x2 = 2 touches only the corner (1, 1)
    res = enumerate_regions(summed_net([[1, 1], [1, -1], [1, 1]], [0, 0, -2]), 1.0, certify="complete")
    assert _proved(res) and res.count == 4


def test_deep_neuron_bent_onto_a_first_layer_hyperplane():
    # layer 2: relu(x) - relu(-x) = x, the same hyperplane as layer 1: crossing x = 0 flips all three
    res = enumerate_regions(summed_net([[1.0], [-1.0]], [0, 0], [[1.0, -1.0]], [0.0]), certify="complete")
    assert _proved(res) and res.count == 2
    assert {"".join("1" if v else "0" for v in r.pattern) for r in res.regions} == {"101", "010"}


def test_deep_neuron_identically_zero_on_a_region():
    # layer 2 = relu(x1): identically zero (off) where x1 < 0, positive where x1 > 0
    res = enumerate_regions(summed_net([[1.0, 0.0], [0.0, 1.0]], [0, 0], [[1.0, 0.0]], [0.0]), 1.0, certify="complete")
    assert _proved(res) and res.count == 4


def test_exact_rational_network():
    net = ReLUNetwork.from_matrices([[[Fraction(1, 3), Fraction(1)], [Fraction(-2, 7), Fraction(1, 5)]],
                                     [[Fraction(1), Fraction(1)]]], [[Fraction(1, 10), Fraction(0)], [Fraction(0)]])
    res = enumerate_regions(net, 1.0, certify="complete")
    assert _proved(res) and res.count == 4


def test_executor_path_is_certified():
    net = _random_net(2, [6, 6], 5)
    with ThreadPoolExecutor(2) as ex:
        res = enumerate_regions(net, 1.0, certify="complete", executor=ex, chunks=3)
    assert _proved(res) and res.count == enumerate_regions(net, 1.0).count


# ------------------------------------------------------------------ sabotage: the proof must fail
def _lossy_describe(monkeypatch, persistent: bool):
    """A facet routine that loses one neuron facet of the third region described; ``persistent``: every
    later description of that region (the LP re-derivation too) loses the same facet."""
    orig = enum_mod._describe
    state = {"n": 0, "pattern": None, "row": None}

    def lossy(*args, **kw):
        region, crossings, lp, (facet_list, hull, slack) = orig(*args, **kw)
        state["n"] += 1
        nrows = len(args[7])  # idx: the neuron rows come first
        if state["n"] == 3:
            state["pattern"] = args[1].tobytes()
            state["row"] = next(row for row, _ in facet_list if row < nrows)
        if state["row"] is not None and args[1].tobytes() == state["pattern"] and (persistent or state["n"] == 3):
            facet_list = [(row, p) for row, p in facet_list if row != state["row"]]
        return region, crossings, lp, (facet_list, hull, slack)

    monkeypatch.setattr(enum_mod, "_describe", lossy)


def test_dropped_facet_fails(monkeypatch):
    """A facet routine that always loses one facet of a region: the proof must fail."""
    _lossy_describe(monkeypatch, persistent=True)
    with pytest.raises(CertificateError, match="not certified redundant"):
        enumerate_regions(_random_net(3, [6, 6], 2), 1.0, certify="complete")


def test_dropped_facet_once_is_detected_and_repaired(monkeypatch):
    """A facet lost once is refuted by the exact check; the region is re-derived with one LP per row and
    the repair is reported (the count is the true one)."""
    net = _random_net(3, [6, 6], 2)
    truth = enumerate_regions(net, 1.0).count
    _lossy_describe(monkeypatch, persistent=False)
    res = enumerate_regions(net, 1.0, certify="complete")
    c = res.completeness
    assert _proved(res) and res.count == truth
    assert c.repaired_regions == 1 and c.regions_added_by_repair == 0
    assert res.to_json()["completeness_certificate"]["repaired_regions"] == 1 and "re-derived" in c.repair_note


def test_missed_region_is_found_by_the_repair(monkeypatch):
    """Facets lost in *every* float description of some regions hide a region from the traversal; the
    exact check refutes them, the re-derived facets lead to it, and the corrected count is proved."""
    net = _random_net(2, [4], 1)  # one layer: Zaslavsky's count is the truth (whole plane)
    truth = general_position_count(4, 2)
    orig = enum_mod._describe

    def blind(*args, **kw):
        region, crossings, lp, aux = orig(*args, **kw)
        if args[10] != "lp":  # the float methods never cross neuron 0's hyperplane
            keep = [k for k, (_, _, _, neurons) in enumerate(crossings) if 0 not in neurons]
            crossings = [crossings[k] for k in keep]
            facet_list = [(i, p) for i, p in aux[0] if i >= len(args[7]) or int(args[7][i]) != 0]
            aux = (facet_list, None, aux[2])
        return region, crossings, lp, aux

    monkeypatch.setattr(enum_mod, "_describe", blind)
    assert enumerate_regions(net).count < truth  # the float traversal alone misses regions
    res = enumerate_regions(net, certify="complete")
    c = res.completeness
    assert _proved(res) and res.count == truth
    assert c.repaired_regions >= 1 and c.regions_added_by_repair >= 1


def test_dropped_facet_in_the_hull_is_detected(monkeypatch):
    """qhull itself loses a polar point (its facet is then neither claimed nor crossed): the exact check
    refutes the region's facets; the LP re-derivation repairs it (reported), or the proof fails."""
    orig = enum_mod._facets_qhull
    calls = {"n": 0}

    def lossy(Y):
        calls["n"] += 1
        if calls["n"] == 2:
            Y = Y.copy()
            hull = orig(Y)
            v = int(hull.vertices[0])
            Y[v] = 0.0  # move that polar point to the centre: its row is no longer a hull vertex
        return orig(Y)

    monkeypatch.setattr(enum_mod, "_facets_qhull", lossy)
    net = _random_net(2, [6, 6], 4)
    try:
        res = enumerate_regions(net, 1.0, certify="complete", facets="qhull")
    except CertificateError:
        return
    assert res.completeness.repaired_regions >= 1


def test_wrong_facet_claim_fails(monkeypatch):
    """A redundant row claimed as a facet (with a point that is not on a facet) must be refused."""
    claim_a_redundant_row_as_facet(monkeypatch)
    with pytest.raises(CertificateError, match="facet point"):
        enumerate_regions(_random_net(2, [6, 6], 4), 1.0, certify="complete")


def test_missing_or_duplicated_region_fails_the_standalone_certificate():
    net = _random_net(3, [5, 5], 9)
    res = enumerate_regions(net, 1.0)
    assert certify_completeness(net, res).proved
    for k in (0, res.count // 2, res.count - 1):
        bad = certify_completeness(net, replace(res, regions=res.regions[:k] + res.regions[k + 1:]))
        assert not bad.proved and "not listed" in bad.reason
    dup = certify_completeness(net, replace(res, regions=res.regions + res.regions[:1]))
    assert not dup.proved


def test_wrong_weights_fail_the_standalone_certificate():
    """The certificate is checked against the given weights: another net's regions are refused."""
    net = _random_net(2, [5, 5], 11)
    res = enumerate_regions(net, 1.0)
    biases = [np.asarray(L.bias, float).copy() for L in net.layers]
    biases[0][0] += 100.0  # the first hyperplane leaves the box
    other = ReLUNetwork.from_matrices([np.asarray(L.weight, float) for L in net.layers], biases)
    assert enumerate_regions(other, 1.0).count != res.count
    bad = certify_completeness(other, res)
    assert not bad.proved and bad.reason


# ------------------------------------------------------------------ command line
def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "expressivity", "regions", "count", *args], check=False,
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def test_cli_certify_complete(tmp_path):
    save_network(_random_net(2, [6, 6], 8), tmp_path / "n.json")
    p = _cli("n.json", "--box", "1", "--certify", "complete", "-q", "--json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["complete"] == "proved" and out["method"] == "exact" and out["count_certified_as"] == "exact"
    plain = json.loads(_cli("n.json", "--box", "1", "-q", "--json", cwd=tmp_path).stdout)
    assert plain["regions"] == out["regions"] and plain["complete"] == "not certified"
    bare = json.loads(_cli("n.json", "--box", "1", "--certify", "-q", "--json", cwd=tmp_path).stdout)
    assert bare["complete"] == "not certified" and bare["count_certified_as"] == "lower_bound"
    text = _cli("n.json", "--certify", "complete", "-q", cwd=tmp_path)
    assert text.returncode == 0 and "proved" in text.stdout
    bad = _cli("n.json", "--certify", "everything", cwd=tmp_path)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    planar = _cli("n.json", "--box", "1", "--method", "planar", "--certify", "complete", cwd=tmp_path)
    assert planar.returncode == 2 and "--method bfs" in planar.stderr and "Traceback" not in planar.stderr


# ------------------------------------------------------------------ the fast exact paths
def test_homogeneous_points_are_exact():
    """Float points as integers X / D (mantissas and shifts) equal the floats' exact binary values."""
    from expressivity.regions.completeness import _homogeneous_z

    for pt in ([0.1, -3e-5, 0.0], [0.0, 0.0], [1e300, -2.5e-300], [7.0, 1.0], [-0.75, 2.0 ** -1074]):
        X, D = _homogeneous_z(np.array(pt))
        assert [Fraction(int(x), int(D)) for x in X] == [Fraction(v) for v in pt]


def test_cached_layer_maps_equal_fresh_ones():
    """The per-prefix cache of exact layer maps returns what a fresh certifier computes."""
    from expressivity.regions.completeness import ExactRegionCertifier

    net = _random_net(2, [6, 5, 4], 12)
    res = enumerate_regions(net, 1.0)
    lo, hi = res.box
    warm = ExactRegionCertifier(net, lo, hi)
    for r in res.regions:
        warm.signed_rows(r.pattern)
    for r in res.regions[::3]:
        rows_w, _ = warm.signed_rows(r.pattern)
        rows_f, _ = ExactRegionCertifier(net, lo, hi).signed_rows(r.pattern)
        assert [[int(v) for v in row] for row in rows_w] == [[int(v) for v in row] for row in rows_f]


def test_interior_point_outside_its_region_fails(monkeypatch):
    """Rows proved strictly negative on the region's bounding box are not evaluated at the points; an
    interior point pushed across a facet (the facets and hull of the true region kept) must still fail."""
    orig = enum_mod._certify_described
    calls = {"n": 0}

    def moved(cert, s, x, A, idx, aux):
        calls["n"] += 1
        if calls["n"] == 3:
            facet_list = aux[0]
            pf = next(p for i, p in facet_list if i < len(idx))  # a facet carried by a neuron
            x = x + 2.0 * (pf - x)  # just across that facet
        return orig(cert, s, x, A, idx, aux)

    monkeypatch.setattr(enum_mod, "_certify_described", moved)
    with pytest.raises(CertificateError, match="interior point"):
        enumerate_regions(_random_net(2, [6, 6], 3), 1.0, certify="complete")


def test_sabotaged_rounded_multipliers_fail(monkeypatch):
    """Wrong float multipliers (here: all scaled by 1/2) must not prove the bounding box: the rows then
    fall back to the exact path, and the count stays proved only through genuine certificates."""
    import expressivity.regions.completeness as comp

    orig = comp.ExactRegionCertifier._rounded_lean
    seen = {"false": 0}

    def halved(self, rows, Kset, targets, nuts, bases, lams, tbs, abs_):
        out = orig(self, rows, Kset, targets, nuts, bases, [[0.5 * v for v in lam] for lam in lams], tbs, abs_)
        seen["false"] += out.count(False)
        return out

    monkeypatch.setattr(comp.ExactRegionCertifier, "_rounded_lean", halved)
    res = enumerate_regions(_random_net(2, [6, 6], 4), 1.0, certify="complete")
    assert seen["false"] > 0  # halved multipliers do not certify the bounds
    assert _proved(res) and res.count == enumerate_regions(_random_net(2, [6, 6], 4), 1.0).count


def test_general_farkas_plan_still_proves(monkeypatch):
    """With the lean bounded path switched off, the general plan (and the exact fallback) prove the same count."""
    import expressivity.regions.completeness as comp

    monkeypatch.setattr(comp.ExactRegionCertifier, "_farkas_box", lambda self, rows, Kset, pending, hint: None)
    net = _random_net(3, [6, 6], 2)
    res = enumerate_regions(net, 1.0, certify="complete")
    assert _proved(res) and res.count == enumerate_regions(net, 1.0).count


def test_homogeneous_points_in_one_pass_are_exact():
    """The numpy version (small and large exponent spreads) equals the floats' exact binary values."""
    from expressivity.regions.completeness import _homogeneous_many

    rng = np.random.default_rng(0)
    for P in (rng.uniform(-1, 1, (20, 8)), np.array([[0.1, -3e-5, 0.0], [1e300, -2.5e-300, 7.0], [0.0, 0.0, 0.0],
                                                     [-0.75, 2.0 ** -1074, 1.0]])):
        for row, (X, D) in zip(P, _homogeneous_many(P)):
            assert [Fraction(int(x), int(D)) for x in X] == [Fraction(v) for v in row]
