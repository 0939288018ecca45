"""Reading a JSON file with errors that name the file and say what is wrong.

:func:`read_json_file` is the one JSON reader of the package: every command that takes a file
(network, arrangement, certificate, coefficient files) goes through it, so bad input ends in a
one-line :class:`~expressivity.exceptions.ExpressivityError` -- never a traceback, a hang or an
exhausted memory.  What it refuses, before or while parsing:

* files larger than ``MAX_FILE_BYTES`` (256 MiB; argument ``max_bytes``), checked before reading
  (and enforced while reading, for pipes and devices);
* bytes that are not UTF-8 ("not a UTF-8 text file"); a leading byte-order mark is allowed;
* nesting deeper than ``MAX_DEPTH`` (100 levels; argument ``max_depth``), found by a quick scan
  of the bracket depth (brackets inside strings ignored) *before* ``json.loads`` recurses;
* integers with more than :data:`expressivity.numbers.MAX_DIGITS` digits (Python would refuse
  them with a ``ValueError`` after 4300 digits), floats outside the float64 range (``1e400``),
  the non-standard literals ``NaN``/``Infinity``, and objects with duplicate keys.

Floats are returned as :class:`JSONFloat`, a ``float`` that remembers its decimal text, so a
reader that wants the exact value of ``1e300`` can get it with ``to_fraction(v.text)``.
"""

from __future__ import annotations

import json
import os
import re
import stat
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from . import numbers as _numbers
from .exceptions import ExpressivityError
from .numbers import shorten

__all__ = ["read_json_file", "parse_json_text", "JSONFloat", "MAX_FILE_BYTES", "MAX_DEPTH"]

MAX_FILE_BYTES = 256 * 2**20
"""Largest file :func:`read_json_file` reads by default (256 MiB)."""

MAX_DEPTH = 100
"""Deepest nesting of arrays/objects accepted by default (the package's formats need < 10)."""

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_CHUNK = 1 << 22  # bytes per step of the depth scan (bounded memory)


class JSONFloat(float):
    """A ``float`` read from JSON, with its decimal text in ``.text`` (e.g. ``"1e300"``).

    Examples
    --------
    >>> v = JSONFloat(0.1, "0.1")
    >>> v == 0.1, v.text
    (True, '0.1')
    """

    __slots__ = ("text",)

    def __new__(cls, value: float, text: str) -> "JSONFloat":
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class _Refused(Exception):
    """Raised inside the json hooks; carries the message and the literal to locate."""

    def __init__(self, message: str, literal: str | None = None):
        super().__init__(message)
        self.literal = literal


def _line_col(text: str | bytes, offset: int) -> str:
    nl = "\n" if isinstance(text, str) else b"\n"
    line = text.count(nl, 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(nl, 0, offset) + 1) + 1}"


def _first_too_deep(data: bytes, max_depth: int) -> int | None:
    """Offset of the first bracket that opens level ``max_depth + 1``, or None.

    Escapes (backslash + byte) are blanked first, then quotes toggle "inside a string", and
    only brackets outside strings count.  On invalid JSON the answer may be off; ``json``
    then reports the syntax error itself.
    """
    if data.count(b"[") + data.count(b"{") <= max_depth:
        return None
    clean = _ESCAPE.sub(b"__", data) if b"\\" in data else data
    depth, quotes = 0, 0
    for start in range(0, len(clean), _CHUNK):
        a = np.frombuffer(clean, np.uint8, count=min(_CHUNK, len(clean) - start), offset=start)
        inside = (np.cumsum(a == 34, dtype=np.uint8) + quotes) & 1  # uint8 wraps, parity survives
        quotes = int(inside[-1])
        step = ((a == 91) | (a == 123)).astype(np.int8) - ((a == 93) | (a == 125)).astype(np.int8)
        step[inside == 1] = 0
        level = np.cumsum(step, dtype=np.int64) + depth
        deep = np.flatnonzero(level > max_depth)
        if deep.size:
            return start + int(deep[0])
        depth = int(level[-1])
    return None


