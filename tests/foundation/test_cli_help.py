"""The command line stays fast and readable: every ``--help`` imports no heavy library, every
option has a help text, the defaults copied for the parser equal the library's, and tables fit
100 columns.

The speed check is structural (which modules got imported), not a wall-time assertion, so it is
robust on a loaded CI machine; ``benchmarks/bench_cli_startup.py`` reports the times.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from expressivity.cli import iter_commands
from expressivity.cli._common import format_cell, print_table

REPO = Path(__file__).resolve().parents[2]

#: top-level packages that must not be imported while building the parser or printing help
HEAVY = ("sympy", "scipy", "matplotlib", "pulp", "highspy", "networkx", "mpmath", "flint")

_PROBE = """
import runpy, sys
sys.argv = {argv!r}
try:
    runpy.run_module("expressivity", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
sys.stderr.write("PROBE " + repr((code, heavy)) + "\\n")
"""


PATHS = [path for path, _ in iter_commands()]


def test_the_parser_tree_has_the_known_commands():
    names = {" ".join(p) for p in PATHS}
    for cmd in ("verify", "list", "figures", "depth", "depth check", "depth hbdss", "ffn sweep", "ffn activations",
                "invariants", "invariants check-point", "regions bounds"):
        assert cmd in names, cmd


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "expressivity")
def test_help_exits_0_and_imports_no_heavy_library(path):
    argv = ["expressivity", *path, "--help"]
    proc = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv, heavy=set(HEAVY))], capture_output=True,
                          text=True, timeout=120, cwd=REPO)
    probe = [line for line in proc.stderr.splitlines() if line.startswith("PROBE ")]
    assert probe, proc.stderr[-2000:]
    code, heavy = eval(probe[-1][len("PROBE "):])  # noqa: S307 - our own repr of (int, list[str])
    assert code in (0, None), proc.stderr[-2000:]
    assert "usage: expressivity" in proc.stdout
    assert heavy == [], f"'{' '.join(argv)}' imported {heavy}"


def test_import_expressivity_is_light_and_reexports_lazily():
    code = ("import sys, expressivity; heavy = sorted(m for m in sys.modules if m.split('.')[0] in %r); "
            "from expressivity import ReLUNetwork, Layer, to_fraction, rank_exact, Progress, as_rng, ExpressivityError; "
            "assert set(expressivity.__all__) <= set(dir(expressivity)); "
            "assert expressivity.regions.count_regions is not None; print(heavy)" % (set(HEAVY),))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_every_public_name_of_the_package_resolves():
    import expressivity
    from expressivity.relu import ReLUNetwork

    assert expressivity.ReLUNetwork is ReLUNetwork
    for name in expressivity.__all__:
        assert getattr(expressivity, name) is not None, name
    with pytest.raises(AttributeError):
        expressivity.no_such_name  # noqa: B018


def test_every_option_has_a_help_text():
    missing = []
    for path, parser in iter_commands():
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
                continue
            if not (action.help and action.help.strip()) or action.help == argparse.SUPPRESS:
                missing.append(f"{' '.join(('expressivity',) + path)} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, "options without help: " + "; ".join(missing)


def test_copied_defaults_equal_the_library_values():
    from expressivity.cli import _defaults

    for const, (module, attr) in _defaults.LIBRARY_SOURCES.items():
        value = importlib.import_module(module)
        for part in attr.split("."):  # e.g. "build_figures.__kwdefaults__.formats"
            value = value[part] if isinstance(value, dict) else getattr(value, part)
        assert getattr(_defaults, const) == value, const
    assert set(_defaults.LIBRARY_SOURCES) == {n for n in _defaults.__all__ if n != "LIBRARY_SOURCES"}


# ---------------------------------------------------------------------------------------------- tables
def test_cells_are_formatted_without_python_reprs():
    assert format_cell(None) == "—"
    assert format_cell(["1/2", 3]) == "1/2, 3"
    assert format_cell((1, 2)) == "1, 2"
    assert format_cell([]) == "—"
    assert format_cell(Fraction(-3, 4)) == "-3/4"
    assert format_cell(0.1 + 0.2) == "0.3"
    assert format_cell(1e-12) == "1e-12"
    assert format_cell(True) == "yes" and format_cell(False) == "no"
    assert format_cell(12) == "12"
    assert format_cell("a\nb") == "a b"


def test_print_table_truncates_the_widest_column_to_the_budget(capsys):
    rows = [("a.short", "exact", "x" * 300), ("b", "numeric", None)]
    print_table(["id", "method", "statement"], rows, width=60)
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert lines[2].endswith("…") and "—" in lines[3]
    print_table(["id", "method", "statement"], rows, width=60, wrap=True)
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 60 and len(lines) > 4
    assert "".join(line[len("a.short  exact    "):] for line in lines[2:-1]) == "x" * 300
    print_table(["id", "n"], [("a", 1)], width=60)
    assert capsys.readouterr().out.splitlines()[0] == "id  n"


_TABLE_COMMANDS = [
    ["list"],
    ["verify", "relu.braid", "-q"],
    ["depth", "bounds"],
    ["regions", "bounds", "--input-dim", "2", "--widths", "8,8"],
    ["ffn", "activations"],
    ["invariants", "--d", "2", "--a", "1", "--max-degree", "2"],
    ["figures", "--list"],
]


@pytest.mark.parametrize("argv", _TABLE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_tables_fit_100_columns_on_a_pipe(argv):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run([sys.executable, "-m", "expressivity", *argv], capture_output=True, text=True, timeout=300,
                          cwd=REPO, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    long = [line for line in proc.stdout.splitlines() if len(line) > 100]
    assert not long, f"{len(long)} line(s) longer than 100 characters, e.g. {long[0]!r}"
    reprs = [line for line in proc.stdout.splitlines()
             if re.search(r"(^|  )(None|\[\]|\['.*)(  |$)", line) or "Fraction(" in line]
    assert not reprs, f"Python reprs in table cells: {reprs[:3]}"


def test_list_json_keeps_the_full_text():
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.run([sys.executable, "-m", "expressivity", "list", "--json"], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env=env)
    claims = json.loads(proc.stdout)
    assert max(len(c["statement"]) for c in claims) > 60  # the table truncates; the JSON does not
