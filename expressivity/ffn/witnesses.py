"""Separation witnesses with exact parameters and their certificates (WWXSZ26 Thms 4.1-4.2 and our extensions).

=============  ================================  =================================  ==========================
name           target                            stronger class (exact, width 1)    weaker class
=============  ================================  =================================  ==========================
``f1``         ReLU(x) + ReLU(x)²                LA-I {ReLU, ReLU²}                 fixed Type-I (any σ)
``f2``         ReLU(x) + tanh(x)                 LA-II one-sided                    fixed Type-II (any σ)
``T``          tanh(λx₁)·ReLU(x₂)                MoA-I, tanh gate                   LA-I, any width
``T_sigmoid``  sigmoid-MoA-I output              MoA-I, sigmoid gate                LA-I, any width
``T_one``      tanh(λx₁)·ReLU(x₂)                MoA-II one-sided                   LA-II one-sided, any width
``T3``         tanh(λx₁)·ReLU(x₂)·ReLU(x₃)       bi-MoA                             bi-/quad-LA, any width
``pl``         hardtanh(x₁)·ReLU(x₂)             MoA-I, PL dictionary + PL gate     PL LA-I
``poly_cubic`` x₁·x₂² on [−1,1]²                 MoA-I {Id, x²}, hardtanh gate      LA-I {Id, x²}, any width
``poly_rank``  x₁·x₂ on [−1,1]²                  MoA-I {Id, x²}, hardtanh gate      LA-I {Id, x²}, width 1
=============  ================================  =================================  ==========================

Domains are ``[−1, 1]^d``; ``λ`` is an exact positive rational (default 2).  ``certify`` returns
a :class:`~expressivity.ffn.certificates.Certificate` whose bound is computed from parameters and
checked exactly or with interval arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..exceptions import InvalidInputError, UnknownNameError
from ..numbers import to_fraction
from .activations import PAPER_DICTIONARY, PL_DICTIONARY, POLY_DICTIONARY, get_activation
from .certificates import (Certificate, DifferenceFunctional, counting_floor, quadratic_rank_floor, ridge_jump,
                           same_sign_jumps_per_neuron, sympy_jump)
from .chebyshev import chebyshev_affine_floor
from .intervals import Enclosure, enclose_sympy
from .layers import FFNLayer, input_symbols, la_type1, la_type2, moa_type1, moa_type2

__all__ = ["Witness", "get_witness", "witness_names", "WITNESS_NAMES", "check_lambda", "LAMBDA_RANGE", "LAMBDA_MAX_DIGITS",
           "t3_mixed_derivative_floor", "t3_mixed_derivative_measured"]

#: λ must lie in this closed range (tanh(λ) is 1 to 120 bits beyond it; tiny λ make every gap vanish).
LAMBDA_RANGE: tuple[Fraction, Fraction] = (Fraction(1, 10**6), Fraction(10**6))
#: numerator and denominator of λ may have at most this many decimal digits.
LAMBDA_MAX_DIGITS = 30


def check_lambda(lam: Any) -> Fraction:
    """λ as an exact Fraction, refused (:class:`InvalidInputError`) unless ``LAMBDA_RANGE[0] ≤ λ ≤ LAMBDA_RANGE[1]``
    with at most ``LAMBDA_MAX_DIGITS`` digits in numerator and denominator.

    Examples
    --------
    >>> check_lambda("3/2")
    Fraction(3, 2)
    >>> check_lambda("-1")
    Traceback (most recent call last):
    ...
    expressivity.exceptions.InvalidInputError: λ must be positive, with 1/1000000 ≤ λ ≤ 1000000; got -1
    """
    lamf = to_fraction(lam, where="λ")
    lo, hi = LAMBDA_RANGE
    if not lo <= lamf <= hi:
        shown = str(lamf) if len(str(lamf)) <= 40 else f"a number of {len(str(lamf))} characters"
        raise InvalidInputError(f"λ must be positive, with {lo} ≤ λ ≤ {hi}; got {shown}")
    if max(len(str(lamf.numerator)), len(str(lamf.denominator))) > LAMBDA_MAX_DIGITS:
        raise InvalidInputError(f"λ may have at most {LAMBDA_MAX_DIGITS} digits in numerator and denominator; "
                                f"round it (e.g. to a short decimal)")
    return lamf


@dataclass(frozen=True)
class Witness:
    """A function separating two classes, the exact layer of the stronger class computing it, and
    a certificate generator for the weaker class."""

    name: str
    title: str
    separation: str
    stronger: FFNLayer
    weaker: str
    target: sp.Expr
    xs: tuple
    params: dict
    _certify: Callable[..., Certificate] = field(repr=False, compare=False)
    notes: str = ""

    @property
    def dim(self) -> int:
        return len(self.xs)

    def certify(self, width: int | None = None, **kw) -> Certificate:
        """Certified gap to the weaker class (``width=None``: the width-uniform statement)."""
        if width is not None and (not isinstance(width, (int, np.integer)) or width < 1):
            raise InvalidInputError(f"width must be a positive integer, got {width!r}")
        import inspect

        accepted = set(inspect.signature(self._certify).parameters) - {"width"}
        unknown = set(kw) - accepted
        if unknown:
            raise InvalidInputError(f"witness {self.name} does not take {sorted(unknown)}; it accepts {sorted(accepted) or 'no options'}")
        return self._certify(width, **kw)

    def target_numpy(self) -> Callable[[np.ndarray], np.ndarray]:
        f = sp.lambdify(self.xs, self.target, modules=[{"Max": np.maximum, "Min": np.minimum}, "numpy", "scipy"])
        return lambda X: np.broadcast_to(f(*np.asarray(X, dtype=np.float64).T), (np.asarray(X).shape[0],)).astype(np.float64)

    def representation_identity(self) -> bool:
        """Symbolic check: the stronger layer's sympy output minus the target simplifies to 0."""
        out = self.stronger.sympy_outputs(list(self.xs))[0]
        return sp.simplify(out - self.target) == 0

    def max_forward_error(self, n: int = 2000, seed: int | None = 0) -> float:
        """max |layer(x) − target(x)| over ``n`` uniform points of ``[−1, 1]^d`` (float64)."""
        from .._random import as_rng

        X = as_rng(seed).uniform(-1, 1, size=(n, self.dim))
        return float(np.max(np.abs(self.stronger(X)[:, 0] - self.target_numpy()(X))))

    def to_json(self) -> dict:
        from .certificates import exact_params

        P = exact_params(self.stronger)
        return {"name": self.name, "title": self.title, "separation": self.separation, "target": str(self.target),
                "domain": f"[-1, 1]^{self.dim}", "stronger_class": self.stronger.class_name,
                "dictionary": list(self.stronger.dictionary), "width": self.stronger.width, "weaker_class": self.weaker,
                "parameters": {k: np.vectorize(str, otypes=[object])(v).tolist() for k, v in P.items()},
                "params": {k: str(v) for k, v in self.params.items()}, "notes": self.notes}