def _parse_int(text: str) -> int:
    digits = len(text) - (text[0] == "-")
    if digits > _numbers.MAX_DIGITS:
        raise _Refused(
            f"an integer with {digits} digits, more than MAX_DIGITS = {_numbers.MAX_DIGITS} "
            "(expressivity.numbers.MAX_DIGITS)", text)
    return int(text) if digits <= 600 else int(_numbers.to_fraction(text))


def _parse_float(text: str) -> JSONFloat:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused(f"the number {shorten(text)} is outside the float64 range; "
                       "write exact numbers as strings, e.g. \"1e400\" or \"p/q\"", text)
    return JSONFloat(value, text)


def _parse_constant(text: str) -> Any:
    raise _Refused(f"{text} is not finite (and not valid JSON); numbers must be finite", text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _Refused(f"duplicate key {shorten(k)} in an object")
            seen.add(k)
    return obj


def _locate(text: str, literal: str | None) -> str:
    if not literal:
        return ""
    m = re.search(r"(?<![\w.\"+-])" + re.escape(literal) + r"(?![\w.])", text)
    return f" ({_line_col(text, m.start())})" if m else ""


def parse_json_text(text: str, error: type[ExpressivityError], source: str = "input") -> Any:
    """Parse JSON text with the limits of :func:`read_json_file` (except the size and depth scan).

    Examples
    --------
    >>> from expressivity.exceptions import InvalidInputError
    >>> parse_json_text('{"a": [1, 2.5]}', InvalidInputError)
    {'a': [1, 2.5]}
    >>> parse_json_text('{"a": 1, "a": 2}', InvalidInputError, "x.json")
    Traceback (most recent call last):
    ...
    expressivity.exceptions.InvalidInputError: x.json: duplicate key 'a' in an object
    """
    if not text.strip():
        raise error(f"{source}: empty (no JSON text)")
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant, object_pairs_hook=_unique_keys)
    except _Refused as exc:
        raise error(f"{source}: {exc}{_locate(text, exc.literal)}") from None
    except json.JSONDecodeError as exc:
        raise error(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise error(f"{source}: JSON nested too deeply") from None
    except MemoryError:
        raise error(f"{source}: too large to parse in the available memory") from None
    except ValueError as exc:  # pragma: no cover - json's other refusals
        raise error(f"{source}: not valid JSON ({shorten(str(exc), 200)})") from None


def _read_bytes(p: Path, error: type[ExpressivityError], what: str, max_bytes: int) -> bytes:
    too_big = (f"{p}: the {what} is larger than {max_bytes} bytes "
               "(the limit; pass max_bytes= to read_json_file to raise it)")
    try:
        with open(p, "rb") as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
                raise error(too_big)
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{p}: cannot read {what} ({exc.strerror or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise error(too_big)
    return data


def read_json_file(path: str | PathLike[str], error: type[ExpressivityError], what: str = "file", *,
                   max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse the JSON in ``path``; unreadable, invalid or oversized files raise ``error``.

    Parameters
    ----------
    path : path-like
    error : subclass of ExpressivityError
        The exception raised, with a one-line message that starts with the path.
    what : str
        What the file is, for messages ("network file").
    max_bytes, max_depth : int
        Size and nesting limits (module docstring).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from expressivity.exceptions import InvalidInputError
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.json"
    >>> _ = f.write_text('{"n": 3, "w": ["1/2", 0.25]}')
    >>> read_json_file(f, InvalidInputError)
    {'n': 3, 'w': ['1/2', 0.25]}
    >>> _ = f.write_text("[" * 1000 + "]" * 1000)
    >>> read_json_file(f, InvalidInputError)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    expressivity.exceptions.InvalidInputError: ...x.json: JSON nested deeper than 100 levels (line 1, column 101)...
    """
    p = Path(path)
    data = _read_bytes(p, error, what, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{p}: not a UTF-8 text file (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                    f"expected a JSON {what}") from None
    deep = _first_too_deep(data, max_depth)
    if deep is not None:
        raise error(f"{p}: JSON nested deeper than {max_depth} levels ({_line_col(data, deep)}); "
                    "the limit is max_depth of read_json_file")
    return parse_json_text(text, error, str(p))
