"""Paper output: figure files in every format with vector text, and the LaTeX verdict table."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from expressivity.exceptions import InvalidInputError
from expressivity.paper_figures.latex import latex_escape, verdicts_latex
from expressivity.paper_figures.registry import build_figures
from expressivity.proofs.registry import Verdict, run_claims, select_claims

SIGNATURES = {"pdf": (b"%PDF",), "svg": (b"<?xml", b"<svg"), "png": (b"\x89PNG\r\n\x1a\n",)}


@pytest.fixture(scope="module")
def figure_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("figs")
    return build_figures(out, ["relu_depth_bounds"], formats=("pdf", "svg", "png"), log=None)


def test_every_format_is_written_with_its_signature(figure_files):
    assert sorted(p.suffix for p in figure_files) == [".pdf", ".png", ".svg"]
    for p in figure_files:
        data = p.read_bytes()
        assert data.startswith(SIGNATURES[p.suffix[1:]]), p
    assert not [q for q in figure_files[0].parent.iterdir() if q.name.endswith(".tmp")]  # atomic writes clean up


def test_svg_text_is_text_and_pdf_embeds_truetype(figure_files):
    svg = next(p for p in figure_files if p.suffix == ".svg").read_text()
    assert svg.count("<text") >= 5 and "hidden layers" in svg  # the y label is a <text>, not glyph paths
    pdf = next(p for p in figure_files if p.suffix == ".pdf").read_bytes()
    # pdf.fonttype 42: TrueType outlines (simple or CID-keyed), never Type 3 bitmaps-of-paths
    assert (b"/TrueType" in pdf or b"/CIDFontType2" in pdf) and b"/Type3" not in pdf


def test_svg_and_pdf_are_byte_stable(tmp_path, figure_files):
    again = build_figures(tmp_path, ["relu_depth_bounds"], formats=("svg", "pdf"), log=None)
    first = {p.suffix: p.read_bytes() for p in figure_files}
    assert all(p.read_bytes() == first[p.suffix] for p in again)


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(InvalidInputError, match="jpg") as info:
        build_figures(tmp_path, ["relu_depth_bounds"], formats=("png", "jpg"), log=None)
    assert "\n" not in str(info.value) and not list(tmp_path.iterdir())


def test_log_lines(tmp_path):
    lines = []
    build_figures(tmp_path, ["relu_depth_bounds"], formats=["png"], log=lines.append)
    assert len(lines) == 1 and lines[0].startswith("relu_depth_bounds: relu_depth_bounds.png")


# ---------------------------------------------------------------- LaTeX

FAKE = Verdict(id="fake.claim_1", method="exact", verdict="verified", details="", seconds=1.25, full=False,
               statement="50% of a_1 & b#2 ≤ ‖x‖ → ∞, {σ ∈ λ} ⊊ ~^\\", source="Own_proof & notes")


def _strip_escapes(tex: str) -> str:
    return re.sub(r"\\[{}]", "", tex)


def _check_structure(tex: str) -> None:
    body = _strip_escapes(tex)
    depth = 0
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    begins = re.findall(r"\\begin\{(\w+)\}", tex)
    ends = re.findall(r"\\end\{(\w+)\}", tex)
    assert begins == ["longtable"] and ends == ["longtable"]
    pos = [tex.index(r) for r in (r"\toprule", r"\midrule", r"\bottomrule")]
    assert pos == sorted(pos)
    assert "booktabs" in tex.splitlines()[1] and "longtable" in tex.splitlines()[1]
    assert tex.count(r"\endhead") == 1 and tex.count(r"\endfirsthead") == 1  # header repeated on every page
    assert all(ord(c) < 128 for c in tex.replace("ö", "").replace("é", "").replace("ô", "").replace("ú", ""))


@pytest.fixture(scope="module")
def real_verdicts():
    return run_claims(select_claims(["relu.braid.phi_separates_max5", "relu.max5.bakaev_two_hidden_layers",
                                     "regions.bounds.sanity"]))


def test_real_verdicts_table_is_structurally_valid(real_verdicts):
    tex = verdicts_latex(real_verdicts, caption="Checked claims (50%)", label="tab:x")
    _check_structure(tex)
    rows = [line for line in tex.splitlines() if line.startswith(r"\texttt{")]
    assert len(rows) == 3 and all(line.count(" & ") == 6 and line.endswith(r"\\") for line in rows)
    assert r"\caption{Checked claims (50\%)}" in tex and r"\label{tab:x}" in tex
    for v in real_verdicts:
        assert v.method in tex and f"{v.seconds:.2f}" in tex


def test_special_characters_are_escaped():
    tex = verdicts_latex([FAKE])
    _check_structure(tex)
    row = next(line for line in tex.splitlines() if line.startswith(r"\texttt{"))
    for esc in (r"50\%", r"a\_1", r"\&", r"b\#2", r"\ensuremath{\leq}", r"\ensuremath{\|}", r"\ensuremath{\to}",
                r"\ensuremath{\infty}", r"\ensuremath{\subsetneq}", r"\ensuremath{\sigma}", r"\ensuremath{\in}",
                r"\ensuremath{\lambda}", r"\{", r"\}", r"\textasciitilde{}", r"\textasciicircum{}",
                r"\textbackslash{}", r"Own\_proof \& notes", r"\texttt{fake.\allowbreak claim\_\allowbreak 1}", "1.25"):
        assert esc in row, esc
    # no unescaped special character left outside commands
    assert not re.search(r"(?<!\\)[%#]", row) and " & ".join([""] * 7).strip() not in row


def test_latex_escape_never_leaves_unknown_unicode():
    assert latex_escape("⌈log₂ m⌉ Montúfar ☃") == r"\ensuremath{\lceil}log\ensuremath{_{2}} m\ensuremath{\rceil} Montúfar [U+2603]"


def test_citations_become_cite_keys():
    class Cited:
        id, statement, method, verdict, scope, seconds, source = "c", "s", "exact", "verified", "complete", 0.1, "raw"
        citations = (("HBDSS23", "Thm 1.7"), ("BBHSY25", ""))

    tex = verdicts_latex([Cited()])
    assert r"\cite[Thm 1.7]{HBDSS23}; \cite{BBHSY25}" in tex and "raw" not in tex
    assert "Own" in verdicts_latex([FAKE])  # no citations: the raw source text


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_table_compiles_with_pdflatex(tmp_path, real_verdicts):
    keys = set(re.findall(r"\\cite(?:\[[^\]]*\])?\{([^}]*)\}", verdicts_latex(real_verdicts)))
    bib = "".join(f"\\bibitem{{{k}}} {k}.\n" for k in sorted(keys))
    doc = ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{booktabs,longtable,array,amssymb}\n"
           "\\begin{document}\n" + verdicts_latex(list(real_verdicts) + [FAKE])
           + (f"\\begin{{thebibliography}}{{9}}\n{bib}\\end{{thebibliography}}\n" if keys else "") + "\\end{document}\n")
    (tmp_path / "t.tex").write_text(doc, encoding="utf-8")
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], check=False, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:]
    assert (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- the figures whose defects were fixed


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_regions_bounds_caption_is_true_and_markers_only(monkeypatch):
    import expressivity.paper_figures.fig_regions_bounds as m

    rows = [{"widths": list(ws), **m.all_bounds(2, list(ws))} for ws in m.ARCHITECTURES]
    for r in rows:  # "the two upper bounds coincide except at the bottlenecks 8×2×8, 8×1×8"
        bottleneck = r["widths"] in ([8, 2, 8], [8, 1, 8])
        assert (r["serra_upper"] < r["montufar2017_upper"]) == bottleneck, r
    fake = [{**r, "counts": [1, 2], "median": 1.5} for r in rows]
    monkeypatch.setattr(m, "regions_vs_bounds_data", lambda: fake)
    fig = m.make()
    ax = fig.axes[0]
    assert all(line.get_linestyle() in ("None", "none", "") for line in ax.lines)  # categorical x: no joining lines
    assert "$\\mathbb{R}^2$" in ax.get_ylabel() and "R^2" not in ax.get_ylabel().replace("{R}^2", "")
    assert [t.get_text() for t in ax.get_xticklabels()][-2:] == ["8×2×8", "8×1×8"]


def test_lightning_table_shows_every_family_at_every_degree():
    from expressivity.paper_figures.fig_lightning_generators import _table, lightning_generator_data

    data = lightning_generator_data(d=2, t=2, max_degree=4)
    rows, cols, M = _table(data)
    assert rows == [f"a={a}, k={k}" for a in (1, 2) for k in (1, 2, 3, 4)]
    fams = sorted({f for v in data.values() for r in v["degrees"] for f in r["by_family"]})
    assert cols[3:] == [f.replace("_", " ") for f in fams] and M.shape == (8, 3 + len(fams))
    # independent reading of the oracle table: 4 linear generators at degree 1 (raw), a quartic resultant for a = 2
    assert M[rows.index("a=1, k=1"), cols.index("minimal (raw coords)")] == 4
    assert M[rows.index("a=2, k=4"), cols.index("resultant")] == 1
    assert M[rows.index("a=1, k=2"), cols.index("low rank")] == 3
    assert (M >= 0).all()


def test_milp_bb_plots_only_depths_with_leaves_and_no_timings():
    import re

    from expressivity.paper_figures.fig_milp_bb import bb_progress_data, make

    fig = make()
    ax = fig.axes[0]
    data = bb_progress_data(4)
    assert len(ax.lines) == 2 and all(line.get_linestyle() in ("None", "none", "") for line in ax.lines)
    for line, d in zip(ax.lines, data.values()):
        assert list(line.get_xdata()) == list(d["leaf_depths"]) and 0 not in list(line.get_ydata())
    texts = " ".join(_texts(fig))
    assert not re.search(r"\d\s*(s|h)\b", texts) and "PPL" not in texts  # no machine-dependent seconds


def test_ffn_chebyshev_legend_says_what_the_crosses_are():
    from expressivity.paper_figures.fig_ffn_chebyshev import make

    labels = [t.get_text() for t in make().axes[0].get_legend().get_texts()]
    assert not any("spec" in s for s in labels) and any("LP on 20 001 points" in s for s in labels)