def _R(f: Fraction) -> sp.Rational:
    return sp.Rational(f.numerator, f.denominator)


def _lower(e: Enclosure) -> Fraction:
    return e.lo


def _gate_rows(dictionary, d, rows: dict[str, list]) -> list[list]:
    U = [[0] * d for _ in dictionary]
    for name, row in rows.items():
        U[list(dictionary).index(name)] = row
    return U


# ---------------------------------------------------------------------- f1
def _f1(lam: Fraction) -> Witness:
    (x,) = xs = tuple(input_symbols(1))
    target = sp.Max(0, x) + sp.Max(0, x) ** 2
    layer = la_type1(["relu", "relu2"], alpha=[1, 1], W1=[[1]], W2=[[1]])

    def certify(width, activation: str = "relu"):
        act = get_activation(activation)
        J = ridge_jump(layer, [1], 0, [0])  # jump of f1' at 0, from the LA parameters
        if act.name == "id":
            return Certificate("f1", "Fixed-I[id]", width, "‖(f1 − g)'‖_∞ on (−1,1)", Fraction(3, 2), "exact",
                               "g affine: slope s has max(|s|, |3 − s|) ≥ 3/2 against f1' ∈ {0} ∪ (1, 3)")
        if act.is_c1:
            lb = Fraction(int(J.p), int(J.q)) / 2
            return Certificate("f1", f"Fixed-I[{act.name}]", None, "‖(f1 − g)'‖_∞ on (−1,1)", lb, "exact",
                               f"every Fixed-I[{act.name}] net is C¹ (σ' has no jumps), f1' jumps by J = {J} at 0: "
                               f"gap ≥ J/2 at every width", data={"jump": str(J)})
        if act.is_piecewise_linear:
            if width is None:
                raise InvalidInputError(f"for a PL activation ({act.name}) the f1 gap depends on the width: pass width=m")
            u = same_sign_jumps_per_neuron(act, 1)
            um = "m" if u == 1 else f"{u}m"
            lb = counting_floor(u * width)
            return Certificate("f1", f"Fixed-I[{act.name}]", width, "‖(f1 − g)'‖_∞ on (−1,1)", lb, "exact",
                               f"g' is a step function; each neuron a·{act.name}(wx+b) adds jumps a|w|·[σ'] = a|w|·"
                               f"({', '.join(map(str, act.d1_jumps))}), at most {u} of them upward, so g' has ≤ {um} = "
                               f"{u * width} upward jumps. Between two consecutive ones g' is non-increasing while "
                               f"f1' = 1 + 2x rises with slope 2 on (0,1), so f1' − g' rises by ≥ 2·(length) on each of "
                               f"the ≤ {u * width + 1} pieces; the longest has length ≥ 1/{u * width + 1}: "
                               f"gap ≥ 1/({um}+1) = {lb}",
                               data={"upward_jumps_per_neuron": u, "max_upward_jumps": u * width})
        raise InvalidInputError(f"no f1 certificate for activation {act.name}")

    return Witness("f1", "ReLU + ReLU² (Theorem A)", "Fixed-I ⊊ LA-I", layer, "Fixed-I[σ], σ ∈ dictionary", target, xs,
                   {}, certify, "Type-I only: f1 = ReLU(x)(x + 1) is a width-1 ReGLU with bias, so the separation is Type-I only")


