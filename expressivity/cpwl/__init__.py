"""Continuous piecewise-linear (CPWL) functions: an exact expression language, compilation to
exact ReLU networks, and an exact equivalence decision for any two CPWL objects."""

from .compile import compile_expression
from .equivalence import (
                          CPWLFunction,
                          EquivalenceResult,
                          as_cpwl,
                          check_target,
                          decide_equivalence,
                          difference_network,
)
from .expression import (
                          CPWLExpression,
                          ExpressionSyntaxError,
                          load_expression,
                          parse_expression,
)

__all__ = [
                          "CPWLExpression",
                          "CPWLFunction",
                          "EquivalenceResult",
                          "ExpressionSyntaxError",
                          "as_cpwl",
                          "check_target",
                          "compile_expression",
                          "decide_equivalence",
                          "difference_network",
                          "load_expression",
                          "parse_expression",
]
