"""Reading a JSON file with errors that name the file and say what is wrong."""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path
from typing import Any

from .exceptions import ExpressivityError

__all__ = ["read_json_file"]


def read_json_file(path: str | PathLike[str], error: type[ExpressivityError], what: str = "file") -> Any:
    """Parse the JSON in ``path``; unreadable or invalid files raise ``error`` with the location."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{p}: cannot read {what} ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{p}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
