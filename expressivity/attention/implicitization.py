"""Implicitisation of the lightning variety mod p, degree by degree, with the torus grading.

Work in the reduced coordinates (cross tensors for t >= 2, pure tensors for t = 1; ``d'``
output rows).  The variety is stable under ``x -> diag(lambda) x`` (``V -> V diag(lambda)``,
``A -> diag(lambda) A diag(lambda)``), so the coordinate ``T^(i)_{k k' l}`` has weight
``e_k + e_k' + e_l`` (plus ``e_i`` in an extra block for the output row) and the vanishing
ideal ``I`` is homogeneous for that Z^n-grading.  For each degree ``k`` and weight class
``w`` we evaluate the class's monomials at random model points over GF(p) and take the null
space (python-flint ``nmod_mat``): ``dim I_k = sum_w nullity``.

Rigour.  The evaluation matrix mod p has rank at most its rank over Q at the same
(integer-lifted) points, which is at most the generic rank; so the computed ``dim I_k`` is an
**upper bound**, exact with high probability.  The span of known invariants computed mod p is
a **lower bound** (rank mod p <= rank over Q).  When the two meet -- :func:`family_coverage`
-- the families provably span ``I_k`` (given that they vanish on the model, which
:mod:`.verification` proves symbolically).

New minimal generators in degree k: ``dim I_k - dim(R_1 I_{k-1})_k``.  :attr:`DegreeData.new_generators`
computes ``dim(R_1 I_{k-1})_k`` from a mod-p basis of ``I_{k-1}``: a count mod p, exact with high
probability.  It is **proved** over Q when the families span ``I_{k-1}`` and ``I_k`` (both proved as
above) and the rank of the multiples of the lower-degree family generators is computed exactly
over Q (``family_coverage(..., exact_lower=True)``, feasible for weight classes of up to
:data:`MAX_EXACT_COLUMNS` monomials).  :func:`count_status` names the status of a count.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import flint
import numpy as np

from .._random import as_rng
from ..exceptions import ComputationTooLargeError, InvalidInputError
from ..progress import Progress
from .families import applicable_families, family_generators, family_info
from .model import LightningShape, cubic_multisets, pairs

__all__ = [
    "DEFAULT_PRIME",
    "GradedIdealData",
    "DegreeData",
    "coordinate_weights",
    "model_points_mod_p",
    "implicitize",
    "family_coverage",
    "CoverageData",
    "MAX_EXACT_COLUMNS",
    "count_status",
    "PROVED",
    "UPPER_BOUND",
    "MOD_P",
    "UNVERIFIED",
]

DEFAULT_PRIME = 2_147_483_629  # < 2^31: products of two residues fit in int64
MAX_EXACT_COLUMNS = 400  # largest weight class whose rank over Q family_coverage computes exactly


def coordinate_weights(shape: LightningShape) -> list[tuple[int, ...]]:
    """Torus weights of the reduced coordinates (order: row i, then pairs/multisets, then l)."""
    d, dp = shape.d, shape.dprime
    out = []
    for i in range(dp):
        row = [0] * dp
        row[i] = 1
        if shape.t >= 2:
            for (k, k2) in pairs(d):
                for l in range(d):
                    w = [0] * d
                    for x in (k, k2, l):
                        w[x] += 1
                    out.append(tuple(w + row))
        else:
            for m in cubic_multisets(d):
                w = [0] * d
                for x in m:
                    w[x] += 1
                out.append(tuple(w + row))
    return out


def model_points_mod_p(shape: LightningShape, n: int, seed: Any = 0, p: int = DEFAULT_PRIME) -> np.ndarray:
    """``n`` random points of the variety over GF(p): reduced coordinates, shape ``(n, #coords)``.

    Random ``V, Q, K`` mod p; the 1/2 (and 1/6) of the scaled coordinates use modular inverses.
    """
    rng = as_rng(seed)
    d, a, dp = shape.d, shape.a, shape.dprime
    V = rng.integers(0, p, size=(n, dp, d), dtype=np.int64)
    Q = rng.integers(0, p, size=(n, a, d), dtype=np.int64)
    K = rng.integers(0, p, size=(n, a, d), dtype=np.int64)
    A = np.zeros((n, d, d), dtype=np.int64)
    for h in range(a):
        A = (A + (Q[:, h, :, None] * K[:, h, None, :]) % p) % p
    inv2 = pow(2, -1, p)
    cols = []
    for i in range(dp):
        if shape.t >= 2:
            for (k, k2) in pairs(d):
                for l in range(d):
                    x = (V[:, i, k] * A[:, k2, l] % p + V[:, i, k2] * A[:, k, l] % p) % p
                    cols.append(x * inv2 % p)
        else:
            inv6 = pow(6, -1, p)
            for (k, l, m) in cubic_multisets(d):
                acc = np.zeros(n, dtype=np.int64)
                for (x, y, z) in ((k, l, m), (k, m, l), (l, m, k)):
                    acc = (acc + V[:, i, x] * A[:, y, z] % p + V[:, i, y] * A[:, x, z] % p) % p
                cols.append(acc * inv6 % p)
    return np.stack(cols, axis=1)


@dataclass(frozen=True)
class DegreeData:
    """Results for one degree."""

    degree: int
    monomials: int
    classes: int
    dim_ideal: int          # dim I_k (upper bound, exact w.h.p.)
    dim_from_lower: int     # dim (R_1 I_{k-1})_k
    seconds: float

    @property
    def new_generators(self) -> int:
        return self.dim_ideal - self.dim_from_lower


@dataclass(frozen=True)
class GradedIdealData:
    """Degree-by-degree data of the vanishing ideal in the reduced coordinates."""

    shape: LightningShape
    coordinates: int
    degrees: tuple[DegreeData, ...]
    linear_raw: int  # linear relations among the raw N(d,t) coordinates of one output entry
    prime: int
    bases: dict = field(default_factory=dict, repr=False, compare=False)

    def generators_by_degree(self, raw: bool = True) -> dict[int, int]:
        """Minimal generators per degree; ``raw`` adds the linear relations of one output entry.

        With ``raw`` (and d' = 1) the counts are those of the ideal of one output entry in its
        ``N(d,t)`` raw scaled coordinates, as Macaulay2 reports them.  For d' > 1 the reduced
        coordinates of all rows are used and ``raw`` is ignored.
        """
        out = {}
        if raw and self.linear_raw and self.shape.dprime == 1:
            out[1] = self.linear_raw
        for dd in self.degrees:
            if dd.new_generators:
                out[dd.degree] = out.get(dd.degree, 0) + dd.new_generators
        return out


def _monomials_by_class(n_vars: int, degree: int, weights: Sequence[tuple[int, ...]]):
    classes: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    W = np.array(weights, dtype=np.int64)
    for mono in itertools.combinations_with_replacement(range(n_vars), degree):
        w = tuple(W[list(mono)].sum(axis=0).tolist())
        classes.setdefault(w, []).append(mono)
    return classes


def _eval_monomials(Y: np.ndarray, monos: list[tuple[int, ...]], p: int) -> np.ndarray:
    idx = np.array(monos, dtype=np.int64)
    out = Y[:, idx[:, 0]].copy()
    for j in range(1, idx.shape[1]):
        out = out * Y[:, idx[:, j]] % p
    return out


def _nmod(arr: np.ndarray, p: int) -> flint.nmod_mat:
    r, c = arr.shape
    return flint.nmod_mat(r, c, arr.ravel().tolist(), p)


def implicitize(shape: LightningShape, max_degree: int = 4, *, seed: Any = 0, p: int = DEFAULT_PRIME,
                extra_points: int = 8, max_class: int = 6000, max_monomials: int | None = 2_000_000,
                progress: bool | Progress = False) -> GradedIdealData:
    """``dim I_k`` and new minimal generators for ``k = 1 .. max_degree`` (see module docstring).

    The sizes of the weight classes are counted before anything is enumerated
    (:func:`.cost.weight_class_sizes`); a class larger than ``max_class`` monomials, or a degree
    with more than ``max_monomials`` monomials (None: no limit), raises
    :class:`ComputationTooLargeError` up front.  ``progress``: ``True`` for progress lines on
    stderr, or a :class:`~expressivity.progress.Progress` to report into (one phase per degree,
    counted in monomials; the largest classes come first, so early rates are the slowest).

    Examples
    --------
    >>> g = implicitize(LightningShape(2, 2, 2), max_degree=4)
    >>> g.generators_by_degree()
    {1: 4, 4: 1}
    """
    from .cost import _class_count_bound, linear_relation_count, weight_class_sizes

    if max_degree < 1:
        raise InvalidInputError(f"max_degree must be >= 1, got {max_degree}")
    weights = coordinate_weights(shape)
    n = len(weights)
    for k in range(1, max_degree + 1):
        total = math.comb(n + k - 1, k)
        if max_monomials is not None and total > max_monomials:
            raise ComputationTooLargeError(
                f"degree {k} has {total} monomials in {n} coordinates (> max_monomials = {max_monomials}); "
                "lower max_degree or raise max_monomials")
        sizes = weight_class_sizes(shape, k)
        biggest = sizes[0] if sizes else -(-total // _class_count_bound(shape, k))
        if biggest > max_class:
            raise ComputationTooLargeError(
                f"degree {k} has a weight class of {'at least ' if sizes is None else ''}{biggest} monomials "
                f"(> max_class = {max_class}); lower max_degree or raise max_class (--max-class)")
    rng = as_rng(seed)
    degrees = []
    prev_basis: dict[tuple[int, ...], tuple[list, np.ndarray]] = {}
    all_bases = {}
    label = f"implicitization d={shape.d} a={shape.a} t={shape.t}"
    own = not isinstance(progress, Progress)
    prog = Progress(None, label, enabled=bool(progress)) if own else progress
    try:
        for k in range(1, max_degree + 1):
            t0 = time.perf_counter()
            prog.phase(f"{label}: degree {k}/{max_degree}, monomials", math.comb(n + k - 1, k))
            classes = _monomials_by_class(n, k, weights)
            biggest = max(len(v) for v in classes.values())
            Y = model_points_mod_p(shape, biggest + extra_points, rng, p)
            basis: dict[tuple[int, ...], tuple[list, np.ndarray]] = {}
            dim_I = 0
            dim_low = 0
            for w, monos in sorted(classes.items(), key=lambda kv: -len(kv[1])):
                E = _eval_monomials(Y[:len(monos) + extra_points], monos, p)
                X, nullity = _nmod(E, p).nullspace()
                nullity = int(nullity)
                if nullity:
                    dim_I += nullity
                    B = np.array([[int(X[i, j]) for i in range(len(monos))] for j in range(nullity)], dtype=np.int64)
                    basis[w] = (monos, B)
                    if k > 1 and prev_basis:
                        dim_low += _rank_of_products(prev_basis, w, monos, weights, p)
                prog.update(len(monos), extra=f"dim I_{k} so far {dim_I}")
            degrees.append(DegreeData(k, sum(len(v) for v in classes.values()), len(classes), dim_I, dim_low,
                                      time.perf_counter() - t0))
            all_bases[k] = basis
            prev_basis = basis
    finally:
        if own:
            prog.close()
    lin = linear_relation_count(shape.d, shape.t)
    return GradedIdealData(shape, n, tuple(degrees), lin, p, all_bases)


def _rank_of_products(prev_basis, w, monos, weights, p) -> int:
    index = {m: i for i, m in enumerate(monos)}
    rows = []
    for v, wv in enumerate(weights):
        src = tuple(a - b for a, b in zip(w, wv))
        if src not in prev_basis:
            continue
        pm, B = prev_basis[src]
        target = [index[tuple(sorted(m + (v,)))] for m in pm]
        R = np.zeros((B.shape[0], len(monos)), dtype=np.int64)
        R[:, target] = B
        rows.append(R)
    if not rows:
        return 0
    M = np.vstack(rows)
    return int(_nmod(M, p).rank())


@dataclass(frozen=True)
class CoverageData:
    """How much of ``I_k`` (per degree) the families span, mod p."""

    shape: LightningShape
    degree: int
    dim_ideal: int
    span_all: int
    span_by_family: dict           # family -> rank of (family x monomials) in degree k
    lost_without: dict             # family -> span_all - span without that family
    span_lower_exact: int | None = None  # exact rank over Q of multiples of lower-degree generators
    short_classes: dict = field(default_factory=dict)  # weight class -> (dim I_k there, family span there), if short

    @property
    def complete(self) -> bool:
        """Families (with multiples of lower-degree ones) span I_k: a certificate (see module doc)."""
        return self.span_all == self.dim_ideal

    @property
    def missing(self) -> int:
        return self.dim_ideal - self.span_all


def _homogeneous_components(poly: flint.fmpz_mpoly, weights) -> dict:
    comps: dict = {}
    terms = list(poly.terms())
    if not terms:
        return comps
    W = np.array(weights, dtype=np.int64)
    E = np.array([e for e, _ in terms], dtype=np.int64)
    ws = [tuple(r) for r in (E @ W).tolist()]
    for (exps, c), w in zip(terms, ws):
        comps.setdefault(w, []).append((tuple(exps), int(c)))
    return comps


def family_coverage(graded: GradedIdealData, degree: int, families: Iterable[str] | None = None,
                    *, split_components: bool = True, progress: bool | Progress = False,
                    exact_lower: bool = False, max_exact_columns: int = MAX_EXACT_COLUMNS,
                    only_classes: Iterable[tuple] | None = None, breakdown: bool = True,
                    **options) -> CoverageData:
    """Rank mod p of the degree-``degree`` part of the ideal generated by the families.

    Family generators (d' = 1 only) are multiplied by all monomials up to ``degree``.  The
    resultant quartics on fixed lines are not torus-homogeneous: with ``split_components``
    (default, fast) each is replaced by its homogeneous components -- each lies in the ideal,
    because the ideal is homogeneous, but together they may span more than the quartics
    themselves; with ``split_components=False`` the generators are used as they are and the
    rank is taken over all degree-``degree`` monomials at once (slower).

    ``progress``: ``True`` or a :class:`~expressivity.progress.Progress`; two phases, the
    generator multiples (per family) and the ranks (per weight class, for the span of all
    families, of each family alone and of all but each family).

    ``exact_lower``: also compute, exactly over Q (python-flint ``fmpz_mat.rank``), the rank of the
    multiples of the family generators of degree < ``degree`` -- when the families span
    ``I_{degree-1}`` this is ``dim (R_1 I_{degree-1})_degree``, so the number of new minimal
    generators is proved.  Skipped (``span_lower_exact = None``) when a weight class has more than
    ``max_exact_columns`` monomials (exact ranks cost about n^4).

    ``breakdown=False`` skips the span of each family alone and of all but each family (``span_by_family``
    and ``lost_without`` stay empty): one rank pass instead of ``1 + 2 * #families``.

    ``only_classes``: restrict everything to these torus-weight classes (a research tool: e.g. the
    classes listed in ``short_classes`` of a previous run); ``dim_ideal`` is then the sum over them.
    """
    shape = graded.shape
    if shape.dprime != 1:
        raise InvalidInputError("family coverage is implemented for one output row (dprime = 1)")
    if degree not in {dd.degree for dd in graded.degrees}:
        raise InvalidInputError(f"degree {degree} was not computed; implicitize with max_degree >= {degree}")
    p = graded.prime
    weights = coordinate_weights(shape)
    n = len(weights)
    fams = [f for f in (families or applicable_families(shape.d, shape.a, shape.t)) if f != "linear"]
    # families whose generators all have degree > ``degree`` contribute nothing (and the
    # Lie flattening for d >= 4 would be expensive to build)
    fams = [f for f in fams if min(family_info(f).degree(shape.d, shape.a), default=degree + 1) <= degree]
    classes = _monomials_by_class(n, degree, weights)
    if only_classes is not None:
        keep = {tuple(w) for w in only_classes}
        classes = {w: ms for w, ms in classes.items() if w in keep}
    index = {w: {m: i for i, m in enumerate(ms)} for w, ms in classes.items()}
    offsets, off = {}, 0
    for w, ms in classes.items():
        offsets[w] = off
        off += len(ms)
    global_index = {m: offsets[w] + i for w, ms in classes.items() for i, m in enumerate(ms)}
    var_lists = {}
    rows_by_family: dict[str, dict] = {}
    exact_rows: dict = {}  # class -> integer rows of multiples of generators of degree < ``degree``
    biggest_class = max(len(ms) for ms in classes.values())
    exact_lower = exact_lower and biggest_class <= max_exact_columns
    label = f"coverage degree {degree}"
    own = not isinstance(progress, Progress)
    prog = Progress(None, label, enabled=bool(progress)) if own else progress
    prog.phase(f"{label}: generator multiples, families", len(fams))
    for f in fams:
        per_class: dict = {}
        for lab, g in family_generators(f, shape.d, shape.a, **options):
            gdeg = g.total_degree()
            if gdeg > degree:
                continue
            comps = _homogeneous_components(g, weights)
            if not split_components and len(comps) > 1:
                comps = {("mixed",): [t for ts in comps.values() for t in ts]}
            mult_deg = degree - gdeg
            if mult_deg not in var_lists:
                var_lists[mult_deg] = list(itertools.combinations_with_replacement(range(n), mult_deg))
            for cw, terms in comps.items():
                tmonos = [(tuple(v for v, e in enumerate(exps) for _ in range(e)), c) for exps, c in terms]
                for mu in var_lists[mult_deg]:
                    row = {}
                    if cw == ("mixed",):
                        w = cw
                        for m, c in tmonos:
                            key = global_index.get(tuple(sorted(m + mu)))
                            if key is None:
                                continue
                            row[key] = (row.get(key, 0) + c) % p
                    else:
                        wmu = tuple(sum(weights[v][j] for v in mu) for j in range(len(cw)))
                        w = tuple(a + b for a, b in zip(cw, wmu))
                        if w not in index:  # outside only_classes
                            continue
                        idx = index[w]
                        exact_row = {} if (exact_lower and gdeg < degree) else None
                        for m, c in tmonos:
                            key = idx[tuple(sorted(m + mu))]
                            row[key] = (row.get(key, 0) + c) % p
                            if exact_row is not None:
                                exact_row[key] = exact_row.get(key, 0) + c
                        if exact_row is not None:
                            exact_rows.setdefault(w, []).append(exact_row)
                    per_class.setdefault(w, []).append(row)
        rows_by_family[f] = per_class
        prog.update(1, extra=f)

    def span(selected: list[str], record: dict | None = None) -> int:
        mixed = [r for f in selected for r in rows_by_family[f].get(("mixed",), [])]
        if mixed:
            # one global matrix: homogeneous rows shifted to their class offsets
            allrows = list(mixed)
            for f in selected:
                for w, rs in rows_by_family[f].items():
                    if w == ("mixed",):
                        continue
                    allrows.extend({offsets[w] + j: c for j, c in r.items()} for r in rs)
            M = np.zeros((len(allrows), off), dtype=np.int64)
            for i, r in enumerate(allrows):
                for j, c in r.items():
                    M[i, j] = c
            rank = int(_nmod(M, p).rank())
            prog.update(len(classes))
            return rank
        total = 0
        for w, ms in classes.items():
            rows = [r for f in selected for r in rows_by_family[f].get(w, [])]
            prog.update(1)
            if not rows:
                if record is not None:
                    record[w] = 0
                continue
            M = np.zeros((len(rows), len(ms)), dtype=np.int64)
            for i, r in enumerate(rows):
                for j, c in r.items():
                    M[i, j] = c
            rk = int(_nmod(M, p).rank())
            total += rk
            if record is not None:
                record[w] = rk
        return total

    dim_I = next(dd.dim_ideal for dd in graded.degrees if dd.degree == degree)
    if only_classes is not None:
        bases = graded.bases.get(degree, {})
        dim_I = sum(int(bases[w][1].shape[0]) for w in classes if w in bases)
    prog.phase(f"{label}: ranks, weight classes", (1 + (2 * len(fams) if breakdown else 0)) * len(classes))
    try:
        per_class: dict = {}
        span_all = span(fams, per_class)
        by_family = {f: span([f]) for f in fams} if breakdown else {}
        lost = {f: span_all - span([g for g in fams if g != f]) for f in fams} if breakdown else {}
    finally:
        if own:
            prog.close()
    span_lower_exact = None
    if exact_lower and not any(("mixed",) in r for r in rows_by_family.values()):
        span_lower_exact = 0
        for w, rs in exact_rows.items():
            M = flint.fmpz_mat(len(rs), len(classes[w]))
            for i, r in enumerate(rs):
                for j, c in r.items():
                    M[i, j] = c
            span_lower_exact += int(M.rank())
    basis = graded.bases.get(degree, {})
    short = {w: (int(basis[w][1].shape[0]), per_class.get(w, 0)) for w in basis
             if per_class and per_class.get(w, 0) < basis[w][1].shape[0]}
    return CoverageData(shape, degree, dim_I, span_all, by_family, lost, span_lower_exact, short)


PROVED = "proved over Q"
UPPER_BOUND = "upper bound proved over Q; equality mod p, with high probability"
MOD_P = "mod p, with high probability"
UNVERIFIED = ("equals the family span, i.e. proved over Q once the families' vanishing is checked "
              "(symbolic checks skipped in this run)")


def count_status(dim_upper: int, span_lower: int | None, families_verified: bool) -> str:
    """How ``dim I_k`` is known: :data:`PROVED`, :data:`UPPER_BOUND` or :data:`UNVERIFIED`.

    ``dim_upper`` is the mod-p nullity (a proved upper bound: rank mod p <= rank over Q at the
    same integer model points); ``span_lower`` the mod-p rank of the family multiples (a proved
    lower bound when the families vanish on the model, which the symbolic checks prove).

    Examples
    --------
    >>> count_status(0, None, False) == PROVED, count_status(90, 90, True) == PROVED
    (True, True)
    >>> count_status(90, 80, True) == UPPER_BOUND, count_status(90, 90, False) == UNVERIFIED
    (True, True)
    """
    if dim_upper == 0:
        return PROVED
    if span_lower is None or span_lower < dim_upper:
        return UPPER_BOUND
    return PROVED if families_verified else UNVERIFIED
