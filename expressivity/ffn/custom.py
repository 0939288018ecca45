"""User-defined activations and gates: from a formula (metadata derived) or a numpy callable (declared).

* :func:`activation_from_expression` parses a formula in ``x`` (the whitelist of
  :mod:`~expressivity.ffn.expressions`), splits it at the kinks of its Max/Min/Abs nodes and
  derives what the certificates use: rational breakpoints, the σ′ and σ″ jumps there (exact, from
  the sympy pieces), the polynomial degree of each piece and the smoothness class.  Each piece
  must be real-analytic on its interval (arguments of ``log``/``sqrt`` positive, denominators
  nonzero; established by sympy or refused) and the function continuous.  The numpy form is
  cross-checked against sympy's own evaluation of the unsplit formula.
* :func:`activation_from_callable` takes numpy ``fn`` and ``d1`` with *declared* metadata; the
  declaration is checked numerically (finite differences, a stated tolerance), never proved.
* :func:`gate_from_expression` / :func:`gate_from_callable` do the same for elementwise gates.
* :func:`as_activation` / :func:`as_gate`: a built-in name, a formula, or an object.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.calculus.util import continuous_domain

from ..exceptions import InvalidInputError
from .activations import _ACTIVATIONS, Activation, get_activation
from .expressions import ExpressionError, Piece, parse_formula, piecewise_analysis
from .gates import _GATES, Gate, get_gate

__all__ = [
    "CALLABLE_TOLERANCE",
    "activation_from_callable",
    "activation_from_expression",
    "as_activation",
    "as_gate",
    "check_activation",
    "gate_from_callable",
    "gate_from_expression",
]

#: relative tolerance of the numeric checks of declared callable metadata
CALLABLE_TOLERANCE = 1e-4
_PROBE = np.concatenate([np.linspace(-30.0, 30.0, 601), np.linspace(-3.0, 3.0, 241)])
_NUMPY_MODULES = [{"Max": np.maximum, "Min": np.minimum}, "scipy", "numpy"]


def _frac(v: sp.Expr, what: str) -> Fraction:
    v = sp.nsimplify(sp.simplify(v)) if not v.is_Rational else v
    if not v.is_Rational:
        raise ExpressionError(f"{what} is {v}, not a rational number; the certificates need rational breakpoint data")
    return Fraction(int(v.p), int(v.q))


def _interval(pc: Piece) -> sp.Interval:
    lo = -sp.oo if pc.lo is None else sp.Rational(pc.lo.numerator, pc.lo.denominator)
    hi = sp.oo if pc.hi is None else sp.Rational(pc.hi.numerator, pc.hi.denominator)
    return sp.Interval.open(lo, hi)


def _check_analytic(pc: Piece, x: sp.Symbol) -> None:
    """Refuse a piece that is not evidently real-analytic on its open interval."""
    conds = []
    for n in sp.preorder_traversal(pc.expr):
        if isinstance(n, sp.log):
            conds.append((n.args[0], "positive"))
        elif isinstance(n, sp.Pow) and n.args[0].has(x):
            p = n.args[1]
            if not p.is_Integer:
                conds.append((n.args[0], "positive"))
            elif p < 0:
                conds.append((n.args[0], "nonzero"))
    dom = _interval(pc)
    for u, kind in conds:
        probe = sp.log(u) if kind == "positive" else 1 / u
        try:
            ok = dom.is_subset(continuous_domain(probe, x, dom))
        except (NotImplementedError, ValueError, TypeError):
            ok = False
        if not ok:
            raise ExpressionError(f"could not establish that {u} is {kind} on {dom}: the piece {pc.expr} must be "
                                  "real-analytic there (use a formula whose log/sqrt arguments are positive and whose "
                                  "denominators do not vanish)")


def _piecewise_numpy(pieces: list[Piece], x: sp.Symbol, order: int) -> Callable[[np.ndarray], np.ndarray]:
    fns = [sp.lambdify(x, sp.diff(pc.expr, x, order) if order else pc.expr, modules=_NUMPY_MODULES) for pc in pieces]
    cuts = [float(pc.lo) for pc in pieces[1:]]

    def f(z):
        z = np.asarray(z, dtype=np.float64)
        out = np.empty_like(z)
        idx = np.searchsorted(cuts, z, side="right")  # right pieces at breakpoints: right derivatives
        for i, fn in enumerate(fns):
            sel = idx == i
            if np.any(sel):
                out[sel] = np.broadcast_to(fn(z[sel]), z[sel].shape)
        return out

    return f


def _derive(expr: sp.Expr, x: sp.Symbol, label: str):
    pieces = piecewise_analysis(expr, x)
    for pc in pieces:
        _check_analytic(pc, x)
    bps, j1s, j2s = [], [], []
    for left, right in zip(pieces[:-1], pieces[1:]):
        b = right.lo
        bs = sp.Rational(b.numerator, b.denominator)
        if sp.simplify((right.expr - left.expr).subs(x, bs)) != 0:
            raise ExpressionError(f"{label} is discontinuous at {b}; activations must be continuous")
        bps.append(b)
        j1s.append(_frac((sp.diff(right.expr, x) - sp.diff(left.expr, x)).subs(x, bs), f"the σ' jump of {label} at {b}"))
        j2s.append(_frac((sp.diff(right.expr, x, 2) - sp.diff(left.expr, x, 2)).subs(x, bs), f"the σ'' jump of {label} at {b}"))
    polys = [pc.expr.is_polynomial(x) for pc in pieces]
    degrees = tuple(0 if sp.expand(pc.expr) == 0 else int(sp.degree(sp.expand(pc.expr), x)) for pc in pieces) \
        if all(polys) else None
    if not bps:
        smooth = "polynomial" if degrees is not None else "analytic"
    else:
        smooth = "C1" if all(j == 0 for j in j1s) else "C0"
    return pieces, tuple(bps), tuple(j1s), tuple(j2s), degrees, smooth


def _cross_check(fn, expr, x, label) -> None:
    """numpy pieces vs sympy's evaluation of the unsplit formula at a few rational points (numeric, 1e-9)."""
    pts = [sp.Rational(k, 4) for k in (-13, -5, -2, -1, 1, 3, 7, 17)]
    with np.errstate(over="ignore", invalid="ignore"):
        got = fn(np.array([float(p) for p in pts]))
    want = np.array([float(sp.N(expr.subs(x, p), 30)) for p in pts])
    if np.all(np.isfinite(got)) and not np.allclose(got, want, rtol=1e-9, atol=1e-12):  # pragma: no cover
        raise ExpressionError(f"{label}: numpy pieces disagree with sympy ({got} vs {want})")
    with np.errstate(over="ignore", invalid="ignore"):
        vals = fn(_PROBE)
    if not np.all(np.isfinite(vals)):
        bad = float(_PROBE[~np.isfinite(vals)][0])
        raise ExpressionError(f"{label} is not finite in float64 at z = {bad:g}; rescale the formula")


