"""The HBDSS depth MIP (HBDSS23 Thm 1.7): PuLP model, float solves, exact certification.

* :mod:`.hbdss_data` -- rays, basis ``B^(1)``, matrix ``G``, nested pairs (integers only);
* :mod:`.model` -- the PuLP model for general n, big-M derived from exact bounds, MPS/LP export;
* :mod:`.solvers` -- float solves with an explicit backend (CBC, HiGHS, SCIP), status mapping;
* :mod:`.highs` -- the one HiGHS policy of the process (threads, no stdout banner, Ctrl-C);
* :mod:`.certify` -- our own branch-and-bound with exact Farkas leaves and orbital branching,
  emitting a certificate that :mod:`expressivity.proofs.certificate_check` verifies with Fractions only.
"""

from .certify import (DirectionResult, ExactSearchLimitError, HBDSSCertificate, certify_direction, certify_hbdss,
                      flip_matrix, symmetry_group)
from .hbdss_data import MAX_MILP_N, HBDSSData, first_layer_basis, hbdss_data
from .highs import new_highs, set_highs_threads
from .model import HBDSSModel, ModelSize, build_hbdss_model, export_format, export_model, model_size, mps_size
from .solvers import SOLVERS, FloatSolution, MILPTimeLimitError, available_solvers, make_solver, solve_model

__all__ = [
    "MAX_MILP_N",
    "HBDSSData",
    "hbdss_data",
    "first_layer_basis",
    "HBDSSModel",
    "ModelSize",
    "build_hbdss_model",
    "model_size",
    "export_model",
    "export_format",
    "mps_size",
    "new_highs",
    "set_highs_threads",
    "SOLVERS",
    "FloatSolution",
    "MILPTimeLimitError",
    "available_solvers",
    "make_solver",
    "solve_model",
    "DirectionResult",
    "ExactSearchLimitError",
    "HBDSSCertificate",
    "certify_direction",
    "certify_hbdss",
    "flip_matrix",
    "symmetry_group",
]
