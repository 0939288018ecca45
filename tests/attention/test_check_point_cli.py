"""check-point files and the ``expressivity invariants`` command line."""

import json
from fractions import Fraction

import numpy as np
import pytest

from expressivity.attention import (LightningShape, check_point, entry_coordinates, load_point, point_from_dict,
                                    point_to_dict, random_parameters)
from expressivity.cli import main
from expressivity.exceptions import InvalidInputError, NetworkFileError, NonFiniteError, ShapeError


def exact_params(d, a, dp, seed):
    p = random_parameters(LightningShape(d, a, 2, dp), seed, integer=True)
    V = np.array([[Fraction(int(x)) for x in row] for row in p.V], dtype=object)
    A = np.array([[Fraction(int(x)) for x in row] for row in p.A], dtype=object)
    return V, A


def test_exact_model_point_is_consistent_and_perturbation_is_refuted():
    V, A = exact_params(3, 2, 1, 0)
    obj = point_to_dict(V, A, t=2, a=2)
    rep = check_point(point_from_dict(obj))
    assert rep.consistent and rep.point.exact
    obj["cross"][0][0][1][2] = str(Fraction(obj["cross"][0][0][1][2]) + 1)
    obj["cross"][0][1][0][2] = obj["cross"][0][0][1][2]
    obj["pure"] = point_to_dict(V, A, 2)["pure"]
    rep = check_point(point_from_dict(obj))
    assert not rep.consistent and "low_rank" in rep.failing_families


def test_rank3_point_fails_only_rank_families():
    # A of rank 3 declared as a = 2: only the rank condition (the (a+1)-minors of F) is violated
    V, A = exact_params(3, 3, 1, 1)
    obj = point_to_dict(V, A, t=2, a=2)
    rep = check_point(point_from_dict(obj))
    assert rep.failing_families == ["low_rank"]


def test_float_point_and_raw_format(tmp_path):
    p = random_parameters(LightningShape(3, 2, 3, 2), 3)
    raw = [[entry_coordinates(p.V, p.A, 3, i, j).tolist() for j in range(3)] for i in range(2)]
    f = tmp_path / "pt.json"
    f.write_text(json.dumps({"format": "lightning-coefficients", "d": 3, "t": 3, "dprime": 2, "a": 2, "raw": raw}))
    rep = check_point(load_point(f))
    assert rep.consistent and not rep.point.exact
    raw[1][2][0] += 0.5  # breaks the copy relation between output columns
    f.write_text(json.dumps({"format": "lightning-coefficients", "d": 3, "t": 3, "dprime": 2, "a": 2, "raw": raw}))
    rep = check_point(load_point(f))
    assert "linear" in rep.failing_families


def test_single_context_point():
    V, A = exact_params(3, 2, 1, 4)
    obj = point_to_dict(V, A, t=1, a=2)
    del obj["cross"]
    assert check_point(point_from_dict(obj)).consistent
    rng = np.random.default_rng(0)
    P = rng.integers(-5, 6, size=(3, 3, 3))
    from expressivity.attention import symmetrize3
    S = symmetrize3(P.astype(object)[None])
    obj["pure"] = [[[[str(x) for x in r] for r in m] for m in S[0]]]
    rep = check_point(point_from_dict(obj))
    assert rep.failing_families == ["lie_flattening"]


@pytest.mark.parametrize("mutate,err", [
    (lambda o: o.pop("d"), NetworkFileError),
    (lambda o: o.update(format="other"), NetworkFileError),
    (lambda o: o.update(cross=[[[1.0]]]), ShapeError),
    (lambda o: o.update(a=5), InvalidInputError),
    (lambda o: o.update(dprime=0), InvalidInputError),
    (lambda o: o.pop("cross"), NetworkFileError),
    (lambda o: o["cross"][0][0][0].__setitem__(0, float("nan")), NonFiniteError),
    (lambda o: o["cross"][0][0][0].__setitem__(0, "abc"), NetworkFileError),
    (lambda o: o.update(tolerance=-1), NetworkFileError),
])
def test_malformed_points(mutate, err):
    p = random_parameters(LightningShape(3, 2, 2), 0)
    obj = point_to_dict(p.V, p.A, t=2, a=2)
    mutate(obj)
    with pytest.raises(err):
        point_from_dict(obj)


