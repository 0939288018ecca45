"""FFN (MoA/LA) claims about the activation dictionary, nesting maps and overhead (WWXSZ26)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

from expressivity.ffn.activations import PAPER_DICTIONARY, activation_names, get_activation
from expressivity.ffn.layers import fixed_type1, fixed_type2, la_type1, la_type2, moa_type1, moa_type2, overhead
from expressivity.ffn.nesting import (fixed_to_la, fixed_to_moa, la_to_moa, positive_gate_width1_obstruction,
                                      sigmoid_embedding_homogeneous)

from ..registry import Outcome, claim


@claim(
    "ffn.activations.metadata_matches_sympy",
    statement="Breakpoints, σ'/σ'' jumps and piece degrees of every dictionary activation agree with the sympy polynomial pieces on either side of each breakpoint",
    source="WWXSZ26 activation dictionary, as reconstructed from the abstract and secondary accounts",
    method="symbolic",
)
def _metadata(full: bool) -> Outcome:
    z = sp.Symbol("z", real=True)
    rows = {}
    for name in activation_names() + ["leaky_relu(1/10)"]:
        a = get_activation(name)
        e = a.sym(z)
        for b, j1, j2 in zip(a.breakpoints, a.d1_jumps, a.d2_jumps):
            bb = sp.Rational(b.numerator, b.denominator)
            # the polynomial pieces on either side (Max/Min/Piecewise resolved a quarter away)
            left, right = _resolve(e, z, bb - sp.Rational(1, 4)), _resolve(e, z, bb + sp.Rational(1, 4))
            if sp.simplify((right - left).subs(z, bb)) != 0:
                return Outcome(False, f"{name} is discontinuous at {b}")
            s1 = sp.simplify((sp.diff(right, z) - sp.diff(left, z)).subs(z, bb))
            s2 = sp.simplify((sp.diff(right, z, 2) - sp.diff(left, z, 2)).subs(z, bb))
            if s1 != sp.Rational(j1.numerator, j1.denominator) or s2 != sp.Rational(j2.numerator, j2.denominator):
                return Outcome(False, f"{name} at {b}: sympy jumps ({s1}, {s2}) vs metadata ({j1}, {j2})")
        if a.piece_degrees is not None:
            edges = [-10] + [float(b) for b in a.breakpoints] + [10]
            for (lo, hi), deg in zip(zip(edges[:-1], edges[1:]), a.piece_degrees):
                mid = sp.Rational(int(4 * (lo + hi)), 8)
                piece = _resolve(e, z, mid)
                poly = sp.Poly(sp.expand(piece), z)
                got = 0 if poly.is_zero else poly.degree()
                if got != deg:
                    return Outcome(False, f"{name}: piece around {mid} has degree {got}, metadata says {deg}")
        rows[name] = {"breakpoints": [str(b) for b in a.breakpoints], "d1_jumps": [str(j) for j in a.d1_jumps]}
    return Outcome(True, f"{len(rows)} activations: jumps and piece degrees confirmed from the sympy pieces", rows)


def _resolve(e, z, mid):
    """The polynomial that a piecewise sympy form equals near z = mid (Max/Min/Piecewise resolved at mid)."""
    def pick(expr):
        if isinstance(expr, (sp.Max, sp.Min)):
            vals = [(arg, arg.subs(z, mid)) for arg in expr.args]
            best = (max if isinstance(expr, sp.Max) else min)(vals, key=lambda v: v[1])
            return pick(best[0])
        if isinstance(expr, sp.Piecewise):
            for val, cond in expr.args:
                if cond == sp.true or bool(cond.subs(z, mid)):
                    return pick(val)
        if expr.args:
            return expr.func(*[pick(a) for a in expr.args])
        return expr
    return pick(e)


def _same(a, b) -> bool:
    return sp.simplify(a.sympy_outputs()[0] - b.sympy_outputs()[0]) == 0


@claim(
    "ffn.nesting.fixed_in_la_in_moa",
    statement="Fixed ⊆ LA ⊆ MoA(tanh gate with bias): the one-hot and artanh maps give the same function (sympy identity)",
    source="WWXSZ26 nesting fixed ⊆ LA ⊆ MoA (abstract); expressivity exact embedding maps",
    method="symbolic",
)
def _nesting(full: bool) -> Outcome:
    R = sp.Rational
    cases = {
        "Fixed-I[relu]": fixed_type1("relu", [[1, -2], [R(1, 3), 1]], [[2, -1]], b1=[R(1, 2), 0]),
        "Fixed-I[tanh]": fixed_type1("tanh", [[1, 1]], [[3]]),
        "SwiGLU": fixed_type2("silu", [[1, 2]], [[-1, 1]], [[R(1, 2)]], b2=[1]),
        "ReGLU": fixed_type2("relu", [[2, 0], [1, 1]], [[0, 1], [1, 0]], [[1, -1]]),
    }
    checked = []
    for name, f in cases.items():
        la = fixed_to_la(f, PAPER_DICTIONARY)
        moa = la_to_moa(la, "tanh")
        if not (_same(f, la) and _same(la, moa)):
            return Outcome(False, f"{name}: nesting changed the function")
        checked.append(f"{name} → {la.class_name} → {moa.class_name}")
        if f.ffn_type == "II":
            bi = fixed_to_moa(f, PAPER_DICTIONARY, variant="bi")
            if not _same(f, bi):
                return Outcome(False, f"{name}: bi-sided nesting changed the function")
            checked.append(f"{name} → {bi.class_name}")
    # sign-mixed LA with per-neuron (proportional) coefficients and a rank-1 quadratic LA
    la = la_type1(["relu", "tanh", "relu2"], alpha=[[1, -2, 3], [2, -4, 6]], W1=[[1, 2], [3, -1]], W2=[[1, -1]], b1=[1, 0])
    q = la_type2("quad", ["relu", "id"], W1=[[1, 2]], W2=[[R(1, 2), 1]], W3=[[2]], gamma=[[1, 2], [3, 6]])
    for name, l in (("per-neuron LA-I", la), ("rank-1 quad LA-II", q)):
        if not _same(l, la_to_moa(l)):
            return Outcome(False, f"{name}: LA → MoA changed the function")
        checked.append(name)
    return Outcome(True, f"{len(checked)} maps verified as sympy identities", {"maps": checked})


@claim(
    "ffn.nesting.sigmoid_equal_width_obstruction",
    statement="Width-1 LA-I ReLU − ReLU² is not a width-1 MoA-I with any nonnegative gates (sigmoid/softmax)",
    source="expressivity own proof (does sigmoid-MoA contain LA at equal width?)",
    method="exact",
)
def _sig_obstruction(full: bool) -> Outcome:
    r = positive_gate_width1_obstruction()
    return Outcome(r["holds"], f"φ = {r['phi']} takes {r['values']} at {r['points']}; dictionary ≥ 0: {r['dictionary_nonnegative']}", r)


@claim(
    "ffn.nesting.sigmoid_width_k_embedding",
    statement="LA-I of width m over homogeneous {ReLU, ReLU²} equals a sigmoid-MoA-I of width 2m (zero gates, Vandermonde weights)",
    source="expressivity own construction for homogeneous dictionaries",
    method="symbolic",
)
def _sig_embedding(full: bool) -> Outcome:
    R = sp.Rational
    layers = [la_type1(["relu", "relu2"], alpha=[1, -1], W1=[[1]], W2=[[1]]),
              la_type1(["relu", "relu2"], alpha=[R(-2, 3), 5], W1=[[1, -1], [2, 1]], W2=[[1, R(1, 2)]], b1=[1, -1])]
    if full:
        layers.append(la_type1(["id", "relu2"], alpha=[3, -7], W1=[[1, 2], [0, 1], [1, 1]], W2=[[1, -1, 2]]))
    out = []
    for la in layers:
        moa = sigmoid_embedding_homogeneous(la)
        ok = _same(la, moa)
        if not ok:
            # Max-terms: confirm on both sides of every kink at exact points as well
            xs = [sp.Symbol(f"x{i + 1}", real=True) for i in range(la.in_dim)]
            diff = moa.sympy_outputs(xs)[0] - la.sympy_outputs(xs)[0]
            pts = [[R(a, 3), R(b, 5)][: la.in_dim] for a in range(-4, 5) for b in (-3, 2)]
            ok = all(sp.simplify(diff.subs(dict(zip(xs, p)))) == 0 for p in pts)
        if not ok:
            return Outcome(False, f"{la.class_name}: embedding differs")
        out.append(f"width {la.width} → {moa.class_name} width {moa.width}")
    return Outcome(True, "; ".join(out), {"cases": out})


@claim(
    "ffn.overhead.parameter_formulas",
    statement="Extra parameters of LA/MoA over fixed FFNs are K, 2K, K², Kd+K, 2Kd+2K; bi-MoA adds ≈ 2K/(3m) (0.09% at d=2048, m=5461, K=7)",
    source="WWXSZ26 Table 4 discussion (as reported by secondary accounts); expressivity parameter counts",
    method="exact",
)
def _overhead(full: bool) -> Outcome:
    d, m, K = 3, 4, len(PAPER_DICTIONARY)
    rng = np.random.default_rng(0)
    W = lambda r, c: rng.normal(size=(r, c))  # noqa: E731
    fixed1 = fixed_type1("relu", W(m, d), W(d, m))
    fixed2 = fixed_type2("silu", W(m, d), W(m, d), W(d, m))
    layers = {
        "la1": la_type1(PAPER_DICTIONARY, np.ones(K), W(m, d), W(d, m)),
        "la2_one": la_type2("one", PAPER_DICTIONARY, W(m, d), W(m, d), W(d, m), alpha=np.ones(K)),
        "la2_bi": la_type2("bi", PAPER_DICTIONARY, W(m, d), W(m, d), W(d, m), alpha=np.ones(K), beta=np.ones(K)),
        "la2_quad": la_type2("quad", PAPER_DICTIONARY, W(m, d), W(m, d), W(d, m), gamma=np.ones((K, K))),
        "moa1": moa_type1(PAPER_DICTIONARY, W(m, d), W(d, m), W(K, d), np.zeros(K)),
        "moa2_one": moa_type2("one", PAPER_DICTIONARY, W(m, d), W(m, d), W(d, m), W(K, d), np.zeros(K)),
        "moa2_bi": moa_type2("bi", PAPER_DICTIONARY, W(m, d), W(m, d), W(d, m), W(K, d), np.zeros(K), W(K, d), np.zeros(K)),
    }
    rows = {}
    for design, layer in layers.items():
        base = fixed1 if layer.ffn_type == "I" else fixed2
        counted = layer.n_params - base.n_params
        o = overhead(design, d, m, K)
        rows[design] = {"counted": counted, "formula": o["extra_params"]}
        if counted != o["extra_params"] or base.n_params != o["base_params"]:
            return Outcome(False, f"{design}: counted {counted} extra, formula {o['extra_params']}", rows)
    o = overhead("moa2_bi", 2048, 5461, 7)
    rel = o["relative_params_exact"]
    approx = Fraction(2 * 7, 3 * 5461)
    ok = rel < Fraction(1, 1000) and abs(rel - approx) < Fraction(1, 10**6)
    return Outcome(ok, f"counts match formulas for {len(rows)} designs; bi-MoA relative overhead {float(rel):.5%} "
                       f"(2K/(3m) = {float(approx):.5%})", {"designs": rows, "relative": str(rel)})
