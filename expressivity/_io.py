"""Atomic file writes: a reader never sees a half-written output, and Ctrl-C leaves nothing behind.

Every file the toolkit writes goes through :func:`atomic_write_text` or
:func:`atomic_write_bytes`: the data go to a temporary file in the destination's folder, are
flushed to disk, and the temporary file is renamed over the destination (``os.replace``, atomic
on POSIX and Windows).  On any error, including ``KeyboardInterrupt``, the temporary file is
removed and the destination is left as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from fractions import Fraction
from os import PathLike
from pathlib import Path
from typing import Any

from .exceptions import InvalidInputError

__all__ = ["atomic_write_text", "atomic_write_bytes", "check_output_path", "to_jsonable"]


def atomic_write_bytes(path: str | PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write_bytes(d / "x.bin", b"abc").read_bytes()
    b'abc'
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInputError(f"cannot write {str(target)!r}: folder {str(folder)!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600 files: give the output the mode a plain open() would
        mode = (os.stat(target).st_mode & 0o777) if target.exists() else (0o666 & ~_umask())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8 by default) and return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write_text(d / "x.txt", "hello").read_text()
    'hello'
    """
    return atomic_write_bytes(path, text.encode(encoding))


def check_output_path(path: str | PathLike[str], *, inputs: tuple[str | PathLike[str], ...] = (),
                      what: str = "output", directory: bool = False) -> Path:
    """Refuse an output path that cannot be written, or that names one of ``inputs``.

    Called before a long computation, so a bad ``--json-out``/``--out`` fails at once and never
    replaces an input file.  ``directory=True`` checks an output folder (created later if absent,
    but its parent must exist).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); net = d / "net.json"; _ = net.write_text("{}")
    >>> check_output_path(d / "report.json", inputs=(net,)).name
    'report.json'
    >>> check_output_path(net, inputs=(net,))
    Traceback (most recent call last):
    ...
    expressivity.exceptions.InvalidInputError: output 'net.json' is an input file of this command; choose another output path
    """
    target = Path(path)
    if directory:
        if target.exists() and not target.is_dir():
            raise InvalidInputError(f"{what} {str(path)!r} exists and is not a folder")
        parent = target.resolve().parent
        if not target.exists() and not parent.is_dir():
            raise InvalidInputError(f"{what} folder {str(path)!r}: parent folder {str(parent)!r} does not exist")
        return target
    if target.is_dir():
        raise InvalidInputError(f"{what} {str(path)!r} is a folder; give a file name")
    folder = target.resolve().parent
    if not folder.is_dir():
        raise InvalidInputError(f"{what} {str(path)!r}: folder {str(folder)!r} does not exist")
    for inp in inputs:
        try:
            if Path(inp).exists() and (target.exists() and os.path.samefile(target, inp)
                                       or target.resolve() == Path(inp).resolve()):
                raise InvalidInputError(f"{what} {target.name!r} is an input file of this command; choose another output path")
        except OSError:
            continue
    return target


def to_jsonable(obj: Any) -> Any:
    """A JSON-ready copy of ``obj``: Fractions as ``"p/q"`` strings, numpy scalars and arrays as
    Python numbers and lists, sets and tuples as lists, objects with ``to_json()`` through it, and
    NaN/Infinity as strings (JSON has none, and the document must stay valid).

    Examples
    --------
    >>> from fractions import Fraction
    >>> to_jsonable({"x": Fraction(1, 3), "s": {2}, "bad": float("nan")})
    {'x': '1/3', 's': [2], 'bad': 'nan'}
    """
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, float) and (obj != obj or obj in (float("inf"), float("-inf"))):
        return str(obj)
    if isinstance(obj, (bool, int, float, str)) or obj is None:
        return obj
    if hasattr(obj, "item") and hasattr(obj, "dtype"):  # a numpy scalar or array (numpy not imported here)
        return to_jsonable(obj.tolist() if getattr(obj, "ndim", 0) else obj.item())
    if hasattr(obj, "to_json"):
        return to_jsonable(obj.to_json())
    return str(obj)
