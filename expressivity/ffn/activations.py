"""The activation dictionary D of the MoA/LA paper, with numpy and sympy forms and metadata.

Each :class:`Activation` carries what the separation proofs use: its smoothness class, its
breakpoints, the one-sided jumps of its first and second derivatives there, and the polynomial
degree of each piece (``None`` for non-piecewise-polynomial functions).  The metadata is checked
against sympy one-sided limits in the test-suite and in the claim
``ffn.activations.metadata_matches_sympy``.

Assumptions the paper leaves open are parameters: the LeakyReLU slope ``eta`` (default 1/100,
the value in the only third-party code found) and the GELU variant (``gelu`` exact
``z Φ(z)``, ``gelu_tanh`` the tanh approximation).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Mapping

import numpy as np
import sympy as sp
from scipy import special

from ..exceptions import InvalidInputError, UnknownNameError
from ..numbers import to_fraction

__all__ = [
    "Activation",
    "get_activation",
    "activation_names",
    "leaky_relu",
    "resolve_dictionary",
    "PAPER_DICTIONARY",
    "PL_DICTIONARY",
    "POLY_DICTIONARY",
    "SMOOTHNESS_CLASSES",
]

SMOOTHNESS_CLASSES = ("polynomial", "analytic", "C1", "C0")
DEFAULT_ETA = Fraction(1, 100)


@dataclass(frozen=True)
class Activation:
    """A scalar activation with the metadata the separation certificates need.

    Attributes
    ----------
    name : str
        Canonical name (``"relu"``, ``"leaky_relu(1/100)"``, ...).
    fn : callable
        float64 numpy form, elementwise.
    d1 : callable
        numpy derivative (the right derivative at breakpoints).
    sym : callable
        sympy form: ``sym(z)`` returns an expression in the sympy expression ``z``.
    smoothness : {"polynomial", "analytic", "C1", "C0"}
        ``analytic`` means real-analytic on R; ``C1``/``C0`` mean piecewise analytic with finitely
        many breakpoints and that global regularity (piecewise polynomial when ``piece_degrees``
        is given; every built-in one is).
    breakpoints : tuple of Fraction
        Where the pieces meet (empty for analytic and polynomial activations).
    d1_jumps, d2_jumps : tuple of Fraction
        ``σ'(z0+) - σ'(z0-)`` and ``σ''(z0+) - σ''(z0-)`` at each breakpoint.
    piece_degrees : tuple of int or None
        Polynomial degree of each of the ``len(breakpoints) + 1`` pieces, ``None`` when the
        activation is not piecewise polynomial.  The zero polynomial has degree 0 here.
    params : mapping
        Parameters such as ``{"eta": Fraction(1, 100)}``.
    expression : str or None
        The formula text of a user activation built by
        :func:`~expressivity.ffn.custom.activation_from_expression` (what a layer file stores).
    origin : {"builtin", "expression", "callable"}
        Where the metadata comes from: the built-in table, derived from the sympy formula
        (``symbolic``), or declared with a numpy callable (checked numerically only).

    Examples
    --------
    >>> a = get_activation("relu")
    >>> a.breakpoints, a.d1_jumps, a.piece_degrees
    ((Fraction(0, 1),), (Fraction(1, 1),), (0, 1))
    >>> get_activation("leaky_relu(1/10)").d1_jumps
    (Fraction(9, 10),)
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    d1: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    sym: Callable[[sp.Expr], sp.Expr] = field(repr=False, compare=False)
    smoothness: str
    breakpoints: tuple[Fraction, ...] = ()
    d1_jumps: tuple[Fraction, ...] = ()
    d2_jumps: tuple[Fraction, ...] = ()
    piece_degrees: tuple[int, ...] | None = None
    params: Mapping[str, Fraction] = field(default_factory=dict, compare=False)
    description: str = ""
    exact_fn: Callable[[Fraction], Fraction] | None = field(default=None, repr=False, compare=False)
    expression: str | None = field(default=None, compare=False)
    origin: str = field(default="builtin", compare=False)

    def exact(self, z: Fraction) -> Fraction:
        """Exact value at a rational point (piecewise-polynomial activations only)."""
        if self.exact_fn is None:
            raise InvalidInputError(f"activation {self.name} has no exact rational evaluation (it is not piecewise polynomial)")
        return self.exact_fn(Fraction(z))

    def __post_init__(self) -> None:
        if self.smoothness not in SMOOTHNESS_CLASSES:
            raise InvalidInputError(f"activation {self.name}: smoothness must be one of {SMOOTHNESS_CLASSES}")
        nb = len(self.breakpoints)
        if len(self.d1_jumps) != nb or len(self.d2_jumps) != nb:
            raise InvalidInputError(f"activation {self.name}: one d1/d2 jump per breakpoint is required")
        if self.piece_degrees is not None and len(self.piece_degrees) != nb + 1:
            raise InvalidInputError(f"activation {self.name}: need {nb + 1} piece degrees")

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.fn(np.asarray(z, dtype=np.float64))

    @property
    def is_piecewise_polynomial(self) -> bool:
        return self.piece_degrees is not None

    @property
    def is_piecewise_linear(self) -> bool:
        return self.piece_degrees is not None and max(self.piece_degrees) <= 1

    @property
    def max_degree(self) -> int | None:
        """Largest piece degree (``None`` if not piecewise polynomial)."""
        return None if self.piece_degrees is None else max(self.piece_degrees)

    @property
    def is_c1(self) -> bool:
        """Continuously differentiable on R (all first-derivative jumps vanish)."""
        return all(j == 0 for j in self.d1_jumps)

    def d1_jump_at(self, z0: Fraction) -> Fraction:
        """``σ'(z0+) - σ'(z0-)`` (zero away from the breakpoints)."""
        for b, j in zip(self.breakpoints, self.d1_jumps):
            if b == z0:
                return j
        return Fraction(0)