# ---------------------------------------------------------------------- f2
def _f2(lam: Fraction) -> Witness:
    (x,) = xs = tuple(input_symbols(1))
    target = sp.Max(0, x) + sp.tanh(x)
    layer = la_type2("one", ["relu", "tanh"], W1=[[1]], W2=[[0]], W3=[[1]], b2=[1], alpha=[1, 1])

    def certify(width, activation: str = "relu"):
        act = get_activation(activation)
        J = ridge_jump(layer, [1], 0, [0])
        if act.is_c1 and not act.is_piecewise_polynomial or act.smoothness == "analytic":
            lb = Fraction(int(J.p), int(J.q)) / 2
            return Certificate("f2", f"Fixed-II[{act.name}]", None, "‖(f2 − g)'‖_∞ on (−1,1)", lb, "exact",
                               f"gated nets with analytic σ = {act.name} are C¹; f2' jumps by {J} at 0", data={"jump": str(J)})
        if act.is_piecewise_polynomial:
            if width is None and act.breakpoints:
                raise InvalidInputError("for a piecewise-polynomial σ the f2 bound depends on the width: pass width=m")
            p = act.max_degree
            k = p + 1  # Type-II pieces have degree ≤ p + 1: the (p+1)-th derivative is a step function
            t = sp.Symbol("t", real=True)
            dk = sp.diff(sp.tanh(t), t, k)
            if k == 2:  # tanh'' decreases on (0, artanh(1/√3)) from 0 to -4/(3√3)
                osc = sp.Integer(0) - dk.subs(t, sp.atanh(1 / sp.sqrt(3)))
                where = "(0, artanh(1/√3))"
            elif k == 3:  # tanh''' increases on (0, 1) (tanh'''' = 8 tanh (1-tanh²)(2-3 tanh²) > 0 there)
                osc = dk.subs(t, 1) - dk.subs(t, 0)
                where = "(0, 1)"
            else:
                raise InvalidInputError(f"no f2 certificate for derivative order {k}")
            u = same_sign_jumps_per_neuron(act, p) if act.breakpoints else 0
            breaks = u * width if act.breakpoints else 0  # polynomial σ: one piece at every width
            floor = counting_floor(breaks, sp.nsimplify(sp.simplify(osc)))
            enc = enclose_sympy(floor)
            return Certificate("f2", f"Fixed-II[{act.name}]", width if act.breakpoints else None,
                               f"‖(f2 − g)^({k})‖_∞ on {where}", enc.lo, "interval",
                               f"g^({k}) is a step function; each neuron a·σ(wx+b)·(vx+c) adds jumps (a sign factor shared "
                               f"by the neuron) × [σ^({p})] = ({', '.join(map(str, act.d1_jumps if p == 1 else act.d2_jumps))}), "
                               f"at most {u} of each sign, so ≤ {breaks} jumps against the direction in which tanh^({k}) "
                               f"moves on {where} (monotone, range {sp.simplify(osc)}). Between two consecutive such jumps "
                               f"(f2 − g)^({k}) moves monotonically by at least the change of tanh^({k}); one of the "
                               f"≤ {breaks + 1} pieces sees a change ≥ range/{breaks + 1}: "
                               f"gap ≥ range/(2({'0' if not act.breakpoints else ('m' if u == 1 else f'{u}m')}+1))", enc,
                               {"oscillation": str(osc), "opposing_jumps_per_neuron": u})
        raise InvalidInputError(f"no f2 certificate for activation {act.name}")

    return Witness("f2", "ReLU + tanh", "Fixed-II ⊊ LA-II (one-sided)", layer, "Fixed-II[σ], σ ∈ dictionary", target, xs,
                   {}, certify, "up-branch constant 1 via the bias b2")


