"""``expressivity depth hbdss`` and ``expressivity depth check-certificate``."""

import json

import pulp
import pytest

from expressivity.cli import main


def test_hbdss_exact_writes_a_certificate_that_checks(tmp_path, capsys):
    cert = tmp_path / "c.json"
    rc = main(["depth", "hbdss", "--n", "4", "--exact", "--certificate", str(cert), "-q", "--json-out", str(tmp_path / "r.json")])
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
    # an input that cannot be read is a usage error (2), not a rejected certificate (1)
    assert main(["depth", "check-certificate", str(tmp_path / "missing.json")]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["depth", "hbdss", "--big-m", "lots"])
    with pytest.raises(SystemExit):
        main(["depth", "hbdss", "--time-limit", "inf"])
    assert main(["depth", "hbdss", "--n", "2", "--certificate", str(tmp_path / "c.json")]) == 2
    assert "--certificate needs --exact" in capsys.readouterr().err
    assert main(["depth", "hbdss", "--n", "2", "--model", "per_row", "--big-m", "20"]) == 2
    assert main(["depth", "hbdss", "--n", "2", "--export", str(tmp_path / "m.txt")]) == 2
    assert ".mps or .lp" in capsys.readouterr().err
    # an explicit big-M below the exact bound is refused for the float model, in one line
    assert main(["depth", "hbdss", "--n", "5", "--big-m", "15", "--solver", "highs"]) == 2
    err = capsys.readouterr().err
    assert "big_m = 15" in err and len(err.strip().splitlines()) == 1


def test_export_with_solver_also_solves(tmp_path, capsys):
    path = tmp_path / "m.mps"
    assert main(["depth", "hbdss", "--n", "2", "--export", str(path), "--solver", "highs"]) == 0
    assert path.exists() and "ROWS" in path.read_text()
    assert "highs: optimum 1" in capsys.readouterr().out


def test_export_alone_does_not_solve(tmp_path, capsys, monkeypatch):
    import expressivity.milp as milp

    def no_solve(*a, **k):  # pragma: no cover - reached only if the bug comes back
        raise AssertionError("--export alone must not solve")

    monkeypatch.setattr(milp, "solve_model", no_solve)
    path = tmp_path / "m5.lp"
    assert main(["depth", "hbdss", "--n", "5", "--export", str(path), "--json-out", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert "export only" in out and path.read_text().startswith("\\*")
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["status"] == "exported" and "float" not in rep and rep["proved"] is False
    # derived big-M for n = 5 is the exact bound max_S sum_M |G[S, M]| (not the paper's 15 for n = 4)
    assert rep["big_m"] == [max(milp.hbdss_data(5).row_l1())] == [20]


def test_big_m_uniform_and_integer_accepted(tmp_path, capsys):
    assert main(["depth", "hbdss", "--n", "4", "--big-m", "uniform", "--export", str(tmp_path / "a.mps")]) == 0
    assert "big-M 14" in capsys.readouterr().out
    assert main(["depth", "hbdss", "--n", "4", "--big-m", "15", "--export", str(tmp_path / "b.mps")]) == 0
    assert "big-M 15" in capsys.readouterr().out
    # the paper's mip.mps has M = 15 for n = 4; 74 columns, 390 rows, 2658 nonzeros either way
    from expressivity.milp import mps_size

    assert mps_size(tmp_path / "b.mps") == mps_size(tmp_path / "a.mps")
    z0 = {name: next(line.split()[2] for line in (tmp_path / name).read_text().splitlines()
                     if line.split()[:2] == ["z_0", "relu_on_0"]) for name in ("a.mps", "b.mps")}
    assert float(z0["a.mps"]) == -14 and float(z0["b.mps"]) == -15


def test_exact_ignores_big_m(capsys):
    # big-M plays no role in the exact search: a value below the bound is not refused there
    assert main(["depth", "hbdss", "--n", "4", "--exact", "--big-m", "3", "-q"]) == 0
    out = capsys.readouterr().out
    assert "optimum = 0, certified" in out and "no role in the exact search" in out
