"""The arrangement H_2 in the plane: its 6 cells, 6 rays, and the signs phi_2 gives them."""

from __future__ import annotations

from fractions import Fraction

from matplotlib.figure import Figure

from expressivity.relu.braid import phi, ray, ray_index_sets

from .registry import figure
from .style import figsize

__all__ = ["h2_data", "make"]


def h2_data() -> dict:
    """Rays r_S of H_2 with the sign (-1)^{|S|} they carry in phi_2, and max{0,x1,x2} on them."""
    n = 2
    rows = []
    for S in ray_index_sets(n):
        r = ray(S, n)
        rows.append({"S": sorted(S), "ray": r, "sign": (-1) ** len(S), "max0": max(0, *r)})
    return {"rays": rows, "phi_max": phi(lambda r: max(0, *r), n)}


@figure("braid_h2", "The arrangement H_2 (x1=0, x2=0, x1=x2): cells, rays r_S and the functional phi_2")
def make() -> Figure:
    data = h2_data()
    fig = Figure(figsize=figsize(3.4))
    ax = fig.add_subplot()
    for (a, b) in [((-1.6, 0), (1.6, 0)), ((0, -1.6), (0, 1.6)), ((-1.6, -1.6), (1.6, 1.6))]:
        ax.plot([a[0], b[0]], [a[1], b[1]], color="0.6", lw=1)
    for row in data["rays"]:
        x, y = row["ray"]
        color = "tab:blue" if row["sign"] > 0 else "tab:red"
        ax.annotate("", xy=(x, y), xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=color, lw=2))
        ax.text(1.22 * x, 1.22 * y, "S={" + ",".join(map(str, row["S"])) + "}\nmax=" + str(row["max0"]),
                ha="center", va="center", fontsize=6.5)
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.7, 1.7)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(f"$H_2$: blue (+) / red (−) rays of $\\varphi_2$;  $\\varphi_2(\\max\\{{0,x_1,x_2\\}})$ = {Fraction(data['phi_max'])}")
    return fig
