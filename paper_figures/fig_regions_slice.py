"""Activation regions of a 16-input ReLU network on the plane through three input points."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from matplotlib.figure import Figure

from expressivity.regions.slice import SliceRegions, slice_regions
from expressivity.relu import ReLUNetwork

from .registry import figure
from .style import figsize

__all__ = ["SLICE_NET", "make", "slice_figure_data"]

#: input dimension, hidden widths and seed of the network drawn
SLICE_NET = (16, (12, 12), 3)


def slice_figure_data() -> SliceRegions:
    """The exact slice drawn: a Gaussian net with weights rounded to eighths (an exact network),
    the plane through three rational input points, certified exactly (``method == "exact"``)."""
    d, widths, seed = SLICE_NET
    rng = np.random.default_rng(seed)
    dims = [d, *widths, 1]
    q = lambda x: Fraction(round(float(x) * 8), 8)
    Ws = [[[q(v) for v in row] for row in rng.normal(size=(dims[i + 1], dims[i])) / np.sqrt(dims[i]) * 2]
          for i in range(len(dims) - 1)]
    bs = [[q(v) for v in 0.5 * rng.normal(size=dims[i + 1])] for i in range(len(dims) - 1)]
    net = ReLUNetwork.from_matrices(Ws, bs)
    points = [[q(v) for v in rng.normal(size=d)] for _ in range(3)]
    return slice_regions(net, points=points, certify=True)


@figure("regions_slice", "Activation regions of a 16-input [12, 12] ReLU net on the plane through three input "
                         "points p0, p1, p2 (exact vertices, certified): coloured by activation pattern and by the "
                         "gradient direction of the local linear map")
def make() -> Figure:
    res = slice_figure_data()
    fig = Figure(figsize=figsize(1.9), layout="constrained")
    a, b = fig.subplots(1, 2)
    res.draw(a, color_by="pattern", title=f"{res.count} regions (by pattern)")
    res.draw(b, color_by="map", title="local linear map", label_points=False)
    b.set_ylabel("")
    return fig
