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
# three hidden layers, and proved it for *H-conforming* networks (Thm 1.7).  Bakaev et al.
# (BBHSY25) found a two-hidden-layer identity.  Here we build that network with exact rational
# weights, verify it exactly (no sampling), and see where it leaves the braid arrangement.
# Every cell asserts what it shows.

# %%
from fractions import Fraction as F

from expressivity.relu.conformity import braid_coefficients, h_conformity, in_V, restrict_input
from expressivity.relu.max_networks import max_network
from expressivity.relu.verify_max import verify_computes_max

# %% [markdown]
# ## The network
# Identity (2): $\max\{x_1..x_5\} = \tfrac12(P_1+P_2+P_3+P_4+Q-R_{13}-R_{14}-R_{23}-R_{24})$, each
# term an outer max of two one-hidden-layer functions (pairwise maxima and their sums).

# %%
net = max_network(5, "log3")
tree = max_network(5, "tree")
print("Bakaev:", net, net.num_neurons, "neurons")
print("tree:  ", tree, tree.num_neurons, "neurons")
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
print(chk.computes_max, chk.cones, "cones,", chk.rays, "rays")
assert chk.computes_max

# %% [markdown]
# A wrong network (drop one output term) is refuted with an explicit rational point.

# %%
from expressivity.relu.network import Layer, ReLUNetwork  # noqa: E402
import numpy as np  # noqa: E402

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
# ## Why it could not be: the space V(4)
# Conforming two-hidden-layer networks compute exactly $V(4)=\mathrm{span}\{g_M : |M|\le 4\}$
# (GHL25 Thm 5.2).  The Möbius coefficients of $\max\{0,x_1..x_4\}$ put weight 1 on
# $M=\{0,1,2,3,4\}$, so it is outside $V(4)$ -- HBDSS Thm 1.7.

# %%
lam = braid_coefficients(lambda r: max(0, *r), 4)
nonzero = {tuple(sorted(M)): c for M, c in lam.items() if c}
print(nonzero)
assert nonzero == {(0, 1, 2, 3, 4): 1} and not in_V(lambda r: max(0, *r), 4, 4)