# ---------------------------------------------------------------------- T_λ and variants
def _T(lam: Fraction) -> Witness:
    x1, x2 = xs = tuple(input_symbols(2))
    L = _R(lam)
    target = sp.tanh(L * x1) * sp.Max(0, x2)
    U = _gate_rows(PAPER_DICTIONARY, 2, {"relu": [L, 0]})
    layer = moa_type1(PAPER_DICTIONARY, W1=[[0, 1]], W2=[[1]], U=U, c=[0] * 7, gate="tanh")

    def certify(width):
        Jp = ridge_jump(layer, [0, 1], 0, [1, 0])
        Jm = ridge_jump(layer, [0, 1], 0, [-1, 0])
        # J_g ≡ c for LA-I (lemma); sup |J_T − c| ≥ max(|J(1) − c|, |J(−1) − c|) ≥ (J(1) − J(−1))/2
        enc = enclose_sympy((Jp - Jm) / 4)
        return Certificate("T", "LA-I (any width, per-neuron α)", None, "‖∂₂(T − g)‖_∞ on [−1,1]²", enc.lo, "interval",
                           f"J_T(x1) = {sp.simplify(ridge_jump(layer, [0, 1], 0, [sp.Symbol('y1', real=True), 0], check_generic=False))} "
                           f"across x2 = 0 is non-constant, J_g is constant for LA-I: gap ≥ ½ tanh(λ)", enc,
                           {"J(+1)": str(Jp), "J(-1)": str(Jm)})

    return Witness("T", f"tanh({lam}·x1)·ReLU(x2) (Theorem B)", "LA-I ⊊ MoA-I", layer, "LA-I", target, xs, {"lambda": lam},
                   certify, "unused gates are tanh(0) = 0 exactly")


