"""FFN expressivity: fixed activation ⊊ Learnable Activations (LA) ⊊ Mixture of Activations (MoA).

Spec: ``specs/ffn_moa.md`` (Wang et al., arXiv:2605.26647, reconstructed; every assumption is a
parameter).  Modules:

* :mod:`~expressivity.ffn.activations` -- the dictionary D with numpy/sympy forms and metadata;
* :mod:`~expressivity.ffn.gates` -- tanh / sigmoid / softmax / piecewise-linear gates;
* :mod:`~expressivity.ffn.layers` -- fixed, LA and MoA layers (Type-I/II), overhead formulas;
* :mod:`~expressivity.ffn.nesting` -- exact maps fixed → LA → MoA, sigmoid containment evidence;
* :mod:`~expressivity.ffn.certificates` -- ridge jumps, counting, degree and rank bounds;
* :mod:`~expressivity.ffn.chebyshev` -- the certified Chebyshev floor E_λ;
* :mod:`~expressivity.ffn.witnesses` -- separating functions with exact parameters;
* :mod:`~expressivity.ffn.sweeps` -- fits of the weaker class against certified floors;
* :mod:`~expressivity.ffn.gate_stats` -- Hill numbers / effective number of activations;
* :mod:`~expressivity.ffn.expressions` / :mod:`~expressivity.ffn.custom` -- user activations and gates
  (formulas with derived metadata, or numpy callables with declared metadata);
* :mod:`~expressivity.ffn.derivatives` -- analytic input Jacobians and parameter gradients;
* :mod:`~expressivity.ffn.training` -- ``fit`` (L-BFGS on all parameters), residual stacks;
* :mod:`~expressivity.ffn.layer_io` -- layer files (JSON; formulas stored as text).
"""

from .activations import (PAPER_DICTIONARY, PL_DICTIONARY, POLY_DICTIONARY, Activation, activation_names,
                          get_activation, leaky_relu, resolve_dictionary)
from .certificates import (Certificate, DifferenceFunctional, counting_floor, f1_derivative_gap, jump_gap_lower_bound,
                           pl_breakpoints_1d, quadratic_rank_floor, ridge_jump, same_sign_jumps_per_neuron,
                           segment_breakpoints, sympy_jump)
from .chebyshev import ChebyshevFloor, chebyshev_affine_floor, chebyshev_affine_lp
from .gate_stats import (effective_activations, effective_sample_size, hill_exact, hill_number, normalize_gates,
                         renyi_entropy, tsallis_entropy)
from .gates import Gate, GateRepresentationError, constant_gate_bias, gate_names, get_gate
from .intervals import Enclosure, UnboundedEnclosureError, decimal_down, decimal_up, float_down, float_up
from .layers import FFNLayer, fixed_type1, fixed_type2, la_type1, la_type2, moa_type1, moa_type2, overhead
from .nesting import fixed_to_la, fixed_to_moa, la_to_moa, sigmoid_containment_evidence
from .sweeps import SWEEPS, sweep
from .witnesses import WITNESS_NAMES, Witness, check_lambda, get_witness
from .custom import (activation_from_callable, activation_from_expression, as_activation, as_gate, check_activation,
                     gate_from_callable, gate_from_expression)
from .derivatives import input_jacobian, parameter_gradients
from .expressions import ExpressionError, parse_formula
from .layer_io import layer_from_json, layer_to_json, load_layer, save_layer
from .sweeps import floor_violations
from .training import FFNNetwork, FitResult, fit, loss_and_gradient, target_function, template

__all__ = [
    "Activation", "get_activation", "activation_names", "leaky_relu", "resolve_dictionary",
    "PAPER_DICTIONARY", "PL_DICTIONARY", "POLY_DICTIONARY",
    "Gate", "get_gate", "gate_names", "constant_gate_bias", "GateRepresentationError",
    "FFNLayer", "fixed_type1", "fixed_type2", "la_type1", "la_type2", "moa_type1", "moa_type2", "overhead",
    "fixed_to_la", "la_to_moa", "fixed_to_moa", "sigmoid_containment_evidence",
    "Certificate", "ridge_jump", "sympy_jump", "jump_gap_lower_bound", "pl_breakpoints_1d", "f1_derivative_gap",
    "counting_floor", "same_sign_jumps_per_neuron", "segment_breakpoints", "DifferenceFunctional", "quadratic_rank_floor",
    "ChebyshevFloor", "chebyshev_affine_floor", "chebyshev_affine_lp", "Enclosure", "UnboundedEnclosureError",
    "float_down", "float_up", "decimal_down", "decimal_up",
    "Witness", "get_witness", "check_lambda", "WITNESS_NAMES", "SWEEPS", "sweep",
    "normalize_gates", "hill_number", "hill_exact", "renyi_entropy", "tsallis_entropy", "effective_sample_size",
    "effective_activations",
    "activation_from_expression", "activation_from_callable", "gate_from_expression", "gate_from_callable",
    "as_activation", "as_gate", "check_activation", "ExpressionError", "parse_formula",
    "input_jacobian", "parameter_gradients", "FFNNetwork", "FitResult", "fit", "loss_and_gradient", "template",
    "target_function", "layer_to_json", "layer_from_json", "save_layer", "load_layer", "floor_violations",
]
