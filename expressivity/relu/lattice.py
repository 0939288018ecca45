"""Lattice polytopes: exactly checked convex hulls, normalized volume, faces, the HHL class Q_k.

* :func:`convex_hull` -- vertices and facets of ``conv(points)`` for integer points.  Qhull
  (floating point) proposes facet hyperplanes; each is re-derived exactly from the points on
  it and accepted only if *all* points lie weakly on one side, and the facet complex must be
  closed (every ridge, computed recursively, lies in exactly two facets).  If qhull's
  proposal fails the re-check (badly conditioned input, e.g. huge coordinates), the facets
  come from an exact integer beneath-beyond instead, re-checked the same way; a failure then
  raises :class:`~expressivity.exceptions.SolverFailedError` -- never a silent float answer.
* :func:`normalized_volume` -- ``Vol(F) = d! * vol`` in the lattice ``aff(F) ∩ Z^n``; an
  integer (``Vol(Δ_0^n) = 1``, ``Vol(point) = 1``).  A d-simplex with edge matrix ``E``
  (d x n) has lattice-normalized volume ``gcd`` of the d x d minors of ``E``; the polytope is
  triangulated by recursive pulling from a vertex over the verified facets.
* :func:`faces` -- all faces of dimension >= a threshold (vertex sets).
* :func:`in_Qk` -- HHL23 class Q_k: every face of dimension >= 2^k has even Vol.
* :func:`minkowski_sum`, :func:`simplex_points` -- helpers.

Examples
--------
>>> normalized_volume(simplex_points(3))
1
>>> normalized_volume([(0, 0), (2, 0), (0, 2), (2, 2)])    # 2x2 square: 2! * 4
8
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..exceptions import InvalidInputError, NumberTypeError, SolverFailedError

__all__ = [
    "integer_points",
    "affine_dimension",
    "Hull",
    "convex_hull",
    "normalized_volume",
    "faces",
    "in_Qk",
    "QkResult",
    "minkowski_sum",
    "simplex_points",
]


def integer_points(points: Iterable[Sequence[Any]], *, where: str = "points") -> list[tuple[int, ...]]:
    """Distinct integer points as tuples; non-integral or float entries raise a clear error."""
    out = []
    for i, p in enumerate(points):
        row = []
        for j, v in enumerate(p):
            if isinstance(v, bool) or isinstance(v, (float, np.floating)):
                raise NumberTypeError(f"{where}[{i}][{j}] = {v!r}: lattice routines need exact integers, not floats")
            f = Fraction(v) if not isinstance(v, Fraction) else v
            if f.denominator != 1:
                raise InvalidInputError(
                    f"{where}[{i}][{j}] = {f} is not an integer: normalized volume and Q_k are defined for lattice "
                    "polytopes (integer vertices); scale the polytope or use integer weights")
            row.append(int(f))
        out.append(tuple(row))
    if not out:
        raise InvalidInputError(f"{where} is empty")
    dims = {len(p) for p in out}
    if len(dims) != 1:
        raise InvalidInputError(f"{where}: points have different dimensions {sorted(dims)}")
    return sorted(set(out))


def _rank(rows: list[list[int]]) -> int:
    if not rows:
        return 0
    import flint

    return int(flint.fmpz_mat(rows).rank())


def affine_dimension(points) -> int:
    """Dimension of the affine hull (exact)."""
    pts = integer_points(points)
    p0 = pts[0]
    return _rank([[a - b for a, b in zip(p, p0)] for p in pts[1:]])


def _det(rows: list[list[int]]) -> int:
    import flint

    return int(flint.fmpz_mat(rows).det()) if rows else 1


def _normal(vecs: list[list[int]]) -> list[int]:
    """Integer vector orthogonal to d-1 vectors in Z^d (signed cofactors), made primitive."""
    d = len(vecs) + 1
    nrm = [(-1) ** i * _det([[v[j] for j in range(d) if j != i] for v in vecs]) for i in range(d)]
    g = math.gcd(*nrm)
    if g == 0:
        return nrm
    return [v // g for v in nrm]


def _coords(pts: list[tuple[int, ...]]) -> tuple[list[int], int]:
    """Columns on which the projection of aff(pts) is injective, and its dimension d."""
    p0 = pts[0]
    diffs = [[a - b for a, b in zip(p, p0)] for p in pts[1:]]
    d = _rank(diffs)
    cols: list[int] = []
    for j in range(len(p0)):
        if _rank([[row[c] for c in cols + [j]] for row in diffs]) > len(cols):
            cols.append(j)
        if len(cols) == d:
            break
    return cols, d


@dataclass(frozen=True)
class Hull:
    """An exactly verified convex hull of lattice points.

    ``points`` are the input points (deduplicated, sorted), ``vertices`` indexes the extreme
    points and ``facets`` lists each facet as a frozenset of point indices lying on it, for a
    polytope of dimension ``dim`` (``cols``: coordinates on which aff(P) projects injectively).
    """

    points: tuple[tuple[int, ...], ...]
    dim: int
    cols: tuple[int, ...]
    vertices: tuple[int, ...]
    facets: tuple[frozenset, ...]


class _ProposalFailed(Exception):
    """qhull's floating-point facet proposal did not survive the exact re-check."""


