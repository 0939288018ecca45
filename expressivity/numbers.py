"""Exact and floating-point number kinds, and the conversions between them.

The toolkit works with two kinds of numbers and never mixes them silently:

* ``"exact"`` -- :class:`fractions.Fraction` (``int`` and ``flint.fmpq`` are accepted on
  input and converted to ``Fraction``);
* ``"float"`` -- IEEE float64 (``float``, ``numpy.float64``).

Conversions are explicit: :func:`to_fraction` for exact inputs (strings ``"p/q"``,
``"1.25"``, ints, Fractions, fmpq) and :func:`float_to_fraction` for the deliberate
float -> exact step (the exact binary value, or a bounded denominator).
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Iterable, Literal

import numpy as np

from .exceptions import NonFiniteError, NumberTypeError

__all__ = [
    "NumberKind",
    "to_fraction",
    "float_to_fraction",
    "number_kind",
    "exact_array",
    "float_array",
    "format_fraction",
]

NumberKind = Literal["exact", "float"]

try:  # python-flint is a core dependency, but keep the import soft for type checks
    from flint import fmpq as _fmpq
    from flint import fmpz as _fmpz
except ImportError:  # pragma: no cover
    _fmpq = _fmpz = None


def _is_float(x: Any) -> bool:
    return isinstance(x, (float, np.floating))


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def to_fraction(x: Any, *, where: str = "value") -> Fraction:
    """Convert an exact number to :class:`~fractions.Fraction`.

    Accepted: ``int``, ``Fraction``, ``flint.fmpq``/``fmpz``, ``sympy.Rational`` and strings
    such as ``"3"``, ``"-2/7"`` or ``"1.25"`` (decimal strings are read exactly).
    A ``float`` is rejected with :class:`NumberTypeError`: use :func:`float_to_fraction`
    if you really mean to turn a float into a rational.

    Parameters
    ----------
    x : number or str
    where : str
        Where the number came from, used in error messages (e.g. ``"layers[0].bias[2]"``).

    Examples
    --------
    >>> to_fraction("3/4")
    Fraction(3, 4)
    >>> to_fraction("0.1")
    Fraction(1, 10)
    """
    if isinstance(x, Fraction):
        return x
    if _is_int(x):
        return Fraction(int(x))
    if isinstance(x, str):
        s = x.strip()
        try:
            return Fraction(s)
        except (ValueError, ZeroDivisionError):
            raise NumberTypeError(
                f"{where}: cannot read {x!r} as an exact rational; write an integer, 'p/q' or a decimal like '1.25'"
            ) from None
    if _fmpq is not None and isinstance(x, (_fmpq, _fmpz)):
        if isinstance(x, _fmpz):
            return Fraction(int(x))
        return Fraction(int(x.p), int(x.q))
    if _is_float(x):
        raise NumberTypeError(
            f"{where}: got the float {x!r} where an exact number is required; "
            "pass a Fraction/int/'p/q' string, or convert deliberately with float_to_fraction()"
        )
    if isinstance(x, bool):
        raise NumberTypeError(f"{where}: got a bool, expected a number")
    # sympy.Rational and other numbers.Rational implementations
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if hasattr(x, "is_Rational") and getattr(x, "is_Rational", False):
        return Fraction(int(x.p), int(x.q))
    raise NumberTypeError(f"{where}: {type(x).__name__} {x!r} is not an exact rational number")


def float_to_fraction(x: float, *, max_denominator: int | None = None, where: str = "value") -> Fraction:
    """Deliberately convert a float to a rational.

    With ``max_denominator=None`` the exact binary value is returned (``0.1`` becomes
    ``3602879701896397/36028797018963968``); otherwise the closest fraction with bounded
    denominator (``Fraction.limit_denominator``).

    Raises
    ------
    NonFiniteError
        If ``x`` is NaN or infinite.
    """
    xf = float(x)
    if not math.isfinite(xf):
        raise NonFiniteError(f"{where}: {x!r} is not finite")
    f = Fraction(xf)
    return f if max_denominator is None else f.limit_denominator(max_denominator)


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
        out[idx] = to_fraction(v, where=f"{where}{list(idx)}")
    return out


def float_array(data: Any, *, where: str = "array") -> np.ndarray:
    """A float64 array from nested sequences of real numbers, refusing NaN/inf and exact rationals."""
    arr = np.asarray(data)
    if arr.dtype == object:
        flat = arr.ravel()
        for i, v in enumerate(flat):
            if not (_is_float(v) or _is_int(v)):
                raise NumberTypeError(
                    f"{where}: entry {np.unravel_index(i, arr.shape)} is {type(v).__name__}, not a float; "
                    "convert exact inputs explicitly"
                )
    try:
        out = np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise NumberTypeError(f"{where}: cannot read as float64 ({exc})") from None
    if not np.all(np.isfinite(out)):
        bad = np.argwhere(~np.isfinite(out))[0]
        raise NonFiniteError(f"{where}: entry {tuple(int(i) for i in bad)} is {out[tuple(bad)]}; weights and inputs must be finite")
    return out


def format_fraction(x: Fraction) -> str:
    """``Fraction`` as the file-format string: ``"3"`` or ``"-2/7"``."""
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
