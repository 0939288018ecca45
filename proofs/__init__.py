"""Claims from the papers and their checks.  See :mod:`expressivity.proofs.registry`.

The registry's names are imported on first access (module ``__getattr__``), so that
``python -m proofs.certificate_check`` runs under a bare Python: importing :mod:`proofs` itself
pulls in nothing outside the standard library.

Examples
--------
>>> from expressivity import proofs
>>> proofs.Outcome is __import__("expressivity.proofs.registry", fromlist=["Outcome"]).Outcome
True
"""

__all__ = ["Claim", "Outcome", "Verdict", "all_claims", "claim", "get_claim", "run_claim", "run_claims", "select_claims"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from . import registry

        value = getattr(registry, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
