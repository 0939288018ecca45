"""docs/references.bib, claim citations and ``expressivity cite``.

The bibliography is parsed twice: by a strict stand-alone reader written here (independent of
:func:`expressivity.proofs.registry.bibliography`) and, when installed, by pybtex.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from expressivity.exceptions import ClaimError
from expressivity.proofs.registry import (
    OWN_RESULT_KEY,
    all_claims,
    bibliography,
    bibtex_for,
    parse_source,
)

ROOT = Path(__file__).resolve().parents[2]
BIB = ROOT / "docs" / "references.bib"
ENTRY_TYPES = {"article", "inproceedings", "incollection", "book", "misc", "techreport", "phdthesis"}
# internal notes: research specs ("spec ffn_moa.md §2.2", "relu_depth.md §1.6"), issue numbers,
# the specs' source labels (P1, C1) and evidence tags ([R], [D, V])
INTERNAL = re.compile(r"(?i:\bspecs?\b)|\w+\.md\s*§|\bissue \d|\bP\d\b|(?<!`)\bC\d\b(?!`)|(?<![\w\]])\[[RDVSA](, ?[DVSA])*\]")


def _parse_bibtex(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Strict reader: ``@type{key, field = {value}, ...}`` only, balanced braces, no duplicates."""
    entries: dict[str, tuple[str, dict[str, str]]] = {}
    i, n = 0, len(text)
    while i < n:
        if text[i] == "%":
            i = text.find("\n", i) + 1 or n
            continue
        if text[i].isspace():
            i += 1
            continue
        m = re.compile(r"@(\w+)\{([A-Za-z][A-Za-z0-9+]*),").match(text, i)
        assert m, f"unexpected text at offset {i}: {text[i:i + 40]!r}"
        etype, key, i = m.group(1).lower(), m.group(2), m.end()
        fields: dict[str, str] = {}
        while True:
            m = re.compile(r"\s*(\}|(\w+)\s*=\s*\{)").match(text, i)
            assert m, f"{key}: malformed field at {text[i:i + 40]!r}"
            i = m.end()
            if m.group(1) == "}":
                break
            depth, start = 1, i
            while depth:
                assert i < n, f"{key}: unbalanced braces"
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            name = m.group(2).lower()
            assert name not in fields, f"{key}: duplicate field {name}"
            fields[name] = text[start:i - 1]
            m = re.compile(r"\s*,").match(text, i)
            i = m.end() if m else i
        assert key not in entries, f"duplicate key {key}"
        entries[key] = (etype, fields)
    return entries


def test_bib_parses_strictly_and_every_entry_is_complete():
    entries = _parse_bibtex(BIB.read_text(encoding="utf-8"))
    assert OWN_RESULT_KEY in entries and len(entries) >= 15
    for key, (etype, fields) in entries.items():
        assert etype in ENTRY_TYPES, key
        assert {"author", "title", "year"} <= set(fields), key
        assert re.fullmatch(r"\d{4}", fields["year"]), key
        if "eprint" in fields:
            assert fields.get("archiveprefix") == "arXiv" and re.fullmatch(r"\d{4}\.\d{4,5}", fields["eprint"]), key
        if "doi" in fields:
            assert re.fullmatch(r"10\.\d{4,}/\S+", fields["doi"]), key
    assert set(entries) == set(bibliography())  # the registry's reader agrees


def test_bib_parses_with_pybtex():
    pybtex = pytest.importorskip("pybtex.database")
    db = pybtex.parse_file(str(BIB))
    assert set(db.entries) == set(bibliography())
    for key, entry in db.entries.items():
        assert entry.persons.get("author") and entry.fields.get("title") and entry.fields.get("year"), key


def test_every_claim_cites_known_keys_with_locators():
    keys = set(bibliography())
    used = set()
    for c in all_claims():
        cites = c.citations
        assert cites, c.id
        for key, locator in cites:
            assert key in keys and locator.strip(), (c.id, key)
            used.add(key)
    assert OWN_RESULT_KEY in used and len(used) >= 10


def test_parse_source_is_strict():
    assert parse_source("HBDSS23 Thm 1.7, Prop. 2.11; GHL25 Thm 5.2") == (("HBDSS23", "Thm 1.7, Prop. 2.11"),
                                                                          ("GHL25", "Thm 5.2"))
    for bad in ("HBDSS23", "Thm 1.7", "HBDSS23 Thm 1.7;", "; GHL25 Thm 5.2", "spec ffn_moa.md §2.2"):
        with pytest.raises(ClaimError):
            parse_source(bad, set(bibliography()))
    with pytest.raises(ClaimError, match="not a key"):
        parse_source("NoSuchPaper99 Thm 1", set(bibliography()))


def test_no_internal_references_in_claims_or_docs():
    for c in all_claims():
        for text in (c.source, c.statement):
            assert not INTERNAL.search(text), (c.id, text)
    for name in ("relu_depth.md", "regions.md", "milp.md", "ffn.md", "lightning.md"):
        for lineno, line in enumerate((ROOT / "docs" / name).read_text(encoding="utf-8").splitlines(), 1):
            assert not INTERNAL.search(line), f"docs/{name}:{lineno}: {line}"


def test_internal_reference_pattern_catches_the_old_forms():
    for text in ("spec ffn_moa.md §2.2", "relu_depth.md §1.6", "issue 6 item 7", "P1 §1", "C1 lowRankA.m2", "[D, V]"):
        assert INTERNAL.search(text), text
    for text in ("HBDSS23 Thm 1.7", "σ ∈ C¹", "the MILP of STR18 Sec. 5", "R+26 Cor. 1.2", "G[S^c] Phi = G[S]"):
        assert not INTERNAL.search(text), text


def test_bibtex_for_sorts_and_deduplicates():
    text = bibtex_for(["HHL23", "ABMM18", "HHL23"])
    assert [m.group(1) for m in re.finditer(r"^@\w+\{([^,]+),", text, re.MULTILINE)] == ["ABMM18", "HHL23"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "expressivity", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)


def test_cli_cite_relu_prints_parsable_bibtex():
    r = _cli("cite", "relu")
    assert r.returncode == 0, r.stderr
    entries = _parse_bibtex(r.stdout)
    assert {"HBDSS23", "BBHSY25", "R+26", "GHL25", "HHL23", "ABMM18"} <= set(entries)
    keys = list(entries)
    assert keys == sorted(keys, key=lambda k: (k.lower(), k))
    assert "Zaslavsky75" not in entries and "WWXSZ26" not in entries  # only what relu.* cites
    try:
        from pybtex.database import parse_string
    except ImportError:
        return
    assert set(parse_string(r.stdout, "bibtex").entries) == set(entries)


def test_cli_cite_json_lists_claims_and_entries():
    r = _cli("cite", "relu.max5", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    ids = [row["id"] for row in doc["claims"]]
    assert ids == ["relu.max5.bakaev_not_h_conforming", "relu.max5.bakaev_two_hidden_layers"]
    assert all(set(row) == {"id", "source", "keys"} for row in doc["claims"])
    assert [e["key"] for e in doc["entries"]] == ["BBHSY25", "HBDSS23"]
    assert all(_parse_bibtex(e["bibtex"]) for e in doc["entries"])


def test_cli_cite_unknown_id_exits_2_with_one_line():
    r = _cli("cite", "nonexistent")
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "nonexistent" in r.stderr
