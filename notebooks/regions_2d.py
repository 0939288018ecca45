# ---
# jupyter:
#   jupytext:
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
# count the linear pieces, and compare the whole-plane count with the bounds.

# %%
import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from expressivity.regions import (Arrangement, all_bounds, count_arrangement_regions, enumerate_regions,
                                  linear_pieces, random_relu_network)
from expressivity.numbers import float_to_fraction
from expressivity.regions.planar import planar_regions

net = random_relu_network(2, [8, 8], seed=3)
box = 2.0
sub = planar_regions(net, box)
bfs = enumerate_regions(net, box, certify=True)
print(f"planar subdivision: {sub.count} regions in {sub.seconds * 1e3:.1f} ms")
print(f"adjacency traversal: {bfs.count} regions, {bfs.graph.number_of_edges()} adjacencies, all certified exactly")
assert sub.pattern_keys == bfs.patterns  # the same regions, pattern for pattern
assert abs(sub.areas().sum() - (2 * box) ** 2) < 1e-9  # the faces tile the square

# %% [markdown]
# ## Drawing the regions
# Each face is coloured by the number of active neurons; the first layer's lines are dashed.

# %%
fig = Figure(figsize=(5, 5))
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
ax.set_title(f"{sub.count} activation regions of a 2-8-8-1 net")
fig.colorbar(pc, ax=ax, label="active neurons")
fig.savefig("regions_2d.png", dpi=100)

# %% [markdown]
# ## Pieces, the whole plane, and the bounds

# %%
pieces = linear_pieces(bfs)
whole = enumerate_regions(net)
bounds = all_bounds(2, [8, 8])
print(f"linear pieces in the square: {pieces}; regions of the whole plane: {whole.count}")
print("bounds:", bounds)
assert pieces <= bfs.count
assert bfs.count <= whole.count <= bounds["serra_upper"]
assert planar_regions(net).count == whole.count  # growing boxes reach the whole-plane count (both float traversals)

# The first layer alone is an arrangement of 8 lines: Zaslavsky's exact count is 37.
arr = Arrangement([[float_to_fraction(v) for v in r] for r in W1], [float_to_fraction(-v) for v in b1])
assert count_arrangement_regions(arr).regions == 37
print("first layer: 37 regions (Zaslavsky, exact)")