def _T_sigmoid(lam: Fraction) -> Witness:
    x1, x2 = xs = tuple(input_symbols(2))
    L = _R(lam)
    U = _gate_rows(PAPER_DICTIONARY, 2, {"relu": [L, 0]})
    layer = moa_type1(PAPER_DICTIONARY, W1=[[0, 1]], W2=[[1]], U=U, gate="sigmoid")
    target = layer.sympy_outputs(list(xs))[0]

    def certify(width):
        Jp = ridge_jump(layer, [0, 1], 0, [1, 0])
        Jm = ridge_jump(layer, [0, 1], 0, [-1, 0])
        enc = enclose_sympy((Jp - Jm) / 4)
        return Certificate("T_sigmoid", "LA-I (any width)", None, "‖∂₂(T − g)‖_∞ on [−1,1]²", enc.lo, "interval",
                           "J_T = sigmoid(λ x1) + const across x2 = 0; gap ≥ ¼ tanh(λ/2)", enc,
                           {"J(+1)": str(Jp), "J(-1)": str(Jm)})

    return Witness("T_sigmoid", f"sigmoid-MoA with gate sigmoid({lam}·x1) on ReLU(x2) (Theorem B.3)",
                   "LA-I ⊊ sigmoid-MoA-I", layer, "LA-I", target, xs, {"lambda": lam}, certify,
                   "other gates are sigmoid(0) = 1/2 and add ridge terms in x2 only")


def _T_one(lam: Fraction) -> Witness:
    x1, x2 = xs = tuple(input_symbols(2))
    L = _R(lam)
    target = sp.tanh(L * x1) * sp.Max(0, x2)
    U = _gate_rows(PAPER_DICTIONARY, 2, {"relu": [L, 0]})
    layer = moa_type2("one", PAPER_DICTIONARY, W1=[[0, 1]], W2=[[0, 0]], W3=[[1]], b2=[1], U1=U, c1=[0] * 7)

    def certify(width, n_grid: int = 20001):
        cheb = chebyshev_affine_floor(lam, n_grid)
        lb = cheb.enclosure.lo / 2
        return Certificate("T_one", "LA-II one-sided (any width)", None, "‖∂₂(T − g)‖_∞ on [−1,1]²", lb, "interval",
                           "for one-sided LA-II the jump across x2 = 0 is affine in x1; gap ≥ ½ E_λ (Chebyshev "
                           "best-affine error of tanh(λt), certified by alternation + interval upper bound)",
                           Enclosure(cheb.enclosure.lo / 2, cheb.enclosure.hi / 2), cheb.to_json())

    return Witness("T_one", f"tanh({lam}·x1)·ReLU(x2), one-sided Type-II", "LA-II-one ⊊ MoA-II-one", layer, "LA-II-one",
                   target, xs, {"lambda": lam}, certify, "up-branch constant via the bias b2 (without bias use T·x3)")


def _T3(lam: Fraction) -> Witness:
    x1, x2, x3 = xs = tuple(input_symbols(3))
    L = _R(lam)
    target = sp.tanh(L * x1) * sp.Max(0, x2) * sp.Max(0, x3)
    U1 = _gate_rows(PAPER_DICTIONARY, 3, {"relu": [L, 0, 0]})
    U2 = [[0, 0, 0] for _ in PAPER_DICTIONARY]
    c2 = [0] * 7
    c2[PAPER_DICTIONARY.index("relu")] = sp.atanh(sp.Rational(1, 2))
    layer = moa_type2("bi", PAPER_DICTIONARY, W1=[[0, 1, 0]], W2=[[0, 0, 1]], W3=[[2]], U1=U1, c1=[0] * 7, U2=U2, c2=c2)

    def certify(width):
        y1, y3 = sp.symbols("y1 y3", real=True)
        J = ridge_jump(layer, [0, 1, 0], 0, [y1, 0, y3], check_generic=False)
        J2 = sympy_jump(sp.simplify(J), y3, 0)
        enc = enclose_sympy((J2.subs(y1, 1) - J2.subs(y1, -1)) / 2)
        return Certificate("T3", "bi-LA and quad-LA Type-II (any width)", None,
                           "sup over y1 ∈ [−1,1] of |J2_T(y1) − c|, minimised over constants c (J2 = second-order "
                           "ridge jump across x2 = 0, x3 = 0); not a distance: no norm floor is known", enc.lo, "interval",
                           f"J across x2 = 0 is {sp.simplify(J)}; its own jump across x3 = 0 is {J2}, non-constant in y1, "
                           "while for bi/quad-LA it is constant (lemma applied twice): T3 is not representable at any "
                           "width. A quantitative derivative-norm floor is open.", enc,
                           {"J": str(sp.simplify(J)), "J2": str(J2)}, kind="non_representability")

    return Witness("T3", f"tanh({lam}·x1)·ReLU(x2)·ReLU(x3)", "bi-LA ⊊ bi-MoA", layer, "LA-II-bi / LA-II-quad", target,
                   xs, {"lambda": lam}, certify, "constant gate tanh(atanh(1/2)) = 1/2 on ReLU(x3), output weight 2")


