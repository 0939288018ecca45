"""The ``expressivity`` command line.

The top-level parser is assembled from plug-in modules: every module ``expressivity/cli/*.py``
whose name does not start with ``_`` defines ``register(cli: CLIBuilder)`` and adds its
subcommands.  A thread owns its module (``depth_max.py``, ``regions.py``, ...), so no shared
file changes when a subcommand is added.  Commands that several threads extend (``depth``)
are groups: ``cli.group("depth", help)`` returns the same sub-parser set to every caller.

Each handler receives the parsed ``argparse.Namespace`` and returns an exit code.

Start-up is kept fast (``expressivity --help`` in well under 0.5 s): a plug-in module imports
library code only inside its handlers, and ``register`` uses argparse and constants only.  Library
defaults and choices needed while building the parser are copied into :mod:`._defaults`, whose
test checks them against the library; ``tests/foundation/test_cli_help.py`` runs every ``--help``
and fails if sympy, scipy, matplotlib, pulp, highspy, networkx, mpmath or flint got imported.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Callable, Sequence

from ..exceptions import ExpressivityError

__all__ = ["CLIBuilder", "build_parser", "iter_commands", "main"]


class OneLineErrorParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line on stderr (exit 2), naming ``--help``."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        message = " ".join(message.split())
        if len(message) > 400:
            message = message[:400] + "..."
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


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

    parser = OneLineErrorParser(
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


def iter_commands(parser: argparse.ArgumentParser | None = None, prefix: tuple[str, ...] = ()):
    """Every ``(command path, parser)`` of the parser tree: ``((), top)``, ``(("depth",), ...)``, ...

    Examples
    --------
    >>> paths = [path for path, _ in iter_commands()]
    >>> () in paths and ("depth", "check") in paths
    True
    """
    parser = build_parser() if parser is None else parser
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from iter_commands(sub, prefix + (name,))


# attributes that name files a command writes; `_check_outputs` validates them before the work
_OUTPUT_FILE_ATTRS = ("json", "certificate", "export", "out", "latex")
_OUTPUT_DIR_COMMANDS = {("figures", "out")}


def _input_files(args: argparse.Namespace) -> list[str]:
    """Every string argument that names an existing file: the command's inputs."""
    found = []
    for name, value in vars(args).items():
        if name in _OUTPUT_FILE_ATTRS:
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, str) and v and len(v) < 4096 and os.path.isfile(v):
                found.append(v)
    return found


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse unwritable outputs and outputs that would replace an input, before any work."""
    from .._io import check_output_path

    inputs = tuple(_input_files(args))
    for name in _OUTPUT_FILE_ATTRS:
        value = getattr(args, name, None)
        if not isinstance(value, str) or value == "-" or (name == "json" and value is None):
            continue
        is_dir = (getattr(args, "command", None), name) in _OUTPUT_DIR_COMMANDS
        flag = "--json-out" if name == "json" else f"--{name}"
        check_output_path(value, inputs=inputs, what=flag, directory=is_dir)


def _one_line(exc: BaseException, limit: int = 400) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code (see :mod:`expressivity.cli._common`)."""
    from ..exceptions import LimitReachedError, SolverTimeoutError
    from ._common import EXIT_INTERRUPTED, EXIT_TIMEOUT, EXIT_USAGE, json_stdout_guard

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        _check_outputs(args)
        with json_stdout_guard(getattr(args, "json", None) == "-"):
            return int(args.func(args) or 0)
    except (SolverTimeoutError, LimitReachedError) as exc:
        print(f"expressivity: limit reached: {_one_line(exc)} (nothing proved)", file=sys.stderr)
        return EXIT_TIMEOUT
    except ExpressivityError as exc:
        print(f"expressivity: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("expressivity: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (`expressivity list | head`): stop quietly, as Unix tools do
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        except OSError:
            pass
        return 141
    except MemoryError:
        print("expressivity: error: out of memory; the computation is too large for this machine "
              "(lower the sizes or raise the limits deliberately)", file=sys.stderr)
        return EXIT_USAGE
    except (RecursionError, OverflowError, UnicodeDecodeError, ValueError, OSError) as exc:
        # a last line of defence: input that got past validation must still end in one line
        if os.environ.get("EXPRESSIVITY_DEBUG"):
            raise
        print(f"expressivity: error: {type(exc).__name__}: {_one_line(exc)} "
              "(set EXPRESSIVITY_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_USAGE