def _qhull_facet_hyperplanes(proj: list[list[int]], d: int) -> list[tuple[list[int], int]]:
    """Facet hyperplanes ``(normal, offset)`` proposed by qhull and re-derived exactly.

    qhull sees the points translated to the first one (floats of differences, better
    conditioned than the raw coordinates); each proposed facet is re-derived in integers from
    the points on it and must support the whole set, else :class:`_ProposalFailed`.
    """
    from scipy.spatial import ConvexHull, QhullError

    base = proj[0]
    rel = np.array([[float(a - b) for a, b in zip(q, base)] for q in proj])
    scale = np.abs(rel).max(axis=0)
    scale[scale == 0] = 1.0
    try:
        qh = ConvexHull(rel / scale)
    except (QhullError, ValueError) as exc:
        raise _ProposalFailed(str(exc)) from None
    P = np.array(proj, dtype=object)
    groups: dict[tuple, set] = {}
    for simp, eq in zip(qh.simplices, qh.equations):
        groups.setdefault(tuple(np.round(eq, 7)), set()).update(int(i) for i in simp)
    planes = []
    for members in groups.values():
        mem = sorted(members)
        vecs: list[list[int]] = []
        for i in mem[1:]:
            v = [a - b for a, b in zip(proj[i], proj[mem[0]])]
            if _rank(vecs + [v]) > len(vecs):
                vecs.append(v)
        if len(vecs) != d - 1:
            raise _ProposalFailed("a qhull facet is not (d-1)-dimensional")
        plane = _supporting(_normal(vecs), proj[mem[0]], P)
        if plane is None:
            raise _ProposalFailed("a qhull facet does not support the point set")
        planes.append(plane)
    return planes


def _supporting(nrm: list[int], base: Sequence[int], P: np.ndarray) -> tuple[list[int], int] | None:
    """``(normal, offset)`` oriented so that every point has ``<normal, p> <= offset``; None if
    the hyperplane through ``base`` has points strictly on both sides."""
    vals = (P @ np.array(nrm, dtype=object)).tolist()
    off = sum(a * b for a, b in zip(nrm, base))
    if max(vals) > off:
        if min(vals) < off:
            return None
        nrm, off = [-v for v in nrm], -off
    return list(nrm), off


def _exact_facet_hyperplanes(proj: list[list[int]], d: int) -> list[tuple[list[int], int]]:
    """Facet hyperplanes of a full-dimensional integer point set by exact beneath-beyond.

    Start from a d-simplex of the points; add each point in turn, removing the simplicial
    facets it sees strictly and coning it over their horizon ridges.  Integer arithmetic
    throughout (the fallback when qhull's proposal fails the exact re-check).
    """
    simplex = [0]
    vecs: list[list[int]] = []
    for i in range(1, len(proj)):
        v = [a - b for a, b in zip(proj[i], proj[0])]
        if _rank(vecs + [v]) > len(vecs):
            vecs.append(v)
            simplex.append(i)
            if len(simplex) == d + 1:
                break
    inner = [sum(proj[i][c] for i in simplex) for c in range(d)]  # (d + 1) x an interior point

    def oriented(idx: tuple[int, ...]) -> tuple[tuple[int, ...], list[int], int]:
        base = proj[idx[0]]
        nrm = _normal([[a - b for a, b in zip(proj[i], base)] for i in idx[1:]])
        off = sum(a * b for a, b in zip(nrm, base))
        if sum(a * b for a, b in zip(nrm, inner)) > (d + 1) * off:
            nrm, off = [-v for v in nrm], -off
        return idx, nrm, off

    facets = [oriented(tuple(j for j in simplex if j != i)) for i in simplex]
    for p in range(len(proj)):
        if p in simplex:
            continue
        visible = [f for f in facets if sum(a * b for a, b in zip(f[1], proj[p])) > f[2]]
        if not visible:
            continue
        ridge_count: dict[frozenset, int] = {}
        for idx, _, _ in visible:
            for j in idx:
                R = frozenset(idx) - {j}
                ridge_count[R] = ridge_count.get(R, 0) + 1
        seen = {id(f) for f in visible}
        facets = [f for f in facets if id(f) not in seen]
        facets += [oriented(tuple(sorted(R)) + (p,)) for R, c in ridge_count.items() if c == 1]
    planes = {(tuple(nrm), off) for _, nrm, off in facets}
    return [(list(nrm), off) for nrm, off in planes]


