# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # The HBDSS depth MIP, solved in seconds and certified exactly
#
# Hertrich, Basu, Di Summa and Skutella 2023 [HBDSS23, Thm 1.7] prove that **no H-conforming ReLU network
# with 2 hidden layers computes max{0, x1, x2, x3, x4}** by solving a mixed-integer program
# exactly with PPL: about 153 hours.  This notebook rebuilds the MIP, solves it with a float
# solver (evidence), and then certifies the optimum 0 with our own branch-and-bound whose every
# leaf carries an exact Farkas certificate, re-checked by a standalone Fraction-only checker.
#
# **The objects** (`docs/milp.md`; keys refer to `docs/references.bib`).  With x0 := 0, the
# arrangement H_4 has 30 rays r_S, one per S with {} != S != {0..4}.  A one-hidden-layer H-conforming
# function is g = sum_M a_M g_M with g_M = max_{i in M} x_i, |M| <= 2 (14 functions).  A second-layer
# neuron is h = relu(g); it is H-conforming iff no two nested rays carry values of opposite strict
# sign [HBDSS23, Lemma 2.10].  The functional phi(h) = sum_S (-1)^|S| h(r_S) vanishes on all g_M
# except max{0,x1..x4}, where it is 1.

# %%
from fractions import Fraction

from matplotlib.figure import Figure

from expressivity.display import interact, show_figure, show_table
from expressivity.milp import (
    build_hbdss_model,
    certify_direction,
    certify_hbdss,
    hbdss_data,
    solve_model,
)
from expressivity.proofs.certificate_check import check_certificate



# %%

d = hbdss_data(4)
print(len(d.rays), "rays,", d.n_basis, "first-layer basis functions,", len(d.pairs), "nested pairs")
assert (len(d.rays), d.n_basis, len(d.pairs)) == (30, 14, 150)

# %% [markdown]
# ## The MIP [HBDSS23, §2]
# maximise sum_S (-1)^|S| y_S subject to y_S = relu(g_S(a)) by big-M rows with binaries z_S,
# and conformity rows g_S >= -M(1 - z_T) for nested S, T.  Over the box |a_M| <= 1 the exact
# bound is |g_S| <= sum_M |G[S,M]| <= 14, so any M >= 14 is valid (the paper uses 15).

# %%
paper = build_hbdss_model(4, big_m=15)
show_table(["columns", "binaries", "rows", "nonzeros"],
           [[paper.size.columns, paper.size.binaries, paper.size.rows, paper.size.nonzeros]])
assert (paper.size.columns, paper.size.binaries, paper.size.rows, paper.size.nonzeros) == (74, 30, 390, 2658)

# %%
tight = build_hbdss_model(4, big_m="per_row")
sol = solve_model(tight, "highs")
print(f"HiGHS: optimum {sol.objective:.2e} in {sol.seconds:.1f} s -- a float answer: evidence, not proof")
assert abs(sol.objective) < 1e-6

# %% [markdown]
# ## What the optimum 0 proves, and the certificate
# Every constraint is homogeneous in a, so the box only normalises: the real statement is
# "for every a and every admissible z, phi <= 0".  Fixing z on some rays makes the relaxation a
# polyhedral cone, whose maximum is 0 or unbounded; "0" has a Farkas certificate (non-negative
# multipliers giving an exact identity of linear forms in a).  Branching on rays, using the
# input permutations (orbital branching) closes every leaf.  For even n, negating the first
# layer maps r_S to r_{S^c} and phi to -phi, so the max tree also proves min phi >= 0.

# %%
cert = certify_hbdss(4)
print(f"exact search: {cert.max.nodes} nodes, {cert.max.leaves} Farkas leaves, {cert.seconds:.2f} s")
report = check_certificate(cert.to_json())
print(report.conclusion)
assert report.optimum_zero and cert.min is None

# %% [markdown]
# ## The branch-and-bound tree
# Each node fixes the ReLU of one ray to active (`one`) or inactive (`zero`); a blue node also
# fixes a whole orbit of rays under the input permutations (orbital branching); every leaf is closed
# by exact Farkas multipliers.  Leaves are drawn left to right in search order, depth downwards.


