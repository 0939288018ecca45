"""Scalable certificate search: combinatorial expansion, canonical forms, modular solve, resumable runs.

Oracles: the n!-enumeration of ``sorted_cone_expansion`` (a second algorithm), brute-force
canonical forms over all relabellings, the standalone checker's own expansion (a third code
path), the published MAX6 certificate, and R+26 Cor. 4.3 (k < floor((n-1)/2) is infeasible).
"""

import itertools
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from expressivity.exceptions import InvalidInputError
from expressivity.relu.certificate_canonical import canonical_key, canonical_template_stream, enumerate_canonical_templates
from expressivity.relu.certificate_expansion import fast_sorted_cone_expansion
from expressivity.relu.certificate_modular import Echelon, rational_reconstruction, sketch_primes
from expressivity.relu.certificate_search import run_certificate_search
from expressivity.relu.certificates import (Certificate, Template, check_certificate, enumerate_templates,
                                            ruess_max6_certificate, sample_templates, sorted_cone_expansion)
from expressivity.proofs.certificate_check import max_template_expansion

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("n,k,count", [(5, 2, 40), (6, 2, 40), (6, 3, 20), (7, 3, 10), (8, 3, 3)])
@pytest.mark.parametrize("diagonal", [False, True])
def test_combinatorial_expansion_equals_enumeration(n, k, count, diagonal):
    for t in sample_templates(n, k, count, seed=n * 10 + k + diagonal, diagonal=diagonal):
        assert fast_sorted_cone_expansion(t, n) == sorted_cone_expansion(t, n), t


@pytest.mark.parametrize("n,k", [(5, 2), (6, 3), (7, 3)])
def test_standalone_checker_expansion_is_a_third_agreeing_implementation(n, k):
    for t in sample_templates(n, k, 8, seed=3, diagonal=True):
        lin, hs = max_template_expansion([tuple(p) for p in t.A], [tuple(p) for p in t.B], n)
        old = sorted_cone_expansion(t, n)
        assert tuple(lin) == old.linear and hs == old.hinges


def _brute_key(A, B):
    verts = sorted({i for p in A + B for i in p})
    best = None
    for perm in itertools.permutations(range(len(verts))):
        lab = dict(zip(verts, perm))
        for X, Y in ((A, B), (B, A)):
            a = tuple(sorted(tuple(sorted((lab[i], lab[j]))) for i, j in X))
            b = tuple(sorted(tuple(sorted((lab[i], lab[j]))) for i, j in Y))
            e = min((a, b), (b, a))
            best = e if best is None or e < best else best
    return best


@pytest.mark.parametrize("n,k", [(5, 2), (6, 2)])
def test_canonical_classes_match_brute_force(n, k):
    ts = enumerate_templates(n, k)
    ours = {}
    brute = {}
    for t in ts:
        ours.setdefault(canonical_key(t.A, t.B), set()).add(t)
        brute.setdefault(_brute_key(list(t.A), list(t.B)), set()).add(t)
    assert set(map(frozenset, ours.values())) == set(map(frozenset, brute.values()))
    assert len(enumerate_canonical_templates(n, k)) == len(brute)


def test_canonical_key_invariant_under_random_relabelling():
    rng = np.random.default_rng(5)
    for t in sample_templates(9, 4, 30, seed=2):
        perm = rng.permutation(12)
        s = Template(tuple((perm[i], perm[j]) for i, j in t.B), tuple((perm[i], perm[j]) for i, j in t.A))
        assert canonical_key(t.A, t.B) == canonical_key(s.A, s.B)
        assert fast_sorted_cone_expansion(Template(*canonical_key(t.A, t.B)), 9) == fast_sorted_cone_expansion(t, 9)


def test_stream_is_reproducible_and_distinct():
    a = list(itertools.islice(canonical_template_stream(8, 3, seed=4, stratified=True), 50))
    b = list(itertools.islice(canonical_template_stream(8, 3, seed=4, stratified=True), 50))
    assert a == b and len({canonical_key(t.A, t.B) for t in a}) == 50


def test_modular_helpers():
    p = sketch_primes(1)[0]
    assert p < 2 ** 21 and all(p % d for d in range(2, 1500))
    for q in (Fraction(-23, 403200), Fraction(7), Fraction(0)):
        m = 1_000_000_007 * 998_244_353
        assert rational_reconstruction(q.numerator * pow(q.denominator, -1, m) % m, m) == q
    e = Echelon(101, 4)
    assert e.add(np.array([1, 2, 3, 4])) and e.add(np.array([0, 1, 0, 0])) and not e.add(np.array([3, 7, 9, 12]))
    assert not e.reduce(np.array([2, 5, 6, 8])).any() and e.reduce(np.array([0, 0, 1, 0])).any()


