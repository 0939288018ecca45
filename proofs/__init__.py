"""Claims from the papers and their checks.  See :mod:`proofs.registry`."""

from .registry import Claim, Outcome, Verdict, all_claims, claim, get_claim, run_claim, run_claims, select_claims

__all__ = ["Claim", "Outcome", "Verdict", "all_claims", "claim", "get_claim", "run_claim", "run_claims", "select_claims"]
