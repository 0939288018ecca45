"""Standalone checker for HBDSS-MIP certificates (``expressivity.hbdss-certificate/1``).

Run as ``python -m proofs.certificate_check [-q] [--json] [--progress-every S] [--max-mb MB] FILE``
from the repository root.  It uses the standard library only: no LP/MILP solver, no third-party
package, none of the toolkit's code (importing it loads nothing else; ``proofs/__init__`` is lazy),
so it runs under a bare Python without the project's dependencies.  The check is integer and
``Fraction`` arithmetic, no floating point.  It rebuilds the rays, the basis and the matrix ``G``
from ``n`` alone and trusts nothing in the file except what it re-verifies.

Errors are this module's :class:`CertificateError` and :class:`CertificateReadError`; when the
toolkit happens to be loaded they also derive from ``expressivity.exceptions.CertificateError``
and ``InvalidInputError`` respectively (the checker never imports the toolkit itself).

Exit status
-----------
* ``0`` -- the certificate is ACCEPTED (verified);
* ``1`` -- the certificate is REJECTED (malformed, or it does not certify what it claims; the
  one-line reason is printed);
* ``2`` -- usage or I/O error: bad arguments, the file is missing, a directory, not a regular file, unreadable, not
  UTF-8 text, or larger than ``--max-mb``.  Nothing was checked.

stdout carries the verdict only (with ``--json``: only the JSON verdict); progress lines
("checked 1200/5400 leaves, 30 s, eta 90 s", every ~2 s once a check runs longer than ~2 s) and
error messages go to stderr.  ``-q`` silences the progress lines.

What a certificate proves
-------------------------
For ``a`` in R^k let ``g_S = sum_M G[S, M] a_M`` be the value at ray ``r_S`` of the one-hidden-layer
function ``g = sum_M a_M g_M``, and let ``z`` be a 0/1 vector with (MIP rows (2)-(3) of HBDSS §2)
``z_S = 1 => g_S >= 0 and g_T >= 0 for every T nested with S`` and ``z_S = 0 => g_S <= 0``.
Then ``y_S = max(0, g_S)`` and the objective is ``phi = sum_S (-1)^{|S|} y_S``.  No box on ``a``
is used: the statement is homogeneous.

* A **tree** for direction ``max`` (sense +1) or ``min`` (sense -1) proves ``sense * phi <= 0`` for
  every such ``(a, z)``.  Inner nodes branch on a ray ``s``: child ``one`` adds ``z_s = 1``, child
  ``zero`` adds ``z_t = 0`` for ``s`` and its listed orbit.  Orbital branching is sound because each
  orbit member ``t`` comes with a listed symmetry ``gamma`` of the model that fixes the node's
  fixings and maps ``t`` to ``s`` (so a solution with ``z_t = 1`` has an image with ``z_s = 1``).
  A leaf carries exact multipliers ``lam >= 0`` (rays known ``>= 0``), ``nu >= 0`` (rays fixed
  ``<= 0``) and ``0 <= mu <= 1`` (other rays, all of sign -1 in ``sense*phi``) with the identity of
  linear forms in ``a``
  ``sum_{S pos, not fixed 0} sense*sign_S G_S + sum lam_S G_S - sum nu_S G_S - sum mu_S G_S = 0``,
  which is a Farkas certificate that the leaf's relaxation has value ``<= 0``.  The bound
  ``mu_S <= 1`` is per *ray*: every ray has exactly one spelling (below), so a ray cannot carry
  two multipliers of the same kind.
* ``{"by_flip": true}`` for one direction: negating the first layer maps ``g`` to ``g'`` with
  ``g'_{S^c} = g_S`` (``flip_matrix`` is checked: ``G[S^c] . Phi = G[S]``); for even n it turns
  ``phi`` into ``-phi``, so the other direction's tree suffices.
* ``{"witness": {"a": [...]}}``: an exact ``a`` whose ``sigma o g`` is H_n-conforming with
  ``sense * phi > 0`` (the optimum is positive).

Canonical form (what the toolkit's certificate writer emits, and all that is accepted)
--------------------------------------------------------------------------------------
* An **exact number** is a JSON *string*, ``str(Fraction)``: an integer ``-?[1-9][0-9]*`` or ``0``,
  or a reduced fraction ``p/q`` with ``p`` such an integer (not 0), ``q`` in ``[1-9][0-9]*``,
  ``q > 1`` and ``gcd(p, q) = 1``.  Not accepted: JSON numbers, ``"+1"``, ``" 1"``, ``"01"``,
  ``"-0"``, ``"1.0"``, ``"1e3"``, ``"2/4"``, ``"3/1"``.  Numerator and denominator have at most
  :data:`MAX_DIGITS` digits each.
* A **ray key** (in ``lam``/``nu``/``mu``) is the ray index in canonical decimal, ``0`` or
  ``[1-9][0-9]*``, below the number of rays; ray indices elsewhere (``ray``, ``orbit``, ``maps``,
  ``perm``, ``n``) are JSON integers.
* JSON objects have no duplicate keys; tree nodes, leaves, proofs and symmetries have no keys
  beyond those listed above (other top-level keys such as ``statement`` and ``stats`` are
  informational and ignored).  JSON integer tokens longer than :data:`MAX_JSON_INT_DIGITS`
  characters, ``NaN``/``Infinity`` and nesting deeper than Python's recursion limit are refused
  while parsing.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import stat
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations, combinations_with_replacement
from pathlib import Path
from typing import Any, NoReturn, TextIO

__all__ = ["FORMAT", "MAX_DIGITS", "MAX_FILE_MB", "MAX_JSON_INT_DIGITS", "CertificateError", "CertificateReadError",
           "CheckReport", "check_certificate", "load_certificate", "main", "parse_certificate_text", "parse_exact_number",
           "MAX_FORMAT", "INFEASIBLE_FORMAT", "MaxCheckReport", "check_max_certificate", "max_template_expansion"]

FORMAT = "expressivity.hbdss-certificate/1"
MAX_DIGITS = 1000
"""Most digits in the numerator or the denominator of an exact number (the writer's are < 20)."""
MAX_JSON_INT_DIGITS = 20
"""Longest JSON integer token accepted (ray indices, permutations, ``n``, statistics)."""
MAX_FILE_MB = 1024
"""Default size limit of a certificate file (the n = 5 certificate has 6.9 MB); ``--max-mb`` raises it."""
_MAX_N = 7
_SHOW = 40  # characters of a value echoed in a message

_INTEGER = re.compile(r"-?[1-9][0-9]*|0")
_FRACTION = re.compile(r"(-?[1-9][0-9]*)/([1-9][0-9]*)")
_RAY_KEY = re.compile(r"0|[1-9][0-9]*")
_BRANCH_KEYS = frozenset({"ray", "orbit", "maps", "one", "zero"})
_LEAF_KEYS = ("lam", "nu", "mu")


# ----------------------------------------------------------------------------- errors
class CertificateError(Exception):
    """A certificate is malformed or does not certify what it claims (exit status 1).

    ``reason`` holds the one-line reason without the ``"certificate rejected: "`` prefix.
    """

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason if reason is not None else message


class CertificateReadError(Exception):
    """The certificate file cannot be read: missing, a directory, unreadable, not UTF-8, too large (exit 2)."""


_MIXED: dict[tuple[type, type], type] = {}


def _with_toolkit_base(local: type, toolkit_name: str) -> type:
    """``local``, also deriving from ``expressivity.exceptions.<toolkit_name>`` when the toolkit is loaded.

    The checker never imports the toolkit.  Whoever catches the toolkit's class has imported it
    before the error is raised, so testing ``sys.modules`` at raise time is enough.
    """
    mod = sys.modules.get("expressivity.exceptions")
    base = getattr(mod, toolkit_name, None) if mod is not None else None
    if not isinstance(base, type) or not issubclass(base, Exception):
        return local
    key = (local, base)
    if key not in _MIXED:
        _MIXED[key] = type(local.__name__, (local, base), {"__module__": __name__, "__doc__": local.__doc__})
    return _MIXED[key]


def _fail(msg: str) -> NoReturn:
    raise _with_toolkit_base(CertificateError, "CertificateError")(f"certificate rejected: {msg}", msg)


def _read_error(msg: str) -> CertificateReadError:
    return _with_toolkit_base(CertificateReadError, "InvalidInputError")(msg)


def _show(v: Any) -> str:
    """A short, one-line description of a value for a message (never echoes 100 kB)."""
    if isinstance(v, str):  # ascii(): no control or non-ASCII character reaches the terminal
        s = ascii(v[:_SHOW])
        return s if len(v) <= _SHOW else f"{s}... ({len(v)} characters)"
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, int):
        return repr(v) if v.bit_length() <= 64 else f"an integer of {v.bit_length()} bits"
    if isinstance(v, (list, tuple)):
        return f"a list of {len(v)} items"
    if isinstance(v, dict):
        return f"an object with {len(v)} keys"
    if isinstance(v, _JSONNumber):
        return f"the JSON number {_show(v.token)}"
    return f"a {type(v).__name__}"


