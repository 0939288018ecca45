"""Trained LA-I and MoA-I layers on T_2: L² error, measured derivative norm vs the certified floor, gate mixing."""

from __future__ import annotations

from matplotlib.figure import Figure

from expressivity.ffn.sweeps import floor_violations, sweep

from .registry import figure
from .style import figsize

__all__ = ["make", "trained_data"]


def trained_data(widths=(1, 2, 4, 8, 16, 32), max_iter: int = 100, seed: int = 0, progress: bool = False) -> dict:
    """Rows of the trained sweep ``T`` (LA-I and MoA-I of each width, all parameters trained; numeric)."""
    r = sweep("T", list(widths), seed=seed, progress=progress, max_iter=max_iter, moa=True)
    rows = r.rows
    return {"widths": [row.width for row in rows], "la_rmse": [row.rmse for row in rows],
            "moa_rmse": [row.moa_rmse for row in rows], "measured": [row.measured for row in rows],
            "floor": [row.floor for row in rows], "d1_mean": [row.moa_d1_mean for row in rows],
            "d1_quartiles": [list(row.moa_d1_quartiles) for row in rows], "violations": floor_violations(r),
            "max_iter": max_iter, "K": 7}


@figure("ffn_trained", "Trained LA-I vs MoA-I on T_2: L² error, measured ‖∂₂(T − g)‖ above the certified floor, "
                       "effective number of activations mixed by the trained MoA gates")
def make() -> Figure:
    data = trained_data(progress=True)
    w = data["widths"]
    fig = Figure(figsize=figsize(6.4), layout="constrained")
    ax1, ax2, ax3 = fig.subplots(3, 1)
    ax1.loglog(w, data["la_rmse"], "o-", label="LA-I (trained)")
    ax1.loglog(w, data["moa_rmse"], "s-", label="MoA-I (trained)")
    ax1.set_ylabel("L² error (rms)")
    ax1.set_title(f"T$_2$ on [-1,1]$^2$, all parameters trained (L-BFGS, {data['max_iter']} iterations)", fontsize=8)
    ax1.legend(fontsize=7)
    ax2.semilogx(w, data["measured"], "o-", label="measured sup|∂₂(T − g)| on a grid (numeric)")
    ax2.semilogx(w, data["floor"], "k--", label="certified floor ½ tanh 2 (interval)")
    ax2.set_ylabel("derivative norm")
    ax2.set_ylim(0, max(data["measured"]) * 1.1)
    ax2.legend(fontsize=7)
    lo = [q[0] for q in data["d1_quartiles"]]
    hi = [q[2] for q in data["d1_quartiles"]]
    ax3.semilogx(w, data["d1_mean"], "s-", color="C1", label="mean D$_1$ over test inputs")
    ax3.fill_between(w, lo, hi, color="C1", alpha=0.25, label="quartiles")
    ax3.axhline(data["K"], color="k", lw=0.8, ls=":")
    ax3.set_ylim(0.8, data["K"] + 0.3)
    ax3.set_xlabel("width m")
    ax3.set_ylabel("effective activations")
    ax3.set_title("trained MoA-I gates: Hill number D$_1$ of |π(x)|/Σ|π(x)| (K = 7)", fontsize=8)
    ax3.legend(fontsize=7, loc="lower left")
    return fig
