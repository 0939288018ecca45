"""The command line at the process boundary: JSON on stdout parses, outputs never replace inputs,
output paths are checked before the work, exit codes are the documented ones.

Every test runs ``python -m expressivity`` as a subprocess: pytest's capture would hide output that
C libraries (highspy) write to file descriptor 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from expressivity.cli import iter_commands

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "expressivity", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd or REPO, env=env)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """One small valid input of every kind the commands read."""
    from expressivity.attention import LightningShape, point_to_dict, random_parameters
    from expressivity.relu import max_network
    from expressivity.relu.network_io import save_network

    d = tmp_path_factory.mktemp("inputs")
    net = d / "max3.json"
    save_network(max_network(3, construction="tree"), net)
    arr = d / "arr.json"
    arr.write_text(json.dumps({"dim": 2, "hyperplanes": [
        {"normal": ["1", "0"], "offset": "0"}, {"normal": ["0", "1"], "offset": "0"},
        {"normal": ["1", "1"], "offset": "-1"}]}))
    p = random_parameters(LightningShape(3, 2, 2, 1), 0, integer=True)
    V = np.array([[Fraction(int(x)) for x in row] for row in p.V], dtype=object)
    A = np.array([[Fraction(int(x)) for x in row] for row in p.A], dtype=object)
    point = d / "point.json"
    point.write_text(json.dumps(point_to_dict(V, A, t=2, a=2)))
    cert = d / "hbdss2.json"
    r = run_cli("depth", "hbdss", "--n", "2", "--exact", "--certificate", str(cert))
    assert r.returncode in (0, 1) and cert.exists(), r.stderr
    net3 = d / "net3.json"
    net3.write_text(json.dumps({"input_dim": 3, "layers": [
        {"weight": [[1, 0, 0], [0, 1, 0]], "bias": [0, -1], "activation": "relu"},
        {"weight": [[1, 1]], "bias": [0], "activation": "linear"}]}))
    plane = [d / f"p{i}.json" for i in range(3)]
    for path, p_ in zip(plane, ([0, 0, 0], [1, 0, 0], ["0", "1", "1/2"])):
        path.write_text(json.dumps(p_))
    head = d / "head.npz"
    np.savez(head, V=np.ones((1, 3)), Q=np.eye(2, 3), K=np.eye(2, 3))
    return {"net": net, "arr": arr, "point": point, "cert": cert, "out": d / "out", "net3": net3, "head": head,
            "p0": plane[0], "p1": plane[1], "p2": plane[2]}


# one quick invocation of every command that has --json (the test below checks the list is complete)
JSON_CASES: dict[str, list[str]] = {
    "verify": ["verify", "relu.max5", "relu.braid"],
    "list": ["list", "relu"],
    "cite": ["cite", "relu.braid"],
    "depth hbdss": ["depth", "hbdss", "--n", "2", "--exact"],
    "depth check-certificate": ["depth", "check-certificate", "{cert}"],
    "depth max": ["depth", "max", "--n", "3"],
    "depth check": ["depth", "check", "{net}", "--max", "3"],
    "depth hconform": ["depth", "hconform", "{net}"],
    "depth certificate": ["depth", "certificate", "--n", "4"],
    "depth bounds": ["depth", "bounds", "--stop", "12"],
    "depth build": ["depth", "build", "6"],
    "depth certificate-run": ["depth", "certificate-run", "--n", "5", "--k", "1", "--space", "all"],
    "depth symmetry": ["depth", "symmetry", "{net}"],
    "ffn witness": ["ffn", "witness", "f1"],
    "ffn certify": ["ffn", "certify", "T"],
    "ffn sweep": ["ffn", "sweep", "T", "--widths", "1", "--max-iter", "5", "-q"],
    "ffn fit": ["ffn", "fit", "--target", "T", "--width", "2", "--max-iter", "5", "--n-train", "50", "-q"],
    "ffn activations": ["ffn", "activations"],
    "invariants": ["invariants", "--d", "2", "--a", "2", "--max-degree", "3"],
    "invariants compute": ["invariants", "compute", "--d", "2", "--a", "2", "--max-degree", "3"],
    "invariants check-point": ["invariants", "check-point", "{point}"],
    "regions count": ["regions", "count", "{net}", "--box", "1"],
    "regions arrangement": ["regions", "arrangement", "{arr}"],
    "regions bounds": ["regions", "bounds", "--input-dim", "2", "--widths", "4,4"],
    "convert": ["convert", "{net}", "{out}.onnx"],
    "equiv": ["equiv", "{net}", "expr:max(x1, x2, x3)"],
    "cpwl compile": ["cpwl", "compile", "max(x1, x2)", "--out", "{out}.json"],
    "cpwl eval": ["cpwl", "eval", "max(x1, x2)", "--at", "1,2"],
    "regions slice": ["regions", "slice", "{net3}", "--points", "{p0}", "{p1}", "{p2}"],
}
# the HiGHS paths, whose C library printed a banner on stdout
EXTRA_JSON_CASES = {
    "convert format": ["convert", "{net}", "{out}.bin", "--format", "npz"],
    "depth check workers": ["depth", "check", "{net}", "--max", "3", "--workers", "2"],
    "depth hbdss highs": ["depth", "hbdss", "--n", "2", "--solver", "highs"],
    "invariants check-point head": ["invariants", "check-point", "{head}"],
    "invariants weights": ["invariants", "--weights", "{head}", "--max-degree", "1", "--no-verify"],
    "regions count complete": ["regions", "count", "{net}", "--box", "1", "--certify", "complete", "-q"],
    "regions count milp": ["regions", "count", "{net}", "--box", "1", "--method", "milp"],
}


def commands_with_json() -> set[str]:
    return {" ".join(path) for path, parser in iter_commands()
            if path and any("--json" in a.option_strings for a in parser._actions)}


def test_every_json_command_has_a_case():
    assert commands_with_json() == set(JSON_CASES)


@pytest.mark.parametrize("name", sorted(JSON_CASES) + sorted(EXTRA_JSON_CASES))
def test_json_on_stdout_parses(name, files):
    args = [a.format(**files) for a in {**JSON_CASES, **EXTRA_JSON_CASES}[name]]
    r = run_cli(*args, "--json")
    assert r.returncode in (0, 1), (r.returncode, r.stderr[-2000:])
    json.loads(r.stdout)  # the whole of stdout is one JSON document


def test_json_flag_does_not_swallow_a_positional(tmp_path):
    r = run_cli("verify", "--json", "relu.max5", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert [c["id"] for c in report["claims"]] == [c for c in (x["id"] for x in report["claims"]) if c.startswith("relu.max5")]
    assert not (tmp_path / "relu.max5").exists()
    r = run_cli("list", "--json", "relu.max5", cwd=tmp_path)
    assert r.returncode == 0 and all(c["id"].startswith("relu.max5") for c in json.loads(r.stdout))
    assert list(tmp_path.iterdir()) == []


def test_json_out_writes_the_file_and_text_to_stdout(tmp_path):
    out = tmp_path / "report.json"
    r = run_cli("verify", "relu.max5", "--json-out", str(out), "-q")
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["summary"]["verified"] >= 1
    assert "verified" in r.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_output_never_replaces_an_input(files, tmp_path):
    net = tmp_path / "net.json"
    net.write_bytes(files["net"].read_bytes())
    before = net.read_bytes()
    for extra in (["--json-out", str(net)], ["--json-out", str(tmp_path / "." / "net.json")]):
        r = run_cli("depth", "check", str(net), "--max", "3", *extra)
        assert r.returncode == 2 and "input file" in r.stderr, r.stderr
        assert net.read_bytes() == before


def test_output_path_checked_before_the_work(files, tmp_path):
    t0 = time.perf_counter()
    r = run_cli("depth", "hbdss", "--n", "4", "--exact", "--certificate", str(tmp_path / "missing" / "c.json"))
    assert r.returncode == 2 and "does not exist" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run_cli("verify", "--json-out", str(tmp_path / "missing" / "v.json"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert time.perf_counter() - t0 < 30  # the work (all claims, an n = 4 search) never started


def test_json_and_json_out_are_exclusive(tmp_path):
    r = run_cli("list", "--json", "--json-out", str(tmp_path / "x.json"))
    assert r.returncode == 2 and "not allowed with" in r.stderr
