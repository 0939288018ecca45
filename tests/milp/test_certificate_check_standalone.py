"""The standalone certificate checker (``python -m proofs.certificate_check``) at its boundary.

Certificates are produced by the library (``certify_hbdss``), accepted, then mutated: every
mutation must be REJECTED with a one-line reason, quickly; I/O problems give exit status 2; the
checker runs in a bare venv without the project's dependencies.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

from expressivity.exceptions import CertificateError as ToolkitCertificateError
from expressivity.milp import certify_hbdss
from expressivity.proofs.certificate_check import (MAX_DIGITS, CertificateError, CertificateReadError, check_certificate,
                                      load_certificate, parse_exact_number)

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("certs")
    return {n: certify_hbdss(n).write(d / f"c{n}.json") for n in (3, 4)}


@pytest.fixture
def cert4(files):
    return json.loads(files[4].read_text())


def _leaves(tree):
    stack = [tree]
    while stack:
        node = stack.pop()
        if "ray" in node:
            stack += [node["one"], node["zero"]]
        else:
            yield node


def _branches(tree):
    stack = [tree]
    while stack:
        node = stack.pop()
        if "ray" in node:
            yield node
            stack += [node["one"], node["zero"]]


def _leaf_with(obj, part):
    return next(l for l in _leaves(obj["proofs"]["max"]["tree"]) if l.get(part))


def _run_checker(*args, cwd=REPO, python=sys.executable, env=None):
    t0 = time.perf_counter()
    res = subprocess.run([python, "-m", "proofs.certificate_check", *map(str, args)], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=TIMEOUT)
    return res, time.perf_counter() - t0


def _rejects(obj, match):
    """The checker rejects ``obj`` with a one-line reason matching ``match``."""
    t0 = time.perf_counter()
    with pytest.raises(CertificateError, match=match) as info:
        check_certificate(obj)
    assert time.perf_counter() - t0 < 10
    assert "\n" not in str(info.value) and len(str(info.value)) < 400
    return info.value


# ----------------------------------------------------------------------------- accepted
def test_library_certificates_are_accepted(files):
    rep4 = check_certificate(files[4])
    assert rep4.optimum_zero and rep4.max_phi == "<= 0" and rep4.min_phi == ">= 0" and rep4.leaves["max"] > 100
    rep3 = check_certificate(files[3])  # n = 3: exact witnesses of both signs
    assert not rep3.optimum_zero and rep3.max_phi.startswith("> 0") and rep3.min_phi.startswith("< 0")


def test_accepted_on_the_command_line(files):
    res, secs = _run_checker(files[4])
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("VERIFIED") and "optimum is exactly 0" in res.stdout
    assert res.stderr == ""  # a quick check prints no progress
    res, _ = _run_checker("--json", files[3])
    rep = json.loads(res.stdout)
    assert res.returncode == 0 and rep["status"] == "accepted" and rep["verified"] is True and rep["n"] == 3


# ----------------------------------------------------------------------------- item 1: ray keys
def test_mu_split_across_spellings_of_one_ray_is_rejected(cert4):
    # the exploit: mu_24 = 2 written as {"24": "1", "024": "1"} passed the per-key bound
    obj = copy.deepcopy(cert4)
    leaf = _leaf_with(obj, "mu")
    r = next(iter(leaf["mu"]))
    leaf["mu"] = {r: "1", "0" + r: "1"}
    _rejects(obj, "canonical decimal")


def test_value_preserving_split_is_rejected_too(cert4):
    # even a split whose sum is the original multiplier (the identity holds) is refused: one ray, one key
    obj = copy.deepcopy(cert4)
    leaf = _leaf_with(obj, "mu")
    r, v = next(iter(leaf["mu"].items()))
    half = Fraction(v) / 2
    leaf["mu"] = {r: str(half), "0" + r: str(half)}
    _rejects(obj, "canonical decimal")


@pytest.mark.parametrize("spell", ["0{r}", "+{r}", " {r}", "{r} ", "{r}.0", "-{r}", "\uff10{r}", "{r}\n", "", "0x{r}"])
def test_non_canonical_ray_keys_are_rejected(cert4, spell):
    for part in ("lam", "nu", "mu"):
        obj = copy.deepcopy(cert4)
        leaf = _leaf_with(obj, part)
        r, v = next(iter(leaf[part].items()))
        del leaf[part][r]
        leaf[part][spell.format(r=r)] = v
        _rejects(obj, "canonical decimal")


def test_fullwidth_digits_are_not_digits(cert4):
    # int() accepts '２４' (U+FF12 U+FF14); the checker must not
    obj = copy.deepcopy(cert4)
    leaf = _leaf_with(obj, "lam")
    r, v = next(iter(leaf["lam"].items()))
    del leaf["lam"][r]
    leaf["lam"]["".join(chr(0xFF10 + int(c)) for c in r)] = v
    _rejects(obj, "canonical decimal")


def test_ray_key_out_of_range_or_not_allowed(cert4):
    obj = copy.deepcopy(cert4)
    leaf = _leaf_with(obj, "lam")
    leaf["lam"]["30"] = "1"  # n = 4 has rays 0..29
    _rejects(obj, "not a ray index 0..29")
    obj = copy.deepcopy(cert4)
    leaf = _leaf_with(obj, "mu")
    r = next(iter(leaf["mu"]))
    leaf["mu"]["0"] = leaf["mu"].pop(r)  # a ray that is not free at this leaf
    _rejects(obj, "allowed set|Farkas")


def test_mu_above_one_on_one_key_is_rejected(cert4):
    obj = copy.deepcopy(cert4)
    leaf = _leaf_with(obj, "mu")
    leaf["mu"][next(iter(leaf["mu"]))] = "2"
    _rejects(obj, r"outside its range \(\[0, 1\]\)")


# ----------------------------------------------------------------------------- item 1: duplicate keys
def _with_raw(obj, holder_path, raw):
    """JSON text of ``obj`` where the object at ``holder_path`` is replaced by the raw text ``raw``."""
    target = obj
    for k in holder_path[:-1]:
        target = target[k]
    target[holder_path[-1]] = "@@RAW@@"
    return json.dumps(obj).replace('"@@RAW@@"', raw)


def test_duplicate_json_keys_are_rejected(cert4, tmp_path):
    obj = copy.deepcopy(cert4)
    leaf = _leaf_with(obj, "mu")
    r = next(iter(leaf["mu"]))
    leaf["mu"] = "@@RAW@@"
    text = json.dumps(obj).replace('"@@RAW@@"', f'{{"{r}": "1", "{r}": "1"}}')
    path = tmp_path / "dup.json"
    path.write_text(text)
    with pytest.raises(CertificateError, match=f"duplicate key '{r}'"):
        check_certificate(path)
    dup_n = json.dumps(cert4).replace('"n": 4', '"n": 4, "n": 5', 1)
    path.write_text(dup_n)
    with pytest.raises(CertificateError, match="duplicate key 'n'"):
        check_certificate(path)
    res, _ = _run_checker(path)
    assert res.returncode == 1 and res.stdout.count("\n") == 1 and "REJECTED" in res.stdout


# ----------------------------------------------------------------------------- item 1: numbers
@pytest.mark.parametrize("bad", ["2/4", "3/1", "0/1", "0/5", "1.0", "01", "-0", "+1", " 1", "1 ", "1e0", "1/-2",
                                 "-1/-2", "1/0", "0.5", "½", "\uff11", "1_000", "0x10", "inf", "nan", ""])
def test_non_canonical_numbers_are_rejected(bad):
    with pytest.raises(CertificateError, match="canonical form|reduced fraction"):
        parse_exact_number(bad, "x")


@pytest.mark.parametrize("good, value", [("0", 0), ("7", 7), ("-12", -12), ("3/4", Fraction(3, 4)),
                                         ("-5/12", Fraction(-5, 12))])
def test_canonical_numbers_are_accepted(good, value):
    assert parse_exact_number(good, "x") == value


def test_every_number_the_writer_emits_is_canonical(cert4):
    # the writer's output is exactly str(Fraction): the accepted form is its image
    nums = [v for leaf in _leaves(cert4["proofs"]["max"]["tree"]) for part in leaf.values() for v in part.values()]
    nums += [v for row in cert4["flip_matrix"] for v in row]
    assert nums and all(str(parse_exact_number(v, "x")) == v for v in nums)


@pytest.mark.parametrize("where", ["lam", "flip", "witness"])
@pytest.mark.parametrize("bad", ["2/4", "1.0", "01", "+1"])
def test_non_canonical_numbers_rejected_in_every_field(cert4, files, where, bad):
    if where == "witness":
        obj = json.loads(files[3].read_text())
        obj["proofs"]["max"]["witness"]["a"][0] = bad
    elif where == "flip":
        obj = copy.deepcopy(cert4)
        obj["flip_matrix"][4][4] = bad  # was "1"
    else:
        obj = copy.deepcopy(cert4)
        leaf = _leaf_with(obj, "lam")
        leaf["lam"][next(iter(leaf["lam"]))] = bad
    _rejects(obj, "canonical form|reduced fraction")


def test_huge_numbers_are_refused_fast(cert4, tmp_path):
    huge = [("1" + "0" * 100_000), "1e999999999", "1" * (MAX_DIGITS + 1), "1/" + "3" * (MAX_DIGITS + 1),
            "9" * 5000 + "/7"]
    for v in huge:
        obj = copy.deepcopy(cert4)
        leaf = _leaf_with(obj, "lam")
        leaf["lam"][next(iter(leaf["lam"]))] = v
        err = _rejects(obj, "characters|digits|canonical form")
        assert len(str(err)) < 300  # the number is not echoed back
    # bare JSON numbers in the file: a 100 000-digit integer and 1e999999999
    for raw in ("1" * 100_000, "1e999999999", "-0"):
        obj = copy.deepcopy(cert4)
        text = _with_raw(obj, ["proofs", "max", "tree", "ray"], raw)
        path = tmp_path / "huge.json"
        path.write_text(text)
        res, secs = _run_checker(path)
        assert res.returncode == 1 and secs < 10, res.stdout + res.stderr
        assert res.stdout.startswith("REJECTED") and res.stdout.count("\n") == 1 and len(res.stdout) < 300


# ----------------------------------------------------------------------------- item 1: types and fields
def _mutations(cert4, cert3):
    def leaf(o, part="lam"):
        return _leaf_with(o, part)

    def first_key(d):
        return next(iter(d))

    def branch(o):
        return next(_branches(o["proofs"]["max"]["tree"]))

    def orbit_branch(o):
        return next(b for b in _branches(o["proofs"]["max"]["tree"]) if b.get("orbit"))

    return [
        # wrong types
        ("multiplier as JSON integer", lambda o: leaf(o)["lam"].__setitem__(first_key(leaf(o)["lam"]), 1), "not an exact number"),
        ("multiplier as float", lambda o: leaf(o)["lam"].__setitem__(first_key(leaf(o)["lam"]), 0.5), "not an exact number"),
        ("multiplier null", lambda o: leaf(o)["lam"].__setitem__(first_key(leaf(o)["lam"]), None), "not an exact number"),
        ("multiplier true", lambda o: leaf(o)["lam"].__setitem__(first_key(leaf(o)["lam"]), True), "not an exact number"),
        ("multiplier list", lambda o: leaf(o)["lam"].__setitem__(first_key(leaf(o)["lam"]), ["1"]), "not an exact number"),
        ("lam as list", lambda o: leaf(o).__setitem__("lam", [1]), "must be an object"),
        ("ray as string", lambda o: branch(o).__setitem__("ray", str(branch(o)["ray"])), "not a ray index"),
        ("ray as float", lambda o: branch(o).__setitem__("ray", float(branch(o)["ray"])), "not a ray index"),
        ("ray as bool", lambda o: branch(o).__setitem__("ray", True), "not a ray index"),
        ("orbit member as string", lambda o: orbit_branch(o)["orbit"].__setitem__(0, str(orbit_branch(o)["orbit"][0])), "orbit member"),
        ("maps as float", lambda o: orbit_branch(o)["maps"].__setitem__(0, float(orbit_branch(o)["maps"][0])), "symmetry index"),
        ("n as string", lambda o: o.__setitem__("n", "4"), "n must be"),
        ("n as float", lambda o: o.__setitem__("n", 4.0), "n must be"),
        ("perm with floats", lambda o: o["symmetries"][0].__setitem__("perm", [float(p) for p in o["symmetries"][0]["perm"]]), "not a permutation"),
        ("perm with strings", lambda o: o["symmetries"][0].__setitem__("perm", ["1", 2, 3, 4]), "not a permutation"),
        ("flip as string", lambda o: o["symmetries"][0].__setitem__("flip", "false"), "flip must be"),
        ("rays with bools", lambda o: o["rays"].__setitem__(1, [True]), "rays differ"),
        ("proofs as list", lambda o: o.__setitem__("proofs", []), "'proofs' must have"),
        ("tree node as list", lambda o: o["proofs"]["max"].__setitem__("tree", []), "node must be an object"),
        ("child as string", lambda o: branch(o).__setitem__("one", "leaf"), "node must be an object"),
        ("flip_matrix ragged", lambda o: o["flip_matrix"][3].pop(), "flip_matrix must be"),
        ("by_flip as 1", lambda o: o["proofs"].__setitem__("min", {"by_flip": 1}), "by_flip must be true"),
        ("symmetries as object", lambda o: o.__setitem__("symmetries", {"perm": [1]}), "symmetries"),
        ("top level list", lambda o: None, None),
        # missing and unexpected fields
        ("no format", lambda o: o.pop("format"), "format must be"),
        ("no n", lambda o: o.pop("n"), "n must be"),
        ("no proofs", lambda o: o.pop("proofs"), "'proofs' must have"),
        ("no min", lambda o: o["proofs"].pop("min"), "directions"),
        ("branch without zero", lambda o: branch(o).pop("zero"), "children 'one' and 'zero'"),
        ("orbit without maps", lambda o: orbit_branch(o).pop("maps"), "go together"),
        ("symmetry without flip", lambda o: o["symmetries"][0].pop("flip"), "needs 'perm'"),
        ("unknown key in a leaf", lambda o: leaf(o).__setitem__("lambda", {}), "unexpected key"),
        ("unknown key in a branch", lambda o: branch(o).__setitem__("lam", {}), "unexpected key"),
        ("unknown proof kind", lambda o: o["proofs"].__setitem__("max", {"guess": 1}), "unknown proof kind"),
        ("two proof kinds", lambda o: o["proofs"]["max"].__setitem__("by_flip", True), "must be one of"),
        ("orbit member listed twice", lambda o: (orbit_branch(o)["orbit"].append(orbit_branch(o)["orbit"][0]),
                                                 orbit_branch(o)["maps"].append(orbit_branch(o)["maps"][0])), "listed twice"),
    ]


def test_wrong_types_and_missing_fields_are_rejected(cert4, files):
    cert3 = json.loads(files[3].read_text())
    for name, mutate, match in _mutations(cert4, cert3):
        obj = copy.deepcopy(cert4)
        if match is None:
            obj, match = [obj], "top level must be a JSON object"
        else:
            mutate(obj)
        try:
            _rejects(obj, match)
        except BaseException as exc:  # name the mutation in the failure
            raise AssertionError(f"mutation {name!r}: {exc!r}") from exc
    obj = copy.deepcopy(cert3)
    obj["proofs"]["max"]["witness"].pop("a")
    _rejects(obj, "witness needs 'a'")
    obj = copy.deepcopy(cert3)
    obj["proofs"]["max"]["witness"]["note"] = "x"
    _rejects(obj, "unexpected key")


def test_shared_subtrees_in_a_python_object_are_rejected(cert4):
    # JSON cannot share nodes; a Python object could describe 2^depth paths with a few nodes
    obj = copy.deepcopy(cert4)
    root = obj["proofs"]["max"]["tree"]
    root["zero"] = root["one"]
    _rejects(obj, "occurs twice|fixed|identity|orbit|undetermined|allowed")


# ----------------------------------------------------------------------------- item 1: broken files
def _file_cases(text4: str):
    return {
        "truncated": (text4[: len(text4) // 2], "not valid JSON"),
        "empty": ("", "not valid JSON"),
        "ascii control garbage": ("\x00\x01\x02garbage\x7f", "not valid JSON"),
        "deep list nesting": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        "deep object nesting": ('{"a":' * 5_000 + "1" + "}" * 5_000, "nested too deeply"),
        "NaN": (text4.replace('"n":4', '"n":NaN', 1), "NaN is not JSON"),
        "two documents": (text4 + text4, "not valid JSON"),
        "BOM": ("\ufeff" + text4, "not valid JSON"),
    }


@pytest.mark.parametrize("case", list(_file_cases("{}")))
def test_broken_files_are_rejected_as_subprocess(files, tmp_path, case):
    text4 = files[4].read_text()
    assert '"n":4' in text4  # the writer's compact separators, used by the NaN case
    content, match = _file_cases(text4)[case]
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    res, secs = _run_checker(path)
    assert res.returncode == 1, res.stdout + res.stderr
    assert secs < 10
    assert res.stdout.startswith("REJECTED") and match in res.stdout and res.stdout.count("\n") == 1
    assert "Traceback" not in res.stderr


# ----------------------------------------------------------------------------- item 3: exit status 2
def _assert_usage_error(res, match):
    assert res.returncode == 2, res.stdout + res.stderr
    assert res.stdout == ""
    assert match in res.stderr and "Traceback" not in res.stderr
    assert res.stderr.strip().count("\n") == 0  # one line


def test_io_errors_exit_2(tmp_path, files):
    _assert_usage_error(_run_checker(tmp_path / "missing.json")[0], "No such file or directory")
    _assert_usage_error(_run_checker(tmp_path)[0], "is a directory")
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(128, 256)) * 50)
    _assert_usage_error(_run_checker(garbage)[0], "not UTF-8")
    _assert_usage_error(_run_checker("--max-mb", "0.001", files[4])[0], "raise it with --max-mb")
    _assert_usage_error(_run_checker("--max-mb", "-1", files[4])[0], "--max-mb must be positive")
    _assert_usage_error(_run_checker("--progress-every", "nan", files[4])[0], "--progress-every non-negative")


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="POSIX special files")
def test_special_files_do_not_hang(tmp_path):
    # a FIFO without writer blocks a read forever; /dev/zero never ends: refused before reading
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        res, secs = _run_checker(path)
        _assert_usage_error(res, "not a regular file")
        assert secs < 10


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files without permission")
def test_unreadable_file_exit_2(tmp_path, files):
    path = tmp_path / "locked.json"
    path.write_text(files[4].read_text())
    path.chmod(0)
    try:
        _assert_usage_error(_run_checker(path)[0], "Permission denied")
    finally:
        path.chmod(0o600)


def test_io_errors_in_the_api(tmp_path):
    with pytest.raises(CertificateReadError, match="No such file"):
        load_certificate(tmp_path / "missing.json")
    with pytest.raises(CertificateReadError, match="directory"):
        check_certificate(tmp_path)
    (tmp_path / "latin1.json").write_bytes('{"n": "\xe9"}'.encode("latin-1"))
    with pytest.raises(CertificateReadError, match="not UTF-8"):
        check_certificate(tmp_path / "latin1.json")


def test_usage_and_help():
    res, _ = _run_checker()
    assert res.returncode == 2 and "usage:" in res.stderr and res.stdout == ""
    res, _ = _run_checker("--help")
    assert res.returncode == 0
    for text in ("exit status", "0 ACCEPTED", "1 REJECTED", "2 usage or I/O error", "--quiet", "--json"):
        assert text in res.stdout


def test_json_verdicts_only_on_stdout(files, tmp_path):
    res, _ = _run_checker("--json", "--progress-every", "0", files[4])
    assert res.returncode == 0 and json.loads(res.stdout)["optimum_zero"] is True
    obj = json.loads(files[4].read_text())
    _leaf_with(obj, "lam")["lam"][next(iter(_leaf_with(obj, "lam")["lam"]))] = "2/4"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(obj))
    res, _ = _run_checker("--json", bad)
    rep = json.loads(res.stdout)
    assert res.returncode == 1 and rep["status"] == "rejected" and "reduced fraction" in rep["reason"]
    res, _ = _run_checker("--json", tmp_path / "missing.json")
    rep = json.loads(res.stdout)
    assert res.returncode == 2 and rep["status"] == "error" and "No such file" in res.stderr


def test_errors_are_also_the_toolkit_exceptions(cert4, tmp_path):
    # the checker never imports the toolkit, but once the toolkit is loaded its errors derive from the
    # toolkit's classes, so `except expressivity.exceptions.CertificateError` keeps working
    from expressivity.exceptions import InvalidInputError

    obj = copy.deepcopy(cert4)
    obj["format"] = "x"
    with pytest.raises(ToolkitCertificateError):
        check_certificate(obj)
    with pytest.raises(InvalidInputError):
        check_certificate(tmp_path / "missing.json")


# ----------------------------------------------------------------------------- item 2: standard library only
def test_importing_the_checker_loads_only_the_standard_library():
    code = ("import sys, proofs.certificate_check; "
            "extra = sorted(m for m in sys.modules if m.split('.')[0] not in sys.stdlib_module_names "
            "and m.split('.')[0] not in ('proofs', '__main__')); print(extra)")
    res = subprocess.run([sys.executable, "-S", "-E", "-c", code], cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_lazy_proofs_package_still_exports_the_registry():
    from expressivity import proofs
    import expressivity.proofs.registry as registry

    assert proofs.Outcome is registry.Outcome and proofs.all_claims is registry.all_claims
    assert set(proofs.__all__) <= set(dir(proofs))
    with pytest.raises(AttributeError):
        proofs.no_such_name  # noqa: B018


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """A venv without pip and without the project's dependencies."""
    d = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(d)], check=True, timeout=120,
                   capture_output=True)
    py = d / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    probe = subprocess.run([str(py), "-c", "import numpy"], cwd=REPO, env=env, capture_output=True, text=True)
    assert probe.returncode != 0, "the bare venv sees numpy: the test would prove nothing"
    # `import expressivity` itself is light (lazy re-exports); anything that computes needs numpy
    probe = subprocess.run([str(py), "-c", "from expressivity import ReLUNetwork"], cwd=REPO, env=env,
                           capture_output=True, text=True)
    assert probe.returncode != 0 and "ModuleNotFoundError" in probe.stderr
    return py, env


def test_runs_in_a_bare_venv(bare_python, files, tmp_path):
    py, env = bare_python
    res, _ = _run_checker(files[4], python=py, env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("VERIFIED") and res.stderr == ""
    obj = json.loads(files[4].read_text())
    leaf = _leaf_with(obj, "mu")
    r = next(iter(leaf["mu"]))
    leaf["mu"] = {r: "1", "0" + r: "1"}
    bad = tmp_path / "split.json"
    bad.write_text(json.dumps(obj))
    res, _ = _run_checker(bad, python=py, env=env)
    assert res.returncode == 1 and res.stdout.startswith("REJECTED") and "canonical decimal" in res.stdout
    res, _ = _run_checker(tmp_path / "missing.json", python=py, env=env)
    assert res.returncode == 2 and "No such file" in res.stderr


# ----------------------------------------------------------------------------- item 4: progress
def test_progress_lines_go_to_stderr_with_a_measured_eta(files):
    res, _ = _run_checker("--progress-every", "0", files[4])
    assert res.returncode == 0 and res.stdout.startswith("VERIFIED")
    lines = res.stderr.splitlines()
    assert len(lines) > 10 and all(l.startswith("checked ") for l in lines)
    assert "/146 leaves" in lines[0] and " eta " in lines[0]
    assert lines[-1].startswith("checked 146/146 leaves in ")
    res, _ = _run_checker("--progress-every", "0", "--quiet", files[4])
    assert res.returncode == 0 and res.stderr == ""


def test_progress_in_the_api(files):
    import io

    buf = io.StringIO()
    check_certificate(files[4], progress=buf, progress_every=0)
    assert "checked 146/146 leaves in" in buf.getvalue()
    buf = io.StringIO()
    check_certificate(files[4], progress=buf)  # well under 2 s: silent
    assert buf.getvalue() == ""


@pytest.mark.slow
def test_n5_certificate_checks_with_progress(tmp_path):
    # 40-100 s to certify on 2 shared cores; the check takes ~2 s of CPU (57 s with the former Fraction loop)
    path = certify_hbdss(5).write(tmp_path / "c5.json")
    res, secs = _run_checker("--progress-every", "0.5", path)
    assert res.returncode == 0 and "optimum is exactly 0" in res.stdout
    assert "/33134 leaves" in res.stderr or "leaves in" in res.stderr
