"""Helpers shared by the CLI plug-ins: ``--json`` output, exit codes and tables.

Exit codes (the same for every command):

=====  =====================================================================
0      success: every claim verified / the network computes the target / accepted
1      a definite negative answer: refuted, rejected, counterexample found
2      bad usage or bad input (every :class:`~expressivity.ExpressivityError` not below)
3      a time or resource limit was reached during the run: nothing was proved
130    interrupted (Ctrl-C / SIGINT)
141    stdout was closed by its reader (``expressivity list | head``); nothing more is printed
=====  =====================================================================

JSON: ``--json`` writes the JSON document to stdout (and nothing else reaches stdout: the
command's text and any solver chatter go to stderr); ``--json-out FILE`` writes it to FILE,
atomically, and keeps the text report on stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import numbers
import os
import shutil
import sys
from fractions import Fraction
from pathlib import Path

from .._io import to_jsonable
from typing import Any, Sequence

__all__ = [
    "EXIT_OK", "EXIT_FAIL", "EXIT_USAGE", "EXIT_TIMEOUT", "EXIT_INTERRUPTED",
    "add_json_option", "write_json", "to_jsonable", "print_table", "print_wrapped", "format_cell", "TABLE_WIDTH", "json_stdout_guard", "text_stream",
    "positive_int", "positive_float",
]

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_INTERRUPTED = 130

# the real stdout while `json_stdout_guard` sends everything else to stderr
_json_stream = None


def add_json_option(p: argparse.ArgumentParser, *, default=None) -> None:
    """``--json`` (JSON document to stdout) and ``--json-out FILE`` (to FILE); both set ``args.json``.

    ``args.json`` is ``"-"`` for stdout, a path, or ``default`` (``None``: no JSON).
    """
    g = p.add_mutually_exclusive_group()
    g.add_argument("--json", dest="json", action="store_const", const="-", default=default,
                   help="write the result as JSON to stdout (text goes to stderr)")
    g.add_argument("--json-out", dest="json", metavar="FILE", default=default,
                   help="write the result as JSON to FILE (atomically; never over an input file)")


def positive_int(text: str) -> int:
    """argparse type: a positive integer of at most 18 digits (argparse reports one line, exit 2).

    >>> positive_int("3")
    3
    >>> positive_int("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a positive integer (at most 18 digits), got '-1'
    """
    from ..numbers import shorten

    s = text.strip()
    if not (s.isascii() and s.isdigit()) or len(s) > 18 or int(s) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer (at most 18 digits), got {shorten(text)}")
    return int(s)


def worker_count(text: str) -> int:
    """argparse type: a number of local worker processes, at most 4 x the CPUs of this machine (a huge
    pool would exhaust processes and memory before doing any work).

    >>> worker_count("2")
    2
    """
    n = positive_int(text)
    cap = 4 * (os.cpu_count() or 1)
    if n > cap:
        raise argparse.ArgumentTypeError(f"at most {cap} workers (4 x the {os.cpu_count() or 1} CPUs here), got {n}")
    return n


def positive_float(text: str) -> float:
    """argparse type: a positive finite number, e.g. seconds or GiB (argparse reports one line, exit 2).

    >>> positive_float("2.5")
    2.5
    >>> positive_float("inf")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a positive finite number, got 'inf'
    """
    from ..numbers import shorten

    try:
        value = float(text) if len(text) <= 40 else float("nan")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {shorten(text)}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {shorten(text)}")
    return value


positive_float.__name__ = "number"  # argparse names the type in "invalid number value"


def text_stream(args: argparse.Namespace):
    """Where a command prints its human-readable report: stderr when JSON goes to stdout."""
    return sys.stderr if getattr(args, "json", None) == "-" else sys.stdout


def write_json(target: str | None, obj: Any) -> None:
    """Write ``obj`` as JSON to ``target`` ('-' = stdout; None = do nothing); files atomically."""
    if target is None:
        return
    text = json.dumps(to_jsonable(obj), indent=2, allow_nan=False) + "\n"
    if target == "-":
        stream = _json_stream if _json_stream is not None else sys.stdout
        stream.write(text)
        stream.flush()
    else:
        from .._io import atomic_write_text

        atomic_write_text(Path(target), text)


class json_stdout_guard:
    """While active, everything printed to stdout -- by Python or by C libraries such as
    highspy writing to file descriptor 1 -- goes to stderr; :func:`write_json` alone reaches
    the real stdout.  Used by ``main`` when a command's JSON goes to stdout."""

    def __init__(self, active: bool = True):
        self.active = active
        self._saved_fd = None
        self._saved_stdout = None

    def __enter__(self) -> "json_stdout_guard":
        global _json_stream
        if not self.active:
            return self
        self._saved_stdout = sys.stdout
        try:
            fd = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):  # e.g. captured by pytest: Python level only
            fd = None
        sys.stdout.flush()
        if fd == 1:
            self._saved_fd = os.dup(1)
            os.dup2(2, 1)
            _json_stream = os.fdopen(os.dup(self._saved_fd), "w", encoding="utf-8", closefd=True)
        else:
            _json_stream = self._saved_stdout
        sys.stdout = sys.stderr
        return self

    def __exit__(self, *exc: object) -> None:
        global _json_stream
        if not self.active:
            return
        sys.stdout = self._saved_stdout
        if self._saved_fd is not None:
            try:
                sys.stderr.flush()
                _json_stream.close()
            finally:
                os.dup2(self._saved_fd, 1)
                os.close(self._saved_fd)
        _json_stream = None


