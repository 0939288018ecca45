"""The standalone checker on MAX_n certificates and infeasibility certificates (subprocess + API).

Oracles: the published MAX6 identity (R+26 Sec. 4), the stored MAX7/MAX8 certificates (also
checked by the toolkit's n!-enumeration in test_certificates.py), R+26 Cor. 4.3 for the
infeasibility files; random tampering must be rejected.
"""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from expressivity.proofs import certificate_check as cc

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "expressivity" / "relu" / "data"
STORED = sorted(DATA.glob("max*_certificate.json"))


def _size(path: Path) -> int:
    return int(path.name[3:].split("_")[0])


# n >= 9: about 20 s of checker time (more on a loaded machine), so marked slow
STORED_PARAMS = [pytest.param(p, marks=pytest.mark.slow) if _size(p) >= 9 else p for p in STORED]


def run_checker(path, *extra):
    return subprocess.run([sys.executable, "-m", "proofs.certificate_check", *extra, str(path)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def max6_document():
    T = [([[0, 1], [0, 1]], [[2, 3], [2, 3]], "1/720"), ([[0, 1], [0, 2]], [[0, 3], [4, 5]], "1/360"),
         ([[0, 1], [0, 2]], [[3, 4], [3, 5]], "-1/1440"), ([[0, 1], [2, 3]], [[0, 2], [4, 5]], "-1/360")]
    return {"format": cc.MAX_FORMAT, "n": 6, "terms": [{"A": a, "B": b, "coefficient": c} for a, b, c in T]}


def test_published_max6_accepted():
    rep = cc.check_max_certificate(max6_document())
    assert rep.kind == "certificate" and rep.n == 6 and rep.templates == 4


@pytest.mark.parametrize("path", STORED_PARAMS, ids=lambda p: p.name)
def test_stored_certificates_accepted_by_subprocess(path):
    r = run_checker(path, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["verified"] and doc["kind"] == "certificate" and doc["n"] == _size(path)
    assert doc["k"] == (doc["n"] - 1) // 2


def _tamper(doc, rng):
    """One random change that must break the identity."""
    terms = doc["terms"]
    i = rng.randrange(len(terms))
    kind = rng.choice(["coefficient", "index", "drop", "duplicate", "swap-side-pair"])
    from fractions import Fraction
    if kind == "coefficient":
        c = Fraction(terms[i]["coefficient"])
        terms[i]["coefficient"] = str(c + Fraction(rng.choice([1, -1]), rng.randrange(2, 10**6)))
    elif kind == "index":
        side = rng.choice("AB")
        p = terms[i][side][rng.randrange(len(terms[i][side]))]
        p[rng.randrange(2)] = (p[0] + rng.randrange(1, doc["n"])) % doc["n"]
        if p[0] == p[1]:
            p[1] = (p[1] + 1) % doc["n"]
    elif kind == "drop":
        del terms[i]
    elif kind == "duplicate":
        terms.append(json.loads(json.dumps(terms[i])))
    else:  # move one pair from A to B and back from B to A
        a, b = terms[i]["A"], terms[i]["B"]
        ia, ib = rng.randrange(len(a)), rng.randrange(len(b))
        a[ia], b[ib] = b[ib], a[ia]
    return kind


@pytest.mark.parametrize("seed", range(12))
def test_random_tampering_rejected(seed):
    rng = random.Random(seed)
    srcs = [max6_document()] + [json.loads(p.read_text()) for p in STORED if "max7" in p.name]
    doc = json.loads(json.dumps(rng.choice(srcs)))
    before = json.dumps(doc, sort_keys=True)
    original = json.loads(before)
    kind = _tamper(doc, rng)
    if json.dumps(doc, sort_keys=True) == before:
        pytest.skip("the random change was a no-op")
    try:
        cc.check_max_certificate(doc)
    except cc.CertificateError as exc:
        assert "\n" not in exc.reason
    else:  # only a pair exchange that leaves every template isomorphic to the original may pass
        assert kind == "swap-side-pair" and _same_classes(original, doc), kind


def _same_classes(a, b):
    from expressivity.relu.certificate_canonical import canonical_key

    def keys(d):
        return [(canonical_key([tuple(p) for p in t["A"]], [tuple(p) for p in t["B"]]), t["coefficient"])
                for t in d["terms"]]
    return keys(a) == keys(b)


def test_tampered_file_rejected_by_subprocess(tmp_path):
    doc = max6_document()
    doc["terms"][2]["coefficient"] = "-1/1441"
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    r = run_checker(f)
    assert r.returncode == 1 and r.stdout.startswith("REJECTED:") and len(r.stdout.strip().splitlines()) == 1


@pytest.mark.parametrize("bad,needle", [
    ({"format": cc.MAX_FORMAT, "n": 6, "terms": []}, "non-empty"),
    ({"format": cc.MAX_FORMAT, "n": 99, "terms": [{}]}, "n must be"),
    ({"format": cc.MAX_FORMAT, "n": 6, "terms": [{"A": [[0, 9]], "B": [[0, 1]], "coefficient": "1"}]}, "pair of indices"),
    ({"format": cc.MAX_FORMAT, "n": 6, "terms": [{"A": [[0, 1]], "B": [[0, 1], [2, 3]], "coefficient": "1"}]}, "pairs"),
    ({"format": cc.MAX_FORMAT, "n": 6, "terms": [{"A": [[0, 1]], "B": [[0, 2]], "coefficient": 0.5}]}, "exact number"),
    ({"format": cc.MAX_FORMAT, "n": 6, "terms": [{"A": [[0, 1]], "B": [[0, 2]], "coefficient": "1", "x": 1}]}, "unexpected"),
    ({"format": "something/9", "n": 6}, "format"),
])
def test_malformed_rejected_with_reason(bad, needle):
    with pytest.raises(cc.CertificateError, match=needle):
        cc.check_max_certificate(bad)


def _infeasibility_file(tmp_path, n, k):
    f = tmp_path / f"inf{n}.json"
    r = subprocess.run([sys.executable, "-m", "expressivity", "depth", "certificate-run", "--n", str(n), "--k", str(k),
                        "--space", "all", "--infeasibility-out", str(f), "--json"], capture_output=True, text=True,
                       timeout=300, cwd=ROOT)
    assert r.returncode == 1 and json.loads(r.stdout)["outcome"] == "infeasible", r.stderr
    return f


@pytest.mark.parametrize("n", [5, 6])
def test_infeasibility_certificates_below_minimum_k(tmp_path, n):
    """k = 1 < floor((n-1)/2): R+26 Cor. 4.3 says infeasible; the checker re-enumerates the space itself."""
    f = _infeasibility_file(tmp_path, n, 1)
    r = run_checker(f, "--json")
    assert r.returncode == 0, r.stdout
    doc = json.loads(r.stdout)
    assert doc["kind"] == "infeasible" and doc["templates"] >= 2
    bad = json.loads(f.read_text())
    bad["y_linear"][n - 1] = "0"
    with pytest.raises(cc.CertificateError, match="y . b"):
        cc.check_max_certificate(bad)
    bad = json.loads(f.read_text())
    j = next(i for i, v in enumerate(bad["y_linear"][:-1]) if v != "0")
    bad["y_linear"][j] = str(int(bad["y_linear"][j]) + 1) if "/" not in bad["y_linear"][j] else "1"
    with pytest.raises(cc.CertificateError, match="!= 0 for the template"):
        cc.check_max_certificate(bad)


def test_checker_imports_no_toolkit_code():
    code = ("import sys, proofs.certificate_check as c; c.check_max_certificate(%r); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('expressivity', 'numpy', 'flint')))"
            % (max6_document(),))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr
