"""Claim registry and command line, exercised in-process and once through the console script."""

import json
import subprocess
import sys

import pytest

from expressivity.cli import main
from expressivity.exceptions import ClaimError, UnknownNameError
from expressivity.proofs.registry import METHODS, Outcome, all_claims, claim, run_claim, select_claims
from expressivity.proofs import registry


def test_every_claim_is_well_formed():
    claims = all_claims()
    assert len(claims) >= 3
    for c in claims:
        assert c.method in METHODS
        assert "." in c.id and c.statement and c.source


def test_select_by_prefix_glob_and_unknown():
    ids = [c.id for c in select_claims(["relu.braid"])]
    assert ids and all(i.startswith("relu.braid.") for i in ids)
    assert [c.id for c in select_claims(["relu.*.phi_separates_max5"])] == ["relu.braid.phi_separates_max5"]
    with pytest.raises(UnknownNameError, match="no claim matches"):
        select_claims(["no.such.claim"])


def test_verdicts_for_refuted_and_crashing_checks():
    @claim("test.registry.false_statement", statement="1 = 2", source="none", method="exact")
    def _false(full):
        return Outcome(1 == 2, "integers differ")

    @claim("test.registry.crashes", statement="crash", source="none", method="numeric")
    def _crash(full):
        raise ZeroDivisionError("boom")

    try:
        v = run_claim(registry._REGISTRY["test.registry.false_statement"])
        assert v.verdict == "refuted" and not v.ok
        v = run_claim(registry._REGISTRY["test.registry.crashes"])
        assert v.verdict == "error" and "ZeroDivisionError" in v.details
    finally:
        registry._REGISTRY.pop("test.registry.false_statement", None)
        registry._REGISTRY.pop("test.registry.crashes", None)


def test_bad_claim_definitions_are_refused():
    with pytest.raises(ClaimError, match="dotted"):
        claim("NoDots", statement="s", source="s", method="exact")
    with pytest.raises(ClaimError, match="method"):
        claim("a.b", statement="s", source="s", method="proved")


def test_verify_writes_json_and_exit_code(tmp_path, capsys):
    out = tmp_path / "out.json"
    code = main(["verify", "relu.braid", "relu.max_tree", "--json-out", str(out), "-q"])
    assert code == 0
    data = json.loads(out.read_text())
    assert data["summary"]["refuted"] == data["summary"]["error"] == 0
    assert {c["id"] for c in data["claims"]} >= {"relu.braid.phi_separates_max5", "relu.max_tree.log2_hidden_layers"}
    assert all(c["verdict"] == "verified" and c["method"] == "exact" for c in data["claims"])
    table = capsys.readouterr().out
    assert "relu.braid.phi_separates_max5" in table and "verified" in table


def test_verify_exits_nonzero_on_refuted(capsys):
    @claim("test.cli.refuted", statement="false", source="none", method="exact")
    def _false(full):
        return Outcome(False, "deliberately false")

    try:
        assert main(["verify", "test.cli.refuted", "-q"]) == 1
        assert "deliberately false" in capsys.readouterr().out
    finally:
        registry._REGISTRY.pop("test.cli.refuted", None)


def test_unknown_claim_is_a_clean_error(capsys):
    assert main(["verify", "nope.nothing"]) == 2
    assert "no claim matches" in capsys.readouterr().err


def test_list_and_figures(tmp_path, capsys):
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert any(c["id"] == "relu.braid.phi_separates_max5" for c in listed)
    assert main(["figures", "braid_h2", "--out", str(tmp_path)]) == 0
    png = tmp_path / "braid_h2.png"
    assert png.stat().st_size > 1000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["figures", "no_such_figure", "--out", str(tmp_path)]) == 2