def t3_mixed_derivative_floor(lam: Any = 2) -> Certificate:
    """``‖∂₂∂₃(T3 − g)‖_∞ ≥ ¼ tanh λ`` on (−1, 1)³ for every bi-LA / quad-LA Type-II layer g of any width.

    Argument (the ridge-jump lemma one order up).  Let ``D_h = ∂₂∂₃h`` and, along the line
    ``L = {x2 = x3 = 0}``, let ``DD_h(x1)`` be the double jump ``Σ ±`` of the limits of ``D_h`` along
    four generic rays into the quadrants of the (x2, x3)-plane.

    * ``D_T3 = tanh(λx1) H(x2) H(x3)``, so ``DD_T3(x1) = tanh(λ x1)``.
    * A bi/quad-LA term ``w φ(a·x + b) ψ(c·x + d)`` (dictionary activations: piecewise analytic,
      finitely many breakpoints) has ``D`` piecewise continuous with jumps across finitely many
      hyperplanes (if ``D`` has a singular part, the norm is +∞ and there is nothing to prove).  A
      jump across a single hyperplane through L adds 0 to ``DD`` (the four rays pair up on either
      side), hyperplanes not containing L meet it in finitely many points, and a product of two jumps
      across two hyperplanes through L adds a *constant*, since both pre-activations vanish on L.  So
      ``DD_g ≡ c`` on L away from finitely many points.
    * ``|DD_h(x1)| ≤ 4‖D_h‖_∞`` (four limits of values at continuity points), and
      ``sup_{x1} |tanh(λ x1) − c| ≥ tanh λ``.

    Hence the bound, uniform in width.  ``tanh λ`` is enclosed by interval arithmetic (method
    ``interval``); the argument itself is a proof on paper, checked numerically against trained
    networks by :func:`t3_mixed_derivative_measured`.

    Examples
    --------
    >>> c = t3_mixed_derivative_floor(2)
    >>> round(float(c.lower_bound), 6), c.method, c.kind
    (0.241007, 'interval', 'gap')
    """
    from .intervals import Enclosure, tanh_enclosure

    lamf = check_lambda(lam)
    t = tanh_enclosure(lamf)
    enc = Enclosure(t.lo / 4, t.hi / 4)
    return Certificate("T3", "bi-LA and quad-LA Type-II (any width)", None,
                       "‖∂₂∂₃(T3 − g)‖_∞ on (−1,1)³ (ess sup; +∞ if ∂₂∂₃g is not a function)", enc.lo, "interval",
                       "the double jump of ∂₂∂₃ along {x2 = x3 = 0} is tanh(λx1) for T3 and constant for every bi/quad-LA "
                       "net; it is at most 4 times the norm, and sup|tanh(λx1) − c| ≥ tanh λ: gap ≥ ¼ tanh λ at every width",
                       enc, {"lambda": str(lamf)})


