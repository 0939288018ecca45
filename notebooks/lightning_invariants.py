# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
# ---

# %% [markdown]
# # Algebraic invariants of lightning self-attention
#
# Lightning attention maps $X\in\mathbb R^{d\times t}$ to $\Phi(X) = V X X^\top A X$ with
# $A = Q^\top K$ of rank $\le a$.  Each output entry is a cubic in $X$; after dividing by orbit
# sizes its coefficients are the **cross tensor** $T_{kk'l} = \tfrac12(v_k A_{k'l} + v_{k'}A_{kl})$
# and the **pure tensor** $P = \mathrm{Sym}_3(T)$.  This notebook checks the closed form, the
# dimension formula, every invariant family, and reproduces the Macaulay2 generator counts
# (listed in `docs/lightning.md`) by graded implicitisation mod $p$.  Every cell asserts what it shows.

# %%

import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from expressivity.attention import (
    LightningShape,
    coefficient_count,
    dimension_certificate,
    entry_coordinates,
    expand_entry_sympy,
    family_coverage,
    implicitize,
    verify_all,
)
from expressivity.display import interact, show_figure, show_table
from expressivity.paper_figures.fig_lightning_generators import lightning_generator_data


# %% [markdown]
# ## 1. Closed form vs. sympy expansion, and the coefficient count $N(d,t)$

# %%
labels, coeffs, params = expand_entry_sympy(3, 2, j=1)
V = np.array(params["V"].tolist(), dtype=object)
A = np.array(params["A"].tolist(), dtype=object)
closed = entry_coordinates(V, A, 2, 0, 1)
assert all(sp.expand(c - y) == 0 for c, y in zip(coeffs, closed))
print("N(3,2) =", len(labels), "=", coefficient_count(3, 2))
assert len(labels) == 28

# %% [markdown]
# ## 2. Dimension: exact certificate for $d d' + a(2d-a) - 1$ (fibre $a^2+1$)

# %%
rows = []
for d in (2, 3, 4):
    for a in range(1, d + 1):
        c = dimension_certificate(LightningShape(d, a, 2))
        rows.append([d, a, c.lower, c.upper, c.expected, c.proved])
        assert c.proved
show_table(["d", "a", "dim ≥", "dim ≤", "formula", "proved"], rows)

# %% [markdown]
# ## 3. Every family: symbolic vanishing, numeric vanishing, exact non-triviality

# %%
for a in (1, 2, 3):
    checks = verify_all(3, a, 2, seed=0)
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    print(f"a={a}:", ", ".join(sorted({c.family for c in checks})))

# %% [markdown]
# ## 4. Implicitisation mod $p$ with the torus grading, and family coverage

# %%
expected = {1: {1: 10, 2: 45, 3: 10}, 2: {1: 10, 3: 30, 4: 90}, 3: {1: 10, 3: 20, 4: 90}}
rows = []
for a in (2, 3):
    g = implicitize(LightningShape(3, a, 2), 4)
    assert g.generators_by_degree() == expected[a]
    for k in (3, 4):
        cov = family_coverage(g, k)
        lost = ", ".join(f"{f} {n}" for f, n in cov.lost_without.items() if n) or "none"
        rows.append([f"(3,{a},2)", k, cov.dim_ideal, cov.span_all, lost])
        assert cov.complete
show_table(["(d,a,t)", "degree k", "dim I_k", "span of all families", "lost without (family: dim)"], rows)

# %% [markdown]
# ## Generator counts by degree, d = 3, t = 2
# Minimal generators of the vanishing ideal (the degree-1 ones are the linear relations of the
# reduced coordinates) and $\dim I_k$, for every rank $a$.  Bars are labelled with their values.


# %%
def generator_figure(data):
    """Per rank a: dim I_k and the new minimal generators in each degree k (labelled bars)."""
    fig = Figure(figsize=(9, 3.2))
    axes = fig.subplots(1, len(data), sharey=False)
    for ax, (a, v) in zip(np.atleast_1d(axes), data.items()):
        degs = sorted(v["generators_raw"]) + [r["degree"] for r in v["degrees"] if r["degree"] not in v["generators_raw"]]
        degs = sorted(set(degs))
        gens = [v["generators_raw"].get(k, 0) for k in degs]
        bars = ax.bar(degs, gens, color="tab:blue")
        ax.bar_label(bars, fontsize=7)
        ax.set_xticks(degs)
        ax.set_xlabel("degree k")
        ax.set_title(f"a = {a}", fontsize=9)
    np.atleast_1d(axes)[0].set_ylabel("minimal generators")
    fig.suptitle("lightning attention, d = 3, t = 2: minimal generators by degree (mod one prime: exact with high probability over Q)", fontsize=9)
    fig.tight_layout()
    return fig


