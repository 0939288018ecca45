"""Every example file works with its command: each command of examples/README.md runs as a subprocess
with the exit code and the numbers the page states (oracles: closed forms for the arrangements,
11 = 1 + 4 + 6 and 24 = 4!; the MAX5 counterexample re-evaluated by hand; onnxruntime for the ONNX files)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from expressivity import load_network

from .onnx_graphs import run_ort

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
README = EXAMPLES / "README.md"
OTHER_HELPERS: tuple[str, ...] = ()  # patterns of example files documented elsewhere (none today)


def readme_commands() -> list[tuple[str, str]]:
    """``(command, comment)`` for every ``expressivity`` line in the bash blocks of the page."""
    out, in_bash = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_bash = line.strip() == "```bash"
            continue
        if in_bash and line.startswith("expressivity "):
            cmd, _, comment = line.partition("#")
            out.append((cmd.strip(), comment.strip()))
    return out


COMMANDS = readme_commands()
PRODUCERS = {shlex.split(c)[3]: c for c, _ in COMMANDS if shlex.split(c)[1] == "convert"}


def run(cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *shlex.split(cmd)], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def test_every_example_file_is_listed_and_every_listed_file_exists():
    text = README.read_text(encoding="utf-8")
    skip = {p for pattern in OTHER_HELPERS for p in EXAMPLES.glob(pattern)}
    for f in EXAMPLES.iterdir():
        if f.is_file() and f.name not in ("README.md", "make_examples.py") and f not in skip:
            assert f"`{f.name}`" in text, f"{f.name} is not described in examples/README.md"
    for name in re.findall(r"examples/([\w.]+)", text):
        assert (EXAMPLES / name).is_file(), name
    assert len(COMMANDS) >= 12


@pytest.mark.parametrize("cmd,comment", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_readme_command(tmp_path, cmd, comment):
    (tmp_path / "examples").symlink_to(EXAMPLES)
    for arg in shlex.split(cmd)[2:]:
        if arg in PRODUCERS and PRODUCERS[arg] != cmd:
            assert run(PRODUCERS[arg], tmp_path).returncode == 0
    r = run(cmd, tmp_path)
    m = re.match(r"exit (\d+)", comment)
    assert r.returncode == (int(m.group(1)) if m else 0), r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    for n in re.findall(r"(\d+)(?: = \S+)? regions", comment):
        assert re.search(rf"^regions\s+{n}\b", r.stdout, re.M), r.stdout
    for n in re.findall(r"(\d+) bounded", comment):
        assert re.search(rf"^bounded\s+{n}\b", r.stdout, re.M), r.stdout
    if "counterexample" in comment:
        point = re.search(r"x = (\([^)]*\))", comment).group(1)
        assert point in r.stdout
    if "low_rank fails" in comment:
        assert re.search(r"^failing[^\n]*\blow_rank\b", r.stdout, re.M), r.stdout  # the verdict line names it
        assert re.search(r"^low_rank\s+0\s+NO\b", r.stdout, re.M), r.stdout


def test_the_three_small_float_files_are_one_network():
    a = load_network(EXAMPLES / "small_float.json")
    b = load_network(EXAMPLES / "small_float.onnx")
    c = load_network(EXAMPLES / "small_float_torch.safetensors")
    d = load_network(EXAMPLES / "small_float_named.npz", layer_order="hidden,middle,out")
    assert a == b == c == d and a.kind == "float"


def test_perturbed_max5_counterexample_by_hand():
    net = load_network(EXAMPLES / "max5_perturbed.json")
    assert net([1, 1, 1, 1, 0])[0] == Fraction(501, 500)  # the max is 1
    assert load_network(EXAMPLES / "max5_log3.json")([1, 1, 1, 1, 0])[0] == 1


def test_mlp_784_matches_onnxruntime():
    net = load_network(EXAMPLES / "mlp_784_64_64_10.onnx")
    assert (net.input_dim, net.widths, net.output_dim) == (784, (64, 64), 10)
    import onnx

    model = onnx.load(str(EXAMPLES / "mlp_784_64_64_10.onnx"))
    x = np.random.default_rng(0).random(size=(20, 1, 28, 28)).astype(np.float32)
    theirs = run_ort(model, x)
    ours = net(x.reshape(20, 784).astype(np.float64))
    h = np.abs(x.reshape(20, 784).astype(np.float64))
    for layer in net.layers:
        h = h @ np.abs(layer.weight).T + np.abs(layer.bias)
    assert np.all(np.abs(ours - theirs) <= 2e-5 * h)  # float32 arithmetic in onnxruntime
