"""ReLU networks: exact and float networks, network files, MAX_n constructions and their exact
verification, the braid arrangement, certificates, Newton polytopes and lattice parity."""

from .network import Activation, Layer, ReLUNetwork
from .network_io import load_network, network_from_dict, network_to_dict, save_network
from .certificates import Certificate, Template, check_certificate, ruess_max6_certificate, search_certificate
from .conformity import braid_coefficients, h_conformity, in_V, restrict_input
from .depth_bounds import depth_bound_table, depth_bounds
from .lattice import convex_hull, in_Qk, normalized_volume
from .max_networks import max_log3_network, max_network, max_ruess_network, max_tree_network
from .newton import evaluate_pair, newton_pair
from .verify_max import MaxCheck, compose_affine_layers, verify_computes_max
from .certificate_network import CertificateNetwork, certificate_network
from .reparametrize import function_preserving_copy
from .certificate_canonical import canonical_template
from .certificate_expansion import fast_sorted_cone_expansion
from .certificate_search import RunResult, run_certificate_search
from .symmetric_check import (canonical_expression, group_orbit_orderings, invariant_involutions,
                              is_permutation_invariant, is_symmetric, orbit_orderings, symmetry_blocks)

__all__ = [
    "function_preserving_copy",
    "canonical_template",
    "fast_sorted_cone_expansion",
    "RunResult",
    "run_certificate_search",
    "CertificateNetwork",
    "certificate_network",
    "canonical_expression",
    "is_permutation_invariant",
    "is_symmetric",
    "orbit_orderings",
    "symmetry_blocks",
    "group_orbit_orderings",
    "invariant_involutions",
    "Activation",
    "Layer",
    "ReLUNetwork",
    "load_network",
    "save_network",
    "network_from_dict",
    "network_to_dict",
    "Certificate",
    "Template",
    "check_certificate",
    "ruess_max6_certificate",
    "search_certificate",
    "braid_coefficients",
    "h_conformity",
    "in_V",
    "restrict_input",
    "depth_bound_table",
    "depth_bounds",
    "convex_hull",
    "in_Qk",
    "normalized_volume",
    "max_log3_network",
    "max_network",
    "max_ruess_network",
    "max_tree_network",
    "evaluate_pair",
    "newton_pair",
    "MaxCheck",
    "compose_affine_layers",
    "verify_computes_max",
]
