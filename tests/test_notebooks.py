"""Every notebook (jupytext percent-format ``notebooks/*.py``) runs top to bottom as a script.

Notebooks assert the results they show, so a run that exits 0 is a real check.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.py"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"


def test_notebooks_are_percent_format():
    for path in NOTEBOOKS:
        head = path.read_text(encoding="utf-8")[:400]
        assert "format_name: percent" in head, f"{path.name}: add the jupytext percent header"
