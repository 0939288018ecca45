"""Lightning attention (d, t) = (3, 2): dim I_k, new minimal generators, and what each family spans."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from expressivity.attention import LightningShape, family_coverage, implicitize

from .registry import figure
from .style import figsize

__all__ = ["lightning_generator_data", "make"]


def lightning_generator_data(d: int = 3, t: int = 2, max_degree: int = 4, seed: int = 0) -> dict:
    """For a = 1..d: per degree, dim I_k, new minimal generators, the span of every family in I_k (mod p),
    and whether dim I_k and the new-generator count are proved over Q (see ``count_status``)."""
    from expressivity.attention import PROVED, count_status

    out = {}
    for a in range(1, d + 1):
        g = implicitize(LightningShape(d, a, t), max_degree, seed=seed)
        rows = []
        prev_proved, prev_zero = True, True
        for dd in g.degrees:
            cov = family_coverage(g, dd.degree, exact_lower=not prev_zero) if dd.dim_ideal else None
            # the families' symbolic vanishing is a registered claim (lightning.family.*), checked separately
            proved = count_status(dd.dim_ideal, cov.span_all if cov else None, True) == PROVED
            new_exact = (dd.dim_ideal if prev_zero else
                         dd.dim_ideal - cov.span_lower_exact if cov and cov.span_lower_exact is not None else None)
            new_proved = proved and prev_proved and new_exact is not None
            rows.append({"degree": dd.degree, "dim_I": dd.dim_ideal, "new": new_exact if new_proved else dd.new_generators,
                         "by_family": dict(cov.span_by_family) if cov else {},
                         "complete": cov.complete if cov else True, "proved": proved and new_proved})
            prev_proved, prev_zero = proved, dd.dim_ideal == 0
        out[a] = {"degrees": rows, "generators_raw": g.generators_by_degree(raw=True)}
    return out


#: table columns: (label, how to read the value from a degree row)
_FIXED_COLUMNS = (("dim $I_k$ (reduced)", lambda v, r: r["dim_I"]),
                  ("new minimal (reduced)", lambda v, r: r["new"]),
                  ("minimal (raw coords)", lambda v, r: v["generators_raw"].get(r["degree"], 0)))


def _table(data: dict) -> tuple[list[str], list[str], np.ndarray]:
    """Row labels (a, k), column labels and the integer matrix of counts shown in the figure."""
    fams = sorted({f for v in data.values() for r in v["degrees"] for f in r["by_family"]})
    cols = [c[0] for c in _FIXED_COLUMNS] + [f.replace("_", " ") for f in fams]
    rows, values = [], []
    for a, v in data.items():
        for r in v["degrees"]:
            rows.append(f"a={a}, k={r['degree']}")
            values.append([get(v, r) for _, get in _FIXED_COLUMNS] + [r["by_family"].get(f, 0) for f in fams])
    return rows, cols, np.array(values, dtype=np.int64)


@figure("lightning_generators", "Lightning attention (d,t)=(3,2): generators by degree (dim I_k and minimal generators "
                                "proved over Q: family span = mod-p upper bound, exact lower-degree ranks) and the span "
                                "of each invariant family (mod-p ranks: lower bounds, exact with high probability)")
def make() -> Figure:
    data = lightning_generator_data()
    if not all(r["proved"] for v in data.values() for r in v["degrees"]):  # the caption says proved
        raise AssertionError("a count of the (3, 2) figure is not proved over Q")
    rows, cols, M = _table(data)
    fig = Figure(figsize=figsize(3.3))
    ax = fig.add_subplot()
    shown = np.ma.masked_equal(M, 0)
    ax.imshow(shown, cmap="Blues", norm=LogNorm(vmin=1, vmax=max(int(M.max()), 2) * 4), aspect="auto")
    for (i, j), val in np.ndenumerate(M):
        ax.text(j, i, str(val), ha="center", va="center", fontsize=6, color="0.55" if val == 0 else "black")
    ax.set_xticks(range(len(cols)), cols, rotation=40, ha="left", rotation_mode="anchor")
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    per_a = len(next(iter(data.values()))["degrees"])
    for y in np.arange(per_a, len(rows), per_a) - 0.5:
        ax.axhline(y, color="k", lw=0.8)
    ax.axvline(len(_FIXED_COLUMNS) - 0.5, color="k", lw=0.8)
    ax.set_xlabel("left of the bar: dimension and minimal generators of $I_k$ (proved over Q);\n"
                  "right: dimension each invariant family spans in $I_k$ (mod one prime: a lower bound,\n"
                  "over Q exact with high probability)", fontsize=7)
    ax.xaxis.set_label_position("bottom")
    return fig
