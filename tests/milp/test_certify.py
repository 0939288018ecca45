"""Exact certification: our B&B + the standalone checker, against independent oracles."""

import copy
import itertools
import json
from fractions import Fraction

import numpy as np
from pathlib import Path
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import CertificateError, InvalidInputError
from expressivity.milp import certify_direction, certify_hbdss, flip_matrix, hbdss_data, symmetry_group
from expressivity.relu.braid import g_M, phi, ray
from expressivity.proofs.certificate_check import check_certificate, main as check_main


@pytest.fixture(scope="module")
def cert4():
    return certify_hbdss(4)


def _leaves(tree):
    stack = [tree]
    while stack:
        node = stack.pop()
        if "ray" in node:
            stack += [node["one"], node["zero"]]
        else:
            yield node


def test_n4_certified_optimum_zero(cert4, tmp_path):
    assert cert4.optimum_zero and cert4.min is None  # min by the flip (n even)
    rep = check_certificate(cert4.write(tmp_path / "c.json"))
    assert rep.optimum_zero and rep.max_phi == "<= 0" and rep.min_phi == ">= 0"
    assert rep.phi_of_max == 1
    assert rep.leaves["max"] == cert4.max.leaves and rep.nodes["max"] == cert4.max.nodes


def test_symmetry_shrinks_the_tree_and_agrees(cert4):
    # the plain search (no symmetry) is a second algorithm for the same statement; the figure's
    # data function runs it and caches it for this process
    from expressivity.paper_figures.fig_milp_bb import bb_progress_data

    plain = bb_progress_data(4)["plain"]
    assert plain["bounded"] and cert4.max.bounded
    assert cert4.max.nodes < plain["nodes"] / 3
    assert cert4.max.orbital_nodes > 0 and plain["orbital_nodes"] == 0


def test_n1_max_is_zero_min_negative():
    # phi_1(sigma o g) = -relu(g(1)) - relu(g(-1)) <= 0 always; max{0,x} gives -1
    cert = certify_hbdss(1)
    assert cert.max.bounded and not cert.min.bounded and cert.min.witness_phi < 0


@pytest.mark.parametrize("n", [2, 3])
def test_small_n_have_exact_witnesses(n, tmp_path):
    # max{0,x1..xn} is computable by a conforming net with ceil(log2(n+1)) <= 2 hidden layers, and
    # phi_n of it is (-1)^n != 0, so the optimum cannot be 0: both directions must find witnesses
    cert = certify_hbdss(n)
    assert not cert.optimum_zero
    assert cert.max.witness is not None and cert.max.witness_phi > 0
    assert cert.min.witness is not None and cert.min.witness_phi < 0
    rep = check_certificate(cert.write(tmp_path / "c.json"))
    assert not rep.optimum_zero and rep.max_phi.startswith("> 0")


def test_witness_is_a_real_conforming_function():
    # re-evaluate the n = 3 witness with the foundation's g_M on rays (a separate code path)
    cert = certify_hbdss(3)
    d = hbdss_data(3)
    a = cert.max.witness
    vals = {S: sum(q * g_M(M)(ray(S, 3)) for q, M in zip(a, d.basis)) for S in d.rays}
    for S in d.rays:
        for T in d.rays:
            if S < T:
                assert not (vals[S] > 0 > vals[T] or vals[S] < 0 < vals[T])
    assert phi({S: max(Fraction(0), v) for S, v in vals.items()}, 3) == cert.max.witness_phi


def test_brute_force_small_coefficients_n4():
    # independent oracle: every conforming sigma o g with g = sum a_M g_M, a in {-1,0,1} on <= 3 basis
    # functions, has phi_4 = 0 (consistent with the certificate); for n = 3 such a sweep finds phi != 0
    def sweep(n):
        d = hbdss_data(n)
        G = np.array(d.G)
        pairs = np.array(d.pairs)
        signs = np.array(d.signs)
        found = set()
        for supp in itertools.combinations(range(d.n_basis), 3):
            for coef in itertools.product((-1, 1), repeat=3):
                a = np.zeros(d.n_basis, dtype=np.int64)
                a[list(supp)] = coef
                g = G @ a
                gs, gt = g[pairs[:, 0]], g[pairs[:, 1]]
                if np.any(gs * gt < 0):
                    continue
                found.add(int(signs @ np.maximum(g, 0)))
        return found
    assert sweep(4) == {0}
    assert sweep(3) - {0}


