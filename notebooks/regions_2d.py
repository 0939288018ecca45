# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The activation regions of a 2-input ReLU network
#
# We draw the regions of a small random network in the square $[-2, 2]^2$ with the LP-free
# planar subdivision, check that the adjacency traversal finds exactly the same regions,
# count the linear pieces, and compare the whole-plane count with the published bounds:
# the upper bound of Serra, Tjandraatmadja and Ramalingam 2018 [STR18, Thm 1], Montúfar 2017
# [Montufar17] and the lower bound of Montúfar, Pascanu, Cho and Bengio 2014 [MPCB14] (keys of
# `docs/references.bib`; formulas and algorithms in `docs/regions.md`).  Every cell asserts what it shows.
#
# Open it with `jupyter lab notebooks/` (needs `pip install -e ".[notebooks]"`); it also runs
# as a plain script, `python notebooks/regions_2d.py`, which shows and writes nothing.

# %%

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from expressivity.display import interact, show_figure, show_table
from expressivity.numbers import float_to_fraction
from expressivity.regions import (
    Arrangement,
    all_bounds,
    count_arrangement_regions,
    enumerate_regions,
    linear_pieces,
    random_relu_network,
)
from expressivity.regions.planar import planar_regions



# %%
net = random_relu_network(2, [8, 8], seed=3)
box = 2.0
sub = planar_regions(net, box)
bfs = enumerate_regions(net, box, certify=True)
show_table(["method", "regions in the square", "notes"], [
    ["planar subdivision (float)", sub.count, f"{sub.seconds * 1e3:.1f} ms, LP-free"],
    ["adjacency traversal (certified exactly)", bfs.count, f"{bfs.graph.number_of_edges()} adjacencies"],
])
assert sub.pattern_keys == bfs.patterns  # the same regions, pattern for pattern
assert abs(sub.areas().sum() - (2 * box) ** 2) < 1e-9  # the faces tile the square

# %% [markdown]
# ## Drawing the regions
# Each face is coloured by the number of active neurons; the first layer's lines are dashed.


# %%
def region_figure(net, sub, box):
    """The faces of ``sub`` coloured by active-neuron count, with the first layer's lines dashed."""
    fig = Figure(figsize=(5, 4.4))
    ax = fig.add_subplot()
    active = np.array([s.sum() for s in sub.patterns])
    pc = PolyCollection(sub.polygons, array=active, cmap="viridis", edgecolors="white", linewidths=0.6)
    ax.add_collection(pc)
    W1, b1 = net.layers[0].weight, net.layers[0].bias
    xs = np.linspace(-box, box, 2)
    for (w1, w2), c in zip(W1, b1):
        if abs(w2) > 1e-12:
            ax.plot(xs, -(w1 * xs + c) / w2, "k--", lw=0.5)
    ax.set_xlim(-box, box)
    ax.set_ylim(-box, box)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    widths = "-".join(str(n) for n in [net.input_dim, *net.widths, 1])
    ax.set_title(f"{sub.count} activation regions of a {widths} net in $[-{box:g},{box:g}]^2$", fontsize=9)
    fig.colorbar(pc, ax=ax, label="active neurons")
    return fig


fig = region_figure(net, sub, box)
assert show_figure(fig) > 0
assert len(fig.axes[0].collections[0].get_paths()) == sub.count

# %% [markdown]
# ## Pieces, the whole plane, and the bounds

# %%
pieces = linear_pieces(bfs)
whole = enumerate_regions(net)
bounds = all_bounds(2, [8, 8])
show_table(["quantity", "value"], [["linear pieces in the square", pieces], ["regions in the square", bfs.count],
                                   ["regions of the whole plane", whole.count]]
           + [[f"bound `{k}`", v] for k, v in bounds.items()])
assert pieces <= bfs.count
assert bfs.count <= whole.count <= bounds["serra_upper"]
assert planar_regions(net).count == whole.count  # growing boxes reach the whole-plane count (both float traversals)

# %% [markdown]
# The first layer alone is an arrangement of 8 lines in general position: Zaslavsky's exact count is
# $1 + 8 + \binom82 = 37$.

# %%
W1, b1 = net.layers[0].weight, net.layers[0].bias
arr = Arrangement([[float_to_fraction(v) for v in r] for r in W1], [float_to_fraction(-v) for v in b1])
first = count_arrangement_regions(arr).regions
print(f"first layer: {first} regions (Zaslavsky, exact)")
assert first == 37

# %% [markdown]
# ## Try other networks
# Pick a seed and the widths of the two hidden layers: the map and the counts are redrawn.
# (Without `ipywidgets` the function below runs once with its defaults.)


# %%
def explore(seed=3, width=8):
    """Regions of a random 2-width-width-1 net in [-2, 2]^2: drawn, counted and checked against the bound."""
    n = random_relu_network(2, [width, width], seed=seed)
    s = planar_regions(n, box)
    assert s.count <= all_bounds(2, [width, width])["serra_upper"]
    show_figure(region_figure(n, s, box))
    show_table(["seed", "widths", "regions in the square", "Serra et al. upper bound (whole plane)"],
               [[seed, f"{width}, {width}", s.count, all_bounds(2, [width, width])["serra_upper"]]])
    return s.count


# the controls (in Jupyter with ipywidgets); the callback runs once with its defaults either way
result = interact(explore, lambda w: dict(
    seed=w.IntSlider(value=3, min=0, max=20),
    width=w.IntSlider(value=8, min=2, max=16),
))
assert result == sub.count
