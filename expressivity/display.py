"""Show results in a notebook, or as plain text when run as a script.

The study notebooks (``notebooks/``) use these so that the same file renders tables as Markdown
and figures inline in Jupyter, and prints aligned text (drawing figures off-screen, writing no
file) under plain ``python``.  IPython and ipywidgets are optional: without them everything
falls back to text.
"""

from __future__ import annotations

import io
from typing import Any, Callable, Sequence

__all__ = ["in_notebook", "display", "interact", "show_table", "show_figure", "widgets"]

try:
    import ipywidgets as widgets
except ImportError:  # the controls are optional
    widgets = None


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where tables and figures are displayed inline).

    Examples
    --------
    >>> in_notebook()
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def display(*objects: Any) -> None:
    """IPython's ``display`` in a notebook (e.g. for an ipywidgets control); ``print`` otherwise.

    Examples
    --------
    >>> display("shown as text outside Jupyter")
    shown as text outside Jupyter
    """
    if in_notebook():
        from IPython.display import display as ipython_display

        ipython_display(*objects)
    else:
        print(*objects)


def interact(explore: Callable[..., Any], controls: Callable[[Any], dict[str, Any]]) -> Any:
    """Run ``explore`` behind ipywidgets controls in a notebook, or once with its defaults otherwise.

    ``controls(widgets)`` returns ``{parameter: widget}``; it is called only when ipywidgets is
    there, so scripts need no widget library.  Building the controls runs ``explore`` once with
    the widgets' initial values; its result is returned (``None`` if it raised), so a notebook
    can assert what the default view shows.

    Examples
    --------
    >>> interact(lambda n=3: n * n, lambda w: {"n": w.IntSlider(value=3, min=1, max=9)})
    9
    """
    if widgets is None or not in_notebook():
        return explore()
    ui = widgets.interactive(explore, **controls(widgets))
    display(ui)
    return ui.result


def show_table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
    """A Markdown table in a notebook, aligned plain text otherwise.

    Examples
    --------
    >>> show_table(["n", "depth"], [[5, 2], [9, 3]])
    n  depth
    5  2
    9  3
    """
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    if in_notebook():
        from IPython.display import Markdown, display

        lines = ["| " + " | ".join(r) + " |" for r in cells]
        display(Markdown("\n".join(lines[:1] + ["|" + "---|" * len(header)] + lines[1:])))
        return
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print("\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells))


def show_figure(fig: Any) -> int:
    """Render a matplotlib figure to PNG in memory; display it inline in a notebook.

    Nothing is written to disk.  Returns the PNG's size in bytes (a drawn figure is never empty).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); _ = fig.add_subplot().plot([0, 1], [1, 0])
    >>> show_figure(fig) > 1000
    True
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    if in_notebook():
        from IPython.display import Image, display

        display(Image(buf.getvalue()))
    return len(buf.getvalue())
