"""The ``expressivity regions`` commands, the figure data and the sweep executor."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from expressivity.cli import main
from expressivity.regions import all_bounds, enumerate_regions, region_count_sweep
from expressivity.relu import save_network

from .strategies import random_net


@pytest.fixture()
def net_file(tmp_path):
    net = random_net(2, [6, 6], 0)
    path = tmp_path / "net.json"
    save_network(net, path)
    return net, path


def run_json(capsys, argv):
    code = main(argv + ["--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_count_methods_agree_through_the_cli(net_file, capsys):
    net, path = net_file
    expected = enumerate_regions(net, 1.0).count
    for method in ("bfs", "planar", "milp"):
        out = run_json(capsys, ["regions", "count", str(path), "--box", "1", "--method", method, "-q"])
        assert out["regions"] == expected, method
    whole = run_json(capsys, ["regions", "count", str(path), "--pieces", "-q", "--certify"])
    assert whole["regions"] == enumerate_regions(net).count
    assert whole["regions_certified"] and whole["count_certified_as"] == "lower_bound"
    assert whole["completeness_certified"] is False and whole["method"] == "numeric" and whole["algorithm"] == "bfs"
    assert 1 <= whole["linear_pieces"] <= whole["regions"]


def test_count_progress_and_errors(net_file, capsys):
    _, path = net_file
    assert main(["regions", "count", str(path), "--box", "1"]) == 0
    err = capsys.readouterr().err
    assert "regions:" in err  # progress line on stderr
    assert main(["regions", "count", str(path), "--box", "-2"]) == 2
    assert "empty" in capsys.readouterr().err
    assert main(["regions", "count", str(path), "--method", "milp"]) == 2
    assert "--box" in capsys.readouterr().err
    assert main(["regions", "count", str(path), "--method", "planar", "--pieces"]) == 2
    assert main(["regions", "count", str(path), "--max-regions", "3", "-q"]) == 3  # a limit reached mid-run
    assert "max_regions" in capsys.readouterr().err


def test_non_finite_weights_are_refused(tmp_path, capsys):
    for bad in ("NaN", "Infinity"):
        f = tmp_path / "bad.json"
        f.write_text('{"input_dim": 2, "layers": [{"weight": [[%s, 1.0]], "bias": [0.0], "activation": "relu"},'
                     ' {"weight": [[1.0]], "bias": [0.0], "activation": "linear"}]}' % bad)
        assert main(["regions", "count", str(f), "-q"]) == 2
        assert "not finite" in capsys.readouterr().err


def test_arrangement_command(tmp_path, capsys):
    f = tmp_path / "arr.json"
    f.write_text(json.dumps({"dim": 2, "hyperplanes": [{"normal": [1, 0], "offset": 0}, {"normal": [0, 1], "offset": "0"},
                                                       {"normal": ["1", "1"], "offset": "1"}]}))
    out = run_json(capsys, ["regions", "arrangement", str(f)])
    assert (out["regions"], out["bounded"], out["characteristic_polynomial"]) == (7, 1, [3, -3, 1])
    f.write_text(json.dumps({"dim": 2, "hyperplanes": [{"normal": [1.5, 0], "offset": 0}]}))
    assert main(["regions", "arrangement", str(f)]) == 2
    assert "float" in capsys.readouterr().err


def test_bounds_command(capsys):
    out = run_json(capsys, ["regions", "bounds", "--input-dim", "2", "--widths", "8,8"])
    assert out == {"input_dim": 2, "widths": [8, 8], "method": "exact", **all_bounds(2, [8, 8])}
    assert out["serra_upper"] == 1369
    assert main(["regions", "bounds", "--input-dim", "2", "--widths", "8,x"]) == 2


def test_sweep_on_an_executor_matches_serial():
    configs = [(2, (4,)), (2, (3, 3))]
    serial = region_count_sweep(configs, seeds=[0, 1])
    with ThreadPoolExecutor(2) as ex:
        par = region_count_sweep(configs, seeds=[0, 1], executor=ex)
    assert [r.count for r in serial] == [r.count for r in par]
    assert [r.count for r in serial][:2] == [11, 11]  # one generic layer of 4 lines: 1 + 4 + 6
    assert all(r.count <= r.serra_upper_bound for r in serial)


def test_figure_data():
    from expressivity.paper_figures.fig_regions_bounds import regions_vs_bounds_data

    data = regions_vs_bounds_data(seeds=[0])
    for row in data:
        assert row["counts"][0] <= row["serra_upper"] <= row["montufar2017_upper"]
        if len(row["widths"]) == 1:
            # one layer of generic neurons attains the bound (Zaslavsky)
            assert row["counts"][0] == row["serra_upper"]


@pytest.mark.slow
def test_claims_full_mode():
    from expressivity.proofs.registry import run_claims, select_claims

    verdicts = run_claims(select_claims(["regions"]), full=True)
    assert verdicts and all(v.verdict == "verified" for v in verdicts), [(v.id, v.details) for v in verdicts]
