"""Lightning attention (d, t) = (3, 2): dim I_k, new minimal generators, and what each family spans."""

from __future__ import annotations

from matplotlib.figure import Figure

from expressivity.attention import LightningShape, family_coverage, implicitize

from .registry import figure

__all__ = ["lightning_generator_data", "make"]


def lightning_generator_data(d: int = 3, t: int = 2, max_degree: int = 4, seed: int = 0) -> dict:
    """For a = 1..d: per degree, dim I_k, new minimal generators, and the span of every family in I_k (mod p)."""
    out = {}
    for a in range(1, d + 1):
        g = implicitize(LightningShape(d, a, t), max_degree, seed=seed)
        rows = []
        for dd in g.degrees:
            cov = family_coverage(g, dd.degree) if dd.dim_ideal else None
            rows.append({"degree": dd.degree, "dim_I": dd.dim_ideal, "new": dd.new_generators,
                         "by_family": dict(cov.span_by_family) if cov else {},
                         "complete": cov.complete if cov else True})
        out[a] = {"degrees": rows, "generators_raw": g.generators_by_degree(raw=True)}
    return out


@figure("lightning_generators", "Lightning attention (d,t)=(3,2): generators by degree and the span of each invariant family")
def make() -> Figure:
    data = lightning_generator_data()
    fams = sorted({f for v in data.values() for r in v["degrees"] for f in r["by_family"]})
    fig = Figure(figsize=(11, 3.8))
    axes = fig.subplots(1, len(data), sharey=True)
    width = 0.8 / (len(fams) + 2)
    for ax, (a, v) in zip(axes, data.items()):
        degs = [r["degree"] for r in v["degrees"]]
        series = [("dim I_k", [r["dim_I"] for r in v["degrees"]]), ("new minimal", [r["new"] for r in v["degrees"]])]
        series += [(f, [r["by_family"].get(f, 0) for r in v["degrees"]]) for f in fams]
        for i, (name, ys) in enumerate(series):
            xs = [x + (i - len(series) / 2) * width for x in degs]
            ax.bar(xs, [max(y, 0.8) if y else 0 for y in ys], width, label=name,
                   color=("black" if i == 0 else "0.55" if i == 1 else None))
        ax.set_yscale("log")
        ax.set_xticks(degs)
        ax.set_xlabel("degree k")
        gens = ", ".join(f"{k}:{n}" for k, n in sorted(v["generators_raw"].items()))
        ax.set_title(f"a = {a}: minimal generators {gens}", fontsize=8)
    axes[0].set_ylabel("dimension (reduced coordinates)")
    axes[-1].legend(fontsize=6, loc="upper left")
    fig.suptitle("Lightning self-attention, d = 3, t = 2: vanishing ideal by degree (exact mod p) and family spans", fontsize=9)
    return fig
