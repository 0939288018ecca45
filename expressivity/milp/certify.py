"""Exact certification of the HBDSS MIP by our own branch-and-bound (HBDSS23 Sec. 2 MIP).

The statement certified is homogeneous, so the box ``|a_M| <= 1`` and the big-M play no role:

    for every ``a`` in R^k and every 0/1 vector ``z`` satisfying the ReLU/conformity rows,
    ``sense * phi_n(sigma o g) <= 0``.

Both directions together (``max phi <= 0`` and ``min phi >= 0``) say that the MIP optimum is
exactly 0 and that ``phi_n`` vanishes on every H_n-conforming 2-hidden-layer function.

**Search.**  A node fixes ``z_S = 1`` on ``F1`` and ``z_S = 0`` on ``F0``.  Rays in ``F1`` and their
nested neighbours are known to be ``>= 0``, so their ``y_S = g_S`` is linear; rays in ``F0`` have
``y_S = 0``.  A remaining ray with sign -1 in ``sense*phi`` is relaxed to ``t_S >= max(0, g_S)``
(its conformity rows dropped); a remaining ray with sign +1 has no homogeneous upper bound, so we
branch on it first.  The node relaxation is then a polyhedral *cone*: its maximum is 0 or
unbounded, and "0" has a Farkas certificate -- multipliers ``lam, nu >= 0``, ``0 <= mu <= 1`` with
an identity of linear forms in ``a`` (see :mod:`expressivity.proofs.certificate_check`).  A float LP (HiGHS,
with the box added only to keep it bounded) proposes the multipliers; they are rounded to
rationals and the identity is re-checked **exactly**; if that fails we solve exactly on the
support, and if that fails too the node is branched further (always sound).

**Symmetry.**  Permuting the inputs (S_n), and for odd n the sign flip ``a -> -a``
(``r_S -> r_{S^c}``), preserve the model and ``phi``.  We use *orbital branching*: at a node,
branching on ray ``s`` with orbit ``O`` under the stabiliser of the node's fixings gives the
children ``z_s = 1`` and ``z_t = 0 for all t in O``; each ``t`` is recorded with a group element
mapping it to ``s``.  For even n the flip exchanges max and min (``|S^c|`` has the other
parity), so only the max tree is searched.

A float LP with positive value and no ray left to branch on is a candidate counterexample; it is
rounded and re-checked exactly (conformity and ``phi``), giving an exact *witness*.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .._io import atomic_write_text
from ..exceptions import CertificateError, InvalidInputError, SolverFailedError, SolverTimeoutError
from ..linalg_exact import solve_exact
from ..numbers import float_to_fraction
from ..progress import Progress
from .hbdss_data import HBDSSData, hbdss_data
from .highs import new_highs, sync_highs_scheduler

__all__ = ["FORMAT", "DirectionResult", "ExactSearchLimitError", "HBDSSCertificate", "certify_direction", "certify_hbdss",
           "flip_matrix", "symmetry_group"]

FORMAT = "expressivity.hbdss-certificate/1"


class ExactSearchLimitError(SolverTimeoutError):
    """The exact search stopped at its time or node limit: nothing is proved.

    Attributes
    ----------
    direction : {"max", "min"}
    nodes, leaves : int
        Nodes visited and leaves certified before the stop.
    seconds : float
    """

    def __init__(self, message: str, *, direction: str, nodes: int, leaves: int, seconds: float):
        super().__init__(message)
        self.direction, self.nodes, self.leaves, self.seconds = direction, nodes, leaves, seconds


@dataclass(frozen=True)
class DirectionResult:
    """Outcome of the branch-and-bound for one direction.

    Attributes
    ----------
    sense : int
        +1 proves ``phi <= 0`` (max), -1 proves ``phi >= 0`` (min).
    bounded : bool
        True: ``sense * phi <= 0`` is certified by ``tree``.  False: ``witness`` is an exact
        ``a`` with ``sense * phi > 0``.
    tree : dict or None
        The certificate tree (JSON-ready).
    witness : tuple of Fraction or None
    witness_phi : Fraction or None
    nodes, leaves, orbital_nodes, lp_solves, exact_fallbacks : int
    seconds : float
    trace : tuple
        ``(nodes, leaves, seconds)`` samples for progress plots.
    """

    sense: int
    bounded: bool
    tree: dict | None
    witness: tuple[Fraction, ...] | None
    witness_phi: Fraction | None
    nodes: int
    leaves: int
    orbital_nodes: int
    lp_solves: int
    exact_fallbacks: int
    seconds: float
    trace: tuple = ()


@dataclass(frozen=True)
class HBDSSCertificate:
    """Both directions for one ``n``, with everything the standalone checker needs."""

    n: int
    max: DirectionResult
    min: DirectionResult | None  # None: min follows from max by the flip (even n)
    symmetries: tuple[tuple[tuple[int, ...], bool], ...]
    flip: tuple[tuple[Fraction, ...], ...]
    seconds: float

    @property
    def optimum_zero(self) -> bool:
        """Certified: max phi <= 0 and min phi >= 0, so the MIP optimum is exactly 0."""
        return self.max.bounded and (self.min is None or self.min.bounded)

    def to_json(self) -> dict[str, Any]:
        def proof(r: DirectionResult | None) -> dict:
            if r is None:
                return {"by_flip": True}
            if r.bounded:
                return {"tree": r.tree}
            return {"witness": {"a": [str(v) for v in r.witness]}}

        d = hbdss_data(self.n)
        return {
            "format": FORMAT,
            "n": self.n,
            "statement": (f"for every a and every z satisfying the ReLU/H_{self.n}-conformity rows of the HBDSS MIP, "
                          "max phi <= 0 and min phi >= 0 (or a witness of the opposite sign)"),
            "rays": [sorted(S) for S in d.rays],
            "basis": [sorted(M) for M in d.basis],
            "flip_matrix": [[str(v) for v in row] for row in self.flip],
            "symmetries": [{"perm": list(p), "flip": f} for p, f in self.symmetries],
            "proofs": {"max": proof(self.max), "min": proof(self.min)},
            "stats": {k: _stats(r) for k, r in (("max", self.max), ("min", self.min)) if r is not None},
        }

    def write(self, path: str | os.PathLike) -> Path:
        """Write the certificate JSON (compact), atomically, and return the path."""
        return atomic_write_text(path, json.dumps(self.to_json(), separators=(",", ":")) + "\n")


def _stats(r: DirectionResult) -> dict:
    return dict(nodes=r.nodes, leaves=r.leaves, orbital_nodes=r.orbital_nodes, lp_solves=r.lp_solves,
                exact_fallbacks=r.exact_fallbacks, seconds=round(r.seconds, 3))


def flip_matrix(n: int) -> tuple[tuple[Fraction, ...], ...]:
    """The exact matrix ``Phi`` with ``G[S^c] . Phi = G[S]`` for every ray (negating the first layer).

    ``g(-x)`` is again in ``span B^(1)`` (``-min{x_i, x_j} = max{x_i, x_j} - x_i - x_j``), and
    ``r_{S^c} = -r_S``; since ``G`` has full column rank, ``Phi`` is unique.

    Examples
    --------
    >>> Phi = flip_matrix(2)
    >>> len(Phi), all(v.denominator == 1 for row in Phi for v in row)
    (5, True)
    """
    d = hbdss_data(n)
    full = frozenset(range(n + 1))
    idx = {S: i for i, S in enumerate(d.rays)}
    Gc = [list(d.G[idx[full - S]]) for S in d.rays]
    cols = []
    for j in range(d.n_basis):
        x = solve_exact(Gc, [row[j] for row in d.G])
        if x is None:  # pragma: no cover - would contradict the closure of span B^(1) under x -> -x
            raise CertificateError(f"n = {n}: the flip has no matrix (column {j})")
        cols.append(x)
    return tuple(tuple(cols[j][i] for j in range(d.n_basis)) for i in range(d.n_basis))


def symmetry_group(n: int, *, with_flip: bool) -> list[tuple[tuple[int, ...], bool, tuple[int, ...]]]:
    """Elements ``(perm, flip, ray_map)``: input permutations, optionally composed with the flip."""
    d = hbdss_data(n)
    idx = {S: i for i, S in enumerate(d.rays)}
    full = frozenset(range(n + 1))
    out = []
    for flip in ((False, True) if with_flip else (False,)):
        for p in itertools.permutations(range(1, n + 1)):
            pi = {0: 0, **{i + 1: p[i] for i in range(n)}}
            images = []
            for S in d.rays:
                T = frozenset(pi[i] for i in S)
                images.append(idx[full - T] if flip else idx[T])
            out.append((tuple(p), flip, tuple(images)))
    return out


class _Search:
    def __init__(self, n: int, sense: int, symmetry: bool, progress: bool, node_limit: int | None,
                 deadline: float | None = None):
        from scipy.optimize import linprog  # the float oracle; every answer is re-checked exactly

        self._linprog = linprog
        try:
            import highspy

            self._highspy = highspy
            sync_highs_scheduler()  # the process-wide HiGHS thread policy (see .highs)
            self._h = new_highs()  # one silent solver object, reloaded for every node LP
        except ImportError:  # pragma: no cover - scipy bundles HiGHS as well
            self._highspy = None
        self.d: HBDSSData = hbdss_data(n)
        d = self.d
        self.n, self.sense = n, sense
        self.R, self.k = d.n_rays, d.n_basis
        self.Gi = d.G
        self.Gsparse = tuple(tuple((j, v) for j, v in enumerate(row) if v) for row in d.G)
        self.Gf = np.array(d.G, dtype=float)
        self.sig = [sense * s for s in d.signs]
        self.nb = d.neighbours()
        self.node_limit = node_limit
        self.deadline = deadline  # time.perf_counter() value, or None
        group = symmetry_group(n, with_flip=(n % 2 == 1)) if symmetry else []
        self.group = group
        self.gmaps = np.array([g[2] for g in group], dtype=np.int64) if group else np.zeros((0, self.R), dtype=np.int64)
        self.used_syms: dict[int, int] = {}
        self.nodes = self.leaves = self.orbital = self.lps = self.fallbacks = 0
        self.t0 = time.perf_counter()
        self.trace: list[tuple[int, int, float]] = []
        self.progress = Progress(None, f"hbdss n={n} {'max' if sense > 0 else 'min'} B&B", enabled=progress)
        self.witness: tuple[tuple[Fraction, ...], Fraction] | None = None

    # -- symmetry ------------------------------------------------------------------------
    def _orbit(self, s: int, F1: frozenset, F0: frozenset) -> tuple[list[int], list[int]]:
        if not len(self.group):
            return [], []
        ok = np.ones(len(self.group), dtype=bool)
        for F in (F1, F0):
            if F:
                cols = np.fromiter(F, dtype=np.int64)
                mask = np.zeros(self.R, dtype=bool)
                mask[cols] = True
                ok &= mask[self.gmaps[:, cols]].all(axis=1)
        stab = np.nonzero(ok)[0]
        orbit, maps = [], []
        # gamma maps t -> s  <=>  t = gamma^{-1}(s)
        for gi in stab:
            row = self.gmaps[gi]
            t = int(np.nonzero(row == s)[0][0])
            if t != s and t not in orbit:
                orbit.append(t)
                maps.append(self._sym_id(int(gi)))
        return orbit, maps

    def _sym_id(self, gi: int) -> int:
        if gi not in self.used_syms:
            self.used_syms[gi] = len(self.used_syms)
        return self.used_syms[gi]

    # -- node relaxation -----------------------------------------------------------------
    def _leaf_lp(self, F1: frozenset, F0: frozenset, pos: set, free: list[int]):
        k, Gf = self.k, self.Gf
        objrays = [x for x in pos if x not in F0]
        c = np.zeros(k)
        for x in objrays:
            c += self.sig[x] * Gf[x]
        nt = len(free)
        cost = -np.concatenate([c, -np.ones(nt)])
        rows, kinds = [], []
        for x in sorted(pos):
            rows.append(np.concatenate([-Gf[x], np.zeros(nt)]))
            kinds.append(("lam", x))
        for x in sorted(F0):
            rows.append(np.concatenate([Gf[x], np.zeros(nt)]))
            kinds.append(("nu", x))
        for j, x in enumerate(free):
            r = np.concatenate([Gf[x], np.zeros(nt)])
            r[k + j] = -1.0
            rows.append(r)
            kinds.append(("mu", x))
        self.lps += 1
        if self._highspy is not None and rows:
            val, a, duals = self._solve_highspy(cost, np.array(rows), k, nt)
            return val, a, kinds, duals, objrays
        A = np.array(rows) if rows else None
        b = np.zeros(len(rows)) if rows else None
        res = self._linprog(cost, A_ub=A, b_ub=b, bounds=[(-1, 1)] * k + [(0, None)] * nt, method="highs-ds")
        if res.status != 0:
            raise SolverFailedError(f"HiGHS (scipy linprog) failed on a node LP: {res.message}")
        duals = -np.asarray(res.ineqlin.marginals) if rows else np.zeros(0)
        return -res.fun, res.x[:k], kinds, duals, objrays

    def _solve_highspy(self, cost: np.ndarray, A: np.ndarray, k: int, nt: int):
        # direct highspy call: the scipy wrapper's option checking cost more than the solve itself
        hs, h = self._highspy, self._h
        lp = hs.HighsLp()
        ncol = k + nt
        lp.num_col_, lp.num_row_ = ncol, A.shape[0]
        lp.col_cost_ = cost
        lp.col_lower_ = np.concatenate([-np.ones(k), np.zeros(nt)])
        lp.col_upper_ = np.concatenate([np.ones(k), np.full(nt, hs.kHighsInf)])
        lp.row_lower_ = np.full(A.shape[0], -hs.kHighsInf)
        lp.row_upper_ = np.zeros(A.shape[0])
        csc = A.T  # column-wise storage of A
        starts, index, value = [0], [], []
        for col in csc:
            nz = np.nonzero(col)[0]
            index.extend(nz.tolist())
            value.extend(col[nz].tolist())
            starts.append(len(index))
        lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = index
        lp.a_matrix_.value_ = value
        h.passModel(lp)
        h.run()
        if h.getModelStatus() != hs.HighsModelStatus.kOptimal:
            raise SolverFailedError(f"HiGHS failed on a node LP: {h.modelStatusToString(h.getModelStatus())}")
        sol = h.getSolution()
        val = -h.getInfo().objective_function_value
        return val, np.asarray(sol.col_value)[:k], -np.asarray(sol.row_dual)

    def _identity_residual(self, objrays, mult: dict[str, dict[int, Fraction]]) -> list[Fraction]:
        # exact, in integers: scale every multiplier by the common denominator D
        D = 1
        for part in mult.values():
            for q in part.values():
                D = math.lcm(D, q.denominator)
        tot = [0] * self.k
        for x in objrays:
            sx = self.sig[x] * D
            for j, v in self.Gsparse[x]:
                tot[j] += sx * v
        for key, coef in (("lam", 1), ("nu", -1), ("mu", -1)):
            for x, q in mult[key].items():
                w = coef * q.numerator * (D // q.denominator)
                for j, v in self.Gsparse[x]:
                    tot[j] += w * v
        return [Fraction(t, D) for t in tot]

    def _exact_multipliers(self, objrays, kinds, duals) -> dict | None:
        mult: dict[str, dict[int, Fraction]] = {"lam": {}, "nu": {}, "mu": {}}
        for (key, x), v in zip(kinds, duals):
            if v > 1e-9:
                q = float_to_fraction(v, max_denominator=10 ** 6)
                if key == "mu" and q > 1:
                    q = Fraction(1)
                if q:
                    mult[key][x] = q
        if not any(self._identity_residual(objrays, mult)):
            return mult
        # exact solve on the support of the float duals (a vertex: independent columns)
        self.fallbacks += 1
        support = [(key, x) for (key, x), v in zip(kinds, duals) if v > 1e-9]
        if not support:
            return None
        rhs = [Fraction(0)] * self.k
        for x in objrays:
            for j, v in enumerate(self.Gi[x]):
                rhs[j] -= self.sig[x] * v
        A = [[(1 if key == "lam" else -1) * self.Gi[x][j] for key, x in support] for j in range(self.k)]
        sol = solve_exact(A, rhs)
        if sol is None:
            return None
        mult = {"lam": {}, "nu": {}, "mu": {}}
        for (key, x), q in zip(support, sol):
            if q < 0 or (key == "mu" and q > 1):
                return None
            if q:
                mult[key][x] = q
        return mult if not any(self._identity_residual(objrays, mult)) else None

    def _exact_witness(self, a: np.ndarray) -> tuple[tuple[Fraction, ...], Fraction] | None:
        for den in (10 ** 3, 10 ** 6):
            aq = tuple(float_to_fraction(v, max_denominator=den) for v in a)
            g = [sum(c * q for c, q in zip(row, aq) if c) for row in self.Gi]
            if any(g[s] > 0 > g[t] for s in range(self.R) for t in self.nb[s]):
                continue
            phi = sum(sg * max(Fraction(0), g[s]) for s, sg in enumerate(self.d.signs))
            if self.sense * phi > 0:
                return aq, phi
        return None

    # -- search --------------------------------------------------------------------------
    def _stop(self, what: str, hint: str) -> None:
        direction = "max" if self.sense > 0 else "min"
        secs = time.perf_counter() - self.t0
        raise ExactSearchLimitError(
            f"exact search (n = {self.n}, {direction} direction) stopped at {what} after {self.nodes - 1} nodes, "
            f"{self.leaves} certified leaves, {secs:.1f} s: nothing proved; {hint}",
            direction=direction, nodes=self.nodes - 1, leaves=self.leaves, seconds=secs)

    def node(self, F1: frozenset, F0: frozenset) -> dict:
        self.nodes += 1
        if self.node_limit is not None and self.nodes > self.node_limit:
            self._stop(f"the node limit {self.node_limit}", "raise node_limit")
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self._stop("the time limit", "raise the time limit")
        if self.nodes % 8 == 0:
            self.trace.append((self.nodes, self.leaves, time.perf_counter() - self.t0))
        self.progress.update(1, extra=f"{self.leaves} certified leaves")
        pos = set(F1)
        for x in F1:
            pos.update(self.nb[x])
        free = [x for x in range(self.R) if x not in pos and x not in F0]
        fplus = [x for x in free if self.sig[x] > 0]
        if fplus:
            # z_s = 1 makes every nested ray linear; prefer the ray that resolves most of the other
            # unbounded (+1) rays (n = 4: 291 nodes instead of 413 when counting all free rays)
            fp = set(fplus)
            s = max(fplus, key=lambda x: (sum(1 for t in self.nb[x] if t in fp), -x))
            return self._branch(s, F1, F0)
        val, a, kinds, duals, objrays = self._leaf_lp(F1, F0, pos, free)
        if val <= 1e-7:
            mult = self._exact_multipliers(objrays, kinds, duals)
            if mult is not None:
                self.leaves += 1
                return {k: {str(x): str(q) for x, q in sorted(v.items())} for k, v in mult.items() if v}
        gv = self.Gf @ a
        undet = [x for x in range(self.R) if x not in F1 and x not in F0]
        cand = [x for x in undet if gv[x] > 1e-9 and (x in free or any(gv[t] < -1e-9 for t in self.nb[x]))]
        if not cand:
            if val > 1e-7:
                w = self._exact_witness(a)
                if w is not None:
                    raise _Found(w)
                raise SolverFailedError("a node LP has positive value but neither a branching ray nor an exact witness; "
                                        "numerical trouble in the float LP")
            cand = undet  # exact certification failed: branching is always sound
            if not cand:
                raise CertificateError(f"could not certify a fully fixed leaf exactly (F1={sorted(F1)}, F0={sorted(F0)})")
        s = max(cand, key=lambda x: (any(gv[t] < -1e-9 for t in self.nb[x]), gv[x]))
        return self._branch(s, F1, F0)

    def _branch(self, s: int, F1: frozenset, F0: frozenset) -> dict:
        orbit, maps = self._orbit(s, F1, F0)
        if orbit:
            self.orbital += 1
        one = self.node(F1 | {s}, F0)
        zero = self.node(F1, F0 | {s} | set(orbit))
        out: dict[str, Any] = {"ray": s}
        if orbit:
            out["orbit"], out["maps"] = orbit, maps
        out["one"], out["zero"] = one, zero
        return out


class _Found(Exception):
    def __init__(self, w):
        self.w = w


def certify_direction(n: int, sense: int, *, symmetry: bool = True, progress: bool = False,
                      node_limit: int | None = None, time_limit: float | None = None) -> tuple[DirectionResult, list]:
    """Run the exact branch-and-bound for one direction; returns the result and the used symmetries.

    Raises
    ------
    ExactSearchLimitError
        ``node_limit`` nodes or ``time_limit`` seconds reached before the search closed.
    """
    if sense not in (1, -1):
        raise InvalidInputError(f"sense must be +1 (max) or -1 (min), got {sense!r}")
    _check_limits(node_limit, time_limit)
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    search = _Search(n, sense, symmetry, progress, node_limit, deadline)
    tree = witness = wphi = None
    try:
        with search.progress:
            tree = search.node(frozenset(), frozenset())
        bounded = True
    except _Found as f:
        witness, wphi = f.w
        bounded = False
    secs = time.perf_counter() - search.t0
    search.trace.append((search.nodes, search.leaves, secs))
    res = DirectionResult(sense, bounded, tree, witness, wphi, search.nodes, search.leaves, search.orbital, search.lps,
                          search.fallbacks, secs, tuple(search.trace))
    used = sorted(search.used_syms.items(), key=lambda kv: kv[1])
    return res, [search.group[gi] for gi, _ in used]


def _check_limits(node_limit: object, time_limit: object) -> None:
    if node_limit is not None and (isinstance(node_limit, bool) or not isinstance(node_limit, int) or node_limit < 1):
        raise InvalidInputError(f"node_limit must be a positive integer, got {node_limit!r}")
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(time_limit, (int, float))
                                   or not time_limit > 0 or time_limit == float("inf")):
        raise InvalidInputError(f"time_limit must be a positive finite number of seconds, got {time_limit!r}")


def certify_hbdss(n: int = 4, *, symmetry: bool = True, progress: bool = False, node_limit: int | None = None,
                  time_limit: float | None = None) -> HBDSSCertificate:
    """Certify (or refute with an exact witness) ``phi_n = 0`` on the HBDSS MIP, exactly.

    Parameters
    ----------
    n : int
        Number of inputs (4 is the paper's Theorem 1.7).
    symmetry : bool
        Orbital branching with S_n (and the flip for odd n).
    progress : bool
        Print progress lines on stderr.
    node_limit : int, optional
        Stop with :class:`ExactSearchLimitError` beyond this many nodes (per direction).
    time_limit : float, optional
        Stop with :class:`ExactSearchLimitError` after this many seconds (both directions together).

    Examples
    --------
    >>> cert = certify_hbdss(2)
    >>> cert.optimum_zero   # max{0,x1,x2} is computable with 2 conforming hidden layers
    False
    """
    t0 = time.perf_counter()
    _check_limits(node_limit, time_limit)
    rmax, used_max = certify_direction(n, 1, symmetry=symmetry, progress=progress, node_limit=node_limit,
                                       time_limit=time_limit)
    rmin, used_min = (None, [])
    if n % 2 == 1 or not rmax.bounded:
        left = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 1e-9)
        rmin, used_min = certify_direction(n, -1, symmetry=symmetry, progress=progress, node_limit=node_limit,
                                           time_limit=left)
    # the two trees index symmetries separately: merge into one list and renumber the min tree
    syms = [(g[0], g[1]) for g in used_max]
    if rmin is not None and rmin.bounded and used_min:
        offset = len(syms)
        syms += [(g[0], g[1]) for g in used_min]
        _renumber(rmin.tree, offset)
    return HBDSSCertificate(n, rmax, rmin, tuple(syms), flip_matrix(n), time.perf_counter() - t0)


def _renumber(tree: dict, offset: int) -> None:
    stack = [tree]
    while stack:
        node = stack.pop()
        if "ray" in node:
            if "maps" in node:
                node["maps"] = [m + offset for m in node["maps"]]
            stack += [node["one"], node["zero"]]