def _is_int(v: Any) -> bool:
    return type(v) is int  # not bool, not a JSON float


# ----------------------------------------------------------------------------- parsing
class _Refused(Exception):
    pass


class _JSONNumber:
    """A JSON float token, kept as text: the checker never converts it (exact numbers are strings)."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token


def _json_object(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _Refused(f"duplicate key {_show(dup)} in a JSON object")
    return obj


def _json_int(token: str) -> int:
    if len(token) > MAX_JSON_INT_DIGITS:
        raise _Refused(f"JSON integer with {len(token)} characters (at most {MAX_JSON_INT_DIGITS}; "
                       "exact numbers are strings)")
    if token == "-0":
        raise _Refused("JSON integer -0 is not canonical")
    return int(token)


def _json_real(token: str) -> _JSONNumber:
    return _JSONNumber(token[:_SHOW + 1])


def _json_constant(token: str) -> None:
    raise _Refused(f"{token} is not JSON")


def parse_certificate_text(text: str) -> Any:
    """Parse certificate JSON strictly (duplicate keys, long integers, NaN, deep nesting refused).

    Examples
    --------
    >>> parse_certificate_text('{"n": 4}')
    {'n': 4}
    >>> parse_certificate_text('{"n": 4, "n": 5}')
    Traceback (most recent call last):
    ...
    expressivity.proofs.certificate_check.CertificateError: certificate rejected: duplicate key 'n' in a JSON object
    """
    try:
        return json.loads(text, object_pairs_hook=_json_object, parse_int=_json_int, parse_float=_json_real,
                          parse_constant=_json_constant)
    except _Refused as exc:
        _fail(str(exc))
    except json.JSONDecodeError as exc:
        _fail(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    except RecursionError:
        _fail("JSON nested too deeply")


def load_certificate(path: str | Path, *, max_mb: float = MAX_FILE_MB) -> Any:
    """Read and parse a certificate file (a regular file of at most ``max_mb`` MB, UTF-8 JSON).

    Raises
    ------
    CertificateReadError
        The file cannot be read as UTF-8 text of at most ``max_mb`` MB: missing, a directory, not
        a regular file (a FIFO or device could block or never end), unreadable, not UTF-8, too
        large (exit status 2).
    CertificateError
        The text is not strict JSON (exit status 1).
    """
    name = _show(str(path))
    limit = int(max_mb * 2 ** 20)
    try:
        mode = Path(path).stat().st_mode
    except (OSError, ValueError) as exc:  # ValueError: e.g. a NUL byte in the path
        raise _read_error(f"cannot read certificate {name}: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(mode):
        raise _read_error(f"cannot read certificate {name}: it is a directory")
    if not stat.S_ISREG(mode):
        raise _read_error(f"cannot read certificate {name}: not a regular file")
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise _read_error(f"cannot read certificate {name}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > limit:
        raise _read_error(f"certificate {name} has more than the limit of {max_mb:g} MB; raise it with --max-mb")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _read_error(f"certificate {name} is not UTF-8 text (invalid byte at offset {exc.start})") from None
    return parse_certificate_text(text)


def parse_exact_number(v: Any, where: str) -> Fraction:
    """The value of a canonical exact number (see the module docstring); anything else is rejected.

    Examples
    --------
    >>> parse_exact_number("-3/4", "x"), parse_exact_number("0", "x")
    (Fraction(-3, 4), Fraction(0, 1))
    >>> parse_exact_number("2/4", "x")
    Traceback (most recent call last):
    ...
    expressivity.proofs.certificate_check.CertificateError: certificate rejected: x: '2/4' is not a reduced fraction (gcd 2)
    """
    p, q = _exact_pair(v, where)
    return Fraction(p, q)


def _exact_pair(v: Any, where: str) -> tuple[int, int]:
    """``(p, q)`` with ``q >= 1``, ``gcd(p, q) = 1`` from a canonical exact number, else rejected."""
    if not isinstance(v, str):
        _fail(f"{where}: {_show(v)} is not an exact number (write a string: an integer '-3' or a reduced fraction '-3/4')")
    if len(v) > 2 * MAX_DIGITS + 2:
        _fail(f"{where}: number with {len(v)} characters (at most {MAX_DIGITS} digits per numerator/denominator)")
    if _INTEGER.fullmatch(v):
        if len(v.lstrip("-")) > MAX_DIGITS:
            _fail(f"{where}: integer with {len(v.lstrip('-'))} digits (at most {MAX_DIGITS})")
        return int(v), 1
    m = _FRACTION.fullmatch(v)
    if m is None:
        _fail(f"{where}: {_show(v)} is not in canonical form (an integer -?[1-9][0-9]*|0 or a reduced fraction p/q, q > 1)")
    ps, qs = m.group(1), m.group(2)
    if max(len(ps.lstrip("-")), len(qs)) > MAX_DIGITS:
        _fail(f"{where}: fraction with more than {MAX_DIGITS} digits in its numerator or denominator")
    p, q = int(ps), int(qs)
    if q == 1 or math.gcd(p, q) != 1:
        _fail(f"{where}: {_show(v)} is not a reduced fraction ({'denominator 1' if q == 1 else f'gcd {math.gcd(p, q)}'})")
    return p, q


def _ray_key(r: Any, R: int, where: str) -> int:
    if not isinstance(r, str) or len(r) > 6 or not _RAY_KEY.fullmatch(r):
        _fail(f"{where}: key {_show(r)} is not a ray index in canonical decimal (0 or [1-9][0-9]*)")
    x = int(r)
    if x >= R:
        _fail(f"{where}: key {r!r} is not a ray index 0..{R - 1}")
    return x


def _ray_index(v: Any, R: int, what: str, where: str) -> int:
    if not _is_int(v) or not 0 <= v < R:
        _fail(f"{where}: {what} {_show(v)} is not a ray index 0..{R - 1}")
    return v


def _only_keys(obj: dict, allowed: frozenset | tuple, where: str) -> None:
    extra = [k for k in obj if k not in allowed]
    if extra:
        _fail(f"{where}: unexpected key {_show(extra[0])} (allowed: {', '.join(sorted(allowed))})")


# ----------------------------------------------------------------------------- model data
def _rays(n: int) -> list[frozenset]:
    return [frozenset(c) for k in range(1, n + 1) for c in combinations(range(n + 1), k)]


def _ray_vector(S: frozenset, n: int) -> tuple[int, ...]:
    if 0 in S:
        return tuple(0 if i in S else 1 for i in range(1, n + 1))
    return tuple(-1 if i in S else 0 for i in range(1, n + 1))


def _gmax(M: frozenset, x: tuple[int, ...]) -> int:
    return max(0 if i == 0 else x[i - 1] for i in M)


def _basis(n: int) -> list[frozenset]:
    return ([frozenset({i}) for i in range(1, n + 1)] + [frozenset({0, i}) for i in range(1, n + 1)]
            + [frozenset(c) for c in combinations(range(1, n + 1), 2)])


class _Model:
    def __init__(self, n: int):
        self.n = n
        self.rays = _rays(n)
        self.index = {S: i for i, S in enumerate(self.rays)}
        self.vec = [_ray_vector(S, n) for S in self.rays]
        self.basis = _basis(n)
        self.bindex = {M: j for j, M in enumerate(self.basis)}
        self.G = [[_gmax(M, x) for M in self.basis] for x in self.vec]
        self.Gsparse = [[(j, v) for j, v in enumerate(row) if v] for row in self.G]
        self.sign = [(-1) ** len(S) for S in self.rays]
        R = len(self.rays)
        self.nb = [frozenset(t for t in range(R) if t != s and (self.rays[s] < self.rays[t] or self.rays[t] < self.rays[s]))
                   for s in range(R)]
        self.k = len(self.basis)
        self.R = R


# ----------------------------------------------------------------------------- symmetries
class _Sym:
    """A listed model symmetry: an input permutation, optionally composed with the sign flip."""

    def __init__(self, m: _Model, perm: list[int], flip: bool, where: str):
        pi = {0: 0, **{i + 1: perm[i] for i in range(m.n)}}
        full = frozenset(range(m.n + 1))
        images = []
        for S in m.rays:
            T = frozenset(pi[i] for i in S)
            images.append(m.index[full - T] if flip else m.index[T])
        self.map = images
        self.flip = flip
        self._check_preserves_G(m, pi, perm, where)
        for s in range(m.R):
            for t in m.nb[s]:
                if images[t] not in m.nb[images[s]]:
                    _fail(f"{where}: does not preserve nestedness of rays {s}, {t}")
        self.keeps_sign = all(m.sign[images[s]] == m.sign[s] for s in range(m.R))

    @staticmethod
    def _check_preserves_G(m: _Model, pi: dict, perm: list, where: str) -> None:
        # the permutation part is a model symmetry: G[pi S][pi M] = G[S][M]
        for s, S in enumerate(m.rays):
            ps = m.index[frozenset(pi[i] for i in S)]
            for j, M in enumerate(m.basis):
                pj = m.bindex[frozenset(pi[i] for i in M)]
                if m.G[ps][pj] != m.G[s][j]:
                    _fail(f"{where}: perm {perm} does not preserve G at ray {sorted(S)}, basis {sorted(M)}")


def _parse_symmetry(m: _Model, spec: Any, where: str, flip_ok: bool) -> tuple[list[int], bool]:
    """``{"perm": [images of 1..n], "flip": bool}``, strictly typed."""
    if not isinstance(spec, dict) or "perm" not in spec or "flip" not in spec:
        _fail(f"{where}: a symmetry needs 'perm' (images of 1..n) and 'flip'")
    _only_keys(spec, frozenset({"perm", "flip"}), where)
    perm, flip = spec["perm"], spec["flip"]
    if not isinstance(perm, list) or not all(_is_int(p) for p in perm) or sorted(perm) != list(range(1, m.n + 1)):
        shown = perm if isinstance(perm, list) and len(perm) <= 8 and all(_is_int(p) and abs(p) < 100 for p in perm) else _show(perm)
        _fail(f"{where}: perm {shown} is not a permutation of 1..{m.n}")
    if not isinstance(flip, bool):
        _fail(f"{where}: flip must be true or false")
    if flip and not flip_ok:
        _fail(f"{where}: uses the sign flip but the certificate has no valid flip_matrix")
    return perm, flip


def _check_symmetries(m: _Model, specs: Any, flip_ok: bool) -> list[_Sym]:
    """The listed symmetries, each verified once (repeated entries share the check)."""
    if not isinstance(specs, list):
        _fail("'symmetries' must be a list of {'perm': [...], 'flip': bool}")
    checked: dict[tuple, _Sym] = {}
    out = []
    for i, spec in enumerate(specs):
        perm, flip = _parse_symmetry(m, spec, f"symmetries[{i}]", flip_ok)
        key = (tuple(perm), flip)
        if key not in checked:
            checked[key] = _Sym(m, perm, flip, f"symmetries[{i}]")
        out.append(checked[key])
    return out


def _check_flip_matrix(m: _Model, Phi: Any) -> list[list[Fraction]]:
    if not isinstance(Phi, list) or len(Phi) != m.k or any(not isinstance(r, list) or len(r) != m.k for r in Phi):
        _fail(f"flip_matrix must be a {m.k} x {m.k} list of exact numbers")
    P = [[parse_exact_number(v, f"flip_matrix[{i}][{j}]") for j, v in enumerate(r)] for i, r in enumerate(Phi)]
    full = frozenset(range(m.n + 1))
    for s, S in enumerate(m.rays):
        c = m.index[full - S]
        for j in range(m.k):
            if sum(m.G[c][i] * P[i][j] for i in range(m.k)) != m.G[s][j]:
                _fail(f"flip_matrix: row of ray {sorted(full - S)} times Phi differs from row of ray {sorted(S)} in column {j}")
    return P


# ----------------------------------------------------------------------------- progress
class _Progress:
    """``checked 1200/5400 leaves, 30 s, eta 90 s`` on ``stream`` every ``every`` s, after ``every`` s.

    The ETA is the measured rate of this phase (leaves per second so far) applied to what is left.
    """

    def __init__(self, total: int, stream: TextIO | None, every: float = 2.0):
        self.total, self.stream, self.every = total, stream, every
        self.done = 0
        self.t0 = self.last = time.monotonic()
        self.printed = False

    def step(self) -> None:
        self.done += 1
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            el = now - self.t0
            eta = el / self.done * (self.total - self.done)
            self._line(f"checked {self.done}/{self.total} leaves, {el:.0f} s, eta {eta:.0f} s")

    def close(self) -> None:
        if self.printed:
            self._line(f"checked {self.done}/{self.total} leaves in {time.monotonic() - self.t0:.1f} s")

    def _line(self, msg: str) -> None:
        try:
            print(msg, file=self.stream, flush=True)
        except (OSError, ValueError):  # a closed stderr must not turn a verdict into a crash
            self.stream = None
        self.printed = True


def _count_leaves(root: Any, max_depth: int) -> int:
    """Leaves of a (possibly malformed) tree, for the progress total; no validation here."""
    count, stack, seen = 0, [(root, 0)], set()
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict) and "ray" in node and depth <= max_depth and id(node) not in seen:
            seen.add(id(node))
            stack += [(node.get("one"), depth + 1), (node.get("zero"), depth + 1)]
        else:
            count += 1
    return count


# ----------------------------------------------------------------------------- trees
def _check_tree(m: _Model, root: Any, sense: int, syms: list[_Sym], label: str, progress: _Progress) -> tuple[int, int]:
    nodes = leaves = 0
    sig = [sense * sg for sg in m.sign]
    stack = [(root, frozenset(), frozenset(), label)]
    seen: set[int] = set()  # a Python object passed in could share subtrees (JSON cannot)
    while stack:
        node, F1, F0, path = stack.pop()
        nodes += 1
        if not isinstance(node, dict):
            _fail(f"{path}: node must be an object, got {_show(node)}")
        if id(node) in seen:
            _fail(f"{path}: the same node object occurs twice (the proof must be a tree)")
        seen.add(id(node))
        if "ray" in node:
            s, orbit = _check_branch(m, node, F1, F0, syms, path)
            stack.append((node["zero"], F1, F0 | {s} | set(orbit), path + ".0"))
            stack.append((node["one"], F1 | {s}, F0, path + ".1"))
            continue
        _check_leaf(m, node, F1, F0, sig, path)
        leaves += 1
        progress.step()
    return nodes, leaves


def _check_branch(m: _Model, node: dict, F1: frozenset, F0: frozenset, syms: list[_Sym], path: str) -> tuple[int, list[int]]:
    """Validate a branching node; returns the branching ray and its orbit."""
    _only_keys(node, _BRANCH_KEYS, path)
    if "one" not in node or "zero" not in node:
        _fail(f"{path}: a branch needs children 'one' and 'zero'")
    s = _ray_index(node["ray"], m.R, "branching ray", path)
    if s in F1 or s in F0:
        _fail(f"{path}: ray {s} is already fixed on this path")
    if ("orbit" in node) != ("maps" in node):
        _fail(f"{path}: 'orbit' and 'maps' go together")
    orbit, maps = node.get("orbit", []), node.get("maps", [])
    if not isinstance(orbit, list) or not isinstance(maps, list) or len(orbit) != len(maps):
        _fail(f"{path}: 'orbit' and 'maps' must be lists of equal length")
    for t, gi in zip(orbit, maps):
        if not _is_int(t) or not 0 <= t < m.R or t == s or t in F1 or t in F0:
            _fail(f"{path}: orbit member {_show(t)} is not a free ray different from {s}")
        if not _is_int(gi) or not 0 <= gi < len(syms):
            _fail(f"{path}: symmetry index {_show(gi)} out of range")
        g = syms[gi]
        if g.map[t] != s:
            _fail(f"{path}: symmetry {gi} maps ray {t} to {g.map[t]}, not to {s}")
        if any(g.map[x] not in F1 for x in F1) or any(g.map[x] not in F0 for x in F0):
            _fail(f"{path}: symmetry {gi} does not fix this node's fixings")
        if not g.keeps_sign:
            _fail(f"{path}: symmetry {gi} changes the objective")
    if len(set(orbit)) != len(orbit):
        _fail(f"{path}: an orbit member is listed twice")
    return s, orbit


def _check_leaf(m: _Model, node: dict, F1: frozenset, F0: frozenset, sig: list[int], path: str) -> None:
    """A leaf: every +1 ray determined, multipliers in range, the Farkas identity exact."""
    _only_keys(node, _LEAF_KEYS, path)
    pos = set(F1)
    for x in F1:
        pos.update(m.nb[x])
    free = {x for x in range(m.R) if x not in pos and x not in F0}
    bad = sorted(x for x in free if sig[x] > 0)
    if bad:
        _fail(f"{path}: leaf leaves ray {bad[0]} {sorted(m.rays[bad[0]])} undetermined although it enters sense*phi with +1")
    mult = _leaf_multipliers(m, node, {"lam": pos, "nu": F0, "mu": free}, path)
    residual, D = _farkas_residual(m, sig, [x for x in pos if x not in F0], mult)
    for j in range(m.k):
        if residual[j]:
            _fail(f"{path}: the Farkas identity fails in coordinate a_{j} ({sorted(m.basis[j])}): "
                  f"residual {_show_fraction(Fraction(residual[j], D))} != 0")


def _show_fraction(q: Fraction) -> str:
    s = str(q)
    return s if len(s) <= _SHOW else f"a number of {len(s)} characters"


def _leaf_multipliers(m: _Model, node: dict, allowed: dict[str, set], path: str) -> dict[str, dict[int, tuple[int, int]]]:
    """Parse ``lam``/``nu``/``mu`` to ``ray -> (p, q)``: canonical ray keys (so one entry per ray),
    canonical numbers, ranges ``>= 0`` and, for ``mu``, ``<= 1``."""
    mult: dict[str, dict[int, tuple[int, int]]] = {}
    for key in _LEAF_KEYS:
        part = node.get(key, {})
        if not isinstance(part, dict):
            _fail(f"{path}: '{key}' must be an object ray -> multiplier")
        mult[key] = {}
        for r, v in part.items():
            x = _ray_key(r, m.R, f"{path}.{key}")
            if x in mult[key]:  # impossible for canonical keys of a dict; kept as the stated invariant
                _fail(f"{path}: {key} has two multipliers on ray {x}")
            if x not in allowed[key]:
                _fail(f"{path}: {key} multiplier on ray {x}, which is not in the allowed set for {key} at this leaf")
            p, q = _exact_pair(v, f"{path}.{key}[{r}]")
            if p < 0 or (key == "mu" and p > q):
                _fail(f"{path}: {key}[{x}] = {_show_fraction(Fraction(p, q))} is outside its range "
                      f"({'[0, 1]' if key == 'mu' else '>= 0'})")
            mult[key][x] = (p, q)
    return mult


def _farkas_residual(m: _Model, sig: list[int], objrays: list[int], mult: dict) -> tuple[list[int], int]:
    """``D`` times the left side of the leaf identity, in integers (``D`` = lcm of the denominators)."""
    D = 1
    for part in mult.values():
        for _, q in part.values():
            if q != 1:
                D = math.lcm(D, q)
    weight = dict.fromkeys(objrays, 0)  # integer coefficient of each row G_x
    for x in objrays:
        weight[x] += sig[x] * D
    for key, coef in (("lam", 1), ("nu", -1), ("mu", -1)):
        for x, (p, q) in mult[key].items():
            weight[x] = weight.get(x, 0) + coef * p * (D // q)
    tot = [0] * m.k
    for x, w in weight.items():
        if w:
            for j, g in m.Gsparse[x]:
                tot[j] += w * g
    return tot, D


def _check_witness(m: _Model, w: Any, sense: int, where: str) -> Fraction:
    if not isinstance(w, dict) or not isinstance(w.get("a"), list) or len(w["a"]) != m.k:
        _fail(f"{where}: witness needs 'a', a list of {m.k} exact numbers")
    _only_keys(w, frozenset({"a"}), where)
    a = [parse_exact_number(v, f"{where}.a[{j}]") for j, v in enumerate(w["a"])]
    g = [sum(m.G[s][j] * a[j] for j in range(m.k)) for s in range(m.R)]
    for s in range(m.R):
        for t in m.nb[s]:
            if g[s] > 0 > g[t]:
                _fail(f"{where}: witness is not H-conforming: g = {_show_fraction(g[s])} at ray {s} "
                      f"and {_show_fraction(g[t])} at nested ray {t}")
    val = sum(m.sign[s] * max(Fraction(0), g[s]) for s in range(m.R))
    if sense * val <= 0:
        _fail(f"{where}: witness has phi = {_show_fraction(val)}, which does not have the claimed sign")
    return val


# ----------------------------------------------------------------------------- the certificate
@dataclass(frozen=True)
class CheckReport:
    """Outcome of a successful check.

    Attributes
    ----------
    n : int
    max_phi, min_phi : str
        ``"<= 0"``/``">= 0"`` when proved by a tree or the flip, ``"> 0"``/``"< 0"`` by a witness.
    optimum_zero : bool
        Both directions proved: the MIP optimum is exactly 0 and ``phi`` vanishes on every
        H_n-conforming 2-hidden-layer function.
    phi_of_max : Fraction
        ``phi_n(max{0, x_1..x_n})``, recomputed (``(-1)^n``).
    nodes, leaves : dict
        Per direction.
    conclusion : str
    """

    n: int
    max_phi: str
    min_phi: str
    optimum_zero: bool
    phi_of_max: Fraction
    nodes: dict = field(default_factory=dict)
    leaves: dict = field(default_factory=dict)
    conclusion: str = ""


def _check_header(cert: Any) -> _Model:
    """Top level: object, format, ``n``, and the informational ``rays``/``basis`` lists."""
    if not isinstance(cert, dict):
        _fail("the top level must be a JSON object")
    if cert.get("format") != FORMAT:
        _fail(f"format must be {FORMAT!r}, got {_show(cert.get('format'))}")
    n = cert.get("n")
    if not _is_int(n) or not 1 <= n <= _MAX_N:
        _fail(f"n must be an integer in 1..{_MAX_N}, got {_show(n)}")
    m = _Model(n)
    for name, canon, what in (("rays", m.rays, "the canonical order (size, then lexicographic)"),
                              ("basis", m.basis, "x_i, max{0,x_i}, max{x_i,x_j}")):
        if name in cert and not _same_int_lists(cert[name], [sorted(S) for S in canon]):
            _fail(f"the listed {name} differ from {what}" if name == "rays" else f"the listed {name} differs from {what}")
    full = frozenset(range(n + 1))
    # phi_n kills every g_M except M = [n]_0 (generalised HBDSS Lemma 2.9), value (-1)^n there
    if sum(m.sign[s] * _gmax(full, m.vec[s]) for s in range(m.R)) != (-1) ** n:
        _fail("internal: phi(max) != (-1)^n")  # pragma: no cover
    return m


def _same_int_lists(given: Any, canon: list[list[int]]) -> bool:
    return (isinstance(given, list) and len(given) == len(canon)
            and all(isinstance(g, list) and len(g) == len(c) and all(_is_int(a) and a == b for a, b in zip(g, c))
                    for g, c in zip(given, canon)))


def _check_proofs(m: _Model, proofs: Any, syms: list[_Sym], flip_ok: bool, progress: _Progress) -> tuple[dict, dict, dict]:
    """Both directions; returns the per-direction results, node and leaf counts."""
    if not isinstance(proofs, dict) or set(proofs) != {"max", "min"}:
        _fail("'proofs' must have exactly the directions 'max' and 'min'")
    for d in ("max", "min"):
        p = proofs[d]
        if not isinstance(p, dict) or len(p) != 1:
            _fail(f"proofs.{d} must be one of {{'tree': ...}}, {{'by_flip': true}}, {{'witness': ...}}")
    progress.total = sum(_count_leaves(proofs[d]["tree"], m.R + 1) for d in ("max", "min") if "tree" in proofs[d])
    result: dict[str, str] = {}
    nodes: dict[str, int] = {}
    leaves: dict[str, int] = {}
    for d, sense in (("max", 1), ("min", -1)):
        p = proofs[d]
        if "tree" in p:
            nodes[d], leaves[d] = _check_tree(m, p["tree"], sense, syms, d, progress)
            result[d] = "<= 0" if sense > 0 else ">= 0"
        elif "witness" in p:
            val = _check_witness(m, p["witness"], sense, f"proofs.{d}.witness")
            result[d] = f"{'>' if sense > 0 else '<'} 0 (witness phi = {val})"
        elif "by_flip" in p:
            _check_by_flip(m, proofs, d, flip_ok)
            result[d] = "<= 0" if sense > 0 else ">= 0"
        else:
            _fail(f"proofs.{d}: unknown proof kind {_show(next(iter(p)))}")
    progress.close()
    return result, nodes, leaves


def _check_by_flip(m: _Model, proofs: dict, d: str, flip_ok: bool) -> None:
    if proofs[d]["by_flip"] is not True:
        _fail(f"proofs.{d}: by_flip must be true")
    if not flip_ok:
        _fail(f"proofs.{d}: by_flip needs a valid flip_matrix")
    if m.n % 2:
        _fail(f"proofs.{d}: for odd n the flip preserves phi, it cannot exchange max and min")
    if "tree" not in proofs["min" if d == "max" else "max"]:
        _fail(f"proofs.{d}: by_flip needs a tree for the other direction")


def check_certificate(cert: Any, *, progress: TextIO | None = None, progress_every: float = 2.0,
                      max_mb: float = MAX_FILE_MB) -> CheckReport:
    """Verify a certificate (a parsed JSON object, or a path to a JSON file).

    Parameters
    ----------
    cert : dict or str or Path
        The certificate, or the path of its file (read with :func:`load_certificate`).
    progress : text stream, optional
        Where to print progress lines (e.g. ``sys.stderr``): one every ``progress_every`` seconds,
        the first after ``progress_every`` seconds (quick checks stay silent), and a closing line
        if any was printed.  The ETA is the measured rate of the leaf checks applied to the rest.
    progress_every : float
        Seconds between progress lines.
    max_mb : float
        Size limit of the file.

    Raises
    ------
    CertificateError
        With the first reason found (malformed field, failed identity, invalid symmetry, ...).
    CertificateReadError
        The file cannot be read (missing, directory, unreadable, not UTF-8, too large).

    Examples
    --------
    A root that is a leaf without multipliers would claim ``max phi <= 0`` for free:

    >>> check_certificate({"format": FORMAT, "n": 4, "proofs": {"max": {"tree": {}}, "min": {"tree": {}}}})
    Traceback (most recent call last):
    ...
    expressivity.proofs.certificate_check.CertificateError: certificate rejected: max: leaf leaves ray 5 [0, 1] undetermined although it enters sense*phi with +1
    """
    if isinstance(cert, (str, Path)):
        cert = load_certificate(cert, max_mb=max_mb)
    m = _check_header(cert)
    flip_ok = False
    if cert.get("flip_matrix") is not None:
        _check_flip_matrix(m, cert["flip_matrix"])
        flip_ok = True
    syms = _check_symmetries(m, cert.get("symmetries", []), flip_ok)
    result, nodes, leaves = _check_proofs(m, cert.get("proofs"), syms, flip_ok, _Progress(0, progress, progress_every))
    n = m.n
    phi_max = Fraction((-1) ** n)
    zero = result["max"] == "<= 0" and result["min"] == ">= 0"
    if zero:
        conclusion = (f"phi_{n}(sigma o g) = 0 for every H_{n}-conforming g in span B^(1) with sigma o g H_{n}-conforming; "
                      f"the MIP optimum is exactly 0 (a = 0 is feasible), and since phi_{n}(max{{0,x_1..x_{n}}}) = {phi_max} != 0, "
                      f"no H_{n}-conforming ReLU network with 2 hidden layers computes max{{0,x_1..x_{n}}}")
    else:
        conclusion = f"max phi {result['max']}, min phi {result['min']}: the MIP optimum is not 0"
    return CheckReport(n, result["max"], result["min"], zero, phi_max, nodes, leaves, conclusion)


# ----------------------------------------------------------------------------- MAX_n certificates
# Rueß et al. (R+26 Prop. 2.1): max{x_1..x_n} = sum_T c_T F_T with F_T(x) = sum_{sigma in S_n}
# max{sum_{(i,j) in A} max(x_sigma(i), x_sigma(j)), sum_{(i,j) in B} max(x_sigma(i), x_sigma(j))}.
# A symmetric identity holds on R^n iff it holds on the sorted cone x_1 <= ... <= x_n (R+26
# Prop. 3.1).  There max(u, v) = u + relu(v - u) turns F_T into a linear form plus an integer
# combination of hinges relu(d . x); hinges of constant sign on the cone are linear or zero,
# relu(-t) = relu(t) - t identifies d with -d, positive multiples are merged.  Distinct
# normalised hinges are linearly independent modulo linear forms, so the identity holds iff every
# hinge coefficient cancels and the linear parts add up to x_n.  The expansion below is written
# independently of the toolkit's: injective maps of the template's indices into positions are
# grouped by the order of the indices (built from the lowest rank up, over subsets) and by the
# positions of the ranks that carry a nonzero difference (binomial counts).

MAX_FORMAT = "expressivity.relu-max-certificate/1"
INFEASIBLE_FORMAT = "expressivity.relu-max-infeasibility/1"
_MAX_CERT_N = 12


@dataclass
class MaxCheckReport:
    """Outcome of a successful check of a MAX_n certificate or infeasibility certificate.

    ``kind`` is ``"certificate"`` (the identity holds exactly) or ``"infeasible"`` (no rational
    combination of the templates of the stated complete space equals ``max``).
    """

    kind: str
    n: int
    k: int
    templates: int
    hinges: int
    conclusion: str


def _orders_bottom_up(A: list[tuple[int, int]], B: list[tuple[int, int]], u: int) -> dict:
    """Multiset {d: count} over the u! orders; d[r] = #B-pairs - #A-pairs whose larger end has rank r."""
    layer: dict[int, dict[tuple[int, ...], int]] = {0: {(): 1}}
    for _size in range(u):
        nxt: dict[int, dict[tuple[int, ...], int]] = {}
        for placed, tails in layer.items():
            for v in range(u):
                if placed >> v & 1:
                    continue
                now = placed | (1 << v)
                top = 0
                for sgn, pairs in ((-1, A), (1, B)):
                    for i, j in pairs:
                        if (i == v or j == v) and now >> i & 1 and now >> j & 1:
                            top += sgn
                dst = nxt.setdefault(now, {})
                for tail, c in tails.items():
                    key = tail + (top,)
                    dst[key] = dst.get(key, 0) + c
        layer = nxt
    return layer[(1 << u) - 1]


