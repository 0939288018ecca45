# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # MAX5 in two hidden layers, and why that network is not H-conforming
#
# HBDSS conjectured that $\max\{0,x_1,\dots,x_4\}$ (equivalently $\max\{x_1..x_5\}$) needs
# three hidden layers, and proved it for *H-conforming* networks (Hertrich, Basu, Di Summa and
# Skutella 2023 [HBDSS23, Thm 1.7]).  Bakaev, Brunck, Hertrich, Stade and Yehudayoff [BBHSY25]
# found a two-hidden-layer identity.  Keys refer to `docs/references.bib`; the exact verifier is
# described in `docs/relu_depth.md`.  Here we build that network with exact rational
# weights, verify it exactly (no sampling), and see where it leaves the braid arrangement.
# Every cell asserts what it shows.

# %%
from fractions import Fraction as F

import numpy as np
from matplotlib.figure import Figure

from expressivity.display import interact, show_figure, show_table
from expressivity.relu.braid import ray, ray_index_sets
from expressivity.relu.conformity import (
    braid_coefficients,
    h_conformity,
    in_V,
    restrict_input,
)
from expressivity.relu.max_networks import max_network
from expressivity.relu.network import Layer, ReLUNetwork
from expressivity.relu.verify_max import verify_computes_max


# %% [markdown]
# ## The network
# Identity (2): $\max\{x_1..x_5\} = \tfrac12(P_1+P_2+P_3+P_4+Q-R_{13}-R_{14}-R_{23}-R_{24})$, each
# term an outer max of two one-hidden-layer functions (pairwise maxima and their sums).

# %%
net = max_network(5, "log3")
tree = max_network(5, "tree")
show_table(["construction", "hidden layers", "neurons"], [["Bakaev et al. (log3)", net.hidden_layers, net.num_neurons],
                                                          ["binary tree", tree.hidden_layers, tree.num_neurons]])
assert net.hidden_layers == 2 and tree.hidden_layers == 3
x = [F(3), F(-1), F(7, 2), F(2), F(7, 2)]
assert net(x)[0] == max(x) == F(7, 2)

# %% [markdown]
# ## Exact verification
# Cone bisection in integer arithmetic: on every simplicial cone where the first layer is
# linear, the last hidden layer's hinges must cancel hyperplane by hyperplane and the rays
# must agree with the max.

# %%
chk = verify_computes_max(net)
show_table(["computes max", "cones", "rays", "method"], [[chk.computes_max, chk.cones, chk.rays, chk.method]])
assert chk.computes_max

# %% [markdown]
# A wrong network (drop one output term) is refuted with an explicit rational point.

# %%
W = np.array(net.layers[-1].weight, dtype=object).copy()
j = int(np.flatnonzero(W[0] != 0)[-1])
W[0, j] = 0
bad = ReLUNetwork(5, net.layers[:-1] + (Layer(W, net.layers[-1].bias, "linear", "exact"),))
refute = verify_computes_max(bad)
print("counterexample", refute.counterexample, "net", refute.network_value, "max", refute.max_value)
assert not refute.computes_max and bad(list(refute.counterexample))[0] != max(refute.counterexample)

# %% [markdown]
# ## Not H-conforming
# Fix $x_5 = 0$: the network computes $\max\{0,x_1..x_4\}$ on $\mathbb R^4$.  Ray propagation
# over the 30 rays of $H_4$ finds a first-layer neuron such as $\mathrm{relu}(2x_5-x_1-x_2)$
# whose kink $x_1+x_2=0$ is not a braid hyperplane: it changes sign between two rays of one cell.

# %%
net4 = restrict_input(net, 4)
res = h_conformity(net4)
print(res.explanation)
assert not res.conforming
assert h_conformity(restrict_input(tree, 4)).conforming

