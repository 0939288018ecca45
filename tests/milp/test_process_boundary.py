"""The HBDSS commands at the process boundary, run as subprocesses (pytest's capture would hide
what highspy writes to file descriptor 1, and signals need a process of their own).

* one HiGHS thread policy: exact, then float HiGHS, then exact again, in one process (issue 10 §1);
* stdout: nothing but the JSON document with ``--json``; no HiGHS banner from the library (§2);
* a time limit exits 3 with a JSON result "time_limit, not proved" (§4);
* Ctrl-C exits 130 promptly, leaves no solver process and no temporary file (§5);
* n = 5 and ``--big-m uniform`` are accepted; ``--export`` alone only exports (§0, §6).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from expressivity.milp import available_solvers

from ..procfs import alive, descendants

REPO = Path(__file__).resolve().parents[2]


def run_py(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


def run_cli(*args: str, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "expressivity", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd or REPO)


# -- §1: one HiGHS thread policy -------------------------------------------------------------

def test_exact_float_exact_in_one_process():
    # the failure this guards against: the exact search sized HiGHS' global scheduler with the
    # default thread count, and the next PuLP HiGHS(threads=1) solve returned "Not Solved"
    r = run_py("""
        from expressivity.milp import build_hbdss_model, certify_hbdss, solve_model
        a = certify_hbdss(4).optimum_zero
        b = solve_model(build_hbdss_model(2), "highs").objective
        c = solve_model(build_hbdss_model(2, sense="min"), "highs").objective
        d = certify_hbdss(4).optimum_zero
        e = solve_model(build_hbdss_model(3, big_m="per_row"), "highs").objective
        print("RESULT", a, round(b, 6), round(c, 6), d, round(e, 6))
    """)
    assert r.returncode == 0, r.stderr
    # n = 2: max phi = 1, min phi = -1 over the box (enumeration oracle in test_solvers.py);
    # n = 3: positive optimum (exact witness in test_certify.py)
    *_, line = r.stdout.strip().splitlines()
    tag, a, b, c, d, e = line.split()
    assert (tag, a, b, c, d) == ("RESULT", "True", "1.0", "-1.0", "True") and float(e) > 0
    # the library itself writes nothing else to stdout: no "Running HiGHS ..." banner
    assert r.stdout.strip() == line, r.stdout


def test_scheduler_sized_by_other_code_first():
    # a HiGHS user outside this package (default threads) runs first; our solves must still work
    r = run_py("""
        import highspy
        h = highspy.Highs(); h.setOptionValue("output_flag", False)
        h.addVar(0, 1); h.changeColCost(0, -1.0); h.run()
        from expressivity.milp import build_hbdss_model, certify_hbdss, solve_model
        print("RESULT", round(solve_model(build_hbdss_model(2), "highs").objective, 6), certify_hbdss(4).optimum_zero)
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "RESULT 1.0 True"


