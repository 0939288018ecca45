"""Issue 10 (trust pass), FFN slice: honest method labels, independent oracles, directed rounding,
no silent infinities or float conversions, bounded CLI numbers.

Oracles used here: mpmath at 50 digits (closed forms), a hand-built hardtanh network with an
LP-optimised output layer (scipy HiGHS), exact re-evaluation of fitted networks, and the CLI run
as a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy.optimize import linprog

from expressivity.exceptions import DegenerateInputError, ExpressivityError, NumberTypeError
from expressivity.ffn.certificates import exact_params, f1_derivative_gap, pl_breakpoints_1d, ridge_jump
from expressivity.ffn.intervals import (Enclosure, UnboundedEnclosureError, decimal_down, decimal_up, enclose,
                                        enclose_sympy, float_down, float_up)
from expressivity.ffn.layers import fixed_type1, la_type1
from expressivity.ffn.sweeps import sweep
from expressivity.ffn.witnesses import WITNESS_NAMES, get_witness
from expressivity.proofs.registry import get_claim


def _mpf(f: Fraction):
    return mpmath.mpf(f.numerator) / f.denominator


def _cli(*argv, timeout=60):
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "expressivity", *argv], capture_output=True, text=True, timeout=timeout)
    return r, time.monotonic() - t0


# ---------------------------------------------------------------------- item 1: method labels
INTERVAL_CLAIMS = ["ffn.fixed_vs_la.type2_f2", "ffn.la_vs_moa.type1_t", "ffn.la_vs_moa.sigmoid_t",
                   "ffn.la_vs_moa.one_sided_type2", "ffn.la_vs_moa.bisided_t3"]


@pytest.mark.parametrize("cid", INTERVAL_CLAIMS)
def test_interval_claims_are_labelled_interval(cid):
    assert get_claim(cid).method == "interval"


def test_certificate_methods_match_how_the_bound_was_obtained():
    """An enclosure-based bound is 'interval'; an 'exact' bound has no enclosure and is a plain rational."""
    cases = [("f1", 4, {"activation": "relu"}), ("f1", None, {"activation": "silu"}), ("f2", 3, {"activation": "relu"}),
             ("f2", None, {"activation": "tanh"}), ("T", None, {}), ("T_sigmoid", None, {}), ("T3", None, {}),
             ("pl", None, {}), ("pl", 2, {}), ("poly_cubic", None, {}), ("poly_rank", 1, {})]
    for name, width, kw in cases:
        c = get_witness(name).certify(width, **kw)
        if c.enclosure is not None:
            assert c.method == "interval", (name, kw)
            assert c.lower_bound == c.enclosure.lo
        else:
            assert c.method == "exact", (name, kw)
    one = get_witness("T_one").certify(n_grid=2001)
    assert one.method == "interval" and one.enclosure is not None


def test_cli_certify_method_text_and_json():
    r, _ = _cli("ffn", "certify", "T", "--json")
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["method"] == "interval" and data["enclosure"] is not None
    r, _ = _cli("ffn", "certify", "f1", "--width", "4")
    assert r.returncode == 0 and "certified gap >= 1/5   [exact]" in r.stdout


# ---------------------------------------------------------------------- item 2: independent oracle for ½ tanh λ
@pytest.mark.parametrize("lam", [Fraction(1, 10), Fraction(1, 2), Fraction(2), Fraction(7, 3), Fraction(10)])
def test_T_enclosure_contains_50_digit_closed_form(lam):
    c = get_witness("T", lam).certify()
    with mpmath.workdps(50):
        v = mpmath.tanh(_mpf(lam)) / 2
        assert _mpf(c.enclosure.lo) <= v <= _mpf(c.enclosure.hi)
    assert c.enclosure.width < Fraction(1, 10**30)


def test_hp_cross_check_can_fail():
    from expressivity.proofs.claims.ffn_separations import _hp_contains

    good = get_witness("T", 2).certify().enclosure
    assert _hp_contains(good, lambda: mpmath.tanh(2) / 2) is None
    shifted = Enclosure(good.lo + Fraction(1, 10**35), good.hi + Fraction(1, 10**35))
    assert "misses" in _hp_contains(shifted, lambda: mpmath.tanh(2) / 2)
    wide = Enclosure(good.lo - Fraction(1, 10**20), good.hi)
    assert "width" in _hp_contains(wide, lambda: mpmath.tanh(2) / 2)


# ---------------------------------------------------------------------- item 3: sweeps
def test_T_sweep_sampled_norm_checks_floor_and_certificate():
    r = sweep("T", [1, 4, 16], seed=0, progress=False)
    for row in r.rows:
        tol = 1e-6 * max(1.0, row.measured)
        assert row.floor <= row.measured + tol and row.certified <= row.measured + tol
    # the check has teeth: a floor twice too large would be contradicted by a sampled value
    assert any(row.measured < 2 * row.floor for row in r.rows)


def test_f1_tanh_certified_column_is_computed_from_the_fit():
    r = sweep("f1_tanh", [4, 16, 64], seed=0, progress=False)
    vals = [row.certified for row in r.rows]
    assert len(set(vals)) == len(vals) and all(v >= 0.5 for v in vals)
    for row in r.rows:
        assert row.certified <= row.measured + 1e-6 * max(1.0, row.measured)


def test_poly_cubic_uses_its_width_and_certifies_each_fit():
    # random features: a fixed width-1 ridge is worse than 8 ridges (trained, one ridge already reaches the
    # L² projection c·x1 of x1 x2² onto the quadratics, so the comparison is made on the least-squares fits)
    r = sweep("poly_cubic", [1, 2, 8], seed=0, progress=False, fit="lstsq")
    assert [row.n_features for row in r.rows] == [2, 4, 16]
    assert r.rows[0].rmse > 1.2 * r.rows[2].rmse  # width 1 (one ridge) is a smaller class than width 8
    assert all(row.certified >= 0.5 for row in r.rows)
    assert len({row.certified for row in r.rows}) == 3


def test_poly_cubic_certified_against_float_reevaluation():
    """Second computation: evaluate the fitted network in float64 on the same grid."""
    from expressivity.ffn import sweeps as S

    rng = np.random.default_rng(5)
    m = 5
    W, b = rng.normal(size=(m, 2)), rng.uniform(-1, 1, m)
    a1, a2 = rng.normal(size=m), rng.normal(size=m)
    cert = S._poly_cubic_certified(W, b, a1, a2)
    t = np.linspace(-1, 1, 21)
    X = np.array([(u, v) for u in t for v in t])
    Z = X @ W.T + b
    g = Z @ a1 + (Z * Z) @ a2
    assert float(cert) == pytest.approx(np.max(np.abs(X[:, 0] * X[:, 1] ** 2 - g)), rel=1e-12)


# ---------------------------------------------------------------------- item 4: T3 is not a gap
def test_certify_T3_says_non_representability_not_gap():
    r, _ = _cli("ffn", "certify", "T3")
    assert r.returncode == 0
    assert "certified gap" not in r.stdout
    assert "certified: T3 is not computed by any layer of the class" in r.stdout and "witness value >= 0.964" in r.stdout
    t3 = get_witness("T3").certify().to_json()
    assert t3["kind"] == "non_representability" and "not a distance" in t3["norm"]
    assert get_witness("T").certify().to_json()["kind"] == "gap"


# ---------------------------------------------------------------------- item 5: hardtanh counting
def _hardtanh_net_16_breakpoints(a):
    """Width 8: hardtanh(32 (x − c_j)) with c_j = (2j − 1)/16 kinks at c_j ± 1/32 = 1/32, 3/32, ..., 31/32:
    sixteen distinct breakpoints in (0, 1), two per neuron."""
    c = [Fraction(2 * j - 1, 16) for j in range(1, 9)]
    return fixed_type1("hardtanh", [[32]] * 8, [a], b1=[-32 * cj for cj in c]), c


def _lp_best_outer_weights(c, w=32):
    """min_a sup |f1' − g'| for g = Σ a_j hardtanh(w(x − c_j)) (pieces are known exactly; LP in (a, t))."""
    bps = sorted({float(cj) + s / w for cj in c for s in (-1, 1)} | {-1.0, 0.0, 1.0})
    A, bnd = [], []
    for p, q in zip(bps[:-1], bps[1:]):
        mid = (p + q) / 2
        act = [w if abs(w * (mid - float(cj))) < 1 else 0.0 for cj in c]  # g' on the piece = Σ a_j act_j
        for x in (p, q):
            f = 0.0 if q <= 0 else 1 + 2 * x
            A.append(act + [-1.0]); bnd.append(f)                 # g' − t ≤ f
            A.append([-v for v in act] + [-1.0]); bnd.append(-f)  # −g' − t ≤ −f
    res = linprog(c=[0.0] * len(c) + [1.0], A_ub=A, b_ub=bnd, bounds=[(None, None)] * (len(c) + 1), method="highs")
    assert res.status == 0
    return res.x[:-1], res.x[-1]


def test_width8_hardtanh_net_with_16_breakpoints_respects_one_ninth():
    a_lp, t_lp = _lp_best_outer_weights([Fraction(2 * j - 1, 16) for j in range(1, 9)])
    a = [Fraction(v).limit_denominator(10**9) for v in a_lp]
    g, _ = _hardtanh_net_16_breakpoints(a)
    pts, _slopes = pl_breakpoints_1d(g)
    assert len(pts) >= 15 > 8  # "g' has ≤ 8 breakpoints" is false for this width-8 net
    floor = get_witness("f1").certify(8, activation="hardtanh").lower_bound
    assert floor == Fraction(1, 9)
    assert t_lp >= 1 / 9 - 1e-9  # the best output layer for these 16 breakpoints still errs by ≥ 1/9
    assert f1_derivative_gap(g) >= floor  # exact, for the rationalised LP weights
    rng = np.random.default_rng(0)
    for _ in range(20):
        g, _ = _hardtanh_net_16_breakpoints([Fraction(int(v), 7) for v in rng.integers(-20, 21, 8)])
        assert f1_derivative_gap(g) >= floor


def test_hardtanh_certificate_states_the_upward_jump_argument():
    r, _ = _cli("ffn", "certify", "f1", "--activation", "hardtanh", "--width", "8")
    assert r.returncode == 0 and "1/9" in r.stdout
    assert "≤ 8 breakpoints" not in r.stdout and "upward" in r.stdout


# ---------------------------------------------------------------------- item 6: directed rounding
@pytest.mark.parametrize("lam", [Fraction(1, 3), Fraction(1, 2), Fraction(2), Fraction(5), Fraction(22, 7)])
def test_lower_bound_float_never_exceeds_the_exact_bound(lam):
    c = get_witness("T", lam).certify()
    js = c.to_json()
    assert Fraction(js["lower_bound_float"]) <= c.lower_bound
    assert Fraction(js["enclosure"]["lo_float"]) <= c.enclosure.lo and Fraction(js["enclosure"]["hi_float"]) >= c.enclosure.hi
    with mpmath.workdps(50):  # and below the true ½ tanh λ
        assert mpmath.mpf(js["lower_bound_float"]) <= mpmath.tanh(_mpf(lam)) / 2


def test_half_tanh_2_is_not_rounded_up():
    r, _ = _cli("ffn", "certify", "T", "--json")
    v = json.loads(r.stdout)["lower_bound_float"]
    assert v < 0.48201379003790845  # the nearest float, which lies above ½ tanh 2 = 0.48201379003790844197...
    r, _ = _cli("ffn", "certify", "T")
    shown = r.stdout.split("certified gap >= ")[1].split()[0]
    with mpmath.workdps(50):
        assert mpmath.mpf(shown) <= mpmath.tanh(2) / 2


def test_directed_rounding_helpers():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        x = Fraction(int(rng.integers(-10**15, 10**15)), int(rng.integers(1, 10**12)))
        assert Fraction(float_down(x)) <= x <= Fraction(float_up(x))
        assert Fraction(decimal_down(x, 6)) <= x <= Fraction(decimal_up(x, 6))
    x = Fraction(10**400, 3)
    assert float_down(x) == sys.float_info.max and float_up(x) == float("inf")


# ---------------------------------------------------------------------- item 7: no silent infinities
def test_enclose_refuses_infinite_endpoints():
    expr = 1 / (sp.tanh(2) - 2 * sp.tanh(1) / (1 + sp.tanh(1) ** 2))  # the denominator is exactly 0
    with pytest.raises(UnboundedEnclosureError):
        enclose_sympy(expr)
    assert issubclass(UnboundedEnclosureError, DegenerateInputError)
    from mpmath import iv

    with pytest.raises(ExpressivityError, match="infinite"):
        enclose(1 / iv.mpf([-1, 1]))
    assert enclose(iv.mpf([0, 0])) == Enclosure(Fraction(0), Fraction(0))  # a genuine zero stays fine


# ---------------------------------------------------------------------- item 8: number policy
def test_certificates_refuse_float_inputs_and_read_float_parameters_exactly():
    g = la_type1(["relu"], alpha=[1], W1=[[0, 1]], W2=[[1]])
    with pytest.raises(NumberTypeError):
        ridge_jump(g, [0, 1.0], 0, [Fraction(1, 3), 0])
    with pytest.raises(NumberTypeError):
        ridge_jump(g, [0, 1], 0.0, [Fraction(1, 3), 0])
    f = fixed_type1("relu", [[0.1]], [[1.0]])
    P = exact_params(f)
    assert P["W1"][0, 0] == sp.Rational(3602879701896397, 36028797018963968)  # the binary value of 0.1


# ---------------------------------------------------------------------- item 9: bounded CLI numbers
@pytest.mark.parametrize("argv", [
    ["ffn", "certify", "T", "--lam", "1e999999999"],
    ["ffn", "certify", "T", "--lam", "-1"],
    ["ffn", "sweep", "T", "--widths", "100000", "-q"],
])
def test_bad_cli_numbers_fail_fast_with_one_line(argv):
    r, dt = _cli(*argv, timeout=30)
    assert r.returncode == 2 and dt < 10, (r.returncode, dt)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("expressivity: error:") and len(lines[0]) < 300, r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("argv", [
    ["ffn", "certify", "T", "--lam", "1e4000"],
    ["ffn", "certify", "T", "--lam", "0"],
    ["ffn", "witness", "T", "--lam", "1/10000000"],
    ["ffn", "certify", "T", "--lam", "1/" + "3" * 40],
    ["ffn", "sweep", "T", "--lam", "1e-999999999", "-q"],
    ["ffn", "sweep", "T", "--widths", "1,x", "-q"],
    ["ffn", "sweep", "T", "--max-memory-gb", "nan", "-q"],
])
def test_bad_cli_numbers_in_process(argv, capsys):
    from expressivity.cli import main

    t0 = time.monotonic()
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - t0 < 10
    assert len(err.strip().splitlines()) == 1 and len(err) < 300, err


def test_certificate_json_on_stdout_parses():
    for name in ("T3", "f1"):
        r, _ = _cli("ffn", "certify", name, *(["--width", "3"] if name == "f1" else []), "--json")
        data = json.loads(r.stdout)
        assert data["method"] in ("exact", "interval") and data["kind"] in ("gap", "non_representability")


@pytest.mark.parametrize("name", WITNESS_NAMES)
def test_every_witness_certificate_json(name, capsys):
    from expressivity.cli import main

    kw = {"f1": ["--width", "3"], "f2": ["--width", "3"]}.get(name, [])
    main(["ffn", "certify", name, *kw, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["method"] in ("exact", "interval") and data["kind"] in ("gap", "non_representability")
    assert (data["enclosure"] is not None) == (data["method"] == "interval")
