"""Registry of paper figures.

A figure module ``paper_figures/fig_<name>.py`` computes its data in a pure, tested function
and draws it in a builder registered with :func:`figure`::

    @figure("max_tree_widths", "Hidden layers and widths of the binary-tree MAX_n network")
    def make() -> matplotlib.figure.Figure: ...

Figures use the object-oriented matplotlib API (no pyplot state) and are written as PNG and
SVG; SVG output is byte-stable (fixed hash salt, no date).
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from expressivity.exceptions import UnknownNameError

__all__ = ["FigureSpec", "figure", "all_figures", "build_figures"]


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
    import paper_figures as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("fig_"):
            importlib.import_module(f"paper_figures.{info.name}")
    _LOADED = True


def all_figures() -> list[FigureSpec]:
    _load()
    return [_FIGURES[k] for k in sorted(_FIGURES)]


def build_figures(out_dir: str | Path, names: Iterable[str] | None = None, *, formats: tuple[str, ...] = ("png", "svg"),
                  log: Callable[[str], None] | None = None) -> list[Path]:
    """Build the named figures (all when ``names`` is None) into ``out_dir``; return the files."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "expressivity"
    specs = all_figures()
    if names:
        wanted = list(names)
        known = {s.name for s in specs}
        missing = [n for n in wanted if n not in known]
        if missing:
            raise UnknownNameError(f"unknown figure(s) {missing}; known: {sorted(known)}")
        specs = [s for s in specs if s.name in wanted]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in specs:
        t0 = time.perf_counter()
        fig = spec.build()
        for fmt in formats:
            path = out / f"{spec.name}.{fmt}"
            meta = {"Date": None} if fmt == "svg" else ({"CreationDate": None} if fmt == "pdf" else None)
            fig.savefig(path, dpi=150, bbox_inches="tight", metadata=meta)
            written.append(path)
        if log:
            log(f"{spec.name}: {', '.join(f'{spec.name}.{f}' for f in formats)} ({time.perf_counter() - t0:.1f} s)")
    return written
