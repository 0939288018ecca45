"""Gate squashing functions for MoA: π(x) = s(U x + c) ∈ R^K, one scalar per dictionary entry.

``tanh`` is the gate of the paper's theory (signed, exact zeros), ``sigmoid`` the deployed one
(values in (0, 1)), ``softmax`` normalises across the K entries, and ``hardtanh`` /
``hardsigmoid`` are the piecewise-linear gates; ``linear`` (s = identity) is an analysis gate
that makes MoA over a polynomial dictionary polynomial (an assumption, not from the paper).

:func:`constant_gate_bias` inverts a gate: it returns the bias ``c`` with ``s(c) = p`` exactly,
or raises :class:`GateRepresentationError` saying why no such bias exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np
import sympy as sp
from scipy import special

from ..exceptions import InvalidInputError, UnknownNameError

__all__ = ["Gate", "get_gate", "gate_names", "constant_gate_bias", "GateRepresentationError"]


class GateRepresentationError(InvalidInputError):
    """A gate cannot produce the requested (constant) values, so the LA cannot be embedded."""


@dataclass(frozen=True)
class Gate:
    """A gate squashing function.

    Attributes
    ----------
    name : str
    fn : callable
        numpy map ``[T, K] -> [T, K]`` (softmax acts across the last axis).
    sym : callable
        sympy map from a list of K pre-activations to a list of K gate values.
    value_range : str
        ``"signed"`` ((-1, 1) or [-1, 1]), ``"positive"`` ((0, 1)), ``"nonnegative"``,
        ``"simplex"`` (positive and summing to 1) or ``"real"``.
    piecewise_linear : bool
    kinks : tuple of Fraction
        Breakpoints of an elementwise piecewise-linear gate.
    d1 : callable or None
        Elementwise derivative ``s'`` (right derivative at kinks); softmax uses :meth:`vjp`.
    expression, origin
        Formula text and origin of a user gate (see :mod:`~expressivity.ffn.custom`).
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    sym: Callable[[Sequence[sp.Expr]], list[sp.Expr]] = field(repr=False, compare=False)
    value_range: str
    piecewise_linear: bool = False
    kinks: tuple[Fraction, ...] = ()
    d1: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False, compare=False)
    expression: str | None = field(default=None, compare=False)
    origin: str = field(default="builtin", compare=False)

    def vjp(self, pre: np.ndarray, values: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Pull a gradient ``grad = ∂L/∂π`` ([T, K]) back to the pre-activations ``pre = U x + c``.

        ``values`` are ``π = s(pre)``.  Softmax couples the K entries
        (``π ⊙ (grad − ⟨grad, π⟩)``); every other gate acts elementwise (``grad ⊙ s'(pre)``, the
        right derivative at kinks).

        Examples
        --------
        >>> g = get_gate("tanh")
        >>> z = np.array([[0.0, 1.0]])
        >>> np.round(g.vjp(z, g.fn(z), np.ones((1, 2))), 6).tolist()
        [[1.0, 0.419974]]
        """
        if self.name == "softmax" and self.origin == "builtin":
            return values * (grad - np.sum(grad * values, axis=-1, keepdims=True))
        if self.d1 is None:
            raise InvalidInputError(f"gate {self.name} has no derivative; give d1 to differentiate or train it")
        return grad * self.d1(pre)


def _softmax_np(z: np.ndarray) -> np.ndarray:
    return special.softmax(z, axis=-1)


def _softmax_sym(zs):
    e = [sp.exp(z) for z in zs]
    s = sp.Add(*e)
    return [v / s for v in e]


def _box(z: np.ndarray) -> np.ndarray:
    return ((z >= -1.0) & (z < 1.0)).astype(np.float64)


_GATES = {
    "tanh": Gate("tanh", np.tanh, lambda zs: [sp.tanh(z) for z in zs], "signed", d1=lambda z: 1.0 - np.tanh(z) ** 2),
    "sigmoid": Gate("sigmoid", special.expit, lambda zs: [1 / (1 + sp.exp(-z)) for z in zs], "positive",
                    d1=lambda z: special.expit(z) * (1.0 - special.expit(z))),
    "softmax": Gate("softmax", _softmax_np, _softmax_sym, "simplex"),
    "hardtanh": Gate("hardtanh", lambda z: np.clip(z, -1.0, 1.0), lambda zs: [sp.Min(1, sp.Max(-1, z)) for z in zs],
                     "signed", True, (Fraction(-1), Fraction(1)), d1=_box),
    "hardsigmoid": Gate("hardsigmoid", lambda z: np.clip((z + 1.0) / 2.0, 0.0, 1.0),
                        lambda zs: [sp.Min(1, sp.Max(0, (z + 1) / 2)) for z in zs], "nonnegative", True,
                        (Fraction(-1), Fraction(1)), d1=lambda z: 0.5 * _box(z)),
    "linear": Gate("linear", lambda z: np.array(z, dtype=np.float64), lambda zs: list(zs), "real", True, (),
                   d1=lambda z: np.ones_like(z, dtype=np.float64)),
}


def gate_names() -> list[str]:
    return sorted(_GATES)


def get_gate(name: str | Gate) -> Gate:
    """Look a gate up by name (``tanh``, ``sigmoid``, ``softmax``, ``hardtanh``, ``hardsigmoid``, ``linear``).

    Examples
    --------
    >>> get_gate("sigmoid").value_range
    'positive'
    """
    if isinstance(name, Gate):
        return name
    try:
        return _GATES[str(name).strip().lower()]
    except KeyError:
        raise UnknownNameError(f"unknown gate {name!r}; known: {', '.join(gate_names())}") from None


def _rat(p) -> sp.Expr:
    return sp.nsimplify(p) if not isinstance(p, Fraction) else sp.Rational(p.numerator, p.denominator)


def constant_gate_bias(gate: str | Gate, values: Sequence[Fraction]) -> list[sp.Expr]:
    """Exact biases ``c`` with ``s(c) = values`` (so that ``U = 0`` gives constant gates).

    Parameters
    ----------
    gate : str or Gate
    values : sequence of Fraction
        Target gate values, one per dictionary entry.

    Returns
    -------
    list of sympy expressions (``atanh(p)``, ``log(p/(1-p))``, ``log(p)`` or rationals).

    Raises
    ------
    GateRepresentationError
        When some value is outside the open range of the gate (e.g. a sign-mixed or zero value
        for ``sigmoid``, values not summing to 1 for ``softmax``); the message says which.

    Examples
    --------
    >>> constant_gate_bias("tanh", [Fraction(1, 2), Fraction(0)])
    [atanh(1/2), 0]
    >>> constant_gate_bias("sigmoid", [Fraction(-1, 2)])
    Traceback (most recent call last):
    ...
    expressivity.ffn.gates.GateRepresentationError: sigmoid gates take values in (0, 1) only, but entry 0 needs -1/2: a constant sigmoid gate cannot carry a zero or negative LA coefficient (use a tanh gate, or see nesting.sigmoid_containment_evidence)
    """
    g = get_gate(gate)
    if g.origin != "builtin":
        raise GateRepresentationError(f"user gate {g.name}: no exact inverse is known, so constant gate values cannot be "
                                      "solved for; embed LA with a built-in gate")
    vals = [Fraction(v) for v in values]
    out: list[sp.Expr] = []
    if g.name == "tanh":
        for i, p in enumerate(vals):
            if not (-1 < p < 1):
                raise GateRepresentationError(f"tanh gates take values in (-1, 1), entry {i} needs {p}: rescale the LA coefficients by S > max|α| first")
            out.append(sp.atanh(_rat(p)))
    elif g.name == "sigmoid":
        for i, p in enumerate(vals):
            if not (0 < p < 1):
                raise GateRepresentationError(
                    f"sigmoid gates take values in (0, 1) only, but entry {i} needs {p}: a constant sigmoid gate cannot carry a "
                    "zero or negative LA coefficient (use a tanh gate, or see nesting.sigmoid_containment_evidence)")
            out.append(sp.log(_rat(p) / (1 - _rat(p))))
    elif g.name == "softmax":
        if any(p <= 0 for p in vals) or sum(vals) != 1:
            raise GateRepresentationError(
                f"softmax gates are positive and sum to 1; {[str(v) for v in vals]} is not such a vector: "
                "only LA coefficient vectors with all entries > 0 can be embedded (scale S = sum of α)")
        out = [sp.log(_rat(p)) for p in vals]
    elif g.name == "hardtanh":
        for i, p in enumerate(vals):
            if not (-1 <= p <= 1):
                raise GateRepresentationError(f"hardtanh gates take values in [-1, 1], entry {i} needs {p}")
            out.append(_rat(p))
    elif g.name == "hardsigmoid":
        for i, p in enumerate(vals):
            if not (0 <= p <= 1):
                raise GateRepresentationError(
                    f"hardsigmoid gates take values in [0, 1], entry {i} needs {p}: negative LA coefficients cannot be carried")
            out.append(_rat(2 * p - 1))
    elif g.name == "linear":
        out = [_rat(p) for p in vals]
    else:  # pragma: no cover - registry and branches are kept in sync
        raise UnknownNameError(g.name)
    return out