def convex_hull(points) -> Hull:
    """Exactly verified hull of integer points (any affine dimension).

    qhull (floating point) proposes the facet hyperplanes; each is re-derived exactly and must
    support the point set.  If that fails (badly conditioned input, e.g. huge coordinates),
    the hyperplanes come from an exact beneath-beyond instead.  Either way the facet complex
    is then checked to be closed.

    Examples
    --------
    >>> H = convex_hull([(0, 0), (10**30, 1), (0, 1), (10**30 + 1, 0), (1, 0)])
    >>> sorted(H.points[i] for i in H.vertices)
    [(0, 0), (0, 1), (1000000000000000000000000000000, 1), (1000000000000000000000000000001, 0)]
    """
    pts = integer_points(points)
    cols, d = _coords(pts)
    if d == 0:
        return Hull(tuple(pts), 0, tuple(cols), (0,), ())
    proj = [[p[c] for c in cols] for p in pts]
    if d == 1:
        vals = [q[0] for q in proj]
        lo, hi = vals.index(min(vals)), vals.index(max(vals))
        return Hull(tuple(pts), 1, tuple(cols), tuple(sorted({lo, hi})), (frozenset({lo}), frozenset({hi})))
    try:
        facets = _verified_facets(pts, proj, _qhull_facet_hyperplanes(proj, d))
    except (_ProposalFailed, SolverFailedError):
        facets = _verified_facets(pts, proj, _exact_facet_hyperplanes(proj, d))
    verts = []
    for i in range(len(pts)):
        inc = [F for F in facets if i in F]
        common = frozenset.intersection(*inc) if inc else frozenset()
        if common == {i}:
            verts.append(i)
    return Hull(tuple(pts), d, tuple(cols), tuple(verts), facets)


def _verified_facets(pts, proj, planes) -> tuple[frozenset, ...]:
    """Facets (index sets of the points on each hyperplane), after the exact re-check: every
    hyperplane supports the set and the facet complex is closed."""
    P = np.array(proj, dtype=object)
    facet_of: dict[tuple, frozenset] = {}
    for nrm, off in planes:
        vals = (P @ np.array(nrm, dtype=object)).tolist()
        if max(vals) > off:
            raise SolverFailedError("exact re-check failed: a facet hyperplane does not support the point set")
        facet_of[(tuple(nrm), off)] = frozenset(i for i, v in enumerate(vals) if v == off)
    facets = tuple(facet_of.values())
    _check_closed_boundary(pts, facets)
    return facets


def _check_closed_boundary(pts: list[tuple[int, ...]], facets: tuple[frozenset, ...]) -> None:
    """Every ridge (facet of a facet) lies in exactly two facets, else SolverFailedError."""
    ridges: dict[frozenset, int] = {}
    for F in facets:
        sub = convex_hull([pts[i] for i in sorted(F)])
        for R in sub.facets:
            key = frozenset(sub.points[j] for j in R)
            ridges[key] = ridges.get(key, 0) + 1
    if any(c != 2 for c in ridges.values()):
        raise SolverFailedError("exact re-check failed: the facet complex is not closed (a ridge is not in two facets)")