def _check_name(name: str, taken) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidInputError("a user activation or gate needs a non-empty name of at most 200 characters")
    if name.strip().lower() in taken:
        raise InvalidInputError(f"name {name!r} is a built-in; choose another name for a user definition")
    return name.strip()


def activation_from_expression(text: str, *, name: str | None = None) -> Activation:
    """An activation from a formula in ``x``, with derived and checked metadata.

    Examples
    --------
    >>> a = activation_from_expression("x*tanh(x)")
    >>> a.smoothness, a.breakpoints, a.origin
    ('analytic', (), 'expression')
    >>> b = activation_from_expression("Max(x, 0) + Max(x, 0)**2", name="relu+relu2")
    >>> b.smoothness, b.breakpoints, b.d1_jumps, b.d2_jumps, b.piece_degrees
    ('C0', (Fraction(0, 1),), (Fraction(1, 1),), (Fraction(2, 1),), (0, 2))
    >>> float(b(np.array([0.5])).item())
    0.75
    """
    expr, (x,) = parse_formula(text, ("x",))
    label = _check_name(name or text, set(_ACTIVATIONS) | {"leaky_relu"})
    pieces, bps, j1s, j2s, degrees, smooth = _derive(expr, x, label)
    fn, d1 = _piecewise_numpy(pieces, x, 0), _piecewise_numpy(pieces, x, 1)
    _cross_check(fn, expr, x, label)
    exact_fn = None
    if degrees is not None:
        def exact_fn(z, pieces=pieces, bps=bps):
            i = sum(1 for b in bps if z >= b)
            v = pieces[i].expr.subs(x, sp.Rational(z.numerator, z.denominator))
            return Fraction(int(v.p), int(v.q))
    return Activation(label, fn, d1, lambda z: expr.xreplace({x: z}), smooth, bps, j1s, j2s, degrees,
                      description=str(expr), exact_fn=exact_fn, expression=text.strip(), origin="expression")


