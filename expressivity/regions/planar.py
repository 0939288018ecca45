"""The fast 2-D path: activation regions of a 2-input network (or of a 2-D slice) by planar
subdivision, without any LP.

Start from the box as one convex polygon.  Layer by layer, every current face carries the
affine map of the previous layer's output on it, so each neuron of the next layer is an
affine function on the face: its zero set is a straight line.  Cut the face by every such
line that has vertices strictly on both sides (pre-activations interpolate linearly along an
edge), then give each piece its bits (on = some vertex strictly positive; a neuron that is
zero on the whole piece is off, as in :meth:`ReLUNetwork.activation_pattern`).  A line that
merely touches a face, or repeats a line already used (duplicate neurons), cuts nothing, so
degenerate nets are not double counted.  A vertex lies on a line when the line's value there
is below ``1e-11`` times the magnitude of the terms summed.

All faces of a layer are processed together with numpy: the faces are flat vertex arrays,
the per-face maps of a layer come from one matrix product, a line far from a face (beyond
its circumscribed radius) is discarded without looking at the vertices, and the cuts run as
a binary space partition in rounds over all pieces at once (:func:`_cut_layer`).  With
numba installed, an optional compiled kernel does the same cuts face by face
(:mod:`expressivity.regions._planar_kernel`; see ``kernel`` in :func:`planar_regions`).

The faces are the activation regions restricted to the box; each is convex, so the count
agrees with :func:`expressivity.regions.enumerate_regions` on the same box (checked in the
tests and the claim ``regions.methods_agree``).

**Size.**  Memory grows with the number of faces times the layer widths (each face carries the
affine map of the previous layer).  After each ReLU layer the faces are counted and the memory the
next layer would need is estimated *before* its arrays exist; beyond :data:`PLANAR_MEMORY_BUDGET`
bytes the run is refused (:class:`~expressivity.exceptions.ComputationTooLargeError`), and with
``max_regions`` it stops (:class:`~expressivity.exceptions.LimitReachedError`, nothing proved) as soon
as a layer leaves more faces than that.  :func:`planar_face_bound` is the sound worst case: on a face,
the lines of a layer of width n cut at most ``1 + n + C(n, 2)`` convex pieces (n lines in general
position, [Zaslavsky75]), the two-input case of [Montufar17]'s bound; it grows exponentially with
depth and is far above real counts, so it is reported, not used to refuse.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..exceptions import (
    ComputationTooLargeError,
    InvalidInputError,
    LimitReachedError,
    ShapeError,
)
from ..relu.network import Layer, ReLUNetwork
from .enumeration import compile_network, normalize_box

__all__ = ["PLANAR_MEMORY_BUDGET", "PlanarSubdivision", "planar_face_bound",
           "planar_regions", "slice_network"]

#: Bytes the planar path may use for the per-face maps of the next layer before it refuses.
PLANAR_MEMORY_BUDGET = 4 * 2 ** 30


def planar_face_bound(widths) -> int:
    """Sound upper bound on the faces of the planar subdivision of a 2-input net with these ReLU widths.

    ``prod_l sum_{j <= min(2, n_1, ..., n_l)} C(n_l, j)``: at most ``1 + n + C(n, 2)`` pieces per
    face and layer of width n (module docstring); exact integer, any box.

    Examples
    --------
    Three lines cut the plane into at most 7 pieces; a width-1 layer first leaves 2 + 3 + 3:

    >>> planar_face_bound([3]), planar_face_bound([1, 3]), planar_face_bound([128, 128])
    (7, 8, 68178049)
    """
    from .bounds import montufar2017_upper_bound

    return montufar2017_upper_bound(2, [int(n) for n in widths])


def _check_planar_max_regions(max_regions) -> None:
    if max_regions is not None and (isinstance(max_regions, bool) or not isinstance(max_regions, int) or max_regions < 1):
        raise InvalidInputError(f"max_regions must be a positive integer or None, got {max_regions!r}")


def _check_next_layer_size(faces: int, layer: int, width: int, next_width: int, max_regions: int | None) -> None:
    """Stop before the next layer's arrays exist: ``max_regions`` reached (LimitReachedError) or
    more than :data:`PLANAR_MEMORY_BUDGET` bytes needed (ComputationTooLargeError)."""
    if max_regions is not None and faces > max_regions:
        raise LimitReachedError(
            f"more than max_regions = {max_regions} regions (found {faces} after ReLU layer {layer}); "
            f"raise max_regions (--max-regions) or use a smaller box", found=faces)
    need = 8 * 3 * faces * (width + next_width) * 2  # the face maps and the next pre-activations, float64
    if next_width and need > PLANAR_MEMORY_BUDGET:
        raise ComputationTooLargeError(
            f"the planar subdivision has {faces} faces after ReLU layer {layer}; the next layer would need about "
            f"{need / 2 ** 30:.1f} GiB (budget {PLANAR_MEMORY_BUDGET / 2 ** 30:.0f} GiB): use a smaller box or "
            f"give max_regions (--max-regions) to stop earlier")


@dataclass(frozen=True, eq=False)
class PlanarSubdivision:
    """Faces of the planar subdivision.

    Attributes
    ----------
    vertices : (V, 2) float array
        The vertices of all faces, face after face (counter-clockwise within a face).
    offsets : (count + 1,) int array
        Face ``i`` has the vertices ``vertices[offsets[i]:offsets[i + 1]]``.
    pattern_matrix : (count, N) bool array
        Activation pattern of each face (all ReLU neurons, layer by layer).
    box : (lo, hi)
    seconds : float
    polygons : list of (k, 2) arrays
        Convex faces (derived on first use).
    patterns : list of bool arrays
        Rows of ``pattern_matrix``.
    """

    vertices: np.ndarray
    offsets: np.ndarray
    pattern_matrix: np.ndarray
    box: tuple[np.ndarray, np.ndarray]
    seconds: float

    @classmethod
    def from_faces(cls, polygons: list, patterns: list, box, seconds: float = 0.0) -> PlanarSubdivision:
        """Build from lists of polygons and patterns (e.g. a subset of another subdivision's faces).

        >>> sq = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
        >>> sub = PlanarSubdivision.from_faces([sq], [[True]], (np.zeros(2), np.ones(2)))
        >>> sub.count, sub.areas().tolist()
        (1, [1.0])
        """
        counts = [len(V) for V in polygons]
        verts = np.concatenate([np.asarray(V, dtype=np.float64).reshape(-1, 2) for V in polygons]) if polygons else np.zeros((0, 2))
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        n = len(patterns[0]) if patterns else 0
        pm = np.array(patterns, dtype=bool).reshape(len(patterns), n)
        return cls(verts, offsets, pm, box, seconds)

    @property
    def count(self) -> int:
        return len(self.offsets) - 1

    @cached_property
    def polygons(self) -> list:
        return np.split(self.vertices, self.offsets[1:-1])

    @cached_property
    def patterns(self) -> list:
        return list(self.pattern_matrix)

    @property
    def faces(self) -> list:
        return list(zip(self.polygons, self.patterns))

    @property
    def pattern_keys(self) -> set[bytes]:
        n = self.pattern_matrix.shape[1]
        packed = np.packbits(self.pattern_matrix, axis=1)
        tail = bytes([n % 8])
        return {row.tobytes() + tail for row in packed}

    def areas(self) -> np.ndarray:
        x, y = self.vertices[:, 0], self.vertices[:, 1]
        nxt = np.arange(len(x)) + 1
        nxt[self.offsets[1:] - 1] = self.offsets[:-1]
        cross = x * y[nxt] - y * x[nxt]
        return 0.5 * np.add.reduceat(cross, self.offsets[:-1]) if self.count else np.zeros(0)

    def to_json(self) -> dict:
        return {"regions": self.count, "box": [self.box[0].tolist(), self.box[1].tolist()], "seconds": self.seconds}


def slice_network(net: ReLUNetwork, origin: Any, directions: Any) -> ReLUNetwork:
    """The 2-input network t -> net(origin + U t) of a 2-D affine slice (float).

    >>> from expressivity.relu import ReLUNetwork
    >>> net = ReLUNetwork.from_matrices([[[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> slice_network(net, [0, 0, 0], [[1, 0], [0, 1], [0, 0]]).input_dim
    2
    """
    f = net.to_float()
    x0 = np.asarray(origin, dtype=np.float64)
    U = np.asarray(directions, dtype=np.float64)
    if x0.shape != (f.input_dim,) or U.shape != (f.input_dim, 2):
        raise ShapeError(f"origin must have shape ({f.input_dim},) and directions ({f.input_dim}, 2), got {x0.shape} and {U.shape}")
    if not (np.all(np.isfinite(x0)) and np.all(np.isfinite(U))):
        raise InvalidInputError("origin and directions must be finite")
    if np.linalg.matrix_rank(U) < 2:
        raise InvalidInputError("the two slice directions are linearly dependent: they do not span a plane")
    L0 = f.layers[0]
    first = Layer(np.asarray(L0.weight) @ U, np.asarray(L0.weight) @ x0 + np.asarray(L0.bias), L0.activation, "float")
    return ReLUNetwork(2, (first,) + tuple(f.layers[1:]))


def planar_regions(net: ReLUNetwork, box: Any = None, *, whole_space_radius: float | None = None,
                   plane: tuple[Any, Any] | None = None, kernel: str = "auto",
                   max_regions: int | None = None) -> PlanarSubdivision:
    """Activation regions of a 2-input network in a box by planar subdivision (no LPs).

    Parameters
    ----------
    net : ReLUNetwork
        Input dimension 2, or any input dimension together with ``plane``.
    box : float or (lo, hi) or None
        As in :func:`enumerate_regions`.  None = the whole plane, approximated by boxes of
        growing half-width until three successive counts (radii a factor 10 apart) agree
        -- a heuristic, unlike the traversal's whole-space mode (no box at all); or give
        ``whole_space_radius``.
    plane : (origin, directions), optional
        Count the regions of the 2-D slice ``origin + directions @ t`` instead.
    kernel : {"auto", "numba", "numpy"}
        Who cuts the faces: numpy rounds over all faces, or the compiled kernel of
        :mod:`expressivity.regions._planar_kernel` (needs numba, the ``[fast]`` extra; same
        geometry, hence the same regions and patterns; faces in another order).  The kernel is
        much faster on small nets, but loading it costs a process ~0.4 s once (the first run
        after installing also compiles it, a few seconds, cached on disk).  So "auto" uses it
        only once this process has spent 0.4 s CPU in the numpy path (or it is already
        loaded): a single small count never pays the load.  The environment variable
        ``EXPRESSIVITY_PLANAR_KERNEL`` (same three values) overrides "auto".
    max_regions : int, optional
        Stop (``LimitReachedError``, nothing proved) as soon as a layer leaves more faces than
        this.  Independently, a layer whose successor would need more than
        :data:`PLANAR_MEMORY_BUDGET` bytes is refused (``ComputationTooLargeError``).

    Examples
    --------
    Three lines in general position cut the plane into 7 regions:

    >>> from expressivity.relu import ReLUNetwork
    >>> net = ReLUNetwork.from_matrices([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
    ...                                 [[0.0, 0.0, -1.0], [0.0]])
    >>> planar_regions(net).count
    7
    """
    t0 = time.perf_counter()
    if not isinstance(net, ReLUNetwork):
        raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
    _check_planar_max_regions(max_regions)
    if plane is not None:
        net = slice_network(net, *plane)
    cn = compile_network(net)
    if cn.input_dim != 2:
        raise ShapeError(f"the planar path needs a 2-input network (or plane=(origin, directions)), got input_dim {cn.input_dim}")
    if box is None:
        if whole_space_radius is not None:
            return _subdivide(cn, *normalize_box(float(whole_space_radius), 2), t0, kernel, max_regions)
        # counts in nested boxes only grow; stop once three radii a factor 10 apart agree
        W0, b0 = cn.weights[0], cn.biases[0]
        nr = np.linalg.norm(W0, axis=1)
        ok = nr > 0
        R = 1e3 * max(1.0, float(np.max(np.abs(b0[ok]) / nr[ok])) if np.any(ok) else 1.0)
        counts: list[int] = []
        for _ in range(6):
            res = _subdivide(cn, *normalize_box(R, 2), t0, kernel, max_regions)
            counts.append(res.count)
            if len(counts) >= 3 and counts[-1] == counts[-2] == counts[-3]:
                return res
            R *= 10.0
        warnings.warn(f"planar whole-plane counts did not stabilise over radii up to {R / 10:.3g}: {counts}; "
                      f"use enumerate_regions(net) for the whole-space traversal (no box)", RuntimeWarning, stacklevel=2)
        return res
    return _subdivide(cn, *normalize_box(box, 2), t0, kernel, max_regions)


#: relative tolerance of "vertex on a line" (against the magnitude |a x| + |b y| + |c| of the terms summed)
_RTOL = 1e-11


def _blocks(start: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertex indices of the faces ``which`` (face after face), their lengths and block starts."""
    lens = start[which + 1] - start[which]
    ends = lens.cumsum()
    begins = ends - lens
    idx = np.arange(ends[-1] if len(ends) else 0) - (begins - start[which]).repeat(lens)
    return idx, lens, begins


def _values(x, y, a, b, c):
    """Line values a x + b y + c and their tolerances (the same arithmetic everywhere)."""
    ax, by = a * x, b * y
    return ax + by + c, _RTOL * (np.abs(ax) + np.abs(by) + np.abs(c))


def _pair_test(X, Y, start, pp, a, b, c):
    """For pairs (face pp[k], line k): does the line cross the face, is some vertex strictly
    above it, and the line's value at the face's vertex centroid (the mean of its vertex values)."""
    idx, lens, begins = _blocks(start, pp)
    v, tol = _values(X[idx], Y[idx], a.repeat(lens), b.repeat(lens), c.repeat(lens))
    pos = np.logical_or.reduceat(v > tol, begins)
    neg = np.logical_or.reduceat(v < -tol, begins)
    return pos & neg, pos, np.add.reduceat(v, begins) / lens


def _meet_many(e, cut, x, y, xn, yn, v, vn):
    """Points where the cut lines meet the edges (x, y) -> (xn, yn) carried by the lines ``e``.

    The 2x2 solve keeps the error relative to the point itself (a vertex near the origin of a
    huge box stays accurate; concurrent lines of degenerate nets meet where they should); a
    nearly parallel pair whose solution leaves the edge falls back to interpolation."""
    a1, b1, c1 = e.T
    a2, b2, c2 = cut.T
    det = a1 * b2 - a2 * b1
    par = det == 0.0
    det[par] = 1.0
    qx = (b1 * c2 - b2 * c1) / det
    qy = (a2 * c1 - a1 * c2) / det
    lx, hx = np.minimum(x, xn), np.maximum(x, xn)
    ly, hy = np.minimum(y, yn), np.maximum(y, yn)
    sx = 1e-9 * (hx - lx + np.abs(hx) + np.abs(lx))
    sy = 1e-9 * (hy - ly + np.abs(hy) + np.abs(ly))
    bad = par | (qx < lx - sx) | (qx > hx + sx) | (qy < ly - sy) | (qy > hy + sy)
    if bad.any():
        t = v[bad] / (v[bad] - vn[bad])
        qx[bad] = x[bad] + t * (xn[bad] - x[bad])
        qy[bad] = y[bad] + t * (yn[bad] - y[bad])
    return qx, qy


def _split(X, Y, E, start, S, cut, lines: _LineTable):
    """Split the faces S by the lines ``cut`` (rows a, b, c; each crosses its face).

    Returns the vertex arrays and block lengths of the positive pieces (all of them, in the
    order of S) followed by the negative pieces.  ``E`` labels each vertex's outgoing edge by
    the index of its line in ``lines``; the cuts are added to ``lines`` and label the new edges.
    """
    idx, lens, begins = _blocks(start, S)
    total = len(idx)
    x, y, e = X[idx], Y[idx], E[idx]
    cutv = cut.repeat(lens, axis=0)
    v, tol = _values(x, y, cutv[:, 0], cutv[:, 1], cutv[:, 2])
    s = (v > tol).astype(np.int8) - (v < -tol)
    nxt = np.arange(1, total + 1)
    nxt[begins + lens - 1] = begins
    sn = s[nxt]
    cross = (s * sn) < 0
    ci = np.nonzero(cross)[0]
    qx, qy = x.copy(), y.copy()
    cn = nxt[ci]
    qx[ci], qy[ci] = _meet_many(lines.rows[e[ci]], cutv[ci], x[ci], y[ci], x[cn], y[cn], v[ci], v[cn])
    cid = lines.add(cut).repeat(lens)
    # two slots per vertex: the vertex itself, then the crossing point of its outgoing edge
    PX = np.empty(2 * total)
    PY = np.empty(2 * total)
    PX[0::2], PX[1::2], PY[0::2], PY[1::2] = x, qx, y, qy
    pos_m = np.empty(2 * total, bool)
    neg_m = np.empty(2 * total, bool)
    pos_m[0::2], pos_m[1::2] = s >= 0, cross
    neg_m[0::2], neg_m[1::2] = s <= 0, cross
    zero = s == 0
    pos_e = np.empty(2 * total, np.int64)
    neg_e = np.empty(2 * total, np.int64)
    pos_e[0::2] = np.where(zero & (sn < 0), cid, e)
    pos_e[1::2] = np.where(s > 0, cid, e)
    neg_e[0::2] = np.where(zero & (sn > 0), cid, e)
    neg_e[1::2] = np.where(s < 0, cid, e)
    b2 = 2 * begins
    cnt = np.concatenate([np.add.reduceat(pos_m, b2), np.add.reduceat(neg_m, b2)])
    return (np.concatenate([PX[pos_m], PX[neg_m]]), np.concatenate([PY[pos_m], PY[neg_m]]),
            np.concatenate([pos_e[pos_m], neg_e[neg_m]]), cnt)


class _LineTable:
    """The lines carrying the faces' edges (rows a, b, c), appended to as cuts are made."""

    def __init__(self, rows: np.ndarray):
        self._buf = np.array(rows, dtype=np.float64)
        self.n = len(rows)
        self.rows = self._buf[:self.n]

    def add(self, rows: np.ndarray) -> np.ndarray:
        k = len(rows)
        if self.n + k > len(self._buf):
            buf = np.empty((max(2 * len(self._buf), self.n + k), 3))
            buf[:self.n] = self._buf[:self.n]
            self._buf = buf
        self._buf[self.n:self.n + k] = rows
        ids = np.arange(self.n, self.n + k)
        self.n += k
        self.rows = self._buf[:self.n]
        return ids


def _face_pairs(X, Y, start, A):
    """Bits of every neuron on every face, and the (face, neuron) pairs whose line crosses the face.

    A cheap test first: a line farther from the face's centre than its radius (with room for
    the tolerance) cannot cross it, and the face lies on the side of the centre.  Only the
    remaining pairs are tested vertex by vertex.
    """
    P = len(start) - 1
    cnt = np.diff(start)
    cx = np.add.reduceat(X, start[:-1]) / cnt
    cy = np.add.reduceat(Y, start[:-1]) / cnt
    pid = np.repeat(np.arange(P), cnt)
    r = np.maximum.reduceat(np.hypot(X - cx[pid], Y - cy[pid]), start[:-1])
    Ax, Ay, C = A[:, 0, :], A[:, 1, :], A[:, 2, :]
    # (in huge boxes a bound may overflow to inf or nan: the pair is then simply tested vertex by vertex)
    with np.errstate(over="ignore", invalid="ignore"):
        vc = Ax * cx[:, None] + Ay * cy[:, None] + C
        rr = r[:, None]
        slack = (rr * np.hypot(Ax, Ay) * (1 + 1e-9)
                 + 2 * _RTOL * (np.abs(Ax) * (np.abs(cx)[:, None] + rr) + np.abs(Ay) * (np.abs(cy)[:, None] + rr) + np.abs(C)))
        clear = np.abs(vc) > slack
    bits = vc > 0
    fp, fj = np.nonzero(~clear)
    a, b, c = Ax[fp, fj], Ay[fp, fj], C[fp, fj]
    crossing, pos, mean = _pair_test(X, Y, start, fp, a, b, c)
    bits[fp, fj] = pos & ~crossing
    return bits, (fp[crossing], fj[crossing], a[crossing], b[crossing], c[crossing], mean[crossing])


def _cut_layer(X, Y, E, start, A, lines: _LineTable):
    """Cut every face by the zero lines of one ReLU layer (maps ``A``: faces x (x, y, 1) x neurons).

    A binary space partition run on all faces at once (numpy, no Python loop over faces or
    vertices): each round splits every piece by one line still crossing it (the one nearest the
    piece's vertex centroid, so that the halves are balanced and the rounds few); the two halves
    keep only the lines that still cross them, and a line that no longer crosses a piece records
    the side the piece is on.  Returns the new faces (vertex arrays, offsets), each one's face of origin and its bits.
    """
    bits, pairs = _face_pairs(X, Y, start, A)
    par = np.arange(len(start) - 1)
    done = []  # (X, Y, E, counts, parent, bits) of finished pieces
    while True:
        pp = pairs[0]  # pairs (piece, neuron, a, b, c, value at the centroid), sorted by piece
        P = len(start) - 1
        has = np.zeros(P, bool)
        has[pp] = True
        if not has.all():
            keep = ~has
            idx, lens, _ = _blocks(start, np.nonzero(keep)[0])
            done.append((X[idx], Y[idx], E[idx], lens, par[keep], bits[keep]))
        if len(pp) == 0:
            break
        # split by the crossing line nearest the piece's vertex centroid: balanced halves, fewer rounds
        pp, pj, pa, pb, pc, pm = pairs
        order = np.lexsort((np.abs(pm) / np.hypot(pa, pb), pp))
        pp, pj = pp[order], pj[order]
        first = np.ones(len(pp), bool)
        first[1:] = pp[1:] != pp[:-1]
        fo = order[first]
        S, J = pp[first], pj[first]
        Sidx = np.zeros(P, np.int64)
        Sidx[S] = np.arange(len(S))
        ro = order[~first]
        rest_p, rest_j = Sidx[pp[~first]], pj[~first]
        ra, rb, rc = pa[ro], pb[ro], pc[ro]
        cut = np.stack([pa[fo], pb[fo], pc[fo]], axis=1)
        X, Y, E, cnt = _split(X, Y, E, start, S, cut, lines)
        K = len(S)
        start = np.concatenate([[0], cnt.cumsum()])
        par = np.concatenate([par[S], par[S]])
        bits = np.concatenate([bits[S], bits[S]])
        bits[np.arange(K), J] = True
        # the lines that crossed a parent piece may cross either half
        # (rest_p is sorted and below K: the pairs stay sorted by piece)
        pp = np.concatenate([rest_p, rest_p + K])
        pj = np.concatenate([rest_j, rest_j])
        pa, pb, pc = np.concatenate([ra, ra]), np.concatenate([rb, rb]), np.concatenate([rc, rc])
        crossing, pos, pm = _pair_test(X, Y, start, pp, pa, pb, pc)
        nc = ~crossing
        bits[pp[nc], pj[nc]] = pos[nc]
        pairs = (pp[crossing], pj[crossing], pa[crossing], pb[crossing], pc[crossing], pm[crossing])
    Xs, Ys, Es, cs, ps, bs = (np.concatenate(z) for z in zip(*done))
    return Xs, Ys, Es, np.concatenate([[0], np.cumsum(cs)]), ps, bs


#: "auto" loads the compiled kernel once this process has spent this long (CPU seconds) in the
#: numpy path: about the one-off cost of importing numba and loading the cached kernel, so a
#: single small count never pays it, and a long session pays at most twice what it needed to
_KERNEL_SWITCH_SECONDS = 0.4
_numpy_seconds = [0.0]
_KERNELS = ("auto", "numba", "numpy")


def _compiled_cut_layer(kernel: str):
    """The numba kernel's ``cut_layer`` for ``kernel`` ("auto", "numba", "numpy"), or None.

    The environment variable ``EXPRESSIVITY_PLANAR_KERNEL`` (one of the three) overrides "auto".
    "numba" raises :class:`~expressivity.exceptions.InvalidInputError` without numba.
    """
    if kernel not in _KERNELS:
        raise InvalidInputError(f"kernel must be one of {', '.join(_KERNELS)}, got {kernel!r}")
    if kernel == "auto":
        kernel = os.environ.get("EXPRESSIVITY_PLANAR_KERNEL", "auto").strip().lower()
        if kernel not in _KERNELS:
            raise InvalidInputError(f"EXPRESSIVITY_PLANAR_KERNEL must be one of {', '.join(_KERNELS)}, got {kernel!r}")
    if kernel == "numpy":
        return None
    if kernel == "auto" and __package__ + "._planar_kernel" not in sys.modules and _numpy_seconds[0] < _KERNEL_SWITCH_SECONDS:
        return None
    from ._planar_kernel import COMPILED, cut_layer

    if not COMPILED:
        if kernel == "numba":
            raise InvalidInputError("kernel='numba' needs numba (pip install 'expressivity[fast]')")
        return None
    return cut_layer


def _cut_layer_compiled(kernel, X, Y, E, start, A, lines: _LineTable):
    """:func:`_cut_layer` by the compiled kernel (same geometry; faces in another order)."""
    X, Y, E, start, parent, bits, buf, n = kernel(X, Y, E, start, np.ascontiguousarray(A), lines._buf, lines.n)
    lines._buf, lines.n = buf, n
    lines.rows = buf[:n]
    return X, Y, E, start, parent, bits


def _subdivide(cn, lo: np.ndarray, hi: np.ndarray, t0: float, kernel: str = "auto",
               max_regions: int | None = None) -> PlanarSubdivision:
    c0 = time.process_time()
    compiled = _compiled_cut_layer(kernel)
    lo0, lo1, hi0, hi1 = float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])
    X = np.array([lo0, hi0, hi0, lo0])
    Y = np.array([lo1, lo1, hi1, hi1])
    lines = _LineTable([[0.0, 1.0, -lo1], [1.0, 0.0, -hi0], [0.0, 1.0, -hi1], [1.0, 0.0, -lo0]])
    E = np.arange(4, dtype=np.int64)
    start = np.array([0, 4], dtype=np.int64)
    last_relu = max(i for i, r in enumerate(cn.relu) if r)
    M = None  # the previous layer's output map on each face: faces x (x, y, 1) x neurons
    lineage = []  # per ReLU layer: (face of origin in the previous layer, bits)
    for ell, (W, b, relu) in enumerate(zip(cn.weights, cn.biases, cn.relu)):
        if ell > last_relu:
            break  # the output map does not cut regions
        if M is None:
            A = np.empty((1, 3, W.shape[0]))
            A[0, 0], A[0, 1], A[0, 2] = W[:, 0], W[:, 1], b
        else:
            P, _, n_prev = M.shape
            A = (M.reshape(P * 3, n_prev) @ W.T).reshape(P, 3, W.shape[0])
            A[:, 2, :] += b
        if not relu:
            M = A
            continue
        if compiled is None:
            X, Y, E, start, parent, bits = _cut_layer(X, Y, E, start, A, lines)
        else:
            X, Y, E, start, parent, bits = _cut_layer_compiled(compiled, X, Y, E, start, A, lines)
        lineage.append((parent, bits))
        nxt = [w.shape[0] for w, r in zip(cn.weights[ell + 1:last_relu + 1], cn.relu[ell + 1:last_relu + 1]) if r]
        _check_next_layer_size(len(start) - 1, len(lineage), W.shape[0], nxt[0] if nxt else 0, max_regions)
        if ell < last_relu:
            M = A[parent] * bits[:, None, :]
    # patterns: follow each face back through the layers
    idx = np.arange(len(start) - 1)
    rows = []
    for parent, bits in reversed(lineage):
        rows.append(bits[idx])
        idx = parent[idx]
    pm = np.concatenate(rows[::-1], axis=1)
    if compiled is None:
        _numpy_seconds[0] += time.process_time() - c0
    return PlanarSubdivision(np.column_stack([X, Y]), start, pm, (lo, hi), time.perf_counter() - t0)
