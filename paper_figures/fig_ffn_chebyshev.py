"""The certified Chebyshev floor E_λ (one-sided LA-II vs T_λ) and the ½tanh(λ) floor (LA-I vs T_λ)."""

from __future__ import annotations

from fractions import Fraction

from matplotlib.figure import Figure

from expressivity.ffn.chebyshev import REFERENCE_E_LAMBDA, chebyshev_affine_floor
from expressivity.ffn.intervals import float_down, float_up, tanh_enclosure
from expressivity.numbers import to_fraction

from .registry import figure
from .style import figsize

__all__ = ["floor_data", "make"]


def floor_data(lams=None, n_grid: int = 4001) -> dict:
    """Certified enclosures of ½E_λ and ½tanh λ for λ in ``lams`` (exact rationals)."""
    lams = [Fraction(k, 4) for k in range(1, 49)] if lams is None else [to_fraction(v, where="λ") for v in lams]
    rows = []
    for lam in lams:
        c = chebyshev_affine_floor(lam, n_grid)
        t = tanh_enclosure(lam)
        # bounds rounded in the safe direction (lower ends down, upper ends up)
        rows.append({"lambda": float(lam), "half_E_lo": float_down(c.enclosure.lo / 2), "half_E_hi": float_up(c.enclosure.hi / 2),
                     "half_tanh_lo": float_down(t.lo / 2)})
    return {"rows": rows}


@figure("ffn_chebyshev", "Certified derivative-norm floors against T_λ: ½tanh λ (LA-I) and ½E_λ (one-sided LA-II), "
                        "with independent float-LP values of E_λ")
def make() -> Figure:
    data = floor_data()
    fig = Figure(figsize=figsize(2.5))
    ax = fig.add_subplot()
    lam = [r["lambda"] for r in data["rows"]]
    ax.plot(lam, [r["half_tanh_lo"] for r in data["rows"]], label="LA-I: ½ tanh λ (interval)")
    ax.plot(lam, [r["half_E_lo"] for r in data["rows"]], "--", label="one-sided LA-II: ½ E$_λ$ (interval)")
    ax.plot([float(k) for k in REFERENCE_E_LAMBDA], [v / 2 for v in REFERENCE_E_LAMBDA.values()], "kx", ms=5,
            label="½ E$_λ$ by a float LP on 20 001 points\n(5 digits; an independent check)")
    ax.set_xlabel("λ")
    ax.set_ylabel("lower bound on ‖∂$_2$(T$_λ$ − g)‖$_∞$")
    ax.set_ylim(-0.02, 0.8)  # room for the legend above the curves
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    return fig
