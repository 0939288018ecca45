"""FFN separation claims: fixed ⊊ LA ⊊ MoA with certified gaps (WWXSZ26 Thms 4.1-4.2 and extensions).

Gaps are proved lower bounds: exact rationals (method ``exact``), or interval enclosures (mpmath.iv
with outward rounding, exact rational ends; method ``interval``) of transcendental quantities such
as tanh(λ) -- re-checked certificates, never fits.  Interval results are cross-checked against an
independent high-precision evaluation of their closed form (:func:`_hp_contains`).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from expressivity.exceptions import DegenerateInputError
from expressivity.ffn.certificates import f1_derivative_gap, ridge_jump
from expressivity.ffn.chebyshev import REFERENCE_E_LAMBDA, chebyshev_affine_floor
from expressivity.ffn.intervals import Enclosure
from expressivity.ffn.layers import fixed_type1, la_type1, la_type2
from expressivity.ffn.sweeps import la1_jump_exact, sweep
from expressivity.ffn.witnesses import get_witness

from ..registry import Outcome, claim


def _mpf(f: Fraction) -> mpmath.mpf:
    return mpmath.mpf(f.numerator) / f.denominator


def _hp_contains(enc: Enclosure, closed_form, *, max_width: Fraction = Fraction(1, 10**30)) -> str | None:
    """None if the 50-digit mpmath value of ``closed_form()`` lies in ``enc`` and ``enc`` is tighter than
    ``max_width``; otherwise what went wrong.  Independent of the interval code (plain mpmath, closed form)."""
    with mpmath.workdps(50):
        v = closed_form()
        slack = mpmath.mpf(10) ** -45  # the 50-digit value is within 1e-49 of the true one
        if not (_mpf(enc.lo) <= v + slack and v - slack <= _mpf(enc.hi)):
            return f"enclosure [{float(enc.lo)}, {float(enc.hi)}] misses the 50-digit value {mpmath.nstr(v, 20)}"
    if enc.width >= max_width:
        return f"enclosure width {float(enc.width):.2e} is not below {float(max_width):.0e}"
    return None


def _rep(w) -> str | None:
    if not w.representation_identity():
        return f"{w.name}: the stronger layer does not simplify to the target"
    err = w.max_forward_error(500, seed=1)
    if err > 1e-15:
        return f"{w.name}: float64 forward differs from the target by {err:.2e}"
    return None


@claim(
    "ffn.fixed_vs_la.type1_f1",
    statement="f1 = ReLU + ReLU² is a width-1 LA-I; every fixed Type-I net is ≥ 1/2 (σ ∈ C¹), ≥ 1/(m+1) (ReLU/LeakyReLU/hardtanh, width m), ≥ 3/2 (Id) away in ‖·'‖_∞",
    source="WWXSZ26 Thm 4.1",
    method="exact",
    has_full=True,
)
def _f1(full: bool) -> Outcome:
    w = get_witness("f1")
    bad = _rep(w)
    if bad:
        return Outcome(False, bad)
    data = {}
    for act in ("gelu", "gelu_tanh", "silu", "tanh", "relu2"):
        c = w.certify(None, activation=act)
        data[act] = str(c.lower_bound)
        if c.lower_bound != Fraction(1, 2):
            return Outcome(False, f"{act}: bound {c.lower_bound}, expected 1/2", data)
    # counting bound, and a construction showing it is tight up to 1/m vs 1/(m+1)
    M = 24 if full else 8
    for m in range(1, M + 1):
        c = w.certify(m, activation="relu")
        knots = [Fraction(j, m) for j in range(m)]
        # g' = 1 + (2j+1)/m on [j/m, (j+1)/m): the midpoint slope of f1' on each piece
        slopes = [1 + Fraction(2 * j + 1, m) for j in range(m)]
        a = [slopes[0]] + [slopes[j] - slopes[j - 1] for j in range(1, m)]
        g = fixed_type1("relu", [[1]] * m, [a], b1=[-k for k in knots])
        gap = f1_derivative_gap(g)
        if not (c.lower_bound == Fraction(1, m + 1) <= gap == Fraction(1, m)):
            return Outcome(False, f"m={m}: floor {c.lower_bound}, construction gap {gap}")
    # the bound also holds for random ReLU / hardtanh nets (exact gaps from their parameters; a hardtanh
    # neuron has two breakpoints but only one upward jump of g', which is what the bound counts)
    rng = np.random.default_rng(0)
    for trial in range(40 if full else 10):
        m = int(rng.integers(1, 9))
        for act in ("relu", "hardtanh"):
            g = fixed_type1(act, rng.normal(size=(m, 1)) * 3, rng.normal(size=(1, m)), rng.normal(size=m))
            if f1_derivative_gap(g) < Fraction(1, m + 1) or w.certify(m, activation=act).lower_bound != Fraction(1, m + 1):
                return Outcome(False, f"random {act} net of width {m} beats the counting bound")
    data["counting"] = f"1/(m+1) ≤ inf ≤ 1/m verified for m = 1..{M}"
    return Outcome(True, f"identity holds; C¹ classes ≥ 1/2; ReLU width m: 1/(m+1) ≤ best ≤ 1/m (m ≤ {M})", data)


@claim(
    "ffn.fixed_vs_la.type2_f2",
    statement="f2 = ReLU + tanh is a width-1 one-sided LA-II; fixed Type-II nets are ≥ 1/2 away (analytic σ) and ≥ c/(m+1) away in a higher derivative norm (piecewise-polynomial σ)",
    source="expressivity Type-II witness f2 (own reconstruction of the WWXSZ26 Type-II separation)",
    method="interval",
)
def _f2(full: bool) -> Outcome:
    w = get_witness("f2")
    bad = _rep(w)
    if bad:
        return Outcome(False, bad)
    data = {}
    for act in ("gelu", "silu", "tanh"):
        c = w.certify(None, activation=act)
        data[act] = str(c.lower_bound)
        if c.lower_bound != Fraction(1, 2):
            return Outcome(False, f"{act}: {c.lower_bound}")
    for act in ("relu", "leaky_relu", "relu2", "id"):
        for m in (1, 4, 64):
            c = w.certify(m, activation=act)
            if not c.positive:
                return Outcome(False, f"{act}, m={m}: no positive bound")
            data[f"{act}@{m}"] = f"{float(c.lower_bound):.6g} in {c.norm}"
            ref = ((lambda m=m: 4 * mpmath.sqrt(3) / 9 / (2 * (m + 1))) if act != "relu2" else
                   (lambda m=m: (2 - 2 * (1 - mpmath.tanh(1) ** 2) * (1 - 3 * mpmath.tanh(1) ** 2)) / (2 * (m + 1))))
            if act == "id":
                ref = lambda: 2 * mpmath.sqrt(3) / 9  # noqa: E731  (polynomial σ: one piece at every width)
            bad = _hp_contains(c.enclosure, ref)
            if bad:
                return Outcome(False, f"{act}, m={m}: {bad}", data)
    return Outcome(True, "analytic σ: 1/2; ReLU/LeakyReLU/Id: ‖(f2−g)''‖ ≥ (2√3/9)/(m+1); ReLU²: ‖(f2−g)'''‖ ≥ (2+tanh'''(1))/(2(m+1))", data)


@claim(
    "ffn.la_vs_moa.type1_t",
    statement="T_λ = tanh(λx1)·ReLU(x2) is a width-1 MoA-I (tanh gate); every LA-I net of any width has ‖∂₂(T_λ − g)‖_∞ ≥ ½ tanh(λ)",
    source="WWXSZ26 Thm 4.2",
    method="interval",
    has_full=True,
)
def _T(full: bool) -> Outcome:
    data = {}
    for lam in ([Fraction(1, 2), 1, 2, 5] if not full else [Fraction(1, 10), Fraction(1, 2), 1, 2, 5, 10]):
        w = get_witness("T", lam)
        bad = _rep(w)
        if bad:
            return Outcome(False, bad)
        c = w.certify()
        # independent oracle: ½ tanh(λ) from its closed form in 50-digit mpmath (not the ridge jumps, not mpmath.iv)
        bad = _hp_contains(c.enclosure, lambda lam=lam: mpmath.tanh(_mpf(Fraction(lam))) / 2)
        if bad or c.lower_bound != c.enclosure.lo or not c.positive:
            return Outcome(False, f"λ={lam}: {bad or 'the certified bound is not the lower end of its enclosure'}")
        data[str(lam)] = float(c.lower_bound)
    # the lemma's mechanism: for LA-I nets the jump is the same at every generic point of H (exact)
    rng = np.random.default_rng(1)
    for trial in range(3 if not full else 10):
        m = 3
        W1 = [[int(v) for v in rng.integers(-2, 3, 2)] for _ in range(m)]
        W1[0] = [0, 2]
        g = la_type1(["relu", "relu2", "leaky_relu", "tanh"], alpha=[[int(v) for v in rng.integers(-3, 4, 4)] for _ in range(m)],
                     W1=W1, W2=[[int(v) for v in rng.integers(-3, 4, m)]], b1=[0] + [int(v) for v in rng.integers(-1, 2, m - 1)])
        vals = set()
        for y1 in (Fraction(1, 3), Fraction(-2, 7), Fraction(5, 11)):
            try:
                vals.add(ridge_jump(g, [0, 1], 0, [y1, 0]))
            except DegenerateInputError:  # a point on another kink: skip it, the lemma excludes it
                continue
        if len(vals) > 1 or (vals and sp.Rational(la1_jump_exact(g, 1)) != next(iter(vals))):
            return Outcome(False, f"LA-I jump not constant: {vals}")
    return Outcome(True, "½ tanh(λ) certified: " + ", ".join(f"λ={k}: {v:.6f}" for k, v in data.items()), data)


@claim(
    "ffn.la_vs_moa.sigmoid_t",
    statement="With the deployed sigmoid gate, a width-1 MoA-I is ≥ ¼ tanh(λ/2) away from every LA-I net in ‖∂₂·‖_∞",
    source="expressivity sigmoid-gate variant of WWXSZ26 Thm 4.2 (own proof)",
    method="interval",
)
def _T_sig(full: bool) -> Outcome:
    data = {}
    for lam in (1, 2, 5):
        w = get_witness("T_sigmoid", lam)
        bad = _rep(w)
        if bad:
            return Outcome(False, bad)
        c = w.certify()
        bad = _hp_contains(c.enclosure, lambda lam=lam: mpmath.tanh(mpmath.mpf(lam) / 2) / 4)
        if bad:
            return Outcome(False, f"λ={lam}: ¼tanh(λ/2): {bad}")
        data[lam] = float(c.lower_bound)
    return Outcome(True, "¼ tanh(λ/2): " + ", ".join(f"λ={k}: {v:.6f}" for k, v in data.items()), data)


@claim(
    "ffn.la_vs_moa.one_sided_type2",
    statement="T_λ is a width-1 one-sided MoA-II; one-sided LA-II nets are ≥ ½ E_λ away, E_λ (certified) = 0.00925, 0.05462, 0.19912, 0.47884, 0.65696 at λ = 1/2, 1, 2, 5, 10",
    source="expressivity one-sided Type-II extension of WWXSZ26 Thm 4.2 with certified E_λ (own proof)",
    method="interval",
    has_full=True,
)
def _T_one(full: bool) -> Outcome:
    w = get_witness("T_one", 2)
    bad = _rep(w)
    if bad:
        return Outcome(False, bad)
    data = {}
    for lam, published in REFERENCE_E_LAMBDA.items():
        c = chebyshev_affine_floor(lam, 20001 if full else 4001)
        lo, hi = float(c.enclosure.lo), float(c.enclosure.hi)
        data[str(lam)] = [lo, hi]
        if not (hi - lo < 1e-6 and abs(lo - published) < 5e-6 * max(1, published / 0.1)):
            return Outcome(False, f"λ={lam}: E ∈ [{lo}, {hi}], published {published}", data)
    # one-sided LA-II: its ridge jump across x2 = 0 is affine in x1 (checked on an exact net)
    g = la_type2("one", ["relu", "tanh"], W1=[[0, 3], [1, 1]], W2=[[1, 2], [0, 1]], W3=[[1, -2]], alpha=[2, 1], b2=[1, 0])
    y1 = sp.Symbol("y1", real=True)
    J = ridge_jump(g, [0, 1], 0, [y1, 0], check_generic=False)
    if sp.Poly(sp.expand(J), y1).degree() > 1:
        return Outcome(False, f"one-sided LA-II jump {J} is not affine")
    return Outcome(True, "E_λ enclosures match the published table to 5 digits; ½E_2 = "
                   f"{float(chebyshev_affine_floor(2, 2001).enclosure.lo) / 2:.6f}", data)


@claim(
    "ffn.la_vs_moa.bisided_t3",
    statement="T3 = tanh(λx1)ReLU(x2)ReLU(x3) is a width-1 bi-MoA and no bi-/quad-LA of any width: its second-order ridge jump tanh(λx1) is non-constant",
    source="expressivity bi-sided extension of WWXSZ26 Thm 4.2 (own proof, a norm floor is open)",
    method="interval",
)
def _T3(full: bool) -> Outcome:
    w = get_witness("T3", 2)
    bad = _rep(w)
    if bad:
        return Outcome(False, bad)
    c = w.certify()
    # a bi-LA and a quad-LA: their second-order jump is constant in y1
    y1, y3 = sp.symbols("y1 y3", real=True)
    from expressivity.ffn.certificates import sympy_jump

    bi = la_type2("bi", ["relu", "tanh"], W1=[[0, 1, 0], [1, 1, 0]], W2=[[0, 0, 1], [1, 0, 1]], W3=[[1, 2]],
                  alpha=[1, 2], beta=[3, 1])
    J = ridge_jump(bi, [0, 1, 0], 0, [y1, 0, y3], check_generic=False)
    J2 = sympy_jump(J, y3, 0)
    const = sp.diff(J2, y1) == 0
    bad = _hp_contains(c.enclosure, lambda: mpmath.tanh(2))  # (J2(1) − J2(−1))/2 = tanh λ, λ = 2
    if bad:
        return Outcome(False, f"T3 witness value: {bad}")
    return Outcome(c.positive and const and c.kind == "non_representability", f"T3: sup|J2_T − c| ≥ {float(c.lower_bound):.6f} (interval); bi-LA example J2 = {J2} (constant)",
                   {"T3_J": c.data.get("J"), "T3_J2": c.data.get("J2"), "bi_LA_J2": str(J2)})


@claim(
    "ffn.pl.moa_curvature",
    statement="hardtanh(x1)·ReLU(x2) is a width-1 MoA-I over a PL dictionary with a PL gate; PL LA-I nets are ≥ 1/2 away in ‖∂₂·‖_∞ (any width) and ≥ 1/(8(3m+1)²) in sup norm (width m)",
    source="expressivity piecewise-linear witness, own proof by ridge jumps and breakpoint counting",
    method="exact",
)
def _pl(full: bool) -> Outcome:
    w = get_witness("pl")
    bad = _rep(w)
    if bad:
        return Outcome(False, bad)
    c = w.certify()
    ok = c.lower_bound == Fraction(1, 2)
    rows = {m: str(w.certify(m).lower_bound) for m in (1, 2, 8, 64)}
    ok = ok and all(Fraction(v) == Fraction(1, 8 * (3 * m + 1) ** 2) for m, v in rows.items())
    # the counting floor is below the actual longest-piece floor of random PL nets (exact)
    from expressivity.ffn.certificates import pl_segment_sup_floor
    from expressivity.ffn.activations import PL_DICTIONARY

    rng = np.random.default_rng(3)
    for m in (1, 3, 6):
        g = la_type1(PL_DICTIONARY, alpha=rng.normal(size=(m, 4)), W1=rng.normal(size=(m, 2)), W2=rng.normal(size=(1, m)),
                     b1=rng.normal(size=m))
        if pl_segment_sup_floor(g, (0, 0), (1, 1)) < w.certify(m).lower_bound:
            return Outcome(False, f"random PL net of width {m} has more pieces than the counting bound allows")
    return Outcome(ok, f"derivative floor {c.lower_bound}; sup floors {rows}", {"sup_floors": rows})


@claim(
    "ffn.poly.cubic_degree",
    statement="x1·x2² is a width-1 MoA-I over {Id, x²} (hardtanh gate, linear on [−1,1]); every LA-I over {Id, x²} of any width is ≥ 1/2 away in sup norm",
    source="expressivity polynomial witness, degree certificate by an annihilating difference functional",
    method="exact",
)
def _cubic(full: bool) -> Outcome:
    w = get_witness("poly_cubic")
    bad = _rep(w)
    if bad:
        return Outcome(False, bad)
    c = w.certify()
    from expressivity.ffn.certificates import dictionary_degree_bound

    deg = dictionary_degree_bound(("id", "square"))
    return Outcome(c.lower_bound == Fraction(1, 2) and deg == 2, f"LA-I degree ≤ {deg}; {c.statement}; gap ≥ {c.lower_bound}")


@claim(
    "ffn.poly.rank_width1",
    statement="x1·x2 is a width-1 MoA-I over {Id, x²}; LA-I over {Id, x²} of width 1 is ≥ 1/4 away (sup norm), width 2 represents it exactly",
    source="expressivity polynomial witness, rank certificate",
    method="exact",
)
def _rank(full: bool) -> Outcome:
    w = get_witness("poly_rank")
    bad = _rep(w)
    if bad:
        return Outcome(False, bad)
    c1, c2 = w.certify(1), w.certify(2)
    x1, x2 = sp.symbols("x1 x2", real=True)
    g2 = la_type1(("id", "square"), alpha=[0, 1], W1=[[1, 1], [1, -1]], W2=[[sp.Rational(1, 4), -sp.Rational(1, 4)]])
    exact2 = sp.expand(g2.sympy_outputs([x1, x2])[0]) == x1 * x2
    return Outcome(c1.lower_bound == Fraction(1, 4) and c2.lower_bound == 0 and exact2,
                   f"width 1: gap ≥ {c1.lower_bound}; width 2: {g2.sympy_outputs([x1, x2])[0]} = x1·x2 exactly")


@claim(
    "ffn.sweep.l2_shrinks_floor_stays",
    statement="Least-squares LA-I fits of T_2 get L² error → 0 with width, while the sampled ‖∂₂(T − g)‖_∞ of every fit "
              "stays above both the certified gap of that fit and the class floor ½ tanh 2",
    source="expressivity numerical check of WWXSZ26 Thm 4.2",
    method="numeric",
    has_full=True,
)
def _sweep(full: bool) -> Outcome:
    widths = [1, 4, 16, 64, 256] if full else [1, 4, 16]
    r = sweep("T", widths, seed=0, progress=False, fit="lstsq")
    rm = [row.rmse for row in r.rows]
    shrinks = rm[-1] < rm[0] / 10
    # `measured` is max |∂₂(T − g)| at sample points (float64, including (±1, ±1e-9) beside the ridge):
    # a value the norm really takes, computed without the jump lemma.  A wrong floor or a wrong
    # per-fit certificate (too large) would exceed it.
    tol = lambda v: 1e-6 * max(1.0, v)  # noqa: E731  (one-sided values sampled 1e-9 off the ridge)
    bad = [row.width for row in r.rows
           if not (row.floor <= row.measured + tol(row.measured) and row.certified <= row.measured + tol(row.measured))]
    details = ("rmse " + ", ".join(f"{v:.2e}" for v in rm) + "; sampled ‖∂₂(T − g)‖ " +
               ", ".join(f"{row.measured:.4f}" for row in r.rows) + f" ≥ certified gaps ≥ floor {r.rows[0].floor:.4f}")
    if bad:
        details += f"; the sampled norm is below a certified value at widths {bad}"
    return Outcome(shrinks and not bad, details, r.to_json())
