"""``expressivity equiv`` and ``expressivity cpwl`` at the process boundary (subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

from expressivity.relu import Layer, ReLUNetwork, load_network, save_network
from expressivity.relu.max_networks import max_log3_network

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "expressivity", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def nets(tmp_path_factory):
    d = tmp_path_factory.mktemp("nets")
    good = max_log3_network(5)
    W = np.array(good.layers[1].weight, dtype=object)
    W[2, 4] += F(1, 1000)
    L = list(good.layers)
    L[1] = Layer(W, good.layers[1].bias, "relu", "exact")
    bad = ReLUNetwork(5, tuple(L))
    save_network(good, d / "m5.json")
    save_network(bad, d / "m5_bad.json")
    return d


def test_equal_exit_0_and_json(nets):
    r = run("equiv", nets / "m5.json", "expr:max(x1, x2, x3, x4, x5)", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["equal"] is True and doc["proved"] is True and doc["method"] == "exact"
    assert doc["a"]["kind"] == "network" and doc["b"]["kind"] == "expression" and doc["domain"] == "R^5"


def test_perturbed_max5_exit_1_with_a_rational_counterexample(nets):
    r = run("equiv", nets / "m5_bad.json", "expr:max(x1, x2, x3, x4, x5)", "--json")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    pt = [F(v) for v in doc["counterexample"]]
    bad = load_network(nets / "m5_bad.json")
    assert bad(pt)[0] == F(doc["value_a"][0]) != max(pt) == F(doc["value_b"][0])
    text = run("equiv", nets / "m5_bad.json", "expr:max(x1, x2, x3, x4, x5)")
    assert text.returncode == 1 and "DIFFERENT" in text.stdout and "at x = (" in text.stdout


def test_box_and_expression_files(tmp_path):
    f = tmp_path / "a.cpwl"
    f.write_text("# a hinge that only matters beyond x1 = 3\nmax(x1, x2) + relu(x1 - 3)\n")
    assert run("equiv", f, "expr:max(x1, x2)", "--box", "3").returncode == 0
    r = run("equiv", f, "expr:max(x1, x2)", "--box", "7/2", "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["box"] == "7/2"


def test_bad_input_exit_2_one_line(nets, tmp_path):
    r = run("equiv", nets / "m5.json", "expr:max(x1, x2, x3, x4, x9)")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    first, caret = r.stderr.rstrip("\n").split("\n")
    assert "beyond the input dimension 5" in first and first[caret.index("^"):].startswith("x9")
    r = run("equiv", "expr:max(x1, (x2)", "expr:x1")
    assert r.returncode == 2 and "never closed" in r.stderr and "Traceback" not in r.stderr
    r = run("equiv", "nonexistent.json", "expr:x1")
    assert r.returncode == 2 and "expr:TEXT" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    garbage = tmp_path / "g.json"
    garbage.write_text("{not json")
    r = run("equiv", garbage, "expr:x1")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    r = run("equiv", nets / "m5.json", "expr:x1", "--box", "-1")
    assert r.returncode == 2 and "positive" in r.stderr


def test_limit_exit_3_proves_nothing(nets):
    r = run("equiv", nets / "m5.json", "expr:max(x1, x2, x3, x4, x5)", "--max-cells", "5", "--json")
    assert r.returncode == 3
    doc = json.loads(r.stdout)
    assert doc["equal"] is None and doc["proved"] is False


def test_cpwl_compile_and_eval(tmp_path):
    out = tmp_path / "f.json"
    expr = "max(x1, x2, min(x3, 0)) + 1/2*relu(x4 - x1)"
    r = run("cpwl", "compile", expr, "--out", out, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["hidden_layers"] == load_network(out).hidden_layers == 3
    assert run("equiv", out, "expr:" + expr).returncode == 0
    r = run("cpwl", "eval", expr, "--at=-1,2/3,0.25,5", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["value"] == "11/3"
    r = run("cpwl", "eval", expr, "--at", "1,2")
    assert r.returncode == 2 and "coordinates" in r.stderr


@pytest.mark.skipif(not (EXAMPLES / "max5.cpwl").exists(), reason="examples not present")
def test_shipped_expression_examples():
    r = run("cpwl", "eval", EXAMPLES / "max5.cpwl", "--at", "1,5,2,-3,4")
    assert r.returncode == 0 and r.stdout.strip() == "5"
    r = run("equiv", EXAMPLES / "max5.cpwl", EXAMPLES / "max5_grouped.cpwl")
    assert r.returncode == 0, r.stderr


def _has_target_option() -> bool:
    return "--target" in run("depth", "check", "--help").stdout


def test_depth_check_target(nets):
    if not _has_target_option():
        pytest.skip("depth check --target not wired in yet")
    r = run("depth", "check", nets / "m5.json", "--target", "max(x1, x2, x3, x4, x5)", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["computes_target"] is True
    r = run("depth", "check", nets / "m5_bad.json", "--target", "max(x1, x2, x3, x4, x5)", "--json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    pt = [F(v) for v in doc["counterexample"]]
    assert load_network(nets / "m5_bad.json")(pt)[0] != max(pt)
    r = run("depth", "check", nets / "m5.json", "--target", "max(x1, x7)")
    assert r.returncode == 2 and "beyond the input dimension 5" in r.stderr and "^" in r.stderr
    assert run("depth", "check", nets / "m5.json", "--max", "5").returncode == 0
