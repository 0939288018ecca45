"""Library constants the CLI needs while it *builds* its parser (defaults, choices, names).

Building the parser must not import the library (``expressivity --help`` has to stay fast:
sympy, scipy, networkx, ... are loaded only by a command's handler), so the values are copied
here.  ``tests/foundation/test_cli_help.py`` asserts that every one equals the library's value.
"""

from __future__ import annotations

__all__ = [
    "FFN_DEFAULT_MAX_MEMORY_GB", "FFN_SWEEPS", "FFN_WITNESS_NAMES",
    "ATTENTION_DEFAULT_MAX_MEMORY", "ATTENTION_DEFAULT_MAX_SECONDS", "ATTENTION_DEFAULT_MAX_CLASS",
    "REGIONS_DEFAULT_MAX_TERMS", "REGIONS_DEFAULT_MAX_BITS", "REGIONS_DEFAULT_MAX_FLATS",
    "REGIONS_DEFAULT_MAX_STEPS", "FIGURE_FORMATS", "DEFAULT_FIGURE_FORMATS", "LIBRARY_SOURCES",
]

# expressivity.ffn.sweeps.DEFAULT_MAX_MEMORY_GB / SWEEPS, expressivity.ffn.witnesses.WITNESS_NAMES
FFN_DEFAULT_MAX_MEMORY_GB = 4.0
FFN_SWEEPS = {
    "T": "T_λ vs per-neuron LA-I (paper dictionary): derivative floor ½ tanh(λ) stays",
    "f1_relu": "f1 vs fixed ReLU Type-I: exact derivative gap ≥ 1/(m+1) shrinks with the L² error",
    "f1_tanh": "f1 vs fixed tanh Type-I: derivative floor ½ stays",
    "pl": "hardtanh(x1)·ReLU(x2) vs PL LA-I: derivative floor ½ stays, sup floor h²/8 shrinks",
    "T_one": "T_λ vs one-sided LA-II (superset: Σ_k σ_k(w·x+b)·affine_k(x) per neuron): floor ½E_λ stays",
    "poly_cubic": "x1·x2² vs LA-I{Id,x²} of width m (per-neuron α; quadratics): sup floor ½ stays, "
                  "error does not shrink",
}
FFN_WITNESS_NAMES = ("f1", "f2", "T", "T_sigmoid", "T_one", "T3", "pl", "poly_cubic", "poly_rank")

# expressivity.attention.cost
ATTENTION_DEFAULT_MAX_MEMORY = 4 * 2**30  # bytes
ATTENTION_DEFAULT_MAX_SECONDS = 3600.0
ATTENTION_DEFAULT_MAX_CLASS = 6000

# expressivity.regions.bounds / expressivity.regions.limits
REGIONS_DEFAULT_MAX_TERMS = 1_000_000
REGIONS_DEFAULT_MAX_BITS = 1_000_000
REGIONS_DEFAULT_MAX_FLATS = 200_000
REGIONS_DEFAULT_MAX_STEPS = 10_000_000

# paper_figures.registry.FORMATS and the default ``formats`` of build_figures
FIGURE_FORMATS = ("pdf", "svg", "png")
DEFAULT_FIGURE_FORMATS = ("png", "svg")

#: constant above -> (library module, attribute): what the test compares against
LIBRARY_SOURCES = {
    "FFN_DEFAULT_MAX_MEMORY_GB": ("expressivity.ffn.sweeps", "DEFAULT_MAX_MEMORY_GB"),
    "FFN_SWEEPS": ("expressivity.ffn.sweeps", "SWEEPS"),
    "FFN_WITNESS_NAMES": ("expressivity.ffn.witnesses", "WITNESS_NAMES"),
    "ATTENTION_DEFAULT_MAX_MEMORY": ("expressivity.attention.cost", "DEFAULT_MAX_MEMORY"),
    "ATTENTION_DEFAULT_MAX_SECONDS": ("expressivity.attention.cost", "DEFAULT_MAX_SECONDS"),
    "ATTENTION_DEFAULT_MAX_CLASS": ("expressivity.attention.cost", "DEFAULT_MAX_CLASS"),
    "REGIONS_DEFAULT_MAX_TERMS": ("expressivity.regions.bounds", "DEFAULT_MAX_TERMS"),
    "REGIONS_DEFAULT_MAX_BITS": ("expressivity.regions.bounds", "DEFAULT_MAX_BITS"),
    "REGIONS_DEFAULT_MAX_FLATS": ("expressivity.regions.limits", "DEFAULT_MAX_FLATS"),
    "REGIONS_DEFAULT_MAX_STEPS": ("expressivity.regions.limits", "DEFAULT_MAX_STEPS"),
    "FIGURE_FORMATS": ("expressivity.paper_figures.registry", "FORMATS"),
    "DEFAULT_FIGURE_FORMATS": ("expressivity.paper_figures.registry", "build_figures.__kwdefaults__.formats"),
}

# expressivity.ffn.training.CLASS_CHOICES, expressivity.ffn.sweeps.DEFAULT_TRAIN_ITER (appended)
FFN_FIT_CLASSES = ("fixed-i", "fixed-ii", "la-i", "la-ii-one", "la-ii-bi", "la-ii-quad", "moa-i", "moa-ii-one", "moa-ii-bi")
FFN_SWEEP_TRAIN_ITER = 150
__all__ += ["FFN_FIT_CLASSES", "FFN_SWEEP_TRAIN_ITER"]
LIBRARY_SOURCES.update({"FFN_FIT_CLASSES": ("expressivity.ffn.training", "CLASS_CHOICES"),
                        "FFN_SWEEP_TRAIN_ITER": ("expressivity.ffn.sweeps", "DEFAULT_TRAIN_ITER")})

# expressivity.cpwl.equivalence.DEFAULT_MAX_CELLS
CPWL_DEFAULT_MAX_CELLS = 2_000_000
__all__ += ["CPWL_DEFAULT_MAX_CELLS"]
LIBRARY_SOURCES.update({"CPWL_DEFAULT_MAX_CELLS": ("expressivity.cpwl.equivalence", "DEFAULT_MAX_CELLS")})

# expressivity.regions.planar.PLANAR_MEMORY_BUDGET (appended)
PLANAR_MEMORY_BUDGET = 4 * 2 ** 30
__all__ += ["PLANAR_MEMORY_BUDGET"]
LIBRARY_SOURCES.update({"PLANAR_MEMORY_BUDGET": ("expressivity.regions.planar", "PLANAR_MEMORY_BUDGET")})