#: the width of a table when stdout is not a terminal (a pipe, a file, CI logs)
TABLE_WIDTH = 100


def format_cell(value: Any) -> str:
    """One table cell as text: no Python reprs (``None`` is "—", lists are comma-joined,
    Fractions are ``p/q``, floats have 6 significant digits, booleans are yes/no).

    >>> format_cell(None), format_cell([1, "1/2"]), format_cell(Fraction(3, 4)), format_cell(0.1 + 0.2)
    ('—', '1, 1/2', '3/4', '0.3')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (Fraction, numbers.Integral)):
        return str(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        return str(v) if not math.isfinite(v) else f"{v:.6g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_cell(v)}" for k, v in value.items()) or "—"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(format_cell(v) for v in value) or "—"
    return " ".join(str(value).split()) if "\n" in str(value) else str(value)


def print_wrapped(text: str, *, stream=None, width: int | None = None) -> None:
    """Print a line of prose wrapped to ``width`` (default as :func:`print_table`), continuation
    lines indented by two spaces.

    >>> print_wrapped("one two three four", width=9)
    one two
      three
      four
    """
    import textwrap

    stream = stream or sys.stdout
    budget = width if width is not None else _table_width(stream)
    print(textwrap.fill(text, budget, subsequent_indent="  ", break_on_hyphens=False) if text else "", file=stream)


def _table_width(stream) -> int:
    """The terminal's width when ``stream`` is a terminal, else :data:`TABLE_WIDTH`."""
    try:
        if stream.isatty():
            return max(40, shutil.get_terminal_size((TABLE_WIDTH, 24)).columns)
    except (AttributeError, ValueError, OSError):
        pass
    return TABLE_WIDTH


def _fit_widths(widths: list[int], minimum: list[int], budget: int) -> list[int]:
    """Cap the widest columns (water-filling) until the columns fit ``budget`` characters."""
    if sum(widths) <= budget:
        return widths
    for cap in range(max(widths), 0, -1):
        fitted = [min(w, max(cap, m)) for w, m in zip(widths, minimum)]
        if sum(fitted) <= budget:
            return fitted
    return minimum


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, stream=None, width: int | None = None,
                wrap: bool = False) -> None:
    """A plain fixed-width table that fits ``width`` characters (default: the terminal's width on a
    terminal, else 100).  The widest free-text columns (cells with spaces) are truncated with "…"
    first, then the others; the full text is in the command's ``--json``.  With ``wrap=True``
    long cells are wrapped over several lines instead.  Cells go through :func:`format_cell`.

    >>> print_table(["id", "statement"], [("a", "a long statement " * 2), ("b", None)], width=20)
    id  statement
    --  ----------------
    a   a long statemen…
    b   —
    """
    stream = stream or sys.stdout
    budget = width if width is not None else _table_width(stream)
    headers = [str(h) for h in headers]
    cells = [[format_cell(v) for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    minimum = [min(w, max(6, min(len(h), 12))) for w, h in zip(widths, headers)]
    free = [any(" " in r[i] for r in cells) for i in range(len(headers))]  # free text: shrink these first
    room = budget - 2 * (len(headers) - 1)
    widths = _fit_widths(widths, [m if f else w for w, m, f in zip(widths, minimum, free)], room)
    widths = _fit_widths(widths, minimum, room)
    print("  ".join(_clip(h, w).ljust(w) for h, w in zip(headers, widths)).rstrip(), file=stream)
    print("  ".join("-" * w for w in widths), file=stream)
    for r in cells:
        if not wrap:
            print("  ".join(_clip(v, w).ljust(w) for v, w in zip(r, widths)).rstrip(), file=stream)
            continue
        import textwrap

        parts = [textwrap.wrap(v, w, break_on_hyphens=False) or [""] for v, w in zip(r, widths)]
        for k in range(max(len(p) for p in parts)):
            line = "  ".join((p[k] if k < len(p) else "").ljust(w) for p, w in zip(parts, widths))
            print(line.rstrip(), file=stream)