def activation_from_callable(fn: Callable, d1: Callable, *, name: str, smoothness: str, breakpoints: Sequence = (),
                             d1_jumps: Sequence = (), d2_jumps: Sequence | None = None,
                             piece_degrees: Sequence[int] | None = None, check: bool = True) -> Activation:
    """An activation from numpy ``fn`` and its derivative ``d1`` with declared metadata (checked numerically).

    ``d2_jumps`` defaults to zeros.  With ``check=True`` the declaration is tested by
    :func:`check_activation` (finite differences, relative tolerance :data:`CALLABLE_TOLERANCE`).
    Such an activation has no sympy form: ``sympy_outputs`` and layer files refuse it.

    Examples
    --------
    >>> sp_ = activation_from_callable(lambda z: np.logaddexp(0, z), lambda z: 1 / (1 + np.exp(-z)),
    ...                                name="softplus", smoothness="analytic")
    >>> round(float(sp_(np.array([0.0])).item()), 6)
    0.693147
    """
    label = _check_name(name, set(_ACTIVATIONS) | {"leaky_relu"})
    bps = tuple(Fraction(b) for b in breakpoints)
    j2 = tuple(Fraction(v) for v in d2_jumps) if d2_jumps is not None else tuple(Fraction(0) for _ in bps)

    def no_sym(z):
        raise InvalidInputError(f"activation {label} is a numpy callable and has no sympy form; give it as a formula")

    act = Activation(label, lambda z: np.asarray(fn(np.asarray(z, dtype=np.float64)), dtype=np.float64),
                     lambda z: np.asarray(d1(np.asarray(z, dtype=np.float64)), dtype=np.float64), no_sym, smoothness, bps,
                     tuple(Fraction(v) for v in d1_jumps), j2,
                     None if piece_degrees is None else tuple(int(v) for v in piece_degrees), origin="callable")
    if check:
        check_activation(act)
    return act


def _check_declared_smoothness(act: Activation) -> None:
    if act.smoothness in ("polynomial", "analytic") and act.breakpoints:
        raise InvalidInputError(f"activation {act.name}: a {act.smoothness} activation has no breakpoints")
    if act.smoothness == "C1" and any(j != 0 for j in act.d1_jumps):
        raise InvalidInputError(f"activation {act.name}: declared C1 but a σ' jump is nonzero")
    if act.smoothness == "C0" and act.breakpoints and all(j == 0 for j in act.d1_jumps):
        raise InvalidInputError(f"activation {act.name}: declared C0 but every σ' jump is 0 (declare C1)")


