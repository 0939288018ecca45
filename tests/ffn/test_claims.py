"""Every FFN claim verifies in quick mode, and states its method honestly."""

from expressivity.proofs.registry import run_claim, select_claims


def test_ffn_claims_verify_quick():
    claims = select_claims(["ffn"])
    assert len(claims) >= 15
    for c in claims:
        v = run_claim(c)
        assert v.verdict == "verified", f"{c.id}: {v.verdict} -- {v.details}"
        # fits and finite differences are numeric; nothing float-based is labelled exact
        if "sweep" in c.id or "finite_differences" in c.id:
            assert c.method == "numeric"
