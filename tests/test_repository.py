"""The README's commands and CI's script say the same thing; the layout of the design card exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    test_cmd = next(b for b in blocks if "pytest" in b)
    # CI creates its own venv; the part after the venv activation must be identical
    tail = test_cmd.split("activate && ", 1)[1]
    assert tail.replace(" && python -m pytest", "") in ci and "python -m pytest" in ci
    assert any("expressivity verify" in b for b in blocks)


def test_design_card_layout():
    for path in ["expressivity", "proofs", "notebooks", "tests", "paper_figures", "benchmarks", "pyproject.toml", ".ci/run"]:
        assert (ROOT / path).exists(), path
