"""expressivity: formal expressivity analysis of neural-network layers.

Every claim the toolkit reports carries its method: ``exact`` (rational/integer arithmetic or an
exactly re-checked certificate), ``interval`` (an outward-rounded enclosure with exact rational
endpoints), ``symbolic`` (a sympy identity) or ``numeric`` (floats with a tolerance).  The public API is re-exported here; the research threads live in subpackages:
:mod:`expressivity.relu`, :mod:`expressivity.regions`, :mod:`expressivity.milp`,
:mod:`expressivity.ffn` and :mod:`expressivity.attention`.

The re-exports are lazy: ``import expressivity`` loads only the exception hierarchy, and a name
such as ``expressivity.ReLUNetwork`` (or a subpackage such as ``expressivity.regions``) is
imported on first use.  This keeps ``expressivity --help`` fast.

>>> from expressivity import ReLUNetwork, to_fraction
>>> to_fraction("1/3")
Fraction(1, 3)
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

from .exceptions import *  # noqa: F401,F403  (the hierarchy is part of the public API)
from .exceptions import __all__ as _exc_all
from ._layout import install_repository_finder as _install_repository_finder

_install_repository_finder()  # expressivity.proofs / expressivity.paper_figures in a source tree

# public name -> the module that defines it (imported on first access, see ``__getattr__``)
_LAZY = {
    "Layer": ".relu",
    "ReLUNetwork": ".relu",
    "load_network": ".relu",
    "save_network": ".relu",
    "network_from_dict": ".relu",
    "network_to_dict": ".relu",
    "to_fraction": ".numbers",
    "float_to_fraction": ".numbers",
    "rank_exact": ".linalg_exact",
    "nullspace_exact": ".linalg_exact",
    "solve_exact": ".linalg_exact",
    "rank_mod_p": ".linalg_exact",
    "Progress": ".progress",
    "as_rng": "._random",
}

# subpackages and modules reachable as attributes (``expressivity.regions``) without an import
_SUBMODULES = frozenset({"relu", "regions", "milp", "ffn", "attention", "cli", "numbers", "linalg_exact",
                         "progress", "exceptions", "proofs", "paper_figures"})

__all__ = ["__version__", *_exc_all, *_LAZY]


def __getattr__(name: str):
    """Import a re-exported name or a subpackage on first access (PEP 562)."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
