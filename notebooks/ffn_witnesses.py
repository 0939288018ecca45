# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Fixed ⊊ LA ⊊ MoA: witnesses and certified gaps
#
# Layers of the MoA paper (Wang et al., arXiv:2605.26647, reconstructed in `specs/ffn_moa.md`),
# exact nesting maps, separating functions with exact parameters, and gaps certified from
# parameters (exact rationals or interval arithmetic).  Every cell asserts what it shows.

# %%

import numpy as np
import sympy as sp

from expressivity.ffn import (PAPER_DICTIONARY, fixed_to_moa, fixed_type2, get_witness, la_to_moa, la_type1,
                              ridge_jump, sweep)
from expressivity.ffn.gates import GateRepresentationError
from expressivity.ffn.gate_stats import effective_activations
from expressivity.ffn.nesting import sigmoid_containment_evidence

# %% [markdown]
# ## Nesting: a SwiGLU is an LA and an MoA layer
# Fixed → LA selects SiLU with a one-hot α; LA → MoA uses constant tanh gates
# `c = artanh(α/S)` and rescales the output by `S`.  Equality is a sympy identity.

# %%
swiglu = fixed_type2("silu", [[1, 2]], [[-1, 1]], [[sp.Rational(1, 2)]], b2=[1])
moa = fixed_to_moa(swiglu, PAPER_DICTIONARY)
print(moa, moa.c1)
assert sp.simplify(moa.sympy_outputs()[0] - swiglu.sympy_outputs()[0]) == 0

# %% [markdown]
# A sign-mixed LA cannot be carried by constant *sigmoid* gates, and the error says why.
# At equal width this is a real obstruction; at width 2 (homogeneous dictionary) it disappears.

# %%
la = la_type1(["relu", "relu2"], alpha=[1, -1], W1=[[1]], W2=[[1]])
try:
    la_to_moa(la, "sigmoid")
except GateRepresentationError as exc:
    print("refused:", exc)
ev = sigmoid_containment_evidence()
print(ev.summary)
assert ev.equal_width_obstruction["holds"] and ev.doubling_identity

# %% [markdown]
# ## Theorem B: T_λ = tanh(λx₁)·ReLU(x₂)
# A width-1 MoA-I computes it exactly; the jump of ∂₂ across x₂ = 0 is tanh(λx₁), read off the
# parameters.  For every LA-I net that jump is constant, hence ‖∂₂(T − g)‖ ≥ ½ tanh λ.

# %%
w = get_witness("T", lam=2)
print(w.target, "=", w.stronger.sympy_outputs()[0])
assert w.representation_identity()
y1 = sp.Symbol("y1", real=True)
J = ridge_jump(w.stronger, [0, 1], 0, [y1, 0], check_generic=False)
print("J_T(y1) =", J)
cert = w.certify()
print(cert.lower_bound == cert.enclosure.lo, float(cert.lower_bound), cert.method)
assert abs(float(cert.lower_bound) - np.tanh(2) / 2) < 1e-15

# %% [markdown]
# ## All witnesses and their certified gaps

# %%
rows = []
for name, width in [("f1", 8), ("f2", 8), ("T", None), ("T_sigmoid", None), ("T_one", None), ("T3", None),
                    ("pl", None), ("pl", 8), ("poly_cubic", None), ("poly_rank", 1)]:
    wit = get_witness(name)
    kw = {"activation": "relu"} if name in ("f1", "f2") else {}
    c = wit.certify(width, **kw)
    rows.append((name, c.weaker_class, width, f"{float(c.lower_bound):.6f}", c.method))
    assert c.positive and wit.representation_identity()
for r in rows:
    print(*r, sep="  |  ")

# %% [markdown]
# ## What the certificate means: L² error shrinks, the derivative gap does not

# %%
res = sweep("T", [1, 4, 16, 64], progress=False)
for row in res.rows:
    print(f"m={row.width:4d}  rmse={row.rmse:.2e}  certified gap of fit={row.certified:.4f}  class floor={row.floor:.4f}")
assert res.rows[-1].rmse < res.rows[0].rmse / 10
assert all(row.certified >= row.floor for row in res.rows)

# %% [markdown]
# ## Gate statistics: how many activations does a token use?
# For the T witness only the ReLU gate is nonzero: exactly one activation per token (Hill D₁ = 1).

# %%
X = np.random.default_rng(0).uniform(0.1, 1, size=(50, 2))
D1 = effective_activations(w.stronger, X, q=1.0)
print(D1[:5])
assert np.allclose(D1, 1.0)
