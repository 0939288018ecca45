"""Exact branch-and-bound for the HBDSS23 MIP (n = 4): certified leaves vs nodes, with and without symmetry."""

from __future__ import annotations

import copy
from functools import lru_cache

from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from expressivity.milp import certify_direction

from .registry import figure
from .style import figsize

__all__ = ["bb_progress_data", "leaf_depths", "make"]


def bb_progress_data(n: int = 4) -> dict:
    """Traces ``(nodes, leaves, seconds)`` of the exact max-direction search, plain and orbital.

    Every leaf is a region of the search space closed by an exact Farkas certificate; the
    search ends when all of them close (max phi_n <= 0).
    """
    return copy.deepcopy(_progress(n))


@lru_cache(maxsize=None)
def _progress(n: int) -> dict:
    out = {}
    for label, sym in (("plain", False), ("orbital", True)):
        r, _ = certify_direction(n, 1, symmetry=sym)
        out[label] = {"bounded": r.bounded, "nodes": r.nodes, "leaves": r.leaves, "orbital_nodes": r.orbital_nodes,
                      "seconds": r.seconds, "trace": [list(t) for t in r.trace], "leaf_depths": leaf_depths(r.tree)}
    return out


def leaf_depths(tree: dict) -> dict[int, int]:
    """Number of certified leaves at each depth of a certificate tree."""
    counts: dict[int, int] = {}
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if "ray" in node:
            stack += [(node["one"], depth + 1), (node["zero"], depth + 1)]
        else:
            counts[depth] = counts.get(depth, 0) + 1
    return dict(sorted(counts.items()))


@figure("milp_bb", "Exact B&B for the HBDSS23 MIP (n=4): leaves closed by exact Farkas certificates at each depth, "
                   "plain vs orbital branching")
def make() -> Figure:
    data = bb_progress_data(4)
    fig = Figure(figsize=figsize(2.5))
    ax = fig.add_subplot()
    style = {"plain": ("o", "0.45", "plain branching"), "orbital": ("s", "tab:blue", "orbital branching ($S_4$)")}
    for label, d in data.items():
        marker, color, name = style[label]
        depths = d["leaf_depths"]  # only depths that have leaves: no line across empty depths
        ax.plot(list(depths), list(depths.values()), marker, color=color, mfc="none" if label == "plain" else color,
                ms=4, ls="none", label=f"{name}: {d['nodes']} nodes, {d['leaves']} leaves")
    ax.set_yscale("log")
    ax.set_ylim(0.6, 2e4)  # room for the legend above the data
    ax.yaxis.set_major_formatter(ScalarFormatter())
    depths = sorted({k for d in data.values() for k in d["leaf_depths"]})
    ax.set_xticks(range(depths[0], depths[-1] + 1))
    ax.set_xlabel("depth in the search tree")
    ax.set_ylabel("leaves closed by an\nexact Farkas certificate")
    ax.set_title("max $\\varphi_4 \\leq 0$: where the exact search closes")
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.legend(loc="upper left")
    return fig
