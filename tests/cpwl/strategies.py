"""Hypothesis strategies for CPWL expressions with independent Python oracles (not a test module).

``expression_pairs`` draws ``(text_a, text_b, f)``: two texts of the *same* function, written with
different but equal constructions (max via relu, min via -max(-.,-.), abs via max, argument
orders, positive scalings moved inside relu), and ``f``, a Python closure evaluating it on
Fractions -- an oracle independent of the parser, the compiler and the equivalence decision.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

DIM = 3
rationals = st.builds(Fraction, st.integers(-6, 6), st.integers(1, 4))
points = st.lists(st.builds(Fraction, st.integers(-40, 40), st.integers(1, 9)), min_size=DIM, max_size=DIM)


def _q(v: Fraction) -> str:
    return f"({v.numerator}/{v.denominator})"


@st.composite
def expression_pairs(draw, depth: int = 3):
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            i = draw(st.integers(0, DIM - 1))
            return f"x{i + 1}", f"x{i + 1}", (lambda x, i=i: x[i])
        c = draw(rationals)
        return _q(c), _q(c), (lambda x, c=c: c)
    op = draw(st.sampled_from(["relu", "abs", "max", "min", "sum", "scale", "max3"]))
    a1, a2, fa = draw(expression_pairs(depth - 1))
    if op == "relu":
        return (f"relu({a1})", f"max({a2}, 0)" if draw(st.booleans()) else f"relu({a2})",
                lambda x: max(fa(x), Fraction(0)))
    if op == "abs":
        return f"abs({a1})", f"max({a2}, -({a2}))", lambda x: abs(fa(x))
    if op == "scale":
        c = draw(rationals.filter(lambda v: v > 0))
        return (f"{_q(c)}*relu({a1})", f"relu({_q(c)}*({a2}))", lambda x: c * max(fa(x), Fraction(0)))
    b1, b2, fb = draw(expression_pairs(depth - 1))
    if op == "max":
        alt = f"({b2}) + relu(({a2}) - ({b2}))" if draw(st.booleans()) else f"max({b2}, {a2})"
        return f"max({a1}, {b1})", alt, lambda x: max(fa(x), fb(x))
    if op == "min":
        return f"min({a1}, {b1})", f"-max(-({a2}), -({b2}))", lambda x: min(fa(x), fb(x))
    if op == "max3":
        c1, c2, fc = draw(expression_pairs(depth - 1))
        return (f"max({a1}, {b1}, {c1})", f"max(max({c2}, {a2}), {b2})", lambda x: max(fa(x), fb(x), fc(x)))
    return f"{a1} + {b1}", f"{b2} + {a2}", lambda x: fa(x) + fb(x)
