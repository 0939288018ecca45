"""The fast 2-D path: activation regions of a 2-input network (or of a 2-D slice) by planar
subdivision, without any LP.

Start from the box as one convex polygon.  Layer by layer, every current face carries the
affine map of the previous layer's output on it, so each neuron of the next layer is an
affine function on the face: its zero set is a straight line.  Cut the face by every such
line that has vertices strictly on both sides (pre-activations interpolate linearly along an
edge), then give each piece its bits (on = some vertex strictly positive; a neuron that is
zero on the whole piece is off, as in :meth:`ReLUNetwork.activation_pattern`).  A line that
merely touches a face, or repeats a line already used (duplicate neurons), cuts nothing, so
degenerate nets are not double counted.

The faces are the activation regions restricted to the box; each is convex, so the count
agrees with :func:`expressivity.regions.enumerate_regions` on the same box (checked in the
tests and the claim ``regions.methods_agree``).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..exceptions import InvalidInputError, ShapeError
from ..relu.network import Layer, ReLUNetwork
from .enumeration import compile_network, normalize_box

__all__ = ["PlanarSubdivision", "planar_regions", "slice_network"]


@dataclass(frozen=True, eq=False)
class PlanarSubdivision:
    """Faces of the planar subdivision.

    Attributes
    ----------
    faces : list of (vertex list, per-layer bit arrays)
        The raw faces; ``polygons`` and ``patterns`` are derived from them on first use.
    polygons : list of (k, 2) arrays
        Convex faces, vertices in counter-clockwise order.
    patterns : list of bool arrays
        Activation pattern of each face (all ReLU neurons, layer by layer).
    box : (lo, hi)
    seconds : float
    """

    faces: list
    box: tuple[np.ndarray, np.ndarray]
    seconds: float

    @property
    def count(self) -> int:
        return len(self.faces)

    @cached_property
    def polygons(self) -> list:
        return [np.array(V, dtype=np.float64) for V, _ in self.faces]

    @cached_property
    def patterns(self) -> list:
        return [np.concatenate([m for m in bits if m is not None]) for _, bits in self.faces]

    @property
    def pattern_keys(self) -> set[bytes]:
        return {np.packbits(s).tobytes() + bytes([len(s) % 8]) for s in self.patterns}

    def areas(self) -> np.ndarray:
        out = []
        for V in self.polygons:
            x, y = V[:, 0], V[:, 1]
            out.append(0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
        return np.array(out)

    def to_json(self) -> dict:
        return {"regions": self.count, "box": [self.box[0].tolist(), self.box[1].tolist()], "seconds": self.seconds}


def _meet(l1, l2, a, b, va, vb):
    """Intersection of the lines l1 and l2 (a x + b y + c = 0); interpolation on the edge a-b if parallel.

    Solving the 2x2 system keeps the error relative to the point itself, not to the box: a
    vertex near the origin of a huge box stays accurate, and concurrent lines of degenerate
    nets meet where they should.
    """
    a1, b1, c1 = l1
    a2, b2, c2 = l2
    det = a1 * b2 - a2 * b1
    if det != 0.0:
        q = ((b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det)
        # guard against a nearly parallel pair: the point must lie on the segment a-b
        lo_x, hi_x = (a[0], b[0]) if a[0] <= b[0] else (b[0], a[0])
        lo_y, hi_y = (a[1], b[1]) if a[1] <= b[1] else (b[1], a[1])
        sx = 1e-9 * (hi_x - lo_x + abs(hi_x) + abs(lo_x))
        sy = 1e-9 * (hi_y - lo_y + abs(hi_y) + abs(lo_y))
        if lo_x - sx <= q[0] <= hi_x + sx and lo_y - sy <= q[1] <= hi_y + sy:
            return q
    t = va / (va - vb)
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def _split(V: list, L: list, vals: list, tols: list, cut: tuple):
    """Split a convex polygon by the line ``cut`` given the line's values at the vertices.

    ``L[i]`` is the line carrying the edge V[i] -> V[i+1]; the pieces keep these labels and
    the new edge gets the label ``cut``.
    """
    pV, pL, nV, nL = [], [], [], []
    k = len(V)
    for i in range(k):
        a, va, li, tol = V[i], vals[i], L[i], tols[i]
        j = i + 1 if i + 1 < k else 0
        vb, tb = vals[j], tols[j]
        if va > tol:
            pV.append(a)
            pL.append(li)
            if vb < -tb:
                q = _meet(li, cut, a, V[j], va, vb)
                pV.append(q)
                pL.append(cut)
                nV.append(q)
                nL.append(li)
        elif va < -tol:
            nV.append(a)
            nL.append(li)
            if vb > tb:
                q = _meet(li, cut, a, V[j], va, vb)
                nV.append(q)
                nL.append(cut)
                pV.append(q)
                pL.append(li)
        else:  # the vertex lies on the cut line
            pV.append(a)
            pL.append(cut if vb < -tb else li)
            nV.append(a)
            nL.append(cut if vb > tb else li)
    return (pV, pL), (nV, nL)


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
                   plane: tuple[Any, Any] | None = None) -> PlanarSubdivision:
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
    if plane is not None:
        net = slice_network(net, *plane)
    cn = compile_network(net)
    if cn.input_dim != 2:
        raise ShapeError(f"the planar path needs a 2-input network (or plane=(origin, directions)), got input_dim {cn.input_dim}")
    if box is None:
        if whole_space_radius is not None:
            return _subdivide(cn, *normalize_box(float(whole_space_radius), 2), t0)
        # counts in nested boxes only grow; stop once three radii a factor 10 apart agree
        W0, b0 = cn.weights[0], cn.biases[0]
        nr = np.linalg.norm(W0, axis=1)
        ok = nr > 0
        R = 1e3 * max(1.0, float(np.max(np.abs(b0[ok]) / nr[ok])) if np.any(ok) else 1.0)
        counts: list[int] = []
        for _ in range(6):
            res = _subdivide(cn, *normalize_box(R, 2), t0)
            counts.append(res.count)
            if len(counts) >= 3 and counts[-1] == counts[-2] == counts[-3]:
                return res
            R *= 10.0
        warnings.warn(f"planar whole-plane counts did not stabilise over radii up to {R / 10:.3g}: {counts}; "
                      f"use enumerate_regions(net) for the whole-space traversal (no box)", RuntimeWarning, stacklevel=2)
        return res
    return _subdivide(cn, *normalize_box(box, 2), t0)


#: below this many candidate lines, plain Python floats beat numpy's per-call overhead
_NUMPY_MIN = 10
#: relative tolerance of "vertex on a line" (against the magnitude of the terms summed)
_RTOL = 1e-11


def _cut(poly: tuple, cand, out: list) -> None:
    """Cut a convex polygon by the lines in ``cand`` (rows zx, zy, c, neuron); append
    ``(piece, sides)`` to ``out``, where ``sides`` lists (neuron, on) for every line.

    Binary space partition: split by the first line that crosses the piece; the two halves
    only need to look at the lines that crossed their parent, and a line that no longer
    crosses a piece records the side the piece is on.  A vertex counts as on a line when the
    line's value there is below ``_RTOL`` times the magnitude |zx x| + |zy y| + |c| of the
    terms summed (the rounding error of evaluating it).
    """
    stack = [(poly, cand, [])]
    while stack:
        poly, cand, sides = stack.pop()
        V = poly[0]
        if len(cand) > _NUMPY_MIN:
            P = np.array(V)
            vals = P @ cand[:, :2].T + cand[:, 2]
            tol = _RTOL * (np.abs(P) @ np.abs(cand[:, :2]).T + np.abs(cand[:, 2]))
            up = (vals > tol).any(axis=0)
            crossing = up & (vals < -tol).any(axis=0)
            if not crossing.all():
                sides = sides + list(zip(cand[~crossing, 3].astype(int).tolist(), up[~crossing].tolist()))
            cand = cand[crossing]
            if len(cand) == 0:
                out.append((poly, sides))
                continue
            zx, zy, c0, j = cand[0].tolist()
            # few lines left: plain floats are faster than numpy for the tiny checks below
            rest = cand[1:] if len(cand) > _NUMPY_MIN + 1 else cand[1:].tolist()
        else:
            rest_l = []
            sides = list(sides)
            for row in cand:
                zx_, zy_, c_, j_ = row
                pos = neg = False
                ac = abs(c_)
                for x, y in V:
                    v = zx_ * x + zy_ * y + c_
                    # the tolerance is only needed for the first vertex seen on each side
                    if v > 0.0:
                        if not pos and v > _RTOL * (abs(zx_ * x) + abs(zy_ * y) + ac):
                            pos = True
                    elif v < 0.0:
                        if not neg and -v > _RTOL * (abs(zx_ * x) + abs(zy_ * y) + ac):
                            neg = True
                    if pos and neg:
                        break
                if pos and neg:
                    rest_l.append(row)
                else:
                    sides.append((int(j_), pos))
            if not rest_l:
                out.append((poly, sides))
                continue
            zx, zy, c0, j = rest_l[0]
            rest = rest_l[1:]
        j = int(j)
        ac0 = abs(c0)
        pv = [zx * x + zy * y + c0 for x, y in V]
        tv = [_RTOL * (abs(zx * x) + abs(zy * y) + ac0) for x, y in V]
        a, b = _split(V, poly[1], pv, tv, (zx, zy, c0))
        sa, sb = sides + [(j, True)], sides + [(j, False)]
        if len(rest):
            stack.append((a, rest, sa))
            stack.append((b, rest, sb))
        else:
            out.append((a, sa))
            out.append((b, sb))


def _subdivide(cn, lo: np.ndarray, hi: np.ndarray, t0: float) -> PlanarSubdivision:
    lo0, lo1, hi0, hi1 = float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])
    box_poly = ([(lo0, lo1), (hi0, lo1), (hi0, hi1), (lo0, hi1)],
                [(0.0, 1.0, -lo1), (1.0, 0.0, -hi0), (0.0, 1.0, -hi1), (1.0, 0.0, -lo0)])
    # each face: ((vertex list, edge lines), P, p, bits list); see the loop for P, p
    faces = [(box_poly, None, None, [])]
    last_relu = max(i for i, r in enumerate(cn.relu) if r)
    for ell, (W, b, relu) in enumerate(zip(cn.weights, cn.biases, cn.relu)):
        if ell > last_relu:
            break  # the output map does not cut regions
        new_faces = []
        for V, P, p, bits in faces:
            if P is None:
                Z, z = W, b
            else:
                # P, p hold the previous pre-activation map and its on-mask: h = (P x + p) * mask
                mask = bits[-1] if (p is not None and len(bits) and cn.relu[ell - 1]) else None
                if mask is not None:
                    Wm = W * mask
                    Z, z = Wm @ P, Wm @ p + b
                else:
                    Z, z = W @ P, W @ p + b
            if not relu:
                new_faces.append((V, Z, z, bits + [None]))
                continue
            Va = np.array(V[0])
            # per-vertex tolerances: vertices are line intersections, accurate relative to
            # themselves, so a tiny face near the origin of a huge box keeps its precision
            vals = Va @ Z.T + z  # (k, n)
            tolv = _RTOL * (np.abs(Va) @ np.abs(Z).T + np.abs(z))
            above, below = vals > tolv, vals < -tolv
            cutting = above.any(axis=0) & below.any(axis=0)
            if not cutting.any():
                new_faces.append((V, Z, z, bits + [above.any(axis=0)]))
                continue
            pieces: list = []
            idx = np.nonzero(cutting)[0]
            cand = np.column_stack([Z[idx], z[idx], idx.astype(np.float64)])
            _cut(V, cand if len(cand) > _NUMPY_MIN else cand.tolist(), pieces)
            # neurons that do not cross the face keep its bits; the cut records the others
            base = above.any(axis=0)
            for q, sides in pieces:
                m = base.copy()
                for j, on in sides:
                    m[j] = on
                new_faces.append((q, Z, z, bits + [m]))
        faces = new_faces
    # polygons and patterns are built lazily from the raw faces (PlanarSubdivision properties)
    return PlanarSubdivision([(V[0], bits) for V, _, _, bits in faces], (lo, hi), time.perf_counter() - t0)
