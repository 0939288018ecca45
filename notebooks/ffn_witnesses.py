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
# Layers of the mixture-of-activations paper (Wang et al. 2026 [WWXSZ26], arXiv:2605.26647):
# exact nesting maps, separating functions with exact parameters, and gaps certified from
# parameters (exact rationals or interval arithmetic).  Definitions, results and limits are in
# `docs/ffn.md`; keys refer to `docs/references.bib`.  Every cell asserts what it shows.

# %%
from fractions import Fraction

import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from expressivity.display import interact, show_figure, show_table
from expressivity.ffn import (
    PAPER_DICTIONARY,
    fixed_to_moa,
    fixed_type2,
    get_witness,
    la_to_moa,
    la_type1,
    ridge_jump,
    sweep,
)
from expressivity.ffn.gate_stats import effective_activations
from expressivity.ffn.gates import GateRepresentationError
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
    rows.append((name, c.weaker_class, "any" if width is None else width, f"{float(c.lower_bound):.6f}", c.method))
    assert c.positive and wit.representation_identity()
show_table(["witness", "weaker class", "width", "certified gap ≥", "method"], rows)

# %% [markdown]
# ## What the certificate means: L² error shrinks, the derivative gap does not
# Least-squares fits of $T_2$ by LA-I networks of growing width $m$ (numeric fits), each with the
# certified derivative gap of that fit and the class floor $\tfrac12\tanh 2$ that no width beats.


# %%
def sweep_figure(res, lam):
    """rmse, certified gap and class floor of the fits against the width, on log-log axes."""
    fig = Figure(figsize=(5.2, 3.6))
    ax = fig.add_subplot()
    ws = [r.width for r in res.rows]
    ax.loglog(ws, [r.rmse for r in res.rows], "o-", label="L² error of the fit (numeric)")
    ax.loglog(ws, [r.certified for r in res.rows], "s--", label="certified gap of that fit")
    ax.loglog(ws, [r.floor for r in res.rows], "k:", label=f"class floor ½tanh({lam})")
    ax.set_xlabel("width m")
    ax.set_ylabel("error / derivative-norm gap")
    ax.set_title(f"T_λ = tanh(λx₁)ReLU(x₂), λ = {lam}, vs LA-I", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    return fig


res = sweep("T", [1, 4, 16, 64], progress=False, fit="lstsq")  # least squares: fast; `ffn sweep T` trains
show_table(["width m", "rmse", "certified gap of fit", "class floor"],
           [[r.width, f"{r.rmse:.2e}", f"{r.certified:.4f}", f"{r.floor:.4f}"] for r in res.rows])
assert show_figure(sweep_figure(res, 2)) > 0
assert res.rows[-1].rmse < res.rows[0].rmse / 10
assert all(row.certified >= row.floor for row in res.rows)

# %% [markdown]
# ## Try it: λ and the width
# The slider λ changes the target $T_\lambda$ (its exact certificate is $\tfrac12\tanh\lambda$);
# the width slider sets the largest width of the sweep.  Without `ipywidgets` the function runs
# once with its defaults.


# %%
def explore(lam=2.0, width=64):
    """Certified class gap of T_λ (exact λ = the slider value as a decimal fraction) and a sweep up to ``width``."""
    lam_q = Fraction(f"{lam:.2f}")
    cert = get_witness("T", lam=lam_q).certify()
    assert abs(float(cert.lower_bound) - np.tanh(float(lam_q)) / 2) < 1e-12
    widths = [w for w in (1, 2, 4, 8, 16, 32, 64, 128, 256) if w <= width]
    r = sweep("T", widths, lam=lam_q, progress=False, fit="lstsq")
    assert all(row.certified >= row.floor for row in r.rows)
    show_table(["λ", "certified class gap ½tanh λ", "method", "widest fit rmse"],
               [[lam_q, f"{float(cert.lower_bound):.6f}", cert.method, f"{r.rows[-1].rmse:.2e}"]])
    show_figure(sweep_figure(r, lam_q))
    return float(cert.lower_bound)


# the controls (in Jupyter with ipywidgets); the callback runs once with its defaults either way
result = interact(explore, lambda w: dict(
    lam=w.FloatSlider(value=2.0, min=0.25, max=4.0, step=0.25, description="λ"),
    width=w.IntSlider(value=64, min=1, max=256, description="max width"),
))
assert abs(result - np.tanh(2) / 2) < 1e-12

# %% [markdown]
# ## Gate statistics: how many activations does a token use?
# For the T witness only the ReLU gate is nonzero: exactly one activation per token (Hill D₁ = 1).

# %%
X = np.random.default_rng(0).uniform(0.1, 1, size=(50, 2))
D1 = effective_activations(w.stronger, X, q=1.0)
print("Hill number D1 of the first tokens:", D1[:5])
assert np.allclose(D1, 1.0)

# %% [markdown]
# ## Your own activation, trained in an MoA layer
# An activation given as a formula gets its metadata derived by sympy (here: analytic, no
# breakpoints). All parameters of an MoA-I layer over {x·tanh(x), ReLU} are trained by L-BFGS on
# the analytic gradients (numeric), and the gates of the trained layer are summarised by D₁.

# %%
from expressivity.ffn import activation_from_expression, fit, template  # noqa: E402

xt = activation_from_expression("x*tanh(x)")
Xtr = np.random.default_rng(1).uniform(-1, 1, size=(400, 2))
ytr = get_witness("T").target_numpy()(Xtr)
res = fit(template("moa-i", [xt, "relu"], 4, 2), Xtr, ytr, seed=0, restarts=2, max_iter=300)
D1_trained = effective_activations(res.model, Xtr, q=1.0)
show_table(["quantity", "value"], [["smoothness of x·tanh(x)", xt.smoothness], ["training loss (mse)", f"{res.loss:.2e}"],
                                   ["mean D1 of the trained gates", f"{D1_trained.mean():.3f}"]])
assert xt.smoothness == "analytic" and res.loss < 1e-2 and 1.0 <= D1_trained.mean() <= 2.0
