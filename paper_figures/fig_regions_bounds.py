"""Measured region counts of random ReLU nets (whole plane) against the Serra and Montúfar bounds."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from expressivity.regions import all_bounds, region_count_sweep

from .registry import figure
from .style import figsize

__all__ = ["ARCHITECTURES", "regions_vs_bounds_data", "make"]

#: 2-input architectures: shallow, deep, and two with a bottleneck (where Serra et al. 2018 is tighter)
ARCHITECTURES: tuple[tuple[int, ...], ...] = ((4,), (8,), (16,), (4, 4), (8, 8), (4, 4, 4), (6, 6, 6), (4, 4, 4, 4),
                                              (8, 2, 8), (8, 1, 8))


def regions_vs_bounds_data(seeds=range(3), executor=None, input_dim: int = 2) -> list[dict]:
    """For each architecture: measured whole-space counts of random nets and the four bounds."""
    rows = region_count_sweep([(input_dim, ws) for ws in ARCHITECTURES], seeds, executor=executor)
    out = []
    for ws in ARCHITECTURES:
        counts = [r.count for r in rows if r.widths == ws]
        out.append({"widths": list(ws), "counts": counts, "median": float(np.median(counts)),
                    **all_bounds(input_dim, list(ws))})
    return out


@figure("regions_bounds", "Regions of random 2-input ReLU nets (whole plane) vs the Serra et al. 2018 and Montúfar "
                          "2014/2017 bounds; the two upper bounds coincide except at the bottlenecks 8×2×8, 8×1×8")
def make() -> Figure:
    data = regions_vs_bounds_data()
    fig = Figure(figsize=figsize(3.3))
    ax = fig.add_subplot()
    x = np.arange(len(data))
    # categorical architectures: markers only, no lines between them
    ax.plot(x, [r["serra_upper"] for r in data], "o", mfc="none", mec="tab:blue", ms=7, mew=1.0,
            label="Serra et al. 2018 upper (Thm 1)")
    ax.plot(x, [r["montufar2017_upper"] for r in data], "x", color="tab:orange", ms=5, mew=1.2,
            label="Montúfar 2017 upper (× in ○: equal)")
    lb = [r["montufar2014_lower"] if r["montufar2014_lower"] is not None else np.nan for r in data]
    ax.plot(x, lb, "^", color="tab:green", ms=4, label="Montúfar et al. 2014 lower")
    n_seeds = len(data[0]["counts"])
    for i, r in enumerate(data):
        ax.plot(i + np.linspace(-0.12, 0.12, len(r["counts"])), r["counts"], ".", color="k", ms=3, zorder=3,
                label=f"measured: {n_seeds} random Gaussian nets" if i == 0 else None)
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(["×".join(map(str, r["widths"])) for r in data], rotation=45, ha="right")
    ax.set_xlabel("hidden widths (input dimension 2)")
    ax.set_ylabel("number of regions in $\\mathbb{R}^2$")
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.set_ylim(7, 3e5)  # room for the legend above the data
    ax.legend(loc="upper left", fontsize=6.5, handlelength=1.2)
    return fig
