"""A small language for continuous piecewise-linear (CPWL) functions, parsed and evaluated exactly.

Grammar (EBNF; whitespace and ``# comments`` between tokens are ignored)::

    expression = term , { ("+" | "-") , term } ;
    term       = factor , { ("*" | "/") , factor } ;
    factor     = ("+" | "-") , factor | primary ;
    primary    = number | variable | function , "(" , expression , { "," , expression } , ")"
               | "(" , expression , ")" ;
    function   = "max" | "min" | "relu" | "abs" ;      (relu and abs take exactly one argument)
    variable   = "x" , digit19 , { digit } ;            (x1, x2, ...; 1-based)
    number     = digits , [ "." , { digit } ] , [ exponent ] | "." , digits , [ exponent ] ;
    exponent   = ("e" | "E") , [ "+" | "-" ] , digits ;

Numbers are read exactly (``0.25`` is 1/4, ``1/3`` is the rational one third) by
:func:`expressivity.numbers.to_fraction`.  A product needs a constant factor (``2*x1``,
``x1*3/4``) and a division a non-zero constant divisor: ``x1*x2`` or ``1/x1`` is refused, as it
is not piecewise linear.  Constant sub-expressions are folded while parsing (``max(1, 2)*x1`` is
``2*x1``).  The Unicode minus sign ``−`` is read as ``-``.

The parser is a hand-written tokenizer and recursive-descent parser: user text is never passed
to ``eval`` or to a computer-algebra parser.  Limits (one-line errors beyond them):
``MAX_EXPRESSION_LENGTH`` characters, ``MAX_NESTING`` levels of parentheses, function calls and
unary signs, variables up to ``x{MAX_VARIABLE_INDEX}``, numbers within the limits of
:func:`~expressivity.numbers.to_fraction`.  Errors are :class:`ExpressionSyntaxError` with the
position and a caret line.

Examples
--------
>>> f = parse_expression("max(x1, x2, min(x3, 0)) + 1/2*relu(x4 - x1)")
>>> f.input_dim, f([1, 2, -3, 5])
(4, Fraction(4, 1))
>>> print(parse_expression("0.25*abs(x1)"))
1/4*abs(x1)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from os import PathLike
from pathlib import Path
from typing import Any

from ..exceptions import ExpressivityError, InvalidInputError, ShapeError
from ..numbers import to_fraction

__all__ = [
    "FUNCTIONS",
    "MAX_EXPRESSION_LENGTH",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_VARIABLE_INDEX",
    "CPWLExpression",
    "ExpressionSyntaxError",
    "load_expression",
    "parse_expression",
]

#: Longest accepted expression text (characters).
MAX_EXPRESSION_LENGTH = 100_000
#: Deepest nesting of parentheses, function calls and unary signs.
MAX_NESTING = 100
#: Largest variable index (``x100000``).
MAX_VARIABLE_INDEX = 100_000
#: Largest ``.cpwl`` file read (bytes).
MAX_FILE_BYTES = 1_000_000
#: Known functions and their number of arguments (None: one or more).
FUNCTIONS = {"max": None, "min": None, "relu": 1, "abs": 1}

_SNIPPET = 60  # characters of context shown around an error position


class ExpressionSyntaxError(InvalidInputError):
    """An expression cannot be read; the message shows the place with a caret.

    ``str(exc)`` is two lines: the reason, the position and the expression (a window of it when
    long), then a caret under the offending character.  :meth:`render` prefixes the first line
    (e.g. with ``"expressivity: error: "``) and keeps the caret aligned.

    Attributes
    ----------
    reason : str
    text : str
        The whole expression.
    pos : int
        0-based character offset of the problem in ``text``.
    source : str or None
        The file the text came from.
    """

    def __init__(self, reason: str, text: str, pos: int, *, source: str | None = None):
        self.reason, self.text, self.pos, self.source = reason, text, max(0, min(pos, len(text))), source
        super().__init__(self.render())

    @property
    def line(self) -> int:
        """1-based line of the error."""
        return self.text.count("\n", 0, self.pos) + 1

    @property
    def column(self) -> int:
        """1-based column of the error."""
        return self.pos - (self.text.rfind("\n", 0, self.pos) + 1) + 1

    def _parts(self) -> tuple[str, str]:
        start = self.text.rfind("\n", 0, self.pos) + 1
        end = self.text.find("\n", self.pos)
        line_text = self.text[start:] if end < 0 else self.text[start:end]
        col = self.pos - start
        lo = max(0, col - _SNIPPET // 2)
        hi = min(len(line_text), lo + _SNIPPET)
        lo = max(0, min(lo, hi - _SNIPPET))
        snippet = ("..." if lo > 0 else "") + line_text[lo:hi].replace("\t", " ") + ("..." if hi < len(line_text) else "")
        offset = col - lo + (3 if lo > 0 else 0)
        where = f"line {self.line}, column {self.column}" if "\n" in self.text.strip("\n") else f"column {self.column}"
        src = f"{self.source}: " if self.source else ""
        head = f"{src}{self.reason} at {where}: "
        return head + snippet, " " * (len(head) + offset) + "^"

    def render(self, prefix: str = "") -> str:
        """The message with ``prefix`` before the first line and the caret line aligned under it.

        Examples
        --------
        >>> try:
        ...     parse_expression("max(x1, x2")
        ... except ExpressionSyntaxError as exc:
        ...     print(exc.render("error: "))
        error: unbalanced parentheses: '(' is never closed at column 4: max(x1, x2
                                                                           ^
        """
        first, caret = self._parts()
        return f"{prefix}{first}\n{' ' * len(prefix)}{caret}"


# ------------------------------------------------------------------------------------ tokens
_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+|\#[^\n]*)"
    r"|(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>[-+*/(),])"
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int


def _tokenize(text: str, source: str | None) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    text = text.replace("\u2212", "-")  # Unicode minus; same length, positions unchanged
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = "; multiply with '*', e.g. 2*x1" if ch in "·×" else (
                "; x1*x2 and powers are not piecewise linear" if ch == "^" else "")
            raise ExpressionSyntaxError(f"unexpected character {ch!r}{hint}", text, pos, source=source)
        kind = m.lastgroup
        if kind != "space":
            toks.append(_Tok(kind, m.group(), pos))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


# ------------------------------------------------------------------------------------ syntax tree
@dataclass(frozen=True)
class Const:
    value: Fraction
    pos: int = 0


@dataclass(frozen=True)
class Var:
    index: int  # 0-based
    pos: int = 0


@dataclass(frozen=True)
class Sum:
    terms: tuple
    pos: int = 0


@dataclass(frozen=True)
class Scale:
    factor: Fraction
    arg: Any
    pos: int = 0


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple
    pos: int = 0


Node = Any  # Const | Var | Sum | Scale | Call


def _apply(name: str, values: Sequence[Fraction]) -> Fraction:
    if name == "max":
        return max(values)
    if name == "min":
        return min(values)
    if name == "relu":
        return values[0] if values[0] > 0 else Fraction(0)
    return abs(values[0])  # abs


def evaluate_node(node: Node, x: Sequence[Fraction]) -> Fraction:
    """Exact value of a syntax-tree node at the rational point ``x`` (0-based coordinates)."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Var):
        return x[node.index]
    if isinstance(node, Sum):
        return sum((evaluate_node(t, x) for t in node.terms), Fraction(0))
    if isinstance(node, Scale):
        return node.factor * evaluate_node(node.arg, x)
    return _apply(node.name, [evaluate_node(a, x) for a in node.args])


def _fmt_number(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def format_node(node: Node) -> str:
    """Canonical text of a node (parses back to the same function)."""
    if isinstance(node, Const):
        return _fmt_number(node.value) if node.value >= 0 else f"({_fmt_number(node.value)})"
    if isinstance(node, Var):
        return f"x{node.index + 1}"
    if isinstance(node, Sum):
        out = format_node(node.terms[0])
        for t in node.terms[1:]:
            if isinstance(t, Scale) and t.factor < 0:
                out += " - " + format_node(Scale(-t.factor, t.arg)) if t.factor != -1 else " - " + _fmt_atom(t.arg)
            elif isinstance(t, Const) and t.value < 0:
                out += " - " + _fmt_number(-t.value)
            else:
                out += " + " + format_node(t)
        return out
    if isinstance(node, Scale):
        if node.factor == -1:
            return "-" + _fmt_atom(node.arg)
        return f"{_fmt_number(node.factor) if node.factor > 0 else '(' + _fmt_number(node.factor) + ')'}*{_fmt_atom(node.arg)}"
    return f"{node.name}(" + ", ".join(format_node(a) for a in node.args) + ")"


def _fmt_atom(node: Node) -> str:
    text = format_node(node)
    return f"({text})" if isinstance(node, (Sum, Scale)) else text


def max_variable(node: Node) -> int:
    """Largest 0-based variable index in the tree, or -1."""
    if isinstance(node, Var):
        return node.index
    if isinstance(node, Sum):
        return max((max_variable(t) for t in node.terms), default=-1)
    if isinstance(node, Scale):
        return max_variable(node.arg)
    if isinstance(node, Call):
        return max((max_variable(a) for a in node.args), default=-1)
    return -1


# ------------------------------------------------------------------------------------ parser
class _Parser:
    def __init__(self, text: str, input_dim: int | None, source: str | None):
        self.text, self.input_dim, self.source = text, input_dim, source
        self.toks = _tokenize(text, source)
        self.i = 0
        self.depth = 0

    def error(self, reason: str, pos: int) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(reason, self.text, pos, source=self.source)

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"nested more than {MAX_NESTING} levels deep (MAX_NESTING)", pos)

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("empty expression", 0)
        node = self.expression()
        t = self.tok
        if t.kind != "end":
            if t.text == ")":
                raise self.error("unbalanced parentheses: ')' without a matching '('", t.pos)
            if t.text == ",":
                raise self.error("',' outside a function's argument list", t.pos)
            prev = self.toks[self.i - 1]
            hint = f"; write {prev.text}*{t.text}" if prev.kind == "num" and t.kind == "name" else ""
            raise self.error(f"expected an operator before {t.text!r}{hint}", t.pos)
        return node

    def expression(self) -> Node:
        start = self.tok.pos
        terms = [self.term()]
        while self.tok.text in ("+", "-") and self.tok.kind == "op":
            op = self.take()
            t = self.term()
            terms.append(t if op.text == "+" else _scale(Fraction(-1), t, op.pos, self))
        return terms[0] if len(terms) == 1 else _sum(terms, start)

    def term(self) -> Node:
        node = self.factor()
        while self.tok.text in ("*", "/") and self.tok.kind == "op":
            op = self.take()
            rhs = self.factor()
            if op.text == "*":
                if isinstance(node, Const):
                    node = _scale(node.value, rhs, op.pos, self)
                elif isinstance(rhs, Const):
                    node = _scale(rhs.value, node, op.pos, self)
                else:
                    raise self.error("product of two non-constant terms is not piecewise linear", op.pos)
            else:
                if not isinstance(rhs, Const):
                    raise self.error("division by a non-constant term is not piecewise linear", op.pos)
                if rhs.value == 0:
                    raise self.error("division by zero", op.pos)
                node = _scale(1 / rhs.value, node, op.pos, self)
        return node

    def factor(self) -> Node:
        t = self.tok
        if t.kind == "op" and t.text in ("+", "-"):
            self.take()
            self.enter(t.pos)
            arg = self.factor()
            self.depth -= 1
            return arg if t.text == "+" else _scale(Fraction(-1), arg, t.pos, self)
        return self.primary()

    def primary(self) -> Node:
        t = self.take()
        if t.kind == "num":
            try:
                return Const(to_fraction(t.text, where="number"), t.pos)
            except ExpressivityError as exc:
                raise self.error(f"number out of range ({str(exc).split(': ', 1)[-1][:120]})", t.pos) from None
        if t.kind == "name":
            return self.name(t)
        if t.text == "(":
            self.enter(t.pos)
            node = self.expression()
            self.close(t)
            self.depth -= 1
            return node
        if t.kind == "end":
            raise self.error("the expression ends where a term was expected", t.pos)
        if t.text == ")":
            raise self.error("a term was expected before ')'", t.pos)
        raise self.error(f"a term was expected, got {t.text!r}", t.pos)

    def close(self, opening: _Tok) -> None:
        t = self.tok
        if t.text == ")" and t.kind == "op":
            self.take()
            return
        if t.kind == "end":
            raise self.error("unbalanced parentheses: '(' is never closed", opening.pos)
        prev = self.toks[self.i - 1]
        hint = f"; write {prev.text}*{t.text}" if prev.kind == "num" and t.kind == "name" else ""
        raise self.error(f"expected an operator, ',' or ')' before {t.text!r}{hint}", t.pos)

    def name(self, t: _Tok) -> Node:
        m = re.fullmatch(r"x([1-9][0-9]*)", t.text)
        if m is not None:
            if len(m.group(1)) > 6 or int(m.group(1)) > MAX_VARIABLE_INDEX:
                raise self.error(f"variable index beyond x{MAX_VARIABLE_INDEX} (MAX_VARIABLE_INDEX)", t.pos)
            k = int(m.group(1))
            if self.input_dim is not None and k > self.input_dim:
                raise self.error(f"variable {t.text} is beyond the input dimension {self.input_dim} "
                                 f"(variables x1..x{self.input_dim})", t.pos)
            return Var(k - 1, t.pos)
        if t.text == "x0" or re.fullmatch(r"x0[0-9]*", t.text):
            raise self.error(f"variables are numbered from 1: x1, x2, ...; got {t.text}", t.pos)
        is_call = self.tok.text == "("
        if t.text not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            what = "function" if is_call else "name"
            raise self.error(f"unknown {what} {t.text!r} (functions: {known}; variables: x1, x2, ...)", t.pos)
        if not is_call:
            raise self.error(f"expected '(' after {t.text!r}", self.tok.pos)
        opening = self.take()
        self.enter(opening.pos)
        if self.tok.text == ")":
            raise self.error(f"{t.text}() needs at least one argument", self.tok.pos)
        args = [self.expression()]
        while self.tok.text == "," and self.tok.kind == "op":
            self.take()
            args.append(self.expression())
        self.close(opening)
        self.depth -= 1
        arity = FUNCTIONS[t.text]
        if arity is not None and len(args) != arity:
            raise self.error(f"{t.text} takes exactly {arity} argument, got {len(args)}", t.pos)
        if all(isinstance(a, Const) for a in args):
            return Const(_apply(t.text, [a.value for a in args]), t.pos)
        return Call(t.text, tuple(args), t.pos)


def _scale(c: Fraction, node: Node, pos: int, parser: _Parser) -> Node:
    if isinstance(node, Const):
        return Const(c * node.value, pos)
    if c == 1:
        return node
    if isinstance(node, Scale):
        c = c * node.factor
        node = node.arg
    return Const(Fraction(0), pos) if c == 0 else Scale(c, node, pos)


def _sum(terms: list, pos: int) -> Node:
    const = sum((t.value for t in terms if isinstance(t, Const)), Fraction(0))
    rest = [t for t in terms if not isinstance(t, Const)]
    if not rest:
        return Const(const, pos)
    if const != 0:
        rest.append(Const(const, pos))
    return rest[0] if len(rest) == 1 else Sum(tuple(rest), pos)


# ------------------------------------------------------------------------------------ public API
@dataclass(frozen=True, eq=False)
class CPWLExpression:
    """A parsed CPWL expression on R^``input_dim`` (scalar valued); build with :func:`parse_expression`.

    Calling it evaluates exactly: inputs are exact numbers (ints, Fractions, ``"p/q"``
    strings), floats are refused.

    Examples
    --------
    >>> f = parse_expression("min(x1, 2) - abs(x2)/3", input_dim=3)
    >>> f.input_dim, f([5, "-3/2", 0])
    (3, Fraction(3, 2))
    """

    text: str
    root: Any
    input_dim: int
    source: str | None = None

    @property
    def output_dim(self) -> int:
        return 1

    def __call__(self, x: Any) -> Fraction:
        return self.evaluate(x)

    def evaluate(self, x: Any) -> Fraction:
        """Exact value at the point ``x`` (a sequence of ``input_dim`` exact numbers)."""
        if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
            raise ShapeError(f"the point must be a sequence of {self.input_dim} numbers, got {type(x).__name__}")
        if len(x) != self.input_dim:
            raise ShapeError(f"the expression has input dimension {self.input_dim}, got a point with {len(x)} coordinates")
        pt = [to_fraction(v, where=f"x{i + 1}") for i, v in enumerate(x)]
        return evaluate_node(self.root, pt)

    def __str__(self) -> str:
        return format_node(self.root)

    def __repr__(self) -> str:
        text = str(self)
        return f"CPWLExpression({text if len(text) <= 80 else text[:77] + '...'!r}, input_dim={self.input_dim})"

    def to_network(self):
        """An exact :class:`~expressivity.relu.ReLUNetwork` computing this function
        (see :func:`expressivity.cpwl.compile_expression`)."""
        from .compile import compile_expression

        return compile_expression(self)


def parse_expression(text: str, *, input_dim: int | None = None, source: str | None = None) -> CPWLExpression:
    """Parse a CPWL expression (grammar in the module docstring).

    Parameters
    ----------
    text : str
    input_dim : int, optional
        The dimension d of the domain R^d; variables beyond ``x{d}`` are refused.  By default
        the largest variable index used (at least 1).
    source : str, optional
        A file name for error messages.

    Raises
    ------
    ExpressionSyntaxError
        With the position and a caret line.

    Examples
    --------
    >>> parse_expression("2*max(x1, x2) - x3/4")([1, 3, 8])
    Fraction(4, 1)
    >>> try:
    ...     parse_expression("x1*x2")
    ... except ExpressionSyntaxError as exc:
    ...     print(exc)
    product of two non-constant terms is not piecewise linear at column 3: x1*x2
                                                                             ^
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"an expression must be a str, got {type(text).__name__}")
    if input_dim is not None and (isinstance(input_dim, bool) or not isinstance(input_dim, int) or input_dim < 1):
        raise InvalidInputError(f"input_dim must be a positive integer, got {input_dim!r}")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionSyntaxError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters "
                                    "(MAX_EXPRESSION_LENGTH)", text[:200], 200, source=source)
    root = _Parser(text, input_dim, source).parse()
    dim = input_dim if input_dim is not None else max(1, max_variable(root) + 1)
    return CPWLExpression(text, root, dim, source)


def load_expression(path: str | PathLike[str], *, input_dim: int | None = None) -> CPWLExpression:
    """Read a ``.cpwl`` file: one expression, possibly over several lines, ``#`` starts a comment.

    Raises
    ------
    ExpressionSyntaxError
        Naming the file, line and column.
    InvalidInputError
        The file is missing, too large (``MAX_FILE_BYTES``) or not UTF-8 text.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "f.cpwl")
    >>> _ = Path(p).write_text("# max of two\\nmax(x1,\\n    x2)\\n")
    >>> load_expression(p)([2, 5])
    Fraction(5, 1)
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read the expression file ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInputError(f"{path}: expression file larger than {MAX_FILE_BYTES} bytes (MAX_FILE_BYTES)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not a UTF-8 text file (byte {exc.start})") from None
    return parse_expression(text, input_dim=input_dim, source=str(path))
