"""Enumeration of the activation regions of a ReLU network by (floating-point) adjacency traversal.

An *activation region* is the closure of a maximal open set on which every ReLU neuron has
a fixed sign; it is a convex polyhedron described by the neuron's pattern ``s`` (bit 1 =
pre-activation > 0).  Given ``s`` every pre-activation is affine in x, so the region is
``{x : (-1)^{s_i} z_i(x) <= 0}``, intersected with the box.

The traversal (breadth first over the region adjacency graph):

1. start from a point, read its pattern, centre it with a Chebyshev-ball LP (HiGHS, called
   directly through ``highspy``);
2. for a region with interior point x, find its facets: the non-redundant rows, as the
   vertices of the convex hull of the polar points ``a_i / (c_i - a_i . x)`` (qhull), by the
   compiled facet kernel (``facets="kernel"``: ray shooting plus small warm-started dense LPs
   against the facets found so far, :mod:`expressivity.regions._facet_kernel`; the default in
   d >= 5 when numba is installed), or with one LP per row (``facets="lp"``, the slow reference);
3. across each facet F with outward normal n, the neighbour's pattern differs only in the
   neurons whose pre-activation vanishes on all of F (the facet's row group, plus neurons
   that are identically zero on the region); their new bit is the sign of the neighbour's
   gradient along n, recomputed layer by layer.  Duplicate and parallel neurons therefore
   flip together and are never double counted, and a neuron that is identically zero is
   "off" (as in :meth:`ReLUNetwork.activation_pattern`);
4. the neighbour's interior point is found on the segment from a relative-interior point of
   F along n (no LP); its margin (the radius of a ball inside the region) certifies full
   dimension.  Only when the margin is tiny is the Chebyshev LP solved again.

What is certified.  The traversal itself is floating point (method ``numeric``).  A region
is reported only if it has an interior point with margin > ``eps``; with ``certify=True``
every interior point is re-checked in exact rational arithmetic (exact binary values of the
float weights), which proves that the reported patterns are distinct full-dimensional
regions: each region is certified, so the count is a certified *lower bound*.  Completeness
(that no region was missed) is *not* certified: it rests on the float facet detection.  The
claims cross-check it against Zaslavsky's exact count and the planar and MILP counters.

"Whole space" (``box=None``) is traversed without any box: unbounded regions are handled by
adding the origin to the polar point set (its convex hull then has the facet rows as vertices
and the recession directions as facets through the origin), and by capping the Chebyshev
radius.  Parallel runs: pass any :class:`concurrent.futures.Executor`; the box
is cut into slabs, each slab is traversed independently and the results are merged by
pattern.
"""

from __future__ import annotations

import gc
import math
import time
import warnings
from collections import deque
from concurrent.futures import Executor
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import networkx as nx
import numpy as np

from .._random import as_rng
from ..exceptions import CertificateError, InvalidInputError, NonFiniteError
from ..numbers import float_to_fraction
from ..progress import Progress
from ..relu.network import ReLUNetwork
from . import _lp
from .limits import LimitReachedError

__all__ = [
    "Region",
    "RegionEnumeration",
    "enumerate_regions",
    "count_regions",
    "linear_pieces",
    "normalize_box",
    "estimate_region_count",
    "certify_region",
    "CompiledNet",
    "compile_network",
]

_TOL = 1e-9
_CERT_BATCH = 256  # regions described before their exact certificates are made (certify="complete")