def test_flip_matrix_is_negation_of_the_first_layer():
    # g(-x) = sum (Phi a)_M g_M(x): check at random points (float oracle of the identity)
    n = 4
    d = hbdss_data(n)
    Phi = np.array([[float(v) for v in row] for row in flip_matrix(n)])
    rng = np.random.default_rng(0)
    for _ in range(20):
        a = rng.normal(size=d.n_basis)
        x = rng.normal(size=n)
        g = lambda a_, x_: sum(c * max(0.0 if i == 0 else x_[i - 1] for i in M) for c, M in zip(a_, d.basis))
        assert g(a, -x) == pytest.approx(g(Phi @ a, x), abs=1e-9)


def test_group_sizes():
    assert len(symmetry_group(4, with_flip=False)) == 24
    assert len(symmetry_group(3, with_flip=True)) == 12


def test_bad_sense():
    with pytest.raises(InvalidInputError):
        certify_direction(4, 0)


# ----------------------------------------------------------------------------- checker
def _json(cert):
    return json.loads(json.dumps(cert.to_json()))


def test_tampered_multiplier_rejected_with_reason(cert4):
    obj = _json(cert4)
    leaf = next(l for l in _leaves(obj["proofs"]["max"]["tree"]) if l.get("lam"))
    key = next(iter(leaf["lam"]))
    leaf["lam"][key] = str(Fraction(leaf["lam"][key]) + Fraction(1, 3))
    with pytest.raises(CertificateError, match="Farkas identity fails"):
        check_certificate(obj)


def test_tampered_structure_rejected(cert4):
    base = _json(cert4)
    obj = copy.deepcopy(base)
    obj["proofs"]["max"]["tree"]["ray"] = (obj["proofs"]["max"]["tree"]["ray"] + 1) % 30
    with pytest.raises(CertificateError, match="orbit|symmetry|identity|undetermined|fixed"):
        check_certificate(obj)
    obj = copy.deepcopy(base)
    obj["flip_matrix"][0][0] = "7"
    with pytest.raises(CertificateError, match="flip_matrix"):
        check_certificate(obj)
    obj = copy.deepcopy(base)
    obj["symmetries"][0]["perm"] = [1, 1, 2, 3]
    with pytest.raises(CertificateError, match="not a permutation"):
        check_certificate(obj)
    obj = copy.deepcopy(base)
    leaf = next(l for l in _leaves(obj["proofs"]["max"]["tree"]) if l.get("lam"))
    leaf["lam"][next(iter(leaf["lam"]))] = 0.5
    with pytest.raises(CertificateError, match="not an exact number"):
        check_certificate(obj)
    obj = copy.deepcopy(base)
    obj["format"] = "something/2"
    with pytest.raises(CertificateError, match="format"):
        check_certificate(obj)
    obj = copy.deepcopy(base)
    obj["proofs"]["max"]["tree"] = {}  # an empty root leaf claims everything: must fail
    with pytest.raises(CertificateError, match="undetermined"):
        check_certificate(obj)


def test_negative_multiplier_rejected(cert4):
    obj = _json(cert4)
    leaf = next(l for l in _leaves(obj["proofs"]["max"]["tree"]) if l.get("nu") or l.get("lam"))
    part = "nu" if leaf.get("nu") else "lam"
    leaf[part][next(iter(leaf[part]))] = "-1"
    with pytest.raises(CertificateError, match="outside its range"):
        check_certificate(obj)


