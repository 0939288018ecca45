"""2-D slices of any ReLU network: its activation regions on a plane through input points.

The plane through three input points ``p0, p1, p2`` is parametrised as

    x(s, t) = p0 + s (p1 - p0) + t (p2 - p0),

so that ``p0, p1, p2`` sit at ``(0, 0), (1, 0), (0, 1)`` in the plane's ``(s, t)`` frame (or give
an origin and two directions: ``x(s, t) = origin + s u1 + t u2``).  The composed map
``(s, t) -> net(x(s, t))`` is a 2-input ReLU network (the first layer absorbs the plane's
affine map); its activation regions in a box of the ``(s, t)`` plane are exactly the slices of
the regions of ``net`` by the plane (a region of ``net`` may meet the plane in a lower-
dimensional set: such touches are not regions of the slice).  The regions are found by the
LP-free planar subdivision :func:`expressivity.regions.planar.planar_regions`.

**Exactness.**  When the network and the plane are exact (rational weights and points), the
composed network is built exactly and every polygon vertex is recomputed in rational
arithmetic as the intersection of the two exact lines (neuron zero sets or box walls) that
carry its edges; the combinatorics come from the floating-point subdivision.  With
``certify=True`` the whole slice is then *proved* in exact arithmetic: each polygon is convex
and lies in the box, on each polygon every neuron's exact pre-activation has the sign its
pattern claims (an "on" neuron strictly positive at some vertex), the patterns are distinct
(so the polygons' interiors are disjoint) and the exact areas add up to the box's area (so they
cover it).  The count of regions in the box is then proved complete (``method = "exact"``).
Otherwise the count is ``numeric``.  A float network is certified at the exact binary values of
its weights (:func:`~expressivity.numbers.float_to_fraction`, no rounding): the proof is about
exactly the function the floats define, and the method says so (:data:`FLOAT_CERTIFIED_METHOD`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..exceptions import (
    CertificateError,
    DegenerateInputError,
    InvalidInputError,
    NonFiniteError,
    NumberTypeError,
    ShapeError,
)
from ..numbers import format_fraction, to_fraction
from ..relu.network import Layer, ReLUNetwork
from .enumeration import compile_network, normalize_box

__all__ = ["FLOAT_CERTIFIED_METHOD", "SliceRegions", "plane_network", "plane_through_points", "slice_regions"]

#: The method label of a slice of a float network proved with ``certify=True``.
FLOAT_CERTIFIED_METHOD = "exact (float weights taken at their exact binary values)"


# ------------------------------------------------------------------------------------------ the plane
def _vector(v: Any, d: int | None, where: str) -> tuple[list, bool]:
    """A point or direction as a list of Fractions (exact) or floats; ``(values, exact)``."""
    arr = list(np.asarray(v, dtype=object).ravel()) if not isinstance(v, (list, tuple)) else list(v)
    if np.asarray(v, dtype=object).ndim != 1:
        raise ShapeError(f"{where} must be a vector (a list of numbers), got shape {np.asarray(v, dtype=object).shape}")
    if d is not None and len(arr) != d:
        raise ShapeError(f"{where} has {len(arr)} coordinates but the network has {d} inputs")
    if not arr:
        raise ShapeError(f"{where} is empty")
    try:
        return [to_fraction(x, where=f"{where}[{i}]") for i, x in enumerate(arr)], True
    except NumberTypeError:
        pass
    out = []
    for i, x in enumerate(arr):
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, Fraction, np.integer, np.floating, str)):
            raise NumberTypeError(f"{where}[{i}]: {type(x).__name__} is not a number")
        try:
            f = float(to_fraction(x, where=f"{where}[{i}]")) if isinstance(x, str) else float(x)
        except (ValueError, OverflowError):
            raise NumberTypeError(f"{where}[{i}]: {x!r} is not a number") from None
        if not math.isfinite(f):
            raise NonFiniteError(f"{where}[{i}] is {f}: points and directions must be finite")
        out.append(f)
    return out, False


def _check_spans_plane(u1: list, u2: list, exact: bool, what: str) -> None:
    if exact:
        # rank 2 iff some 2x2 minor is non-zero
        for i in range(len(u1)):
            for j in range(i + 1, len(u1)):
                if u1[i] * u2[j] - u1[j] * u2[i] != 0:
                    return
    else:
        sv = np.linalg.svd(np.array([u1, u2], dtype=np.float64), compute_uv=False)
        if sv[0] > 0 and sv[1] > 1e-12 * sv[0]:
            return
    raise DegenerateInputError(f"{what}: they span no plane; give points in general position")


def plane_through_points(p0: Any, p1: Any, p2: Any, *, input_dim: int | None = None) -> tuple[list, list, bool]:
    """Origin and directions of the plane ``x(s, t) = p0 + s (p1 - p0) + t (p2 - p0)``.

    Returns ``(origin, (u1, u2), exact)``: exact (Fractions) when every coordinate is exact.

    >>> o, (u1, u2), exact = plane_through_points([0, 0, 1], [1, 0, 1], ["1/2", 1, 1])
    >>> [str(v) for v in u2], exact
    (['1/2', '1', '0'], True)
    >>> plane_through_points([0, 0], [1, 1], [2, 2])
    Traceback (most recent call last):
    ...
    expressivity.exceptions.DegenerateInputError: the three points are collinear: they span no plane; give points in general position
    """
    pts, kinds = [], []
    d = input_dim
    for name, p in (("p0", p0), ("p1", p1), ("p2", p2)):
        v, ex = _vector(p, d, name)
        d = len(v)
        pts.append(v)
        kinds.append(ex)
    exact = all(kinds)
    if not exact:
        pts = [[float(x) for x in v] for v in pts]
    u1 = [a - b for a, b in zip(pts[1], pts[0])]
    u2 = [a - b for a, b in zip(pts[2], pts[0])]
    _check_spans_plane(u1, u2, exact, "the three points are collinear")
    return pts[0], (u1, u2), exact


def _origin_directions(origin: Any, directions: Any, d: int) -> tuple[list, tuple[list, list], bool]:
    o, ex0 = _vector(origin, d, "origin")
    dirs = list(directions)
    if len(dirs) != 2:
        raise ShapeError(f"directions must be two vectors of length {d}, got {len(dirs)} vector(s)")
    (u1, ex1), (u2, ex2) = _vector(dirs[0], d, "directions[0]"), _vector(dirs[1], d, "directions[1]")
    exact = ex0 and ex1 and ex2
    if not exact:
        o, u1, u2 = ([float(x) for x in v] for v in (o, u1, u2))
    _check_spans_plane(u1, u2, exact, "the two directions are linearly dependent")
    return o, (u1, u2), exact


def plane_network(net: ReLUNetwork, origin: Sequence, directions: tuple[Sequence, Sequence]) -> ReLUNetwork:
    """The 2-input network ``(s, t) -> net(origin + s u1 + t u2)``; exact when ``net`` and the plane are.

    >>> net = ReLUNetwork.from_matrices([[[1, 0, 0], [0, 1, 1]], [[1, 1]]], [[0, 0], [0]])
    >>> s = plane_network(net, [0, 0, 1], ([1, 0, 0], [0, 1, 0]))
    >>> s.kind, s([2, -3])
    ('exact', array([Fraction(2, 1)], dtype=object))
    """
    u1, u2 = directions
    L0 = net.layers[0]
    plane_exact = all(isinstance(v, (Fraction, int)) for v in (*origin, *u1, *u2))
    if net.kind == "exact" and plane_exact:
        import flint

        W = flint.fmpq_mat([[flint.fmpq(v.numerator, v.denominator) for v in row] for row in L0.weight])
        P = flint.fmpq_mat([[flint.fmpq(Fraction(a).numerator, Fraction(a).denominator) for a in (x, y, z)]
                            for x, y, z in zip(u1, u2, origin)])
        WP = W * P
        rows = [[Fraction(int(q.p), int(q.q)) for q in WP.table()[i]] for i in range(L0.out_dim)]
        Wn = np.array([[r[0], r[1]] for r in rows], dtype=object)
        bn = np.array([r[2] + b for r, b in zip(rows, L0.bias)], dtype=object)
        first = Layer(Wn, bn, L0.activation, "exact")
        return ReLUNetwork(2, (first,) + tuple(net.layers[1:]))
    f = net.to_float()
    W0 = np.asarray(f.layers[0].weight, dtype=np.float64)
    U = np.array([[float(a) for a in u1], [float(a) for a in u2]]).T
    x0 = np.array([float(a) for a in origin])
    first = Layer(W0 @ U, W0 @ x0 + np.asarray(f.layers[0].bias), L0.activation, "float")
    return ReLUNetwork(2, (first,) + tuple(f.layers[1:]))


# ------------------------------------------------------------------------------------------ result
def _fmt(v) -> Any:
    return format_fraction(v) if isinstance(v, Fraction) else float(v)


@dataclass(frozen=True, eq=False)
class SliceRegions:
    """The activation regions of a network on a plane (see :func:`slice_regions`).

    Attributes
    ----------
    origin, directions : lists
        The plane ``x(s, t) = origin + s u1 + t u2`` (Fractions when exact, else floats).
    box : (lo, hi)
        The box of the ``(s, t)`` plane (float arrays).
    polygons : list of (k, 2) float arrays
        One convex polygon per region, counter-clockwise, in ``(s, t)`` coordinates.
    patterns : list of bool arrays
        Activation pattern of each region (all ReLU neurons, layer by layer).
    output_maps : list of (M, m)
        The network's output ``M @ (s, t) + m`` on each region (floats).
    exact_polygons : list of lists of (Fraction, Fraction), or None
        The vertices in exact rational ``(s, t)`` coordinates (exact net and plane only).
    marks : dict
        Labelled points of the plane in ``(s, t)`` coordinates (``p0, p1, p2`` or ``origin``).
    method : str
        ``"exact"`` only when ``certify=True`` proved the whole subdivision exactly
        (:data:`FLOAT_CERTIFIED_METHOD` for a float network, proved at its weights' exact binary
        values); ``"numeric"`` otherwise.
    certified : bool
    seconds : float
    widths : tuple of int
        Widths of the ReLU layers (the pattern bits come layer by layer).
    """

    origin: list
    directions: tuple
    box: tuple
    polygons: list
    patterns: list
    output_maps: list
    exact_polygons: list | None
    marks: dict
    method: str
    certified: bool
    seconds: float
    widths: tuple = field(default=())

    @property
    def count(self) -> int:
        return len(self.polygons)

    @property
    def exact(self) -> bool:
        return self.exact_polygons is not None

    def to_json(self, *, with_regions: bool = True) -> dict:
        """JSON-ready summary; ``region_list`` has each region's pattern and vertices (``"p/q"``
        strings when exact).

        >>> net = ReLUNetwork.from_matrices([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
        >>> doc = slice_regions(net, points=([0, 0], [1, 0], [0, 1]), box=1).to_json()
        >>> doc["regions"], doc["complete"], len(doc["region_list"])
        (4, 'not proved', 4)
        """
        out = {"regions": self.count, "method": self.method, "certified": self.certified,
               "complete": "proved" if self.certified else "not proved",
               "exact_coordinates": self.exact,
               "plane": {"origin": [_fmt(v) for v in self.origin],
                         "directions": [[_fmt(v) for v in u] for u in self.directions]},
               "box": [self.box[0].tolist(), self.box[1].tolist()],
               "marks": {k: [float(a) for a in v] for k, v in self.marks.items()},
               "seconds": round(self.seconds, 4)}
        if with_regions:
            regs = []
            for i, (P, s) in enumerate(zip(self.polygons, self.patterns)):
                verts = ([[format_fraction(a), format_fraction(b)] for a, b in self.exact_polygons[i]]
                         if self.exact else P.tolist())
                regs.append({"pattern": "".join("1" if v else "0" for v in s), "vertices": verts})
            out["region_list"] = regs
        return out

    def figure(self, *, color_by: str = "pattern", output: int = 0, title: str | None = None,
               size: float = 5.0):
        """A matplotlib Figure of the slice (object-oriented API; vector output for .pdf/.svg).

        ``color_by="pattern"`` gives each region its own colour; ``"map"`` colours by the local
        linear map of output ``output``: hue = direction of its gradient in the plane,
        lightness = its relative size (regions with the same map share a colour).

        >>> net = ReLUNetwork.from_matrices([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
        >>> fig = slice_regions(net, points=([0, 0], [1, 0], [0, 1]), box=1).figure()
        >>> len(fig.axes)
        1
        """
        from matplotlib.figure import Figure

        fig = Figure(figsize=(size, size), layout="constrained")
        self.draw(fig.add_subplot(), color_by=color_by, output=output, title=title)
        return fig

    def draw(self, ax, *, color_by: str = "pattern", output: int = 0, title: str | None = None,
             label_points: bool = True) -> None:
        """Draw the regions into the matplotlib Axes ``ax`` (see :meth:`figure`).

        >>> from matplotlib.figure import Figure
        >>> net = ReLUNetwork.from_matrices([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]])
        >>> ax = Figure().add_subplot()
        >>> slice_regions(net, points=([0, 0], [1, 0], [0, 1]), box=1).draw(ax, color_by="map")
        >>> len(ax.collections[0].get_paths())
        4
        """
        from matplotlib.collections import PolyCollection

        if color_by not in ("pattern", "map"):
            raise InvalidInputError(f"color_by must be 'pattern' or 'map', got {color_by!r}")
        colors = self._colors_by_pattern() if color_by == "pattern" else self._colors_by_map(output)
        ax.add_collection(PolyCollection(self.polygons, facecolors=colors, edgecolors="0.15", linewidths=0.3))
        lo, hi = self.box
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal")
        for label, (s, t) in self.marks.items():
            ax.plot([s], [t], marker="o", ms=4, color="black", mec="white", mew=0.8, zorder=3)
            if label_points:
                ax.annotate(label, (s, t), xytext=(3, 3), textcoords="offset points", zorder=3,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
        ax.set_xlabel("$s$")
        ax.set_ylabel("$t$")
        ax.set_title(title if title is not None else f"{self.count} regions on the plane")

    def _colors_by_pattern(self) -> np.ndarray:
        from matplotlib import colormaps

        cmap = colormaps["tab20"]
        out = np.empty((self.count, 4))
        for i, s in enumerate(self.patterns):
            h = int.from_bytes(np.packbits(s).tobytes()[-8:] or b"\0", "little") * 2654435761 + int(s.sum())
            out[i] = cmap((h % 20) / 19.999)
        return out

    def _colors_by_map(self, output: int) -> np.ndarray:
        from matplotlib.colors import hsv_to_rgb

        if not self.output_maps or not 0 <= output < self.output_maps[0][0].shape[0]:
            raise InvalidInputError(f"output {output} does not exist")
        g = np.array([M[output] for M, _ in self.output_maps])
        norm = np.hypot(g[:, 0], g[:, 1])
        hue = (np.arctan2(g[:, 1], g[:, 0]) / (2 * np.pi)) % 1.0
        rel = norm / norm.max() if norm.max() > 0 else np.zeros_like(norm)
        hsv = np.column_stack([hue, 0.25 + 0.6 * rel, 0.97 - 0.35 * rel])
        return hsv_to_rgb(hsv)


# ------------------------------------------------------------------------------------------ exact part
def _q(x):
    import flint

    x = Fraction(x)
    return flint.fmpq(x.numerator, x.denominator)


def _frac(q) -> Fraction:
    return Fraction(int(q.p), int(q.q))


class _ExactMaps:
    """Exact affine maps ``(s, t, 1) -> pre-activations`` of every ReLU layer on a region,
    cached by the activation pattern of the earlier layers (flint ``fmpq_mat``)."""

    def __init__(self, snet: ReLUNetwork):
        import flint

        self.flint = flint
        self.Ws = [flint.fmpq_mat([[_q(v) for v in row] for row in L.weight]) for L in snet.layers]
        self.bs = [[_q(v) for v in L.bias] for L in snet.layers]
        self.relu = [L.activation == "relu" for L in snet.layers]
        self.n_relu_layers = sum(self.relu)
        self.cache: dict = {}

    def layer_maps(self, pattern: np.ndarray, widths: Sequence[int]) -> list:
        """[A_1, ..., A_L]: A_l is the (n_l x 3) fmpq_mat of layer l's pre-activations on the region."""
        fl = self.flint
        out, off, key = [], 0, b""
        prev = None  # the (n x 3) fmpq_mat of the previous layer's output map
        li = 0
        for W, b, r in zip(self.Ws, self.bs, self.relu):
            if li == len(widths):
                break
            A = self.cache.get(key)
            if A is None:
                if prev is None:
                    A = fl.fmpq_mat(W.nrows(), 3, [e for row in range(W.nrows())
                                                   for e in (W[row, 0], W[row, 1], b[row])])
                else:
                    A = W * prev
                    for i in range(A.nrows()):
                        A[i, 2] += b[i]
                self.cache[key] = A
            if r:
                w = widths[li]
                m = pattern[off:off + w]
                key += np.packbits(m).tobytes() + b"|"
                off += w
                li += 1
                out.append(A)
                if li < len(widths) and key not in self.cache:
                    rows = A.table()
                    zero = fl.fmpq(0)
                    prev = fl.fmpq_mat(w, 3, [e if m[i] else zero for i in range(w) for e in rows[i]])
            else:
                prev = A
                key += b"L|"
        return out


def _box_lines(lo: Sequence, hi: Sequence) -> list:
    """Box walls as lines a s + b t + c = 0 (exact, flint fmpq)."""
    one, zero = _q(1), _q(0)
    return [(one, zero, -lo[0]), (one, zero, -hi[0]), (zero, one, -lo[1]), (zero, one, -hi[1])]


def _exact_polygon(V: np.ndarray, lines_f: np.ndarray, line_q) -> list:
    """Exact vertices of a float polygon: each edge is carried by the candidate line closest to
    both its endpoints; each vertex is the exact meet of its two edges' lines (a vertex whose
    two edges lie on one line is left out: it is not a corner)."""
    k = len(V)
    nrm = np.hypot(lines_f[:, 0], lines_f[:, 1])
    ok = nrm > 0
    vals = np.abs(V @ lines_f[:, :2].T + lines_f[:, 2]) / np.where(ok, nrm, 1.0)
    vals[:, ~ok] = np.inf
    edge_line = [int(np.argmin(np.maximum(vals[i], vals[(i + 1) % k]))) for i in range(k)]
    exact_lines = {j: line_q(j) for j in set(edge_line)}
    verts = []
    for i in range(k):
        a1, b1, c1 = exact_lines[edge_line[i - 1]]
        a2, b2, c2 = exact_lines[edge_line[i]]
        det = a1 * b2 - a2 * b1
        if det == 0:
            continue
        verts.append(((b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det))
    return verts


def _certify(polys_q: list, pattern_list: list, maps_list: list, lo, hi) -> None:
    """Raise CertificateError unless the exact polygons provably are the regions in the box."""
    import flint

    keys = {np.packbits(s).tobytes() for s in pattern_list}
    if len(keys) != len(pattern_list):
        raise CertificateError("two regions of the slice carry the same activation pattern")
    total = flint.fmpq(0)
    for P, s, maps in zip(polys_q, pattern_list, maps_list):
        k = len(P)
        if k < 3:
            raise CertificateError(f"a region of pattern {_bits(s)} has only {k} exact corners")
        for (x, y) in P:
            if not (lo[0] <= x <= hi[0] and lo[1] <= y <= hi[1]):
                raise CertificateError(f"the exact vertex ({x}, {y}) lies outside the box")
        area2 = flint.fmpq(0)
        for i in range(k):
            (x0, y0), (x1, y1), (x2, y2) = P[i - 1], P[i], P[(i + 1) % k]
            if (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1) <= 0:
                raise CertificateError(f"the exact polygon of pattern {_bits(s)} is not strictly convex")
            area2 += x1 * y2 - x2 * y1
        total += area2 / 2
        # every neuron's exact pre-activation at every vertex: one rational matrix product per layer;
        # the signs are those of the numerators over a common positive denominator
        V = flint.fmpq_mat(3, k, [x for x, _ in P] + [y for _, y in P] + [flint.fmpq(1)] * k)
        off = 0
        for A in maps:
            n = A.nrows()
            num, _den = (A * V).numer_denom()
            sg = np.array([(e > 0) - (e < 0) for e in num.entries()], dtype=np.int8).reshape(n, k)
            on = s[off:off + n]
            bad_on = on & ~((sg.min(axis=1) >= 0) & (sg.max(axis=1) > 0))
            bad_off = ~on & (sg.max(axis=1) > 0)
            if bad_on.any() or bad_off.any():
                j = int(np.nonzero(bad_on | bad_off)[0][0])
                what = "not positive" if on[j] else "positive"
                raise CertificateError(f"neuron {off + j} is {what} on the region of pattern {_bits(s)}")
            off += n
    box_area = (hi[0] - lo[0]) * (hi[1] - lo[1])
    if total != box_area:
        raise CertificateError(f"the exact areas of the regions add up to {total}, not the box's area {box_area}")


def _bits(s: np.ndarray) -> str:
    t = "".join("1" if v else "0" for v in s)
    return t if len(t) <= 40 else t[:37] + "..."


# ------------------------------------------------------------------------------------------ public API
def slice_regions(net: ReLUNetwork, points: Sequence | None = None, *, origin: Any = None,
                  directions: Any = None, box: Any = None, exact: bool | None = None,
                  certify: bool = False, max_regions: int | None = None) -> SliceRegions:
    """Activation regions of ``net`` on the plane through three input points (or origin + directions).

    Parameters
    ----------
    net : ReLUNetwork
        Any input dimension d >= 2.
    points : (p0, p1, p2), optional
        Three input points (length d, not collinear).  The plane is ``p0 + s (p1 - p0) + t (p2 - p0)``;
        the points sit at ``(0, 0), (1, 0), (0, 1)``.  Default box: ``[-1/2, 3/2]^2``.
    origin, directions : optional
        Instead of ``points``: the plane ``origin + s u1 + t u2`` with ``directions = (u1, u2)``.
        Default box: ``[-1, 1]^2``.
    box : float or (lo, hi), optional
        The box of the ``(s, t)`` plane (``R`` means ``[-R, R]^2``); in exact mode its corners are
        taken as the exact values of their floats (``0.1`` is the binary double nearest 1/10).
    exact : bool, optional
        Compute exact rational vertices; default: when the net and the plane are exact.
    certify : bool
        Prove the subdivision exactly: method ``"exact"``, ``complete: proved``.  Needs exact
        points/directions; a float network is taken at the exact binary values of its weights
        (:func:`~expressivity.numbers.float_to_fraction` via :meth:`ReLUNetwork.to_exact`, a
        deliberate, lossless conversion) and the method is then :data:`FLOAT_CERTIFIED_METHOD`.
    max_regions : int, optional
        Stop (``LimitReachedError``) once the slice has more regions than this.  Independently,
        a layer whose successor would need more than
        :data:`~expressivity.regions.planar.PLANAR_MEMORY_BUDGET` bytes is refused
        (``ComputationTooLargeError``) before that layer's arrays exist.

    Returns
    -------
    SliceRegions

    Examples
    --------
    The MAX2 network ``relu(x1 - x2) + relu(x2) - relu(-x2)`` has 4 activation regions (the lines
    x1 = x2 and x2 = 0) on the plane through 0, e1, e2 of R^2; proved exactly:

    >>> net = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]])
    >>> res = slice_regions(net, points=([0, 0], [1, 0], [0, 1]), certify=True)
    >>> res.count, res.method, sum((0, 0) in P for P in res.exact_polygons)
    (4, 'exact', 4)

    A float network is certified at its weights' exact binary values:

    >>> slice_regions(net.to_float(), points=([0, 0], [1, 0], [0, 1]), certify=True).method
    'exact (float weights taken at their exact binary values)'
    """
    t0 = time.perf_counter()
    if not isinstance(net, ReLUNetwork):
        raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
    d = net.input_dim
    from .planar import _check_planar_max_regions, planar_regions

    _check_planar_max_regions(max_regions)
    if (points is None) == (origin is None and directions is None):
        raise InvalidInputError("give either points=(p0, p1, p2) or origin= and directions=, not both or neither")
    if points is not None:
        if len(points) != 3:
            raise ShapeError(f"points must be three input points, got {len(points)}")
        o, dirs, plane_exact = plane_through_points(*points, input_dim=d)
        marks = {"p0": (0.0, 0.0), "p1": (1.0, 0.0), "p2": (0.0, 1.0)}
        default_box = ((-0.5, -0.5), (1.5, 1.5))
    else:
        if origin is None or directions is None:
            raise InvalidInputError("give both origin= and directions=")
        o, dirs, plane_exact = _origin_directions(origin, directions, d)
        marks = {"origin": (0.0, 0.0)}
        default_box = 1.0
    lo, hi = normalize_box(default_box if box is None else box, 2)
    from_floats = certify and net.kind == "float"
    if from_floats:
        net = net.to_exact()  # each float's exact binary value (float_to_fraction): no rounding
    can_exact = plane_exact and net.kind == "exact"
    if exact is None:
        exact = can_exact
    if exact and not can_exact:
        raise NumberTypeError("exact=True needs an exact network and exact points/directions "
                              "(rationals or strings, no floats)")
    if certify and not plane_exact:
        raise NumberTypeError("certify=True needs exact points/directions (rationals or strings, no floats)")
    if certify and not exact:
        raise InvalidInputError("certify=True needs the exact vertices: do not pass exact=False")
    snet = plane_network(net, o, dirs)
    sub = planar_regions(snet, (lo, hi), max_regions=max_regions)
    cn = compile_network(snet)
    polygons, patterns = sub.polygons, sub.patterns
    output_maps = _OutputMaps(cn, sub.pattern_matrix)
    exact_polys = None
    certified = False
    if exact:
        polys_fmpq, maps_list = _exact_vertices(snet, cn, polygons, patterns, lo, hi)
        if certify:
            qlo, qhi = [_q(Fraction(float(v))) for v in lo], [_q(Fraction(float(v))) for v in hi]
            _certify(polys_fmpq, patterns, maps_list, qlo, qhi)
            certified = True
        exact_polys = [[(_frac(x), _frac(y)) for x, y in P] for P in polys_fmpq]
    return SliceRegions(o, dirs, (lo, hi), polygons, patterns, output_maps, exact_polys, marks,
                        (FLOAT_CERTIFIED_METHOD if from_floats else "exact") if certified else "numeric",
                        certified, time.perf_counter() - t0, cn.widths)


class _OutputMaps(Sequence):
    """The network's output map ``(M, m)`` on each region, computed for all regions at once on first use."""

    def __init__(self, cn, pattern_matrix: np.ndarray):
        self._cn, self._pm, self._maps = cn, pattern_matrix, None

    def _compute(self) -> np.ndarray:
        cn, pm = self._cn, self._pm
        P = pm.shape[0]
        A = None  # (P, n, 3): the current layer's affine map of (s, t, 1) on every region
        off = 0
        for W, b, r in zip(cn.weights, cn.biases, cn.relu):
            if A is None:
                A = np.broadcast_to(np.column_stack([W, b]), (P, W.shape[0], 3)).copy()
            else:
                A = W @ A
                A[:, :, 2] += b
            if r:
                w = W.shape[0]
                A = A * pm[:, off:off + w, None]
                off += w
        return A

    def __len__(self) -> int:
        return self._pm.shape[0]

    def __getitem__(self, i):
        if self._maps is None:
            self._maps = self._compute()
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        A = self._maps[i]
        return A[:, :2], A[:, 2]


def _exact_vertices(snet: ReLUNetwork, cn, polygons: list, patterns: list, lo, hi) -> tuple[list, list]:
    em = _ExactMaps(snet)
    qlo, qhi = [_q(Fraction(float(v))) for v in lo], [_q(Fraction(float(v))) for v in hi]
    box_q = _box_lines(qlo, qhi)
    box_f = np.array([[float(a), float(b), float(c)] for a, b, c in box_q])
    polys_q, maps_list = [], []
    for V, s in zip(polygons, patterns):
        maps = em.layer_maps(s, cn.widths)
        G, h = cn.maps(s)[:2]
        lines_f = np.vstack([np.column_stack([G, h]), box_f])
        def line_q(i: int, maps=maps) -> tuple:
            for A in maps:
                if i < A.nrows():
                    return A[i, 0], A[i, 1], A[i, 2]
                i -= A.nrows()
            return box_q[i]

        polys_q.append(_exact_polygon(V, lines_f, line_q))
        maps_list.append(maps)
    return polys_q, maps_list
