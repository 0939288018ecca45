"""The ``expressivity`` command line.

The top-level parser is assembled from plug-in modules: every module ``expressivity/cli/*.py``
whose name does not start with ``_`` defines ``register(cli: CLIBuilder)`` and adds its
subcommands.  A thread owns its module (``depth_max.py``, ``regions.py``, ...), so no shared
file changes when a subcommand is added.  Commands that several threads extend (``depth``)
are groups: ``cli.group("depth", help)`` returns the same sub-parser set to every caller.

Each handler receives the parsed ``argparse.Namespace`` and returns an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import Callable, Sequence

from ..exceptions import ExpressivityError

__all__ = ["CLIBuilder", "build_parser", "main"]


class CLIBuilder:
    """Hands out the top-level subparsers and shared command groups to plug-in modules."""

    def __init__(self, parser: argparse.ArgumentParser):
        self.parser = parser
        self.subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def command(self, name: str, help: str, **kw) -> argparse.ArgumentParser:
        """A new top-level command; set its handler with ``p.set_defaults(func=...)``."""
        return self.subparsers.add_parser(name, help=help, description=kw.pop("description", help), **kw)

    def group(self, name: str, help: str) -> argparse._SubParsersAction:
        """The sub-command set of the group ``name`` (created on first request)."""
        if name not in self._groups:
            p = self.subparsers.add_parser(name, help=help, description=help)
            p.set_defaults(func=lambda args, _p=p: (_p.print_help(), 2)[1])
            self._groups[name] = p.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND")
        return self._groups[name]


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="expressivity",
        description="Formal expressivity analysis of neural-network layers: exact, symbolic and numeric checks of published claims.",
    )
    parser.add_argument("--version", action="version", version=f"expressivity {__version__}")
    cli = CLIBuilder(parser)
    import expressivity.cli as pkg

    # core first so that verify/list/figures lead the help listing
    modules = ["core"] + sorted(i.name for i in pkgutil.iter_modules(pkg.__path__) if not i.name.startswith("_") and i.name != "core")
    for name in modules:
        mod = importlib.import_module(f"expressivity.cli.{name}")
        register: Callable[[CLIBuilder], None] | None = getattr(mod, "register", None)
        if register is not None:
            register(cli)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ExpressivityError as exc:
        print(f"expressivity: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("expressivity: interrupted", file=sys.stderr)
        return 130