def test_by_flip_refused_for_odd_n():
    cert = certify_hbdss(3)
    obj = _json(cert)
    obj["proofs"]["min"] = {"by_flip": True}
    with pytest.raises(CertificateError, match="odd n"):
        check_certificate(obj)


def test_false_witness_rejected():
    obj = _json(certify_hbdss(3))
    obj["proofs"]["max"]["witness"]["a"] = ["0"] * 9
    with pytest.raises(CertificateError, match="sign"):
        check_certificate(obj)


def test_checker_command_line(cert4, tmp_path, capsys):
    good = cert4.write(tmp_path / "good.json")
    assert check_main([str(good)]) == 0
    assert "VERIFIED" in capsys.readouterr().out
    obj = _json(cert4)
    leaf = next(l for l in _leaves(obj["proofs"]["max"]["tree"]) if l.get("lam"))
    leaf["lam"][next(iter(leaf["lam"]))] = "1000"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(obj))
    assert check_main([str(bad)]) == 1
    assert "REJECTED" in capsys.readouterr().out
    (tmp_path / "junk.json").write_text("{not json")
    assert check_main([str(tmp_path / "junk.json")]) == 1
    assert check_main([]) == 2


def test_checker_is_standalone():
    # the checker must not import the solver stack or the MIP code
    import expressivity.proofs.certificate_check as cc

    src = Path(cc.__file__).read_text()
    for banned in ("import pulp", "scipy", "highspy", "numpy", "expressivity.milp", "float("):
        assert banned not in src


@settings(max_examples=30)
@given(st.data())
def test_any_single_multiplier_change_is_rejected(cert4, data):
    # every row of G is nonzero (the x_i are basis functions), so changing one multiplier by
    # delta != 0 either leaves its range or breaks the identity by delta * G_S
    obj = _json(cert4)
    leaves = [l for l in _leaves(obj["proofs"]["max"]["tree"]) if l]
    leaf = data.draw(st.sampled_from(leaves))
    part = data.draw(st.sampled_from(sorted(k for k in leaf if leaf[k])))
    key = data.draw(st.sampled_from(sorted(leaf[part])))
    delta = data.draw(st.fractions(min_value=-3, max_value=3).filter(lambda q: q != 0))
    leaf[part][key] = str(Fraction(leaf[part][key]) + delta)
    with pytest.raises(CertificateError, match="Farkas identity fails|outside its range"):
        check_certificate(obj)


@pytest.mark.slow
def test_n5_certified_both_directions(tmp_path):
    # about 5-10 minutes on 2 shared cores: both trees (odd n: the flip is a symmetry, not a duality)
    cert = certify_hbdss(5)
    assert cert.optimum_zero and cert.min is not None
    rep = check_certificate(cert.write(tmp_path / "c5.json"))
    assert rep.optimum_zero and rep.phi_of_max == -1


def test_malformed_top_level_rejected(cert4):
    for mutate, reason in [
        (lambda o: o.__setitem__("n", 9), "n must be"),
        (lambda o: o.__setitem__("symmetries", {"perm": [1]}), "symmetries"),
        (lambda o: o["proofs"].pop("min"), "directions"),
        (lambda o: o["proofs"].__setitem__("max", {"guess": 1}), "unknown proof kind"),
        (lambda o: o.__setitem__("rays", [[0]]), "rays differ"),
    ]:
        obj = _json(cert4)
        mutate(obj)
        with pytest.raises(CertificateError, match=reason):
            check_certificate(obj)
    with pytest.raises(CertificateError, match="JSON object"):
        check_certificate(["not", "an", "object"])


def test_scipy_lp_path_gives_the_same_tree(monkeypatch, cert4):
    # without highspy the node LPs go through scipy's HiGHS wrapper; the exact leaves must agree
    import sys

    monkeypatch.setitem(sys.modules, "highspy", None)
    res, _ = certify_direction(4, 1)
    assert res.bounded and res.nodes == cert4.max.nodes and res.leaves == cert4.max.leaves
