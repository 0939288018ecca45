"""Exact and floating-point number kinds, and the conversions between them.

The toolkit works with two kinds of numbers and never mixes them silently:

* ``"exact"`` -- :class:`fractions.Fraction` (``int`` and ``flint.fmpq`` are accepted on
  input and converted to ``Fraction``);
* ``"float"`` -- IEEE float64 (``float``, ``numpy.float64``).

Conversions are explicit: :func:`to_fraction` for exact inputs (strings ``"p/q"``,
``"1.25"``, ``"1e-3"``, ints, Fractions, fmpq, sympy rationals) and :func:`float_to_fraction`
for the deliberate float -> exact step (the exact binary value, or a bounded denominator).
:func:`to_fraction` is the one exact-number parser of the package: read user input with it,
never with ``Fraction(str)`` or ``Fraction(float(v))``.

Size limits
-----------
A decimal string like ``"1e999999999"`` denotes an integer with a billion digits, and
``Fraction`` would compute it (a hang).  :func:`to_fraction` therefore parses strings itself
(nothing expensive happens before the limits are checked) and refuses, with
:class:`NumberTooLargeError`:

* an exponent with ``|e| > MAX_EXPONENT`` (= 4000);
* a number whose numerator or denominator, as written (before reduction), would have more
  than ``MAX_DIGITS`` (= 4000) decimal digits -- ``"1e4000"`` (4001 digits) is refused,
  ``"1e3999"`` accepted;
* a Python integer with more than ``MAX_DIGITS`` digits.

4000 stays below Python's default ``sys.get_int_max_str_digits()`` (4300), so every number
accepted here can be printed back (``str(int)``) in reports and JSON.  The limits are module
attributes and are read at call time; raise them deliberately (together with
``sys.set_int_max_str_digits``) if you really need longer numbers.  Already constructed
exact objects (``Fraction``, ``flint.fmpq``, ``sympy.Rational``) are taken as they are.
"""

from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction
from typing import Any, Iterable, Literal

import numpy as np

from .exceptions import NonFiniteError, NumberTooLargeError, NumberTypeError

__all__ = [
    "NumberKind",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "NumberTooLargeError",
    "to_fraction",
    "float_to_fraction",
    "fraction_to_float",
    "number_kind",
    "exact_array",
    "float_array",
    "format_fraction",
    "shorten",
]

NumberKind = Literal["exact", "float"]

MAX_DIGITS = 4000
"""Most decimal digits of the numerator or the denominator of a number read by :func:`to_fraction`."""

MAX_EXPONENT = 4000
"""Largest ``|e|`` of a decimal exponent (``"1.5e-3"``) read by :func:`to_fraction`."""


try:  # python-flint is a core dependency, but keep the import soft for type checks
    from flint import fmpq as _fmpq
    from flint import fmpz as _fmpz
except ImportError:  # pragma: no cover
    _fmpq = _fmpz = None

# "p/q" (optional sign, spaces around the slash) and decimals "-12", "1.25", ".5", "3.", "1e-3"
_RATIO = re.compile(r"([+-]?)([0-9]+)[ \t]*/[ \t]*([0-9]+)", re.ASCII)
_DECIMAL = re.compile(r"([+-]?)(?=[0-9]|\.[0-9])([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?)([0-9]+))?", re.ASCII)
_CHUNK = 500  # digits converted per int() call: independent of sys.set_int_max_str_digits


def shorten(text: Any, limit: int = 40) -> str:
    """``repr(text)``, or its first 20 characters and the length when ``text`` is long.

    Error messages use it so that a 100 kB number is not echoed back.  A value that is not a
    string is shown by its ``repr``, shortened the same way when that is long.

    Examples
    --------
    >>> shorten("1/3")
    "'1/3'"
    >>> shorten("9" * 100000)
    "'99999999999999999999…' (100000 characters)"
    >>> shorten(10 ** 50)
    "'10000000000000000000…' (51 characters)"
    """
    if not isinstance(text, str):
        r = repr(text)
        return r if len(r) <= limit else shorten(r, limit)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:20] + '…'!r} ({len(text)} characters)"


def _is_float(x: Any) -> bool:
    return isinstance(x, (float, np.floating))


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _digits_to_int(digits: str) -> int:
    """``int(digits)`` for a string of ASCII digits, in chunks (no int-str-digits limit)."""
    value = 0
    for i in range(0, len(digits), _CHUNK):
        chunk = digits[i:i + _CHUNK]
        value = value * 10 ** len(chunk) + int(chunk)
    return value


def _too_many_digits(where: str, text: str, digits: int) -> NumberTooLargeError:
    return NumberTooLargeError(
        f"{where}: {shorten(text)} has {digits} digits, more than MAX_DIGITS = {MAX_DIGITS} "
        "(expressivity.numbers.MAX_DIGITS)"
    )