def check_activation(act: Activation, tol: float = CALLABLE_TOLERANCE) -> dict:
    """Independent check of an activation's metadata; returns what was checked and how.

    Formula activations: the σ′ jumps are recomputed from sympy's derivative of the *unsplit*
    formula (Heaviside/sign terms, no piece analysis) evaluated with 60 digits at ``b ± 10⁻³⁰``
    (agreement to 10⁻²⁰ required).  Callables: values finite on [−30, 30], ``d1`` against central
    differences away from breakpoints, σ′ jumps from one-sided values of ``d1`` and continuity at
    each breakpoint, and no undeclared jump of ``d1`` on a 10⁻³ grid of [−10, 10] (``numeric``,
    relative tolerance ``tol``).

    Raises
    ------
    InvalidInputError
        Naming the first declaration that fails.

    Examples
    --------
    >>> check_activation(activation_from_expression("Abs(x)"))["method"].split(",")[0]
    'symbolic derivation'
    """
    _check_declared_smoothness(act)
    if act.origin == "expression":
        expr, (x,) = parse_formula(act.expression, ("x",))
        d = sp.diff(expr, x)  # of the unsplit formula: sympy's own Heaviside/sign derivatives of Max/Min/Abs
        eps = sp.Rational(1, 10**30)
        for b, j1 in zip(act.breakpoints, act.d1_jumps):
            bs = sp.Rational(b.numerator, b.denominator)
            jump = (d.subs(x, bs + eps) - d.subs(x, bs - eps)).evalf(60)
            if not jump.is_number or abs(jump - sp.Rational(j1.numerator, j1.denominator)) > sp.Rational(1, 10**20):
                raise InvalidInputError(f"activation {act.name}: sympy's derivative jumps by {jump} across {b}, "
                                        f"metadata says {j1}")
        return {"name": act.name, "method": "symbolic derivation, re-checked at 60 digits 1e-30 either side",
                "breakpoints": [str(b) for b in act.breakpoints]}
    z = _PROBE
    v, g = act.fn(z), act.d1(z)
    if v.shape != z.shape or g.shape != z.shape or not (np.all(np.isfinite(v)) and np.all(np.isfinite(g))):
        raise InvalidInputError(f"activation {act.name}: fn and d1 must map arrays to finite arrays of the same shape")
    far = np.array([p for p in np.linspace(-5, 5, 401) if all(abs(p - float(b)) > 1e-3 for b in act.breakpoints)])
    h = 1e-6
    fd = (act.fn(far + h) - act.fn(far - h)) / (2 * h)
    if not np.allclose(act.d1(far), fd, rtol=tol, atol=tol):
        i = int(np.argmax(np.abs(act.d1(far) - fd)))
        raise InvalidInputError(f"activation {act.name}: d1({far[i]:g}) = {act.d1(far[i:i + 1])[0]:g} but finite "
                                f"differences give {fd[i]:g}")
    for b, j1 in zip(act.breakpoints, act.d1_jumps):
        bf, e = float(b), 1e-7
        jump = float(act.d1(np.array([bf + e]))[0] - act.d1(np.array([bf - e]))[0])
        gap = float(act.fn(np.array([bf + e]))[0] - act.fn(np.array([bf - e]))[0])
        if abs(jump - float(j1)) > tol * (1 + abs(float(j1))) or abs(gap) > 1e-5:
            raise InvalidInputError(f"activation {act.name}: at {b} the sampled σ' jump is {jump:.6g} (declared {j1}) "
                                    f"and the value jump {gap:.2g}")
    grid = np.linspace(-10, 10, 20001)
    dg = np.abs(np.diff(act.d1(grid)))
    for i in np.flatnonzero(dg > 0.05):
        mid = (grid[i] + grid[i + 1]) / 2
        fine = float(abs(act.d1(np.array([mid + 1e-9]))[0] - act.d1(np.array([mid - 1e-9]))[0]))
        if fine > 0.01 and all(abs(mid - float(b)) > 1e-3 for b in act.breakpoints):
            raise InvalidInputError(f"activation {act.name}: σ' jumps by about {fine:.3g} near {mid:.4g}, "
                                    "but no breakpoint is declared there")
    return {"name": act.name, "method": "numeric", "tolerance": tol, "breakpoints": [str(b) for b in act.breakpoints]}


_RANGES = {"signed": (-1.0, 1.0), "positive": (0.0, 1.0), "nonnegative": (0.0, np.inf), "real": (-np.inf, np.inf)}


def _check_range(fn, value_range: str, label: str) -> None:
    if value_range not in _RANGES:
        raise InvalidInputError(f"gate {label}: value_range must be one of {sorted(_RANGES)} (simplex is softmax only)")
    lo, hi = _RANGES[value_range]
    v = fn(_PROBE)
    if not np.all(np.isfinite(v)) or np.any(v < lo) or np.any(v > hi):
        raise InvalidInputError(f"gate {label}: sampled values leave the declared range {value_range} ({lo}, {hi})")


