"""The invariant families of lightning self-attention (ADM26 and the authors' Macaulay2 code).

Every family is written once over *ring elements* (see :mod:`.ring`) and so yields

* exact polynomial generators (``flint.fmpz_mpoly`` in the cross coordinates ``T_k_k'_l`` or
  the pure coordinates ``P_k_l_m``; convertible to sympy), and
* a fast batched float evaluator (the same formulas on arrays of samples), and
* exact evaluation at rational points (``Fraction`` entries).

Cross-context families (t >= 2) act on the cross tensor ``T`` of one output row; the
single-context families (t = 1) act on the pure tensor ``P``.  The linear relations act on
the raw scaled coordinates of one output entry (:func:`linear_relations`).

Families (keys)
---------------
``low_rank``                 (a+1)-minors of the flattening F (rows {k<=k'}, columns l)
``cross_column``             coefficients in c of the 3x3 minors of the pencil sum_l c_l M^(l)
``context_syzygy_maximal``   Cauchy-Binet syzygies among the d x d minors of F
``context_syzygy_submaximal``the same for (d-1) x (d-1) minors (our generalisation of the ADM26 context syzygies)
``veronese``                 2x2 minors of the block catalecticants of D_alpha(K, L), r = 2..min(d, a)
``resultant``                (u, w)-coefficients of Res(sum u_r q_r|line, sum w_r q_r|line)
``single_low_rank``          (2a+2)-minors of N = (P_kkl) (t = 1)
``lie_flattening``           maximal minors of the sl_d Lie flattening of f = (v.x)(x^T S x) (t = 1)
``slice_pair_minors``        4x4 minors of [M(c) | M(c')] for two members of the pencil of slices (d >= 4):
                             both column spaces contain v, so the two 2-planes meet (coefficients in c, c')
``brill_hessian``            Brill-type quartics of totally split cubics (t = 1, a = 1): on every 3-dimensional
                             subspace of a fixed list, the restricted ternary cubic g and its Hessian H(g) are
                             proportional (2x2 minors of [coefficients of g | coefficients of H(g)])
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Sequence

import flint
import numpy as np

from .._random import as_rng
from ..exceptions import ComputationTooLargeError, InvalidInputError, ShapeError, UnknownNameError
from .model import LightningShape, coefficient_count, cubic_multisets, entry_labels, orbit_size, pairs
from .ring import (cross_ring, cross_symbols_tensor, cross_variable_names, det, mpoly_to_sympy, pure_ring,
                   pure_symbols_tensor, pure_variable_names, tensor_from_array)

__all__ = [
    "FamilyInfo",
    "FAMILIES",
    "CROSS_FAMILIES",
    "SINGLE_FAMILIES",
    "DEFAULT_LINES_D3",
    "family_info",
    "applicable_families",
    "family_values",
    "family_generators",
    "family_sympy",
    "evaluate_family",
    "linear_relations",
    "evaluate_linear_relations",
    "random_lines",
    "veronese_map",
    "context_syzygy_weights",
    "default_planes",
    "hessian_coefficients",
]


@dataclass(frozen=True)
class FamilyInfo:
    """Description of one invariant family."""

    key: str
    title: str
    regime: str  # "cross" (t >= 2), "single" (t = 1) or "entry" (raw coordinates)
    source: str
    degree: Callable[[int, int], tuple[int, ...]] = field(repr=False, compare=False)


def _deg_const(k):
    return lambda d, a: (k,)


FAMILIES: dict[str, FamilyInfo] = {
    "linear": FamilyInfo("linear", "linear relations (sequence copies, internal symmetrisation)", "entry",
                         "ADM26 linear relations (authors' Macaulay2 code linearRelations.m2)", _deg_const(1)),
    "low_rank": FamilyInfo("low_rank", "(a+1)-minors of the flattening F = Phi(v) A", "cross",
                           "ADM26 low-rank invariants (authors' Macaulay2 code lowRankA.m2)", lambda d, a: (a + 1,) if a < d else ()),
    "cross_column": FamilyInfo("cross_column", "cross-column cubics: 3x3 minors of the pencil sum c_l M^(l)", "cross",
                               "ADM26 Prop. cross-column (authors' Macaulay2 code crossColumnCubics.m2)",
                               lambda d, a: (3,) if d >= 3 else ()),
    "context_syzygy_maximal": FamilyInfo("context_syzygy_maximal", "context syzygies of the maximal minors of F", "cross",
                                         "ADM26 context syzygies (authors' Macaulay2 code contextSyzygies.m2)", lambda d, a: (d,) if d >= 2 else ()),
    "context_syzygy_submaximal": FamilyInfo("context_syzygy_submaximal",
                                            "context syzygies of the (d-1)-minors of F (Cauchy-Binet)", "cross",
                                            "expressivity generalisation of the ADM26 context syzygies to (d-1)-minors (derived and verified)", lambda d, a: (d - 1,) if d >= 3 else ()),
    "veronese": FamilyInfo("veronese", "Veronese-type: 2x2 minors of block catalecticants of D_alpha(K,L)", "cross",
                           "ADM26 Thm 30, Cor. 31 (authors' Macaulay2 code veroneseInvariants.m2)",
                           lambda d, a: tuple(2 * r for r in range(2, min(d, a) + 1))),
    "resultant": FamilyInfo("resultant", "Sylvester-resultant quartics of slice quadrics on lines", "cross",
                            "ADM26 resultant quartics (authors' Macaulay2 code quarticResultants.m2)", lambda d, a: (4,) if d >= 2 else ()),
    "single_low_rank": FamilyInfo("single_low_rank", "(2a+2)-minors of N = (P_kkl) (t = 1)", "single",
                                  "ADM26 single-context invariants (authors' Macaulay2 code singleContextInvariants.m2)",
                                  lambda d, a: (2 * a + 2,) if 2 * a + 2 <= d else ()),
    "lie_flattening": FamilyInfo("lie_flattening", "maximal minors of the sl_d Lie flattening (Chow type (2,1))",
                                 "single", "ADM26 single-context invariants (authors' Macaulay2 code singleContextInvariants.m2)",
                                 lambda d, a: (d * d - 1,) if d >= 3 else ()),
    "slice_pair_minors": FamilyInfo("slice_pair_minors", "slice-pair quartics: 4x4 minors of [M(c) | M(c')] "
                                    "(the column spaces of two pencil members meet in v)", "cross",
                                    "expressivity derived and verified (every slice M^(l) = sym(v a_l^T) has v in "
                                    "its column space), not in the ADM26 code",
                                    lambda d, a: (4,) if d >= 4 else ()),
    "brill_hessian": FamilyInfo("brill_hessian", "Brill-type quartics: restriction g to a 3-space is proportional to its "
                                "Hessian H(g) (Chow type (1,1,1), a = 1)", "single",
                                "expressivity derived and verified (a product of three linear forms g has H(g) = c g "
                                "on every 3-space), not in the ADM26 code",
                                lambda d, a: (4,) if a == 1 and d >= 3 else ()),
}
CROSS_FAMILIES = tuple(k for k, f in FAMILIES.items() if f.regime == "cross")
SINGLE_FAMILIES = tuple(k for k, f in FAMILIES.items() if f.regime == "single")

#: The 12 lines (point pairs) the ADM26 code uses for d = 3 (resultant family).
DEFAULT_LINES_D3: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((2, 2, 1), (2, 2, -1)), ((2, 2, 1), (2, 1, 2)), ((2, 2, 1), (2, 1, 1)), ((2, 2, 1), (2, 1, 0)),
    ((2, 2, 1), (2, 1, -1)), ((2, 2, -1), (2, 1, 2)), ((2, 2, -1), (2, 1, 1)), ((2, 2, -1), (2, 1, 0)),
    ((2, 2, -1), (2, 1, -1)), ((2, 1, 2), (2, 1, 1)), ((2, 1, 2), (2, 0, 1)), ((2, 1, 2), (2, 0, -1)),
)


def family_info(key: str) -> FamilyInfo:
    """The :class:`FamilyInfo` of ``key`` (raises :class:`UnknownNameError`)."""
    try:
        return FAMILIES[key]
    except KeyError:
        raise UnknownNameError(f"unknown invariant family {key!r}; known: {', '.join(FAMILIES)}") from None


def applicable_families(d: int, a: int, t: int) -> list[str]:
    """Families that give non-empty, non-trivial invariants for ``(d, a, t)`` (one output row)."""
    LightningShape(d, a, t)
    regime = "cross" if t >= 2 else "single"
    out = ["linear"] if (t >= 2 or False) else []
    out += [k for k in FAMILIES if FAMILIES[k].regime == regime and FAMILIES[k].degree(d, a)]
    return out


# --------------------------------------------------------------------------- helpers

def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    """Weak compositions of ``total`` into ``parts`` parts, lexicographically decreasing."""
    if parts == 1:
        return [(total,)]
    out = []
    for first in range(total, -1, -1):
        for rest in _compositions(total - first, parts - 1):
            out.append((first,) + rest)
    return out


def veronese_map(alpha: Sequence[int]) -> tuple[int, ...]:
    """The idempotent map f: [r] -> [r] with |f^-1(m)| = alpha_m (Veronese family, ADM26 Thm 30).

    Positions m with alpha_m > 0 are fixed points; the positions p with alpha_p = 0 are
    assigned, in increasing order, to the list in which each m appears alpha_m - 1 times.

    Examples
    --------
    >>> veronese_map((2, 0)), veronese_map((0, 3, 0)), veronese_map((1, 1, 1))
    ((0, 0), (1, 1, 1), (0, 1, 2))
    """
    r = len(alpha)
    if sum(alpha) != r or any(x < 0 for x in alpha):
        raise InvalidInputError(f"alpha must be a composition of r = {r} into r parts, got {tuple(alpha)}")
    extra = [m for m in range(r) for _ in range(max(alpha[m] - 1, 0))]
    zeros = [p for p in range(r) if alpha[p] == 0]
    f = list(range(r))
    for p, m in zip(zeros, extra):
        f[p] = m
    return tuple(f)


def _veronese_D(T, K, L, alpha):
    """D_alpha(K, L) = det(omega(u,w) T[u][w][l]) = v_K^alpha det A[K, L] on the model."""
    f = veronese_map(alpha)
    r = len(K)
    rows = []
    for p in range(r):
        u, w = K[f[p]], K[p]
        om = 1 if u == w else 2
        rows.append([T[u][w][L[q]] * om if om != 1 else T[u][w][L[q]] for q in range(r)])
    return det(rows)


def random_lines(d: int, count: int, seed: Any = None, bound: int = 3) -> tuple:
    """``count`` random lines through integer points in ``[-bound, bound]^d`` (seeded)."""
    rng = as_rng(seed)
    lines = []
    while len(lines) < count:
        p = tuple(int(x) for x in rng.integers(-bound, bound + 1, size=d))
        q = tuple(int(x) for x in rng.integers(-bound, bound + 1, size=d))
        if np.linalg.matrix_rank(np.array([p, q], dtype=float)) == 2:
            lines.append((p, q))
    return tuple(lines)


def _check_lines(lines, d: int):
    out = []
    for idx, line in enumerate(lines):
        try:
            p, q = line
        except (TypeError, ValueError):
            raise InvalidInputError(f"line {idx} must be a pair of points (p, p'), got {line!r}") from None
        if len(p) != d or len(q) != d:
            raise ShapeError(f"line {idx}: points must have d = {d} coordinates, got {len(p)} and {len(q)}")
        for x in (*p, *q):
            if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
                raise InvalidInputError(f"line {idx}: coordinates must be integers (exact), got {x!r}")
        out.append((tuple(int(x) for x in p), tuple(int(x) for x in q)))
    return tuple(out)


def default_lines(d: int, seed: Any = 0) -> tuple:
    """The 12 lines of the ADM26 code for d = 3, otherwise 12 seeded random integer lines."""
    return DEFAULT_LINES_D3 if d == 3 else random_lines(d, 12, seed)


@lru_cache(maxsize=None)
def context_syzygy_weights(d: int, k: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Integer vectors lambda over k-row-sets R of F with sum_R lambda_R det Phi(v)[R, S] = 0 for all S.

    Computed exactly over Q, one torus-weight class of R at a time (so every syzygy is
    multihomogeneous).  Returns ``((R_1, ..., R_m), (lambda_1, ..., lambda_m))`` pairs
    (only the rows with lambda_R != 0).
    """
    P = pairs(d)
    ctx = flint.fmpz_mpoly_ctx.get(tuple(f"v{i}" for i in range(d)), "degrevlex")
    v = ctx.gens()
    # 2*Phi(v): keeps integers; the common factor 2^k does not change the kernel
    Phi = [[0] * d for _ in P]
    for row, (a, b) in enumerate(P):
        if a == b:
            Phi[row][a] = 2 * v[a]
        else:
            Phi[row][a] = v[b]
            Phi[row][b] = v[a]
    Ssets = list(itertools.combinations(range(d), k))
    monos = sorted(itertools.combinations_with_replacement(range(d), k))
    mono_index = {}
    for i, m in enumerate(monos):
        e = [0] * d
        for x in m:
            e[x] += 1
        mono_index[tuple(e)] = i
    by_weight: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for R in itertools.combinations(range(len(P)), k):
        w = [0] * d
        for r in R:
            for x in P[r]:
                w[x] += 1
        by_weight.setdefault(tuple(w), []).append(R)
    out = []
    for w in sorted(by_weight):
        Rs = by_weight[w]
        rows = []
        for R in Rs:
            vec = [0] * (len(Ssets) * len(monos))
            for si, S in enumerate(Ssets):
                poly = det([[Phi[r][s] for s in S] for r in R])
                if poly == 0:
                    continue
                for exps, c in poly.terms():
                    vec[si * len(monos) + mono_index[tuple(exps)]] = int(c)
            rows.append(vec)
        # left kernel = null space of the transpose
        M = flint.fmpz_mat(len(rows[0]), len(rows), [rows[i][j] for j in range(len(rows[0])) for i in range(len(rows))])
        X, nullity = M.nullspace()
        for c in range(int(nullity)):
            lam = [int(X[i, c]) for i in range(len(Rs))]
            g = math.gcd(*lam)
            lam = [x // g for x in lam]
            if next(x for x in lam if x) < 0:
                lam = [-x for x in lam]
            support = tuple((Rs[i], lam[i]) for i in range(len(Rs)) if lam[i])
            out.append((tuple(s[0] for s in support), tuple(s[1] for s in support)))
    return tuple(out)


# --------------------------------------------------------------------------- families on a tensor

def _F_entry(T, P, row, col):
    a, b = P[row]
    return T[a][b][col]


def _low_rank(T, d, a, **_):
    if a >= d:
        return []
    P = pairs(d)
    out = []
    for R in itertools.combinations(range(len(P)), a + 1):
        for C in itertools.combinations(range(d), a + 1):
            out.append((f"F[{R};{C}]", det([[_F_entry(T, P, r, c) for c in C] for r in R])))
    return out


def _cross_column(T, d, a, **_):
    if d < 3:
        return []
    out = []
    subsets = list(itertools.combinations(range(d), 3))
    for iR, R in enumerate(subsets):
        for C in subsets[iR:]:
            for beta in itertools.combinations_with_replacement(range(d), 3):
                acc = 0
                for ls in set(itertools.permutations(beta)):
                    # multilinear expansion of det(sum_l c_l M^(l)) in its columns
                    acc = acc + det([[T[R[i]][C[q]][ls[q]] for q in range(3)] for i in range(3)])
                out.append((f"M(c)[{R};{C}] coeff c^{beta}", acc))
    return out


def _context_syzygy(T, d, a, k):
    if k < 1 or k > d:
        return []
    P = pairs(d)
    out = []
    cache: dict = {}
    for Rs, lam in context_syzygy_weights(d, k):
        for C in itertools.combinations(range(d), k):
            acc = 0
            for R, l in zip(Rs, lam):
                key = (R, C)
                if key not in cache:
                    cache[key] = det([[_F_entry(T, P, r, c) for c in C] for r in R])
                acc = acc + cache[key] * l
            out.append((f"syz{k}[{Rs[0]}..;{C}]", acc))
    return out


def _veronese(T, d, a, r_values=None, **_):
    rs = r_values if r_values is not None else range(2, min(d, a) + 1)
    out = []
    for r in rs:
        if not 2 <= r <= d:
            raise InvalidInputError(f"Veronese parameter r must satisfy 2 <= r <= d = {d}, got {r}")
        betas = [tuple(1 if m == i else 0 for m in range(r)) for i in range(r)]
        gammas = _compositions(r - 1, r)
        subsets = list(itertools.combinations(range(d), r))
        for K in subsets:
            Dcache: dict = {}

            def D(alpha, L):
                key = (alpha, L)
                if key not in Dcache:
                    Dcache[key] = _veronese_D(T, K, L, alpha)
                return Dcache[key]

            cols = [(g, L) for L in subsets for g in gammas]
            for b1, b2 in itertools.combinations(range(r), 2):
                for c1, c2 in itertools.combinations(range(len(cols)), 2):
                    (g1, L1), (g2, L2) = cols[c1], cols[c2]
                    add = lambda x, y: tuple(i + j for i, j in zip(x, y))
                    val = (D(add(betas[b1], g1), L1) * D(add(betas[b2], g2), L2)
                           - D(add(betas[b1], g2), L2) * D(add(betas[b2], g1), L1))
                    out.append((f"ver{r}[K={K}] rows {b1},{b2} cols {g1}{L1},{g2}{L2}", val))
    return out


def _resultant_coeff_keys(d):
    keys = []
    ms = list(itertools.combinations_with_replacement(range(d), 2))
    for ia, al in enumerate(ms):
        for be in ms[ia:]:
            ok = any(r != s and r2 != s2 for (r, r2) in set(itertools.permutations(al)) for (s, s2) in set(itertools.permutations(be)))
            if ok:
                keys.append((al, be))
    return keys


def _resultant(T, d, a, lines=None, **_):
    if d < 2:
        return []
    lines = _check_lines(default_lines(d) if lines is None else lines, d)
    keys = _resultant_coeff_keys(d)
    out = []
    for li, (p, q) in enumerate(lines):
        Acoef, Bcoef, Ccoef = [], [], []
        for l in range(d):
            Ae = Be = Ce = 0
            for r in range(d):
                for s in range(d):
                    if p[r] * p[s]:
                        Ae = Ae + T[r][s][l] * (p[r] * p[s])
                    if p[r] * q[s]:
                        Be = Be + T[r][s][l] * (2 * p[r] * q[s])
                    if q[r] * q[s]:
                        Ce = Ce + T[r][s][l] * (q[r] * q[s])
            Acoef.append(Ae)
            Bcoef.append(Be)
            Ccoef.append(Ce)
        br: dict = {}

        def bracket(X, Y, r, s, tag):
            if r == s:
                return 0
            key = (tag, r, s)
            if key not in br:
                br[key] = X[r] * Y[s] - X[s] * Y[r]
            return br[key]

        def G(r, s, r2, s2):
            # Res = sum u_r w_s u_r2 w_s2 ([AC]_rs [AC]_r2s2 - [AB]_rs [BC]_r2s2)
            return (bracket(Acoef, Ccoef, r, s, "AC") * bracket(Acoef, Ccoef, r2, s2, "AC")
                    - bracket(Acoef, Bcoef, r, s, "AB") * bracket(Bcoef, Ccoef, r2, s2, "BC"))

        for al, be in keys:
            acc = 0
            for (r, r2) in set(itertools.permutations(al)):
                for (s, s2) in set(itertools.permutations(be)):
                    if r != s and r2 != s2:
                        acc = acc + G(r, s, r2, s2)
            out.append((f"res line {li} coeff u^{al} w^{be}", acc))
    return out


def _single_low_rank(P, d, a, **_):
    k = 2 * a + 2
    if k > d:
        return []
    out = []
    for R in itertools.combinations(range(d), k):
        for C in itertools.combinations(range(d), k):
            out.append((f"N[{R};{C}]", det([[P[r][r][c] for c in C] for r in R])))
    return out


def lie_flattening_matrix(P, d):
    """The C(d+2,3) x (d^2-1) Lie flattening of f = sum P_klm x_k x_l x_m (list of rows)."""
    monos = cubic_multisets(d)
    index = {m: i for i, m in enumerate(monos)}
    ops = [("diag", u) for u in range(d - 1)] + [(u, v) for u in range(d) for v in range(d) if u != v]
    cols = []
    for op in ops:
        col = [0] * len(monos)
        for m in monos:
            coeff = P[m[0]][m[1]][m[2]]
            mult = orbit_size(m)
            pieces = []
            if op[0] == "diag":
                u = op[1]
                pieces = [(u, u, 1), (d - 1, d - 1, -1)]
            else:
                pieces = [(op[0], op[1], 1)]
            for (u, v, sgn) in pieces:
                ev = m.count(v)
                if not ev:
                    continue
                lst = list(m)
                lst.remove(v)
                lst.append(u)
                target = index[tuple(sorted(lst))]
                col[target] = col[target] + coeff * (mult * ev * sgn)
        cols.append(col)
    return [[cols[c][r] for c in range(len(ops))] for r in range(len(monos))]


def _lie_flattening(P, d, a, max_minors=2000, **_):
    if d < 3:
        return []
    M = lie_flattening_matrix(P, d)
    n = d * d - 1
    nminors = math.comb(len(M), n)
    if max_minors is not None and nminors > max_minors:
        raise ComputationTooLargeError(
            f"the Lie flattening for d = {d} has {nminors} maximal minors (> {max_minors}); "
            "use the numeric rank test (check-point) instead of generators")
    out = []
    for R in itertools.combinations(range(len(M)), n):
        out.append((f"Lie[{R}]", det([M[r] for r in R])))
    return out


@lru_cache(maxsize=None)
def _slice_pair_nonzero(d: int) -> frozenset:
    """Labels of the slice-pair expressions that are not the zero polynomial (decided symbolically)."""
    return frozenset(lab for lab, v in _slice_pair_raw(cross_symbols_tensor(d), d) if v != 0)


def _slice_pair_minors(T, d, a, **_):
    """Coefficients in (c, c') of the 4x4 minors of [M(c) | M(c')] with two columns from each (non-zero ones)."""
    if d < 4:
        return []
    keep = _slice_pair_nonzero(d)
    return [(lab, v) for lab, v in _slice_pair_raw(T, d) if lab in keep]


def _slice_pair_raw(T, d):
    out = []
    col_pairs = list(itertools.combinations(range(d), 2))
    alphas = list(itertools.combinations_with_replacement(range(d), 2))
    for R in itertools.combinations(range(d), 4):
        for ci, (i, j) in enumerate(col_pairs):
            for (k, m) in col_pairs[ci:]:
                for ai, al in enumerate(alphas):
                    for be in alphas[(ai if (i, j) == (k, m) else 0):]:
                        acc = 0
                        for (l1, l2) in set(itertools.permutations(al)):
                            for (l3, l4) in set(itertools.permutations(be)):
                                cols = ((i, l1), (j, l2), (k, l3), (m, l4))
                                acc = acc + det([[T[r][col][l] for (col, l) in cols] for r in R])
                        out.append((f"slice pair R={R} cols {(i, j)},{(k, m)} c^{al} c'^{be}", acc))
    return out


def default_planes(d: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """3-dimensional subspaces (3 integer spanning vectors) used by ``brill_hessian``.

    All coordinate 3-spaces, and for d >= 4 also the spaces spanned by ``e_i, e_j`` and
    ``e_k + e_l`` (i < j, k < l, {i, j} and {k, l} disjoint), which mix four coordinates.

    Examples
    --------
    >>> default_planes(3)
    (((1, 0, 0), (0, 1, 0), (0, 0, 1)),)
    >>> len(default_planes(4))
    10
    """
    e = lambda *idx: tuple(sum(1 for i in idx if i == c) for c in range(d))  # noqa: E731
    out = [tuple(e(i) for i in S) for S in itertools.combinations(range(d), 3)]
    if d >= 4:
        for i, j in itertools.combinations(range(d), 2):
            for k, l in itertools.combinations([c for c in range(d) if c not in (i, j)], 2):
                out.append((e(i), e(j), e(k, l)))
    return tuple(out)


def _restrict_cubic(P, plane):
    """Pure tensor of the ternary cubic ``g(y) = f(y_0 u_0 + y_1 u_1 + y_2 u_2)`` (ring elements)."""
    d = len(plane[0])
    cols = [[(c, int(u[c])) for c in range(d) if u[c]] for u in plane]
    R = [[[0] * 3 for _ in range(3)] for _ in range(3)]
    for a, b, c in itertools.combinations_with_replacement(range(3), 3):
        acc = 0
        for k, x in cols[a]:
            for l, y in cols[b]:
                for m, z in cols[c]:
                    w = x * y * z
                    acc = acc + (P[k][l][m] * w if w != 1 else P[k][l][m])
        for perm in set(itertools.permutations((a, b, c))):
            R[perm[0]][perm[1]][perm[2]] = acc
    return R


def hessian_coefficients(P3) -> list:
    """Coefficients of ``det(sum_c P3[a][b][c] y_c)`` (= Hessian / 216) on the 10 ternary cubic monomials.

    ``P3`` is a 3x3x3 symmetric tensor of ring elements; the order is :func:`.model.cubic_multisets` (3).

    Examples
    --------
    >>> import numpy as np
    >>> P = np.zeros((3, 3, 3), dtype=object); P[0, 1, 2] = P[0, 2, 1] = P[1, 0, 2] = 1
    >>> P[1, 2, 0] = P[2, 0, 1] = P[2, 1, 0] = 1     # g = 6 xyz: H(g) = 2 * 216 xyz
    >>> hessian_coefficients(P.tolist())[4]          # the coefficient of x y z
    2
    """
    out = {m: 0 for m in cubic_multisets(3)}
    for cs in itertools.product(range(3), repeat=3):
        key = tuple(sorted(cs))
        out[key] = out[key] + det([[P3[a][b][cs[a]] for b in range(3)] for a in range(3)])
    return [out[m] for m in cubic_multisets(3)]


def _brill_hessian(P, d, a, planes=None, **_):
    if a != 1 or d < 3:
        return []
    planes = default_planes(d) if planes is None else planes
    monos = cubic_multisets(3)
    out = []
    for pi, plane in enumerate(planes):
        if len(plane) != 3 or any(len(u) != d for u in plane):
            raise ShapeError(f"plane {pi} must be 3 vectors of length d = {d}")
        g = _restrict_cubic(P, plane)
        gc = [g[m[0]][m[1]][m[2]] * orbit_size(m) for m in monos]  # monomial coefficients of g
        hc = hessian_coefficients(g)
        for i, j in itertools.combinations(range(len(monos)), 2):
            out.append((f"brill plane {pi} [{monos[i]},{monos[j]}]", gc[i] * hc[j] - gc[j] * hc[i]))
    return out


_BUILDERS = {
    "low_rank": _low_rank,
    "cross_column": _cross_column,
    "context_syzygy_maximal": lambda T, d, a, **kw: _context_syzygy(T, d, a, d),
    "context_syzygy_submaximal": lambda T, d, a, **kw: _context_syzygy(T, d, a, d - 1) if d >= 3 else [],
    "veronese": _veronese,
    "resultant": _resultant,
    "single_low_rank": _single_low_rank,
    "lie_flattening": _lie_flattening,
    "brill_hessian": _brill_hessian,
    "slice_pair_minors": _slice_pair_minors,
}


def family_values(key: str, tensor: list, d: int, a: int, **options) -> list[tuple[str, Any]]:
    """Evaluate family ``key`` on a nested-list tensor of ring elements.

    ``tensor[k][k'][l]`` is the cross tensor (cross families) or the pure tensor (single
    families).  Returns ``(label, value)`` pairs in a fixed order.  Options: ``lines`` for
    ``resultant``, ``r_values`` for ``veronese``, ``max_minors`` for ``lie_flattening``.
    """
    info = family_info(key)
    if info.regime == "entry":
        raise InvalidInputError("the linear family acts on raw coordinates; use linear_relations()")
    LightningShape(d, a, 2 if info.regime == "cross" else 1)
    return _BUILDERS[key](tensor, d, a, **options)


@lru_cache(maxsize=64)
def _generators_cached(key: str, d: int, a: int, opts: tuple) -> tuple:
    info = family_info(key)
    T = cross_symbols_tensor(d) if info.regime == "cross" else pure_symbols_tensor(d)
    vals = family_values(key, T, d, a, **dict(opts))
    ring = cross_ring(d) if info.regime == "cross" else pure_ring(d)
    out = []
    for lab, v in vals:
        if not isinstance(v, flint.fmpz_mpoly):
            v = ring.from_dict({}) + int(v)
        out.append((lab, v))
    return tuple(out)


def family_generators(key: str, d: int, a: int, *, drop_zero: bool = True, **options) -> list[tuple[str, flint.fmpz_mpoly]]:
    """Exact polynomial generators of family ``key`` (``flint.fmpz_mpoly``, integer coefficients).

    Variables are the cross coordinates ``T_k_k'_l`` (:func:`.ring.cross_variable_names`) or
    the pure coordinates ``P_k_l_m``.  Identically zero expressions are dropped.

    Examples
    --------
    >>> gens = family_generators("cross_column", 3, 2)
    >>> len(gens), gens[0][1].total_degree()
    (10, 3)
    """
    opts = tuple(sorted((k, _freeze(v)) for k, v in options.items()))
    gens = list(_generators_cached(key, d, a, opts))
    if drop_zero:
        gens = [(lab, g) for lab, g in gens if g != 0]
    return gens


def _freeze(v):
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(x) for x in v)
    return v


def family_sympy(key: str, d: int, a: int, **options) -> list:
    """The generators of :func:`family_generators` as sympy expressions."""
    info = family_info(key)
    if key == "linear":
        raise InvalidInputError("use linear_relations(d, t, as_sympy=True) for the linear family")
    names = cross_variable_names(d) if info.regime == "cross" else pure_variable_names(d)
    return [mpoly_to_sympy(g, names) for _, g in family_generators(key, d, a, **options)]


def evaluate_family(key: str, tensor: Any, a: int, **options) -> np.ndarray:
    """Evaluate family ``key`` at float tensors of shape ``(..., d, d, d)``; returns ``(..., m)``.

    This is the fast path: the same formulas as the generators, applied to whole batches.

    Examples
    --------
    >>> from expressivity.attention.model import cross_tensor, random_parameters, LightningShape
    >>> p = random_parameters(LightningShape(3, 2), seed=0)
    >>> T = cross_tensor(p.V, p.A)[0]
    >>> bool(np.max(np.abs(evaluate_family("veronese", T, 2))) < 1e-9)
    True
    """
    arr = np.asarray(tensor, dtype=float)
    if arr.ndim < 3 or arr.shape[-1] != arr.shape[-2] or arr.shape[-2] != arr.shape[-3]:
        raise ShapeError(f"expected a tensor of shape (..., d, d, d), got {arr.shape}")
    d = arr.shape[-1]
    vals = family_values(key, tensor_from_array(arr), d, a, **options)
    batch = arr.shape[:-3]
    if not vals:
        return np.zeros(batch + (0,))
    cols = [np.broadcast_to(np.asarray(v, dtype=float), batch) for _, v in vals]
    return np.stack(cols, axis=-1)


# --------------------------------------------------------------------------- linear relations

def linear_relations(d: int, t: int, *, as_sympy: bool = False):
    """Integer linear relations among the scaled coordinates of one output entry (linear family).

    Returns a list of integer coefficient vectors over :func:`.model.entry_labels` (target
    column j = 0): the sequence copies ``y^(n) - y^(n0)`` (t >= 3) and the internal
    symmetrisation ``3 P_klm - (T_klm + T_kml + T_lmk) = 0`` for context column ``n0``.
    Count: ``(t-2) d^2(d+1)/2 + C(d+2,3)`` for t >= 2, none for t = 1.

    Examples
    --------
    >>> len(linear_relations(3, 2)), len(linear_relations(2, 3)), len(linear_relations(2, 2))
    (10, 10, 4)
    """
    LightningShape(d, 1, t)
    N = coefficient_count(d, t)
    if t == 1:
        return []
    block = d * d * (d + 1) // 2
    P = pairs(d)
    pos = {pr: i for i, pr in enumerate(P)}

    def cross_index(n_block, k, k2, l):
        a, b = min(k, k2), max(k, k2)
        return n_block * block + pos[(a, b)] * d + l

    rels = []
    for nb in range(1, t - 1):
        for c in range(block):
            v = [0] * N
            v[nb * block + c] = 1
            v[c] = -1
            rels.append(v)
    pure_start = (t - 1) * block
    for i, (k, l, m) in enumerate(cubic_multisets(d)):
        v = [0] * N
        v[pure_start + i] += 3
        for (x, y, z) in ((k, l, m), (k, m, l), (l, m, k)):
            v[cross_index(0, x, y, z)] -= 1
        rels.append(v)
    if as_sympy:
        import sympy as sp

        labels = entry_labels(d, t, 0)
        syms = [sp.Symbol("y_" + "_".join(f"{k}{n}" for k, n in lab)) for lab in labels]
        return [sp.Add(*[c * s for c, s in zip(v, syms) if c]) for v in rels]
    return rels


def evaluate_linear_relations(y: Any, d: int, t: int) -> np.ndarray:
    """Values of the linear relations at raw coordinate vectors ``y`` of shape ``(..., N(d,t))``."""
    arr = np.asarray(y)
    N = coefficient_count(d, t)
    if arr.shape[-1] != N:
        raise ShapeError(f"raw coordinates of one output entry must have N(d,t) = {N} entries, got {arr.shape[-1]}")
    R = np.array(linear_relations(d, t), dtype=float if arr.dtype != object else object).reshape(-1, N)
    return arr @ R.T
