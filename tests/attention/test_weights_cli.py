"""(V, Q, K) from .npz / .safetensors: check-point and invariants --weights (subprocesses).

Oracles: heads built from known weights (on the variety by construction); an integer head whose
A has rank 3 labelled a = 1 (the exact rank is known); files broken on purpose.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

PREFIX = [sys.executable, "-m", "expressivity", "invariants"]


def run(*args, timeout=300):
    return subprocess.run(PREFIX + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)


def test_float_npz_head_two_rows(tmp_path):
    rng = np.random.default_rng(0)
    f = tmp_path / "head.npz"
    np.savez(f, V=1e-3 * rng.standard_normal((2, 3)), Q=rng.standard_normal((2, 3)), K=1e4 * rng.standard_normal((2, 3)))
    r = run("check-point", f, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["consistent"] and rep["attention_rank"] == {**rep["attention_rank"], "claimed_a": 2, "rank_A": 2, "ok": True}
    assert {v["family"] for v in rep["verdicts"]} >= {"low_rank", "cross_row_quadric"}
    assert all(v["max_value"] < 1e-12 for v in rep["verdicts"])
    assert "residual" in r.stderr


def test_safetensors_head_with_custom_names(tmp_path):
    from safetensors.numpy import save_file

    rng = np.random.default_rng(1)
    f = tmp_path / "head.safetensors"
    save_file({"w_v": rng.standard_normal((1, 4)).astype(np.float32),
               "w_q": rng.standard_normal((2, 4)).astype(np.float32),
               "w_k": rng.standard_normal((2, 4)).astype(np.float32)}, str(f))
    r = run("check-point", f, "--weight-names", "w_v,w_q,w_k")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rank 2" in r.stdout and "claimed a = 2: ok" in r.stdout


def test_integer_head_rank_claim_is_checked_exactly(tmp_path):
    f = tmp_path / "int.npz"
    np.savez(f, V=np.array([[1, -2, 3]]), Q=np.array([[1, 0, 2], [0, 1, 1], [2, 1, 0]]),
             K=np.array([[1, 1, 0], [0, 2, 1], [1, 0, 1]]))
    r = run("check-point", f, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["mode"] == "exact" and rep["attention_rank"]["rank_A"] == 3
    r = run("check-point", f, "--a", "1", "--json")
    assert r.returncode == 1
    rep = json.loads(r.stdout)
    assert not rep["attention_rank"]["ok"] and "low_rank" in rep["failing_families"]


def test_invariants_with_weights(tmp_path):
    rng = np.random.default_rng(2)
    f = tmp_path / "head.npz"
    np.savez(f, V=rng.standard_normal((1, 3)), Q=rng.standard_normal((2, 3)), K=rng.standard_normal((2, 3)))
    r = run("--weights", f, "--max-degree", "3", "--no-verify", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert (rep["d"], rep["a"], rep["dprime"]) == (3, 2, 1) and rep["weights_check"]["consistent"]
    assert run("--weights", f, "--d", "4", "--max-degree", "1").returncode == 2


@pytest.mark.parametrize("make,msg", [
    (lambda p: p.write_bytes(b"not a zip"), "not a readable .npz"),
    (lambda p: np.savez(p, V=np.ones((1, 3)), Q=np.ones((2, 3))), "no tensor named 'K'"),
    (lambda p: np.savez(p, V=np.ones((1, 4)), Q=np.ones((2, 3)), K=np.ones((2, 3))), "V must have d = 3 columns"),
    (lambda p: np.savez(p, V=np.full((1, 3), np.nan), Q=np.ones((2, 3)), K=np.ones((2, 3))), "NaN"),
    (lambda p: np.savez(p, V=np.ones((1, 3)), Q=np.ones((2, 3)), K=np.ones((3, 3))), "same shape"),
])
def test_bad_weight_files_one_line_exit_2(tmp_path, make, msg):
    f = tmp_path / "bad.npz"
    make(f)
    r = run("check-point", f)
    assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_huge_head_refused_before_building(tmp_path):
    f = tmp_path / "big.npz"
    np.savez(f, V=np.ones((1, 300)), Q=np.ones((1, 300)), K=np.ones((1, 300)))
    r = run("check-point", f, timeout=60)
    assert r.returncode == 2 and "MAX_POINT_ENTRIES" in r.stderr and len(r.stderr.strip().splitlines()) == 1
