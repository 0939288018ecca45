"""Registry of paper figures.

A figure module ``paper_figures/fig_<name>.py`` computes its data in a pure, tested function
and draws it in a builder registered with :func:`figure`::

    @figure("max_tree_widths", "Hidden layers and widths of the binary-tree MAX_n network")
    def make() -> matplotlib.figure.Figure: ...

Figures use the object-oriented matplotlib API (no pyplot state), are built and saved in the
paper style (:mod:`expressivity.paper_figures.style`) and written as PDF, SVG or PNG; SVG and PDF output is
byte-stable (fixed hash salt, no date).
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from io import BytesIO
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from expressivity._io import atomic_write_bytes
from expressivity.exceptions import InvalidInputError, UnknownNameError

from .style import paper_style

__all__ = ["FORMATS", "FigureSpec", "figure", "all_figures", "build_figures", "render"]


@dataclass(frozen=True)
class FigureSpec:
    name: str
    description: str
    build: Callable[[], "object"]
    module: str


_FIGURES: dict[str, FigureSpec] = {}
_LOADED = False


def figure(name: str, description: str) -> Callable:
    """Register ``build() -> matplotlib.figure.Figure`` under ``name``."""

    def register(fn: Callable[[], object]) -> Callable[[], object]:
        _FIGURES[name] = FigureSpec(name, description, fn, fn.__module__)
        return fn

    return register


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    from expressivity import paper_figures as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("fig_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    _LOADED = True


def all_figures() -> list[FigureSpec]:
    _load()
    return [_FIGURES[k] for k in sorted(_FIGURES)]


FORMATS = ("pdf", "svg", "png")


def build_figures(out: str | Path, names: Iterable[str] | None = None, *, log: Callable[[str], None] | None = print,
                  formats: Iterable[str] = ("png", "svg")) -> list[Path]:
    """Build the named figures (all when ``names`` is None) into ``out``; return the files written.

    Each figure is built and saved in the paper style (:func:`expressivity.paper_figures.style.paper_style`)
    and each file is written atomically.  ``formats`` is any of ``"pdf"``, ``"svg"``, ``"png"``.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in build_figures(tempfile.mkdtemp(), ["relu_depth_bounds"], formats=["svg"], log=None)]
    ['relu_depth_bounds.svg']
    """
    fmts = _check_formats(formats)
    specs = _select(names)
    import matplotlib

    matplotlib.use("Agg")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in specs:
        t0 = time.perf_counter()
        with paper_style():
            fig = spec.build()
            for fmt in fmts:
                written.append(atomic_write_bytes(out / f"{spec.name}.{fmt}", render(fig, fmt)))
        if log:
            log(f"{spec.name}: {', '.join(f'{spec.name}.{f}' for f in fmts)} ({time.perf_counter() - t0:.1f} s)")
    return written


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    fmts = tuple(dict.fromkeys(f.lower().lstrip(".") for f in ([formats] if isinstance(formats, str) else formats)))
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise InvalidInputError(f"unknown figure format(s) {bad or '(none)'}; choose from {', '.join(FORMATS)}")
    return fmts


def _select(names: Iterable[str] | None) -> list[FigureSpec]:
    specs = all_figures()
    if not names:
        return specs
    wanted = list(names)
    known = {s.name for s in specs}
    missing = [n for n in wanted if n not in known]
    if missing:
        raise UnknownNameError(f"unknown figure(s) {missing}; known: {sorted(known)}")
    return [s for s in specs if s.name in wanted]


def render(fig, fmt: str) -> bytes:
    """The bytes of ``fig`` in format ``fmt``, without a creation date (byte-stable SVG and PDF)."""
    meta = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
    buf = BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight", metadata=meta)
    return buf.getvalue()
