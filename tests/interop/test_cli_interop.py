"""The command line on ONNX / weight files, run as subprocesses: convert, regions count, depth check, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from onnx import helper
from safetensors.numpy import save_file

from expressivity import load_network

from .onnx_graphs import model, tensor


def run(*args, cwd=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "expressivity", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def max2_onnx(path, dtype=np.float32):
    """max(x1, x2) = x2 + relu(x1 - x2) as a foreign float ONNX graph (MatMul + Add + Relu + Gemm)."""
    nodes = [helper.make_node("MatMul", ["x", "Wt"], ["m"], name="hidden_matmul"),
             helper.make_node("Add", ["m", "c"], ["z"], name="hidden_bias"),
             helper.make_node("Relu", ["z"], ["h"], name="hidden_relu"),
             helper.make_node("Gemm", ["h", "V", "d"], ["y"], name="output_gemm", transB=1)]
    inits = [tensor("Wt", [[1, 0, 0], [-1, 1, -1]], dtype), tensor("c", [0, 0, 0], dtype),
             tensor("V", [[1, 1, -1]], dtype), tensor("d", [0], dtype)]
    path.write_bytes(model(nodes, inits, ["batch", 2], ["batch", 1], dtype).SerializeToString())
    return path


def test_convert_onnx_to_exact_json_then_depth_check(tmp_path):
    src = max2_onnx(tmp_path / "max2.onnx")
    r = run("convert", src, tmp_path / "max2.json", "--exact", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)  # stdout is exactly one JSON document
    assert rep["output_kind"] == "exact" and rep["max_deviation"] == "0" and rep["widths"] == [3]
    r = run("depth", "check", tmp_path / "max2.json", "--max", "2")
    assert r.returncode == 0 and "computes max" in r.stdout, r.stdout + r.stderr


def test_regions_count_reads_onnx_and_agrees_with_json(tmp_path):
    src = max2_onnx(tmp_path / "max2.onnx")
    counts = []
    for path in (src, tmp_path / "max2.json"):
        if path.suffix == ".json":
            assert run("convert", src, path).returncode == 0
        r = run("regions", "count", path, "--json", "-q")
        assert r.returncode == 0, r.stderr
        counts.append(json.loads(r.stdout)["regions"])
    # neurons relu(x1 - x2), relu(x2), relu(-x2): the lines x1 = x2 and x2 = 0 cut the plane in 4 (by hand)
    assert counts == [4, 4]


def test_exported_exact_onnx_is_checked_directly(tmp_path):
    assert run("depth", "max", "--n", "5", "--construction", "log3", "--out", tmp_path / "m5.json").returncode == 0
    r = run("convert", tmp_path / "m5.json", tmp_path / "m5.onnx")
    assert r.returncode == 0 and "(onnx, exact)" in r.stdout, r.stdout + r.stderr
    r = run("depth", "check", tmp_path / "m5.onnx", "--max", "5", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["computes_max"] is True


def test_max_denominator_reports_the_deviation(tmp_path):
    (tmp_path / "f.json").write_text(json.dumps({"input_dim": 1, "layers": [{"weight": [[0.3]], "bias": [0.75]}]}))
    r = run("convert", tmp_path / "f.json", tmp_path / "q.json", "--exact", "--max-denominator", "5", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    # by hand: fractions with q <= 5 near 0.3 are 1/4, 1/3, 2/5 -> 1/3; 0.75 = 3/4 stays (binary value exact)
    net = load_network(tmp_path / "q.json")
    assert net.layers[0].weight[0, 0] == Fraction(1, 3) and net.layers[0].bias[0] == Fraction(3, 4)
    assert Fraction(rep["max_deviation"]) == abs(Fraction(0.3) - Fraction(1, 3))


def test_output_never_replaces_the_input_and_is_atomic(tmp_path):
    src = max2_onnx(tmp_path / "n.onnx")
    before = src.read_bytes()
    r = run("convert", src, src)
    assert r.returncode == 2 and src.read_bytes() == before
    r = run("convert", src, tmp_path / "missing_dir" / "x.json")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.onnx"]  # nothing half-written


# ------------------------------------------------------------------------------------------ bad input
def _graph_with(node, inits=(), in_shape=("N", 2), out_shape=("N", 2)):
    return model([node], list(inits), list(in_shape), list(out_shape))


def bad_models():
    W = tensor("W", np.ones((2, 1, 1, 1)))
    yield "conv", _graph_with(helper.make_node("Conv", ["x", "W"], ["y"], name="conv1"), [W],
                              ("N", 1, 4, 4), ("N", 2, 4, 4)), ["'conv1'", "Conv", "unsupported operator"]
    yield "sigmoid", _graph_with(helper.make_node("Sigmoid", ["x"], ["y"], name="act3")), ["'act3'", "Sigmoid"]
    yield "dynamic", _graph_with(helper.make_node("Relu", ["x"], ["y"], name="r"), in_shape=("N", "d")), \
        ["dimension 1 is dynamic", "'d'"]
    nan = np.array([[1.0, np.nan], [0.0, 1.0]], dtype=np.float32)
    yield "nan", _graph_with(helper.make_node("MatMul", ["x", "W"], ["y"], name="mm"), [tensor("W", nan)]), \
        ["tensor 'W'[0][1]", "nan"]
    yield "shape", _graph_with(helper.make_node("MatMul", ["x", "W"], ["y"], name="mm"), [tensor("W", np.ones((3, 2)))]), \
        ["'mm' (MatMul)", "maps 3 inputs", "2 entries"]
    skip = model([helper.make_node("Relu", ["x"], ["h"], name="r"), helper.make_node("Add", ["h", "x"], ["y"], name="skip")],
                 [], ["N", 2], ["N", 2])
    yield "skip", skip, ["'skip' (Add)", "skip connections"]


CASES = [(cmd, *b) for b in bad_models() for cmd in ((["regions", "count"], ["convert"]) if b[0] in ("conv", "nan")
                                                      else (["convert"],))]


@pytest.mark.parametrize("command,name,m,fragments", CASES, ids=[f"{c[0][0]}-{c[1]}" for c in CASES])
def test_bad_onnx_is_one_line_exit_2(tmp_path, name, m, fragments, command):
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(m.SerializeToString())
    args = [*command, path] + ([tmp_path / "out.json"] if command == ["convert"] else ["-q"])
    r = run(*args)
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("expressivity: error:") and "Traceback" not in r.stderr
    for f in fragments:
        assert f in lines[0], lines[0]
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("ext,payload", [
    (".onnx", b"\x08\x07garbage\xff\xfe not protobuf at all" * 3),
    (".onnx", b""),
    (".safetensors", b"\xff" * 64),
    (".npz", b"PK\x03\x04 truncated zip"),
    (".npz", b"not a zip"),
])
def test_garbage_files_are_one_line_exit_2(tmp_path, ext, payload):
    path = tmp_path / f"g{ext}"
    path.write_bytes(payload)
    r = run("regions", "count", path, "-q")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path.name) in lines[0], r.stderr


def test_mismatched_safetensors_names_the_tensor(tmp_path):
    sd = {"0.weight": np.ones((4, 3), np.float32), "0.bias": np.zeros(4, np.float32),
          "2.weight": np.ones((1, 5), np.float32), "2.bias": np.zeros(1, np.float32)}
    save_file(sd, str(tmp_path / "w.safetensors"))
    r = run("convert", tmp_path / "w.safetensors", tmp_path / "w.json")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "tensor '2.weight' has shape (1, 5)" in r.stderr and "4 outputs" in r.stderr


def test_ambiguous_weight_file_asks_for_layer_order(tmp_path):
    rng = np.random.default_rng(0)
    sd = {"hidden.weight": rng.normal(size=(4, 2)), "out.weight": rng.normal(size=(1, 4))}
    np.savez(tmp_path / "w.npz", **sd)
    r = run("regions", "count", tmp_path / "w.npz", "-q")
    assert r.returncode == 2 and "--layer-order" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run("convert", tmp_path / "w.npz", tmp_path / "w.json", "--layer-order", "hidden,out", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["widths"] == [4]
    assert run("regions", "count", tmp_path / "w.json", "-q").returncode == 0
