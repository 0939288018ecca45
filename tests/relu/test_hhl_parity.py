"""HHL23 parity (Q_k) checks that can fail, and a claim that is not vacuous (issue 10, §0).

Oracles: Vol(Δ^d) = 1 and lattice zonotopes have even volume (closed forms); HHL23 Prop. 17
(P + Δ^{2^k} has odd volume for P ∈ Q_k); stubs of ``in_Qk`` that must make the claim fail.
"""

import itertools

import pytest

import expressivity.proofs.claims.relu_depth as relu_claims
from expressivity.relu.lattice import QkResult, in_Qk, minkowski_sum, simplex_points
from expressivity.relu.max_networks import max_tree_network
from expressivity.relu.newton import newton_pair
from expressivity.proofs.registry import get_claim


def _int_points(P):
    return [tuple(int(v) for v in p) for p in P]


def test_simplex_fails_Qk_and_reports_the_face():
    res = in_Qk(simplex_points(4), 2)
    assert not res.member and res.odd_volume == 1 and res.faces_by_dimension == {4: 1}
    res = in_Qk(simplex_points(3), 1)  # the 2-faces (triangles) have volume 1
    assert not res.member and res.odd_volume == 1 and set(res.faces_by_dimension) == {2}


def test_cube_is_in_Q1_and_counts_faces_of_every_dimension():
    cube = list(itertools.product([0, 1], repeat=3))
    res = in_Qk(cube, 1)
    assert res.member and res.faces_by_dimension == {2: 6, 3: 1} and res.faces_checked == 7


def test_two_layer_max_net_is_in_Q2_not_Q1_and_prop17_fails_membership():
    # max{x1..x4} by the tree: 2 hidden layers, integer weights (HHL23 Thm 16: P in Q_2)
    G, H = newton_pair(max_tree_network(4))
    for P in (_int_points(G), _int_points(H)):
        assert in_Qk(P, 2).member
        assert not in_Qk(P, 1).member  # a 2-face of odd volume: Q_1 is strictly smaller
        plus = in_Qk(minkowski_sum(P, simplex_points(4)), 2)  # HHL23 Prop. 17
        assert not plus.member and plus.odd_volume % 2 == 1 and plus.faces_by_dimension.get(4, 0) >= 1


def test_claim_checks_faces_of_dimension_at_least_three():
    v = get_claim("relu.lattice.hhl_parity").run(full=False)
    assert v.verdict == "verified", v.details
    faces = v.data["faces"]
    assert sum(c for d, c in faces.items() if int(d) >= 3) > 0 and faces.get(4, 0) > 0
    assert v.data["not_in_Qk"] > 0
    assert "dim 4" in v.details and v.scope.startswith("partial: checked on")


@pytest.mark.parametrize("stub", [
    lambda P, k: QkResult(k, True, 1, None, None, {2 ** k: 1}),           # always "member"
    lambda P, k: QkResult(k, False, 1, tuple(P), 1, {2 ** k: 1}),        # never a member
    lambda P, k: QkResult(k, True, 0, None, None, {}),                    # checks no face at all
], ids=["always_true", "always_false", "vacuous"])
def test_claim_fails_with_a_broken_in_Qk(monkeypatch, stub):
    monkeypatch.setattr(relu_claims, "in_Qk", stub)
    out = relu_claims._parity(False)
    assert not out.holds