data = lightning_generator_data(3, 2, 4)
assert {a: v["generators_raw"] for a, v in data.items()} == expected
assert show_figure(generator_figure(data)) > 0


# %%
def explore(a=2):
    """Degree by degree for rank a: dim I_k, new minimal generators, and the span of each family."""
    v = data[a]
    fams = sorted({f for r in v["degrees"] for f in r["by_family"]})
    show_table(["degree k", "dim I_k", "new generators"] + fams,
               [[r["degree"], r["dim_I"], r["new"]] + [r["by_family"].get(f, "") for f in fams] for r in v["degrees"]])
    return all(r["complete"] for r in v["degrees"])


# the controls (in Jupyter with ipywidgets); the callback runs once with its defaults either way
result = interact(explore, lambda w: dict(
    a=w.Dropdown(options=sorted(data), value=2, description="rank a"),
))
assert result

# %% [markdown]
# ## 5. d = 4, degree 3: what the maximal families miss
# The cross-column, maximal context-syzygy, Veronese and resultant families span only half of
# $I_3$; the sub-maximal context syzygies fill the rest.

# %%
g = implicitize(LightningShape(4, 3, 2), 3)
maximal = family_coverage(g, 3, families=["cross_column", "context_syzygy_maximal", "veronese", "resultant"])
allf = family_coverage(g, 3)
show_table(["d = 4, a = 3", "dim"], [["I_3", maximal.dim_ideal], ["span of the maximal families", maximal.span_all],
                                     ["with sub-maximal syzygies", allf.span_all]])
assert (maximal.dim_ideal, maximal.span_all, allf.span_all) == (400, 200, 400)

# %% [markdown]
# ## 6. Beyond the paper's families: split cubics, rows sharing $A$, attention heads
# For $t = 1$, $a = 1$ the output cubic is a product of three linear forms; its restriction $g$ to
# a 3-space is proportional to its Hessian, and the $2\times2$ minors of
# [coefficients of $g$ | coefficients of $H(g)$] span all 35 quartics of the ideal ($d = 3$).
# For $d' = 2$ output rows the alternating forms for which every $W_A = \{\mathrm{Sym}_{12}(v\otimes A)\}$
# is isotropic are exactly the degree-2 part of the ideal.

# %%
from expressivity.attention import (LightningParameters, attention_rank, check_point, cross_row_forms,
                                    point_from_weights)

t1 = implicitize(LightningShape(3, 1, 1), 4)
brill = family_coverage(t1, 4)
rows2 = {d: (len(cross_row_forms(d)), implicitize(LightningShape(d, d, 2, 2), 2).degrees[1].dim_ideal) for d in (2, 3)}
show_table(["invariants", "count", "dim of the ideal part"],
           [["Hessian quartics, (d,a,t) = (3,1,1)", brill.span_all, brill.dim_ideal]]
           + [[f"cross-row quadrics, d = {d}, d' = 2", f, i] for d, (f, i) in rows2.items()])
assert brill.span_all == brill.dim_ideal == 35 and all(f == i for f, i in rows2.values())

# %% [markdown]
# A (random) attention head's weights go in directly: the coefficient point is computed from
# $(V, Q, K)$, tested with the scale-invariant tolerance model, and $\mathrm{rank}(Q^\top K)$ is
# compared with the claimed $a$.  Rows from different $A$ matrices fail the cross-row quadrics.

# %%
rng = np.random.default_rng(0)
head = LightningParameters(1e-3 * rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3)))
rep = check_point(point_from_weights(head, t=2))
show_table(["family", "rows", "residual"], [[v.family, v.row, f"{v.max_value:.1e}"] for v in rep.verdicts][:8])
assert rep.consistent and attention_rank(head, 2).ok
