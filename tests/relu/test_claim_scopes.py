"""Claims about every n say how far they were checked (issue 10, §0): never "complete"."""

import pytest

from expressivity.proofs.registry import get_claim

EVERY_N = {
    "relu.max_log3.depth_formula": "partial: checked for 4 ≤ n ≤ 7",
    "relu.max_ruess.recursive_substitution": "partial: checked for 7 ≤ n ≤ 7",
    "relu.max_tree.log2_hidden_layers": "partial: checked for n ≤ 8",
    "relu.braid.dimension_and_phi_general_n": "partial: checked for n ≤ 5",
}


@pytest.mark.parametrize("cid", sorted(EVERY_N))
def test_every_n_claims_report_the_checked_range(cid):
    v = get_claim(cid).run(full=False)
    assert v.verdict == "verified", v.details
    assert v.scope == EVERY_N[cid]
    assert v.to_json()["scope"] == EVERY_N[cid]
