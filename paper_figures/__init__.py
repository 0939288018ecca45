"""Paper figures: one module per figure (``fig_*.py``), each registering a builder.

``expressivity figures --out DIR`` (or :func:`paper_figures.registry.build_figures`) rebuilds
every figure from scratch with fixed seeds.
"""

from .registry import FigureSpec, all_figures, build_figures, figure

__all__ = ["FigureSpec", "all_figures", "build_figures", "figure"]