@pytest.mark.parametrize("n", [5, 6, 7])
def test_search_finds_certificates_checked_by_enumeration(n):
    res = run_certificate_search(n, seed=1)
    assert res.outcome == "certificate"
    assert check_certificate(res.certificate).valid  # n!-enumeration path, not the search's expansion


@pytest.mark.parametrize("n,k", [(5, 1), (6, 1), (7, 2)])
def test_infeasibility_below_minimum_k_reproduces_cor_4_3(n, k):
    """R+26 Cor. 4.3: k < floor((n-1)/2) admits no certificate; our exact y must prove it."""
    assert k < (n - 1) // 2
    res = run_certificate_search(n, k, space="all")
    assert res.outcome == "infeasible"
    inf = res.infeasibility
    ylin = [Fraction(v) for v in inf["y_linear"]]
    yh = {tuple(key): Fraction(v) for key, v in inf["y_hinges"]}
    assert ylin[n - 1] != 0
    # independent re-check: the older (first-appearance) enumerator and the n! expansion
    for t in enumerate_templates(n, k):
        e = sorted_cone_expansion(t, n)
        assert sum(a * b for a, b in zip(ylin, e.linear)) + sum(yh.get(h, 0) * v for h, v in e.hinges.items()) == 0


def test_interrupted_run_resumes_to_the_same_result(tmp_path):
    full = run_certificate_search(7, seed=2, batch=40)
    ck = tmp_path / "ck.json"
    part = run_certificate_search(7, seed=2, batch=40, checkpoint=ck, max_batches=2)
    assert part.outcome == "partial" and part.templates_drawn == 80
    saved = json.loads(ck.read_text())
    assert saved["drawn"] == 80 and saved["status"] == "partial"
    rest = run_certificate_search(7, seed=2, batch=40, checkpoint=ck, resume=True)
    assert rest.outcome == full.outcome == "certificate"
    assert rest.templates_drawn == full.templates_drawn and rest.templates_kept == full.templates_kept
    assert rest.certificate == full.certificate
    with pytest.raises(InvalidInputError):  # a different configuration refuses the checkpoint
        run_certificate_search(7, seed=3, batch=40, checkpoint=ck, resume=True)


def _cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "expressivity", "depth", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def test_cli_certificate_run_json_and_standalone_check(tmp_path):
    out = tmp_path / "max6.json"
    r = _cli("certificate-run", "--n", "6", "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["outcome"] == "certificate" and doc["certificate"]["n"] == 6
    chk = subprocess.run([sys.executable, "-m", "proofs.certificate_check", "--json", str(out)], capture_output=True,
                         text=True, timeout=60, cwd=ROOT)
    assert chk.returncode == 0 and json.loads(chk.stdout)["kind"] == "certificate"


def test_cli_partial_and_errors(tmp_path):
    ck = tmp_path / "ck.json"
    r = _cli("certificate-run", "--n", "7", "--batch", "10", "--max-batches", "1", "--checkpoint", str(ck))
    assert r.returncode == 3 and "PARTIAL" in r.stdout and ck.exists()
    r = _cli("certificate-run", "--n", "7", "--batch", "10", "--checkpoint", str(ck), "--resume", "--seed", "5")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "configuration" in r.stderr
    r = _cli("certificate-run", "--n", "2")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = _cli("certificate-run", "--n", "9", "--k", "4", "--space", "all")
    assert r.returncode == 2 and "max_templates" in r.stderr


def test_published_max6_is_in_the_span_found_by_the_search():
    """The published identity must be reproduced by the exact solver when its own templates are offered."""
    from expressivity.relu.certificate_modular import solve_by_primes
    from expressivity.relu.certificate_search import _State

    st = _State(6, 64)
    exps = []
    for t, _ in ruess_max6_certificate().terms:
        exps.append(fast_sorted_cone_expansion(t, 6))
        assert st.offer(t, exps[-1])
    assert st.target_in_span()
    lam = solve_by_primes(exps, 6, list(st.ech.pivots), st.r, sketch_primes(8)[1:], sketch_prime=st.p)
    assert Certificate(6, tuple(zip(st.kept, lam))) == ruess_max6_certificate()
