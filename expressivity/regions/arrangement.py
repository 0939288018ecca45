"""Affine hyperplane arrangements in R^d: regions and bounded regions by Zaslavsky's theorem.

An arrangement is a finite list of affine hyperplanes ``a . x = b`` with rational ``a`` and
``b``.  Its *intersection poset* L(A) holds every non-empty intersection of hyperplanes (the
*flats*), ordered by reverse inclusion, with R^d itself at the bottom.  With the Moebius
function mu of L(A) the characteristic polynomial is

    chi_A(t) = sum_{X in L(A)} mu(R^d, X) t^{dim X},

and Zaslavsky's theorem gives the number of regions r(A) = (-1)^d chi_A(-1) and the number of
relatively bounded regions b(A) = (-1)^{rank A} chi_A(1) (Stanley, *An Introduction to
Hyperplane Arrangements*, Thm 2.5).  Everything here is exact: flats are computed with
rational arithmetic (python-flint ``fmpq``) and the poset is a networkx DiGraph.

The JSON arrangement file format read by :func:`load_arrangement` is::

    {"format": "expressivity-arrangement", "dim": 2,
     "hyperplanes": [{"normal": ["1", "0"], "offset": "0"},
                     {"normal": [0, 1], "offset": "1/2"}]}

meaning ``normal . x = offset``; numbers are integers or strings ``"p/q"`` / ``"1.25"``.
JSON floats are refused (they are not exact).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from os import PathLike
from typing import Any, Sequence

import networkx as nx
from flint import fmpq, fmpq_mat

from ..exceptions import ComputationTooLargeError, DegenerateInputError, InvalidInputError, NetworkFileError, ShapeError
from ..numbers import to_fraction
from .limits import DEFAULT_MAX_FLATS, DEFAULT_MAX_STEPS, LimitReachedError

__all__ = [
    "Arrangement",
    "ArrangementCount",
    "Flat",
    "count_arrangement_regions",
    "intersection_poset",
    "general_position_count",
    "general_position_bounded_count",
    "central_generic_count",
    "braid_arrangement",
    "load_arrangement",
    "arrangement_from_dict",
    "arrangement_to_dict",
]

ARRANGEMENT_FORMAT = "expressivity-arrangement"


@dataclass(frozen=True)
class Arrangement:
    """A finite list of affine hyperplanes ``normals[i] . x = offsets[i]`` in R^dim (exact).

    Parameters
    ----------
    normals : sequence of sequences of exact numbers, shape (n, dim)
    offsets : sequence of exact numbers, length n
    dim : int, optional
        Needed only when ``normals`` is empty.

    Examples
    --------
    The two axes and the diagonal through the origin cut the plane into 6 regions:

    >>> A = Arrangement([[1, 0], [0, 1], [1, -1]], [0, 0, 0])
    >>> count_arrangement_regions(A).regions
    6
    """

    normals: tuple[tuple[Fraction, ...], ...]
    offsets: tuple[Fraction, ...]
    dim: int = field(default=0)

    def __init__(self, normals: Sequence[Sequence[Any]], offsets: Sequence[Any], dim: int | None = None):
        def exact(v: Any, where: str) -> Fraction:
            return v if type(v) is Fraction else to_fraction(v, where=where)

        rows = [tuple(exact(v, f"normals[{i}][{j}]") for j, v in enumerate(r)) for i, r in enumerate(normals)]
        offs = tuple(exact(v, f"offsets[{i}]") for i, v in enumerate(offsets))
        if len(rows) != len(offs):
            raise ShapeError(f"{len(rows)} normals but {len(offs)} offsets; give one offset per hyperplane")
        if dim is None:
            if not rows:
                raise InvalidInputError("an empty arrangement needs an explicit dim")
            dim = len(rows[0])
        if not isinstance(dim, int) or dim < 1:
            raise InvalidInputError(f"dim must be a positive integer, got {dim!r}")
        for i, r in enumerate(rows):
            if len(r) != dim:
                raise ShapeError(f"normals[{i}] has {len(r)} entries, expected dim = {dim}")
            if all(v == 0 for v in r):
                raise DegenerateInputError(f"normals[{i}] is the zero vector: that is not a hyperplane")
        object.__setattr__(self, "normals", tuple(rows))
        object.__setattr__(self, "offsets", offs)
        object.__setattr__(self, "dim", dim)

    def __len__(self) -> int:
        return len(self.normals)

    @property
    def is_central(self) -> bool:
        """True when every hyperplane passes through the origin."""
        return all(b == 0 for b in self.offsets)


@dataclass(frozen=True)
class Flat:
    """A non-empty intersection of hyperplanes: the set of hyperplanes containing it, and its dimension."""

    hyperplanes: frozenset[int]
    dim: int


@dataclass(frozen=True)
class ArrangementCount:
    """Zaslavsky counts of an arrangement.

    Attributes
    ----------
    regions : int
        Number of regions (connected components of the complement), (-1)^d chi(-1).
    relatively_bounded : int
        (-1)^rank chi(1): bounded regions of the essentialisation.
    bounded : int
        Regions that are bounded subsets of R^d (equal to ``relatively_bounded`` when
        rank = d, else 0).
    rank : int
        Dimension of the span of the normals.
    characteristic_polynomial : tuple of int
        Coefficients of chi_A(t), constant term first (index = power of t).
    flats : int
        Number of elements of the intersection poset (including R^d).
    """

    regions: int
    relatively_bounded: int
    bounded: int
    rank: int
    characteristic_polynomial: tuple[int, ...]
    flats: int

    def to_json(self) -> dict:
        return {"regions": self.regions, "bounded": self.bounded, "relatively_bounded": self.relatively_bounded,
                "rank": self.rank, "characteristic_polynomial": list(self.characteristic_polynomial),
                "flats": self.flats}


# ---------------------------------------------------------------------------------------- flats
def _dot(a: Sequence[fmpq], x: Sequence[fmpq]) -> fmpq:
    s = fmpq(0)
    for u, v in zip(a, x):
        if u != 0 and v != 0:
            s += u * v
    return s


def _essential_arrangement(arr: Arrangement) -> tuple[list[list[fmpq]], list[fmpq], int]:
    """The essentialisation of ``arr``: the same hyperplanes written in R^r, r = rank of the normals.

    With R the reduced row echelon form of the normal matrix (rank r, pivot columns p_1..p_r),
    every normal is a_i = sum_k a_i[p_k] R_k, so a_i . x = lambda_i . (R x) with
    lambda_i = (a_i[p_1], ..., a_i[p_r]); x -> R x maps R^d onto R^r.  The intersection poset of
    ``arr`` is that of {lambda_i . y = b_i} with every dimension raised by d - r.  Work and
    memory are O(n d) once, then independent of d.
    """
    n = len(arr)
    if n == 0:
        return [], [], 0
    cols = sorted({j for row in arr.normals for j, v in enumerate(row) if v})
    M = fmpq_mat(n, len(cols), [fmpq(row[j].numerator, row[j].denominator) for row in arr.normals for j in cols])
    R, rank = M.rref()
    pivots = [next(j for j in range(len(cols)) if R[k, j] != 0) for k in range(rank)]
    A = [[M[i, p] for p in pivots] for i in range(n)]
    b = [fmpq(v.numerator, v.denominator) for v in arr.offsets]
    return A, b, rank


def _canon(j: int, c: Sequence[fmpq], res: fmpq) -> tuple:
    """The equation c . u = res scaled so that c_j = 1, as a tuple of (numerator, denominator)
    integers (fmpq is kept in lowest terms, and hashing fmpz pairs is ~10x faster than fmpq)."""
    out: list = [j]
    for v in c:
        w = v / c[j]
        out += (w.p, w.q)
    w = res / c[j]
    return tuple(out + [w.p, w.q])


def _hyperplane_key(a: Sequence[fmpq], b: fmpq) -> tuple:
    """Equal keys = equal hyperplanes."""
    return _canon(next(k for k, v in enumerate(a) if v != 0), a, b)


def _refuse_large_poset(A: list[list[fmpq]], b: list[fmpq], r: int, max_flats: int, max_steps: int) -> None:
    """Up-front size floor: one flat per distinct hyperplane, and (for rank >= 2) each of them is
    intersected with every other hyperplane, i.e. at least (#distinct) x n intersection steps."""
    n = len(A)
    distinct = len({_hyperplane_key(a, bb) for a, bb in zip(A, b)})
    if 1 + distinct > max_flats:
        raise ComputationTooLargeError(
            f"the intersection poset has at least {1 + distinct} flats (one per distinct hyperplane), "
            f"more than max_flats = {max_flats}; raise max_flats (--max-flats), or use the closed form for generic arrangements")
    steps = distinct * n if r >= 2 else n
    if steps > max_steps:
        raise ComputationTooLargeError(
            f"the intersection poset needs at least {steps} intersection steps ({distinct} distinct hyperplanes x {n}), "
            f"more than max_steps = {max_steps}; raise max_steps (--max-steps), or use the closed form for generic arrangements")


def _cut_flat(A: list[list[fmpq]], b: list[fmpq], skip: frozenset[int], x0: list[fmpq], D: list[list[fmpq]]) -> dict:
    """Group the hyperplanes cutting the flat x0 + span(D) by the sub-flat they cut out.

    In the flat's own coordinates u (x = x0 + sum u_k D_k) hyperplane h reads c . u = res with
    c_k = a_h . D_k, res = b_h - a_h . x0; c = 0 means h is parallel to the flat (it misses it,
    or contains it and is in ``skip``).  Two hyperplanes cut out the same sub-flat exactly when
    their (c, res), scaled by the first non-zero c_j, agree.  Returns {key: (hyperplanes, j, c, res)}.
    """
    groups: dict[tuple, tuple[list[int], int, list[fmpq], fmpq]] = {}
    for h, a in enumerate(A):
        if h in skip:
            continue
        c = [_dot(a, v) for v in D]
        j = next((k for k, ck in enumerate(c) if ck != 0), None)
        if j is None:
            continue
        res = b[h] - _dot(a, x0)
        key = _canon(j, c, res)
        if key in groups:
            groups[key][0].append(h)
        else:
            groups[key] = ([h], j, c, res)
    return groups


def intersection_poset(arr: Arrangement, *, max_flats: int = DEFAULT_MAX_FLATS,
                       max_steps: int = DEFAULT_MAX_STEPS) -> nx.DiGraph:
    """The intersection poset L(A) as a networkx DiGraph of cover relations.

    Nodes are ``frozenset``s of hyperplane indices (the hyperplanes containing the flat;
    ``frozenset()`` is R^d) with attribute ``dim``; an edge X -> Y means Y is obtained from
    X by intersecting with one more hyperplane (dim Y = dim X - 1).

    The arrangement is first essentialised (written in R^r, r = rank of the normals, so the
    ambient dimension d costs nothing beyond reading the normals).  Each flat is stored as a
    rational point plus a basis of directions; the hyperplanes cutting a flat are grouped by
    the sub-flat they cut out (one exact elimination step each), which gives every sub-flat
    together with all the hyperplanes containing it, without a separate closure pass.

    Parameters
    ----------
    arr : Arrangement
    max_flats : int
        Refuse posets with more flats than this.
    max_steps : int
        Refuse when more (flat, hyperplane) intersection steps than this are needed.

    Raises
    ------
    ComputationTooLargeError
        Up front, when at least one of the limits is certainly exceeded.
    LimitReachedError
        When a limit is reached during the construction (nothing is returned).

    Examples
    --------
    >>> P = intersection_poset(Arrangement([[1, 0], [0, 1]], [0, 0]))
    >>> sorted((sorted(X), P.nodes[X]["dim"]) for X in P)
    [([], 2), ([0], 1), ([0, 1], 0), ([1], 1)]
    """
    for name, v in (("max_flats", max_flats), ("max_steps", max_steps)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise InvalidInputError(f"{name} must be a positive integer, got {v!r}")
    A, b, r = _essential_arrangement(arr)
    _refuse_large_poset(A, b, r, max_flats, max_steps)
    shift = arr.dim - r
    root = frozenset()
    G = nx.DiGraph()
    G.add_node(root, dim=arr.dim)
    eye = [[fmpq(int(i == j)) for i in range(r)] for j in range(r)]
    geom = {root: ([fmpq(0)] * r, eye)}
    level, steps = [root], 0
    while level:
        nxt: list[frozenset[int]] = []
        for X in level:
            x0, D = geom[X]
            if not D:
                continue  # a point: no hyperplane cuts it further
            steps += len(A) - len(X)
            if steps > max_steps:
                raise LimitReachedError(
                    f"the intersection poset needs more than max_steps = {max_steps} intersection steps "
                    f"({len(geom)} flats so far); raise max_steps (--max-steps)", found=len(geom))
            for hs, j, c, res in _cut_flat(A, b, X, x0, D).values():
                Y = X | frozenset(hs)
                if Y not in geom:
                    if len(D) == 1:
                        geom[Y] = ([], [])  # a point: never cut further, its coordinates are not needed
                    else:
                        t = res / c[j]
                        y0 = [xi + t * dj for xi, dj in zip(x0, D[j])]
                        E = [[vi - (c[k] / c[j]) * wj for vi, wj in zip(D[k], D[j])] for k in range(len(D)) if k != j]
                        geom[Y] = (y0, E)
                    G.add_node(Y, dim=len(D) - 1 + shift)
                    nxt.append(Y)
                    if len(geom) > max_flats:
                        raise LimitReachedError(
                            f"the intersection poset has more than max_flats = {max_flats} flats; "
                            f"raise max_flats (--max-flats), or use the closed form for generic arrangements",
                            found=len(geom))
                G.add_edge(X, Y)
        level = nxt
    return G


def count_arrangement_regions(arr: Arrangement, *, max_flats: int = DEFAULT_MAX_FLATS,
                              max_steps: int = DEFAULT_MAX_STEPS) -> ArrangementCount:
    """Regions and bounded regions of an affine arrangement by Zaslavsky's theorem (exact).

    Parameters
    ----------
    arr : Arrangement
    max_flats, max_steps : int
        Limits of :func:`intersection_poset`: beyond them ComputationTooLargeError (refused up
        front) or its subclass LimitReachedError (reached during the run) is raised.

    Examples
    --------
    Three lines in general position: 7 regions, 1 bounded.

    >>> c = count_arrangement_regions(Arrangement([[1, 0], [0, 1], [1, 1]], [0, 0, 1]))
    >>> c.regions, c.bounded, c.characteristic_polynomial
    (7, 1, (3, -3, 1))

    Two parallel lines: 3 regions, none bounded.

    >>> count_arrangement_regions(Arrangement([[1, 0], [1, 0]], [0, 1])).regions
    3
    """
    d = arr.dim
    P = intersection_poset(arr, max_flats=max_flats, max_steps=max_steps)
    order = sorted(P.nodes, key=lambda X: -P.nodes[X]["dim"])
    mu: dict[frozenset[int], int] = {}
    for X in order:
        if not X:
            mu[X] = 1
        elif P.nodes[X]["dim"] == d - 1:
            mu[X] = -1  # a hyperplane: only R^d lies below it
        else:
            # every flat strictly below X in L(A) is an ancestor in the cover graph
            mu[X] = -sum(mu[Y] for Y in nx.ancestors(P, X))
    coeffs = [0] * (d + 1)
    for X, m in mu.items():
        coeffs[P.nodes[X]["dim"]] += m
    rank = d - min(P.nodes[X]["dim"] for X in P)
    chi_m1 = sum(c if k % 2 == 0 else -c for k, c in enumerate(coeffs) if c)
    chi_1 = sum(coeffs)
    regions = (-1) ** d * chi_m1
    rel_b = (-1) ** rank * chi_1
    return ArrangementCount(regions=regions, relatively_bounded=rel_b, bounded=rel_b if rank == d else 0,
                            rank=rank, characteristic_polynomial=tuple(coeffs), flats=P.number_of_nodes())


# ---------------------------------------------------------------------------------------- closed forms
def general_position_count(n: int, d: int) -> int:
    """Regions of n affine hyperplanes in general position in R^d: sum_{i<=d} C(n, i).

    >>> general_position_count(3, 2)
    7
    """
    return sum(math.comb(n, i) for i in range(d + 1))


def general_position_bounded_count(n: int, d: int) -> int:
    """Bounded regions of n affine hyperplanes in general position in R^d: C(n-1, d).

    >>> general_position_bounded_count(4, 2)
    3
    """
    return math.comb(n - 1, d) if n >= 1 else 0


def central_generic_count(n: int, d: int) -> int:
    """Regions of n generic hyperplanes through the origin of R^d (Cover 1965): 2 sum_{k<d} C(n-1, k).

    >>> central_generic_count(3, 2)
    6
    """
    if n == 0:
        return 1
    return 2 * sum(math.comb(n - 1, k) for k in range(d))


def braid_arrangement(n: int) -> Arrangement:
    """The braid arrangement x_i = x_j (i < j) in R^n; it has n! regions.

    >>> count_arrangement_regions(braid_arrangement(3)).regions
    6
    """
    if n < 2:
        raise InvalidInputError(f"the braid arrangement needs n >= 2, got {n}")
    rows = []
    for i, j in combinations(range(n), 2):
        r = [0] * n
        r[i], r[j] = 1, -1
        rows.append(r)
    return Arrangement(rows, [0] * len(rows))


# ---------------------------------------------------------------------------------------- files
def arrangement_from_dict(obj: Any) -> Arrangement:
    """Build an :class:`Arrangement` from the JSON object described in the module docstring.

    >>> arrangement_from_dict({"dim": 1, "hyperplanes": [{"normal": [1], "offset": "1/2"}]}).offsets
    (Fraction(1, 2),)
    """
    if not isinstance(obj, dict):
        raise NetworkFileError("an arrangement file must hold a JSON object with 'dim' and 'hyperplanes'")
    fmt = obj.get("format", ARRANGEMENT_FORMAT)
    if fmt != ARRANGEMENT_FORMAT:
        raise NetworkFileError(f"format is {fmt!r}, expected {ARRANGEMENT_FORMAT!r}")
    dim = obj.get("dim")
    if not isinstance(dim, int) or isinstance(dim, bool) or dim < 1:
        raise NetworkFileError(f"'dim' must be a positive integer, got {dim!r}")
    hs = obj.get("hyperplanes")
    if not isinstance(hs, list):
        raise NetworkFileError("'hyperplanes' must be a list of {\"normal\": [...], \"offset\": ...} objects")
    normals, offsets = [], []
    try:
        for i, h in enumerate(hs):
            if not isinstance(h, dict) or "normal" not in h or "offset" not in h:
                raise NetworkFileError(f"hyperplanes[{i}] must be an object with 'normal' and 'offset'")
            nv = h["normal"]
            if not isinstance(nv, list) or len(nv) != dim:
                raise NetworkFileError(f"hyperplanes[{i}].normal must be a list of {dim} numbers")
            # the package's one exact-number parser (bounded digits and exponents; floats refused)
            normals.append([to_fraction(v, where=f"hyperplanes[{i}].normal[{j}]") for j, v in enumerate(nv)])
            offsets.append(to_fraction(h["offset"], where=f"hyperplanes[{i}].offset"))
        return Arrangement(normals, offsets, dim)
    except NetworkFileError:
        raise
    except InvalidInputError as exc:
        raise NetworkFileError(str(exc)) from None


def arrangement_to_dict(arr: Arrangement) -> dict:
    """The JSON object of an arrangement (numbers as ``"p/q"`` strings)."""
    return {"format": ARRANGEMENT_FORMAT, "dim": arr.dim,
            "hyperplanes": [{"normal": [str(v) for v in r], "offset": str(b)} for r, b in zip(arr.normals, arr.offsets)]}


def load_arrangement(path: str | PathLike) -> Arrangement:
    """Read an arrangement file (format in the module docstring)."""
    from .._jsonfile import read_json_file

    return arrangement_from_dict(read_json_file(path, NetworkFileError, "arrangement file"))
