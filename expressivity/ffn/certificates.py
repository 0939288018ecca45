"""Certificates computed from parameters: ridge jumps, breakpoint counting, degree and rank bounds.

Every function here works on the *parameters* of a layer and returns exact numbers (Fractions or
sympy constants) or rigorous :class:`~expressivity.ffn.intervals.Enclosure` s.  The parameters of a
*float* layer are read deliberately as the exact binary rationals they store
(:func:`~expressivity.numbers.float_to_fraction`), so a certificate about a fitted float network is a
statement about exactly that network.  Every other number (hyperplanes, points, offsets) must be
exact: floats are refused (:func:`~expressivity.numbers.to_fraction`).

* :func:`ridge_jump` -- the jump ``J_g(y)`` of the directional derivative ``∂_e g`` across the
  hyperplane ``H = {e·x = t}`` at ``y ∈ H`` (ridge-jump lemma).  For LA-I it is constant on H; for
  MoA it carries the gate values ``π(y)``.
* :func:`jump_gap_lower_bound` -- ``‖∂_n (T − g)‖_∞ ≥ ½ max_i |J_T(y_i) − J_g(y_i)|`` with
  interval-certified values.
* :func:`f1_derivative_gap` / :func:`pl_breakpoints_1d` -- exact derivative gaps of 1-D
  piecewise-linear networks and the counting bound ``1/(m+1)``.
* :func:`segment_breakpoints` / :func:`pl_segment_sup_floor` -- piece counting along a segment
  and the sup-norm floor ``h²/8`` for a quadratic restriction.
* :class:`DifferenceFunctional` -- finite-difference functionals annihilating all polynomials
  of degree ≤ D: exact sup-norm floors ``|L(P)| / Σ|w|`` against every polynomial class.
* :func:`quadratic_rank_floor` -- ``½ σ_{m+1}(Q)`` against quadratics of form rank ≤ m.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
import sympy as sp

from ..exceptions import DegenerateInputError, InvalidInputError, ShapeError
from ..numbers import float_to_fraction, to_fraction
from .intervals import Enclosure, enclose_sympy, float_down
from .layers import FFNLayer

__all__ = [
    "Certificate",
    "exact_params",
    "ridge_jump",
    "sympy_jump",
    "jump_gap_lower_bound",
    "pl_breakpoints_1d",
    "f1_derivative_gap",
    "counting_floor",
    "same_sign_jumps_per_neuron",
    "segment_breakpoints",
    "pl_segment_sup_floor",
    "DifferenceFunctional",
    "quadratic_rank_floor",
    "dictionary_degree_bound",
]


@dataclass(frozen=True)
class Certificate:
    """A certified lower bound on the distance from a target to a weaker class.

    Attributes
    ----------
    witness : str
    weaker_class : str
    width : int or None
        ``None`` when the bound holds at every width.
    norm : str
        The norm in which the gap is measured.
    lower_bound : Fraction
        A proved lower bound (the lower end of an enclosure when ``method == "interval"``).
    method : {"exact", "interval", "symbolic"}
        How ``lower_bound`` was obtained: ``exact`` (rational arithmetic), ``interval``
        (outward-rounded enclosure with exact rational ends), ``symbolic`` (a sympy identity).
    enclosure : Enclosure or None
    statement : str
    data : dict
    kind : {"gap", "non_representability"}
        ``"gap"``: ``lower_bound`` bounds the distance to the weaker class in ``norm``.
        ``"non_representability"``: the certificate proves that the witness is *not in* the weaker
        class; ``lower_bound`` is then the certified value of the obstruction named in ``norm``
        (not a distance).
    """

    witness: str
    weaker_class: str
    width: int | None
    norm: str
    lower_bound: Fraction
    method: str
    statement: str
    enclosure: Enclosure | None = None
    data: dict = field(default_factory=dict)
    kind: str = "gap"

    def __post_init__(self) -> None:
        if self.method not in ("exact", "interval", "symbolic"):
            raise InvalidInputError(f"certificate method must be exact, interval or symbolic, got {self.method!r}")
        if self.kind not in ("gap", "non_representability"):
            raise InvalidInputError(f"certificate kind must be 'gap' or 'non_representability', got {self.kind!r}")
        if self.enclosure is not None and self.enclosure.lo != self.lower_bound:
            raise InvalidInputError("lower_bound must be the lower end of the enclosure")

    @property
    def positive(self) -> bool:
        return self.lower_bound > 0

    def to_json(self) -> dict:
        """JSON form; ``lower_bound_float`` is rounded *down* (it never exceeds ``lower_bound``)."""
        return {"witness": self.witness, "weaker_class": self.weaker_class, "width": self.width, "kind": self.kind,
                "norm": self.norm, "lower_bound": str(self.lower_bound), "lower_bound_float": float_down(self.lower_bound),
                "method": self.method, "statement": self.statement,
                "enclosure": None if self.enclosure is None else self.enclosure.to_json(), "data": self.data}


def _rational(f: Fraction) -> sp.Rational:
    return sp.Rational(f.numerator, f.denominator)


def _ex(v, where: str = "value") -> sp.Expr:
    """An exact input (int, Fraction, 'p/q', sympy constant) as a sympy number; floats are refused."""
    if isinstance(v, sp.Basic):
        return v
    return _rational(to_fraction(v, where=where))


def _param(v, where: str) -> sp.Expr:
    """A parameter of a float layer: its exact binary value (a deliberate, documented conversion)."""
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, (float, np.floating)):
        return _rational(float_to_fraction(v, where=where))
    return _ex(v, where)


def exact_params(layer: FFNLayer) -> dict[str, np.ndarray]:
    """The layer's parameters as sympy constants (a float layer's entries read as their exact binary values)."""
    out = {}
    for n in ("W1", "b1", "W2", "b2", "W3", "alpha", "beta", "gamma", "U1", "c1", "U2", "c2"):
        a = getattr(layer, n)
        if a is None:
            continue
        if layer.kind == "exact":
            out[n] = a
        else:
            arr = np.empty(a.shape, dtype=object)
            for idx, v in np.ndenumerate(a):
                arr[idx] = _param(v, f"{n}{list(idx)}")
            out[n] = arr
    return out


def _parallel_scale(w: Sequence[sp.Expr], e: Sequence[sp.Expr]) -> sp.Expr | None:
    """s with w = s e, or None."""
    k = next(i for i, v in enumerate(e) if v != 0)
    s = w[k] / e[k]
    if s == 0:
        return None
    return s if all(sp.simplify(w[i] - s * e[i]) == 0 for i in range(len(e))) else None


def ridge_jump(layer: FFNLayer, e: Sequence[Any], t: Any, y: Sequence[Any], *, check_generic: bool = True) -> sp.Expr:
    """Jump of ``∂_e g`` across ``H = {e·x = t}`` at ``y`` (ridge-jump lemma), from the parameters.

    Only neurons whose pre-activation direction is parallel to ``e`` (``w = s e``) and whose kink
    level set coincides with H contribute ``|s| |e|² [σ'](z0) × (gate or LA coefficient) ×
    (the other branch at y)``.  For a unit ``e`` this is ``J_g(y)`` of the lemma.

    Parameters
    ----------
    layer : FFNLayer
        Any class (fixed/LA/MoA, Type-I/II); one output (``d_out = 1``).
    e, t : hyperplane normal (exact) and offset.
    y : point of H (exact numbers or sympy symbols).
    check_generic : bool
        For a numeric ``y``: refuse points on another neuron's or gate's kink set (where the
        lemma does not apply) with :class:`DegenerateInputError`.

    Returns
    -------
    sympy expression (a Rational for LA with rational parameters).

    Examples
    --------
    >>> from expressivity.ffn.layers import moa_type1, la_type1
    >>> T = moa_type1(["relu"], W1=[[0, 1]], W2=[[1]], U=[[2, 0]])
    >>> ridge_jump(T, [0, 1], 0, [sp.Rational(1, 2), 0])
    tanh(1)
    >>> g = la_type1(["relu", "relu2"], alpha=[3, 5], W1=[[0, 2], [1, 1]], W2=[[1, 7]])
    >>> ridge_jump(g, [0, 1], 0, [sp.Rational(1, 3), 0])
    6
    """
    if layer.out_dim != 1:
        raise ShapeError(f"ridge_jump needs a scalar-output layer, {layer.class_name} has {layer.out_dim} outputs")
    d = layer.in_dim
    e = [_ex(v, "hyperplane normal e") for v in e]
    y = [v if isinstance(v, sp.Basic) else _ex(v, "point y") for v in y]
    t = _ex(t, "hyperplane offset t")
    if len(e) != d or len(y) != d:
        raise ShapeError(f"e and y need {d} coordinates, got {len(e)} and {len(y)}")
    if all(v == 0 for v in e):
        raise InvalidInputError("the hyperplane normal e must be nonzero")
    if sp.simplify(sum(a * b for a, b in zip(e, y)) - t) != 0:
        raise InvalidInputError("the point y does not lie on the hyperplane e·x = t")
    numeric = all(not v.free_symbols for v in y)
    P = exact_params(layer)
    acts = layer.activations
    K = len(acts)
    e2 = sum(v * v for v in e)

    def gates(U, c):
        pre = [sum(U[k, i] * y[i] for i in range(d)) + (c[k] if c is not None else 0) for k in range(K)]
        if numeric and check_generic:
            g = layer.gate_object
            for k, z in enumerate(pre):
                if any(sp.simplify(z - kink) == 0 for kink in g.kinks) and any(U[k, i] != 0 for i in range(d)):
                    raise DegenerateInputError(f"y lies on a kink of gate {k}; choose another point of H")
        return layer.gate_object.sym(pre)

    g1 = gates(P["U1"], P.get("c1")) if layer.mixing == "moa" else None
    g2 = gates(P["U2"], P.get("c2")) if layer.mixing == "moa" and layer.variant == "bi" else None

    def coefs(branch: int, j: int) -> list[sp.Expr]:
        if layer.mixing == "fixed":
            return [sp.Integer(1)]
        if layer.mixing == "la":
            a = P["alpha" if branch == 1 else "beta"]
            return list(a) if a.ndim == 1 else list(a[j])
        return g1 if branch == 1 else g2

    def branch_value(branch: int, j: int, z: sp.Expr) -> sp.Expr:
        c = coefs(branch, j)
        return sp.Add(*[c[k] * acts[k].sym(z) for k in range(K)])

    def kink_jump(W, b, j, branch) -> tuple[sp.Expr, sp.Expr]:
        """(sum over dictionary of coefficient × |s||e|² [σ'], pre-activation at y)."""
        w = [W[j, i] for i in range(d)]
        z = sum(w[i] * y[i] for i in range(d)) + (b[j] if b is not None else 0)
        s = _parallel_scale(w, e) if any(v != 0 for v in w) else None
        total = sp.Integer(0)
        if s is not None:
            c = coefs(branch, j)
            for k, act in enumerate(acts):
                for z0, jump in zip(act.breakpoints, act.d1_jumps):
                    if jump != 0 and sp.simplify(z - sp.Rational(z0.numerator, z0.denominator)) == 0:
                        total += c[k] * sp.Abs(s) * e2 * sp.Rational(jump.numerator, jump.denominator)
        elif numeric and check_generic and any(v != 0 for v in w):
            for act in acts:
                if any(sp.simplify(z - sp.Rational(z0.numerator, z0.denominator)) == 0 for z0 in act.breakpoints):
                    raise DegenerateInputError(f"y lies on the kink hyperplane of neuron {j}, which crosses H; choose another point")
        return total, z

    total = sp.Integer(0)
    m = layer.width
    Wout = P["W2"] if layer.ffn_type == "I" else P["W3"]
    for j in range(m):
        a = Wout[0, j]
        if a == 0:
            continue
        J1, z1 = kink_jump(P["W1"], P.get("b1"), j, 1)
        if layer.ffn_type == "I":
            total += a * J1
            continue
        z2 = sum(P["W2"][j, i] * y[i] for i in range(d)) + (P["b2"][j] if "b2" in P else 0)
        if layer.variant == "quad":
            G = P["gamma"]
            # jumps of σ_k(z1) times σ_l(z2), and of σ_l(z2) times σ_k(z1)
            J_quad = sp.Integer(0)
            w1 = [P["W1"][j, i] for i in range(d)]
            w2 = [P["W2"][j, i] for i in range(d)]
            s1 = _parallel_scale(w1, e) if any(v != 0 for v in w1) else None
            s2 = _parallel_scale(w2, e) if any(v != 0 for v in w2) else None
            for k, act in enumerate(acts):
                for l, act2 in enumerate(acts):
                    if G[k, l] == 0:
                        continue
                    if s1 is not None:
                        for z0, jump in zip(act.breakpoints, act.d1_jumps):
                            if jump != 0 and sp.simplify(z1 - sp.Rational(z0.numerator, z0.denominator)) == 0:
                                J_quad += G[k, l] * sp.Abs(s1) * e2 * sp.Rational(jump.numerator, jump.denominator) * act2.sym(z2)
                    if s2 is not None:
                        for z0, jump in zip(act2.breakpoints, act2.d1_jumps):
                            if jump != 0 and sp.simplify(z2 - sp.Rational(z0.numerator, z0.denominator)) == 0:
                                J_quad += G[k, l] * sp.Abs(s2) * e2 * sp.Rational(jump.numerator, jump.denominator) * act.sym(z1)
            total += a * J_quad
            continue
        if layer.variant == "one" or layer.mixing == "fixed":
            total += a * J1 * z2
            continue
        J2, _ = kink_jump(P["W2"], P.get("b2"), j, 2)
        total += a * (J1 * branch_value(2, j, z2) + J2 * branch_value(1, j, z1))
    return sp.simplify(total) if numeric else total


def _resolve_near(expr: sp.Expr, var: sp.Symbol, point: sp.Expr) -> sp.Expr:
    """Replace Max/Min/Piecewise by the branch active at ``var = point`` (other symbols must not decide)."""
    if isinstance(expr, (sp.Max, sp.Min, sp.Piecewise)):
        if isinstance(expr, sp.Piecewise):
            for val, cond in expr.args:
                c = cond.subs(var, point)
                if c == sp.true:
                    return _resolve_near(val, var, point)
                if c != sp.false:
                    raise InvalidInputError(f"cannot resolve the branch of {expr} at {var} = {point}")
        vals = [(a, a.subs(var, point)) for a in expr.args]
        if any(v.free_symbols for _, v in vals):
            raise InvalidInputError(f"cannot resolve {expr}: branch depends on other symbols")
        best = (max if isinstance(expr, sp.Max) else min)(vals, key=lambda v: v[1])
        return _resolve_near(best[0], var, point)
    if expr.args:
        return expr.func(*[_resolve_near(a, var, point) for a in expr.args])
    return expr


def sympy_jump(expr: sp.Expr, var: sp.Symbol, at: Any = 0, delta: Any = sp.Rational(1, 10**6)) -> sp.Expr:
    """``∂_var expr`` just right of ``at`` minus just left -- an independent oracle for :func:`ridge_jump`.

    The piecewise branches active at ``at ± delta`` are selected (no other kink may lie within
    ``delta``), differentiated symbolically and evaluated at ``at``.

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> sympy_jump(sp.Max(0, x) + sp.Max(0, x) ** 2, x)
    1
    """
    at = sp.sympify(at)
    right = _resolve_near(expr, var, at + delta)
    left = _resolve_near(expr, var, at - delta)
    return sp.simplify((sp.diff(right, var) - sp.diff(left, var)).subs(var, at))


def jump_gap_lower_bound(target_jump: sp.Expr | Any, g_jump: sp.Expr | Any) -> Enclosure:
    """Enclosure of ``½ |J_T(y) − J_g(y)|`` for constant sympy values (a lower bound on ‖∂_n(T−g)‖_∞).

    Examples
    --------
    >>> e = jump_gap_lower_bound(sp.tanh(2), 0)
    >>> round(float(e.lo), 4)
    0.482
    """
    return enclose_sympy(sp.Abs(sp.sympify(target_jump) - sp.sympify(g_jump)) / 2)


# ---------------------------------------------------------------------- 1-D piecewise-linear counting
def _exact_layer_1d(layer: FFNLayer):
    if layer.in_dim != 1 or layer.out_dim != 1 or layer.ffn_type != "I" or layer.mixing == "moa":
        raise InvalidInputError(f"needs a 1-D scalar fixed/LA Type-I layer, got {layer.class_name} d={layer.in_dim}")
    acts = layer.activations
    if not all(a.is_piecewise_linear for a in acts):
        raise InvalidInputError(f"needs a piecewise-linear dictionary, got {layer.dictionary}")
    P = exact_params(layer)
    fr = lambda v: Fraction(int(sp.Rational(v).p), int(sp.Rational(v).q))  # noqa: E731
    W1 = [fr(P["W1"][j, 0]) for j in range(layer.width)]
    b1 = [fr(P["b1"][j]) if "b1" in P else Fraction(0) for j in range(layer.width)]
    a = [fr(P["W2"][0, j]) for j in range(layer.width)]
    if layer.mixing == "fixed":
        coef = [[Fraction(1)] for _ in range(layer.width)]
    else:
        al = P["alpha"]
        coef = [[fr(v) for v in (al if al.ndim == 1 else al[j])] for j in range(layer.width)]
    return acts, W1, b1, a, coef


def pl_breakpoints_1d(layer: FFNLayer, lo: Fraction = Fraction(-1), hi: Fraction = Fraction(1)):
    """Exact breakpoints in (lo, hi) and the slopes of a 1-D PL network between them.

    Returns ``(points, slopes)`` with ``len(slopes) == len(points) + 1``; slopes are computed
    at the left end and updated by the exact derivative jumps ``a |w| [σ']`` (the 1-D lemma).
    """
    acts, W1, b1, a, coef = _exact_layer_1d(layer)
    lo, hi = to_fraction(lo, where="lo"), to_fraction(hi, where="hi")
    jumps: dict[Fraction, Fraction] = {}
    slope = Fraction(0)
    for j in range(len(W1)):
        w, b = W1[j], b1[j]
        for k, act in enumerate(acts):
            c = coef[j][k]
            if c == 0 or a[j] == 0:
                continue
            if w == 0:
                continue
            # right derivative at x = lo: σ is linear between z = w lo + b and the next
            # breakpoint in the direction of sign(w), so a secant there is exact
            z = w * lo + b
            zz = z
            bps = sorted(act.breakpoints)
            right = [p for p in bps if p > z] if w > 0 else [p for p in bps if p < z]
            nxt = right[0] if w > 0 and right else (right[-1] if right else None)
            step = abs(nxt - z) / 2 if nxt is not None else Fraction(1)
            z2 = z + (step if w > 0 else -step)
            ds = (act.exact(z2) - act.exact(zz)) / (z2 - zz)
            slope += a[j] * c * ds * w
            for z0, jump in zip(act.breakpoints, act.d1_jumps):
                x0 = (z0 - b) / w
                if lo < x0 < hi and jump != 0:
                    jumps[x0] = jumps.get(x0, Fraction(0)) + a[j] * c * abs(w) * jump
    points = sorted(x for x, v in jumps.items() if v != 0)
    slopes = [slope]
    for x in points:
        slopes.append(slopes[-1] + jumps[x])
    return points, slopes


def f1_derivative_gap(layer: FFNLayer) -> Fraction:
    """Exact ``sup_{x ∈ (-1,1)} |f₁'(x) − g'(x)|`` for ``f₁ = ReLU + ReLU²`` and a 1-D PL network g.

    ``f₁' = 0`` on (−1, 0) and ``1 + 2x`` on (0, 1); ``g'`` is a step function.

    Examples
    --------
    >>> from expressivity.ffn.layers import fixed_type1
    >>> f1_derivative_gap(fixed_type1("relu", [[1]], [[2]]))
    Fraction(1, 1)
    """
    pts, slopes = pl_breakpoints_1d(layer)
    cuts = sorted(set(pts) | {Fraction(0)})
    edges = [Fraction(-1)] + cuts + [Fraction(1)]
    best = Fraction(0)
    for a, b in zip(edges[:-1], edges[1:]):
        mid = (a + b) / 2
        s = slopes[sum(1 for p in pts if p <= mid)]
        if b <= 0:
            best = max(best, abs(s))
        else:
            best = max(best, abs(1 + 2 * a - s), abs(1 + 2 * b - s))
    return best


def counting_floor(m: int, oscillation=2):
    """``R / (2(m+1))``: a step function with ≤ m breakpoints is that far from a monotone function
    whose range on the interval has length R (one of the ≤ m+1 pieces sees a rise ≥ R/(m+1)).

    With ``R = 2`` (``f₁' = 1 + 2x`` on (0, 1)) this is the ``1/(m+1)`` bound of Theorem A.3.

    Examples
    --------
    >>> counting_floor(3)
    Fraction(1, 4)
    """
    if m < 0:
        raise InvalidInputError("width must be >= 0")
    if isinstance(oscillation, (int, Fraction)):
        return Fraction(oscillation) / (2 * (m + 1))
    return sp.sympify(oscillation) / (2 * (m + 1))


def same_sign_jumps_per_neuron(act, order: int = 1) -> int:
    """Most jumps of one sign that a single neuron can add to a derivative of a PL/piecewise-polynomial net.

    A neuron ``a σ(w x + b)`` (or ``a σ(w x + b)(v x + c)`` in Type-II, derivative one order higher)
    adds to the network's derivative a jump ``s · [σ^(order)](z0)`` at each breakpoint ``z0`` of σ,
    with one sign factor ``s`` shared by all breakpoints of that neuron (``a |w|`` in Type-I).  So it
    adds at most ``max(#{[σ^(order)] > 0}, #{[σ^(order)] < 0})`` upward jumps (and as many
    downward ones): 1 for ReLU, LeakyReLU *and* hardtanh (two breakpoints, jumps +1 and −1).

    Examples
    --------
    >>> from expressivity.ffn.activations import get_activation
    >>> [same_sign_jumps_per_neuron(get_activation(n)) for n in ("relu", "hardtanh", "id")]
    [1, 1, 0]
    >>> same_sign_jumps_per_neuron(get_activation("relu2"), order=2)
    1
    """
    if order not in (1, 2):
        raise InvalidInputError(f"jump metadata exists for σ' and σ'' only, got order {order}")
    jumps = act.d1_jumps if order == 1 else act.d2_jumps
    return max(sum(1 for j in jumps if j > 0), sum(1 for j in jumps if j < 0))


# ---------------------------------------------------------------------- breakpoints along a segment
def segment_breakpoints(layer: FFNLayer, p0: Sequence[Any], p1: Sequence[Any]) -> list[Fraction]:
    """Exact parameters ``s ∈ (0, 1)`` where some neuron of an LA/fixed Type-I layer kinks on ``p0 + s (p1 − p0)``."""
    if layer.ffn_type != "I" or layer.mixing == "moa":
        raise InvalidInputError("segment_breakpoints needs a fixed or LA Type-I layer")
    P = exact_params(layer)
    fr = lambda v: Fraction(int(sp.Rational(v).p), int(sp.Rational(v).q))  # noqa: E731
    p0 = [to_fraction(v, where="p0") for v in p0]
    p1 = [to_fraction(v, where="p1") for v in p1]
    d = layer.in_dim
    acts = layer.activations
    bps = sorted({z for a in acts for z in a.breakpoints})
    out = set()
    for j in range(layer.width):
        w = [fr(P["W1"][j, i]) for i in range(d)]
        b = fr(P["b1"][j]) if "b1" in P else Fraction(0)
        z0 = sum(w[i] * p0[i] for i in range(d)) + b
        dz = sum(w[i] * (p1[i] - p0[i]) for i in range(d))
        if dz == 0:
            continue
        for z in bps:
            s = (z - z0) / dz
            if 0 < s < 1:
                out.add(s)
    return sorted(out)


def pl_segment_sup_floor(layer: FFNLayer, p0, p1, quad_coeff: Fraction = Fraction(1)) -> Fraction:
    """``c h²/8``: sup-norm floor for a target whose restriction to the segment is ``c s² + affine``.

    ``h`` is the longest piece of the PL layer along the segment (parameter length); on it the
    best affine approximation of ``c s²`` errs by ``|c| h² / 8`` (Chebyshev), so
    ``‖T − g‖_∞ ≥ |c| h²/8``.
    """
    pts = [Fraction(0)] + segment_breakpoints(layer, p0, p1) + [Fraction(1)]
    h = max(b - a for a, b in zip(pts[:-1], pts[1:]))
    return abs(to_fraction(quad_coeff, where="quad_coeff")) * h * h / 8


# ---------------------------------------------------------------------- polynomial classes
@dataclass(frozen=True)
class DifferenceFunctional:
    """``L = Π_i Δ_{h_i e_{c_i}}^{r_i}`` at a base point: a signed sum of point evaluations.

    ``L`` annihilates every polynomial of total degree < Σ r_i (and more, see
    :meth:`annihilates_degree`), so for every such polynomial q,
    ``‖P − q‖_∞ ≥ |L(P)| / Σ|w|`` on any set containing the points.

    Examples
    --------
    >>> L = DifferenceFunctional(base=(-1, -1), steps=((0, 2, 1), (1, 1, 2)))
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> L.apply(x1 * x2 ** 2, (x1, x2)), L.weight_norm(), L.annihilates_degree((x1, x2), 2)
    (4, 8, True)
    """

    base: tuple
    steps: tuple  # (coordinate, step h, order r)

    def points(self) -> list[tuple[tuple[Fraction, ...], int]]:
        pts: dict[tuple, int] = {tuple(to_fraction(v, where='base') for v in self.base): 1}
        for coord, h, r in self.steps:
            new: dict[tuple, int] = {}
            for p, w in pts.items():
                for i in range(r + 1):
                    q = list(p)
                    q[coord] += to_fraction(h, where='step') * i
                    sign = (-1) ** (r - i) * int(sp.binomial(r, i))
                    new[tuple(q)] = new.get(tuple(q), 0) + w * sign
            pts = new
        return [(p, w) for p, w in pts.items() if w != 0]

    def weight_norm(self) -> int:
        return sum(abs(w) for _, w in self.points())

    def apply(self, expr: sp.Expr, xs: Sequence[sp.Symbol]) -> sp.Expr:
        tot = sp.Integer(0)
        for p, w in self.points():
            tot += w * expr.subs({x: sp.Rational(v.numerator, v.denominator) for x, v in zip(xs, p)})
        return sp.nsimplify(sp.simplify(tot))

    def annihilates_degree(self, xs: Sequence[sp.Symbol], D: int) -> bool:
        """Exact check that L vanishes on every monomial of total degree ≤ D."""
        for exps in itertools.product(range(D + 1), repeat=len(xs)):
            if sum(exps) <= D:
                mono = sp.Mul(*[x ** k for x, k in zip(xs, exps)])
                if self.apply(mono, xs) != 0:
                    return False
        return True

    def in_box(self, lo: Fraction, hi: Fraction) -> bool:
        return all(lo <= v <= hi for p, _ in self.points() for v in p)

    def floor(self, expr: sp.Expr, xs: Sequence[sp.Symbol]) -> Fraction:
        val = self.apply(expr, xs)
        if not val.is_Rational:
            raise InvalidInputError(f"L(P) = {val} is not rational; use an interval enclosure")
        return Fraction(int(val.p), int(val.q)) .__abs__() / self.weight_norm()


def dictionary_degree_bound(dictionary: Sequence[str]) -> int:
    """Largest piece degree over a piecewise-polynomial dictionary (LA-I outputs are piecewise
    polynomials of at most this degree; polynomials when the dictionary has no breakpoints)."""
    from .activations import resolve_dictionary

    acts = resolve_dictionary(dictionary)
    if not all(a.is_piecewise_polynomial for a in acts):
        raise InvalidInputError(f"dictionary {tuple(dictionary)} is not piecewise polynomial")
    return max(a.max_degree for a in acts)


def quadratic_rank_floor(Q: Sequence[Sequence[Any]], m: int) -> Fraction:
    """Proved lower bound on ``½ σ_{m+1}(Q)`` for a rational symmetric Q.

    For ``P(x) = xᵀ Q x`` and any quadratic g whose form has rank ≤ m (every LA-I of width m over
    {Id, x²}), ``‖P − g‖_∞ ≥ ½ ‖Q − Q_g‖_2 ≥ ½ σ_{m+1}(Q)`` on ``[−1, 1]^d`` (second mixed
    differences at ``±(u ± v)/2`` and Eckart–Young).  Eigenvalues are isolated exactly by
    sympy's real-root isolation (rational intervals), so the bound is rigorous.

    Examples
    --------
    >>> quadratic_rank_floor([[0, sp.Rational(1, 2)], [sp.Rational(1, 2), 0]], 1)
    Fraction(1, 4)
    >>> quadratic_rank_floor([[0, sp.Rational(1, 2)], [sp.Rational(1, 2), 0]], 2)
    Fraction(0, 1)
    """
    M = sp.Matrix(Q)
    if M.shape[0] != M.shape[1] or M != M.T:
        raise ShapeError("Q must be a symmetric square matrix")
    n = M.shape[0]
    if m >= n:
        return Fraction(0)
    lam = sp.Symbol("lam")
    poly = sp.Poly(M.charpoly(lam).as_expr(), lam)
    lows = []
    for (a, b), mult in poly.intervals(eps=sp.Rational(1, 10**12)):
        a, b = Fraction(int(sp.Rational(a).p), int(sp.Rational(a).q)), Fraction(int(sp.Rational(b).p), int(sp.Rational(b).q))
        lo = Fraction(0) if a <= 0 <= b else min(abs(a), abs(b))
        lows += [lo] * mult
    lows.sort(reverse=True)
    return lows[m] / 2