def t3_mixed_derivative_measured(g, lam: Any = 2, delta: float = 1e-3, eta: float = 1e-6, n: int = 41) -> float:
    """``max |∂₂∂₃(T3 − g)|`` sampled at ``(x1, ±δ, ±δ)`` (x1 on a grid of [−1, 1]) and on an 8³ grid (numeric).

    ``∂₂∂₃T3 = tanh(λx1) H(x2) H(x3)`` exactly; ``∂₂∂₃g`` is a central difference (step ``eta``) in x3
    of ``∂₂g`` from :func:`~expressivity.ffn.derivatives.input_jacobian`.  Point values of a
    piecewise-continuous ``∂₂∂₃h`` are values the norm takes, so this estimates the norm from below;
    the four quadrant points beside ``{x2 = x3 = 0}`` are where the floor argument looks.
    """
    from .derivatives import input_jacobian

    lamf = float(check_lambda(lam))
    t = np.linspace(-1.0, 1.0, n)
    pts = [np.column_stack([t, np.full(n, s2 * delta), np.full(n, s3 * delta)]) for s2 in (1, -1) for s3 in (1, -1)]
    c = np.linspace(-0.95, 0.95, 8)  # no point on the kink planes x2 = 0, x3 = 0
    pts.append(np.array(np.meshgrid(c, c, c)).reshape(3, -1).T)
    X = np.concatenate(pts)
    e3 = np.array([0.0, 0.0, eta])
    d23g = (input_jacobian(g, X + e3)[:, 0, 1] - input_jacobian(g, X - e3)[:, 0, 1]) / (2 * eta)
    d23T = np.tanh(lamf * X[:, 0]) * (X[:, 1] > 0) * (X[:, 2] > 0)
    return float(np.max(np.abs(d23T - d23g)))


# ---------------------------------------------------------------------- piecewise-linear
def _pl(lam: Fraction) -> Witness:
    x1, x2 = xs = tuple(input_symbols(2))
    target = sp.Min(1, sp.Max(-1, x1)) * sp.Max(0, x2)
    U = _gate_rows(PL_DICTIONARY, 2, {"relu": [1, 0]})
    layer = moa_type1(PL_DICTIONARY, W1=[[0, 1]], W2=[[1]], U=U, c=[0] * 4, gate="hardtanh")

    def certify(width):
        if width is None:
            # y1 = ±1 sit on the gate's kinks; J_T(y1) = hardtanh(y1) is continuous in y1, so its
            # values there are limits of values at generic points and bound the supremum
            Jp = ridge_jump(layer, [0, 1], 0, [1, 0], check_generic=False)
            Jm = ridge_jump(layer, [0, 1], 0, [-1, 0], check_generic=False)
            lb = Fraction(int((Jp - Jm).p), int((Jp - Jm).q)) / 4
            return Certificate("pl", "PL LA-I (any width)", None, "‖∂₂(T − g)‖_∞ on [−1,1]²", lb, "exact",
                               f"J_T(x1) = hardtanh(x1) across x2 = 0 (J(±1) = {Jp}, {Jm}); LA-I jumps are constant",
                               data={"J(+1)": str(Jp), "J(-1)": str(Jm)})
        B = len({z for n in PL_DICTIONARY for z in get_activation(n).breakpoints})
        h = Fraction(1, B * width + 1)
        lb = h * h / 8
        return Certificate("pl", f"PL LA-I width {width}", width, "‖T − g‖_∞ on [0,1]² (sup norm)", lb, "exact",
                           f"on the diagonal x1 = x2 = s ∈ [0,1], T = s²; a width-{width} LA over {PL_DICTIONARY} has ≤ {B} "
                           f"kinks per neuron, so a piece of length ≥ 1/({B}m+1) on which s² is ≥ h²/8 from affine",
                           data={"breakpoints_per_neuron": B})

    return Witness("pl", "hardtanh(x1)·ReLU(x2): PL dictionary, PL gate", "PL LA-I ⊊ PL MoA-I", layer, "LA-I over PL dictionary",
                   target, xs, {}, certify, "MoA multiplies two PL ridges: curvature (x1·x2 on [0,1]²) no PL LA has")