# ----------------------------------------------------------------------------------- compiled net
@dataclass(frozen=True, eq=False)
class CompiledNet:
    """Float64 arrays of a network, ready for fast affine-map computation (picklable)."""

    input_dim: int
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    relu: tuple[bool, ...]
    widths: tuple[int, ...]

    @property
    def num_neurons(self) -> int:
        return sum(self.widths)

    def maps(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Pre-activation maps ``G x + h`` of all neurons and the output map ``M x + m`` under pattern s."""
        P = None
        p = None
        Gs, hs = [], []
        off = 0
        for W, b, r in zip(self.weights, self.biases, self.relu):
            if P is None:
                Z, z = W, b
            else:
                Z, z = W @ P, W @ p + b
            if r:
                k = W.shape[0]
                Gs.append(Z)
                hs.append(z)
                m = s[off:off + k]
                off += k
                P, p = Z * m[:, None], z * m
            else:
                P, p = Z, z
        return np.vstack(Gs), np.concatenate(hs), P, p

    def pattern(self, x: np.ndarray) -> np.ndarray:
        """Activation pattern (pre-activation > 0) at a float point."""
        h = np.asarray(x, dtype=np.float64)
        bits = []
        for W, b, r in zip(self.weights, self.biases, self.relu):
            z = W @ h + b
            if r:
                bits.append(z > 0)
                h = np.maximum(z, 0.0)
            else:
                h = z
        return np.concatenate(bits)


def compile_network(net: ReLUNetwork) -> CompiledNet:
    """Float64 arrays of ``net`` (an exact net is rounded once, deliberately: see module docs)."""
    if not isinstance(net, ReLUNetwork):
        raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
    f = net.to_float()
    Ws = tuple(np.array(layer.weight, dtype=np.float64) for layer in f.layers)
    bs = tuple(np.array(layer.bias, dtype=np.float64) for layer in f.layers)
    for i, (W, b) in enumerate(zip(Ws, bs)):
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise NonFiniteError(f"layers[{i}] has a non-finite weight or bias; regions are only defined for finite weights")
    relu = tuple(layer.activation == "relu" for layer in f.layers)
    if not any(relu):
        raise InvalidInputError("the network has no ReLU layer: it is affine and has exactly one region")
    widths = tuple(W.shape[0] for W, r in zip(Ws, relu) if r)
    return CompiledNet(f.input_dim, Ws, bs, relu, widths)


# ----------------------------------------------------------------------------------- value objects
@dataclass(frozen=True, eq=False)
class Region:
    """One full-dimensional activation region.

    Attributes
    ----------
    pattern : numpy bool array, shape (N,)
        On/off bits of all ReLU neurons, layer by layer.
    point : numpy array, shape (d,)
        An interior point.
    margin : float
        Radius of a ball around ``point`` inside the region (and the box).
    A, b : numpy arrays
        Irredundant H-representation ``A x <= b`` (unit rows) of the region within the domain.
    facet_neurons : tuple of tuple of int
        For each row of ``A``, the neurons whose hyperplane it is (``()`` for a box wall).
    affine_map : (M, m)
        The network's output map ``x -> M x + m`` on the region.
    """

    pattern: np.ndarray
    point: np.ndarray
    margin: float
    A: np.ndarray
    b: np.ndarray
    facet_neurons: tuple[tuple[int, ...], ...]
    affine_map: tuple[np.ndarray, np.ndarray]

    @property
    def key(self) -> bytes:
        return np.packbits(self.pattern).tobytes() + bytes([len(self.pattern) % 8])

    def layer_patterns(self, widths: Sequence[int]) -> tuple[np.ndarray, ...]:
        out, off = [], 0
        for w in widths:
            out.append(self.pattern[off:off + w])
            off += w
        return tuple(out)

    def to_json(self) -> dict:
        return {"pattern": "".join("1" if v else "0" for v in self.pattern), "point": self.point.tolist(),
                "margin": self.margin, "A": self.A.tolist(), "b": self.b.tolist(),
                "facet_neurons": [list(t) for t in self.facet_neurons]}


@dataclass(frozen=True, eq=False)
class RegionEnumeration:
    """The result of :func:`enumerate_regions`.

    Attributes
    ----------
    regions : tuple of Region
    graph : networkx.Graph
        Region adjacency graph; nodes are indices into ``regions``, edges carry the
        ``neurons`` whose hyperplane separates the two regions.
    box : (lo, hi)
        The domain that was traversed (infinite bounds for the whole space).
    whole_space : bool
        True when the traversal covered all of R^d.
    widths : tuple of int
    seconds : float
    lp_solves : int
    regions_certified : bool
        True when every region's interior point was re-checked exactly: the count is then a
        certified lower bound.
    completeness : CompletenessCertificate or None
        With ``certify="complete"``: the exact proof that no region is missing
        (:mod:`expressivity.regions.completeness`); the count is then exact.
    """

    regions: tuple[Region, ...]
    graph: nx.Graph
    box: tuple[np.ndarray, np.ndarray]
    whole_space: bool
    widths: tuple[int, ...]
    seconds: float
    lp_solves: int
    regions_certified: bool = False
    completeness: Any = None

    @property
    def completeness_certified(self) -> bool:
        """True only when completeness was proved exactly (``certify="complete"``)."""
        return self.completeness is not None and self.completeness.proved

    @property
    def certified(self) -> bool:
        """Alias of ``regions_certified`` (each region certified)."""
        return self.regions_certified

    @property
    def count_certified_as(self) -> str | None:
        """``"exact"`` when completeness is proved, ``"lower_bound"`` when every region is
        certified, else None (nothing certified)."""
        if self.completeness_certified:
            return "exact"
        return "lower_bound" if self.regions_certified else None

    @property
    def count(self) -> int:
        return len(self.regions)

    @property
    def patterns(self) -> set[bytes]:
        return {r.key for r in self.regions}

    def to_json(self, *, with_regions: bool = False) -> dict:
        d = {"regions": self.count, "whole_space": self.whole_space,
             "box": None if self.whole_space else [self.box[0].tolist(), self.box[1].tolist()], "widths": list(self.widths),
             "adjacencies": self.graph.number_of_edges(), "seconds": self.seconds,
             "lp_solves": self.lp_solves, "method": "exact" if self.completeness_certified else "numeric",
             "regions_certified": self.regions_certified,
             "completeness_certified": self.completeness_certified, "count_certified_as": self.count_certified_as,
             "complete": "proved" if self.completeness_certified else "not certified"}
        if self.completeness is not None:
            d["completeness_certificate"] = self.completeness.to_json()
        if with_regions:
            d["region_list"] = [r.to_json() for r in self.regions]
        return d


# ----------------------------------------------------------------------------------- domain checks
def normalize_box(box: Any, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``box`` as (lo, hi) arrays: a half-width R ([-R, R]^d), a pair (lo, hi) of scalars or of d-vectors.

    >>> lo, hi = normalize_box(2.0, 2); lo.tolist(), hi.tolist()
    ([-2.0, -2.0], [2.0, 2.0])
    """
    if isinstance(box, (int, float, np.integer, np.floating)) and not isinstance(box, bool):
        R = float(box)
        if not math.isfinite(R):
            raise NonFiniteError(f"box half-width must be finite, got {box!r}; use box=None for the whole space")
        if R <= 0:
            raise InvalidInputError(f"box half-width must be positive, got {box!r}: the box [-R, R]^d would be empty")
        return np.full(d, -R), np.full(d, R)
    try:
        lo, hi = box
    except (TypeError, ValueError):
        raise InvalidInputError(f"box must be a half-width R or a pair (lo, hi), got {box!r}") from None
    lo = np.broadcast_to(np.asarray(lo, dtype=np.float64), (d,)).copy()
    hi = np.broadcast_to(np.asarray(hi, dtype=np.float64), (d,)).copy()
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise NonFiniteError("box bounds must be finite; use box=None for the whole space")
    bad = np.nonzero(lo >= hi)[0]
    if len(bad):
        i = int(bad[0])
        raise InvalidInputError(f"the box is empty or flat: lo[{i}] = {lo[i]} >= hi[{i}] = {hi[i]}; give lo < hi in every coordinate")
    return lo, hi


def estimate_region_count(net: ReLUNetwork) -> dict:
    """Rough sizes of a whole-space enumeration: the Serra et al. upper bound, and
    sum_{k<=d} C(N, k) (the count of a generic one-layer net with all N neurons, about the
    Hanin-Rolnick order N^d/d! of a randomly initialised net).

    >>> from expressivity.relu import ReLUNetwork
    >>> net = ReLUNetwork.from_matrices([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> estimate_region_count(net)["typical"]
    4
    """
    from .bounds import serra_upper_bound

    d, N = net.input_dim, net.num_neurons
    return {"serra_upper_bound": serra_upper_bound(d, list(net.widths)),
            "typical": sum(math.comb(N, k) for k in range(min(d, N) + 1))}


# ----------------------------------------------------------------------------------- geometry helpers
def _hrep(cn: CompiledNet, s: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    G, h, M, m = cn.maps(s)
    sgn = np.where(s, -1.0, 1.0)
    A = G * sgn[:, None]
    c = -h * sgn
    nrm = np.sqrt(np.einsum("ij,ij->i", A, A))
    zero = nrm <= _TOL * (1.0 + np.abs(c))
    nz = ~zero
    An = A[nz] / nrm[nz, None]
    cn_ = c[nz] / nrm[nz]
    d = len(lo)
    I = np.eye(d)
    fh, fl = np.isfinite(hi), np.isfinite(lo)
    Afull = np.vstack([An, I[fh], -I[fl]])
    cfull = np.concatenate([cn_, hi[fh], -lo[fl]])
    idx = np.nonzero(nz)[0]
    if np.any(zero & (c < -_TOL * (1.0 + np.abs(h)))):
        return None  # a constant pre-activation has the wrong sign: the pattern is not realisable
    # neurons that vanish identically on the region (constant rows with value 0)
    ident = np.nonzero(zero & (np.abs(c) <= _TOL * (1.0 + np.abs(h))))[0]
    return G, Afull, cfull, idx, ident, (M, m)


def _facets_qhull(Y: np.ndarray):
    from scipy.spatial import ConvexHull

    return ConvexHull(Y)


def _neighbour_pattern(cn: CompiledNet, s: np.ndarray, G: np.ndarray, group: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Pattern across a facet with outward normal n; ``group`` = neurons vanishing on the facet."""
    new = s.copy()
    bounds = np.cumsum((0,) + cn.widths)
    layer_of = np.searchsorted(bounds, group, side="right") - 1
    changed_before = False
    for L in sorted(set(layer_of.tolist())):
        members = group[layer_of == L]
        if not changed_before:
            g = G[members] @ n
        else:
            g = cn.maps(new)[0][members] @ n
        newbits = g > _TOL * np.maximum(1.0, np.abs(G[members]).max(axis=1))
        if np.any(newbits != new[members]):
            changed_before = True
        new[members] = newbits
    return new


def _facets_lp(A: np.ndarray, c: np.ndarray, x: np.ndarray, r_max: float):
    """Facet rows by one LP per row (reference method): returns list of (row, point)."""
    m = A.shape[0]
    out = []
    nsolve = 0
    for i in range(m):
        same = np.nonzero((np.abs(A - A[i]).max(axis=1) < 1e-9) & (np.abs(c - c[i]) < 1e-9 * (1 + abs(c[i]))))[0]
        if same[0] != i:
            continue  # duplicate row, the first copy represents it
        others = np.setdiff1d(np.arange(m), same)
        p, depth = _lp.facet_point(A, c, i, others, r_max)
        nsolve += 1
        if p is not None and depth > 1e-9:
            out.append((i, p))
    return out, nsolve


# ----------------------------------------------------------------------------------- traversal core
def _kernel_facets(A: np.ndarray, slack: np.ndarray, x: np.ndarray, nrows: int, want_hint: bool):
    """Facets by the compiled kernel (:mod:`._facet_kernel`): (facet list, kernel data) or None on a
    numerical failure (the caller then uses the polar hull)."""
    from ._facet_kernel import facet_scan

    d = A.shape[1]
    dirs = _DIRS.get(d)
    if dirs is None:
        from ._facet_kernel import random_directions

        dirs = _DIRS[d] = random_directions(d, 2 * d)
    nwalls = A.shape[0] - nrows
    # the region's bounding box (2d more LPs) pays for itself in the certificate only in low dimension
    want_bbox = bool(want_hint and nwalls == 2 * d and d <= _KERNEL_BBOX_MAX_DIM)
    ok, st, fp, bas, lam, bb, bl, bv = facet_scan(A, slack, nwalls, dirs, want_bbox)
    if not want_bbox:
        bv = None
    if not ok:
        return None
    rows = np.flatnonzero(st == 1)
    return list(zip(rows.tolist(), x + fp[rows])), (bas, lam, bb, bl, bv)


_DIRS: dict = {}
_KERNEL_BBOX_MAX_DIM = 5


def _describe(cn: CompiledNet, s, x, margin, G, A, c, idx, zero_idx, amap, facets: str, r_max: float,
              want_hint: bool = False):
    """Facets of the region of pattern s around interior point x, and the crossings to its neighbours.

    ``facets``: "kernel" (compiled facet kernel, the polar hull when it fails), "qhull" or "lp"."""
    d = cn.input_dim
    lp_solves = 0
    slack = c - A @ x
    facet_list: list[tuple[int, np.ndarray]] = []
    hull = None
    if facets == "kernel" and d > 1:
        got = _kernel_facets(A, slack, x, len(idx), want_hint)
        if got is not None:
            facet_list, hull = got
        else:
            facets = "qhull"
    if facets == "kernel" and d > 1:
        pass
    elif facets == "lp":
        facet_list, lp_solves = _facets_lp(A, c, x, r_max)
    elif d == 1:
        a = A[:, 0]
        for side in (a > 0, a < 0):
            if np.any(side):
                rows = np.nonzero(side)[0]
                i = int(rows[np.argmin(slack[rows])])
                facet_list.append((i, x + A[i] * slack[i]))
    else:
        m = A.shape[0]
        # the origin joins the polar points: for an unbounded region the polar set is
        # conv(0, a_i / slack_i), whose facets through 0 are the recession directions
        Y = np.vstack([A / slack[:, None], np.zeros((1, d))])
        try:
            hull = _facets_qhull(Y)
        except Exception:  # flat polar set (lineality) or qhull precision trouble: LP reference
            hull = None
            facet_list, lp_solves = _facets_lp(A, c, x, r_max)
        else:
            eq = hull.equations
            off = eq[:, d]
            ray = off > -1e-12
            simp = hull.simplices
            fv = hull.vertices[hull.vertices != m]
            if not np.any(ray):
                # bounded region: each polar facet is a primal vertex; a facet's relative-interior
                # point is the mean of the primal vertices on it (vectorised incidence sums)
                verts = x[None, :] - eq[:, :d] / off[:, None]
                cnt = np.zeros(m + 1)
                sums = np.zeros((m + 1, d))
                for k in range(simp.shape[1]):
                    cnt += np.bincount(simp[:, k], minlength=m + 1)
                    for j in range(d):
                        sums[:, j] += np.bincount(simp[:, k], weights=verts[:, j], minlength=m + 1)
                facet_list = list(zip(fv.tolist(), sums[fv] / cnt[fv, None]))
            else:
                verts = x[None, :] - eq[:, :d] / np.where(ray, -1.0, off)[:, None]
                reach = 1.0 + float(np.max(np.abs(verts[~ray] - x), initial=0.0))
                for i in fv:
                    on = (simp == i).any(axis=1)
                    pv = verts[on & ~ray]
                    if len(pv) == 0:
                        facet_list = None  # a facet without vertices (lineality): LP reference
                        break
                    base = pv.mean(axis=0)
                    rays = eq[on & ray, :d]
                    if len(rays):
                        base = base + reach * rays.sum(axis=0)
                    facet_list.append((int(i), base))
                if facet_list is None:
                    facet_list, lp_solves = _facets_lp(A, c, x, r_max)
    nrows = len(idx)
    fa_rows, fa_b, fa_neurons, crossings = [], [], [], []
    rows_f = np.array([i for i, _ in facet_list if i < nrows], dtype=np.int64)
    if len(rows_f):
        # rows describing the same half-space as a facet row (duplicate or rescaled neurons)
        Yn = A[:nrows] / slack[:nrows, None]
        Yf = Yn[rows_f]
        dup = np.abs(Yf[:, None, :] - Yn[None, :, :]).max(axis=2) <= 1e-9 * np.abs(Yf).max(axis=1)[:, None]
        nd = dup.sum(axis=1)
    key = 0
    for i, pf in facet_list:
        fa_rows.append(A[i])
        fa_b.append(c[i])
        if i >= nrows:
            fa_neurons.append(())
            continue
        if nd[key] == 1 and len(zero_idx) == 0:
            # the generic case: one neuron vanishes on the facet, and crossing flips its bit
            j = int(idx[i])
            neurons = (j,)
            nb = s.copy()
            nb[j] = not s[j]
        else:
            same = np.nonzero(dup[key])[0]
            neurons = tuple(int(g) for g in idx[same])
            group = np.concatenate([idx[same], zero_idx]).astype(np.int64)
            nb = _neighbour_pattern(cn, s, G, group, A[i])
        key += 1
        fa_neurons.append(neurons)
        crossings.append((nb, pf, A[i], neurons))
    region = Region(pattern=s, point=x, margin=margin, A=np.array(fa_rows).reshape(-1, d), b=np.array(fa_b),
                    facet_neurons=tuple(fa_neurons), affine_map=amap)
    return region, crossings, lp_solves, (facet_list, hull, slack)


def _certify_described(cert, s, x, A, idx, aux):
    """Exact certificate of one described region (:mod:`.completeness`), with the float hull as a hint."""
    from .completeness import HullHint

    facet_list, hull, slack = aux
    N = cert.num_neurons
    nrows = len(idx)
    to_exact = np.concatenate([idx, N + np.arange(A.shape[0] - nrows)]).astype(np.int64)
    facet_rows = [int(to_exact[i]) for i, _ in facet_list]
    facet_points = [p for _, p in facet_list]
    if isinstance(hull, tuple):  # the compiled kernel's LP bases
        from .completeness import LPHint

        hint = LPHint(A, slack, to_exact, None, None, x, *hull)
    else:
        hint = HullHint(A, slack, to_exact, None if hull is None else hull.equations,
                        None if hull is None else hull.simplices, x)
    return cert.certify(s, x, facet_rows, facet_points, hint)


def _describe_for_certificate(cn: CompiledNet, cert, s, x, margin, lo, hi):
    """Describe the region of pattern s around x again and certify it exactly (used after a traversal)."""
    from .completeness import _FacetFail, _Fail

    hrep = _hrep(cn, s, lo, hi)
    if hrep is None:
        raise _Fail("the pattern is not realisable in floating point")
    G, A, c, idx, zero_idx, amap = hrep
    _, _, _, aux = _describe(cn, s, x, margin, G, A, c, idx, zero_idx, amap, "qhull", _r_max(lo, hi))
    try:
        return _certify_described(cert, s, x, A, idx, aux)
    except _FacetFail as exc:  # refuted float facets: re-derive them with one LP per row
        _, _, _, aux = _describe(cn, s, x, margin, G, A, c, idx, zero_idx, amap, "lp", _r_max(lo, hi))
        try:
            return _certify_described(cert, s, x, A, idx, aux)
        except _Fail as exc2:
            raise _Fail(f"{exc}; re-derived with one LP per row: {exc2}") from None


def _traverse(cn: CompiledNet, lo: np.ndarray, hi: np.ndarray, start: np.ndarray, eps: float,
              facets: str, max_regions: int | None, progress: bool, label: str, cert=None):
    """Breadth-first traversal; with an exact ``cert`` (ExactRegionCertifier) every region is certified
    as it is described (its proof is in the fourth result, a list parallel to the regions)."""
    r_max = _r_max(lo, hi)
    proofs: list = []
    seen: dict[bytes, int] = {}
    records: list[Region] = []
    edges: list[tuple[bytes, bytes, tuple[int, ...]]] = []
    queue: deque = deque()
    lp_solves = 0

    def key_of(s: np.ndarray) -> bytes:
        return np.packbits(s).tobytes() + bytes([len(s) % 8])

    # exact certificates are made in batches of described regions: the checks then run back to back
    # (warm caches), and the float hints of at most _CERT_BATCH regions are held at a time
    batch: list = []

    repairs: list = []  # regions whose float facets failed the exact check and were re-derived

    def flush() -> None:
        from .completeness import _FacetFail

        tc = time.perf_counter()
        # the checks allocate many short-lived lists and integers but no reference cycles: the cyclic
        # garbage collector (whose full passes walk every region found so far) is paused meanwhile
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            for item in batch:
                s_, x_, A_, idx_, aux_, rec = item
                try:
                    proofs.append(_certify_described(cert, s_, x_, A_, idx_, aux_))
                except _FacetFail as exc:  # a refuted facet list (never a refuted interior point) is re-derived
                    proofs.append(_repair(rec, exc))
        finally:
            if gc_was_on:
                gc.enable()
        batch.clear()
        cert.seconds += time.perf_counter() - tc

    def _repair(rec: int, exc: Exception):
        """The float facets of region ``rec`` failed the exact check: re-derive them with one LP per row
        (the reference method), certify again, and traverse from any neighbour that was missed."""
        from .completeness import _Fail

        reg = records[rec]
        hrep = _hrep(cn, reg.pattern, lo, hi)
        G, A, c, idx, zero_idx, amap = hrep
        region, crossings, _, aux = _describe(cn, reg.pattern, reg.point, reg.margin, G, A, c, idx, zero_idx, amap,
                                              "lp", r_max, True)
        try:
            proof = _certify_described(cert, reg.pattern, reg.point, A, idx, aux)
        except _Fail as exc2:
            raise _Fail(f"{exc}; re-derived with one LP per row: {exc2}") from None
        records[rec] = region
        new = 0
        for nb, pf, nrm, neurons in crossings:
            k2 = key_of(nb)
            edges.append((key_of(reg.pattern), k2, neurons))
            if k2 not in seen:
                seen[k2] = 1
                queue.append((nb, pf, nrm))
                new += 1
        repairs.append((rec, new))
        return proof

    d = len(lo)
    how = _resolve_facets(facets, d=d)
    # "auto" starts with the polar hull and loads the compiled kernel once the traversal has run a while
    # (importing numba costs ~0.3 s per process: a small count never pays it)
    import os

    auto = facets == "auto" and os.environ.get("EXPRESSIVITY_FACETS", "auto").strip().lower() == "auto"
    switch_at = (time.process_time() + _KERNEL_SWITCH_SECONDS
                 if auto and how == "qhull" and d >= _KERNEL_MIN_DIM and _kernel_available() else None)
    s0 = cn.pattern(start)
    queue.append((s0, start, None))
    seen[key_of(s0)] = 1
    # a traversal has no known total (max_regions is a limit, not a total): report counts and rates
    with Progress(None, label, enabled=progress) as prog:
        while queue or (cert is not None and batch):
            if not queue:
                flush()  # the last certificates; a repair may queue regions that were missed
                continue
            s, p, n = queue.popleft()
            hrep = _hrep(cn, s, lo, hi)
            if hrep is None:
                continue
            G, A, c, idx, zero_idx, amap = hrep
            x = None
            if n is not None:
                An = A @ n
                slack = c - A @ p
                pos = An > 1e-12
                if np.all(slack[~pos] > -1e-9):
                    t = float(np.min(slack[pos] / An[pos])) / 2.0 if np.any(pos) else 1.0
                    x = p + t * n
            margin = -1.0
            if x is not None:
                margin = float(np.min(c - A @ x))
            if x is None or margin < max(eps * 100, 1e-7):
                xc, r = _lp.chebyshev_center(A, c, r_max)
                lp_solves += 1
                if xc is None or r <= eps:
                    continue  # lower-dimensional pattern: not a region
                x, margin = xc, r
            if switch_at is not None and time.process_time() > switch_at:
                switch_at = None
                how = _resolve_facets("auto", force_kernel=True, d=d)
            region, crossings, k, aux = _describe(cn, s, x, margin, G, A, c, idx, zero_idx, amap, how, r_max,
                                                  cert is not None)
            lp_solves += k
            if cert is not None:
                batch.append((s, x, A, idx, aux, len(records)))
                if len(batch) >= _CERT_BATCH:
                    flush()
            for nb, pf, nrm, neurons in crossings:
                k2 = key_of(nb)
                edges.append((key_of(s), k2, neurons))
                if k2 not in seen:
                    seen[k2] = 1
                    queue.append((nb, pf, nrm))
            records.append(region)
            prog.update(1, extra=f"frontier {len(queue)}")  # Progress adds the count and the rate
            if max_regions is not None and len(records) > max_regions:
                raise LimitReachedError(
                    f"more than max_regions = {max_regions} regions (found {len(records)} so far, {len(queue)} queued); "
                    f"raise max_regions (--max-regions) or restrict the domain with a smaller box", found=len(records))
    if cert is not None:
        cert.repairs = repairs
    return records, edges, lp_solves, proofs


#: "auto" switches from the polar hull to the compiled kernel after this many CPU seconds of traversal
_KERNEL_SWITCH_SECONDS = 0.3
#: "auto" uses the kernel from this input dimension on (measured: in d <= 4 a polar hull of a region costs
#: about as much as the kernel, and the exact certificate is cheaper with the hull's hints)
_KERNEL_MIN_DIM = 5
_FACET_METHODS = ("auto", "kernel", "qhull", "lp")


def _kernel_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("numba") is not None


def _resolve_facets(facets: str, force_kernel: bool = False, d: int | None = None) -> str:
    """The facet method to use now: "kernel", "qhull" or "lp".  "auto" means qhull in dimension
    d < ``_KERNEL_MIN_DIM`` (a small polar hull is cheap there) and the kernel above, once loaded;
    ``EXPRESSIVITY_FACETS`` (one of auto, kernel, qhull) overrides "auto"; "kernel" needs numba and
    falls back to qhull without it."""
    import os
    import sys

    if facets == "auto":
        env = os.environ.get("EXPRESSIVITY_FACETS", "auto").strip().lower()
        if env not in ("auto", "kernel", "qhull"):
            raise InvalidInputError(f"EXPRESSIVITY_FACETS must be auto, kernel or qhull, got {env!r}")
        facets = env
        if facets == "auto":
            if d is not None and d < _KERNEL_MIN_DIM:
                return "qhull"
            loaded = __package__ + "._facet_kernel" in sys.modules
            if not (force_kernel or loaded):
                return "qhull"
            facets = "kernel"
    if facets == "kernel":
        if not _kernel_available():
            return "qhull"
        from ._facet_kernel import COMPILED

        return "kernel" if COMPILED else "qhull"
    return facets


def _r_max(lo: np.ndarray, hi: np.ndarray) -> float:
    w = hi - lo
    return float(np.max(w[np.isfinite(w)], initial=1e3)) if np.any(np.isfinite(w)) else 1e3


def _is_box_wall(row: np.ndarray, b: float, lo: np.ndarray, hi: np.ndarray) -> bool:
    k = int(np.argmax(np.abs(row)))
    if abs(abs(row[k]) - 1.0) > 1e-12:
        return False
    bound = hi[k] if row[k] > 0 else -lo[k]
    return bool(np.isfinite(bound) and np.isclose(b, bound, rtol=1e-12, atol=1e-12))


def _traverse_job(args):
    return _traverse(*args)


def _run_slabs(executor: Executor, jobs: list, progress: bool) -> list:
    """Traverse the slabs on ``executor``; results in job order.  The number of slabs is a real
    total, so progress shows slabs done (with an ETA from measured rates).  On any exception or
    KeyboardInterrupt the slabs not yet started are cancelled (the executor stays the caller's)."""
    from concurrent.futures import as_completed

    futures = [executor.submit(_traverse_job, job) for job in jobs]
    try:
        with Progress(len(futures), "slabs", enabled=progress) as prog:
            for _ in as_completed(futures):
                prog.update(1)
        return [f.result() for f in futures]
    except BaseException:
        for f in futures:
            f.cancel()
        raise


def _start_point(cn: CompiledNet, lo: np.ndarray, hi: np.ndarray, seed) -> np.ndarray:
    rng = as_rng(seed)
    u = 0.25 + 0.5 * rng.random(len(lo))
    l2 = np.where(np.isfinite(lo), lo, np.where(np.isfinite(hi), hi - 2.0, -1.0))
    h2 = np.where(np.isfinite(hi), hi, l2 + 2.0)
    # a random point (of the box's middle half): lies on no hyperplane with probability 1
    return l2 + (h2 - l2) * u


class _IntegerNet:
    """The exact network with each layer scaled to integers: W = Wi / dW, b = bi / db (python-flint)."""

    def __init__(self, net: ReLUNetwork):
        from flint import fmpz_mat

        ex = net.to_exact()
        self.layers = []
        for layer in ex.layers:
            W = [[Fraction(v) for v in row] for row in layer.weight]
            b = [Fraction(v) for v in layer.bias]
            dW = math.lcm(*[v.denominator for row in W for v in row])
            db = math.lcm(*[v.denominator for v in b])
            Wi = fmpz_mat([[int(v * dW) for v in row] for row in W])
            bi = [int(v * db) for v in b]
            self.layers.append((Wi, dW, bi, db, layer.activation == "relu"))

    def signs(self, point: np.ndarray) -> list[int] | None:
        """Exact signs (-1, 0, 1) of every ReLU pre-activation at the float point (exact binary value)."""
        from flint import fmpz_mat

        xs = [float_to_fraction(v) for v in point]
        dx = math.lcm(*[v.denominator for v in xs])
        X = [int(v * dx) for v in xs]
        out: list[int] = []
        for Wi, dW, bi, db, relu in self.layers:
            if not relu:
                break
            # z = Wi X / (dW dx) + bi / db  ==  (Wi X db + bi dW dx) / (dW dx db)
            WX = Wi * fmpz_mat([[v] for v in X])
            Z = [int(WX[i, 0]) * db + bi[i] * dW * dx for i in range(len(bi))]
            out.extend((z > 0) - (z < 0) for z in Z)
            X = [z if z > 0 else 0 for z in Z]
            dx = dW * dx * db
        return out


def certify_region(net: ReLUNetwork, region: Region, *, _inet: "_IntegerNet | None" = None) -> bool:
    """Re-check exactly that ``region.point`` is interior to the region of ``region.pattern``.

    The point and the weights (exact binary values of the floats, or the exact weights of an
    exact network) are turned into Fractions; every neuron must have the pattern's strict
    sign, or be zero with an exactly zero gradient (an identically-zero neuron is "off").
    """
    inet = _inet if _inet is not None else _IntegerNet(net)
    sg = inet.signs(region.point)
    want = [1 if v else -1 for v in region.pattern]
    if sg == want:
        return True  # every neuron strictly has the pattern's sign: the point is interior
    if any(g != w and g != 0 for g, w in zip(sg, want)) or any(w == 1 and g == 0 for g, w in zip(sg, want)):
        return False
    # some neuron vanishes at the point: it must vanish identically (zero gradient), checked in Fractions
    ex = net.to_exact()
    x = np.array([float_to_fraction(v) for v in region.point], dtype=object)
    h = x
    P = np.array([[Fraction(int(i == j)) for j in range(net.input_dim)] for i in range(net.input_dim)], dtype=object)
    off = 0
    for layer in ex.layers:
        W, b = layer.weight, layer.bias
        z = W.dot(h) + b
        Pz = W.dot(P)
        if layer.activation == "relu":
            k = W.shape[0]
            s = region.pattern[off:off + k]
            off += k
            for i in range(k):
                if s[i]:
                    if not z[i] > 0:
                        return False
                elif z[i] > 0 or (z[i] == 0 and any(v != 0 for v in Pz[i])):
                    return False
            mask = np.array([Fraction(int(v)) for v in s], dtype=object)
            h = z * mask
            P = Pz * mask[:, None]
        else:
            h, P = z, Pz
    return True


# ----------------------------------------------------------------------------------- public API
def enumerate_regions(
    net: ReLUNetwork,
    box: Any = None,
    *,
    eps: float = 1e-9,
    facets: str = "auto",
    max_regions: int | None = None,
    certify: bool | str = False,
    executor: Executor | None = None,
    chunks: int | None = None,
    seed: int | None = 0,
    progress: bool = False,
) -> RegionEnumeration:
    """All full-dimensional activation regions of ``net`` in a box or in all of R^d.

    Parameters
    ----------
    net : ReLUNetwork
    box : float or (lo, hi) or None
        Half-width R of [-R, R]^d, explicit bounds, or None for the whole space.
    eps : float
        A pattern counts as a region only if it contains a ball of radius > eps.
    facets : {"auto", "kernel", "qhull", "lp"}
        Facet detection: ``"kernel"`` by the compiled facet kernel (ray shooting and small dense
        LPs, :mod:`expressivity.regions._facet_kernel`; needs numba, the ``[fast]`` extra; the polar
        hull without it), ``"qhull"`` by the polar convex hull, ``"lp"`` by one HiGHS LP per row
        (the slow reference).  ``"auto"`` (default) starts with qhull and switches to the kernel after
        0.3 s of traversal when numba is installed; the environment variable ``EXPRESSIVITY_FACETS``
        (``auto``, ``kernel`` or ``qhull``) overrides it.  All give the same regions.
    max_regions : int, optional
        Stop with :class:`~expressivity.regions.limits.LimitReachedError` (a
        ComputationTooLargeError) beyond this many regions.
    certify : bool or {"regions", "complete"}
        ``True`` or ``"regions"``: re-check every interior point exactly (:func:`certify_region`):
        each region is then certified and the count is a certified lower bound.
        ``"complete"``: prove in exact arithmetic that the enumeration is complete (every facet
        genuine, every other row redundant by an exact Farkas combination, every facet's
        neighbour listed; :mod:`expressivity.regions.completeness`); the count is then exact.
        Raises :class:`~expressivity.exceptions.CertificateError` when a check fails.
    executor : concurrent.futures.Executor, optional
        Run slabs of the box in parallel (ProcessPoolExecutor, a Dask ``client.get_executor()``...).
    chunks : int, optional
        Number of slabs for the executor (default 2 x its worker count or 4).
    seed : int
        Seed of the start point.
    progress : bool
        Print progress on stderr: regions found, frontier size and regions/s (a traversal has no
        known total, so no percentage or ETA); with an executor, slabs done of the total.

    Returns
    -------
    RegionEnumeration

    Examples
    --------
    Two ReLUs on the coordinate axes cut the plane into 4 regions; x -> |x| has 2:

    >>> from expressivity.relu import ReLUNetwork
    >>> net = ReLUNetwork.from_matrices([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> enumerate_regions(net).count
    4
    >>> absnet = ReLUNetwork.from_matrices([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])
    >>> res = enumerate_regions(absnet, 1, certify=True)
    >>> res.count, res.regions_certified, res.count_certified_as, res.graph.number_of_edges()
    (2, True, 'lower_bound', 1)
    >>> full = enumerate_regions(absnet, 1, certify="complete")
    >>> full.count_certified_as, full.completeness_certified, full.to_json()["complete"]
    ('exact', True, 'proved')
    """
    t0 = time.perf_counter()
    cn = compile_network(net)
    d = cn.input_dim
    mode = _certify_mode(certify)
    if facets not in _FACET_METHODS:
        raise InvalidInputError(f"facets must be one of {', '.join(map(repr, _FACET_METHODS))}, got {facets!r}")
    if not (eps > 0 and math.isfinite(eps)):
        raise InvalidInputError(f"eps must be a positive finite number, got {eps!r}")
    if max_regions is not None and (not isinstance(max_regions, int) or isinstance(max_regions, bool) or max_regions < 1):
        raise InvalidInputError(f"max_regions must be a positive integer or None, got {max_regions!r}")
    whole = box is None
    if whole:
        est = estimate_region_count(net)
        # a million regions is about ten minutes of traversal: beyond that, say what to expect
        if est["typical"] > 1_000_000:
            what = (f"the run stops at max_regions = {max_regions}" if max_regions is not None
                    else "pass max_regions or a box to bound the work")
            warnings.warn(
                f"enumerating all of R^{d} for {cn.num_neurons} neurons: a generic net of this size has up to about "
                f"{est['typical']:.3g} regions (Serra upper bound {est['serra_upper_bound']:.3g}); at ~2,000 regions/s "
                f"that is about {est['typical'] / 2000 / 3600:.3g} h; {what}.",
                RuntimeWarning, stacklevel=2)
        lo, hi = np.full(d, -np.inf), np.full(d, np.inf)
    else:
        lo, hi = normalize_box(box, d)
    start = _start_point(cn, lo, hi, seed)
    cert = None
    if mode == "complete":
        from .completeness import ExactRegionCertifier

        cert = ExactRegionCertifier(net, lo, hi)
    if executor is None:
        from .completeness import _Fail

        try:
            recs, edges, nlp, proofs = _traverse(cn, lo, hi, start, eps, facets, max_regions, progress, "regions", cert)
        except _Fail as exc:
            raise CertificateError(f"completeness not proved: {exc}") from None
        chunk_results = [(recs, edges, nlp, proofs)]
    else:
        k = chunks or 4
        # slab cut positions off the grid so that no network facet lies on a cut
        rng = as_rng(seed)
        a0, b0 = (lo[0], hi[0]) if not whole else (-1.0, 1.0)
        cuts = np.linspace(a0, b0, k + 1)
        cuts[1:-1] += (rng.random(k - 1) - 0.5) * 0.2 * (b0 - a0) / k
        cuts[0], cuts[-1] = lo[0], hi[0]
        jobs = []
        for j in range(k):
            l2, h2 = lo.copy(), hi.copy()
            l2[0], h2[0] = cuts[j], cuts[j + 1]
            st = _start_point(cn, l2, h2, None if seed is None else seed + j + 1)
            jobs.append((cn, l2, h2, st, eps, facets, max_regions, False, f"slab {j}"))
        chunk_results = _run_slabs(executor, jobs, progress)
    regions: list[Region] = []
    index: dict[bytes, int] = {}
    nlp = 0
    for recs, _, k, _ in chunk_results:
        nlp += k
        for r in recs:
            key = r.key
            if key not in index:
                index[key] = len(regions)
                regions.append(r)
            elif r.margin > regions[index[key]].margin:
                regions[index[key]] = r  # keep the better-centred copy from another slab
    if executor is not None:
        # a region cut by a slab wall got that wall as a facet: describe it again in the full box
        r_max = _r_max(lo, hi)
        for j, r in enumerate(regions):
            if any(not nb and not _is_box_wall(row, b, lo, hi) for row, b, nb in zip(r.A, r.b, r.facet_neurons)):
                G, A, c, idx, zero_idx, amap = _hrep(cn, r.pattern, lo, hi)
                regions[j] = _describe(cn, r.pattern, r.point, r.margin, G, A, c, idx, zero_idx, amap,
                                       _resolve_facets(facets, d=len(lo)), r_max)[0]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(regions)))
    for _, edges, _, _ in chunk_results:
        for a, b, neurons in edges:
            if a in index and b in index and a != b:
                graph.add_edge(index[a], index[b], neurons=neurons)
    completeness = None
    if mode == "complete":
        from .completeness import _Fail, assemble

        t1 = time.perf_counter() - cert.seconds  # the certificate's time includes the checks made in the traversal
        if executor is None:
            proofs = chunk_results[0][3]
        else:  # slabs were traversed without certificates: certify every merged region here
            try:
                proofs = [_describe_for_certificate(cn, cert, r.pattern, r.point, r.margin, lo, hi) for r in regions]
            except _Fail as exc:
                raise CertificateError(f"completeness not proved: {exc}") from None
        completeness = assemble(proofs, t1)
        reps = getattr(cert, "repairs", [])
        if reps:
            from dataclasses import replace as _replace

            completeness = _replace(completeness, repaired_regions=len(reps),
                                    regions_added_by_repair=sum(n for _, n in reps))
        if not completeness.proved:
            raise CertificateError(f"completeness not proved: {completeness.reason}")
    elif mode == "regions":
        inet = _IntegerNet(net)
        for r in regions:
            if not certify_region(net, r, _inet=inet):
                raise CertificateError(
                    f"exact re-check failed: the point {r.point.tolist()} is not interior to its pattern's region; "
                    f"the net is numerically too degenerate for eps={eps}")
    return RegionEnumeration(tuple(regions), graph, (lo, hi), whole, cn.widths, time.perf_counter() - t0, nlp,
                             mode is not None, completeness)


def _certify_mode(certify) -> str | None:
    if certify is False or certify is None:
        return None
    if certify is True or certify == "regions":
        return "regions"
    if certify == "complete":
        return "complete"
    raise InvalidInputError(f"certify must be False, True, 'regions' or 'complete', got {certify!r}")


def count_regions(net: ReLUNetwork, box: Any = None, **kw) -> int:
    """Number of activation regions (see :func:`enumerate_regions` for the options).

    >>> from expressivity.relu import ReLUNetwork
    >>> count_regions(ReLUNetwork.from_matrices([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.5, 0.5], [0.0]]))
    3
    """
    return enumerate_regions(net, box, **kw).count


def linear_pieces(result: RegionEnumeration, *, rtol: float = 1e-9) -> int:
    """Number of linear pieces: adjacent regions with the same output affine map merged.

    >>> from expressivity.relu import ReLUNetwork
    >>> # a dead neuron (its output weight is 0) splits regions without changing the function
    >>> net = ReLUNetwork.from_matrices([[[1.0], [-1.0]], [[1.0, 0.0]]], [[0.0, 0.5], [0.0]])
    >>> res = enumerate_regions(net)
    >>> res.count, linear_pieces(res)
    (3, 2)
    """
    parent = list(range(result.count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    regs = result.regions
    for a, b in result.graph.edges:
        (Ma, ma), (Mb, mb) = regs[a].affine_map, regs[b].affine_map
        sc = 1.0 + max(np.abs(Ma).max(initial=0), np.abs(ma).max(initial=0))
        if np.allclose(Ma, Mb, rtol=0, atol=rtol * sc) and np.allclose(ma, mb, rtol=0, atol=rtol * sc):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
    return len({find(i) for i in range(result.count)})
