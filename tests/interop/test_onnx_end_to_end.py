"""End to end from the command line: an ONNX network (built here with ``onnx.helper``) is counted,
sliced, checked against an expression and compared with another network, all as subprocesses.

The network computes max{x1, x2, x3} = x3 + relu(x2 - x3 + relu(x1 - x2)) written as a 2-hidden-layer
ReLU net with integer weights, so every float weight is an exact integer and the exact commands decide
it. Oracles: the closed form max on integer points, the general enumerator on the plane's composed
network, and a perturbed copy whose counterexample is re-checked by exact evaluation here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper

from .onnx_graphs import model, tensor

REPO = Path(__file__).resolve().parents[2]


def _max3_onnx(path: Path, bump: float = 0.0) -> None:
    """Gemm-Relu-Gemm-Relu-Gemm for max{x1, x2, x3} (hand-built), optionally with one weight bumped."""
    # layer 1: relu(x1 - x2), relu(x2 - x3), relu(x3 - x2), relu(x3), relu(-x3)  (x2 - x3 and x3 carried
    # exactly as relu(z) - relu(-z)); layer 2: relu(relu(x1 - x2) + x2 - x3), relu(x3), relu(-x3)
    W0 = [[1, -1, 0], [0, 1, -1], [0, -1, 1], [0, 0, 1], [0, 0, -1]]
    W1 = [[1, 1, -1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]
    W2 = [[1 + bump, 1, -1]]
    nodes, inits, h = [], [], "x"
    for i, W in enumerate((W0, W1, W2)):
        W = np.array(W, dtype=np.float32)
        inits += [tensor(f"W{i}", W), tensor(f"b{i}", np.zeros(W.shape[0]))]
        out = "y" if i == 2 else f"z{i}"
        nodes.append(helper.make_node("Gemm", [h, f"W{i}", f"b{i}"], [out], name=f"fc{i}", transB=1))
        if i < 2:
            nodes.append(helper.make_node("Relu", [out], [f"h{i}"], name=f"relu{i}"))
            h = f"h{i}"
    onnx.save(model(nodes, inits, ["N", 3], ["N", 1]), str(path))


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "expressivity", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("e2e")
    _max3_onnx(d / "max3.onnx")
    _max3_onnx(d / "max3_bumped.onnx", bump=2.0 ** -10)
    for name, p in {"p0": [0, 0, 0], "p1": [1, 0, 0], "p2": [0, 1, 0]}.items():
        (d / f"{name}.json").write_text(json.dumps(p))
    return d


def test_the_onnx_net_is_max3_by_closed_form(files):
    from expressivity.relu.network_io import load_network

    net = load_network(files / "max3.onnx")
    rng = np.random.default_rng(0)
    for x in rng.integers(-9, 10, size=(50, 3)):
        assert net.to_exact()([Fraction(int(v)) for v in x])[0] == max(int(v) for v in x)


def test_count_slice_check_and_equiv_from_the_command_line(files):
    r = run("regions", "count", "max3.onnx", "--box", "1", "--certify", "complete", "--json", cwd=files)
    assert r.returncode == 0, r.stderr
    count = json.loads(r.stdout)
    assert count["complete"] == "proved"

    r = run("regions", "slice", "max3.onnx", "--points", "p0.json", "p1.json", "p2.json", "--certify",
            "--png", "slice.png", "--json", cwd=files)
    assert r.returncode == 0, r.stderr
    sliced = json.loads(r.stdout)
    assert sliced["complete"] == "proved" and (files / "slice.png").stat().st_size > 1000
    # on the plane x3 = 0 through e1, e2 the slice is the 2-input net max{s, t, 0}, whose activation regions
    # the general enumerator counts independently
    from expressivity.regions import count_regions, plane_network
    from expressivity.relu.network_io import load_network

    plane = plane_network(load_network(files / "max3.onnx"), [0, 0, 0], ([1, 0, 0], [0, 1, 0]))
    assert sliced["regions"] == count_regions(plane, box=([-0.5, -0.5], [1.5, 1.5]))

    r = run("depth", "check", "max3.onnx", "--target", "max(x1, x2, x3)", cwd=files)
    assert r.returncode == 0 and "computes max(x1, x2, x3) exactly" in r.stdout, r.stdout + r.stderr

    r = run("equiv", "max3.onnx", "max3_bumped.onnx", "--json", cwd=files)
    assert r.returncode == 1, r.stderr
    diff = json.loads(r.stdout)
    x = [Fraction(v) for v in diff["counterexample"]]
    a, b = load_network(files / "max3.onnx").to_exact(), load_network(files / "max3_bumped.onnx").to_exact()
    assert a(x)[0] != b(x)[0]
    assert a(x)[0] == max(x)