# ---------------------------------------------------------------------- polynomial
def _poly_cubic(lam: Fraction) -> Witness:
    x1, x2 = xs = tuple(input_symbols(2))
    U = _gate_rows(POLY_DICTIONARY, 2, {"square": [1, 0]})
    layer = moa_type1(POLY_DICTIONARY, W1=[[0, 1]], W2=[[1]], U=U, c=[0, 0], gate="hardtanh")
    target = sp.Min(1, sp.Max(-1, x1)) * x2 ** 2

    def certify(width):
        L = DifferenceFunctional(base=(-1, -1), steps=((0, 2, 1), (1, 1, 2)))
        ok = L.annihilates_degree(xs, 2) and L.in_box(Fraction(-1), Fraction(1))
        out = layer.sympy_outputs(list(xs))[0]
        lb = L.floor(out, xs) if ok else Fraction(0)
        return Certificate("poly_cubic", "LA-I over {Id, x²} (any width: degree ≤ 2)", None, "‖T − g‖_∞ on [−1,1]²",
                           lb, "exact", f"L = Δ_(2e1) Δ²_(e2) at (−1,−1) annihilates all quadratics (checked exactly), "
                           f"L(T) = {L.apply(out, xs)}, Σ|w| = {L.weight_norm()}",
                           data={"points": [[str(v) for v in p] + [w] for p, w in L.points()]})

    return Witness("poly_cubic", "x1·x2² = hardtanh(x1)·x2² on [−1,1]²", "LA-I{Id,x²} ⊊ MoA-I{Id,x²}", layer,
                   "LA-I over {Id, x²}", target, xs, {}, certify, "the hardtanh gate is the identity on [−1,1]: MoA is cubic")


def _poly_rank(lam: Fraction) -> Witness:
    x1, x2 = xs = tuple(input_symbols(2))
    U = _gate_rows(POLY_DICTIONARY, 2, {"id": [1, 0]})
    layer = moa_type1(POLY_DICTIONARY, W1=[[0, 1]], W2=[[1]], U=U, c=[0, 0], gate="hardtanh")
    target = sp.Min(1, sp.Max(-1, x1)) * x2
    Q = [[0, sp.Rational(1, 2)], [sp.Rational(1, 2), 0]]

    def certify(width):
        m = 1 if width is None else int(width)
        lb = quadratic_rank_floor(Q, m)
        return Certificate("poly_rank", f"LA-I over {{Id, x²}} width {m}", m, "‖T − g‖_∞ on [−1,1]²", lb, "exact",
                           f"LA-I width m gives quadratic forms of rank ≤ m; x1·x2 has form Q with singular values (1/2, 1/2): "
                           f"gap ≥ ½ σ_(m+1)(Q) = {lb} (0 from m = 2: x1x2 = ((x1+x2)² − (x1−x2)²)/4)")

    return Witness("poly_rank", "x1·x2 = hardtanh(x1)·x2 on [−1,1]²", "LA-I{Id,x²}(width 1) ⊊ MoA-I{Id,x²}(width 1)", layer,
                   "LA-I over {Id, x²} of width m", target, xs, {}, certify, "a finite-width separation: equal at width 2")


_BUILDERS: dict[str, Callable[[Fraction], Witness]] = {
    "f1": _f1, "f2": _f2, "T": _T, "T_sigmoid": _T_sigmoid, "T_one": _T_one, "T3": _T3, "pl": _pl,
    "poly_cubic": _poly_cubic, "poly_rank": _poly_rank,
}
WITNESS_NAMES: tuple[str, ...] = tuple(_BUILDERS)


def witness_names() -> list[str]:
    return list(WITNESS_NAMES)


def get_witness(name: str, lam: Any = 2) -> Witness:
    """Build the witness ``name`` (``λ`` is used by the T-family).

    Examples
    --------
    >>> w = get_witness("T", lam=2)
    >>> w.target, w.stronger.class_name, w.representation_identity()
    (tanh(2*x1)*Max(0, x2), 'MoA-I[tanh]', True)
    >>> round(float(w.certify().lower_bound), 4)
    0.482
    """
    if name not in _BUILDERS:
        raise UnknownNameError(f"unknown witness {name!r}; known: {', '.join(WITNESS_NAMES)}")
    return _BUILDERS[name](check_lambda(lam))
