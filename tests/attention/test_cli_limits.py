"""Issue 10 §4/§5 for ``expressivity invariants``, at the process boundary (subprocesses).

Sizes are estimated before anything is built and refused in seconds with one line on stderr;
flag values are checked by argparse; coefficient files that are malformed in any way end in one
line and exit code 2; ``--progress`` reports the long phases; ``--json`` / ``--json-out``.
"""

import json
import subprocess
import sys
import time
from fractions import Fraction

import numpy as np
import pytest

from expressivity.attention import LightningShape, point_to_dict, random_parameters

PREFIX = [sys.executable, "-m", "expressivity", "invariants"]


def run(args, timeout=60):
    t0 = time.monotonic()
    r = subprocess.run(PREFIX + list(args), capture_output=True, text=True, timeout=timeout)
    return r, time.monotonic() - t0


def assert_one_line_error(r, elapsed, *needles):
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert elapsed < 10, elapsed
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr[-2000:]
    assert "Traceback" not in r.stderr and len(lines[0]) < 600
    for n in needles:
        assert n in lines[0], lines[0]
    assert r.stdout == ""


# ---------------------------------------------------------------- sizes refused up front (issue: 150 GiB, > 2.7 GB,
# MemoryError)

@pytest.mark.parametrize("args", [["--d", "100"], ["--d", "10"], ["--d", "5", "--t", "1000000"],
                                  ["compute", "--d", "100"], ["--d", "4", "--a", "4", "--max-degree", "5"],
                                  ["--d", "1000", "--a", "1", "--max-degree", "1"]])
def test_too_large_is_refused_fast_with_the_flag_to_raise(args):
    r, el = run(args)
    assert_one_line_error(r, el, "raise --max-memory", "GiB")


def test_each_limit_names_its_flag():
    r, el = run(["--d", "2", "--max-memory", "0.000001"])
    assert_one_line_error(r, el, "raise --max-memory")
    r, el = run(["--d", "3", "--a", "2", "--max-estimated-seconds", "0.001"])
    assert_one_line_error(r, el, "raise --max-estimated-seconds")
    r, el = run(["--d", "3", "--a", "2", "--max-class", "50"])
    assert_one_line_error(r, el, "raise --max-class")


@pytest.mark.parametrize("args,needle", [
    (["--d", "0"], "argument --d"), (["--d", "x"], "argument --d"), (["--d", "3", "--a", "0"], "argument --a"),
    (["--d", "3", "--t", "0"], "argument --t"), (["--d", "3", "--t", "-5"], "argument --t"),
    (["--d", "3", "--dprime", "0"], "argument --dprime"), (["--d", "3", "--max-degree", "0"], "argument --max-degree"),
    (["--d", "3", "--max-degree", "9"], "argument --max-degree"), (["--d", "3", "--seed", "-1"], "argument --seed"),
    (["--d", "3", "--random-lines", "0"], "argument --random-lines"),
    (["--d", "3", "--max-memory", "nan"], "argument --max-memory"), (["--d", "3", "--max-memory", "-1"], "--max-memory"),
    (["--d", "3", "--max-estimated-seconds", "inf"], "--max-estimated-seconds"),
    (["--d", "3", "--max-class", "0"], "argument --max-class"),
    (["compute", "--d", "3", "--a", "0"], "argument --a"),
    (["--d", "3", "--a", "4"], "exceeds d"), (["--a", "2"], "--d is required"),
    (["--d", "3", "--families", "nope"], "unknown invariant family"),
    (["--d", "3", "--json", "--json-out", "x.json"], "not allowed with"),
])
def test_bad_flags_are_one_line_usage_errors(args, needle):
    r, el = run(args)
    assert_one_line_error(r, el, needle)


# ---------------------------------------------------------------- coefficient files

BASE = {"format": "lightning-coefficients", "version": 1, "d": 2, "t": 2, "dprime": 1, "a": 2}


def cross_with(v):
    return [[[[v, "1"], ["1", "1"]], [["1", "1"], ["1", "1"]]]]


def literal_file(tmp_path, name, literal):
    f = tmp_path / name
    f.write_text(json.dumps({**BASE, "cross": cross_with("@@")}).replace('"@@"', literal))
    return f


