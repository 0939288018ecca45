"""Rigorous interval enclosures (mpmath.iv, outward rounding) with exact rational endpoints.

The FFN certificates compare transcendental targets (``tanh``, ``sigmoid``) with rational
network parameters.  Every such comparison goes through this module: inputs are exact
:class:`~fractions.Fraction` values, the enclosure is computed by :mod:`mpmath.iv` at a
fixed working precision, and endpoints come back as exact Fractions (an ``mpf`` is a binary
rational, so the conversion loses nothing).  A lower endpoint is therefore a *proved* lower
bound.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator

from mpmath import iv

from ..exceptions import InvalidInputError
from ..numbers import to_fraction

__all__ = ["iv_eval_sympy", "enclose_sympy", "Enclosure", "interval_precision", "iv_of", "iv_tanh", "iv_sigmoid", "enclose", "tanh_enclosure",
           "sigmoid_enclosure"]

PRECISION_BITS = 120


@contextmanager
def interval_precision(bits: int = PRECISION_BITS) -> Iterator[None]:
    """Temporarily set the mpmath interval precision (restored afterwards)."""
    old = iv.prec
    iv.prec = bits
    try:
        yield
    finally:
        iv.prec = old


@dataclass(frozen=True)
class Enclosure:
    """A closed interval ``[lo, hi]`` with exact rational endpoints that contains a real number.

    Examples
    --------
    >>> e = tanh_enclosure(Fraction(1))
    >>> abs(float(e.lo) - 0.7615941559557649) < 1e-15, e.width < Fraction(1, 2**100)
    (True, True)
    """

    lo: Fraction
    hi: Fraction

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise InvalidInputError(f"empty enclosure [{self.lo}, {self.hi}]")

    @property
    def width(self) -> Fraction:
        return self.hi - self.lo

    def __float__(self) -> float:
        return float((self.lo + self.hi) / 2)

    def to_json(self) -> dict:
        return {"lo": str(self.lo), "hi": str(self.hi), "lo_float": float(self.lo), "hi_float": float(self.hi)}


def _mpf_tuple_to_fraction(t) -> Fraction:
    sign, man, exp, _bc = t
    if man == 0:
        return Fraction(0)
    val = Fraction(man) * (Fraction(2) ** exp)
    return -val if sign else val


def iv_of(x: Fraction | int | str):
    """An mpmath interval enclosing the exact rational ``x`` (outward rounded)."""
    f = to_fraction(x, where="interval input")
    return iv.mpf([f"{f.numerator}/{f.denominator}", f"{f.numerator}/{f.denominator}"])


def enclose(v) -> Enclosure:
    """Exact Fraction endpoints of an mpmath interval."""
    a, b = v._mpi_
    return Enclosure(_mpf_tuple_to_fraction(a), _mpf_tuple_to_fraction(b))


def iv_tanh(x):
    """Interval tanh.  tanh is increasing, so the hull of the endpoint enclosures is valid."""
    lo = iv.mpf(x.a)
    hi = iv.mpf(x.b)

    def point(p):
        # tanh(p) = 1 - 2/(exp(2p)+1): one exp, no cancellation problem for an enclosure
        return 1 - 2 / (iv.exp(2 * p) + 1)

    a = point(lo)
    b = point(hi)
    return iv.mpf([a.a, b.b])


def iv_sigmoid(x):
    """Interval logistic sigmoid 1/(1+exp(-x)) (increasing, endpoint hull)."""
    a = 1 / (1 + iv.exp(-iv.mpf(x.a)))
    b = 1 / (1 + iv.exp(-iv.mpf(x.b)))
    return iv.mpf([a.a, b.b])


def tanh_enclosure(x: Fraction | int | str) -> Enclosure:
    """Enclosure of ``tanh(x)`` for exact rational ``x``.

    Examples
    --------
    >>> e = tanh_enclosure(Fraction(2))
    >>> Fraction(9640275800758, 10**13) < e.lo <= e.hi < Fraction(9640275800759, 10**13)
    True
    """
    with interval_precision():
        return enclose(iv_tanh(iv_of(x)))


def sigmoid_enclosure(x: Fraction | int | str) -> Enclosure:
    """Enclosure of ``1/(1+exp(-x))`` for exact rational ``x``."""
    with interval_precision():
        return enclose(iv_sigmoid(iv_of(x)))


def iv_eval_sympy(expr):
    """Interval value of a constant sympy expression built from rationals, +, ×, integer powers,
    tanh, exp, log, atanh, Abs, Max and Min (outward rounded; raises for anything else)."""
    import sympy as sp

    e = sp.sympify(expr)
    if e.free_symbols:
        raise InvalidInputError(f"cannot enclose {e}: it has free symbols {sorted(map(str, e.free_symbols))}")
    if e.is_Rational:
        return iv_of(Fraction(int(e.p), int(e.q)))
    if e is sp.pi:
        return iv.pi
    if e is sp.E:
        return iv.e
    if e.is_Add:
        out = iv.mpf(0)
        for a in e.args:
            out = out + iv_eval_sympy(a)
        return out
    if e.is_Mul:
        out = iv.mpf(1)
        for a in e.args:
            out = out * iv_eval_sympy(a)
        return out
    if e.is_Pow:
        base, ex = e.args
        b = iv_eval_sympy(base)
        if ex.is_Integer:
            n = int(ex)
            if n >= 0:
                out = iv.mpf(1)
                for _ in range(n):
                    out = out * b
                return out
            return 1 / iv_eval_sympy(base ** (-ex))
        if ex == sp.Rational(1, 2):
            return iv.sqrt(b)
        return iv.exp(iv_eval_sympy(ex) * iv.log(b))
    f = e.func
    args = [iv_eval_sympy(a) for a in e.args]
    if f == sp.tanh:
        return iv_tanh(args[0])
    if f == sp.exp:
        return iv.exp(args[0])
    if f == sp.log:
        return iv.log(args[0])
    if f == sp.atanh:
        x = args[0]
        return (iv.log(1 + x) - iv.log(1 - x)) / 2
    if f == sp.Abs:
        x = args[0]
        lo = 0 if x.a <= 0 <= x.b else min(abs(x.a), abs(x.b))
        return iv.mpf([lo, max(abs(x.a), abs(x.b))])
    if f in (sp.Max, sp.Min):
        pick = max if f == sp.Max else min
        lo = args[0].a
        hi = args[0].b
        for a in args[1:]:
            lo = pick(lo, a.a)
            hi = pick(hi, a.b)
        return iv.mpf([lo, hi])
    raise InvalidInputError(f"no interval rule for {f} in {e}")


def enclose_sympy(expr) -> Enclosure:
    """:class:`Enclosure` of a constant sympy expression (see :func:`iv_eval_sympy`).

    Examples
    --------
    >>> import sympy as sp
    >>> e = enclose_sympy(sp.tanh(2) / 2)
    >>> Fraction(4820, 10**4) < e.lo < Fraction(4821, 10**4)
    True
    """
    with interval_precision():
        return enclose(iv_eval_sympy(expr))
