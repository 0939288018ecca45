"""Every notebook (jupytext percent-format ``notebooks/*.py``) runs, as a script and as a notebook.

Notebooks assert the results they show, so a run that exits 0 is a real check.  As a plain script a
notebook must write nothing to its working directory; executed as a notebook (jupytext conversion in
memory, nbclient on the ``python3`` kernel of this interpreter) it must raise no error and show the
figures and tables it promises as rich outputs.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.py"))

# what each notebook shows inline: figures (image/png or image/svg+xml) and tables (text/markdown or text/html)
SHOWS = {
    "getting_started": {"figure", "table"},
    "regions_2d": {"figure", "table"},
    "relu_max5_two_layers": {"figure", "table"},
    "milp_hbdss": {"figure", "table"},
    "ffn_witnesses": {"figure", "table"},
    "lightning_invariants": {"figure", "table"},
}
FIGURE_MIMES = {"image/png", "image/svg+xml"}
TABLE_MIMES = {"text/markdown", "text/html"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_as_script(path, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    assert list(tmp_path.iterdir()) == [], f"{path.name} wrote files to its working directory"


def test_notebooks_are_percent_format():
    for path in NOTEBOOKS:
        head = path.read_text(encoding="utf-8")[:400]
        assert "format_name: percent" in head, f"{path.name}: add the jupytext percent header"


def test_every_notebook_declares_what_it_shows():
    assert {p.stem for p in NOTEBOOKS} == set(SHOWS)


def _python3_kernel_is_this_interpreter():
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    cmd = KernelManager(kernel_name="python3").format_kernel_cmd() if spec else []
    return bool(cmd) and Path(cmd[0]).resolve() == Path(sys.executable).resolve()


def _output_mimes(nb) -> set[str]:
    mimes = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            mimes.update(out.get("data", {}))
    return mimes


def _errors(nb) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


@pytest.fixture(scope="module")
def python3_kernel():
    """The ``python3`` kernelspec, made to start this interpreter (installed into sys.prefix if needed)."""
    if not _python3_kernel_is_this_interpreter():
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True, capture_output=True)
    assert _python3_kernel_is_this_interpreter(), "the python3 kernelspec does not start sys.executable"
    return "python3"


def _import(name):
    """The notebook tooling is part of the [test] extra: required in CI, a skip in an older local venv."""
    return __import__(name) if os.environ.get("CI") else pytest.importorskip(name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_as_notebook(path, tmp_path, request):
    jupytext, nbclient = _import("jupytext"), _import("nbclient")
    _import("ipykernel")
    _import("ipywidgets")
    kernel = request.getfixturevalue("python3_kernel")
    nb = jupytext.reads(path.read_text(encoding="utf-8"), fmt="py:percent")
    client = nbclient.NotebookClient(nb, kernel_name=kernel, timeout=120, allow_errors=True,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    assert _errors(nb) == [], f"{path.name} raised as a notebook"
    mimes = _output_mimes(nb)
    if "figure" in SHOWS[path.stem]:
        assert mimes & FIGURE_MIMES, f"{path.name} shows no inline figure: {sorted(mimes)}"
    if "table" in SHOWS[path.stem]:
        assert mimes & TABLE_MIMES, f"{path.name} shows no rendered table: {sorted(mimes)}"
    assert list(tmp_path.iterdir()) == [], f"{path.name} wrote files to its working directory"