def test_cli_both_spellings_and_json(capsys):
    assert main(["invariants", "--d", "2", "--a", "2", "--max-degree", "4", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["implicitization"]["generators_by_degree_raw"] == {"1": 4, "4": 1}
    assert rep["dimension"]["proved"] and rep["families_generate_up_to_max_degree"]
    assert main(["invariants", "compute", "--d", "3", "--a", "1", "--max-degree", "3", "--no-verify"]) == 0
    out = capsys.readouterr().out
    assert "1: 10, 2: 45, 3: 10" in out and "families generate the ideal up to degree 3: yes" in out


def test_cli_check_point(tmp_path, capsys):
    V, A = exact_params(3, 2, 1, 5)
    f = tmp_path / "ok.json"
    f.write_text(json.dumps(point_to_dict(V, A, t=2, a=2)))
    assert main(["invariants", "check-point", str(f)]) == 0
    assert "consistent" in capsys.readouterr().out
    obj = point_to_dict(V, A, t=2, a=1)
    f.write_text(json.dumps(obj))
    assert main(["invariants", "check-point", str(f), "--json"]) == 1
    rep = json.loads(capsys.readouterr().out)
    assert rep["failing_families"] == ["low_rank"] and rep["mode"] == "exact"
    f.write_text("{not json")
    assert main(["invariants", "check-point", str(f)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


@pytest.mark.parametrize("argv,msg", [(["--d", "3", "--a", "4"], "exceeds d"), (["--a", "2"], "--d is required")])
def test_cli_bad_input(argv, msg, capsys):
    # flag values are checked by argparse (tests/attention/test_cli_limits.py, as a subprocess)
    assert main(["invariants", *argv, "--no-verify", "--max-degree", "1"]) == 2
    assert msg in capsys.readouterr().err


from hypothesis import given, settings, strategies as st


@settings(max_examples=15)
@given(st.integers(2, 4), st.data())
def test_model_points_always_pass_exactly(d, data):
    # property: every integer lightning module passes every family exactly, whatever a <= d
    a = data.draw(st.integers(1, d))
    seed = data.draw(st.integers(0, 10**6))
    V, A = exact_params(d, a, 1, seed)
    rep = check_point(point_from_dict(point_to_dict(V, A, t=2, a=a)))
    assert rep.consistent, rep.failing_families


def test_cli_random_lines(capsys):
    # 4 random lines instead of C1's 12: the resultant family shrinks, coverage reports it
    assert main(["invariants", "--d", "3", "--a", "2", "--random-lines", "4", "--no-verify", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    fam = {f["family"]: f for f in rep["families"]}
    assert fam["resultant"]["generators"] == 4 * 12
    assert rep["implicitization"]["generators_by_degree_raw"] == {"1": 10, "3": 30, "4": 90}
    with pytest.raises(SystemExit) as exc:  # argparse refuses N < 1
        main(["invariants", "--d", "3", "--random-lines", "0"])
    assert exc.value.code == 2


def test_cli_c1_families_miss_200_cubics_for_d4(capsys):
    c1 = "low_rank,cross_column,context_syzygy_maximal,veronese,resultant"
    assert main(["invariants", "--d", "4", "--a", "3", "--max-degree", "3", "--no-verify", "--families", c1, "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    deg3 = rep["implicitization"]["degrees"][2]
    assert (deg3["dim_I"], deg3["families_span"], deg3["missing"]) == (400, 200, 200)
    assert rep["families_generate_up_to_max_degree"] is False
    assert main(["invariants", "--d", "3", "--families", "nope", "--no-verify"]) == 2