def gate_from_expression(text: str, *, name: str | None = None, value_range: str = "real") -> Gate:
    """An elementwise gate ``s(x)`` from a formula in ``x``; ``value_range`` is declared and sampled.

    Examples
    --------
    >>> g = gate_from_expression("x/(1 + Abs(x))", value_range="signed")
    >>> g.kinks, g.piecewise_linear, float(g.fn(np.array([1.0])).item())
    ((), False, 0.5)
    """
    expr, (x,) = parse_formula(text, ("x",))
    label = _check_name(name or text, set(_GATES))
    pieces, bps, j1s, _, degrees, _ = _derive(expr, x, f"gate {label}")
    fn, d1 = _piecewise_numpy(pieces, x, 0), _piecewise_numpy(pieces, x, 1)
    _cross_check(fn, expr, x, f"gate {label}")
    _check_range(fn, value_range, label)
    pl = degrees is not None and max(degrees) <= 1
    kinks = tuple(b for b, j in zip(bps, j1s) if j != 0)
    return Gate(label, fn, lambda zs: [expr.xreplace({x: z}) for z in zs], value_range, pl, kinks, d1=d1,
                expression=text.strip(), origin="expression")


def gate_from_callable(fn: Callable, d1: Callable, *, name: str, value_range: str = "real") -> Gate:
    """An elementwise gate from numpy ``fn`` and ``d1`` (range sampled, ``d1`` checked by finite differences).

    Examples
    --------
    >>> g = gate_from_callable(np.arctan, lambda z: 1 / (1 + z * z), name="arctan")
    >>> g.origin
    'callable'
    """
    label = _check_name(name, set(_GATES))
    f = lambda z: np.asarray(fn(np.asarray(z, dtype=np.float64)), dtype=np.float64)
    g = lambda z: np.asarray(d1(np.asarray(z, dtype=np.float64)), dtype=np.float64)
    _check_range(f, value_range, label)
    t = np.linspace(-5, 5, 201)
    fd = (f(t + 1e-6) - f(t - 1e-6)) / 2e-6
    if not np.allclose(g(t), fd, rtol=CALLABLE_TOLERANCE, atol=CALLABLE_TOLERANCE):
        raise InvalidInputError(f"gate {label}: d1 disagrees with finite differences of fn")

    def no_sym(zs):
        raise InvalidInputError(f"gate {label} is a numpy callable and has no sympy form; give it as a formula")

    return Gate(label, f, no_sym, value_range, False, (), d1=g, origin="callable")


def as_activation(spec) -> Activation:
    """A built-in name (``relu``, ``leaky_relu(1/10)``), an :class:`Activation`, or a formula in ``x``.

    Examples
    --------
    >>> as_activation("relu").origin, as_activation("x*sigmoid(x)").origin
    ('builtin', 'expression')
    """
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, dict):
        if "expression" in spec:
            return activation_from_expression(spec["expression"], name=spec.get("name"))
        return get_activation(spec.get("name"))
    try:
        return get_activation(spec)
    except InvalidInputError:
        if not isinstance(spec, str):
            raise
        return activation_from_expression(spec)


def as_gate(spec, value_range: str = "real") -> Gate:
    """A built-in gate name, a :class:`Gate`, or a formula in ``x`` (declared ``value_range``).

    Examples
    --------
    >>> as_gate("sigmoid").name, as_gate("x/sqrt(1 + x**2)", "signed").origin
    ('sigmoid', 'expression')
    """
    if isinstance(spec, Gate):
        return spec
    if isinstance(spec, dict):
        if "expression" in spec:
            return gate_from_expression(spec["expression"], name=spec.get("name"),
                                        value_range=spec.get("value_range", "real"))
        return get_gate(spec.get("name"))
    try:
        return get_gate(spec)
    except InvalidInputError:
        if not isinstance(spec, str):
            raise
        return gate_from_expression(spec, value_range=value_range)

