"""The ``regions`` commands at the process boundary: fuzz cases, exit codes, labels, Ctrl-C.

Every case runs the CLI as a subprocess.  "Fast" is measured as the child's CPU time
(resource.getrusage of the waited children), which does not depend on the load of the
shared test machine; the wall-clock timeout only guards against hangs.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from expressivity.relu import save_network

from ..procfs import session_members
from .strategies import random_net

WALL = 120  # hang guard only; the CPU-time assertion below is the real bound
CPU_LIMIT = 10.0


def run(args, timeout=WALL):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([sys.executable, "-m", "expressivity", "regions", *map(str, args)],
                       capture_output=True, text=True, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p, cpu


def one_error_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if "error" in ln or "limit reached" in ln]
    assert len(lines) == 1, err
    assert len(lines[0]) < 600
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    rng = np.random.default_rng(0)

    def arr(name, dim, hyperplanes):
        (d / name).write_text(json.dumps({"dim": dim, "hyperplanes": hyperplanes}))
        return d / name

    lines = rng.integers(-10**6, 10**6, size=(100_000, 3)).tolist()
    few = rng.integers(-10**6, 10**6, size=(1_000, 3)).tolist()
    e0 = [0] * 10**6
    e0[5] = 2
    out = {
        "dim_1e6_empty": arr("a.json", 10**6, []),
        "dim_1e6_one": arr("b.json", 10**6, [{"normal": e0, "offset": "1/3"}]),
        "lines_1e5": arr("c.json", 2, [{"normal": r[:2], "offset": r[2]} for r in lines]),
        "lines_1e3": arr("d.json", 2, [{"normal": r[:2], "offset": r[2]} for r in few]),
        "net": d / "net.json",
    }
    save_network(random_net(2, [6, 6], 0), out["net"])
    return out


def test_huge_dimension_is_counted(files):
    p, cpu = run(["arrangement", files["dim_1e6_empty"], "--json"])
    assert p.returncode == 0 and cpu < CPU_LIMIT, p.stderr
    assert json.loads(p.stdout)["regions"] == 1
    p, cpu = run(["arrangement", files["dim_1e6_one"], "--json"])
    assert p.returncode == 0 and cpu < CPU_LIMIT, p.stderr
    out = json.loads(p.stdout)
    assert (out["regions"], out["rank"], out["method"]) == (2, 1, "exact")
    assert out["characteristic_polynomial"][-2:] == [-1, 1] and not any(out["characteristic_polynomial"][:-2])
    p, _ = run(["arrangement", files["dim_1e6_empty"]])  # text mode: chi printed compactly
    assert p.returncode == 0 and "t^1000000\n" in p.stdout


def test_many_lines_refused_up_front(files):
    p, cpu = run(["arrangement", files["lines_1e5"]])
    assert p.returncode == 2 and cpu < CPU_LIMIT
    assert "--max-steps" in one_error_line(p.stderr)


def test_poset_limit_reached_mid_run_exits_3_with_a_json_result(files):
    p, cpu = run(["arrangement", files["lines_1e3"], "--max-flats", "20000", "--json"])
    assert p.returncode == 3 and cpu < CPU_LIMIT
    assert "--max-flats" in one_error_line(p.stderr)
    out = json.loads(p.stdout)
    assert out["status"] == "limit_reached" and out["proved"] is False and out["found_so_far"] == 20_001


def test_bounds_with_huge_widths(files):
    p, cpu = run(["bounds", "--input-dim", "2", "--widths", "100000,100000", "--json"])
    assert p.returncode == 0 and cpu < CPU_LIMIT, p.stderr
    out = json.loads(p.stdout)
    one = 1 + 100_000 + 100_000 * 99_999 // 2
    assert out["serra_upper"] == one ** 2 and out["method"] == "exact"
    s = out["patterns_2N"]  # 60 206 digits: an exact decimal string
    assert isinstance(s, str) and len(s) == 60_206 and s.startswith("998") and s.endswith("9376")
    assert int(s[-30:]) == pow(2, 200_000, 10**30)
    p, _ = run(["bounds", "--input-dim", "2", "--widths", "100000,100000"])
    assert p.returncode == 0 and "60206 digits" in p.stdout
    p, cpu = run(["bounds", "--input-dim", "100000", "--widths", "100000,100000"])
    assert p.returncode == 2 and cpu < CPU_LIMIT and "--max-terms" in one_error_line(p.stderr)
    p, cpu = run(["bounds", "--input-dim", "2", "--widths", "10000000,10000000"])
    assert p.returncode == 2 and cpu < CPU_LIMIT and "--max-bits" in one_error_line(p.stderr)
    p, _ = run(["bounds", "--input-dim", "2", "--widths", "8,-8"])
    assert p.returncode == 2 and "positive integers" in one_error_line(p.stderr)


@pytest.mark.parametrize("args", [
    ["count", "{net}", "--max-regions", "-1"],
    ["count", "{net}", "--workers", "-1"],
    ["count", "{net}", "--workers", "0"],
    ["count", "{net}", "--workers", "100000"],
    ["arrangement", "{arr}", "--max-flats", "-1"],
    ["arrangement", "{arr}", "--max-steps", "0"],
    ["bounds", "--input-dim", "0", "--widths", "2"],
    ["bounds", "--input-dim", "9" * 5000, "--widths", "2"],
])
def test_integer_flags_must_be_positive(files, args):
    argv = [str(a).format(net=files["net"], arr=files["dim_1e6_empty"]) for a in args]
    p, cpu = run(argv)
    assert p.returncode == 2 and cpu < CPU_LIMIT
    line = one_error_line(p.stderr)
    assert "positive integer" in line or "at most" in line


def test_count_labels_and_limits(files):
    p, _ = run(["count", files["net"], "--certify", "-q", "--json"])
    out = json.loads(p.stdout)
    assert p.returncode == 0 and out["algorithm"] == "bfs" and out["method"] == "numeric"
    assert out["regions_certified"] is True and out["count_certified_as"] == "lower_bound"
    assert out["completeness_certified"] is False and "certified" not in out
    assert "completeness not certified" in out["status"]
    p, _ = run(["count", files["net"], "--box", "1", "--method", "planar", "--json"])
    out = json.loads(p.stdout)
    assert out["regions_certified"] is False and out["count_certified_as"] is None and out["method"] == "numeric"
    p, _ = run(["count", files["net"], "--certify", "-q"])
    assert "each region certified exactly; completeness not certified" in p.stdout
    p, cpu = run(["count", files["net"], "--max-regions", "3", "-q", "--json"])
    assert p.returncode == 3 and "--max-regions" in one_error_line(p.stderr)
    out = json.loads(p.stdout)
    assert out["status"] == "limit_reached" and out["found_so_far"] == 4


def test_progress_of_a_parallel_count_counts_slabs(files):
    p, _ = run(["count", files["net"], "--box", "1", "--workers", "2"])
    assert p.returncode == 0, p.stderr
    assert "slabs: 4/4" in p.stderr  # a real total: the slabs


# ------------------------------------------------------------------------------ Ctrl-C
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc")
@pytest.mark.parametrize("target", ["parent", "group"])
def test_ctrl_c_with_workers_exits_130_and_leaves_no_process(tmp_path, target):
    net = tmp_path / "big.json"
    save_network(random_net(3, [40, 40], 0), net)  # several minutes with 2 workers
    p = subprocess.Popen([sys.executable, "-m", "expressivity", "regions", "count", str(net), "--box", "5",
                          "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        time.sleep(3)
        assert p.poll() is None, p.communicate()
        assert len(session_members(p.pid)) >= 2  # the parent and its workers are running
        t0 = time.monotonic()
        if target == "group":
            os.killpg(p.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        else:
            os.kill(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=30)
        elapsed = time.monotonic() - t0
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
    assert p.returncode == 130, err
    assert elapsed < 10, elapsed
    # progress lines may precede it; the interrupt itself is one line and no worker prints a traceback
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "expressivity: interrupted"
    assert [ln for ln in err.splitlines() if not ln.startswith("slabs:")] == ["expressivity: interrupted"]
    deadline = time.monotonic() + 5
    while session_members(p.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_members(p.pid) == []
