"""Hidden layers needed for MAX_m: the log2 / log3 / log5 upper bounds and the exact values."""

from __future__ import annotations

from matplotlib.figure import Figure

from expressivity.relu.depth_bounds import depth_bound_table

from .registry import figure
from .style import figsize

__all__ = ["depth_bounds_data", "make"]


def depth_bounds_data(m_max: int = 64) -> dict:
    """Columns of the depth-bound table for m = 2..m_max (``None`` where a bound does not apply)."""
    rows = depth_bound_table(range(2, m_max + 1))
    return {
        "m": [r.m for r in rows],
        "log2": [r.log2 for r in rows],
        "log3": [r.log3 for r in rows],
        "log5": [r.log5 for r in rows],
        "exact": [r.exact for r in rows],
        "first_open": min(r.m for r in rows if r.exact is None),
    }


@figure("relu_depth_bounds", "Hidden layers for MAX_m: tree (log2), Bakaev et al. (log3), Rueß et al. (log5), exact values")
def make() -> Figure:
    d = depth_bounds_data()
    fig = Figure(figsize=figsize(2.5))
    ax = fig.add_subplot()
    for key, label, style in (("log2", "binary tree  ⌈log$_2$ m⌉", "-"),
                              ("log3", "Bakaev et al.  ⌈log$_3$(m−2)⌉+1", "--"),
                              ("log5", "Rueß et al.  ⌈log$_5$(m/2)⌉+1", ":")):
        pts = [(m, v) for m, v in zip(d["m"], d[key]) if v is not None]
        ax.step([p[0] for p in pts], [p[1] for p in pts], where="post", ls=style, label=label)
    ex = [(m, v) for m, v in zip(d["m"], d["exact"]) if v is not None]
    ax.plot([p[0] for p in ex], [p[1] for p in ex], "ko", ms=3, label="exact (known)")
    ax.axvline(d["first_open"], color="0.6", lw=0.8)
    ax.text(d["first_open"] + 0.8, max(d["log2"]) + 0.55, f"m = {d['first_open']}: first open case", va="center", color="0.3")
    ax.set_xlabel("m (arguments of the max)")
    ax.set_ylabel("hidden layers")
    ax.set_ylim(0, max(d["log2"]) + 1)
    ax.legend(loc="lower right")
    ax.set_title("Depth of MAX$_m$ = max{$x_1, …, x_m$}: upper bounds, exact values")
    return fig
