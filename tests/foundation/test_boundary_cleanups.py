"""Trust at the process boundary: limit messages name the flag of the command run, ``convert`` refuses
unknown output extensions, ``equiv`` takes ``--layer-order``, ``regions slice --certify`` agrees with the
library on float networks, and the planar path estimates its memory before each layer.

CLI behaviour is tested as subprocesses.  Oracles: closed forms (max{x1, x2} written by hand as a
weight file; the general-position line count 1 + n + C(n, 2) of Zaslavsky's theorem), the exact twin
of a dyadic float network built from Fractions here, and the planar count itself for the limit.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from fractions import Fraction as F

import numpy as np
import pytest

from expressivity.exceptions import ComputationTooLargeError, InvalidInputError, LimitReachedError
from expressivity.regions.arrangement import general_position_count
from expressivity.regions import planar
from expressivity.regions.planar import planar_face_bound, planar_regions
from expressivity.regions.slice import slice_regions
from expressivity.relu import ReLUNetwork, save_network
from expressivity.relu.max_networks import max_log3_network


def run(*args, cwd=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "expressivity", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, check=False)


def _gauss(d, widths, seed):
    rng = np.random.default_rng(seed)
    dims = [d, *widths, 1]
    return ReLUNetwork.from_matrices([rng.normal(size=(dims[i + 1], dims[i])) for i in range(len(dims) - 1)],
                                     [rng.normal(size=dims[i + 1]) for i in range(len(dims) - 1)])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("boundary")
    save_network(max_log3_network(5), d / "m5.json")
    # max{x1, x2} = relu(x1 - x2) + relu(x2) - relu(-x2), stored under names that are not numbered
    enc_w, head_w = np.array([[1.0, -1.0], [0.0, 1.0], [0.0, -1.0]]), np.array([[1.0, 1.0, -1.0]])
    arrays = {"encoder.weight": enc_w, "encoder.bias": np.zeros(3), "head.weight": head_w, "head.bias": np.zeros(1)}
    np.savez(d / "max2.npz", **arrays)
    from safetensors.numpy import save_file

    save_file(arrays, str(d / "max2.safetensors"))
    # a float network (dyadic weights: every float is exactly p/8) and three exact points
    rng = np.random.default_rng(7)
    Ws = [np.round(rng.normal(size=s) * 8) / 8 for s in ((6, 3), (6, 6), (1, 6))]
    bs = [np.round(rng.normal(size=n) * 8) / 8 for n in (6, 6, 1)]
    save_network(ReLUNetwork.from_matrices(Ws, bs), d / "float.json")
    for name, v in {"p0": [0, 0, 0], "p1": [1, 0, 0], "p2": [0, 1, "1/2"]}.items():
        (d / f"{name}.json").write_text(json.dumps(v))
    save_network(_gauss(3, [60, 60], 0), d / "big.json")
    return d


def _one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


# ------------------------------------------------------------------------------------------ 1. limit flags
@pytest.mark.parametrize("argv, flag, other", [
    (["equiv", "m5.json", "expr:max(x1, x2, x3, x4, x5)", "--max-cells", "5"], "--max-cells", "--max-cones"),
    (["depth", "check", "m5.json", "--target", "max(x1, x2, x3, x4, x5)", "--max-cones", "5"], "--max-cones",
     "--max-cells"),
])
def test_a_reached_cell_limit_names_the_flag_of_the_command_run(files, argv, flag, other):
    r = run(*argv, cwd=files)
    assert r.returncode == 3 and r.stdout == "", r.stdout + r.stderr
    line = _one_line(r.stderr)
    assert f"raise {flag}" in line and other not in line and "max_cells" not in line and "nothing proved" in line
    r = run(*argv, "--json", cwd=files)
    assert r.returncode == 3, r.stderr
    doc = json.loads(r.stdout)  # exactly one JSON document on stdout
    assert doc["proved"] is False and f"raise {flag}" in doc["message"]
    assert f"raise {flag}" in _one_line(r.stderr)


def test_the_library_names_its_parameter():
    from expressivity.cpwl.equivalence import decide_equivalence

    with pytest.raises(LimitReachedError, match=r"raise max_cells\)$") as info:
        decide_equivalence(max_log3_network(5), "max(x1, x2, x3, x4, x5)", max_cells=5)
    assert info.value.parameter == "max_cells" and info.value.reason == "more than 5 cells needed"
    assert info.value.found == 6


# ------------------------------------------------------------------------------------------ 2. slice --certify
def test_slice_certify_on_a_float_network_matches_the_library_on_its_exact_twin(files):
    from expressivity.relu import load_network

    r = run("regions", "slice", "float.json", "--points", "p0.json", "p1.json", "p2.json", "--certify", "--json",
            cwd=files)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["complete"] == "proved" and doc["method"] == "exact (float weights taken at their exact binary values)"
    net = load_network(files / "float.json")
    assert net.kind == "float"
    twin = ReLUNetwork.from_matrices([[[F(v) for v in row] for row in L.weight] for L in net.layers],
                                     [[F(v) for v in L.bias] for L in net.layers])  # dyadic: F(v) is v exactly
    ref = slice_regions(twin, points=([0, 0, 0], [1, 0, 0], [0, 1, "1/2"]), certify=True)
    assert ref.method == "exact" and doc["regions"] == ref.count
    got = sorted(sorted(tuple(map(F, v)) for v in reg["vertices"]) for reg in doc["region_list"])
    assert got == sorted(sorted(P) for P in ref.exact_polygons)


# ------------------------------------------------------------------------------------------ 3. convert
def test_convert_refuses_an_unknown_output_extension_unless_the_format_is_given(files, tmp_path):
    from expressivity.interop.formats import read_network
    from expressivity.relu import load_network

    out = tmp_path / "out.xyz"
    r = run("convert", files / "m5.json", out, "--json")
    assert r.returncode == 2 and r.stdout == "" and not out.exists()
    line = _one_line(r.stderr)
    assert all(ext in line for ext in (".json", ".onnx", ".safetensors", ".npz")) and "--format" in line
    for fmt in ("npz", "json", "onnx", "safetensors"):
        r = run("convert", files / "m5.json", out, "--format", fmt, "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["output_format"] == fmt
        assert read_network(out, format=fmt) == load_network(files / "m5.json")
    r = run("convert", files / "m5.json", tmp_path / "o.npz", "--format", "xyz")
    assert r.returncode == 2 and "invalid choice" in r.stderr


# ------------------------------------------------------------------------------------------ 4. equiv --layer-order
@pytest.mark.parametrize("weights", ["max2.npz", "max2.safetensors"])
def test_equiv_takes_the_layer_order_of_weight_files(files, weights):
    r = run("equiv", weights, "expr:max(x1, x2)", cwd=files)
    assert r.returncode == 2 and "--layer-order" in _one_line(r.stderr)
    r = run("equiv", weights, "expr:max(x1, x2)", "--layer-order", "encoder,head", "--json", cwd=files)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["equal"] is True
    r = run("equiv", weights, "expr:max(x1, x2) + x1/1024", "--layer-order", "encoder,head", cwd=files)
    assert r.returncode == 1, r.stderr
    r = run("equiv", weights, "expr:max(x1, x2)", "--layer-order", "head,encoder", cwd=files)
    assert r.returncode == 2 and r.stdout == ""
    _one_line(r.stderr)
    r = run("equiv", "m5.json", "expr:max(x1, x2, x3, x4, x5)", "--layer-order", "a,b", cwd=files)
    assert r.returncode == 2 and "weight-file" in _one_line(r.stderr)


# ------------------------------------------------------------------------------------------ 5. planar size
def test_planar_face_bound_is_the_line_count_for_one_layer_and_bounds_real_counts():
    for n in (1, 2, 5, 40):
        assert planar_face_bound([n]) == general_position_count(n, 2) == 1 + n + math.comb(n, 2)
    for widths, seed in (([6, 6], 0), ([4, 4, 4], 1), ([1, 5], 2), ([12, 3, 7], 3)):
        assert planar_regions(_gauss(2, widths, seed), 50.0).count <= planar_face_bound(widths)


def test_planar_and_slice_refuse_a_layer_that_would_exceed_the_memory_budget(monkeypatch):
    """With the budget lowered, the first layer's faces already need too much for the second layer:
    refused after one cut, before the second layer's arrays exist; a net whose worst-case bound is huge
    but whose real count is small runs under the real budget."""
    cuts = []
    real_cut = planar._cut_layer

    def counting_cut(*args, **kw):
        cuts.append(1)
        return real_cut(*args, **kw)

    monkeypatch.setattr(planar, "_cut_layer", counting_cut)
    net = _gauss(2, [20, 20, 20], 0)
    monkeypatch.setattr(planar, "PLANAR_MEMORY_BUDGET", 10_000)
    with pytest.raises(ComputationTooLargeError, match="GiB") as info:
        planar_regions(net, 1.0, kernel="numpy")
    assert not isinstance(info.value, LimitReachedError) and "\n" not in str(info.value)
    assert len(cuts) == 1
    with pytest.raises(ComputationTooLargeError, match="max_regions"):
        slice_regions(_gauss(3, [20, 20, 20], 0), points=([0, 0, 0], [1, 0, 0], [0, 1, 0]))
    monkeypatch.setattr(planar, "PLANAR_MEMORY_BUDGET", 4 * 2 ** 30)
    deep = _gauss(2, [40, 40, 40], 1)
    assert planar_face_bound(deep.widths) > 10 ** 8
    assert planar_regions(deep, 1.0, kernel="numpy").count < 10 ** 5


def test_max_regions_stops_the_planar_path_with_nothing_proved():
    net = _gauss(2, [8, 8], 3)
    full = planar_regions(net, 2.0).count
    assert full > 20
    with pytest.raises(LimitReachedError, match="max_regions = 20") as info:
        planar_regions(net, 2.0, max_regions=20)
    assert info.value.found > 20
    assert planar_regions(net, 2.0, max_regions=full).count == full


def test_slice_cli_refuses_beyond_the_memory_budget_and_stops_at_max_regions(files):
    argv = ["regions", "slice", "big.json", "--points", "p0.json", "p1.json", "p2.json", "--json"]
    code = ("import sys, runpy; import expressivity.regions.planar as p; p.PLANAR_MEMORY_BUDGET = 10_000; "
            "sys.argv = ['expressivity', *sys.argv[1:]]; runpy.run_module('expressivity', run_name='__main__')")
    r = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60,
                       cwd=files, check=False)
    assert r.returncode == 2 and r.stdout == ""
    assert "GiB" in _one_line(r.stderr)
    r = run(*argv, cwd=files)
    assert r.returncode == 0, r.stderr
    r = run("regions", "slice", "float.json", "--points", "p0.json", "p1.json", "p2.json", "--max-regions", "2",
            "--json", cwd=files)
    assert r.returncode == 3, r.stderr
    doc = json.loads(r.stdout)
    assert doc["status"] == "limit_reached" and doc["proved"] is False and doc["found_so_far"] > 2
    assert "--max-regions" in _one_line(r.stderr)


# ------------------------------------------------------------------------------------------ worker pools
@pytest.mark.parametrize("argv", [["depth", "check", "m5.json", "--max", "5", "--workers", "100000"],
                                  ["depth", "certificate-run", "--n", "5", "--workers", "100000"]])
def test_a_huge_worker_pool_is_refused_in_one_line_before_any_process_starts(files, argv):
    """A pool of 10^5 processes would hang the machine: refused by the argument parser (exit 2)."""
    t = time.perf_counter()
    r = run(*argv, cwd=files, timeout=30)
    assert r.returncode == 2 and r.stdout == "" and "at most" in _one_line(r.stderr)
    assert time.perf_counter() - t < 10
    from expressivity.relu.verify_max import verify_computes_max

    with pytest.raises(InvalidInputError, match="at most"):
        verify_computes_max(max_log3_network(5), workers=10 ** 5)
