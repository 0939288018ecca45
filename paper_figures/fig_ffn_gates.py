"""Effective number of activations per token (Hill numbers of normalised MoA gates)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from expressivity._random import as_rng
from expressivity.ffn.activations import PAPER_DICTIONARY
from expressivity.ffn.gate_stats import effective_activations, hill_number, normalize_gates
from expressivity.ffn.layers import moa_type1

from .registry import figure
from .style import figsize

__all__ = ["gate_data", "make"]


def gate_data(d: int = 16, tokens: int = 2000, scales=(0.0, 0.5, 2.0, 8.0), qs=None, seed: int = 0) -> dict:
    """Per-token Hill numbers of a sigmoid and a tanh MoA-I layer whose gate matrix has scale s."""
    rng = as_rng(seed)
    qs = np.linspace(0, 6, 25) if qs is None else np.asarray(qs, dtype=np.float64)
    K = len(PAPER_DICTIONARY)
    X = rng.normal(size=(tokens, d)) / np.sqrt(d)
    base = rng.normal(size=(K, d))
    W1, W2 = rng.normal(size=(4, d)), rng.normal(size=(1, 4))
    out = {"qs": qs.tolist(), "K": K, "rows": []}
    for gate in ("sigmoid", "tanh"):
        for s in scales:
            layer = moa_type1(PAPER_DICTIONARY, W1, W2, s * base, c=np.zeros(K) if gate == "sigmoid" else np.full(K, 0.1),
                              gate=gate)
            P = normalize_gates(layer.gate_values(X))
            prof = [float(np.mean(hill_number(P, q))) for q in qs]
            out["rows"].append({"gate": gate, "scale": float(s), "mean_profile": prof,
                                "D1": effective_activations(layer, X, 1.0).tolist()})
    return out


@figure("ffn_gates", "Effective number of activations per token: Hill numbers D_q of normalised MoA gates")
def make() -> Figure:
    data = gate_data()
    fig = Figure(figsize=figsize(4.8), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1)
    for row in data["rows"]:
        ls = "-" if row["gate"] == "sigmoid" else "--"
        ax1.plot(data["qs"], row["mean_profile"], ls, label=f"{row['gate']}, |U| scale {row['scale']:g}")
        if row["gate"] == "sigmoid":
            ax2.hist(row["D1"], bins=40, histtype="step", lw=1.1, log=True, label=f"scale {row['scale']:g}")
    ax1.axhline(data["K"], color="k", lw=0.8, ls=":")
    ax1.set_xlabel("order q")
    ax1.set_ylabel("mean D$_q$ over tokens")
    ax1.set_title("Hill profile of |π|/Σ|π| (q=0 support, 1 exp-Shannon, 2 ESS);\n"
                  "saturated tanh gates have equal |π|, hence D ≈ K", fontsize=7)
    ax1.set_ylim(1.5, data["K"] + 0.3)  # room for the legend below the curves
    ax1.legend(fontsize=5.5, ncol=2, loc="lower left")
    ax2.set_xlabel("D$_1$ = exp(Shannon) per token (sigmoid gates)")
    ax2.set_ylabel("tokens")
    ax2.set_title("effective activations per token")
    ax2.legend(loc="upper left")
    return fig
