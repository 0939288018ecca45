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
# Hertrich, Basu, Di Summa and Skutella (Theorem 1.7) prove that **no H-conforming ReLU network
# with 2 hidden layers computes max{0, x1, x2, x3, x4}** by solving a mixed-integer program
# exactly with PPL: about 153 hours.  This notebook rebuilds the MIP, solves it with a float
# solver (evidence), and then certifies the optimum 0 with our own branch-and-bound whose every
# leaf carries an exact Farkas certificate, re-checked by a standalone Fraction-only checker.
#
# **The objects** (relu_depth.md §1.5).  With x0 := 0, the arrangement H_4 has 30 rays r_S, one
# per S with {} != S != {0..4}.  A one-hidden-layer H-conforming function is g = sum_M a_M g_M
# with g_M = max_{i in M} x_i, |M| <= 2 (14 functions).  A second-layer neuron is h = relu(g); it
# is H-conforming iff no two nested rays carry values of opposite strict sign (Lemma 2.10).  The
# functional phi(h) = sum_S (-1)^|S| h(r_S) vanishes on all g_M except max{0,x1..x4}, where it is 1.

# %%
from fractions import Fraction

from expressivity.milp import build_hbdss_model, certify_hbdss, hbdss_data, solve_model
from proofs.certificate_check import check_certificate

d = hbdss_data(4)
print(len(d.rays), "rays,", d.n_basis, "first-layer basis functions,", len(d.pairs), "nested pairs")
assert (len(d.rays), d.n_basis, len(d.pairs)) == (30, 14, 150)

# %% [markdown]
# ## The MIP (HBDSS §2)
# maximise sum_S (-1)^|S| y_S subject to y_S = relu(g_S(a)) by big-M rows with binaries z_S,
# and conformity rows g_S >= -M(1 - z_T) for nested S, T.  Over the box |a_M| <= 1 the exact
# bound is |g_S| <= sum_M |G[S,M]| <= 14, so any M >= 14 is valid (the paper uses 15).

# %%
paper = build_hbdss_model(4, big_m=15)
print(paper.size)
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
print("max witness a =", [str(v) for v in c3.max.witness], "phi =", c3.max.witness_phi)
assert c3.max.witness_phi > 0 and c3.min.witness_phi < 0
