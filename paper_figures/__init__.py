"""Paper figures and tables: one module per figure (``fig_*.py``), each registering a builder.

``expressivity figures --out DIR`` (or :func:`expressivity.paper_figures.registry.build_figures`) rebuilds
every figure from scratch with fixed seeds, in the single-column paper style of
:mod:`expressivity.paper_figures.style`, as PDF, SVG or PNG.  :func:`expressivity.paper_figures.latex.verdicts_latex`
turns claim verdicts into a booktabs LaTeX table.
"""

from .latex import verdicts_latex
from .registry import FORMATS, FigureSpec, all_figures, build_figures, figure
from .style import paper_style

__all__ = ["FORMATS", "FigureSpec", "all_figures", "build_figures", "figure", "paper_style", "verdicts_latex"]
