"""FFN claims on MoA gate statistics and on the ridge-jump functional (WWXSZ26)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

from expressivity.ffn.activations import PAPER_DICTIONARY
from expressivity.ffn.certificates import ridge_jump
from expressivity.ffn.gate_stats import hill_exact
from expressivity.ffn.layers import la_type1, moa_type1

from ..registry import Outcome, claim


@claim(
    "ffn.gates.hill_limiting_cases",
    statement="Hill numbers of normalised gates: D_q → exp(Shannon) as q → 1 (D_q → 1/max p as q → ∞ in full mode), D_0 = support size, D_2 = Kish ESS, D_∞ = 1/max p; uniform gives K, one-hot gives 1",
    source="Hill73 Hill numbers D_q (exponentials of Rényi entropies)",
    method="symbolic",
    has_full=True,
)
def _hill(full: bool) -> Outcome:
    q = sp.Symbol("q", positive=True)
    p = [sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(1, 6)]
    Dq = sp.Add(*[v ** q for v in p]) ** (1 / (1 - q))
    shannon = -sp.Add(*[v * sp.log(v) for v in p])
    # Rényi entropy H_q = log(Σ p^q)/(1 − q) → Shannon as q → 1 (l'Hôpital done by sympy)
    lim1 = sp.limit(sp.log(sp.Add(*[v ** q for v in p])) / (1 - q), q, 1)
    ok1 = sp.simplify(lim1 - shannon) == 0
    lim_inf = sp.limit(Dq, q, sp.oo) if full else None
    ok_inf = (sp.simplify(lim_inf - 2) == 0) if full else hill_exact([Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)], "inf") == 2
    pf = [Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)]
    ok2 = hill_exact(pf, 2) == Fraction(18, 7) == 1 / sum(v * v for v in pf)
    # D_2 = Kish ESS (Σw)²/Σw² for unnormalised weights w, as a sympy identity in symbols w1..w3
    w = sp.symbols("w1:4", positive=True)
    S = sp.Add(*w)
    ok_ess = sp.simplify(1 / sp.Add(*[(v / S) ** 2 for v in w]) - S ** 2 / sp.Add(*[v * v for v in w])) == 0
    ok0 = hill_exact(pf + [Fraction(0)], 0) == 3
    K = 7
    uni = [Fraction(1, K)] * K
    ok_uni = all(hill_exact(uni, qq) == K for qq in (0, 2, "inf")) and \
        sp.simplify(sp.exp(-K * sp.Rational(1, K) * sp.log(sp.Rational(1, K))) - K) == 0  # D_1 = exp(H) = K
    ok_one = all(hill_exact([Fraction(1)] + [Fraction(0)] * 6, qq) == 1 for qq in (0, 2, "inf"))
    ok = ok1 and ok_inf and ok2 and ok_ess and ok0 and ok_uni and ok_one
    return Outcome(ok, f"lim q→1: log D = H ({ok1}); lim q→∞ = 1/max ({ok_inf}); D_2 = 18/7, = Kish ESS as an identity "
                       f"({ok2 and ok_ess}); D_0 = support ({ok0}); uniform/one-hot ({ok_uni}/{ok_one})")


def _fd_jump(layer, y, h=1e-5):
    """Right minus left derivative of g along x2 at y, by Richardson-extrapolated one-sided differences (O(h²))."""
    y = np.asarray(y, dtype=np.float64)
    e = np.array([0.0, 1.0])
    g0 = layer(y)[0]

    def one_sided(s):
        D = lambda t: (layer(y + s * t * e)[0] - g0) / (s * t)  # noqa: E731
        return 2 * D(h) - D(2 * h)

    return one_sided(1.0) - one_sided(-1.0)


@claim(
    "ffn.ridge_jump.matches_finite_differences",
    statement="The ridge jump J_g computed from parameters equals the jump of ∂₂g measured by finite differences (LA-I and MoA-I nets)",
    source="expressivity ridge-jump lemma (reconstruction of the key step of WWXSZ26 Thms 4.1-4.2)",
    method="numeric",
)
def _ridge(full: bool) -> Outcome:
    R = sp.Rational
    la = la_type1(["relu", "leaky_relu", "relu2", "tanh"], alpha=[[1, 2, 3, 1], [2, -1, 0, 1], [1, 1, 1, 1]],
                  W1=[[0, 2], [0, -3], [1, 1]], W2=[[1, R(1, 2), 2]], b1=[0, 0, R(1, 3)])
    U = [[0, 0] for _ in PAPER_DICTIONARY]
    U[1] = [2, 0]
    moa = moa_type1(PAPER_DICTIONARY, W1=[[0, 1], [0, 2]], W2=[[1, -1]], U=U, c=[R(1, 2)] * 7)
    rows = []
    worst = 0.0
    for layer in (la, moa):
        for y1 in (R(-3, 5), R(1, 7), R(4, 5)):
            J = ridge_jump(layer, [0, 1], 0, [y1, 0])
            fd = _fd_jump(layer, [float(y1), 0.0])
            err = abs(float(J) - fd)
            worst = max(worst, err)
            rows.append({"class": layer.class_name, "y1": str(y1), "J": str(J), "finite_difference": fd})
    return Outcome(worst < 1e-6, f"max |J − finite difference| = {worst:.1e} (tolerance 1e-6) over {len(rows)} points", {"rows": rows})
