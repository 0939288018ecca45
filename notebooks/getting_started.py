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
# claim registry.  Every cell asserts what it shows, so this notebook doubles as a test.  The
# library's layout is described in `docs/architecture.md`; paper keys such as [HBDSS23] refer to
# `docs/references.bib`.  Open the notebooks with `jupyter lab notebooks/` after
# `pip install -e ".[notebooks]"`; each also runs as a plain script.

# %%
from fractions import Fraction as F

from expressivity import ReLUNetwork, network_from_dict, network_to_dict
from expressivity.display import interact, show_figure, show_table
from expressivity.relu.braid import phi, propagate_rays, ray, ray_index_sets
from expressivity.relu.max_networks import max_tree_network
from expressivity.paper_figures.fig_braid_h2 import h2_data
from expressivity.paper_figures.fig_braid_h2 import make as braid_h2_figure
from expressivity.proofs.registry import get_claim


# %% [markdown]
# ## An exact network
# $\max\{x_1,x_2\} = \mathrm{relu}(x_1-x_2) + \mathrm{relu}(x_2) - \mathrm{relu}(-x_2)$
# (Hertrich et al. 2023 [HBDSS23], Fig. 1).

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
# [HBDSS23, Lemma 2.5].  Ray propagation checks conformity and gives those values exactly.
# In the plane, $H_2$ is the three lines $x_1=0$, $x_2=0$, $x_1=x_2$ with 6 cells and 6 rays $r_S$;
# $\varphi_2$ weighs them by $(-1)^{|S|}$.

# %%
fig = braid_h2_figure()
assert show_figure(fig) > 0
h2 = h2_data()
show_table(["S", "ray r_S", "sign in φ₂", "max{0, x₁, x₂} at r_S"],
           [["{" + ",".join(map(str, r["S"])) + "}", tuple(int(v) for v in r["ray"]), r["sign"], r["max0"]]
            for r in h2["rays"]])
assert len(h2["rays"]) == 6 and sum(r["sign"] * r["max0"] for r in h2["rays"]) == h2["phi_max"] == 1


# %%
def explore(n=5):
    """The binary-tree MAX_n network: H_n-conformity by ray propagation, and its exact values on the rays."""
    tree = max_tree_network(n)
    prop = propagate_rays(tree)
    ok = all(prop.output[S][0] == max(ray(S, n)) for S in ray_index_sets(n))
    show_table(["n", "hidden layers", "neurons", "rays of H_n", "H_n-conforming", "values = max on every ray"],
               [[n, tree.hidden_layers, tree.num_neurons, len(ray_index_sets(n)), prop.conforming, ok]])
    return prop.conforming and ok


# the controls (in Jupyter with ipywidgets); the callback runs once with its defaults either way
result = interact(explore, lambda w: dict(
    n=w.IntSlider(value=5, min=2, max=9, description="n"),
))
assert result

# %% [markdown]
# $\varphi_n$ separates $\max\{0,x_1..x_n\}$ from the span of the other basis functions.

# %%
values = [(k, phi(lambda r: max(0, *r), k)) for k in range(1, 6)]
show_table(["k", "φ_k(max{0, x₁..x_k})"], values)
assert all(v == (-1) ** k for k, v in values)

# %% [markdown]
# ## Claims
# Each claim states its method; running it gives a verdict with timing.

# %%
verdict = get_claim("relu.braid.phi_separates_max5").run()
show_table(["claim", "method", "verdict", "seconds", "details"],
           [[verdict.id, verdict.method, verdict.verdict, f"{verdict.seconds:.3f}", verdict.details]])
assert verdict.ok
