"""Optional dependencies of the interchange formats, imported only when a file needs them."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..exceptions import InvalidInputError

__all__ = ["MissingDependencyError", "require"]


class MissingDependencyError(InvalidInputError, ImportError):
    """An optional package needed for a file format is not installed (the message says how to install it)."""


def require(module: str, what: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the ``[interop]`` extra.

    Examples
    --------
    >>> require("json", "JSON files").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        raise MissingDependencyError(
            f"{what} need the '{package}' package: python -m pip install 'expressivity[interop]'") from None
