"""The ``expressivity depth`` commands end to end."""

import json

from expressivity.cli import main


def test_max_check_hconform_roundtrip(tmp_path, capsys):
    out = tmp_path / "m5.json"
    assert main(["depth", "max", "--n", "5", "--construction", "log3", "--out", str(out)]) == 0
    assert main(["depth", "check", str(out), "--max", "5", "--json"]) == 0
    assert main(["depth", "hconform", str(out)]) == 1
    tree = tmp_path / "t.json"
    assert main(["depth", "max", "--n", "4", "--construction", "rueß", "--out", str(tree)]) == 0
    assert main(["depth", "max", "--n", "4", "--out", str(tree)]) == 0
    assert main(["depth", "hconform", str(tree)]) == 0


def test_check_json_and_counterexample(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"input_dim": 2, "layers": [
        {"weight": [["1", "-1"], ["0", "1"]], "bias": ["0", "0"], "activation": "relu"},
        {"weight": [["1", "1"]], "bias": ["0"], "activation": "linear"}]}))
    capsys.readouterr()
    assert main(["depth", "check", str(bad), "--max", "2", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["computes_max"] is False and len(data["counterexample"]) == 2


def test_errors_exit_2(tmp_path, capsys):
    assert main(["depth", "max", "--n", "99", "--construction", "log3"]) == 2
    p = tmp_path / "x.json"
    p.write_text("{not json")
    assert main(["depth", "check", str(p), "--max", "2"]) == 2
    assert "error" in capsys.readouterr().err


def test_bounds_and_certificate(tmp_path, capsys):
    assert main(["depth", "bounds", "--start", "3", "--stop", "11", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1]["m"] == 11 and rows[-1]["exact"] is None
    cert = tmp_path / "c.json"
    assert main(["depth", "certificate", "--n", "5", "--out", str(cert), "--json"]) == 0
    capsys.readouterr()
    assert main(["depth", "certificate", "--check", str(cert)]) == 0