# %%
def tree_layout(tree):
    """(x, depth, kind) per node and parent-child segments; leaves get consecutive x, parents the mean."""
    nodes, edges, next_x = [], [], [0]

    def place(node, depth):  # recursion depth = tree depth (< 2^n rays), far below Python's limit
        if "ray" not in node:
            nodes.append((next_x[0], depth, "leaf"))
            next_x[0] += 1
            return next_x[0] - 1
        xs = [place(node[k], depth + 1) for k in ("one", "zero")]
        x = sum(xs) / 2
        nodes.append((x, depth, "orbit" if "orbit" in node else "ray"))
        edges.extend(((x, depth), (c, depth + 1)) for c in xs)
        return x

    place(tree, 0)
    return nodes, edges


def tree_figure(result, title):
    """The certificate tree of one search direction."""
    nodes, edges = tree_layout(result.tree)
    fig = Figure(figsize=(8, 3.4))
    ax = fig.add_subplot()
    for (x0, y0), (x1, y1) in edges:
        ax.plot([x0, x1], [y0, y1], color="0.75", lw=0.5, zorder=1)
    style = {"leaf": ("tab:green", "Farkas leaf"), "ray": ("0.4", "branch on one ray"),
             "orbit": ("tab:blue", "orbital branch")}
    for kind, (color, label) in style.items():
        pts = [(x, y) for x, y, k in nodes if k == kind]
        if pts:
            ax.scatter(*zip(*pts), s=6, color=color, label=f"{label} ({len(pts)})", zorder=2)
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_ylabel("depth")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    return fig, sum(k == "leaf" for _, _, k in nodes)


fig, leaves = tree_figure(cert.max, f"exact search for max φ₄ ≤ 0: {cert.max.nodes} nodes, {cert.max.leaves} leaves")
assert show_figure(fig) > 0 and leaves == cert.max.leaves

# %% [markdown]
# ## Try it: with and without symmetry, n = 3 or 4
# Without orbital branching the n = 4 search needs about nine times more nodes.  For n = 3 the
# search stops at an exact witness with φ > 0 instead (no tree).  Without `ipywidgets` the function
# runs once with its defaults.


# %%
def explore(n=4, symmetry=True):
    """One direction (max φ_n) of the exact search: a table, and the tree when the maximum is 0."""
    r, witness = certify_direction(n, 1, symmetry=symmetry)
    show_table(["n", "orbital branching", "max φ bounded by 0", "nodes", "Farkas leaves", "witness a"],
               [[n, symmetry, r.bounded, r.nodes, r.leaves, ", ".join(map(str, witness)) if not r.bounded else "-"]])
    if r.bounded:
        show_figure(tree_figure(r, f"n = {n}, symmetry {'on' if symmetry else 'off'}: {r.nodes} nodes")[0])
    return r.nodes


# the controls (in Jupyter with ipywidgets); the callback runs once with its defaults either way
result = interact(explore, lambda w: dict(
    n=w.Dropdown(options=[3, 4], value=4),
    symmetry=w.Checkbox(value=True),
))
assert result == cert.max.nodes

# %% [markdown]
# A tampered certificate (one multiplier changed) is rejected with the reason.

# %%
import copy

obj = copy.deepcopy(cert.to_json())
stack, leaf = [obj["proofs"]["max"]["tree"]], None
while stack:
    x = stack.pop()
    if "ray" in x:
        stack += [x["one"], x["zero"]]
    elif x.get("lam"):
        leaf = x
        break
key = next(iter(leaf["lam"]))
leaf["lam"][key] = str(Fraction(leaf["lam"][key]) + 1)
try:
    check_certificate(obj)
    raise AssertionError("tampering went unnoticed")
except Exception as exc:
    print(exc)
    assert "Farkas identity fails" in str(exc)

# %% [markdown]
# ## n = 3: the MIP is not an obstruction
# max{0,x1,x2,x3} has an H_3-conforming 2-hidden-layer network, so the generalised MIP must have a
# nonzero optimum: the search returns exact witnesses.

# %%
c3 = certify_hbdss(3)
show_table(["direction", "witness a", "φ"], [["max", ", ".join(map(str, c3.max.witness)), c3.max.witness_phi],
                                             ["min", ", ".join(map(str, c3.min.witness)), c3.min.witness_phi]])
assert c3.max.witness_phi > 0 and c3.min.witness_phi < 0
