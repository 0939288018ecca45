"""Standalone checker for HBDSS-MIP certificates (``expressivity.hbdss-certificate/1``).

Run as ``python -m proofs.certificate_check FILE``.  It uses the standard library only
(``fractions``, ``itertools``, ``json``): no LP/MILP solver, no floating point, and none of the
toolkit's MIP code.  It rebuilds the rays, the basis and the matrix ``G`` from ``n`` alone and
trusts nothing in the file except what it re-verifies.

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
  which is a Farkas certificate that the leaf's relaxation has value ``<= 0``.
* ``{"by_flip": true}`` for one direction: negating the first layer maps ``g`` to ``g'`` with
  ``g'_{S^c} = g_S`` (``flip_matrix`` is checked: ``G[S^c] . Phi = G[S]``); for even n it turns
  ``phi`` into ``-phi``, so the other direction's tree suffices.
* ``{"witness": {"a": [...]}}``: an exact ``a`` whose ``sigma o g`` is H_n-conforming with
  ``sense * phi > 0`` (the optimum is positive).

Exit status: 0 if the certificate verifies, 1 if it is rejected (the reason is printed), 2 on
usage errors.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from pathlib import Path
from typing import Any

try:  # the toolkit's exception, when available; the checker itself needs nothing from it
    from expressivity.exceptions import CertificateError
except ImportError:  # pragma: no cover - standalone use outside the toolkit
    class CertificateError(Exception):
        """A certificate is malformed or does not certify what it claims."""

__all__ = ["FORMAT", "CheckReport", "check_certificate", "main"]

FORMAT = "expressivity.hbdss-certificate/1"
_MAX_N = 7


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
        self.sign = [(-1) ** len(S) for S in self.rays]
        R = len(self.rays)
        self.nb = [[t for t in range(R) if t != s and (self.rays[s] < self.rays[t] or self.rays[t] < self.rays[s])]
                   for s in range(R)]
        self.k = len(self.basis)
        self.R = R


def _fail(msg: str) -> None:
    raise CertificateError(f"certificate rejected: {msg}")


def _num(v: Any, where: str) -> Fraction:
    if isinstance(v, bool) or isinstance(v, float):
        _fail(f"{where}: {v!r} is not an exact number (use an integer or a 'p/q' string)")
    if isinstance(v, int):
        return Fraction(v)
    if isinstance(v, str):
        try:
            return Fraction(v)
        except (ValueError, ZeroDivisionError):
            _fail(f"{where}: {v!r} is not a rational number")
    _fail(f"{where}: expected an integer or a 'p/q' string, got {type(v).__name__}")
    raise AssertionError  # unreachable


# ----------------------------------------------------------------------------- symmetries
class _Sym:
    def __init__(self, m: _Model, spec: Any, where: str, flip_ok: bool):
        if not isinstance(spec, dict) or "perm" not in spec:
            _fail(f"{where}: a symmetry needs 'perm' (images of 1..n) and 'flip'")
        perm, flip = spec["perm"], spec.get("flip", False)
        n = m.n
        if not isinstance(perm, list) or sorted(perm) != list(range(1, n + 1)) or any(isinstance(p, bool) for p in perm):
            _fail(f"{where}: perm {perm!r} is not a permutation of 1..{n}")
        if not isinstance(flip, bool):
            _fail(f"{where}: flip must be true or false")
        if flip and not flip_ok:
            _fail(f"{where}: uses the sign flip but the certificate has no valid flip_matrix")
        pi = {0: 0, **{i + 1: perm[i] for i in range(n)}}
        full = frozenset(range(n + 1))
        images = []
        for S in m.rays:
            T = frozenset(pi[i] for i in S)
            images.append(m.index[full - T] if flip else m.index[T])
        self.map = images
        self.flip = flip
        # the permutation part is a model symmetry: G[pi S][pi M] = G[S][M]
        for s, S in enumerate(m.rays):
            ps = m.index[frozenset(pi[i] for i in S)]
            for j, M in enumerate(m.basis):
                pj = m.bindex[frozenset(pi[i] for i in M)]
                if m.G[ps][pj] != m.G[s][j]:
                    _fail(f"{where}: perm {perm} does not preserve G at ray {sorted(S)}, basis {sorted(M)}")
        for s in range(m.R):
            for t in m.nb[s]:
                if images[t] not in m.nb[images[s]]:
                    _fail(f"{where}: does not preserve nestedness of rays {s}, {t}")

    def keeps_sign(self, m: _Model) -> bool:
        return all(m.sign[self.map[s]] == m.sign[s] for s in range(m.R))


def _check_flip_matrix(m: _Model, Phi: Any) -> list[list[Fraction]]:
    if not isinstance(Phi, list) or len(Phi) != m.k or any(not isinstance(r, list) or len(r) != m.k for r in Phi):
        _fail(f"flip_matrix must be a {m.k} x {m.k} list of exact numbers")
    P = [[_num(v, f"flip_matrix[{i}][{j}]") for j, v in enumerate(r)] for i, r in enumerate(Phi)]
    full = frozenset(range(m.n + 1))
    for s, S in enumerate(m.rays):
        c = m.index[full - S]
        for j in range(m.k):
            if sum(m.G[c][i] * P[i][j] for i in range(m.k)) != m.G[s][j]:
                _fail(f"flip_matrix: row of ray {sorted(full - S)} times Phi differs from row of ray {sorted(S)} in column {j}")
    return P


# ----------------------------------------------------------------------------- trees
def _check_tree(m: _Model, root: Any, sense: int, syms: list[_Sym], label: str) -> tuple[int, int]:
    nodes = leaves = 0
    sig = [sense * sg for sg in m.sign]
    stack = [(root, frozenset(), frozenset(), label)]
    while stack:
        node, F1, F0, path = stack.pop()
        nodes += 1
        if not isinstance(node, dict):
            _fail(f"{path}: node must be an object")
        if "ray" in node:
            s = node["ray"]
            if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s < m.R:
                _fail(f"{path}: branching ray {s!r} is not a ray index 0..{m.R - 1}")
            if s in F1 or s in F0:
                _fail(f"{path}: ray {s} is already fixed on this path")
            orbit, maps = node.get("orbit", []), node.get("maps", [])
            if not isinstance(orbit, list) or not isinstance(maps, list) or len(orbit) != len(maps):
                _fail(f"{path}: 'orbit' and 'maps' must be lists of equal length")
            for t, gi in zip(orbit, maps):
                if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < m.R or t == s or t in F1 or t in F0:
                    _fail(f"{path}: orbit member {t!r} is not a free ray different from {s}")
                if isinstance(gi, bool) or not isinstance(gi, int) or not 0 <= gi < len(syms):
                    _fail(f"{path}: symmetry index {gi!r} out of range")
                g = syms[gi]
                if g.map[t] != s:
                    _fail(f"{path}: symmetry {gi} maps ray {t} to {g.map[t]}, not to {s}")
                if any(g.map[x] not in F1 for x in F1) or any(g.map[x] not in F0 for x in F0):
                    _fail(f"{path}: symmetry {gi} does not fix this node's fixings")
                if not g.keeps_sign(m):
                    _fail(f"{path}: symmetry {gi} changes the objective")
            if "one" not in node or "zero" not in node:
                _fail(f"{path}: a branch needs children 'one' and 'zero'")
            stack.append((node["zero"], F1, F0 | {s} | set(orbit), path + ".0"))
            stack.append((node["one"], F1 | {s}, F0, path + ".1"))
            continue
        leaves += 1
        pos = set(F1)
        for x in F1:
            pos.update(m.nb[x])
        free = [x for x in range(m.R) if x not in pos and x not in F0]
        bad = [x for x in free if sig[x] > 0]
        if bad:
            _fail(f"{path}: leaf leaves ray {bad[0]} {sorted(m.rays[bad[0]])} undetermined although it enters sense*phi with +1")
        allowed = {"lam": pos, "nu": F0, "mu": set(free)}
        total = [Fraction(0)] * m.k
        for x in pos:
            if x not in F0:
                for j in range(m.k):
                    total[j] += sig[x] * m.G[x][j]
        for key, coef in (("lam", 1), ("nu", -1), ("mu", -1)):
            part = node.get(key, {})
            if not isinstance(part, dict):
                _fail(f"{path}: '{key}' must be an object ray -> multiplier")
            for r, v in part.items():
                try:
                    x = int(r)
                except ValueError:
                    _fail(f"{path}: {key} key {r!r} is not a ray index")
                if x not in allowed[key]:
                    _fail(f"{path}: {key} multiplier on ray {x}, which is not in the allowed set for {key} at this leaf")
                q = _num(v, f"{path}.{key}[{r}]")
                if q < 0 or (key == "mu" and q > 1):
                    _fail(f"{path}: {key}[{x}] = {q} is outside its range ({'[0, 1]' if key == 'mu' else '>= 0'})")
                if q:
                    row = m.G[x]
                    for j in range(m.k):
                        if row[j]:
                            total[j] += coef * q * row[j]
        for j in range(m.k):
            if total[j] != 0:
                _fail(f"{path}: the Farkas identity fails in coordinate a_{j} ({sorted(m.basis[j])}): residual {total[j]} != 0")
    return nodes, leaves


def _check_witness(m: _Model, w: Any, sense: int, where: str) -> Fraction:
    if not isinstance(w, dict) or not isinstance(w.get("a"), list) or len(w["a"]) != m.k:
        _fail(f"{where}: witness needs 'a', a list of {m.k} exact numbers")
    a = [_num(v, f"{where}.a[{j}]") for j, v in enumerate(w["a"])]
    g = [sum(m.G[s][j] * a[j] for j in range(m.k)) for s in range(m.R)]
    for s in range(m.R):
        for t in m.nb[s]:
            if g[s] > 0 > g[t]:
                _fail(f"{where}: witness is not H-conforming: g = {g[s]} at ray {s} and {g[t]} at nested ray {t}")
    val = sum(m.sign[s] * max(Fraction(0), g[s]) for s in range(m.R))
    if sense * val <= 0:
        _fail(f"{where}: witness has phi = {val}, which does not have the claimed sign")
    return val


def check_certificate(cert: Any) -> CheckReport:
    """Verify a certificate (a parsed JSON object, or a path to a JSON file).

    Raises
    ------
    CertificateError
        With the first reason found (malformed field, failed identity, invalid symmetry, ...).
    """
    if isinstance(cert, (str, Path)):
        try:
            cert = json.loads(Path(cert).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CertificateError(f"cannot read certificate {cert}: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CertificateError(f"certificate {cert} is not valid JSON: {exc}") from exc
    if not isinstance(cert, dict):
        _fail("the top level must be a JSON object")
    if cert.get("format") != FORMAT:
        _fail(f"format must be {FORMAT!r}, got {cert.get('format')!r}")
    n = cert.get("n")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_N:
        _fail(f"n must be an integer in 1..{_MAX_N}, got {n!r}")
    m = _Model(n)
    if "rays" in cert and [sorted(S) for S in m.rays] != cert["rays"]:
        _fail("the listed rays differ from the canonical order (size, then lexicographic)")
    if "basis" in cert and [sorted(M) for M in m.basis] != cert["basis"]:
        _fail("the listed basis differs from x_i, max{0,x_i}, max{x_i,x_j}")
    # phi_n kills every g_M except M = [n]_0 (generalised HBDSS Lemma 2.9), value (-1)^n there
    full = frozenset(range(n + 1))
    phi_max = Fraction(sum(m.sign[s] * _gmax(full, m.vec[s]) for s in range(m.R)))
    if phi_max != (-1) ** n:
        _fail(f"internal: phi(max) = {phi_max}")  # pragma: no cover
    flip_ok = False
    if cert.get("flip_matrix") is not None:
        _check_flip_matrix(m, cert["flip_matrix"])
        flip_ok = True
    sym_specs = cert.get("symmetries", [])
    if not isinstance(sym_specs, list):
        _fail("'symmetries' must be a list of {'perm': [...], 'flip': bool}")
    syms = [_Sym(m, sp, f"symmetries[{i}]", flip_ok) for i, sp in enumerate(sym_specs)]
    proofs = cert.get("proofs")
    if not isinstance(proofs, dict) or set(proofs) != {"max", "min"}:
        _fail("'proofs' must have exactly the directions 'max' and 'min'")
    result: dict[str, str] = {}
    nodes: dict[str, int] = {}
    leaves: dict[str, int] = {}
    for d, sense in (("max", 1), ("min", -1)):
        p = proofs[d]
        if not isinstance(p, dict) or len(p) != 1:
            _fail(f"proofs.{d} must be one of {{'tree': ...}}, {{'by_flip': true}}, {{'witness': ...}}")
        if "tree" in p:
            nodes[d], leaves[d] = _check_tree(m, p["tree"], sense, syms, d)
            result[d] = "<= 0" if sense > 0 else ">= 0"
        elif "witness" in p:
            val = _check_witness(m, p["witness"], sense, f"proofs.{d}.witness")
            result[d] = f"> 0 (witness phi = {val})" if sense > 0 else f"< 0 (witness phi = {val})"
        elif p.get("by_flip") is True:
            if not flip_ok:
                _fail(f"proofs.{d}: by_flip needs a valid flip_matrix")
            if n % 2:
                _fail(f"proofs.{d}: for odd n the flip preserves phi, it cannot exchange max and min")
            other = proofs["min" if d == "max" else "max"]
            if not isinstance(other, dict) or "tree" not in other:
                _fail(f"proofs.{d}: by_flip needs a tree for the other direction")
            result[d] = "by_flip"
        else:
            _fail(f"proofs.{d}: unknown proof kind {sorted(p)}")
    if result["max"] == "by_flip":
        result["max"] = "<= 0"
    if result["min"] == "by_flip":
        result["min"] = ">= 0"
    zero = result["max"] == "<= 0" and result["min"] == ">= 0"
    if zero:
        conclusion = (f"phi_{n}(sigma o g) = 0 for every H_{n}-conforming g in span B^(1) with sigma o g H_{n}-conforming; "
                      f"the MIP optimum is exactly 0 (a = 0 is feasible), and since phi_{n}(max{{0,x_1..x_{n}}}) = {phi_max} != 0, "
                      f"no H_{n}-conforming ReLU network with 2 hidden layers computes max{{0,x_1..x_{n}}}")
    else:
        conclusion = f"max phi {result['max']}, min phi {result['min']}: the MIP optimum is not 0"
    return CheckReport(n, result["max"], result["min"], zero, phi_max, nodes, leaves, conclusion)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print("usage: python -m proofs.certificate_check FILE", file=sys.stderr)
        return 2
    try:
        rep = check_certificate(args[0])
    except CertificateError as exc:
        print(f"REJECTED: {exc}")
        return 1
    print(f"VERIFIED (exact, Fractions only): n = {rep.n}; max phi {rep.max_phi}; min phi {rep.min_phi}; "
          f"nodes {rep.nodes}, leaves {rep.leaves}")
    print(rep.conclusion)
    return 0


if __name__ == "__main__":
    sys.exit(main())
