"""Rigorous interval enclosures (mpmath.iv, outward rounding) with exact rational endpoints.

The FFN certificates compare transcendental targets (``tanh``, ``sigmoid``) with rational
network parameters.  Every such comparison goes through this module: inputs are exact
:class:`~fractions.Fraction` values, the enclosure is computed by :mod:`mpmath.iv` at a
fixed working precision, and endpoints come back as exact Fractions (an ``mpf`` is a binary
rational, so the conversion loses nothing).  A lower endpoint is therefore a *proved* lower
bound.

Endpoints are never rounded to nearest on the way out: :func:`float_down` / :func:`float_up`
and :func:`decimal_down` / :func:`decimal_up` give floats and decimal strings on the safe side
(a printed lower bound never exceeds the exact one).  An interval with an infinite or NaN
endpoint (e.g. a division by an interval containing 0) raises :class:`UnboundedEnclosureError`.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator

from mpmath import iv

from ..exceptions import DegenerateInputError, InvalidInputError
from ..numbers import to_fraction

__all__ = ["iv_eval_sympy", "enclose_sympy", "Enclosure", "UnboundedEnclosureError", "interval_precision", "iv_of", "iv_tanh",
           "iv_sigmoid", "enclose", "tanh_enclosure", "sigmoid_enclosure", "float_down", "float_up", "decimal_down",
           "decimal_up"]


class UnboundedEnclosureError(DegenerateInputError):
    """An interval computation produced an infinite or NaN endpoint (e.g. a division by an
    interval that contains 0): no finite enclosure exists at this precision."""


def float_down(x: Fraction) -> float:
    """The largest float ``≤ x`` (directed rounding for lower bounds).

    Examples
    --------
    >>> Fraction(float_down(Fraction(1, 3))) <= Fraction(1, 3) < Fraction(float_up(Fraction(1, 3)))
    True
    """
    x = to_fraction(x, where="float_down")
    try:
        f = float(x)  # round to nearest, then step down if that landed above x
    except OverflowError:
        f = math.inf if x > 0 else -math.inf
    if (Fraction(f) > x) if math.isfinite(f) else f > 0:
        f = math.nextafter(f, -math.inf)
    return f


def float_up(x: Fraction) -> float:
    """The smallest float ``≥ x`` (directed rounding for upper bounds)."""
    return -float_down(-to_fraction(x, where="float_up"))


def _decimal_str(n: int, places: int) -> str:
    """``n / 10**places`` as an exact decimal string (scientific notation when very small or large)."""
    digits = len(str(abs(n)))
    exp10 = digits - 1 - places  # the decimal exponent of the leading digit
    if n != 0 and (exp10 < -5 or exp10 > 15):
        sign = "-" if n < 0 else ""
        m = str(abs(n)).rstrip("0") or "0"
        mant = m[0] + ("." + m[1:] if len(m) > 1 else "")
        return f"{sign}{mant}e{exp10:+d}"
    if places <= 0:
        return str(n * 10 ** (-places))
    sign = "-" if n < 0 else ""
    a = str(abs(n)).rjust(places + 1, "0")
    return f"{sign}{a[:-places]}.{a[-places:]}"


def decimal_down(x: Fraction, digits: int = 12) -> str:
    """A decimal string with about ``digits`` significant digits that is ``≤ x`` (exactly).

    Examples
    --------
    >>> decimal_down(Fraction(2, 3), 4), decimal_up(Fraction(2, 3), 4)
    ('0.6666', '0.6667')
    """
    return _decimal_str(*_decimal_parts(x, digits, up=False))


def decimal_up(x: Fraction, digits: int = 12) -> str:
    """A decimal string with about ``digits`` significant digits that is ``≥ x`` (exactly)."""
    return _decimal_str(*_decimal_parts(x, digits, up=True))


def _decimal_parts(x: Fraction, digits: int, up: bool) -> tuple[int, int]:
    x = to_fraction(x, where="decimal")
    if x == 0:
        return 0, 0
    a = abs(x)
    e = len(str(a.numerator)) - len(str(a.denominator))  # ≈ log10|x|, off by at most one: fix exactly
    while Fraction(10) ** e > a:
        e -= 1
    while Fraction(10) ** (e + 1) <= a:
        e += 1
    places = digits - 1 - e
    v = x * Fraction(10) ** places if places >= 0 else x / Fraction(10) ** (-places)
    n = math.ceil(v) if up else math.floor(v)
    while places > 0 and n % 10 == 0:  # drop trailing zeros
        n //= 10
        places -= 1
    return n, places

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
        """Exact ends as ``"p/q"`` strings; the float ends are rounded outwards (``lo_float ≤ lo``, ``hi_float ≥ hi``)."""
        return {"lo": str(self.lo), "hi": str(self.hi), "lo_float": float_down(self.lo), "hi_float": float_up(self.hi)}


def _mpf_tuple_to_fraction(t) -> Fraction:
    sign, man, exp, bc = t
    if man == 0:
        if exp != 0 or bc != 0:  # mpmath's special values (±inf, nan) have man = 0, exp/bc ≠ 0
            raise UnboundedEnclosureError("the interval has an infinite or NaN endpoint (a division by an interval "
                                          "containing 0, or an overflow): no finite enclosure")
        return Fraction(0)
    val = Fraction(man) * (Fraction(2) ** exp)
    return -val if sign else val


def iv_of(x: Fraction | int | str):
    """An mpmath interval enclosing the exact rational ``x`` (outward rounded)."""
    f = to_fraction(x, where="interval input")
    return iv.mpf([f"{f.numerator}/{f.denominator}", f"{f.numerator}/{f.denominator}"])


def enclose(v) -> Enclosure:
    """Exact Fraction endpoints of an mpmath interval.

    Raises
    ------
    UnboundedEnclosureError
        If an endpoint is infinite or NaN.

    Examples
    --------
    >>> enclose(iv.mpf([1, 2]))
    Enclosure(lo=Fraction(1, 1), hi=Fraction(2, 1))
    >>> enclose(1 / iv.mpf([-1, 1]))
    Traceback (most recent call last):
    ...
    expressivity.ffn.intervals.UnboundedEnclosureError: the interval has an infinite or NaN endpoint (a division by an interval containing 0, or an overflow): no finite enclosure
    """
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