def _check_int_size(x: int, where: str) -> int:
    # |x| < 2**(3 * MAX_DIGITS) < 10**MAX_DIGITS needs no big power of ten
    if x.bit_length() > 3 * MAX_DIGITS and abs(x) >= 10 ** MAX_DIGITS:
        raise NumberTooLargeError(
            f"{where}: an integer of {x.bit_length()} bits has more than MAX_DIGITS = {MAX_DIGITS} digits "
            "(expressivity.numbers.MAX_DIGITS)"
        )
    return x


def _parse_ratio(m: re.Match, text: str, where: str) -> Fraction:
    sign, num, den = m.group(1), m.group(2).lstrip("0"), m.group(3).lstrip("0")
    if len(num) > MAX_DIGITS or len(den) > MAX_DIGITS:
        raise _too_many_digits(where, text, max(len(num), len(den)))
    if not den:
        raise NumberTypeError(f"{where}: {shorten(text)} has denominator zero")
    p = _digits_to_int(num or "0")
    return Fraction(-p if sign == "-" else p, _digits_to_int(den))


def _parse_decimal(m: re.Match, text: str, where: str) -> Fraction:
    sign, whole, frac, esign, edigits = m.group(1), m.group(2), m.group(3) or "", m.group(4), m.group(5)
    edigits = (edigits or "0").lstrip("0") or "0"
    if len(edigits) > len(str(MAX_EXPONENT)) or int(edigits) > MAX_EXPONENT:
        raise NumberTooLargeError(
            f"{where}: {shorten(text)} has an exponent beyond MAX_EXPONENT = {MAX_EXPONENT} in absolute value "
            "(expressivity.numbers.MAX_EXPONENT)"
        )
    exponent = (-1 if esign == "-" else 1) * int(edigits) - len(frac)  # value = mantissa * 10**exponent
    mantissa = (whole + frac).lstrip("0")
    if not mantissa:
        return Fraction(0)
    num_digits = len(mantissa) + max(exponent, 0)
    den_digits = 1 + max(-exponent, 0)
    if num_digits > MAX_DIGITS or den_digits > MAX_DIGITS:
        raise _too_many_digits(where, text, max(num_digits, den_digits))
    p = _digits_to_int(mantissa)
    if sign == "-":
        p = -p
    return Fraction(p * 10 ** exponent) if exponent >= 0 else Fraction(p, 10 ** -exponent)


def _parse_exact_string(x: str, where: str) -> Fraction:
    s = x.strip()
    m = _RATIO.fullmatch(s)
    if m:
        return _parse_ratio(m, x, where)
    m = _DECIMAL.fullmatch(s)
    if m:
        return _parse_decimal(m, x, where)
    raise NumberTypeError(
        f"{where}: cannot read {shorten(x)} as an exact rational; write an integer, 'p/q', "
        "a decimal like '1.25' or '1.5e-3'"
    )


def to_fraction(x: Any, *, where: str = "value") -> Fraction:
    """Convert an exact number to :class:`~fractions.Fraction` (the package's one exact parser).

    Accepted: ``int``, ``Fraction``, ``flint.fmpq``/``fmpz``, ``sympy.Rational`` and strings
    such as ``"3"``, ``"-2/7"``, ``"1.25"``, ``".5"`` or ``"1.5e-3"`` (decimal strings are read
    exactly; ASCII digits only, surrounding whitespace ignored).  Strings and integers are
    bounded by ``MAX_DIGITS`` and ``MAX_EXPONENT`` (module docstring); the check happens before
    any big number is built.  A ``float`` is rejected with :class:`NumberTypeError`: use
    :func:`float_to_fraction` if you really mean to turn a float into a rational.

    Parameters
    ----------
    x : number or str
    where : str
        Where the number came from, used in error messages (e.g. ``"layers[0].bias[2]"``).

    Raises
    ------
    NumberTypeError
        ``x`` is a float, a bool, not a number, or a string that is not an exact number.
    NumberTooLargeError
        ``x`` is longer than the documented limits (``"1e999999999"``, a 10 000-digit integer).

    Examples
    --------
    >>> to_fraction("3/4")
    Fraction(3, 4)
    >>> to_fraction("0.1")
    Fraction(1, 10)
    >>> to_fraction("-1.5e-3")
    Fraction(-3, 2000)
    >>> to_fraction("1e999999999")
    Traceback (most recent call last):
    ...
    expressivity.exceptions.NumberTooLargeError: value: '1e999999999' has an exponent beyond MAX_EXPONENT = 4000 in absolute value (expressivity.numbers.MAX_EXPONENT)
    """
    if isinstance(x, Fraction):
        return x
    if _is_int(x):
        return Fraction(_check_int_size(int(x), where))
    if isinstance(x, str):
        return _parse_exact_string(x, where)
    if _fmpq is not None and isinstance(x, (_fmpq, _fmpz)):
        if isinstance(x, _fmpz):
            return Fraction(_check_int_size(int(x), where))
        return Fraction(int(x.p), int(x.q))
    if _is_float(x):
        raise NumberTypeError(
            f"{where}: got the float {shorten(x)} where an exact number is required; "
            "pass a Fraction/int/'p/q' string, or convert deliberately with float_to_fraction()"
        )
    if isinstance(x, (bool, np.bool_)):
        raise NumberTypeError(f"{where}: got a bool, expected a number")
    # sympy.Rational and other numbers.Rational implementations
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if getattr(x, "is_Rational", False) is True:
        return Fraction(int(x.p), int(x.q))
    raise NumberTypeError(f"{where}: {type(x).__name__} {shorten(x)} is not an exact rational number")


def float_to_fraction(x: float, *, max_denominator: int | None = None, where: str = "value") -> Fraction:
    """Deliberately convert a float to a rational.

    With ``max_denominator=None`` the exact binary value is returned (``0.1`` becomes
    ``3602879701896397/36028797018963968``); otherwise the closest fraction with bounded
    denominator (``Fraction.limit_denominator``).

    Raises
    ------
    NonFiniteError
        If ``x`` is NaN or infinite (or an integer too large for float64).

    Examples
    --------
    >>> float_to_fraction(0.5)
    Fraction(1, 2)
    >>> float_to_fraction(0.1, max_denominator=100)
    Fraction(1, 10)
    """
    try:
        xf = float(x)
    except OverflowError:
        raise NonFiniteError(f"{where}: {shorten(x)} is outside the float64 range") from None
    if not math.isfinite(xf):
        raise NonFiniteError(f"{where}: {shorten(x)} is not finite")
    f = Fraction(xf)
    return f if max_denominator is None else f.limit_denominator(max_denominator)


def fraction_to_float(x: Any, *, where: str = "value") -> float:
    """The float64 nearest to an exact number, refusing values beyond the float64 range.

    Tiny values round to ``0.0`` (ordinary rounding); values with ``|x| > 1.8e308`` raise
    :class:`NonFiniteError` naming ``where`` instead of Python's ``OverflowError``.

    Examples
    --------
    >>> fraction_to_float(Fraction(1, 3))
    0.3333333333333333
    >>> fraction_to_float(Fraction(10) ** 400, where="w[0]")
    Traceback (most recent call last):
    ...
    expressivity.exceptions.NonFiniteError: w[0]: a number of 401 digits is outside the float64 range (|x| < 1.8e308)
    """
    try:
        f = float(x)
    except OverflowError:
        try:
            digits = len(str(abs(int(x)))) if abs(x) < 10 ** MAX_DIGITS else f"more than {MAX_DIGITS}"
        except (TypeError, ValueError):  # pragma: no cover - exotic number types
            digits = "too many"
        raise NonFiniteError(f"{where}: a number of {digits} digits is outside the float64 range (|x| < 1.8e308)") from None
    if not math.isfinite(f):
        raise NonFiniteError(f"{where}: {shorten(x)} is not finite")
    return f


def number_kind(values: Iterable[Any], *, where: str = "values") -> NumberKind:
    """Return ``"exact"`` or ``"float"`` for a collection of scalars, refusing mixtures.

    Integers are compatible with both kinds; a collection of only integers is ``"exact"``.
    """
    has_float = has_exact_nonint = False
    for v in values:
        if _is_float(v):
            has_float = True
        elif _is_int(v):
            continue
        else:
            has_exact_nonint = True
    if has_float and has_exact_nonint:
        raise NumberTypeError(
            f"{where}: exact rationals and floats are mixed; convert all entries to one kind explicitly"
        )
    return "float" if has_float else "exact"


def exact_array(data: Any, *, where: str = "array") -> np.ndarray:
    """An object array of :class:`Fraction` from nested sequences of exact numbers."""
    arr = np.asarray(data, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = to_fraction(v, where=where + "".join(f"[{i}]" for i in idx))
    return out


def float_array(data: Any, *, where: str = "array") -> np.ndarray:
    """A float64 array from nested sequences of real numbers, refusing NaN/inf and exact rationals."""
    try:
        arr = np.asarray(data)
    except ValueError as exc:  # ragged nesting
        raise NumberTypeError(f"{where}: not a rectangular array of numbers ({str(exc).split('.')[0]})") from None
    if arr.dtype == object:
        flat = arr.ravel()
        for i, v in enumerate(flat):
            at = where + "".join(f"[{int(j)}]" for j in np.unravel_index(i, arr.shape))
            if not (_is_float(v) or _is_int(v)):
                raise NumberTypeError(f"{at}: {type(v).__name__} is not a float; convert exact inputs explicitly")
            if _is_int(v):
                fraction_to_float(int(v), where=at)
    try:
        out = np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise NumberTypeError(f"{where}: cannot read as float64 ({str(exc).splitlines()[0][:200]})") from None
    if not np.all(np.isfinite(out)):
        bad = np.argwhere(~np.isfinite(out))[0]
        at = where + "".join(f"[{int(i)}]" for i in bad)
        raise NonFiniteError(f"{at}: {out[tuple(bad)]} is not finite; weights and inputs must be finite")
    return out


def format_fraction(x: Fraction) -> str:
    """``Fraction`` as the file-format string: ``"3"`` or ``"-2/7"``."""
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
