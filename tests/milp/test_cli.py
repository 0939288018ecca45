"""``expressivity depth hbdss`` and ``expressivity depth check-certificate``."""

import json

import pulp
import pytest

from expressivity.cli import main


def test_hbdss_exact_writes_a_certificate_that_checks(tmp_path, capsys):
    cert = tmp_path / "c.json"
    rc = main(["depth", "hbdss", "--n", "4", "--exact", "--certificate", str(cert), "-q", "--json", str(tmp_path / "r.json")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "74 columns (30 binary), 390 rows, 2658 nonzeros" in out
    assert "optimum = 0, certified" in out
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["certified"] is True and rep["exact"]["optimum"] == "0" and rep["size"]["nonzeros"] == 2658
    assert main(["depth", "check-certificate", str(cert)]) == 0
    assert "VERIFIED" in capsys.readouterr().out


def test_hbdss_float_solver_is_labelled_numeric(capsys):
    rc = main(["depth", "hbdss", "--n", "2", "--solver", "cbc", "--json"])
    out = capsys.readouterr()
    rep = json.loads(out.out)
    assert rc == 0 and rep["certified"] is False
    assert rep["float"]["solver"] == "cbc" and rep["float"]["method"] == "numeric"
    # the n = 2 box optimum is 1 (enumeration of all 64 z in test_solvers.py)
    assert rep["float"]["objective"] == pytest.approx(1.0, abs=1e-6)
    assert "not a proof" in out.err


def test_tampered_certificate_rejected_by_cli(tmp_path, capsys):
    cert = tmp_path / "c.json"
    assert main(["depth", "hbdss", "--n", "4", "--exact", "--certificate", str(cert), "-q"]) == 0
    obj = json.loads(cert.read_text())
    stack = [obj["proofs"]["max"]["tree"]]
    while stack:
        node = stack.pop()
        if "ray" in node:
            stack += [node["one"], node["zero"]]
        elif node.get("nu"):
            k = next(iter(node["nu"]))
            node["nu"][k] = str(int(node["nu"][k].split("/")[0]) + 1) + ("/" + node["nu"][k].split("/")[1] if "/" in node["nu"][k] else "")
            break
    cert.write_text(json.dumps(obj))
    capsys.readouterr()
    assert main(["depth", "check-certificate", str(cert)]) == 1
    assert "REJECTED" in capsys.readouterr().out


def test_missing_solver_named(monkeypatch, capsys):
    monkeypatch.setattr(pulp.SCIP_PY, "available", lambda self: False)
    assert main(["depth", "hbdss", "--n", "2", "--solver", "scip"]) == 2
    assert "SCIP_PY" in capsys.readouterr().err


def test_bad_arguments(capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["depth", "hbdss", "--n", "0"])
    with pytest.raises(SystemExit):
        main(["depth", "hbdss", "--time-limit", "-3"])
    assert main(["depth", "hbdss", "--n", "12"]) == 2
    assert "n = 12" in capsys.readouterr().err
    assert main(["depth", "check-certificate", str(tmp_path / "missing.json")]) == 1


def test_export(tmp_path, capsys):
    path = tmp_path / "m.mps"
    assert main(["depth", "hbdss", "--n", "2", "--export", str(path), "--solver", "highs"]) == 0
    assert path.exists() and "ROWS" in path.read_text()
