"""The ``expressivity ffn`` commands and the FFN figures (data functions and builders)."""

import json

import pytest

from expressivity.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_witness_and_certify(capsys):
    code, out, _ = run(capsys, "ffn", "witness", "T", "--lam", "3/2")
    assert code == 0 and "tanh(3*x1/2)*Max(0, x2)" in out and "identity (sympy): True" in out
    code, out, _ = run(capsys, "ffn", "witness", "f1", "--json")
    data = json.loads(out)
    assert data["stronger_class"] == "LA-I" and data["parameters"]["alpha"] == ["1", "1"]
    code, out, _ = run(capsys, "ffn", "certify", "f1", "--width", "4")
    assert code == 0 and "certified gap >= 1/5" in out
    code, out, _ = run(capsys, "ffn", "certify", "T", "--json")
    c = json.loads(out)
    assert c["method"] == "interval" and abs(c["lower_bound_float"] - 0.48201379003790845) < 1e-15
    code, out, _ = run(capsys, "ffn", "certify", "poly_rank", "--width", "2")
    assert code == 1  # a zero gap is reported with exit code 1


def test_sweep_and_activations(capsys):
    code, out, _ = run(capsys, "ffn", "sweep", "f1_relu", "--widths", "1,2,4", "-q", "--json")
    data = json.loads(out)
    assert code == 0 and [r["width"] for r in data["rows"]] == [1, 2, 4]
    code, out, _ = run(capsys, "ffn", "activations")
    assert "relu2" in out and "C1" in out


def test_cli_errors(capsys):
    code, _, err = run(capsys, "ffn", "witness", "nope")
    assert code == 2 and "unknown witness" in err
    code, _, err = run(capsys, "ffn", "certify", "T", "--activation", "relu")
    assert code == 2 and "does not take" in err
    code, _, err = run(capsys, "ffn", "certify", "T", "--lam", "0.5.1")
    assert code == 2


def test_figure_data_and_builders(tmp_path):
    from expressivity.paper_figures.fig_ffn_chebyshev import floor_data
    from expressivity.paper_figures.fig_ffn_gates import gate_data
    from expressivity.paper_figures.fig_ffn_sweep import sweep_data
    from expressivity.paper_figures.registry import build_figures

    d = sweep_data(max_width_1d=8, max_width_2d=4)
    assert all(c >= f for c, f in zip(d["T"]["certified"], d["T"]["floor"]))
    g = gate_data(tokens=200)
    zero = [r for r in g["rows"] if r["gate"] == "sigmoid" and r["scale"] == 0.0][0]
    assert abs(zero["mean_profile"][0] - 7) < 1e-12  # zero gate matrix: all gates 1/2, D_q = K
    f = floor_data([1, 2], n_grid=1001)
    assert all(r["half_E_lo"] < r["half_tanh_lo"] for r in f["rows"])
    files = build_figures(tmp_path, ["ffn_gates", "ffn_chebyshev"], formats=("png",))
    assert all(p.stat().st_size > 1000 for p in files)


@pytest.mark.slow
def test_full_sweep_figure(tmp_path):
    from expressivity.paper_figures.registry import build_figures

    files = build_figures(tmp_path, ["ffn_sweep"], formats=("png",))
    assert files[0].stat().st_size > 1000
