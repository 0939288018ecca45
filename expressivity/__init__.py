"""expressivity: formal expressivity analysis of neural-network layers.

Every claim the toolkit reports carries its method: ``exact`` (rational/integer arithmetic or an
exactly re-checked certificate), ``interval`` (an outward-rounded enclosure with exact rational
endpoints), ``symbolic`` (a sympy identity) or ``numeric`` (floats with a tolerance).  The public API is re-exported here; the research threads live in subpackages:
:mod:`expressivity.relu`, :mod:`expressivity.regions`, :mod:`expressivity.milp`,
:mod:`expressivity.ffn` and :mod:`expressivity.attention`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .exceptions import *  # noqa: F401,F403  (the hierarchy is part of the public API)
from .exceptions import __all__ as _exc_all
from .linalg_exact import nullspace_exact, rank_exact, rank_mod_p, solve_exact
from .numbers import float_to_fraction, to_fraction
from .progress import Progress
from ._random import as_rng
from .relu import Layer, ReLUNetwork, load_network, network_from_dict, network_to_dict, save_network

__all__ = [
    "__version__",
    *_exc_all,
    "Layer",
    "ReLUNetwork",
    "load_network",
    "save_network",
    "network_from_dict",
    "network_to_dict",
    "to_fraction",
    "float_to_fraction",
    "rank_exact",
    "nullspace_exact",
    "solve_exact",
    "rank_mod_p",
    "Progress",
    "as_rng",
]
