"""Safe parsing of user formulas and the piecewise analysis of one-variable expressions.

A formula is text such as ``"x*tanh(x)"`` or ``"Max(x, 0)**2"``.  It is parsed by sympy's
``parse_expr`` only after a tokenizer has accepted it: numbers (at most 30 digits, decimals read
as exact rationals), the variables allowed by the caller, the whitelisted functions of
:data:`ALLOWED_FUNCTIONS`, ``pi``, ``E``, the operators ``+ - * / ** ^`` and parentheses.  Nothing
else reaches sympy (no attribute access, no strings, no other names), the text has at most
:data:`MAX_EXPRESSION_LENGTH` characters, exponents are integer literals of at most 8 and at most
:data:`MAX_POWERS` powers may appear, so an accepted formula cannot build huge numbers.

:func:`piecewise_analysis` splits an expression of one variable at the switching points of its
``Max``/``Min``/``Abs`` nodes (roots of polynomial differences, which must be rational) and
returns the smooth expression on each piece: the basis of the derived metadata of
:func:`~expressivity.ffn.custom.activation_from_expression`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    parse_expr,
    rationalize,
    standard_transformations,
)

from ..exceptions import InvalidInputError

__all__ = [
    "ALLOWED_FUNCTIONS",
    "MAX_EXPRESSION_LENGTH",
    "MAX_POWERS",
    "ExpressionError",
    "Piece",
    "parse_formula",
    "piecewise_analysis",
]

MAX_EXPRESSION_LENGTH = 200
MAX_POWERS = 4
_MAX_PIECES = 16


class ExpressionError(InvalidInputError):
    """A user formula is malformed, uses something outside the whitelist, or cannot be analysed."""


def _sigmoid(u):
    return 1 / (1 + sp.exp(-u))


#: functions a formula may call (name -> sympy constructor)
ALLOWED_FUNCTIONS = {
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh,
    "sin": sp.sin, "cos": sp.cos, "atan": sp.atan, "asinh": sp.asinh, "erf": sp.erf,
    "sigmoid": _sigmoid, "Abs": sp.Abs, "abs": sp.Abs, "Max": sp.Max, "max": sp.Max, "Min": sp.Min, "min": sp.Min,
}
_CONSTANTS = {"pi": sp.pi, "E": sp.E}
_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>\*\*|[-+*/^(),]))")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExpressionError(f"formula {text!r}: unexpected character {text[pos:].strip()[:1]!r} at position {pos}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def parse_formula(text: str, variables: tuple[str, ...] = ("x",), *,
                  functions: dict | None = None) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Parse a formula in the given real variables, accepting only the whitelist.

    ``functions`` replaces :data:`ALLOWED_FUNCTIONS` (layer files add ``atanh`` for constants).

    Returns
    -------
    (expr, symbols)
        The sympy expression and the real symbols it may contain (in ``variables`` order).

    Raises
    ------
    ExpressionError
        Too long, an unknown name, an exponent that is not a small integer literal, a syntax error,
        or an expression that is not real-valued and finite at 0.

    Examples
    --------
    >>> parse_formula("x*tanh(x)")[0]
    x*tanh(x)
    >>> parse_formula("0.5*x^2")[0]
    x**2/2
    >>> parse_formula("__import__('os')")
    Traceback (most recent call last):
    ...
    expressivity.ffn.expressions.ExpressionError: formula "__import__('os')": unexpected character "'" at position 11
    """
    if not isinstance(text, str):
        raise ExpressionError(f"a formula must be text, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("empty formula")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"formula has {len(text)} characters; at most {MAX_EXPRESSION_LENGTH} are accepted")
    syms = tuple(sp.Symbol(v, real=True) for v in variables)
    funcs = ALLOWED_FUNCTIONS if functions is None else functions
    allowed = {**funcs, **_CONSTANTS, **dict(zip(variables, syms))}
    toks = _tokens(text)
    n_pow = 0
    for i, (kind, val) in enumerate(toks):
        if kind == "name" and val not in allowed:
            raise ExpressionError(f"formula {text!r}: unknown name {val!r}; allowed: variables {', '.join(variables)}, "
                                  f"functions {', '.join(sorted(funcs))}, constants pi, E")
        if kind == "num" and len(val.replace(".", "")) > 30:
            raise ExpressionError(f"formula {text!r}: number {val[:20]}... has more than 30 digits")
        if kind == "op" and val in ("**", "^"):
            n_pow += 1
            j = i + 1 + (j_neg := int(i + 1 < len(toks) and toks[i + 1] == ("op", "-")))
            ok = j < len(toks) and toks[j][0] == "num" and toks[j][1].isdigit() and int(toks[j][1]) <= 8
            if not ok or (j + 1 < len(toks) and toks[j + 1][1] in ("**", "^")):
                raise ExpressionError(f"formula {text!r}: an exponent must be an integer literal between -8 and 8 "
                                      "(use sqrt for half powers)")
            del j_neg
    if n_pow > MAX_POWERS:
        raise ExpressionError(f"formula {text!r}: at most {MAX_POWERS} powers are accepted")
    try:
        expr = parse_expr(text, local_dict=dict(allowed), global_dict={"__builtins__": {}, "Integer": sp.Integer,
                                                                        "Float": sp.Float, "Rational": sp.Rational},
                          transformations=standard_transformations + (convert_xor, rationalize))
    except (SyntaxError, TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
        raise ExpressionError(f"formula {text!r} is not a valid expression ({type(exc).__name__})") from None
    if not isinstance(expr, sp.Expr):
        raise ExpressionError(f"formula {text!r} is not a scalar expression")
    extra = expr.free_symbols - set(syms)
    if extra:  # pragma: no cover - the tokenizer admits no other names
        raise ExpressionError(f"formula {text!r} has unexpected symbols {sorted(map(str, extra))}")
    return expr, syms


@dataclass(frozen=True)
class Piece:
    """``expr`` (smooth, free of Max/Min/Abs) on the open interval ``(lo, hi)`` (``None`` = ±∞)."""

    lo: Fraction | None
    hi: Fraction | None
    expr: sp.Expr


def _kink_nodes(e: sp.Expr) -> list[sp.Expr]:
    return [n for n in sp.preorder_traversal(e) if isinstance(n, (sp.Max, sp.Min, sp.Abs))]


def _innermost(e: sp.Expr) -> sp.Expr | None:
    for n in _kink_nodes(e):
        if not any(_kink_nodes(a) for a in n.args):
            return n
    return None


def _switch_points(node: sp.Expr, x: sp.Symbol) -> set[Fraction]:
    diffs = [node.args[0]] if isinstance(node, sp.Abs) else [a - b for i, a in enumerate(node.args) for b in node.args[i + 1:]]
    pts: set[Fraction] = set()
    for u in diffs:
        u = sp.expand(u)
        if not u.free_symbols:
            continue
        if not u.is_polynomial(x):
            raise ExpressionError(f"the kink of {node} is where {u} = 0, which is not a polynomial equation; "
                                  "Max/Min/Abs need polynomial arguments (e.g. write tanh(Max(x, 0)) for Max(tanh(x), 0))")
        poly = sp.Poly(u, x)
        if poly.degree() > 4 or not all(c.is_Rational for c in poly.all_coeffs()):
            raise ExpressionError(f"the kink equation {u} = 0 must have rational coefficients and degree at most 4")
        for r in sp.real_roots(poly):
            if not r.is_Rational:
                raise ExpressionError(f"{node} has a kink at the irrational point {r}; breakpoints must be rational")
            pts.add(Fraction(int(r.p), int(r.q)))
    return pts


def _resolve(node: sp.Expr, x: sp.Symbol, p: Fraction) -> sp.Expr:
    pv = sp.Rational(p.numerator, p.denominator)
    if isinstance(node, sp.Abs):
        v = node.args[0].subs(x, pv)
        return node.args[0] if v >= 0 else -node.args[0]
    vals = [(a, a.subs(x, pv)) for a in node.args]
    return (max if isinstance(node, sp.Max) else min)(vals, key=lambda t: t[1])[0]


def _interior(lo: Fraction | None, hi: Fraction | None) -> Fraction:
    if lo is None and hi is None:
        return Fraction(0)
    if lo is None:
        return hi - 1
    if hi is None:
        return lo + 1
    return (lo + hi) / 2


def piecewise_analysis(expr: sp.Expr, x: sp.Symbol) -> list[Piece]:
    """Split a one-variable expression at the kinks of its Max/Min/Abs nodes.

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> [(p.lo, p.hi, p.expr) for p in piecewise_analysis(sp.Max(x, 0) + sp.Abs(x - 1), x)]
    [(None, Fraction(0, 1), 1 - x), (Fraction(0, 1), Fraction(1, 1), 1), (Fraction(1, 1), None, 2*x - 1)]
    """
    todo, done = [Piece(None, None, expr)], []
    while todo:
        pc = todo.pop()
        node = _innermost(pc.expr)
        if node is None:
            done.append(pc)
            continue
        cuts = sorted(p for p in _switch_points(node, x) if (pc.lo is None or p > pc.lo) and (pc.hi is None or p < pc.hi))
        edges = [pc.lo] + cuts + [pc.hi]
        for lo, hi in zip(edges[:-1], edges[1:]):
            todo.append(Piece(lo, hi, pc.expr.xreplace({node: _resolve(node, x, _interior(lo, hi))})))
        if len(todo) + len(done) > _MAX_PIECES:
            raise ExpressionError(f"the expression has more than {_MAX_PIECES} pieces")
    done.sort(key=lambda p: (p.lo is not None, p.lo if p.lo is not None else 0))
    merged: list[Piece] = []
    for pc in done:  # drop switching points where nothing changes (e.g. Max(x, x))
        if merged and sp.simplify(merged[-1].expr - pc.expr) == 0:
            merged[-1] = Piece(merged[-1].lo, pc.hi, merged[-1].expr)
        else:
            merged.append(pc)
    return merged