def _relu(z):
    return np.maximum(z, 0.0)


def _heaviside_right(z):
    return (z >= 0).astype(np.float64)


def _sigmoid_np(z):
    return special.expit(z)


_SQRT2 = math.sqrt(2.0)
_C_GELU = math.sqrt(2.0 / math.pi)


def _gelu_np(z):
    return 0.5 * z * (1.0 + special.erf(z / _SQRT2))


def _gelu_d1(z):
    return 0.5 * (1.0 + special.erf(z / _SQRT2)) + z * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _gelu_tanh_np(z):
    return 0.5 * z * (1.0 + np.tanh(_C_GELU * (z + 0.044715 * z ** 3)))


def _gelu_tanh_d1(z):
    u = _C_GELU * (z + 0.044715 * z ** 3)
    t = np.tanh(u)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _C_GELU * (1.0 + 3 * 0.044715 * z * z)


def _silu_np(z):
    return z * special.expit(z)


def _silu_d1(z):
    s = special.expit(z)
    return s + z * s * (1.0 - s)


def leaky_relu(eta: Fraction | int | str = DEFAULT_ETA) -> Activation:
    """LeakyReLU ``max(z, η z)`` for an exact slope ``0 <= η < 1``.

    Examples
    --------
    >>> leaky_relu("1/10").name
    'leaky_relu(1/10)'
    """
    e = to_fraction(eta, where="leaky_relu eta")
    if not (0 <= e < 1):
        raise InvalidInputError(f"leaky_relu: eta must satisfy 0 <= eta < 1, got {e}")
    ef = float(e)
    es = sp.Rational(e.numerator, e.denominator)
    return Activation(
        name=f"leaky_relu({e})" if e != DEFAULT_ETA else "leaky_relu",
        fn=lambda z: np.where(z >= 0, z, ef * z),
        d1=lambda z: np.where(z >= 0, 1.0, ef),
        sym=lambda z: sp.Piecewise((z, z >= 0), (es * z, True)),
        smoothness="C0",
        breakpoints=(Fraction(0),),
        d1_jumps=(1 - e,),
        d2_jumps=(Fraction(0),),
        piece_degrees=(1, 1),
        params={"eta": e},
        description=f"max(z, {e} z)",
        exact_fn=lambda z: z if z >= 0 else e * z,
    )


