"""Every ``expressivity ...`` command the README shows runs, as a subprocess, with exit code 0.

Commands are read from the README itself: lines of code blocks and inline code spans that start
with ``expressivity`` or ``python -m proofs``.  Optional parts ``[...]`` are dropped, ``a|b|c``
takes its first alternative, and a synopsis line with upper-case placeholders (``FILE``, ``IDS``)
is only parsed, not run.  The files the README names (``net.json``, ``arr.json``, ``point.json``,
``m5.json``, ``hbdss4.json``) are made in a scratch folder first.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from expressivity.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")

# README commands that take more than ~20 s on the 2-core reference machine
SLOW_EXACT = {"expressivity verify", "expressivity figures", "expressivity figures --out figures/"}
SLOW_PREFIX = ("expressivity ffn sweep T", "expressivity depth hbdss --n 5", "expressivity depth certificate --n 7")


def readme_commands() -> list[str]:
    lines: list[str] = []
    in_block = False
    for raw in README.splitlines():
        if raw.startswith("```"):
            in_block = not in_block
            continue
        if in_block:
            candidates = [part.strip() for part in raw.split("&&")]
        else:  # inline code: a command, not a mention of a command group such as `expressivity depth`
            candidates = [c for c in re.findall(r"`([^`]+)`", raw) if len(c.split()) >= 3]
        for c in candidates:
            c = c.lstrip("- ").strip()
            if c.startswith(("expressivity ", "python -m proofs")):
                lines.append(c)
    seen, out = set(), []
    for c in lines:
        c = re.sub(r"\s+#.*$", "", c).strip()
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def runnable(command: str) -> list[str] | None:
    """The argv of a README command, or None for a synopsis with placeholders."""
    text = re.sub(r"\[[^\[\]]*\]", "", command)
    text = re.sub(r"\[[^\[\]]*\]", "", text)
    words = [w.split("|")[0] for w in shlex.split(text)]
    if any(re.fullmatch(r"[A-Z][A-Z_]+(\.\.\.)?", w) or "..." in w for w in words):
        return None
    return words


COMMANDS = readme_commands()


def test_readme_has_commands():
    assert len(COMMANDS) >= 20


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    from expressivity.attention import LightningShape, point_to_dict, random_parameters
    from expressivity.relu import max_network
    from expressivity.relu.network_io import save_network

    d = tmp_path_factory.mktemp("readme")
    (d / "examples").symlink_to(REPO / "examples")  # the walkthrough runs on the shipped example files
    save_network(max_network(3, construction="tree"), d / "net.json")
    save_network(max_network(5, construction="log3"), d / "m5.json")
    (d / "arr.json").write_text(json.dumps({"dim": 2, "hyperplanes": [
        {"normal": ["1", "0"], "offset": "0"}, {"normal": ["0", "1"], "offset": "0"},
        {"normal": ["1", "1"], "offset": "-1"}]}))
    p = random_parameters(LightningShape(3, 2, 2, 1), 0, integer=True)
    V = np.array([[Fraction(int(x)) for x in row] for row in p.V], dtype=object)
    A = np.array([[Fraction(int(x)) for x in row] for row in p.A], dtype=object)
    (d / "point.json").write_text(json.dumps(point_to_dict(V, A, t=2, a=2)))
    r = subprocess.run([sys.executable, "-m", "expressivity", "depth", "hbdss", "--n", "4", "--exact",
                        "--certificate", "hbdss4.json", "-q"], cwd=d, capture_output=True, text=True, timeout=300)
    assert (d / "hbdss4.json").exists(), r.stderr
    return d


# README commands whose documented answer is a definite "no" (exit 1)
EXPECTED_EXIT = {"expressivity depth hconform m5.json": 1,
                 "expressivity equiv examples/max5_perturbed.json examples/max5.cpwl": 1}


def _marks(command: str):
    argv = runnable(command)
    line = " ".join(argv) if argv else command
    return [pytest.mark.slow] if line in SLOW_EXACT or line.startswith(SLOW_PREFIX) else []


@pytest.mark.parametrize("command", [pytest.param(c, marks=_marks(c), id=c[:80]) for c in COMMANDS])
def test_readme_command(command, workdir):
    argv = runnable(command)
    if argv is None or argv[0] != "expressivity":
        parse_only = argv is None
    else:
        parse_only = False
    if parse_only:
        # a synopsis: its command path must exist
        path = [w for w in shlex.split(re.sub(r"\[[^\[\]]*\]", "", command))[1:] if re.fullmatch(r"[a-z][a-z-]*", w)]
        parser = build_parser()
        with pytest.raises(SystemExit) as exc:
            parser.parse_args(path[:2] + ["--help"])
        assert exc.value.code == 0
        return
    if argv[0] == "expressivity":
        argv = [sys.executable, "-m", "expressivity", *argv[1:]]
    else:
        argv = [sys.executable, *argv[1:]]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(REPO))
    r = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == EXPECTED_EXIT.get(" ".join(runnable(command)), 0), f"{command}\nexit {r.returncode}\n{r.stderr[-3000:]}"
    assert "Traceback" not in r.stderr
