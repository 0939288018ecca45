r"""Claim verdicts as a LaTeX table (booktabs + longtable) for a paper's appendix.

:func:`verdicts_latex` returns a complete ``table`` environment; the document needs
``\usepackage{booktabs,longtable,array,amssymb}``.  Text is escaped for LaTeX and the unicode
mathematics used in claim statements (≤, ⊊, λ, ‖, ...) becomes LaTeX commands, so the
table compiles with plain ``pdflatex``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["latex_escape", "verdicts_latex"]

_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
            "<": r"\ensuremath{<}", ">": r"\ensuremath{>}", "|": r"\ensuremath{|}"}

# unicode mathematics -> LaTeX math (wrapped in \ensuremath) or text commands
_MATH = {"≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "⊊": r"\subsetneq", "⊆": r"\subseteq",
         "⊇": r"\supseteq", "⊋": r"\supsetneq", "⊂": r"\subset", "⊃": r"\supset", "∈": r"\in", "∉": r"\notin",
         "→": r"\to", "←": r"\leftarrow", "↦": r"\mapsto", "⇒": r"\Rightarrow", "∞": r"\infty", "‖": r"\|",
         "∂": r"\partial", "∑": r"\sum", "√": r"\surd", "±": r"\pm", "·": r"\cdot", "×": r"\times", "−": "-",
         "∀": r"\forall", "∃": r"\exists", "∩": r"\cap", "∪": r"\cup", "∘": r"\circ", "⌈": r"\lceil",
         "⌉": r"\rceil", "⌊": r"\lfloor", "⌋": r"\rfloor", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}",
         "ℤ": r"\mathbb{Z}", "ℚ": r"\mathbb{Q}", "∅": r"\emptyset", "⊤": r"\top", "⊥": r"\perp",
         "½": r"\frac{1}{2}", "¼": r"\frac{1}{4}", "¾": r"\frac{3}{4}", "°": r"^\circ"}
_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ζ": "zeta", "η": "eta",
          "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
          "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "varphi", "χ": "chi", "ψ": "psi",
          "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
          "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega"}
_MATH.update({k: "\\" + v for k, v in _GREEK.items()})
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿ", "0123456789+-n"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-"))
_TEXT = {"§": r"\S{}", "–": "--", "—": "---", "…": r"\ldots{}", "‘": "`", "’": "'", "“": "``", "”": "''",
         "\u00a0": "~"}


def _char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch in _TEXT:
        return _TEXT[ch]
    if ch in _MATH:
        return "\\ensuremath{" + _MATH[ch] + "}"
    if ch in _SUP:
        return "\\textsuperscript{" + _SUP[ch] + "}"
    if ch in _SUB:
        return "\\ensuremath{_{" + _SUB[ch] + "}}"
    if ord(ch) < 128 or unicodedata.category(ch).startswith("L") and ord(ch) < 0x250:
        return ch  # ASCII, and Latin letters with accents (pdflatex's utf8 input handles them)
    return f"[U+{ord(ch):04X}]"  # never emit a character pdflatex cannot typeset


def latex_escape(text: str) -> str:
    r"""``text`` as LaTeX: special characters escaped, unicode mathematics as LaTeX commands.

    Examples
    --------
    >>> latex_escape("a_1 & 50% ≤ λ")
    'a\\_1 \\& 50\\% \\ensuremath{\\leq} \\ensuremath{\\lambda}'
    """
    text = str(text).replace("<=", "≤").replace(">=", "≥")
    return "".join(_char(ch) for ch in text)


def _get(v: Any, name: str, default: Any = "") -> Any:
    return v.get(name, default) if isinstance(v, Mapping) else getattr(v, name, default)


def _citations(v: Any) -> tuple[tuple[str, str], ...] | None:
    """``((key, locator), ...)`` of a verdict: its own, else its registered claim's, else None."""
    try:
        cites = _get(v, "citations", None)
        if cites is None and not isinstance(v, Mapping):
            from expressivity.proofs.registry import get_claim

            claim = get_claim(_get(v, "id"))
            cites = claim.citations if hasattr(claim, "citations") else None
        return tuple((str(k), str(loc)) for k, loc in cites) if cites else None
    except Exception:  # noqa: BLE001 -- not a registered claim, or a source that does not parse: the raw source text
        return None


def _source_cell(v: Any) -> str:
    cites = _citations(v)
    if not cites:
        return latex_escape(_get(v, "source"))
    parts = []
    for key, locator in cites:
        loc = f"[{latex_escape(locator).replace(']', '{]}')}]" if locator else ""
        parts.append(f"\\cite{loc}{{{key}}}")
    return "; ".join(parts)


def _row(v: Any) -> str:
    ident = latex_escape(_get(v, "id")).replace(".", ".\\allowbreak ").replace("\\_", "\\_\\allowbreak ")
    cells = [f"\\texttt{{{ident}}}", latex_escape(_get(v, "statement")), latex_escape(_get(v, "method")),
             latex_escape(_get(v, "verdict")), latex_escape(_get(v, "scope")), f"{float(_get(v, 'seconds', 0.0)):.2f}",
             _source_cell(v)]
    return " & ".join(cells) + r" \\"


_HEADER = r"""% Claim verdicts generated by expressivity (paper_figures.latex.verdicts_latex).
% Requires in the preamble: \usepackage{booktabs} \usepackage{longtable} \usepackage{array} \usepackage{amssymb}
% (and a bibliography defining the \cite keys).  A longtable breaks across pages."""


def _column(width: float) -> str:
    return f">{{\\raggedright\\arraybackslash}}p{{{width}\\linewidth}}"


# claim, statement, method, verdict, scope, time, source: fractions of \linewidth (the rest is column gaps)
_COLUMNS = "@{}" + "".join(_column(w) for w in (0.17, 0.30, 0.08, 0.08, 0.11)) + "r" + _column(0.11) + "@{}"
_HEAD = r"claim & statement & method & verdict & scope & time (s) & source \\"


def verdicts_latex(verdicts: Iterable[Any], *, caption: str = "Claims checked by the expressivity toolkit.",
                   label: str = "tab:claims") -> str:
    r"""A complete booktabs ``longtable`` of claim verdicts: id, statement, method, verdict, scope, time, source.

    ``verdicts`` are :class:`expressivity.proofs.registry.Verdict` objects (or their ``to_json()`` dicts).
    Sources become ``\cite[locator]{key}`` when the claim has bibliography citations, and
    the escaped source text otherwise.  ``caption`` is escaped; ``label`` is used as given.
    The table breaks across pages and repeats its header (``longtable``).

    Examples
    --------
    >>> from expressivity.proofs.registry import Verdict
    >>> v = Verdict("x.y", "exact", "verified", "", 0.5, False, statement="a ≤ b", source="Folklore")
    >>> tex = verdicts_latex([v])
    >>> "\\toprule" in tex and "\\ensuremath{\\leq}" in tex and "\\end{longtable}" in tex
    True
    """
    lines = [_HEADER, r"\begingroup", r"\footnotesize", r"\setlength{\tabcolsep}{3pt}",
             f"\\begin{{longtable}}{{{_COLUMNS}}}",
             f"\\caption{{{latex_escape(caption)}}}\\label{{{label}}} \\\\",
             r"\toprule", _HEAD, r"\midrule", r"\endfirsthead",
             r"\toprule", _HEAD, r"\midrule", r"\endhead", r"\bottomrule", r"\endlastfoot"]
    lines += [_row(v) for v in verdicts]
    lines += [r"\end{longtable}", r"\endgroup"]
    return "\n".join(lines) + "\n"
