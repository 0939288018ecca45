"""The claim registry: every checked statement of the toolkit, with its method and source.

A *claim* is a one-line mathematical statement from a paper together with a check.  Checks are
plain functions registered with :func:`claim`; they receive ``full`` (quick or full mode) and
return a :class:`Outcome`.  :func:`run_claim` times the check and turns its outcome (or any
exception it raises) into a :class:`Verdict`.

Methods, as the project's standards define them:

* ``exact``    -- rational/integer arithmetic, or a certificate re-checked exactly;
* ``interval`` -- an outward-rounded interval enclosure whose bounds are re-checked as exact
  rationals (a proof, but of an enclosure, not of an exact value);
* ``symbolic`` -- a sympy identity;
* ``numeric``  -- floating point with a stated tolerance (never called a proof).

Claim modules live in :mod:`expressivity.proofs.claims` (one per research thread) and are imported on
first use of the registry.

Sources are machine-readable: a claim's ``source`` is a list of citations separated by ``;``,
each a key of the bibliography ``docs/references.bib`` followed by a locator (theorem, section):
``"HBDSS23 Thm 1.7, Prop. 2.11; GHL25 Thm 5.2"``.  The toolkit's own results cite the key
``expressivity``.  :attr:`Claim.citations` parses the source strictly; the claims of
:mod:`expressivity.proofs.claims` are checked when they are registered (unknown key: :class:`ClaimError`).
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import pkgutil
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Literal, Mapping

from expressivity._io import to_jsonable
from expressivity.exceptions import ClaimError, UnknownNameError

__all__ = [
    "METHODS",
    "VERDICTS",
    "OWN_RESULT_KEY",
    "Claim",
    "parse_source",
    "bibliography_path",
    "bibliography",
    "bibtex_for",
    "Outcome",
    "Verdict",
    "claim",
    "all_claims",
    "get_claim",
    "select_claims",
    "run_claim",
    "run_claims",
]

Method = Literal["exact", "interval", "symbolic", "numeric"]
VerdictName = Literal["verified", "refuted", "error"]
METHODS: tuple[str, ...] = ("exact", "interval", "symbolic", "numeric")
VERDICTS: tuple[str, ...] = ("verified", "refuted", "error")
_ID_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Outcome:
    """What a check returns: did the statement hold, with a human line and data.

    ``scope`` says how much of the statement was checked when that is less than all of it,
    e.g. ``"checked for n ≤ 10"`` for a statement about every n; ``None`` means the whole
    statement was checked (in the mode that ran).
    """

    holds: bool
    details: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    scope: str | None = None


@dataclass(frozen=True)
class Claim:
    """A registered claim.

    Attributes
    ----------
    id : str
        Dotted identifier, e.g. ``relu.max5.two_hidden_layers``.
    statement : str
        The claim in one line.
    source : str
        Citations ``"KEY locator; KEY locator"`` with keys of ``docs/references.bib``, e.g.
        ``"HBDSS23 Lemma 2.9"``; :attr:`citations` gives them parsed.
    method : {"exact", "interval", "symbolic", "numeric"}
    check : callable
        ``check(full: bool) -> Outcome``.
    has_full : bool
        Whether ``full=True`` does more than the quick mode.
    """

    id: str
    statement: str
    source: str
    method: Method
    check: Callable[[bool], Outcome]
    has_full: bool = False

    def run(self, *, full: bool = False) -> "Verdict":
        return run_claim(self, full=full)

    @property
    def citations(self) -> tuple[tuple[str, str], ...]:
        """``((key, locator), ...)`` parsed from :attr:`source`; :class:`ClaimError` if it does not parse
        or names a key that the bibliography (when present) does not define."""
        return parse_source(self.source, _bib_keys(), what=f"claim {self.id}")


@dataclass(frozen=True)
class Verdict:
    """The result of running one claim."""

    id: str
    method: Method
    verdict: VerdictName
    details: str
    seconds: float
    full: bool
    statement: str = ""
    source: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    has_full: bool = False
    checked_scope: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "verified"

    @property
    def scope(self) -> str:
        """How much of the statement was checked.

        ``"complete"`` when the whole statement was checked; the check's own scope (e.g.
        ``"checked for n ≤ 10"``) when it verified only some instances of a statement about
        every n; ``"partial"`` for the quick mode of a claim that has a full mode (its details
        say which instances were checked).
        """
        if self.has_full and not self.full:
            return "partial" if self.checked_scope is None else f"partial: {self.checked_scope}"
        return "complete" if self.checked_scope is None else self.checked_scope

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statement": self.statement,
            "source": self.source,
            "method": self.method,
            "verdict": self.verdict,
            "details": self.details,
            "seconds": round(self.seconds, 4),
            "mode": "full" if self.full else "quick",
            "scope": self.scope,
            "data": to_jsonable(self.data),
        }


#: Bibliography key of the toolkit itself, cited by claims that no paper states.
OWN_RESULT_KEY = "expressivity"
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+]*$")
_BIB_ENTRY_RE = re.compile(r"@([A-Za-z]+)\s*\{\s*([^,\s{}]+)\s*,")


def parse_source(source: str, keys: Collection[str] | None = None, *, what: str = "source") -> tuple[tuple[str, str], ...]:
    """Parse ``"KEY locator; KEY locator"`` into ``((key, locator), ...)``, strictly.

    Every citation needs a key (letters, digits, ``+``) and a non-empty locator; with ``keys``
    given, every key must be one of them.  Anything else raises :class:`ClaimError`.

    Examples
    --------
    >>> parse_source("HBDSS23 Thm 1.7, Prop. 2.11; GHL25 Thm 5.2")
    (('HBDSS23', 'Thm 1.7, Prop. 2.11'), ('GHL25', 'Thm 5.2'))
    """
    out = []
    for part in source.split(";"):
        key, _, locator = part.strip().partition(" ")
        key, locator = key.rstrip(","), locator.strip()
        if not _KEY_RE.match(key) or not locator:
            raise ClaimError(f"{what}: citation {part.strip()!r} must be 'KEY locator' (e.g. 'HBDSS23 Thm 1.7')")
        if keys is not None and key not in keys:
            raise ClaimError(f"{what}: {key!r} is not a key of docs/references.bib")
        out.append((key, locator))
    return tuple(out)


def bibliography_path() -> Path | None:
    """``docs/references.bib`` of the source tree (or a copy installed in the package); None if absent."""
    here = Path(__file__).resolve().parent
    for p in (here.parent / "docs" / "references.bib", here / "references.bib"):
        if p.is_file():
            return p
    return None


@functools.lru_cache(maxsize=1)
def bibliography() -> dict[str, str]:
    """Every BibTeX entry of the bibliography, ``{key: entry text}`` in file order.

    Raises :class:`ClaimError` when the file is missing or an entry's braces do not balance.
    """
    path = bibliography_path()
    if path is None:
        raise ClaimError("docs/references.bib not found (the bibliography ships with the source tree)")
    text = path.read_text(encoding="utf-8")
    entries: dict[str, str] = {}
    pos = 0
    while (m := _BIB_ENTRY_RE.search(text, pos)) is not None:
        depth, end = 0, None
        for j in range(text.index("{", m.start()), len(text)):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                end = j + 1
                break
        if end is None:
            raise ClaimError(f"{path}: unbalanced braces in entry {m.group(2)!r}")
        if m.group(2) in entries:
            raise ClaimError(f"{path}: duplicate key {m.group(2)!r}")
        entries[m.group(2)] = text[m.start():end]
        pos = end
    return entries


def _bib_keys() -> frozenset[str] | None:
    try:
        return frozenset(bibliography())
    except ClaimError:
        return None if bibliography_path() is None else frozenset()


def bibtex_for(keys: Iterable[str]) -> str:
    """The BibTeX entries of ``keys``, each once, sorted by key (case-insensitively).

    Examples
    --------
    >>> print(bibtex_for(["HHL23"]).splitlines()[0])
    @inproceedings{HHL23,
    """
    bib = bibliography()
    missing = sorted(set(keys) - set(bib))
    if missing:
        raise ClaimError(f"not in docs/references.bib: {', '.join(missing)}")
    return "\n\n".join(bib[k] for k in sorted(set(keys), key=lambda k: (k.lower(), k))) + "\n"


_REGISTRY: dict[str, Claim] = {}
_LOADED = False


def claim(id: str, *, statement: str, source: str, method: Method, has_full: bool = False) -> Callable:
    """Decorator registering ``check(full: bool) -> Outcome`` as a claim.

    Examples
    --------
    >>> from expressivity.proofs.registry import claim, Outcome
    >>> @claim("demo.one_plus_one", statement="1 + 1 = 2", source="expressivity integer arithmetic", method="exact")
    ... def _check(full):
    ...     return Outcome(1 + 1 == 2, "computed in integers")
    """
    if not _ID_RE.match(id):
        raise ClaimError(f"claim id {id!r} must be dotted lower-case words, e.g. 'relu.max5.two_hidden_layers'")
    if method not in METHODS:
        raise ClaimError(f"claim {id}: method must be one of {METHODS}, got {method!r}")
    if not statement or not source:
        raise ClaimError(f"claim {id}: statement and source are required")

    def register(fn: Callable[[bool], Outcome]) -> Callable[[bool], Outcome]:
        if getattr(fn, "__module__", "").startswith(f"{__package__}.claims."):  # the toolkit's claims cite the bibliography
            parse_source(source, _bib_keys(), what=f"claim {id}")
        if id in _REGISTRY and _REGISTRY[id].check.__qualname__ != fn.__qualname__:
            raise ClaimError(f"claim id {id!r} is registered twice")
        _REGISTRY[id] = Claim(id, statement, source, method, fn, has_full)
        return fn

    return register


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    import expressivity.proofs.claims as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    _LOADED = True


def all_claims() -> list[Claim]:
    """Every registered claim, sorted by id."""
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get_claim(id: str) -> Claim:
    _load()
    try:
        return _REGISTRY[id]
    except KeyError:
        raise UnknownNameError(f"no claim with id {id!r}; 'expressivity list' shows them") from None


def select_claims(patterns: Iterable[str] = ()) -> list[Claim]:
    """Claims whose id matches any of the glob ``patterns`` (all claims when empty).

    A pattern without glob characters also matches as a prefix of dotted ids
    (``relu`` selects ``relu.*``).  A pattern that matches nothing raises.
    """
    claims = all_claims()
    patterns = list(patterns)
    if not patterns:
        return claims
    chosen: dict[str, Claim] = {}
    for pat in patterns:
        hits = [
            c for c in claims
            if fnmatch.fnmatchcase(c.id, pat) or (not any(ch in pat for ch in "*?[") and (c.id == pat or c.id.startswith(pat + ".")))
        ]
        if not hits:
            raise UnknownNameError(f"no claim matches {pat!r}; 'expressivity list' shows the ids")
        for c in hits:
            chosen[c.id] = c
    return [chosen[k] for k in sorted(chosen)]


def run_claim(c: Claim, *, full: bool = False) -> Verdict:
    """Run one claim's check and return its :class:`Verdict` (never raises for check failures)."""
    t0 = time.perf_counter()
    try:
        out = c.check(full)
        if not isinstance(out, Outcome):
            raise ClaimError(f"check of {c.id} returned {type(out).__name__}, expected Outcome")
        verdict: VerdictName = "verified" if out.holds else "refuted"
        details, data, checked_scope = out.details, out.data, out.scope
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a failing check is reported, not propagated
        verdict = "error"
        details = f"{type(exc).__name__}: {exc}"
        data = {"traceback": traceback.format_exc(limit=6)}
        checked_scope = None
    return Verdict(c.id, c.method, verdict, details, time.perf_counter() - t0, full, c.statement, c.source, data,
                   c.has_full, checked_scope)


def run_claims(claims: Iterable[Claim], *, full: bool = False, on_result: Callable[[Verdict], None] | None = None) -> list[Verdict]:
    """Run claims in order; ``on_result`` is called after each (for progress output)."""
    out = []
    for c in claims:
        v = run_claim(c, full=full)
        out.append(v)
        if on_result is not None:
            on_result(v)
    return out