def _relu_class(d: list[int]) -> tuple[str, tuple[int, ...], int]:
    """'lin' (relu(d.x) = d.x on the cone), 'zero', or ('hinge', w, g) with d = g w, w primitive,
    the first nonzero suffix sum of w (from the left) positive."""
    n = len(d)
    suf = [0] * n
    acc = 0
    for j in range(n - 1, 0, -1):
        acc += d[j]
        suf[j] = acc
    vals = suf[1:]
    if all(v >= 0 for v in vals):
        return ("lin", (), 0)
    if all(v <= 0 for v in vals):
        return ("zero", (), 0)
    g = math.gcd(*d)
    if next(v for v in vals if v) < 0:
        g = -g
    return ("hinge", tuple(x // g for x in d), g)


def _position_counts(ranks: tuple[int, ...], u: int, n: int) -> list[tuple[tuple[int, ...], int]]:
    """Positions q_1 < ... < q_s of the ranks r_1 < ... < r_s, with the number of u-subsets of 0..n-1
    whose r_t-th smallest element is q_t for every t."""
    out = []
    for q in combinations(range(n), len(ranks)):
        cnt = math.comb(q[0], ranks[0]) * math.comb(n - 1 - q[-1], u - 1 - ranks[-1])
        for t in range(len(ranks) - 1):
            cnt *= math.comb(q[t + 1] - q[t] - 1, ranks[t + 1] - ranks[t] - 1)
        if cnt:
            out.append((q, cnt))
    return out


def max_template_expansion(A: list[tuple[int, int]], B: list[tuple[int, int]], n: int) -> tuple[list[int], dict]:
    """``F_{A,B}`` on the sorted cone: integer linear coefficients and ``{hinge key: coefficient}``.

    Examples
    --------
    ``A = B``: ``sum_sigma max(x_sigma(0), x_sigma(1))`` is ``2 q (n-2)!`` times ``x_q`` (0-based q).

    >>> max_template_expansion([(0, 1)], [(0, 1)], 3)
    ([0, 2, 4], {})
    """
    idx = sorted({i for p in A + B for i in p})
    u = len(idx)
    pos = {v: r for r, v in enumerate(idx)}
    a = [(pos[i], pos[j]) for i, j in A]
    b = [(pos[i], pos[j]) for i, j in B]
    mult = math.factorial(n - u)
    lin = [0] * n
    for i, j in a:  # the linear part sum_sigma l_A(sigma x), by counting maps with max at q
        for q in range(n):
            lin[q] += math.factorial(n - 1) if i == j else 2 * q * math.factorial(n - 2)
    hinges: dict[tuple[int, ...], int] = {}
    support: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}  # (ranks, values) -> number of orders
    for d, c in _orders_bottom_up(a, b, u).items():
        ranks = tuple(r for r in range(u) if d[r])
        if ranks:
            key_rv = (ranks, tuple(d[r] for r in ranks))
            support[key_rv] = support.get(key_rv, 0) + c
    placements: dict[tuple[int, ...], list] = {}
    for (ranks, values), c in support.items():
        if ranks not in placements:
            placements[ranks] = _position_counts(ranks, u, n)
        for q, cnt in placements[ranks]:
            full = [0] * n
            for p, v in zip(q, values):
                full[p] = v
            w = mult * c * cnt
            kind, key, g = _relu_class(full)
            if kind == "lin" or (kind == "hinge" and g < 0):
                for p in q:
                    lin[p] += w * full[p]
            if kind == "hinge":
                hinges[key] = hinges.get(key, 0) + w * abs(g)
    return lin, {h: v for h, v in hinges.items() if v}


def _pairs(v: Any, n: int, where: str) -> list[tuple[int, int]]:
    if not isinstance(v, list) or not v:
        _fail(f"{where}: must be a non-empty list of index pairs")
    out = []
    for i, p in enumerate(v):
        if not isinstance(p, list) or len(p) != 2 or not all(_is_int(x) and 0 <= x < n for x in p):
            _fail(f"{where}[{i}]: {_show(p)} is not a pair of indices in 0..{n - 1}")
        out.append((min(p), max(p)))
    return out


def _max_header(cert: dict, kinds: tuple[str, ...]) -> int:
    n = cert.get("n")
    if not _is_int(n) or not 3 <= n <= _MAX_CERT_N:
        _fail(f"n must be an integer in 3..{_MAX_CERT_N}, got {_show(n)}")
    return n


def _check_max_certificate(cert: dict) -> MaxCheckReport:
    n = _max_header(cert, ("certificate",))
    terms = cert.get("terms")
    if not isinstance(terms, list) or not terms:
        _fail("'terms' must be a non-empty list of {A, B, coefficient}")
    coeffs, tmpl = [], []
    k = None
    for i, t in enumerate(terms):
        if not isinstance(t, dict):
            _fail(f"terms[{i}] must be an object")
        _only_keys(t, ("A", "B", "coefficient"), f"terms[{i}]")
        A, B = _pairs(t.get("A"), n, f"terms[{i}].A"), _pairs(t.get("B"), n, f"terms[{i}].B")
        if len(A) != len(B):
            _fail(f"terms[{i}]: A and B have {len(A)} and {len(B)} pairs")
        k = len(A) if k is None else max(k, len(A))
        coeffs.append(_exact_pair(t.get("coefficient"), f"terms[{i}].coefficient"))
        tmpl.append((A, B))
    D = 1
    for _, q in coeffs:
        D = D * q // math.gcd(D, q)
    lin = [0] * n
    hinge: dict[tuple[int, ...], int] = {}
    for (A, B), (p, q) in zip(tmpl, coeffs):
        c = p * (D // q)  # integer coefficient of D * identity
        ell, hs = max_template_expansion(A, B, n)
        for j in range(n):
            lin[j] += c * ell[j]
        for key, v in hs.items():
            hinge[key] = hinge.get(key, 0) + c * v
    want = [0] * (n - 1) + [D]
    if lin != want:
        j = next(j for j in range(n) if lin[j] != want[j])
        _fail(f"the linear part is not x_{n}: coefficient of x_{j + 1} is {_show_fraction(Fraction(lin[j], D))}")
    bad = [key for key, v in hinge.items() if v]
    if bad:
        _fail(f"{len(bad)} hinge coefficients do not cancel, e.g. relu({list(bad[0])} . x) has "
              f"{_show_fraction(Fraction(hinge[bad[0]], D))}")
    return MaxCheckReport("certificate", n, k or 0, len(tmpl), len(hinge),
                          f"max{{x_1..x_{n}}} = sum of {len(tmpl)} rational multiples of symmetrised blocks "
                          f"max{{sum of {k} pairwise maxima, sum of {k} pairwise maxima}}, each computable with "
                          f"2 hidden layers; hence MAX_{n} is computable with 2 hidden layers")


def _all_templates(n: int, k: int, diagonal: bool) -> list[tuple[list, list]]:
    """Every unordered pair A != B of k-multisets of pairs, up to relabelling by first appearance."""
    pairs = [(i, j) for i in range(n) for j in range(i if diagonal else i + 1, n)]
    ms = list(combinations_with_replacement(pairs, k))
    seen = set()
    out = []
    for ia, a in enumerate(ms):
        for b in ms[ia + 1:]:
            lab: dict[int, int] = {}
            nf = []
            for p in a + b:
                nf.append(tuple(sorted(lab.setdefault(i, len(lab)) for i in p)))
            key = (tuple(sorted(nf[:k])), tuple(sorted(nf[k:])))
            key = min(key, key[::-1])
            if key not in seen:
                seen.add(key)
                out.append((list(key[0]), list(key[1])))
    return out


def _check_max_infeasibility(cert: dict) -> MaxCheckReport:
    n = _max_header(cert, ("infeasible",))
    k, diagonal = cert.get("k"), cert.get("diagonal", False)
    if not _is_int(k) or not 1 <= k <= 4:
        _fail(f"k must be an integer in 1..4, got {_show(k)}")
    if not isinstance(diagonal, bool):
        _fail("'diagonal' must be true or false")
    if cert.get("space") != "all":
        _fail("'space' must be \"all\": only the complete template space is re-enumerated by this checker")
    ms = math.comb(n * (n + 1) // 2 if diagonal else n * (n - 1) // 2, k)
    if ms * ms > 4_000_000:
        _fail(f"the complete space for n = {n}, k = {k} is too large to re-enumerate here ({ms}^2 pairs)")
    yl = cert.get("y_linear")
    if not isinstance(yl, list) or len(yl) != n:
        _fail(f"'y_linear' must be a list of {n} exact numbers")
    ylin = [parse_exact_number(v, f"y_linear[{j}]") for j in range(n) for v in [yl[j]]]
    yh = cert.get("y_hinges")
    if not isinstance(yh, list):
        _fail("'y_hinges' must be a list of [key, exact number]")
    yhin: dict[tuple[int, ...], Fraction] = {}
    for i, item in enumerate(yh):
        if (not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], list) or len(item[0]) != n
                or not all(_is_int(x) for x in item[0])):
            _fail(f"y_hinges[{i}] must be [[{n} integers], exact number]")
        key = tuple(item[0])
        if key in yhin:
            _fail(f"y_hinges[{i}]: key {list(key)} listed twice")
        yhin[key] = parse_exact_number(item[1], f"y_hinges[{i}]")
    if ylin[n - 1] == 0:
        _fail(f"y . b = y_linear[{n - 1}] is 0: the vector does not separate max from the span")
    space = _all_templates(n, k, diagonal)
    for A, B in space:
        ell, hs = max_template_expansion(A, B, n)
        val = sum(ylin[j] * ell[j] for j in range(n)) + sum(yhin.get(key, 0) * v for key, v in hs.items())
        if val != 0:
            _fail(f"y . F is {_show_fraction(val)} != 0 for the template A = {A}, B = {B}")
    return MaxCheckReport("infeasible", n, k, len(space), len(yhin),
                          f"y^T F_T = 0 for all {len(space)} templates with k = {k} pairs per side on {n} indices "
                          f"and y^T x_{n} = {_show_fraction(ylin[n - 1])} != 0: max{{x_1..x_{n}}} is not a rational "
                          f"combination of these symmetrised blocks")


def check_max_certificate(cert: Any, *, max_mb: float = MAX_FILE_MB) -> MaxCheckReport:
    """Verify a MAX_n certificate (``expressivity.relu-max-certificate/1``, or the legacy form with only
    ``n`` and ``terms``) or an infeasibility certificate (``expressivity.relu-max-infeasibility/1``).

    Examples
    --------
    The published n = 6 identity of R+26 (0-based indices):

    >>> T = [([[0, 1], [0, 1]], [[2, 3], [2, 3]], "1/720"), ([[0, 1], [0, 2]], [[0, 3], [4, 5]], "1/360"),
    ...      ([[0, 1], [0, 2]], [[3, 4], [3, 5]], "-1/1440"), ([[0, 1], [2, 3]], [[0, 2], [4, 5]], "-1/360")]
    >>> cert = {"format": MAX_FORMAT, "n": 6, "terms": [{"A": a, "B": b, "coefficient": c} for a, b, c in T]}
    >>> check_max_certificate(cert).templates
    4
    >>> cert["terms"][0]["coefficient"] = "1/721"
    >>> check_max_certificate(cert)
    Traceback (most recent call last):
    ...
    expressivity.proofs.certificate_check.CertificateError: certificate rejected: the linear part is not x_6: coefficient of x_4 is -2/10815
    """
    if isinstance(cert, (str, Path)):
        cert = load_certificate(cert, max_mb=max_mb)
    if not isinstance(cert, dict):
        _fail("the top level must be a JSON object")
    fmt = cert.get("format")
    if fmt == INFEASIBLE_FORMAT:
        return _check_max_infeasibility(cert)
    if fmt == MAX_FORMAT or (fmt is None and "terms" in cert):
        return _check_max_certificate(cert)
    _fail(f"format must be {MAX_FORMAT!r} or {INFEASIBLE_FORMAT!r}, got {_show(fmt)}")


# ----------------------------------------------------------------------------- command line
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"python -m {__spec__.name}" if __spec__ is not None else "python certificate_check.py",
        description="Verify an HBDSS-MIP certificate exactly (Fractions and integers only, standard library only).",
        epilog="exit status: 0 ACCEPTED (verified); 1 REJECTED (the one-line reason is printed); "
               "2 usage or I/O error (bad arguments; file missing, a directory, unreadable, not UTF-8, too large).")
    p.add_argument("file", metavar="FILE", help="certificate JSON (expressivity depth hbdss --exact --certificate FILE)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument("--json", action="store_true", help="print only the JSON verdict on stdout")
    p.add_argument("--progress-every", type=float, default=2.0, metavar="SECONDS",
                   help="seconds between progress lines on stderr (default 2; the first after as many seconds)")
    p.add_argument("--max-mb", type=float, default=MAX_FILE_MB, metavar="MB",
                   help=f"refuse files larger than MB megabytes (default {MAX_FILE_MB})")
    return p


def _verdict_json(file: str, status: str, rep: CheckReport | None = None, reason: str | None = None) -> str:
    obj: dict[str, Any] = {"file": file, "status": status, "verified": rep is not None}
    if rep is not None:
        obj.update(n=rep.n, max_phi=rep.max_phi, min_phi=rep.min_phi, optimum_zero=rep.optimum_zero,
                   phi_of_max=str(rep.phi_of_max), nodes=rep.nodes, leaves=rep.leaves, conclusion=rep.conclusion)
    else:
        obj["reason"] = reason
    return json.dumps(obj)


def _is_max_kind(data: Any) -> bool:
    return isinstance(data, dict) and (data.get("format") in (MAX_FORMAT, INFEASIBLE_FORMAT)
                                       or (data.get("format") is None and "terms" in data))


def _main_max(args: argparse.Namespace, rep: MaxCheckReport) -> int:
    if args.json:
        print(json.dumps({"file": args.file, "status": "accepted", "verified": True, "kind": rep.kind, "n": rep.n,
                          "k": rep.k, "templates": rep.templates, "hinges": rep.hinges, "conclusion": rep.conclusion}))
    else:
        print(f"VERIFIED (ACCEPTED; exact, integers and Fractions only): MAX_{rep.n} {rep.kind}, k = {rep.k}, "
              f"{rep.templates} templates re-expanded on the sorted cone, {rep.hinges} hinges")
        print(rep.conclusion)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit status (0 accepted, 1 rejected, 2 usage or I/O error)."""
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return 0 if exc.code in (0, None) else 2
    if not args.max_mb > 0 or not args.progress_every >= 0:
        print("error: --max-mb must be positive and --progress-every non-negative", file=sys.stderr)
        return 2
    try:
        data = load_certificate(args.file, max_mb=args.max_mb)
        if _is_max_kind(data):
            return _main_max(args, check_max_certificate(data))
        rep = check_certificate(data, progress=None if args.quiet else sys.stderr,
                                progress_every=args.progress_every, max_mb=args.max_mb)
    except CertificateReadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.json:
            print(_verdict_json(args.file, "error", reason=str(exc)))
        return 2
    except CertificateError as exc:
        print(_verdict_json(args.file, "rejected", reason=exc.reason) if args.json else f"REJECTED: {exc.reason}")
        return 1
    if args.json:
        print(_verdict_json(args.file, "accepted", rep))
    else:
        print(f"VERIFIED (ACCEPTED; exact, integers and Fractions only): n = {rep.n}; max phi {rep.max_phi}; "
              f"min phi {rep.min_phi}; nodes {rep.nodes}, leaves {rep.leaves}")
        print(rep.conclusion)
    return 0


if __name__ == "__main__":
    sys.exit(main())