def _base() -> dict[str, Activation]:
    F0 = Fraction(0)
    acts = [
        Activation("id", lambda z: np.array(z, dtype=np.float64), lambda z: np.ones_like(z), lambda z: z,
                   "polynomial", piece_degrees=(1,), description="z",
                   exact_fn=lambda z: z),
        Activation("square", lambda z: z * z, lambda z: 2 * z, lambda z: z ** 2, "polynomial",
                   piece_degrees=(2,), description="z^2 (polynomial dictionary {Id, x^2})", exact_fn=lambda z: z * z),
        Activation("relu", _relu, _heaviside_right, lambda z: sp.Max(z, 0), "C0", (F0,), (Fraction(1),), (F0,),
                   (0, 1), description="max(0, z)", exact_fn=lambda z: max(z, Fraction(0))),
        Activation("relu2", lambda z: _relu(z) ** 2, lambda z: 2 * _relu(z), lambda z: sp.Max(z, 0) ** 2, "C1",
                   (F0,), (F0,), (Fraction(2),), (0, 2), description="max(0, z)^2",
                   exact_fn=lambda z: max(z, Fraction(0)) ** 2),
        Activation("gelu", _gelu_np, _gelu_d1, lambda z: z * (1 + sp.erf(z / sp.sqrt(2))) / 2, "analytic",
                   description="z Φ(z) (exact)"),
        Activation("gelu_tanh", _gelu_tanh_np, _gelu_tanh_d1,
                   lambda z: z * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (z + sp.Rational(44715, 10 ** 6) * z ** 3))) / 2,
                   "analytic", description="tanh approximation of GELU"),
        Activation("silu", _silu_np, _silu_d1, lambda z: z / (1 + sp.exp(-z)), "analytic", description="z sigmoid(z)"),
        Activation("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, sp.tanh, "analytic", description="tanh(z)"),
        Activation("sigmoid", _sigmoid_np, lambda z: _sigmoid_np(z) * (1 - _sigmoid_np(z)),
                   lambda z: 1 / (1 + sp.exp(-z)), "analytic", description="1/(1+exp(-z))"),
        Activation("hardtanh", lambda z: np.clip(z, -1.0, 1.0), lambda z: ((z >= -1) & (z < 1)).astype(np.float64),
                   lambda z: sp.Min(1, sp.Max(-1, z)), "C0", (Fraction(-1), Fraction(1)), (Fraction(1), Fraction(-1)),
                   (F0, F0), (0, 1, 0), description="clip(z, -1, 1)",
                   exact_fn=lambda z: min(Fraction(1), max(Fraction(-1), z))),
    ]
    out = {a.name: a for a in acts}
    out["leaky_relu"] = leaky_relu()
    return out


_ACTIVATIONS = _base()
_PARAM_RE = re.compile(r"^leaky_relu\((?P<eta>[^()]+)\)$")

#: The 7-entry dictionary of WWXSZ26, as reported by the most detailed secondary account.
PAPER_DICTIONARY: tuple[str, ...] = ("id", "relu", "relu2", "leaky_relu", "gelu", "silu", "tanh")
#: A piecewise-linear dictionary (every LA built from it is piecewise linear).
PL_DICTIONARY: tuple[str, ...] = ("id", "relu", "leaky_relu", "hardtanh")
#: The polynomial dictionary {Id, x^2}.
POLY_DICTIONARY: tuple[str, ...] = ("id", "square")


def activation_names() -> list[str]:
    """Known activation names (``leaky_relu(p/q)`` also accepted)."""
    return sorted(_ACTIVATIONS)


def get_activation(name: str | Activation) -> Activation:
    """Look an activation up by name.

    Raises
    ------
    UnknownNameError
        For an unknown name; the message lists the known names.

    Examples
    --------
    >>> get_activation("relu2").smoothness
    'C1'
    >>> get_activation("swish")
    Traceback (most recent call last):
    ...
    expressivity.exceptions.UnknownNameError: unknown activation 'swish'; known: gelu, gelu_tanh, hardtanh, id, leaky_relu, relu, relu2, sigmoid, silu, square, tanh (and leaky_relu(p/q))
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise InvalidInputError(f"activation name must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    if key in _ACTIVATIONS:
        return _ACTIVATIONS[key]
    m = _PARAM_RE.match(key)
    if m:
        return leaky_relu(m.group("eta"))
    raise UnknownNameError(f"unknown activation {name!r}; known: {', '.join(activation_names())} (and leaky_relu(p/q))")


def resolve_dictionary(names) -> tuple[Activation, ...]:
    """Activations for a sequence of names, refusing empty dictionaries and duplicates."""
    if isinstance(names, str):
        names = (names,)
    acts = tuple(get_activation(n) for n in names)
    if not acts:
        raise InvalidInputError("an activation dictionary needs at least one entry")
    seen = [a.name for a in acts]
    dup = {n for n in seen if seen.count(n) > 1}
    if dup:
        raise InvalidInputError(f"activation dictionary lists {sorted(dup)} twice; each entry must be distinct")
    return acts
