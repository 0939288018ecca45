"""Scale-invariant membership test (check-point), float and exact, at scales 1e-6 .. 1e6.

Oracles: model points built from random weights (on the variety by construction), random
symmetric tensors (off it with probability one), and 1e-6-relative perturbations of model points.
"""

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from expressivity.attention import (
    check_point,
    point_from_dict,
    point_to_dict,
    symmetrize3,
)

SCALES = (1e-6, 1e-3, 1.0, 1e3, 1e6)
SHAPES = [(3, 2, 2, 1), (3, 3, 2, 1), (3, 1, 2, 1), (3, 3, 2, 2), (3, 1, 1, 1), (3, 2, 1, 1)]


def _model(rng, d, a, t, dp, scale):
    c = scale ** (1 / 3)  # the coefficients are trilinear in (V, Q, K)
    V, Q, K = (rng.standard_normal(s) * c for s in ((dp, d), (a, d), (a, d)))
    obj = point_to_dict(V, Q.T @ K, t=t, a=a)
    if t == 1:
        del obj["cross"]
    return obj


def _replace(obj, X):
    """The point with main tensor X (cross for t >= 2, pure for t = 1), kept linearly consistent."""
    out = dict(obj)
    if "cross" in obj:
        X = (X + X.transpose(0, 2, 1, 3)) / 2
        out["cross"] = X.tolist()
    out["pure"] = symmetrize3(X).tolist()
    return out


@pytest.mark.parametrize("d,a,t,dp", SHAPES)
def test_float_membership_is_scale_invariant(d, a, t, dp):
    rng = np.random.default_rng(d * 1000 + a * 100 + t * 10 + dp)
    for scale in SCALES:
        obj = _model(rng, d, a, t, dp, scale)
        key = "cross" if t >= 2 else "pure"
        X = np.array(obj[key])
        rep = check_point(point_from_dict(obj))
        assert rep.consistent, (scale, rep.failing_families)
        noise = 1e-6 * np.max(np.abs(X)) * rng.standard_normal(X.shape)
        rep = check_point(point_from_dict(_replace(obj, X + noise)))
        assert not rep.consistent, ("perturbation accepted", scale)
        rep = check_point(point_from_dict(_replace(obj, scale * rng.standard_normal(X.shape))))
        assert not rep.consistent, ("random point accepted", scale)


def test_residual_is_the_same_at_every_scale():
    rng = np.random.default_rng(7)
    obj = _model(rng, 3, 2, 2, 1, 1.0)
    X = np.array(obj["cross"]) + 1e-5 * rng.standard_normal((1, 3, 3, 3))
    res = []
    for scale in SCALES:
        rep = check_point(point_from_dict(_replace(obj, X * scale)))
        res.append({v.family: v.max_value for v in rep.verdicts})
    for r in res[1:]:
        for fam, val in r.items():
            assert val == pytest.approx(res[0][fam], rel=1e-6, abs=1e-15)


def test_exact_points_at_tiny_and_huge_scales():
    rng = np.random.default_rng(3)
    V = np.array([[Fraction(int(x)) for x in rng.integers(-5, 6, 3)]], dtype=object)
    A = np.array([[Fraction(int(x)) for x in r] for r in rng.integers(-5, 6, (3, 3))], dtype=object)
    for s in (Fraction(1, 10 ** 6), Fraction(10 ** 6)):
        obj = point_to_dict(V * s, A, t=2, a=3)
        assert check_point(point_from_dict(obj)).consistent
        obj["cross"][0][0][1][2] = obj["cross"][0][1][0][2] = str(Fraction(obj["cross"][0][0][1][2]) * (1 + Fraction(1, 10 ** 6)))
        obj = {**obj, "pure": symmetrize3(np.vectorize(Fraction, otypes=[object])(np.array(obj["cross"]))).astype(str).tolist()}
        assert not check_point(point_from_dict(obj)).consistent


def test_cli_tiny_random_point_rejected_and_tiny_model_accepted(tmp_path):
    # the old test divided by max(1, max|T|): entries ~1e-4 passed every family
    rng = np.random.default_rng(11)
    obj = _model(rng, 3, 2, 2, 1, 1e-4)
    f = tmp_path / "model.json"
    f.write_text(json.dumps(obj))
    r = subprocess.run([sys.executable, "-m", "expressivity", "invariants", "check-point", str(f), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["consistent"] and "scale-invariant" in rep["tolerance_model"]
    g = tmp_path / "random.json"
    g.write_text(json.dumps(_replace(obj, 1e-4 * rng.standard_normal((1, 3, 3, 3)))))
    r = subprocess.run([sys.executable, "-m", "expressivity", "invariants", "check-point", str(g)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "failing" in r.stdout
