"""One figure style for the paper: single-column width, 8-9 pt fonts, text kept as text.

Every figure is built and saved inside :func:`paper_style` (the registry does it), so the
fonts, line widths and output settings are the same everywhere.  Text in SVG stays ``<text>``
(``svg.fonttype = "none"``) and PDF embeds TrueType fonts (``pdf.fonttype = 42``), so labels
stay selectable and searchable in the paper.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["PAPER_RC", "SINGLE_COLUMN_WIDTH", "figsize", "paper_style"]

#: width of one column of a two-column paper, in inches
SINGLE_COLUMN_WIDTH = 3.4

#: the rcParams of the paper style (fonts in points)
PAPER_RC: dict[str, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7.5,
    "figure.titlesize": 9,
    "mathtext.fontset": "dejavusans",
    "axes.linewidth": 0.6,
    "lines.linewidth": 1.1,
    "lines.markersize": 3.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "grid.linewidth": 0.4,
    "legend.frameon": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "expressivity",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "savefig.dpi": 300,
}


def figsize(height: float = 2.4, width: float = SINGLE_COLUMN_WIDTH) -> tuple[float, float]:
    """``(width, height)`` in inches of a single-column figure.

    Examples
    --------
    >>> figsize(2.0)
    (3.4, 2.0)
    """
    return (width, height)


@contextmanager
def paper_style() -> Iterator[None]:
    """Context in which a figure is built *and* saved with the paper style.

    Examples
    --------
    >>> import matplotlib
    >>> with paper_style():
    ...     matplotlib.rcParams["svg.fonttype"], matplotlib.rcParams["font.size"]
    ('none', 8.0)
    """
    import matplotlib

    with matplotlib.rc_context(PAPER_RC):
        yield