# %% [markdown]
# ## The first layer on the rays of $H_4$
# Each column is a ray $r_S$ of $H_4$ (sorted by $|S|$), each row a first-layer neuron; the colour is
# the sign of its pre-activation.  A conforming layer never takes opposite strict signs on two nested
# rays (they lie in one cell); the boxes mark the pair that the check above reports.


# %%
def sign_figure(nets):
    """Signs of the first-layer pre-activations on the 30 rays of H_4, one panel per network."""
    sets = sorted(ray_index_sets(4), key=lambda S: (len(S), sorted(S)))
    fig = Figure(figsize=(9, 3.6))
    axes = fig.subplots(1, len(nets), squeeze=False)[0]
    for ax, (name, n4) in zip(axes, nets.items()):
        L = n4.layers[0]
        signs = np.array([[np.sign(float(v)) for v in L.weight.dot(ray(S, 4)) + L.bias] for S in sets]).T
        ax.imshow(signs, cmap="coolwarm", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
        v = h_conformity(n4).violation
        if v and v["layer"] == 1:
            for key in ("S", "T"):
                col = sets.index(frozenset(v[key]))
                ax.add_patch(_box(col, v["neuron"]))
        ax.set_xticks(range(len(sets)), ["{" + "".join(map(str, sorted(S))) + "}" for S in sets], rotation=90, fontsize=5)
        ax.set_ylabel("first-layer neuron")
        ax.set_yticks(range(signs.shape[0]))
        ax.tick_params(axis="y", labelsize=6)
        ax.set_title(f"{name}: {'conforming' if v is None else 'NOT conforming'}", fontsize=9)
    fig.suptitle("sign of the pre-activation on the rays r_S (red +, blue −, grey 0)", fontsize=9)
    fig.tight_layout()
    return fig


def _box(col, row):
    from matplotlib.patches import Rectangle
    return Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="black", lw=1.5)


assert show_figure(sign_figure({"Bakaev et al., x₅ = 0": net4, "binary tree, x₅ = 0": restrict_input(tree, 4)})) > 0

# %% [markdown]
# ## Try it: other n
# For $\max\{x_1..x_n\}$ the three constructions (binary tree, Bakaev et al.'s `log3`, and `ruess`)
# are verified exactly, and their restriction $x_n = 0$ is checked for $H_{n-1}$-conformity.
# Without `ipywidgets` the function runs once with its default.


# %%
def explore(n=5):
    """Exact check and H-conformity of each MAX_n construction."""
    rows = []
    for kind in ("tree", "log3", "ruess"):
        m = max_network(n, kind)
        c = verify_computes_max(m)
        assert c.computes_max
        rows.append([kind, m.hidden_layers, m.num_neurons, c.cones, h_conformity(restrict_input(m, n - 1)).conforming])
    show_table(["construction", "hidden layers", "neurons", "cones checked (exact)", f"H_{n - 1}-conforming"], rows)
    return rows


# the controls (in Jupyter with ipywidgets); the callback runs once with its defaults either way
result = interact(explore, lambda w: dict(
    n=w.IntSlider(value=5, min=3, max=6, description="n"),
))
assert [r[-1] for r in result] == [True, False, False]

# %% [markdown]
# ## Why it could not be: the space V(4)
# Conforming two-hidden-layer networks compute exactly $V(4)=\mathrm{span}\{g_M : |M|\le 4\}$
# (Grillo, Hertrich and Loho 2025 [GHL25, Thm 5.2]).  The Möbius coefficients of $\max\{0,x_1..x_4\}$ put weight 1 on
# $M=\{0,1,2,3,4\}$, so it is outside $V(4)$ -- [HBDSS23, Thm 1.7].

# %%
lam = braid_coefficients(lambda r: max(0, *r), 4)
nonzero = {tuple(sorted(M)): c for M, c in lam.items() if c}
show_table(["M", "Möbius coefficient"], [["{" + ",".join(map(str, M)) + "}", c] for M, c in nonzero.items()])
assert nonzero == {(0, 1, 2, 3, 4): 1} and not in_V(lambda r: max(0, *r), 4, 4)
