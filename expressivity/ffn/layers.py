"""Feed-forward layers: fixed activation, Learnable Activations (LA) and Mixture of Activations (MoA).

All classes of WWXSZ26 (as reconstructed) are one frozen value type, :class:`FFNLayer`, built by the
constructors below.  Notation (shapes ``[tokens, features]``; ``Z1 = X W1ᵀ + b1``,
``Z2 = X W2ᵀ + b2``, ``σ_k`` the dictionary, ``π = s(X Uᵀ + c)`` the gates)::

    fixed   Type-I   y = W2 σ(Z1)                      Type-II  y = W3 (σ(Z1) ⊙ Z2)
    LA      Type-I   y = W2 Σ_k α_k σ_k(Z1)
            Type-II  one : W3 (φ_α(Z1) ⊙ Z2)     bi : W3 (φ_α(Z1) ⊙ φ_β(Z2))
                     quad: W3 Σ_kl Γ_kl σ_k(Z1) ⊙ σ_l(Z2)
    MoA     Type-I   y = W2 Σ_k π_k(x) σ_k(Z1)
            Type-II  one : W3 ([Σ_k ρ_k(x) σ_k(Z1)] ⊙ Z2)
                     bi  : W3 ([Σ_k ρ_k(x) σ_k(Z1)] ⊙ [Σ_l π_l(x) σ_l(Z2)])

Type-I uses ``W2`` as the output matrix (``d_out × m``), Type-II uses ``W3``.  LA coefficients may
be one vector per layer (``α ∈ R^K``, the paper's reading) or one per neuron (``α ∈ R^{m×K}``,
the superset on which the lower bounds are proved).  Gate biases ``c`` are optional; exact
containment LA ⊆ MoA needs them.

Parameters are either all float64 or all exact (ints, Fractions, ``"p/q"`` strings or
constant sympy expressions such as ``atanh(1/2)``); mixing the kinds raises
:class:`~expressivity.exceptions.NumberTypeError`.  The numpy forward always runs in float64
(exact parameters are evaluated deliberately); :meth:`FFNLayer.sympy_outputs` gives the exact
function for small widths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Sequence

import numpy as np
import sympy as sp

from ..exceptions import ComputationTooLargeError, InvalidInputError, NonFiniteError, NumberTypeError, ShapeError
from .activations import Activation, resolve_dictionary
from .gates import Gate, get_gate

__all__ = [
    "FFNLayer",
    "fixed_type1",
    "fixed_type2",
    "la_type1",
    "la_type2",
    "moa_type1",
    "moa_type2",
    "overhead",
    "DESIGNS",
    "input_symbols",
]

_ARRAYS = ("W1", "b1", "W2", "b2", "W3", "alpha", "beta", "gamma", "U1", "c1", "U2", "c2")
DESIGNS = ("fixed1", "fixed2", "la1", "la2_one", "la2_bi", "la2_quad", "moa1", "moa2_one", "moa2_bi")
_SYMPY_LIMIT = 400  # m * K terms; beyond this a sympy form is not useful


def input_symbols(d: int) -> list[sp.Symbol]:
    """Real sympy symbols ``x1..xd``."""
    return list(sp.symbols(f"x1:{d + 1}", real=True))


def _classify(v: Any, where: str) -> str:
    if isinstance(v, (bool, np.bool_)):
        raise NumberTypeError(f"{where}: got a bool, expected a number")
    if isinstance(v, (int, np.integer)):
        return "int"
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            raise NonFiniteError(f"{where}: {v} is not finite; parameters must be finite")
        return "float"
    if isinstance(v, (Fraction, str)):
        return "exact"
    if isinstance(v, sp.Basic):
        if v.free_symbols:
            raise NumberTypeError(f"{where}: sympy parameter {v} has free symbols; parameters must be constants")
        if not v.is_real:
            raise NumberTypeError(f"{where}: sympy parameter {v} is not known to be real")
        return "exact"
    raise NumberTypeError(f"{where}: {type(v).__name__} {v!r} is not a number")


def _to_sym(v: Any, where: str) -> sp.Expr:
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, (int, np.integer)):
        return sp.Integer(int(v))
    if isinstance(v, Fraction):
        return sp.Rational(v.numerator, v.denominator)
    if isinstance(v, str):
        try:
            f = Fraction(v.strip())
        except (ValueError, ZeroDivisionError):
            raise NumberTypeError(f"{where}: cannot read {v!r} as an exact rational") from None
        return sp.Rational(f.numerator, f.denominator)
    raise NumberTypeError(f"{where}: cannot use {v!r} as an exact parameter")


def _raw(value: Any, where: str) -> tuple[np.ndarray, set[str]]:
    arr = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) or value.dtype == object else value
    if isinstance(arr, np.ndarray) and arr.dtype != object:
        if arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)):
                bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
                raise NonFiniteError(f"{where}: entry {bad} is {arr[bad]}; parameters must be finite")
            return arr.astype(np.float64), {"float"}
        if arr.dtype.kind in "iu":
            return arr.astype(object), {"int"}
        if arr.dtype.kind == "b":
            raise NumberTypeError(f"{where}: boolean array, expected numbers")
        arr = arr.astype(object)
    kinds = set()
    for idx, v in np.ndenumerate(arr):
        kinds.add(_classify(v, f"{where}{list(idx)}"))
    return arr, kinds


@dataclass(frozen=True, eq=False)
class FFNLayer:
    """One feed-forward layer of a fixed, LA or MoA class (build it with the constructors).

    Examples
    --------
    >>> f = la_type1(["relu", "relu2"], alpha=[1, 1], W1=[[1]], W2=[[1]])
    >>> f.class_name, f.width, f.kind
    ('LA-I', 1, 'exact')
    >>> f.sympy_outputs()[0]
    Max(0, x1)**2 + Max(0, x1)
    >>> float(f([[0.5]])[0, 0])
    0.75
    """

    ffn_type: str
    mixing: str
    variant: str | None
    dictionary: tuple[str, ...]
    W1: Any
    W2: Any
    W3: Any = None
    b1: Any = None
    b2: Any = None
    alpha: Any = None
    beta: Any = None
    gamma: Any = None
    gate: str | Gate | None = None
    U1: Any = None
    c1: Any = None
    U2: Any = None
    c2: Any = None
    kind: str = field(default="", compare=False)
    _activations: tuple = field(default=(), init=False, repr=False, compare=False)
    _gate: Any = field(default=None, init=False, repr=False, compare=False)

    # ------------------------------------------------------------------ validation
    def __post_init__(self) -> None:
        if self.ffn_type not in ("I", "II"):
            raise InvalidInputError(f"ffn_type must be 'I' or 'II', got {self.ffn_type!r}")
        if self.mixing not in ("fixed", "la", "moa"):
            raise InvalidInputError(f"mixing must be 'fixed', 'la' or 'moa', got {self.mixing!r}")
        allowed = {("I", "fixed"): {None}, ("I", "la"): {None}, ("I", "moa"): {None},
                   ("II", "fixed"): {"one"}, ("II", "la"): {"one", "bi", "quad"}, ("II", "moa"): {"one", "bi"}}
        if self.variant not in allowed[(self.ffn_type, self.mixing)]:
            raise InvalidInputError(
                f"{self.mixing} Type-{self.ffn_type} has variants {sorted(v for v in allowed[(self.ffn_type, self.mixing)] if v)}"
                f" (None for Type-I); got {self.variant!r}")
        acts = resolve_dictionary(self.dictionary)  # the objects are kept: user activations need no registry
        object.__setattr__(self, "_activations", acts)
        object.__setattr__(self, "dictionary", tuple(a.name for a in acts))
        if self.mixing == "fixed" and len(acts) != 1:
            raise InvalidInputError("a fixed-activation FFN takes exactly one activation")
        if self.mixing == "moa":
            g = get_gate(self.gate or "tanh")
            object.__setattr__(self, "_gate", g)
            object.__setattr__(self, "gate", g.name)
        elif self.gate is not None:
            raise InvalidInputError(f"{self.mixing} layers have no gate (got gate={self.gate!r})")
        raws: dict[str, tuple[np.ndarray, set[str]]] = {}
        for name in _ARRAYS:
            v = getattr(self, name)
            if v is not None:
                raws[name] = _raw(v, name)
        kinds = set().union(*(k for _, k in raws.values())) if raws else set()
        if "float" in kinds and "exact" in kinds:
            raise NumberTypeError("parameters mix floats and exact numbers; make all of them float or all exact "
                                  "(Fraction/int/'p/q'/sympy constants) explicitly")
        kind = "float" if "float" in kinds else "exact"
        object.__setattr__(self, "kind", kind)
        for name, (arr, _) in raws.items():
            if kind == "float":
                conv = np.asarray(arr, dtype=np.float64)
            else:
                conv = np.empty(arr.shape, dtype=object)
                for idx, v in np.ndenumerate(arr):
                    conv[idx] = _to_sym(v, f"{name}{list(idx)}")
            conv.setflags(write=False)
            object.__setattr__(self, name, conv)
        self._check_shapes()

    def _need(self, name: str, shape: tuple[int, ...]) -> None:
        arr = getattr(self, name)
        if arr is None:
            raise InvalidInputError(f"{self.class_name}: parameter {name} is required (shape {shape})")
        if arr.shape != shape:
            raise ShapeError(f"{self.class_name}: {name} has shape {arr.shape}, expected {shape}")

    def _forbid(self, *names: str) -> None:
        for n in names:
            if getattr(self, n) is not None:
                raise InvalidInputError(f"{self.class_name}: parameter {n} does not belong to this class")

    def _check_shapes(self) -> None:
        if self.W1 is None or self.W1.ndim != 2 or 0 in self.W1.shape:
            raise ShapeError(f"W1 must be a non-empty m×d matrix, got {None if self.W1 is None else self.W1.shape}")
        m, d = self.W1.shape
        K = len(self.dictionary)
        if self.b1 is not None:
            self._need("b1", (m,))
        if self.ffn_type == "I":
            if self.W2 is None or self.W2.ndim != 2 or self.W2.shape[1] != m:
                raise ShapeError(f"{self.class_name}: W2 must be d_out×{m} (the output map), got "
                                 f"{None if self.W2 is None else self.W2.shape}")
            self._forbid("W3", "b2")
        else:
            self._need("W2", (m, d))
            if self.b2 is not None:
                self._need("b2", (m,))
            if self.W3 is None or self.W3.ndim != 2 or self.W3.shape[1] != m:
                raise ShapeError(f"{self.class_name}: W3 must be d_out×{m}, got {None if self.W3 is None else self.W3.shape}")
        if self.mixing == "fixed":
            self._forbid("alpha", "beta", "gamma", "U1", "c1", "U2", "c2")
        elif self.mixing == "la":
            self._forbid("U1", "c1", "U2", "c2")
            if self.variant == "quad":
                self._forbid("alpha", "beta")
                self._need("gamma", (K, K))
            else:
                for name in ("alpha",) + (("beta",) if self.variant == "bi" else ()):
                    arr = getattr(self, name)
                    if arr is None or arr.shape not in ((K,), (m, K)):
                        raise ShapeError(f"{self.class_name}: {name} must have shape ({K},) (per layer) or ({m}, {K}) "
                                         f"(per neuron) for the dictionary {self.dictionary}; got {None if arr is None else arr.shape}")
                if self.variant != "bi":
                    self._forbid("beta")
                self._forbid("gamma")
        else:
            self._forbid("alpha", "beta", "gamma")
            self._need("U1", (K, d))
            if self.c1 is not None:
                self._need("c1", (K,))
            if self.variant == "bi":
                self._need("U2", (K, d))
                if self.c2 is not None:
                    self._need("c2", (K,))
            else:
                self._forbid("U2", "c2")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FFNLayer):
            return NotImplemented
        head = ("ffn_type", "mixing", "variant", "dictionary", "gate", "kind")
        if any(getattr(self, h) != getattr(other, h) for h in head):
            return False
        if [a.expression for a in self._activations] != [a.expression for a in other._activations] or \
                (self._gate is not None and self._gate.expression != other._gate.expression):
            return False
        for n in _ARRAYS:
            a, b = getattr(self, n), getattr(other, n)
            if (a is None) != (b is None) or (a is not None and (a.shape != b.shape or not bool(np.all(a == b)))):
                return False
        return True

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ description
    @property
    def class_name(self) -> str:
        base = {"fixed": "Fixed", "la": "LA", "moa": "MoA"}[self.mixing] + "-" + self.ffn_type
        if self.ffn_type == "II" and self.mixing != "fixed":
            base += "-" + self.variant
        if self.mixing == "fixed":
            base += f"[{self.dictionary[0]}]"
        if self.mixing == "moa":
            base += f"[{self.gate}]"
        return base

    @property
    def width(self) -> int:
        return int(self.W1.shape[0])

    @property
    def in_dim(self) -> int:
        return int(self.W1.shape[1])

    @property
    def out_dim(self) -> int:
        return int((self.W2 if self.ffn_type == "I" else self.W3).shape[0])

    @property
    def activations(self) -> tuple[Activation, ...]:
        """The dictionary as :class:`~expressivity.ffn.activations.Activation` objects (built-in or user)."""
        return self._activations

    @property
    def gate_object(self):
        """The :class:`~expressivity.ffn.gates.Gate` of an MoA layer (``None`` otherwise)."""
        return self._gate

    @property
    def has_gate_bias(self) -> bool:
        return self.c1 is not None

    @property
    def n_params(self) -> int:
        """Number of scalar parameters stored (biases and gate biases only when present)."""
        return int(sum(getattr(self, n).size for n in _ARRAYS if getattr(self, n) is not None))

    def __repr__(self) -> str:
        return f"FFNLayer({self.class_name}, d={self.in_dim}, m={self.width}, d_out={self.out_dim}, K={len(self.dictionary)}, {self.kind})"

    # ------------------------------------------------------------------ float forward
    @cached_property
    def _f(self) -> dict[str, np.ndarray]:
        out = {}
        for n in _ARRAYS:
            a = getattr(self, n)
            if a is None:
                continue
            if self.kind == "float":
                out[n] = a
            else:  # deliberate evaluation of exact parameters
                out[n] = np.array([float(sp.N(v, 30)) for v in a.ravel()], dtype=np.float64).reshape(a.shape)
        return out

    def _check_input(self, X: Any) -> tuple[np.ndarray, bool]:
        arr = np.asarray(X)
        if arr.dtype == object:
            raise NumberTypeError("the numpy forward takes float inputs; use sympy_outputs() for exact evaluation")
        arr = np.asarray(arr, dtype=np.float64)
        single = arr.ndim == 1
        if single:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != self.in_dim:
            raise ShapeError(f"{self.class_name}: input must have shape [tokens, {self.in_dim}] or [{self.in_dim}], got {np.shape(X)}")
        if not np.all(np.isfinite(arr)):
            raise NonFiniteError("input contains NaN or infinity")
        return arr, single

    def _coeff(self, name: str, T: int) -> np.ndarray:
        """Mixing coefficients as [T or 1, m or 1, K]."""
        a = self._f[name]
        return a[None, None, :] if a.ndim == 1 else a[None, :, :]

    def gate_values(self, X: Any, which: int = 1) -> np.ndarray:
        """Gate values π(x) (``which=1``: gate of the first branch, ``2``: second branch), shape [T, K]."""
        if self.mixing != "moa":
            raise InvalidInputError(f"{self.class_name} has no gates")
        Xf, _ = self._check_input(X)
        U = self._f["U1" if which == 1 else "U2"]
        c = self._f.get("c1" if which == 1 else "c2")
        pre = Xf @ U.T + (0.0 if c is None else c)
        return self._gate.fn(pre)

    def _mix(self, Z: np.ndarray, X: np.ndarray, branch: int) -> np.ndarray:
        acts = self.activations
        if self.mixing == "fixed":
            return acts[0].fn(Z)
        if self.mixing == "la":
            coef = self._coeff("alpha" if branch == 1 else "beta", Z.shape[0])[0]  # [1 or m, K]
            return sum(coef[:, k][None, :] * acts[k].fn(Z) for k in range(len(acts)))
        pi = self.gate_values(X, branch)  # [T, K]
        return sum(pi[:, k:k + 1] * acts[k].fn(Z) for k in range(len(acts)))

    def __call__(self, X: Any) -> np.ndarray:
        """float64 forward pass; ``X`` has shape ``[T, d]`` (or ``[d]``)."""
        Xf, single = self._check_input(X)
        f = self._f
        Z1 = Xf @ f["W1"].T + f.get("b1", 0.0)
        if self.ffn_type == "I":
            H = self._mix(Z1, Xf, 1)
            Y = H @ f["W2"].T
        else:
            Z2 = Xf @ f["W2"].T + f.get("b2", 0.0)
            if self.variant == "quad":
                acts = self.activations
                S1 = [a.fn(Z1) for a in acts]
                S2 = [a.fn(Z2) for a in acts]
                G = f["gamma"]
                H = sum(G[k, l] * S1[k] * S2[l] for k in range(len(acts)) for l in range(len(acts)) if G[k, l] != 0)
                H = H if isinstance(H, np.ndarray) else np.zeros_like(Z1)
            else:
                right = self._mix(Z2, Xf, 2) if self.variant == "bi" else Z2
                H = self._mix(Z1, Xf, 1) * right
            Y = H @ f["W3"].T
        return Y[0] if single else Y

    # ------------------------------------------------------------------ exact sympy form
    def sympy_outputs(self, xs: Sequence[sp.Symbol] | None = None) -> list[sp.Expr]:
        """The exact function as sympy expressions (one per output).

        Raises
        ------
        ComputationTooLargeError
            If ``m * K`` exceeds 400 (the expression would be useless).
        """
        m, d = self.W1.shape
        K = len(self.dictionary)
        if m * K * (K if self.variant == "quad" else 1) > _SYMPY_LIMIT:
            raise ComputationTooLargeError(f"{self.class_name}: m*K = {m * K} is too large for a sympy form (limit {_SYMPY_LIMIT})")
        xs = input_symbols(d) if xs is None else list(xs)
        if len(xs) != d:
            raise ShapeError(f"need {d} input symbols, got {len(xs)}")
        P = {n: (getattr(self, n) if self.kind == "exact" else np.vectorize(sp.Float, otypes=[object])(getattr(self, n)))
             for n in _ARRAYS if getattr(self, n) is not None}
        acts = self.activations

        def affine(W, b, j):
            e = sp.Add(*[W[j, i] * xs[i] for i in range(d)])
            return e + (b[j] if b is not None else 0)

        def gates(U, c):
            pre = [sp.Add(*[U[k, i] * xs[i] for i in range(d)]) + (c[k] if c is not None else 0) for k in range(K)]
            return self._gate.sym(pre)

        def coef(name, j, k):
            a = P[name]
            return a[k] if a.ndim == 1 else a[j, k]

        g1 = gates(P["U1"], P.get("c1")) if self.mixing == "moa" else None
        g2 = gates(P["U2"], P.get("c2")) if self.mixing == "moa" and self.variant == "bi" else None

        def mix(z, j, branch):
            if self.mixing == "fixed":
                return acts[0].sym(z)
            if self.mixing == "la":
                nm = "alpha" if branch == 1 else "beta"
                return sp.Add(*[coef(nm, j, k) * acts[k].sym(z) for k in range(K) if coef(nm, j, k) != 0])
            g = g1 if branch == 1 else g2
            return sp.Add(*[g[k] * acts[k].sym(z) for k in range(K)])

        hidden = []
        for j in range(m):
            z1 = affine(P["W1"], P.get("b1"), j)
            if self.ffn_type == "I":
                hidden.append(mix(z1, j, 1))
            else:
                z2 = affine(P["W2"], P.get("b2"), j)
                if self.variant == "quad":
                    G = P["gamma"]
                    hidden.append(sp.Add(*[G[k, l] * acts[k].sym(z1) * acts[l].sym(z2)
                                           for k in range(K) for l in range(K) if G[k, l] != 0]))
                else:
                    right = mix(z2, j, 2) if self.variant == "bi" else z2
                    hidden.append(mix(z1, j, 1) * right)
        Wout = P["W2"] if self.ffn_type == "I" else P["W3"]
        return [sp.Add(*[Wout[o, j] * hidden[j] for j in range(m) if Wout[o, j] != 0]) for o in range(Wout.shape[0])]


# ---------------------------------------------------------------------- constructors
def fixed_type1(activation: str | Activation, W1, W2, b1=None) -> FFNLayer:
    """Fixed-activation Type-I FFN ``W2 σ(W1 x + b1)``.

    Examples
    --------
    >>> fixed_type1("relu", [[1], [-1]], [[1, 1]])([[-2.0]]).tolist()
    [[2.0]]
    """
    return FFNLayer("I", "fixed", None, (activation,), W1=W1, W2=W2, b1=b1)


def fixed_type2(activation: str | Activation, W1, W2, W3, b1=None, b2=None) -> FFNLayer:
    """Fixed gated Type-II FFN ``W3 (σ(W1 x + b1) ⊙ (W2 x + b2))`` (SwiGLU: ``silu``, ReGLU: ``relu``)."""
    return FFNLayer("II", "fixed", "one", (activation,), W1=W1, W2=W2, W3=W3, b1=b1, b2=b2)


def la_type1(dictionary: Sequence[str | Activation], alpha, W1, W2, b1=None) -> FFNLayer:
    """LA Type-I ``W2 φ_α(W1 x + b1)`` with ``φ_α = Σ_k α_k σ_k``; ``alpha`` of shape (K,) or (m, K)."""
    return FFNLayer("I", "la", None, tuple(dictionary), W1=W1, W2=W2, b1=b1, alpha=alpha)


def la_type2(variant: str, dictionary: Sequence[str | Activation], W1, W2, W3, *, alpha=None, beta=None, gamma=None, b1=None,
             b2=None) -> FFNLayer:
    """LA Type-II, ``variant`` in ``{"one", "bi", "quad"}``."""
    return FFNLayer("II", "la", variant, tuple(dictionary), W1=W1, W2=W2, W3=W3, b1=b1, b2=b2, alpha=alpha, beta=beta,
                    gamma=gamma)


def moa_type1(dictionary: Sequence[str | Activation], W1, W2, U, c=None, *, gate: str | Gate = "tanh", b1=None) -> FFNLayer:
    """MoA Type-I ``W2 Σ_k π_k(x) σ_k(W1 x + b1)``, ``π = s(U x + c)``.

    Examples
    --------
    >>> T = moa_type1(["relu"], W1=[[0, 1]], W2=[[1]], U=[[2, 0]])
    >>> T.sympy_outputs()[0]
    tanh(2*x1)*Max(0, x2)
    """
    return FFNLayer("I", "moa", None, tuple(dictionary), W1=W1, W2=W2, b1=b1, gate=gate, U1=U, c1=c)


def moa_type2(variant: str, dictionary: Sequence[str | Activation], W1, W2, W3, U1, c1=None, U2=None, c2=None, *,
              gate: str | Gate = "tanh", b1=None, b2=None) -> FFNLayer:
    """MoA Type-II, ``variant`` in ``{"one", "bi"}``; bi-MoA has separate gates (U1, c1) and (U2, c2)."""
    return FFNLayer("II", "moa", variant, tuple(dictionary), W1=W1, W2=W2, W3=W3, b1=b1, b2=b2, gate=gate, U1=U1,
                    c1=c1, U2=U2, c2=c2)


# ---------------------------------------------------------------------- overhead formulas
def overhead(design: str, d: int, m: int, K: int = 7) -> dict[str, Any]:
    """Parameter and FLOP overhead of an LA/MoA layer over the fixed FFN of the same type (WWXSZ26 Table 4 discussion).

    Counts are per layer and per token, bias-free projections, ``d_out = d``, gate biases
    included for MoA.  FLOPs count a multiply-add as 2.  Elementwise work: ``activation_evals``
    extra activation evaluations and ``elementwise`` extra multiplies/adds.

    Examples
    --------
    >>> o = overhead("moa2_bi", d=2048, m=5461, K=7)
    >>> o["extra_params"], o["base_params"], round(100 * o["relative_params"], 3)
    (28686, 33552384, 0.085)
    """
    if design not in DESIGNS:
        raise InvalidInputError(f"unknown design {design!r}; one of {DESIGNS}")
    for n, v in (("d", d), ("m", m), ("K", K)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise InvalidInputError(f"{n} must be a positive integer, got {v!r}")
    type2 = design.startswith(("fixed2", "la2", "moa2"))
    base_params = (3 if type2 else 2) * d * m
    base_flops = (6 if type2 else 4) * d * m
    table = {  # (extra params, extra matmul flops, activation evals, elementwise ops, gate nonlinearities)
        "fixed1": (0, 0, 0, 0, 0),
        "fixed2": (0, 0, 0, 0, 0),
        "la1": (K, 0, (K - 1) * m, 2 * K * m, 0),
        "la2_one": (K, 0, (K - 1) * m, 2 * K * m, 0),
        "la2_bi": (2 * K, 0, 2 * (K - 1) * m, 4 * K * m, 0),
        "la2_quad": (K * K, 0, 2 * (K - 1) * m, 2 * K * K * m, 0),
        "moa1": (K * d + K, 2 * K * d, (K - 1) * m, 2 * K * m, K),
        "moa2_one": (K * d + K, 2 * K * d, (K - 1) * m, 2 * K * m, K),
        "moa2_bi": (2 * K * d + 2 * K, 4 * K * d, 2 * (K - 1) * m, 4 * K * m, 2 * K),
    }
    p, fl, ev, ew, gn = table[design]
    return {
        "design": design, "d": d, "m": m, "K": K,
        "base_params": base_params, "extra_params": p, "relative_params": p / base_params,
        "relative_params_exact": Fraction(p, base_params),
        "base_matmul_flops": base_flops, "extra_matmul_flops": fl, "relative_flops": fl / base_flops,
        "activation_evals": ev, "elementwise": ew, "gate_nonlinearities": gn,
    }
