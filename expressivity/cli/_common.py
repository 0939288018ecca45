"""Helpers shared by the CLI plug-ins: ``--json`` output and tables."""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence

__all__ = ["add_json_option", "write_json", "to_jsonable", "print_table"]


def add_json_option(p: argparse.ArgumentParser) -> None:
    """``--json [FILE]``: machine-readable output to FILE, or to stdout when FILE is omitted or '-'."""
    p.add_argument("--json", nargs="?", const="-", default=None, metavar="FILE",
                   help="write JSON to FILE (stdout when FILE is omitted or '-')")


def to_jsonable(obj: Any) -> Any:
    """Convert Fractions (to 'p/q' strings), numpy scalars/arrays, sets and tuples for JSON."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, (bool, int, float, str)) or obj is None:
        return obj
    try:
        import numpy as np

        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return to_jsonable(obj.tolist())
    except ImportError:  # pragma: no cover
        pass
    if hasattr(obj, "to_json"):
        return to_jsonable(obj.to_json())
    return str(obj)


def write_json(target: str | None, obj: Any) -> None:
    """Write ``obj`` as JSON to ``target`` ('-' = stdout; None = do nothing)."""
    if target is None:
        return
    text = json.dumps(to_jsonable(obj), indent=2) + "\n"
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, stream=None) -> None:
    """A plain fixed-width table."""
    stream = stream or sys.stdout
    cols = [[str(h)] + [str(r[i]) for r in rows] for i, h in enumerate(headers)]
    widths = [max(len(c) for c in col) for col in cols]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(line.rstrip(), file=stream)
    print("  ".join("-" * w for w in widths), file=stream)
    for r in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip(), file=stream)