FUZZ = {
    "e4000_string": ({**BASE, "cross": cross_with("1e4000")}, "MAX_DIGITS"),
    "huge_exponent": ({**BASE, "cross": cross_with("1e999999999")}, "MAX_EXPONENT"),
    "nan_string": ({**BASE, "cross": cross_with("nan")}, "exact rational"),
    "inf_string": ({**BASE, "cross": cross_with("-inf")}, "exact rational"),
    "wrong_shape": ({**BASE, "cross": [[[1, 2]]]}, "shape (1, 2, 2, 2)"),
    "ragged": ({**BASE, "cross": [[[[1, 2], [1]], [[1, 1], [1, 1]]]]}, "ragged"),
    "dict_entry": ({**BASE, "cross": cross_with({"a": 1})}, "expected a number"),
    "null_entry": ({**BASE, "cross": cross_with(None)}, "expected a number"),
    "bool_entry": ({**BASE, "cross": cross_with(True)}, "expected a number"),
    "d_as_string": ({**BASE, "d": "3", "cross": cross_with("1")}, "field 'd'"),
    "d_zero": ({**BASE, "d": 0, "cross": cross_with("1")}, "field 'd'"),
    "d_astronomic": ({**BASE, "d": 10 ** 3000, "cross": cross_with("1")}, "MAX_ENTRIES"),
    "t_astronomic_raw": ({**BASE, "t": 10 ** 9, "raw": [[[1]]]}, "MAX_ENTRIES"),
    "tolerance_huge": ({**BASE, "tolerance": 10 ** 300, "cross": cross_with(1.0)}, "tolerance"),
    "format_100k": ({**BASE, "format": "x" * 100_000, "cross": cross_with("1")}, "100000 characters"),
    "not_an_object": ([1, 2, 3], "JSON object"),
    "mixed_float_string": ({**BASE, "cross": cross_with(0.5)}, "among floats"),
    "int_beyond_float_in_float_mode": ({**BASE, "cross": [[[[10 ** 3000, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]]]},
                                       "float64 range"),
}


@pytest.mark.parametrize("name", sorted(FUZZ))
def test_malformed_coefficient_files_one_line(tmp_path, name):
    obj, needle = FUZZ[name]
    f = tmp_path / f"{name}.json"
    f.write_text(json.dumps(obj))
    r, el = run(["check-point", str(f)])
    assert_one_line_error(r, el, needle)
    assert len(r.stderr) < 600  # a 100 kB value is never echoed back


@pytest.mark.parametrize("literal,needle", [("1e4000", "float64 range"), ("NaN", "not finite"), ("-Infinity", "not finite"),
                                            ("9" * 100_000, "MAX_DIGITS")])
def test_bad_json_literals_one_line(tmp_path, literal, needle):
    f = literal_file(tmp_path, "lit.json", literal)
    r, el = run(["check-point", str(f)])
    assert_one_line_error(r, el, needle)


@pytest.mark.parametrize("content,needle", [(bytes(range(256)) * 4, "UTF-8"), (b"[" * 5000 + b"]" * 5000, "nested"),
                                            (b"", "empty"), (b"{not json", "not valid JSON")])
def test_garbage_files_one_line(tmp_path, content, needle):
    f = tmp_path / "g.json"
    f.write_bytes(content)
    r, el = run(["check-point", str(f)])
    assert_one_line_error(r, el, needle)


def test_long_exact_numbers_are_evaluated_exactly(tmp_path):
    # "1e3999" is within the number policy: exact evaluation (4000-digit rationals) finds that
    # this point is not on the variety (the issue saw an OverflowError traceback at 1e4000)
    f = tmp_path / "big.json"
    f.write_text(json.dumps({**BASE, "cross": cross_with("1e3999")}))
    r, el = run(["check-point", str(f)])
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "failing families" in r.stdout


def test_float_points_near_the_float_range(tmp_path):
    # entries ~1e300: degree-4 generators would overflow without the homogeneous rescaling
    p = random_parameters(LightningShape(3, 2, 2), 0)
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(point_to_dict(p.V * 1e100, p.A * 1e200, t=2, a=2)))
    bad.write_text(json.dumps(point_to_dict(p.V * 1e100, p.A * 1e200, t=2, a=1)))  # rank 2 declared as a = 1
    r, _ = run(["check-point", str(good)])
    assert r.returncode == 0, r.stderr
    r, _ = run(["check-point", str(bad), "--json"])
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["failing_families"] == ["low_rank"]


def test_check_point_too_large_is_refused(tmp_path):
    p = random_parameters(LightningShape(12, 12, 2), 0)
    f = tmp_path / "d12.json"
    f.write_text(json.dumps(point_to_dict(p.V, p.A, t=2, a=12)))
    r, el = run(["check-point", str(f)])
    assert_one_line_error(r, el, "raise --max-estimated-seconds")


# ---------------------------------------------------------------- JSON options (issue §2)

def exact_point_file(tmp_path, a_declared):
    p = random_parameters(LightningShape(3, 2, 2), 5, integer=True)
    V = np.array([[Fraction(int(x)) for x in row] for row in p.V], dtype=object)
    A = np.array([[Fraction(int(x)) for x in row] for row in p.A], dtype=object)
    f = tmp_path / "pt.json"
    f.write_text(json.dumps(point_to_dict(V, A, t=2, a=a_declared)))
    return f


def test_json_flag_does_not_swallow_the_file(tmp_path):
    f = exact_point_file(tmp_path, 2)
    before = f.read_text()
    r, _ = run(["check-point", "--json", str(f)])
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["consistent"] is True
    assert f.read_text() == before


def test_json_out_writes_file_and_keeps_text(tmp_path):
    f = exact_point_file(tmp_path, 1)
    out = tmp_path / "rep.json"
    r, _ = run(["check-point", str(f), "--json-out", str(out)])
    assert r.returncode == 1 and "failing families: low_rank" in r.stdout
    assert json.loads(out.read_text())["failing_families"] == ["low_rank"]
    r, el = run(["check-point", str(f), "--json-out", str(f)])  # never over the input
    assert_one_line_error(r, el)


@pytest.mark.parametrize("pre", [[], ["compute"]])
def test_compute_json_to_stdout_parses(pre):
    r, _ = run(pre + ["--d", "2", "--a", "2", "--json"])
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["implicitization"]["generators_by_degree_raw"] == {"1": 4, "4": 1}
    assert rep["estimate"]["peak_bytes"] > 0


# ---------------------------------------------------------------- progress (issue §5)

def test_progress_reports_every_long_phase():
    r, _ = run(["--d", "3", "--a", "2", "--max-degree", "4", "--no-verify", "--progress"], timeout=300)
    assert r.returncode == 0, r.stderr
    err = r.stderr
    for phase in ("dimension", "families", "implicitization d=3 a=2 t=2: degree 4/4", "coverage degree 4: ranks"):
        assert phase in err, err
    assert "minimal generators by degree" in r.stdout and "minimal generators" not in err
