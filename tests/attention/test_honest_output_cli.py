"""Every count says how it is known; --no-verify never says "certified"; empty families are not "ok".

Run as subprocesses (the process boundary).  Oracle for the proved counts: Macaulay2 elimination
of the parametrisation (docs/lightning.md, "Reproduced numbers").
"""

import json
import subprocess
import sys

import pytest

PREFIX = [sys.executable, "-m", "expressivity", "invariants"]
PROVED = "proved over Q"
MOD_P = "mod p, with high probability"


def run(*args, timeout=300):
    return subprocess.run(PREFIX + list(args), capture_output=True, text=True, timeout=timeout)


def test_d3_a2_counts_are_proved_over_Q():
    r = run("--d", "3", "--a", "2", "--max-degree", "4", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    imp = rep["implicitization"]
    assert imp["generators_by_degree_raw"] == {"1": 10, "3": 30, "4": 90}  # Macaulay2
    assert imp["generators_by_degree_status"] == PROVED
    assert all(d["dim_I_status"] == PROVED and d["new_generators_status"] == PROVED for d in imp["degrees"])
    assert rep["families_generate_status"] == PROVED
    assert "yes (proved over Q)" in r.stderr


def test_no_verify_never_certifies():
    r = run("--d", "3", "--a", "3", "--max-degree", "3", "--no-verify")
    assert r.returncode == 0, r.stderr
    assert "certified" not in r.stdout and "(proved over Q)" not in r.stdout.split("families generate")[1]
    assert "not a proof in this run" in r.stdout and "not checked (--no-verify)" in r.stdout
    r = run("--d", "3", "--a", "3", "--max-degree", "3", "--no-verify", "--json")
    deg3 = json.loads(r.stdout)["implicitization"]["degrees"][2]
    assert deg3["dim_I"] == 20 and deg3["dim_I_status"] != PROVED and deg3["new_generators_status"] == MOD_P


@pytest.mark.parametrize("extra", [["--no-coverage"], ["--dprime", "2"]])
def test_uncovered_counts_say_mod_p(extra):
    r = run("--d", "3", "--a", "3", "--max-degree", "3", "--no-verify", "--json", *extra)
    assert r.returncode == 0, r.stderr
    imp = json.loads(r.stdout)["implicitization"]
    top = imp["degrees"][-1]
    assert top["dim_I"] > 0 and top["dim_I_status"].startswith("upper bound proved over Q; equality " + MOD_P)
    assert top["new_generators_status"] == MOD_P and imp["generators_by_degree_status"] == MOD_P
    assert "mod p, w.h.p." in r.stderr and MOD_P in imp["counts_method"]


def test_empty_family_is_not_reported_ok():
    r = run("--d", "3", "--a", "2", "--max-degree", "2", "--json")
    rep = json.loads(r.stdout)
    empty = [f for f in rep["families"] if f["generators"] == 0]
    assert [f["family"] for f in empty] == ["context_syzygy_submaximal"]
    assert empty[0]["empty"] and "checks" not in empty[0]
    line = next(ln for ln in r.stderr.splitlines() if ln.startswith("context_syzygy_submaximal"))
    assert "ok" not in line.split()[3:] and "empty family" in line