def test_other_thread_counts_go_through_the_policy():
    from expressivity.exceptions import InvalidInputError
    from expressivity.milp import make_solver, set_highs_threads
    from expressivity.milp import highs as policy

    with pytest.raises(InvalidInputError, match="set_highs_threads"):
        make_solver("highs", threads=policy.HIGHS_THREADS + 1)
    with pytest.raises(InvalidInputError, match="positive integer"):
        set_highs_threads(0)
    from expressivity.milp.solvers import _new_highs_for_pulp

    for h in (policy.new_highs(), _new_highs_for_pulp(make_solver("highs", time_limit=5))):
        got = h.getOptionValue("threads")
        got = got[1] if isinstance(got, tuple) else got  # highspy >= 1.16 returns (status, value)
        assert got == policy.HIGHS_THREADS
    r = run_py("""
        from expressivity.milp import build_hbdss_model, certify_hbdss, set_highs_threads, solve_model
        set_highs_threads(2)
        x = round(solve_model(build_hbdss_model(2), "highs").objective, 6)
        set_highs_threads(1)
        print("RESULT", x, certify_hbdss(4).optimum_zero, round(solve_model(build_hbdss_model(2), "highs").objective, 6))
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "RESULT 1.0 True 1.0"


# -- §2 and §4: stdout is the JSON document; time limits -------------------------------------

@pytest.mark.parametrize("args", [
    ["--n", "2", "--exact"],
    ["--n", "2", "--solver", "highs"],
    ["--n", "2", "--solver", "cbc"],
    ["--n", "2"],
    ["--n", "3", "--exact", "--solve"],
])
def test_json_stdout_parses(args):
    r = run_cli("depth", "hbdss", *args, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)  # nothing but the document on stdout
    assert rep["n"] == int(args[1])
    if "--exact" in args:
        assert rep["proved"] is True and rep["status"] == "certified"
    else:
        assert rep["proved"] is False and rep["float"]["method"] == "numeric"


def test_check_certificate_json_stdout(tmp_path):
    cert = tmp_path / "c2.json"
    assert run_cli("depth", "hbdss", "--n", "2", "--exact", "--certificate", str(cert), "-q").returncode == 0
    r = run_cli("depth", "check-certificate", str(cert), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["verified"] is True


@pytest.mark.parametrize("extra", [["--solver", "highs"], ["--solver", "cbc"], ["--exact"]])
def test_time_limit_exits_3_with_a_json_result(extra):
    if "cbc" in extra and "cbc" not in available_solvers():
        pytest.skip("cbc not installed")
    # n = 5 cannot be closed in 0.2 s by either path (the exact search needs ~60 000 nodes)
    r = run_cli("depth", "hbdss", "--n", "5", *extra, "--time-limit", "0.2", "--json")
    assert r.returncode == 3, (r.returncode, r.stderr)
    rep = json.loads(r.stdout)
    assert rep["status"] == "time_limit" and rep["proved"] is False and rep["certified"] is False
    part = rep["exact" if "--exact" in extra else "float"]
    assert part["status"] == "time_limit" and part["time_limit"] == 0.2
    assert "time limit reached: not proved" in r.stderr
    text = run_cli("depth", "hbdss", "--n", "5", *extra, "--time-limit", "0.2")
    assert text.returncode == 3 and "time limit reached: not proved" in text.stdout


# -- §0 and §6: n = 5, big-M, export only ----------------------------------------------------

def test_n5_exact_is_not_refused_for_big_m():
    # before: "big_m = 15 is smaller than ... = 20" (exit 2) although big-M plays no role in the exact search
    r = run_cli("depth", "hbdss", "--n", "5", "--exact", "--time-limit", "1", "-q")
    assert r.returncode == 3, r.stderr  # started, and stopped by the time limit only
    assert "big-M 20" in r.stdout and "big_m" not in r.stderr


def test_export_only_is_fast_and_does_not_solve(tmp_path):
    path = tmp_path / "hbdss5.mps"
    t0 = time.perf_counter()
    r = run_cli("depth", "hbdss", "--n", "5", "--big-m", "uniform", "--export", str(path), "--json")
    assert r.returncode == 0, r.stderr
    assert time.perf_counter() - t0 < 60  # the CBC solve it used to start took 93 s
    rep = json.loads(r.stdout)
    assert rep["status"] == "exported" and "float" not in rep and "exact" not in rep
    assert "export only" in r.stderr
    from expressivity.milp import mps_size

    assert mps_size(path).columns == rep["size"]["columns"] == 144
    assert [p.name for p in tmp_path.iterdir()] == ["hbdss5.mps"]  # no temporary file left beside it


# -- §5: Ctrl-C ------------------------------------------------------------------------------

@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("extra", [["--solver", "cbc"], ["--solver", "highs"], ["--exact"]])
def test_sigint_is_clean(extra, tmp_path):
    if "cbc" in extra and "cbc" not in available_solvers():
        pytest.skip("cbc not installed")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), TMP=str(tmp), TEMP=str(tmp), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "expressivity", "depth", "hbdss", "--n", "5", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().startswith("HBDSS MIP, n = 5")  # the model is built; the solve starts
        kids: set[int] = set()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:  # let the solver run (and CBC's child appear)
            kids |= descendants(proc.pid)
            time.sleep(0.1)
        if "cbc" in extra:
            assert kids, "expected a CBC child process"
        assert proc.poll() is None, "the solve finished before the interrupt"
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        waited = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, (proc.returncode, err)
    assert err.strip().splitlines()[-1] == "expressivity: interrupted"
    assert waited < 5, waited
    assert not [k for k in kids if alive(k)], "a solver process survived the interrupt"
    assert list(tmp.iterdir()) == [], "temporary files left behind"


# -- §6: the README's hbdss commands -------------------------------------------------------

def test_readme_hbdss_commands(tmp_path):
    r = run_cli("depth", "hbdss", "--n", "4", "--exact", "--certificate", "hbdss4.json", cwd=tmp_path)
    assert r.returncode == 0 and "optimum = 0, certified" in r.stdout, r.stderr
    r = run_cli("depth", "check-certificate", "hbdss4.json", cwd=tmp_path)
    assert r.returncode == 0 and "VERIFIED" in r.stdout, r.stderr
    r = subprocess.run([sys.executable, "-m", "proofs.certificate_check", str(tmp_path / "hbdss4.json")],
                       capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_cli("depth", "hbdss", "--n", "4", "--export", "hbdss.mps", cwd=tmp_path)
    assert r.returncode == 0 and "74 columns (30 binary), 390 rows, 2658 nonzeros" in r.stdout, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hbdss.mps", "hbdss4.json"]


@pytest.mark.slow
@pytest.mark.parametrize("solver", ["highs", "cbc", "scip"])
@pytest.mark.parametrize("model", ["paper", "per_row", "tightened"])
def test_readme_hbdss_float_commands(solver, model):
    if solver not in available_solvers():
        pytest.skip(f"{solver} not installed")
    r = run_cli("depth", "hbdss", "--n", "4", "--solver", solver, "--model", model, "--time-limit", "600", "--json",
                timeout=900)
    assert r.returncode in (0, 3), r.stderr
    rep = json.loads(r.stdout)
    if r.returncode == 0:
        assert abs(rep["float"]["objective"]) < 1e-6  # published optimum 0 (a float candidate only)


@pytest.mark.slow
def test_readme_n5_exact(tmp_path):
    # README: "n = 5: optimum 0 in both directions (exact, about 1 min)"
    r = run_cli("depth", "hbdss", "--n", "5", "--exact", "--certificate", "c5.json", "-q", cwd=tmp_path, timeout=1200)
    assert r.returncode == 0, r.stderr
    assert "optimum = 0, certified" in r.stdout