def test_console_script_runs():
    proc = subprocess.run([sys.executable, "-m", "expressivity", "verify", "relu.braid.phi_separates_max5", "-q"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1 verified, 0 refuted, 0 errors" in proc.stdout


def test_quick_mode_of_a_claim_with_full_mode_is_reported_partial(tmp_path):
    out = tmp_path / "v.json"
    assert main(["verify", "relu.max_tree.log2_hidden_layers", "relu.braid.phi_separates_max5", "-q", "--json-out", str(out)]) == 0
    scopes = {c["id"]: c["scope"] for c in json.loads(out.read_text())["claims"]}
    assert scopes["relu.max_tree.log2_hidden_layers"].startswith("partial")
    assert scopes["relu.braid.phi_separates_max5"] == "complete"
    assert main(["verify", "relu.max_tree.log2_hidden_layers", "--full", "-q", "--json-out", str(out)]) == 0
    # a statement about every n, checked for finitely many n, never reports "complete"
    assert json.loads(out.read_text())["claims"][0]["scope"].startswith("checked for n")


def test_scope_of_an_outcome_replaces_complete():
    from expressivity.proofs.registry import Claim, Outcome, run_claim

    sampled = Claim("demo.every_n", "P(n) for every n", "demo", "exact",
                    lambda full: Outcome(True, "n = 1..5", scope="checked for n ≤ 5"), has_full=True)
    assert run_claim(sampled, full=True).scope == "checked for n ≤ 5"
    assert run_claim(sampled, full=False).scope == "partial: checked for n ≤ 5"
    whole = Claim("demo.one", "1 + 1 = 2", "demo", "exact", lambda full: Outcome(True))
    assert run_claim(whole).scope == "complete"
    assert run_claim(whole).to_json()["scope"] == "complete"


def test_interval_is_a_method_and_interval_claims_say_so():
    from expressivity.proofs.registry import METHODS, all_claims

    assert METHODS == ("exact", "interval", "symbolic", "numeric")
    methods = {c.id: c.method for c in all_claims()}
    for cid in ("ffn.fixed_vs_la.type2_f2", "ffn.la_vs_moa.type1_t", "ffn.la_vs_moa.sigmoid_t",
                "ffn.la_vs_moa.one_sided_type2"):
        assert methods[cid] == "interval", cid
    assert {c.method for c in all_claims()} <= set(METHODS)


def test_verify_latex_writes_a_booktabs_table(tmp_path, capsys):
    tex = tmp_path / "claims.tex"
    assert main(["verify", "relu.braid.phi_separates_max5", "-q", "--latex", str(tex)]) == 0
    text = tex.read_text(encoding="utf-8")
    assert "\\toprule" in text and "\\bottomrule" in text and "\\end{longtable}" in text
    assert "phi\\_\\allowbreak separates\\_\\allowbreak max5" in text and "verified" in text
    assert "LaTeX table" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["claims.tex"]  # written atomically, nothing left over


def test_verify_latex_path_is_checked_before_the_work(tmp_path, capsys):
    assert main(["verify", "relu.braid", "-q", "--latex", str(tmp_path / "missing" / "t.tex")]) == 2
    captured = capsys.readouterr()
    assert "--latex" in captured.err and "verifying" not in captured.out
    assert main(["verify", "relu.braid", "-q", "--latex", "-"]) == 2


def test_figures_formats_repeatable_or_comma_list(tmp_path, capsys):
    assert main(["figures", "relu_depth_bounds", "--out", str(tmp_path), "--format", "pdf", "--format", "svg"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["relu_depth_bounds.pdf", "relu_depth_bounds.svg"]
    assert (tmp_path / "relu_depth_bounds.pdf").read_bytes()[:5] == b"%PDF-"
    other = tmp_path / "png"
    assert main(["figures", "relu_depth_bounds", "--out", str(other), "--format", "png,png"]) == 0
    assert [p.name for p in other.iterdir()] == ["relu_depth_bounds.png"]
    assert main(["figures", "relu_depth_bounds", "--out", str(tmp_path / "bad"), "--format", "jpg"]) == 2
    assert "unknown figure format" in capsys.readouterr().err and not (tmp_path / "bad").exists()
