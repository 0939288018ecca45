"""Measured region counts of random ReLU nets (whole R^2) against the Serra and Montufar bounds."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from expressivity.regions import all_bounds, region_count_sweep

from .registry import figure

__all__ = ["ARCHITECTURES", "regions_vs_bounds_data", "make"]

#: 2-input architectures by total width, shallow and deep side by side
ARCHITECTURES: tuple[tuple[int, ...], ...] = ((4,), (8,), (16,), (4, 4), (8, 8), (4, 4, 4), (6, 6, 6), (4, 4, 4, 4))


def regions_vs_bounds_data(seeds=range(3), executor=None, input_dim: int = 2) -> list[dict]:
    """For each architecture: measured whole-space counts of random nets and the four bounds."""
    rows = region_count_sweep([(input_dim, ws) for ws in ARCHITECTURES], seeds, executor=executor)
    out = []
    for ws in ARCHITECTURES:
        counts = [r.count for r in rows if r.widths == ws]
        out.append({"widths": list(ws), "counts": counts, "median": float(np.median(counts)),
                    **all_bounds(input_dim, list(ws))})
    return out


@figure("regions_bounds", "Regions of random 2-input ReLU nets (whole plane) vs Serra 2018 / Montufar 2014-2017 bounds")
def make() -> Figure:
    data = regions_vs_bounds_data()
    fig = Figure(figsize=(7.0, 4.2))
    ax = fig.add_subplot()
    x = np.arange(len(data))
    ax.plot(x, [r["serra_upper"] for r in data], "v-", label="Serra et al. 2018 upper (Thm 1)")
    ax.plot(x, [r["montufar2017_upper"] for r in data], "x--", label="Montufar 2017 upper")
    lb = [r["montufar2014_lower"] if r["montufar2014_lower"] is not None else np.nan for r in data]
    ax.plot(x, lb, "^:", label="Montufar et al. 2014 lower (max over weights)")
    for i, r in enumerate(data):
        ax.scatter([i] * len(r["counts"]), r["counts"], color="k", s=12, zorder=3)
    ax.plot(x, [r["median"] for r in data], "k-", lw=1, label="measured (float traversal), random Gaussian init (3 seeds)")
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(["x".join(map(str, r["widths"])) for r in data], rotation=30, fontsize=8)
    ax.set_xlabel("hidden widths (input dimension 2)")
    ax.set_ylabel("number of activation regions of R^2")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
