"""Exact branch-and-bound for the HBDSS MIP (n = 4): certified leaves vs nodes, with and without symmetry."""

from __future__ import annotations

import copy
from functools import lru_cache

from matplotlib.figure import Figure

from expressivity.milp import certify_direction

from .registry import figure

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


@figure("milp_bb", "Exact B&B for the HBDSS MIP (n=4): certified Farkas leaves vs nodes, plain vs orbital branching")
def make() -> Figure:
    data = bb_progress_data(4)
    fig = Figure(figsize=(8.4, 3.6))  # two panels: leaf depths, node counts
    ax, bx = fig.subplots(1, 2)
    colors = {"plain": "tab:gray", "orbital": "tab:blue"}
    for label, d in data.items():
        depths = d["leaf_depths"]
        ax.plot(list(depths), list(depths.values()), "o-", color=colors[label], lw=2, ms=3,
                label=f"{label}: {d['nodes']} nodes, {d['leaves']} leaves")
    ax.set_yscale("log")
    ax.set_xlabel("depth in the search tree")
    ax.set_ylabel("leaves closed by an exact Farkas certificate")
    ax.set_title("max $\\varphi_4 \\leq 0$: where the exact search closes", fontsize=9)
    ax.legend(fontsize=7)
    labels = list(data)
    bx.bar(labels, [data[k]["nodes"] for k in labels], color=[colors[k] for k in labels])
    for i, k in enumerate(labels):
        bx.text(i, data[k]["nodes"], f"{data[k]['seconds']:.1f} s", ha="center", va="bottom", fontsize=8)
    bx.set_ylabel("B&B nodes")
    bx.set_title("symmetry S$_4$ by orbital branching (PPL exact: ~153 h)", fontsize=9)
    fig.tight_layout()
    return fig
