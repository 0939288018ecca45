# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Getting started with `expressivity`
#
# Networks with exact rational weights, the network file format, the arrangement $H_n$ and the
# claim registry.  Every cell asserts what it shows, so this notebook doubles as a test.

# %%
from fractions import Fraction as F

from expressivity import ReLUNetwork, network_from_dict, network_to_dict
from expressivity.relu.braid import phi, propagate_rays, ray, ray_index_sets
from expressivity.relu.max_networks import max_tree_network
from proofs.registry import get_claim

# %% [markdown]
# ## An exact network
# $\max\{x_1,x_2\} = \mathrm{relu}(x_1-x_2) + \mathrm{relu}(x_2) - \mathrm{relu}(-x_2)$ (HBDSS Fig. 1).

# %%
net = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]])
print(net)
print(net([F(1, 3), F(-2)]))
assert net([F(1, 3), F(-2)])[0] == F(1, 3)

# %% [markdown]
# Exact and float networks are separate kinds; conversion is explicit.

# %%
fnet = net.to_float()
print(fnet([[0.25, 0.5]]))
try:
    net([0.25, 0.5])
except Exception as exc:  # NumberTypeError: floats given to an exact network
    print(type(exc).__name__, "-", exc)

# %% [markdown]
# ## The file format
# Exact numbers are strings `"p/q"`; floats are JSON numbers.

# %%
data = network_to_dict(net)
print(data["layers"][0])
assert network_from_dict(data) == net

# %% [markdown]
# ## Binary-tree MAX_n and the arrangement $H_n$
# The tree network is $H_n$-conforming, so its values on the $2^{n+1}-2$ rays determine it
# (HBDSS Lemma 2.5).  Ray propagation checks conformity and gives those values exactly.

# %%
n = 5
tree = max_tree_network(n)
prop = propagate_rays(tree)
print(tree, "conforming:", prop.conforming)
assert prop.conforming and all(prop.output[S][0] == max(ray(S, n)) for S in ray_index_sets(n))

# %% [markdown]
# $\varphi_n$ separates $\max\{0,x_1..x_n\}$ from the span of the other basis functions.

# %%
for k in range(1, 6):
    v = phi(lambda r: max(0, *r), k)
    print(k, v)
    assert v == (-1) ** k

# %% [markdown]
# ## Claims
# Each claim states its method; running it gives a verdict with timing.

# %%
verdict = get_claim("relu.braid.phi_separates_max5").run()
print(verdict.id, verdict.method, verdict.verdict, f"{verdict.seconds:.3f} s", "-", verdict.details)
assert verdict.ok