def _triangulate(pts: list[tuple[int, ...]]) -> list[tuple[tuple[int, ...], ...]]:
    """Pulling triangulation of conv(pts): simplices as tuples of points."""
    H = convex_hull(pts)
    vs = [H.points[i] for i in H.vertices]
    if H.dim == 0:
        return [(vs[0],)]
    if H.dim == 1:
        return [tuple(vs)]
    apex = vs[0]
    out = []
    for F in H.facets:
        Fp = [H.points[i] for i in sorted(F)]
        if apex in Fp:
            continue
        out.extend((apex,) + s for s in _triangulate(Fp))
    return out


def _simplex_lattice_volume(edges: list[list[int]]) -> int:
    """gcd of the maximal minors of the d x n edge matrix = lattice-normalized volume."""
    d = len(edges)
    n = len(edges[0])
    g = 0
    for J in itertools.combinations(range(n), d):
        g = math.gcd(g, _det([[e[j] for j in J] for e in edges]))
        if g == 1:
            break
    return g


def normalized_volume(points) -> int:
    """Normalized lattice volume ``Vol(conv(points))`` of integer points (exact integer).

    Raises
    ------
    InvalidInputError
        Non-integral coordinates (lattice routines need lattice polytopes).
    """
    H = convex_hull(points)
    if H.dim == 0:
        return 1
    pts = H.points
    if H.dim == 1:
        a, b = pts[H.vertices[0]], pts[H.vertices[-1]]
        return math.gcd(*[x - y for x, y in zip(a, b)])
    total = 0
    for simp in _triangulate(list(pts)):
        edges = [[a - b for a, b in zip(q, simp[0])] for q in simp[1:]]
        total += _simplex_lattice_volume(edges)
    return total


def faces(points, min_dim: int = 0) -> dict[int, set[frozenset]]:
    """Faces of ``conv(points)`` of dimension >= ``min_dim``, as sets of the points they contain
    (coordinates tuples), keyed by dimension."""
    pts = integer_points(points)
    out: dict[int, set[frozenset]] = {}

    def rec(sub: list[tuple[int, ...]]) -> None:
        H = convex_hull(sub)
        if H.dim < min_dim:
            return
        key = frozenset(H.points[i] for i in H.vertices)
        if key in out.get(H.dim, set()):
            return
        out.setdefault(H.dim, set()).add(key)
        if H.dim - 1 < min_dim:
            return
        for F in H.facets:
            rec([H.points[i] for i in F])

    rec(pts)
    return out


@dataclass(frozen=True)
class QkResult:
    """Outcome of :func:`in_Qk`: membership and, if not, a face of odd volume.

    ``faces_by_dimension`` maps each dimension to the number of faces of that dimension whose
    volume parity was checked (``faces_checked`` is their total); a polytope of dimension
    below ``2^k`` has no face to check and is in Q_k vacuously.
    """

    k: int
    member: bool
    faces_checked: int
    odd_face: tuple | None
    odd_volume: int | None
    faces_by_dimension: Mapping[int, int] = field(default_factory=dict)


def in_Qk(points, k: int) -> QkResult:
    """HHL23 class Q_k: all faces of dimension >= 2^k have even normalized volume.

    Examples
    --------
    A lattice parallelogram (a zonotope, dimension 2 >= 2^1) is in Q_1; a triangle is not:

    >>> in_Qk([(0, 0), (1, 0), (0, 1), (1, 1)], 1).member, in_Qk(simplex_points(2), 1).member
    (True, False)
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise InvalidInputError(f"k must be a non-negative integer, got {k!r}")
    fs = faces(points, 2 ** k)
    count = 0
    by_dim: dict[int, int] = {}
    for dim in sorted(fs):
        for F in sorted(fs[dim], key=sorted):
            count += 1
            by_dim[dim] = by_dim.get(dim, 0) + 1
            v = normalized_volume(F)
            if v % 2:
                return QkResult(k, False, count, tuple(sorted(F)), v, by_dim)
    return QkResult(k, True, count, None, None, by_dim)


def minkowski_sum(P, Q) -> list[tuple]:
    """All sums ``p + q`` (not pruned)."""
    return sorted({tuple(a + b for a, b in zip(p, q)) for p in P for q in Q})


def simplex_points(n: int) -> list[tuple[int, ...]]:
    """Vertices of ``Δ_0^n = conv{0, e_1..e_n}``."""
    if n < 1:
        raise InvalidInputError(f"n must be >= 1, got {n}")
    return [tuple([0] * n)] + [tuple(1 if j == i else 0 for j in range(n)) for i in range(n)]
