"""L² error of the best weaker-class fit shrinks with width; the certified derivative gap does not."""

from __future__ import annotations

from matplotlib.figure import Figure

from expressivity.ffn.sweeps import default_widths, sweep

from .registry import figure
from .style import figsize

__all__ = ["sweep_data", "make"]


def sweep_data(max_width_1d: int = 1024, max_width_2d: int = 1024, seed: int = 0, progress: bool = False) -> dict:
    """Rows of the three sweeps: T_2 vs LA-I, f1 vs fixed ReLU, f1 vs fixed tanh."""
    out = {}
    for name, top in (("T", max_width_2d), ("f1_relu", max_width_1d), ("f1_tanh", max_width_1d)):
        r = sweep(name, default_widths(name, top), seed=seed, progress=progress, fit="lstsq")
        out[name] = {"widths": [row.width for row in r.rows], "rmse": [row.rmse for row in r.rows],
                     "certified": [row.certified for row in r.rows], "floor": [row.floor for row in r.rows]}
    return out


@figure("ffn_sweep", "Fits of the weaker class: L² error → 0 while the certified derivative gap stays (T_λ vs LA-I, f1 vs fixed)")
def make() -> Figure:
    data = sweep_data(progress=True)
    fig = Figure(figsize=figsize(6.6), layout="constrained")
    titles = {"T": "T$_2$ = tanh(2x$_1$)ReLU(x$_2$) vs LA-I", "f1_relu": "f$_1$ vs fixed ReLU (Type-I)",
              "f1_tanh": "f$_1$ vs fixed tanh (Type-I)"}
    floor_label = {"T": "class floor ½tanh 2 (all widths)", "f1_relu": "class floor 1/(m+1)", "f1_tanh": "class floor ½ (all widths)"}
    for i, name in enumerate(("T", "f1_relu", "f1_tanh")):
        ax = fig.add_subplot(3, 1, i + 1)
        d = data[name]
        ax.loglog(d["widths"], d["rmse"], "o-", label="L² error of LS fit (numeric)")
        ax.loglog(d["widths"], d["certified"], "s--", label="certified gap of that fit")
        ax.loglog(d["widths"], d["floor"], "k:", label=floor_label[name])
        if i == 2:
            ax.set_xlabel("width m")
        ax.set_title(titles[name])
        ax.grid(True, which="both", alpha=0.3)
        ax.set_ylabel("error / gap")
        ax.legend(fontsize=6)
    return fig
