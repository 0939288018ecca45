"""Exact proof that a region enumeration is complete (every full-dimensional region is listed).

The floating-point traversal of :mod:`expressivity.regions.enumeration` claims, for every
region (activation pattern ``s``), an interior point, a list of facets (rows of its
H-representation) and a relative-interior point of each facet.  This module re-checks these
claims in exact integer arithmetic on the network's exact weights (a float weight is taken
as its exact binary value; each layer is scaled to an integer matrix, products in
python-flint ``fmpz_mat``), and from them proves that the enumeration is complete.

For one region ``P_s = {x in D : sigma_j z_j^s(x) <= 0}`` (``D`` the box or R^d, rows
``sigma_j z_j^s`` the signed pre-activations under ``s``, plus the box walls):

1. **interior point**: every non-zero row is strictly negative at the point (a neuron whose
   pre-activation is identically zero must be off);
2. **facets are genuine**: for each claimed facet row ``f``, an exact point ``q`` on its
   hyperplane (the float facet point projected exactly) at which every row is strictly
   negative, except rows with a normal parallel to row ``f`` (the same hyperplane);
3. **nothing is omitted**: every other row ``r`` is implied by the claimed facet rows
   ``K``, by an exact Farkas combination ``a_r = sum_K lambda_i a_i``, ``lambda >= 0``,
   ``c_r <= sum_K lambda_i c_i`` (rows ``a x + c <= 0``).  The multipliers are found
   from the polar hull the traversal already computed (the hull facet hit by the ray
   towards the row's polar point is the LP-optimal basis), or from a HiGHS LP dual, and
   are then solved for and re-checked in exact rational arithmetic;
4. **neighbours**: across each facet not on the box boundary, the neighbour's pattern
   is computed exactly: the neurons whose pre-activation vanishes identically on the
   facet's hyperplane (the rows vanishing at ``q``, and identically-zero neurons) get the
   sign of their exact gradient along the outward normal, layer by layer under the new
   pattern; every other bit is kept.  The neighbour must be in the enumerated set.

Check 3 runs first.  In a box it proves a bounding box ``L <= x <= U`` implied by the claimed facet
rows and the walls, and every row with max over ``[L, U]`` of ``a x + c`` strictly below 0 is then
strictly negative at every point that satisfies the claimed facet rows and the walls; checks 1-2
evaluate all the *other* rows exactly at the points (which makes those points satisfy the claimed
rows and walls), so these rows need no evaluation there.  A box wall ``x_k <= v`` at a float point
is decided by comparing two floats (exact: no rounding is involved).  Loops over a few integers run on python
ints (faster than fmpz for numbers of 60-250 bits); the exact maps of a layer are cached under the
bits of the earlier layers (neighbouring regions share them).

With the compiled facet kernel the hints are the kernel's own LP bases and multipliers
(:class:`LPHint`: the optimal basis of ``max a_r . x`` over the facets found, for each omitted row,
and of ``max +-x_t`` for the bounding box in d <= 5).  When a region's float facet list is refuted
(a claimed facet is not one, or an omitted row has no certificate), the traversal re-derives that
region's facets with one LP per row and certifies it again; neighbours found that way that were
not yet listed are traversed, so a region the float traversal missed is added and the repair is
reported (:attr:`CompletenessCertificate.repaired_regions`, ``regions_added_by_repair``).  A failed
interior-point check is never repaired.

If 1-4 hold for every region, the union of the regions is all of ``D`` and the set is
complete (proof in ``docs/regions.md``): a point of ``D`` outside the union would be
reached by a generic segment from an interior point, and the segment would leave the
union through the relative interior of some facet, on whose far side the certified
neighbour lies.  A breadth-first search over the certified adjacency graph must also
reach every region from the first one (a consequence of the proof, checked as well).

Examples
--------
>>> from expressivity.relu import ReLUNetwork
>>> from expressivity.regions import enumerate_regions
>>> net = ReLUNetwork.from_matrices([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
...                                 [[0.0, 0.0, -0.5], [0.0]])
>>> res = enumerate_regions(net, 1.0)
>>> cert = certify_completeness(net, res)
>>> cert.proved, cert.regions, res.count
(True, 7, 7)
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from operator import mul

import numpy as np

from ..exceptions import CertificateError

__all__ = ["CompletenessCertificate", "ExactRegionCertifier", "HullHint", "LPHint", "certify_completeness"]


@dataclass(frozen=True)
class CompletenessCertificate:
    """The outcome of an exact completeness check.

    Attributes
    ----------
    proved : bool
        True when every check below passed: the enumeration is complete and its count exact.
    regions : int
        Number of regions checked.
    facets : int
        Facets certified genuine (an exact relative-interior point each).
    redundant_rows : int
        Omitted rows certified redundant by an exact Farkas combination.
    lp_fallbacks : int
        Farkas multipliers that needed a HiGHS LP dual as a hint (then re-checked exactly).
    adjacencies : int
        Certified region adjacencies (facets between two listed regions).
    connected : bool
        A breadth-first search over the certified adjacencies reaches every region.

    seconds : float
    reason : str or None
        Why the proof failed (None when proved).
    repaired_regions : int
        Regions whose floating-point facet list was refuted by the exact check and re-derived with
        one LP per row (then certified exactly) during ``certify="complete"``.
    regions_added_by_repair : int
        Regions reached only through such a re-derived facet: the floating-point traversal had
        missed them, and the reported count includes them.
    method : str
        ``"exact"``: integer/rational arithmetic on the exact weights.
    """

    proved: bool
    regions: int
    facets: int = 0
    redundant_rows: int = 0
    lp_fallbacks: int = 0
    adjacencies: int = 0
    connected: bool = False
    seconds: float = 0.0
    reason: str | None = None
    method: str = "exact"
    repaired_regions: int = 0
    regions_added_by_repair: int = 0

    @property
    def repair_note(self) -> str | None:
        """What the repair did, in words (None when no region needed it)."""
        if not self.repaired_regions:
            return None
        return (f"{self.repaired_regions} region(s) had floating-point facets refuted by the exact check and were "
                f"re-derived with one LP per row; {self.regions_added_by_repair} region(s) missed by the "
                f"floating-point traversal were found from them and added (the count includes them)")

    def to_json(self) -> dict:
        return {"complete": "proved" if self.proved else "not proved", "method": self.method,
                "regions": self.regions, "facets_certified": self.facets,
                "redundant_rows_certified": self.redundant_rows, "lp_fallbacks": self.lp_fallbacks,
                "adjacencies": self.adjacencies, "connected": self.connected,
                "seconds": self.seconds, "reason": self.reason,
                "repaired_regions": self.repaired_regions,
                "regions_added_by_repair": self.regions_added_by_repair, "repair": self.repair_note}


class _Fail(Exception):
    """A check of the certificate failed (message says which)."""


class _FacetFail(_Fail):
    """A claimed facet list was refuted (a claimed facet is not one, or an omitted row is not
    redundant): the region's facets can be re-derived another way."""


class _Missing(_FacetFail):
    """Rows that no Farkas combination of the claimed facets implies (maybe facets the hint missed)."""

    def __init__(self, rows, message):
        super().__init__(message)
        self.rows = rows


@dataclass
class RegionProof:
    """Exact facts proved about one region: neighbour keys across its non-boundary facets."""

    key: bytes
    neighbours: list = field(default_factory=list)
    facets: int = 0
    redundant: int = 0
    lp_fallbacks: int = 0


def _key(s: np.ndarray) -> bytes:
    return np.packbits(s).tobytes() + bytes([len(s) % 8])


_EYES: dict = {}
#: claimed facets are proved by push-out points from this dimension on (numpy overhead pays off there)
_PUSHOUT_MIN_DIM = 5


def _signed_eye(d: int) -> np.ndarray:
    """The 2d x d matrix [I; -I] (cached)."""
    e = _EYES.get(d)
    if e is None:
        e = _EYES[d] = np.vstack([np.eye(d), -np.eye(d)])
    return e


def _parallel(row, af, d: int) -> bool:
    """Exactly parallel normals (the first d entries)."""
    piv = max(range(d), key=lambda t: abs(af[t]))
    return all(row[t] * af[piv] == af[t] * row[piv] for t in range(d))


def _homogeneous_z(point) -> tuple[list, object]:
    """A float point as fmpz integers (X, D), point = X / D exactly (D a power of two); built from
    53-bit mantissas and shifts, which python-flint converts fast."""
    from flint import fmpz

    fr = [math.frexp(v) for v in point]  # v = f 2^e, 0.5 <= |f| < 1 (or 0)
    mants = [int(math.ldexp(f, 53)) for f, _ in fr]  # |m| < 2^53, v = m 2^(e - 53)
    base = min([e - 53 for (_, e), mv in zip(fr, mants) if mv] + [0])
    X = [fmpz(mv) << (e - 53 - base) if mv else fmpz(0) for (_, e), mv in zip(fr, mants)]
    return X, fmpz(1) << (-base)


def _homogeneous_many(P: np.ndarray) -> list[tuple[list, int]]:
    """:func:`_homogeneous_z` of every row of ``P`` (python ints, one numpy pass): point = X / D exactly."""
    f, e = np.frexp(P)
    mant = np.ldexp(f, 53).astype(np.int64)  # |m| < 2^53, v = m 2^(e - 53) exactly
    ex = e.astype(np.int64) - 53
    nz = mant != 0
    base = np.minimum(np.where(nz, ex, 0).min(axis=1), 0)
    shift = np.where(nz, ex - base[:, None], 0)
    if shift.max(initial=0) <= 9:  # |mantissa| < 2^53: the shifted values fit in int64, shift in numpy
        return list(zip(np.left_shift(mant, shift).tolist(), [1 << (-b) for b in base.tolist()]))
    out = []
    for mr, sr, b in zip(mant.tolist(), shift.tolist(), base.tolist()):
        out.append(([mv << sv for mv, sv in zip(mr, sr)], 1 << (-b)))
    return out


@dataclass
class HullHint:
    """Floating-point data of one region from the traversal, used only to *find* certificates.

    ``A`` unit rows (traversal order), ``slack`` = c - A x at the interior point, ``to_exact`` the
    exact row number of each float row, ``equations`` / ``simplices`` the polar hull (or None).
    """

    A: np.ndarray
    slack: np.ndarray
    to_exact: np.ndarray
    equations: np.ndarray | None
    simplices: np.ndarray | None
    x: np.ndarray | None = None

    def plan(self, omitted: Sequence[int], lo: np.ndarray, hi: np.ndarray, slack_bb: float):
        """Float plan of the Farkas certificates of a bounded region (None if unbounded).

        Returns ``(bounds, bb_bases, bb_lam, by_box, direct, d_bases, d_lam, d_units, rest)``: the float
        bounding box (2d values of max +-x_t, loosened by ``slack_bb`` and clipped to the box) with the
        bases and multipliers proving it; the omitted rows inside it (``by_box``); rows to certify directly
        with the basis of the polar facet their ray hits; rows without a float counterpart (``rest``).
        """
        A, eq = self.A, self.equations
        if eq is None or self.x is None:
            return None
        m, d = A.shape
        off = eq[:, d]
        if off.max() >= -1e-12:
            return None
        verts = self.x - eq[:, :d] / off[:, None]
        best = np.concatenate([verts.argmax(axis=0), verts.argmin(axis=0)])
        S = self.simplices[best]
        if S.max() >= m:
            return None
        U = np.minimum(verts.max(axis=0) + slack_bb, hi)
        L = np.maximum(verts.min(axis=0) - slack_bb, lo)
        targets = _signed_eye(d)
        try:
            bb_lam = np.linalg.solve(A[S].transpose(0, 2, 1), targets[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            return None
        inv = self.inverse
        rest = []
        pairs = []
        for r in omitted:
            j = inv.get(r)
            if j is None:
                rest.append(r)
            else:
                pairs.append((r, j))
        om = np.array([r for r, _ in pairs], dtype=np.int64)
        fl = np.array([j for _, j in pairs], dtype=np.int64)
        Ar = A[fl]
        c = self.slack[fl] + Ar @ self.x
        top = np.maximum(Ar * U, Ar * L).sum(axis=1)
        inside = top - c < -1e-9 * (1.0 + np.abs(c))
        by_box = om[inside].tolist()
        out = ~inside
        om_d, fl_d = om[out], fl[out]
        d_bases = d_lam = d_units = None
        if len(om_d):
            Ad = A[fl_d]
            score = ((Ad / self.slack[fl_d, None]) @ eq[:, :d].T) / (-off)
            Sd = self.simplices[score.argmax(axis=1)]
            d_lam = np.full((len(om_d), d), np.nan)
            ok = Sd.max(axis=1) < m
            if ok.all():
                try:
                    d_lam = np.linalg.solve(A[Sd].transpose(0, 2, 1), Ad[:, :, None])[:, :, 0]
                except np.linalg.LinAlgError:
                    pass  # a singular basis: these rows go to the exact path
            d_bases = np.where(Sd < m, self.to_exact[np.minimum(Sd, m - 1)], -1)
            d_units = Ad
        return (np.concatenate([U, -L]), self.to_exact[S], bb_lam, by_box, om_d.tolist(), d_bases, d_lam,
                d_units, rest)

    @property
    def from_exact(self) -> np.ndarray:
        """Exact row number -> float row number (-1 when the exact row has no float counterpart)."""
        fe = self.__dict__.get("_from_exact")
        if fe is None:
            te = self.to_exact
            fe = np.full(int(te.max(initial=-1)) + 1, -1, dtype=np.int64)
            fe[te] = np.arange(len(te))
            self.__dict__["_from_exact"] = fe
        return fe

    @property
    def inverse(self) -> dict:
        """Exact row number -> float row number."""
        inv = self.__dict__.get("_inverse")
        if inv is None:
            inv = self.__dict__["_inverse"] = {e: j for j, e in enumerate(self.to_exact.tolist())}
        return inv

    def candidates(self, omitted: Sequence[int], k_best: int = 3):
        """For omitted exact rows: (rows, float rows, candidate bases (k, k_best, d) of exact rows or -1,
        float multipliers of the first candidate (k, d))."""
        from_exact = {int(e): i for i, e in enumerate(self.to_exact)}
        pairs = [(r, from_exact[r]) for r in omitted if r in from_exact]
        if self.equations is None or not pairs:
            return [], None, None, None
        A, eq = self.A, self.equations
        m, d = A.shape
        good = eq[:, d] < -1e-12
        if not np.any(good):
            return [], None, None, None
        simp = self.simplices[good]
        ex = [r for r, _ in pairs]
        fl = np.array([i for _, i in pairs])
        # the polar point of an omitted row lies in the polar hull; the hull facet hit first by the
        # ray from the origin towards it is the optimal basis of max a_r x over the facet rows
        score = ((A[fl] / self.slack[fl, None]) @ eq[good, :d].T) / (-eq[good, d])[None, :]
        k = min(k_best, score.shape[1])
        best = np.argsort(-score, axis=1)[:, :k]
        S = simp[best]  # (rows, k, d) float row numbers; m is the origin (not a row)
        bases = np.where(S < m, self.to_exact[np.minimum(S, m - 1)], -1)
        B0 = A[np.minimum(S[:, 0, :], m - 1)]  # (rows, d, d): basis normals as rows
        det = np.abs(np.linalg.det(B0))
        ok = det > 1e-12
        lam = np.full((len(ex), d), np.nan)
        if np.any(ok):
            lam[ok] = np.linalg.solve(np.transpose(B0[ok], (0, 2, 1)), A[fl[ok]][:, :, None])[:, :, 0]
        return ex, fl, bases, lam


@dataclass
class LPHint(HullHint):
    """Floating-point data of one region from the compiled facet kernel: for each float row its LP
    basis (float row numbers, ``-1`` padded) and multipliers (``a_j = sum lam_i a_{basis_i}``) when
    the kernel found it redundant, and the region's bounding box ``x_t + bb_val[t]``,
    ``x_t - bb_val[d + t]`` with the LP bases proving it (box only).  Used only to *find* certificates."""

    row_basis: np.ndarray | None = None
    row_lam: np.ndarray | None = None
    bb_basis: np.ndarray | None = None
    bb_lam: np.ndarray | None = None
    bb_val: np.ndarray | None = None

    def plan(self, omitted, lo, hi, slack_bb):
        return None

    def exact_basis(self, float_basis) -> list:
        """Exact row numbers of a -1 padded float basis."""
        return [int(self.to_exact[b]) for b in float_basis if b >= 0]

    def candidates(self, omitted: Sequence[int], k_best: int = 1):
        pairs = [(r, self.inverse[r]) for r in omitted if r in self.inverse]
        if not pairs or self.row_basis is None:
            return [], None, None, None
        ex = [r for r, _ in pairs]
        fl = np.array([j for _, j in pairs], dtype=np.int64)
        fb = self.row_basis[fl]
        bases = np.where(fb >= 0, self.to_exact[np.maximum(fb, 0)], -1)[:, None, :]
        return ex, fl, bases, self.row_lam[fl]


def _bounding_box_targets(bounds: list, walls: list, d: int) -> tuple[list[int], int, list[list[int]]]:
    """The float bounding box ``x_t <= U_t`` / ``-x_t <= -L_t`` (``bounds``: U then -L) as integer rows
    ``(a, b)`` meaning ``a.x + b <= 0``, scaled by the common denominator ``DU``; a bound that is already
    the box's own wall (``walls``) needs no proof and is left out.  Returns ``(need, DU, rows)``."""
    need = [t for t in range(2 * d) if bounds[t] < walls[t]]
    pairs = [bounds[t].as_integer_ratio() for t in need]
    DU = max((q for _, q in pairs), default=1)
    rows = []
    for t, (n, q) in zip(need, pairs):
        row = [0] * (d + 1)
        row[t % d], row[d] = (DU if t < d else -DU), -n * (DU // q)
        rows.append(row)
    return need, DU, rows


class ExactRegionCertifier:
    """Exact integer data of a network and a domain, and the per-region checks.

    Parameters
    ----------
    net : ReLUNetwork
    lo, hi : numpy arrays
        The box (infinite bounds for the whole space).

    Examples
    --------
    >>> from expressivity.relu import ReLUNetwork
    >>> import numpy as np
    >>> net = ReLUNetwork.from_matrices([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> c = ExactRegionCertifier(net, np.array([-1.0]), np.array([1.0]))
    >>> c.num_neurons, c.num_box_rows
    (2, 2)
    """

    def __init__(self, net, lo: np.ndarray, hi: np.ndarray):
        from flint import fmpz, fmpz_mat

        ex = net.to_exact()
        self.seconds = 0.0  # time spent in :meth:`certify` by a traversal (bookkeeping only)
        self.d = d = net.input_dim
        self.layers = []  # (H fmpz_mat k x (n+1) = [W | b] * den, the layer's common denominator den, relu)
        for layer in ex.layers:
            W = [[Fraction(v) for v in row] for row in layer.weight]
            b = [Fraction(v) for v in layer.bias]
            den = math.lcm(*[v.denominator for row in W for v in row], *[v.denominator for v in b])
            H = fmpz_mat([[int(v * den) for v in row] + [int(bv * den)] for row, bv in zip(W, b)])
            self.layers.append((H, den, layer.activation == "relu", len(b)))
        last = max(i for i, L in enumerate(self.layers) if L[2])
        self.layers = self.layers[:last + 1]  # layers after the last ReLU do not cut regions
        self.widths = [k for _, _, r, k in self.layers if r]
        self.num_neurons = sum(self.widths)
        self._first_entries = self.layers[0][0].entries()
        self._maps_cache: dict = {}  # (layer, bits of the earlier layers) -> the layer's exact map
        # box walls in the traversal's order: upper walls of finite coordinates, then lower walls
        box = []
        for k in range(d):
            if np.isfinite(hi[k]):
                p = Fraction(float(hi[k]))
                row = [0] * (d + 1)
                row[k], row[d] = p.denominator, -p.numerator
                box.append(row)
        for k in range(d):
            if np.isfinite(lo[k]):
                p = Fraction(float(lo[k]))
                row = [0] * (d + 1)
                row[k], row[d] = -p.denominator, p.numerator
                box.append(row)
        self.box_rows = box
        # the walls as x_k <= v (sign +1) or -x_k <= -v (sign -1): at a float point the sign of a wall's
        # exact value is the sign of sgn * (x_k - v) computed in floating point (a difference of two floats
        # is rounded monotonically, so its sign is exact)
        self._wall_k = np.array([k for k in range(d) if np.isfinite(hi[k])] + [k for k in range(d) if np.isfinite(lo[k])],
                                dtype=np.int64)
        self._wall_sgn = np.array([1.0] * int(np.isfinite(hi).sum()) + [-1.0] * int(np.isfinite(lo).sum()))
        self._wall_val = np.array([float(v) for v in hi if np.isfinite(v)] + [float(v) for v in lo if np.isfinite(v)])
        self.num_box_rows = len(box)
        self._box_mat = fmpz_mat(box) if box else None
        self.bounded = len(box) == 2 * d
        if self.bounded:
            fl = [Fraction(float(v)) for v in lo] + [Fraction(float(v)) for v in hi]
            self._Db = math.lcm(*[f.denominator for f in fl])
            self._lo_f, self._hi_f = [float(v) for v in lo], [float(v) for v in hi]
            self._lo_arr, self._hi_arr = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
            # room for the rounding of float multipliers: bounds are loosened by this much
            self._walls = self._hi_f + [-v for v in self._lo_f]
            self._slack_bb = 1e-7 * max(1.0, float(np.max(self._hi_arr - self._lo_arr)))
            self._loN = [fmpz(int(f * self._Db)) for f in fl[:d]]
            self._hiN = [fmpz(int(f * self._Db)) for f in fl[d:]]
            self._Db = fmpz(self._Db)
            # python ints of the same: the Farkas checks run on python-int rows (faster than fmpz in loops)
            self._Db_i, self._loN_i, self._hiN_i = int(self._Db), [int(v) for v in self._loN], [int(v) for v in self._hiN]

    # ------------------------------------------------------------------ exact maps of a pattern
    def layer_maps(self, s: np.ndarray) -> tuple[list, list[list]]:
        """Per ReLU layer, an integer matrix Z (fmpz_mat, k x (d+1)) with pre-activations
        = Z [x; 1] / (a positive scale), and its entries (row-major)."""
        got = self._layer_data(s)
        return [g[0] for g in got], [g[1] for g in got]

    def _layer_data(self, s: np.ndarray) -> list[list]:
        """Per ReLU layer ``[Z, entries, rows, negated rows or None]``; a layer's map depends only on
        the bits of the earlier layers, so it is cached under them (neighbouring regions share them)."""
        from flint import fmpz_mat

        d = self.d
        w = d + 1
        out = []
        S = 1
        off = 0
        sl = s.tolist()
        sb = np.asarray(s, dtype=bool).tobytes()
        cache = self._maps_cache
        prev = None
        for L, (H, scale, relu, k) in enumerate(self.layers):
            key = (L, sb[:off])
            got = cache.get(key)
            if got is None:
                if L == 0:
                    ent = self._first_entries
                    Z = H
                else:
                    pent, pmask, pk = prev
                    if pmask is None:
                        body = list(pent)
                    else:
                        body = []
                        zeros = [0] * w
                        for i in range(pk):
                            body.extend(pent[i * w:(i + 1) * w] if pmask[i] else zeros)
                    Z = H * fmpz_mat(pk + 1, w, body + [0] * d + [S])
                    ent = Z.entries()
                pos = [ent[i * w:(i + 1) * w] for i in range(k)]
                got = [Z, ent, pos, None, [i for i, r in enumerate(pos) if not any(r)], None, None]
                if len(cache) >= 20000:
                    cache.clear()
                cache[key] = got
            S = S * scale
            if relu:
                out.append(got)
                prev = (got[1], sl[off:off + k], k)
                off += k
            else:
                prev = (got[1], None, k)
        return out

    def signed_rows(self, s: np.ndarray) -> tuple[list, list]:
        """The region's neuron rows (a, c) meaning a x + c <= 0 (an active neuron's row negated), and
        the :meth:`layer_maps` matrices."""
        return self._signed_rows(s)[:2]

    def _signed_rows(self, s: np.ndarray) -> tuple[list, list, set, list]:
        """:meth:`signed_rows`, the set of identically-zero neuron rows, and the rows as python ints."""
        rows, rows_i = [], []
        mats = []
        zero = set()
        off = 0
        on = s.tolist()
        for got in self._layer_data(s):
            mats.append(got[0])
            pos = got[2]
            if got[3] is None:
                got[3] = [[-v for v in r] for r in pos]
                got[5] = [[int(v) for v in r] for r in pos]
                got[6] = [[-v for v in r] for r in got[5]]
            neg, pos_i, neg_i = got[3], got[5], got[6]
            k = len(pos)
            bits = on[off:off + k]
            rows.extend([neg[i] if o else pos[i] for i, o in enumerate(bits)])
            rows_i.extend([neg_i[i] if o else pos_i[i] for i, o in enumerate(bits)])
            zero.update(off + i for i in got[4])
            off += k
        return rows, mats, zero, rows_i

    def layer_entries(self, s: np.ndarray) -> list[list]:
        """Entries of :meth:`layer_maps` only."""
        return self.layer_maps(s)[1]

    # ------------------------------------------------------------------ one region
    def certify(self, s: np.ndarray, x: np.ndarray, facet_rows: Sequence[int], facet_points: Sequence[np.ndarray],
                hint: HullHint | None = None) -> RegionProof:
        """Exact checks 1-4 (module docs) for pattern ``s``; rows are numbered neurons first, then box walls.

        ``facet_rows`` are the claimed facet rows, ``facet_points`` float points near each facet's
        relative interior; ``hint`` helps to find Farkas multipliers (optional).
        Raises ``_Fail`` with a reason when a check fails.
        """
        from flint import fmpz_mat

        d, N = self.d, self.num_neurons
        w = d + 1
        rows, _, zero_set, rows_i = self._signed_rows(s)
        on = s.tolist()
        rows.extend(self.box_rows)
        rows_i.extend(self.box_rows)
        m = len(rows)
        key = _key(s)
        proof = RegionProof(key)
        # 3. first: every other row is redundant (box walls are always kept: they never need a neighbour).
        # Rows proved *strictly* negative on the box [L, U] that the kept rows and the walls imply are
        # strictly negative at every point satisfying the kept rows and walls, so at the points below
        # once those pass: they are not evaluated there.
        kept = set(facet_rows) | set(range(N, m))
        omitted = [i for i in range(N) if i not in kept and i not in zero_set]
        strict = self._farkas(rows_i, sorted(kept), omitted, hint, proof)
        ev = [i for i in range(m) if i not in strict]
        pos = {i: p for p, i in enumerate(ev)}
        # 2 (fast path, with a float hint): a point y just beyond each claimed facet f, strictly inside every other
        # evaluated row; with the interior point x strictly inside all rows, the segment [x, y] crosses the
        # hyperplane of f at a point z strictly inside every row not on that hyperplane (strict rows are < 0
        # on the proved bounding box, which z is in): z is in the relative interior of a facet on f
        done: dict[int, list[int]] = {}
        if hint is not None and facet_rows and hint.x is not None and d >= _PUSHOUT_MIN_DIM:
            done = self._facets_by_pushout(rows, ev, zero_set, on, facet_rows, facet_points, hint, x)
        rest = [k for k in range(len(facet_rows)) if k not in done] if done else range(len(facet_rows))
        V, F, cols = [], 1, []
        if rest or not done:  # (the push-out pass already checked the interior point)
            R = fmpz_mat(len(ev), w, [v for i in ev for v in rows[i]])
            # points: the interior point, then one exact point on each remaining claimed facet's hyperplane
            pts = [x] + [facet_points[k] for k in rest]
            if len(pts) * d > 12:  # one numpy pass pays off for many coordinates
                homs = _homogeneous_many(np.vstack([np.asarray(p_, dtype=float)[None, :] for p_ in pts]))
            else:
                homs = [_homogeneous_z(p_) for p_ in pts]
            X, D = homs[0]
            cols = [X + [D]]
            for k, (P, Dp) in zip(rest, homs[1:]):
                a, c = rows[facet_rows[k]][:d], rows[facet_rows[k]][d]
                n2 = sum(v * v for v in a)
                if n2 == 0:
                    raise _FacetFail(f"claimed facet row {facet_rows[k]} has a zero normal")
                t = sum(ai * pi for ai, pi in zip(a, P)) + c * Dp
                cols.append([pi * n2 - t * ai for pi, ai in zip(P, a)] + [Dp * n2])
            F = len(cols)
            Q = fmpz_mat(w, F, [cols[k][i] for i in range(w) for k in range(F)])
            V = (R * Q).entries()  # V[p F + k]: signed row ev[p] at point k (< 0: strictly inside)
            # 1. interior point: every row strictly negative (identically-zero neurons must be off); the
            # builtin max decides the common all-negative case in one C loop
            if max(V[0::F]) >= 0:
                for i in _touched(V, 0, F, ev):
                    if not (i in zero_set and not on[i]):
                        raise _Fail(f"the interior point is not strictly inside row {i}")
        # 2. facets, 4. neighbours
        col_of = {k: c for c, k in enumerate(rest, start=1)} if done else None
        for k, f in enumerate(facet_rows):
            af = rows[f][:d]
            if done and k in done:
                vanish, colq = done[k], None
            else:
                c = col_of[k] if done else k + 1
                col = V[c::F]
                colq = cols[c]
                pf = pos.get(f, -1)
                if (pf >= 0 and f not in zero_set and col[pf] == 0 and max(col[:pf], default=-1) < 0
                        and max(col[pf + 1:], default=-1) < 0):
                    vanish = [f]  # the common case: row f vanishes at the point, every other row is < 0
                else:
                    vanish = [i for i in _touched(V, c, F, ev) if i not in zero_set]
                if hint is not None and any((col[pos[i]] != 0) or (i != f and not _parallel(rows[i], af, d))
                                            for i in vanish):
                    # the float facet point was poor (e.g. pushed along a ray of an unbounded facet): a deepest
                    # point of the facet by an LP is the second hint, checked exactly like the first
                    better = self._lp_facet_point(rows, f, hint, R)
                    if better is not None:
                        colq, col = better
                        vanish = [i for i, v in zip(ev, col) if not v < 0 and i not in zero_set]
                if f not in vanish:
                    raise _FacetFail(f"facet point of row {f} is not on its hyperplane")
                if len(vanish) > 1:
                    piv = max(range(d), key=lambda t: abs(af[t]))
                    for i in vanish:
                        if col[pos[i]] != 0:
                            raise _FacetFail(f"facet point of row {f} violates row {i}")
                        ai = rows[i][:d]
                        if i != f and any(ai[t] * af[piv] != af[t] * ai[piv] for t in range(d)):
                            raise _FacetFail(f"row {i} passes through the facet point of row {f} without containing "
                                             "the facet")
                elif col[pos[f]] != 0:
                    raise _FacetFail(f"facet point of row {f} violates it")
            proof.facets += 1
            if vanish[-1] >= N:
                continue  # the facet lies in a box wall: no neighbour inside the domain
            if len(vanish) == 1 and not zero_set:
                kb = bytearray(key)  # one neuron vanishes on the facet: crossing flips exactly it
                kb[f >> 3] ^= 0x80 >> (f & 7)
                proof.neighbours.append(bytes(kb))
            else:
                if colq is None:  # an exact point of the facet's hyperplane for the layer-by-layer check
                    P, Dp = _homogeneous_z(np.asarray(facet_points[k], dtype=float))
                    colq = self._projected(rows[f], P, Dp)
                nb = self._neighbour(s, self.layer_entries(s), sorted(set(vanish) | zero_set), af, colq)
                proof.neighbours.append(_key(nb))
        return proof

    def _projected(self, row, P, Dp) -> list:
        """Homogeneous exact point p - (a.p + c)/(a.a) a (p = P / Dp) on the hyperplane of ``row``, scaled by
        Dp a.a (> 0)."""
        d = self.d
        a, c = row[:d], row[d]
        n2 = sum(v * v for v in a)
        if n2 == 0:
            raise _FacetFail("a claimed facet row has a zero normal")
        t = sum(ai * pi for ai, pi in zip(a, P)) + c * Dp
        return [pi * n2 - t * ai for pi, ai in zip(P, a)] + [Dp * n2]

    def _facets_by_pushout(self, rows, ev, zero_set, on, facet_rows, facet_points, hint: HullHint, x) -> dict:
        """Claimed facets proved by push-out points (see :meth:`certify`): {index in facet_rows: rows vanishing
        on the facet}.  The interior point is checked here too (all its evaluated rows < 0).  Facets whose
        float push-out point fails any check are left to the general path.

        Neuron rows are evaluated exactly at the points (one fmpz_mat product); a box wall ``x_k <= v`` is
        decided by the float comparison of the point's coordinate with ``v`` (both floats: exact)."""
        from flint import fmpz_mat

        d, N = self.d, self.num_neurons
        inv = hint.inverse
        jf = [inv.get(f, -1) for f in facet_rows]
        A = hint.A
        cfl = hint.slack + A @ hint.x  # float rows a . x <= c
        P = np.asarray(facet_points, dtype=float).reshape(len(facet_rows), d)
        ok = np.array([j >= 0 for j in jf])
        jfa = np.array([max(j, 0) for j in jf])
        Af = A[jfa]
        vals = P @ A.T - cfl  # (facets, rows), < 0 inside
        gram = Af @ A.T
        with np.errstate(divide="ignore", invalid="ignore"):
            lim = np.where(gram > 1e-12, -vals / gram, np.inf)  # push length at which row i is reached
        lim[gram > 1.0 - 1e-9] = np.inf  # the facet's own row and its parallel copies
        delta = 0.5 * lim.min(axis=1)
        own = vals[np.arange(len(jf)), jfa]
        ok &= np.isfinite(delta) | (delta == np.inf)
        delta = np.where(np.isfinite(delta), delta, 1.0)
        ok &= (delta > 4.0 * np.abs(own) + 1e-12) & (lim.min(axis=1) > 0)
        Y = P + delta[:, None] * Af
        ks = np.flatnonzero(ok).tolist()
        if not ks:
            return {}
        pts = np.vstack([np.asarray(x, dtype=float)[None, :], Y[ks]])
        # neuron rows: V[c ne + p] = signed row evn[p] at point c, exactly
        evn = [i for i in ev if i < N]
        evw = [i for i in ev if i >= N]
        ne = len(evn)
        flat: list = []
        for X, D in _homogeneous_many(pts):
            flat.extend(X)
            flat.append(D)
        F = len(pts)
        if ne:
            Rt = fmpz_mat(ne, d + 1, [v for i in evn for v in rows[i]]).transpose()
            V = (fmpz_mat(F, d + 1, flat) * Rt).entries()
        else:
            V = []
        # box walls: the sign of each wall's exact value at each point (float comparisons, exact)
        wi = np.array(evw, dtype=np.int64) - N
        Wv = self._wall_sgn[wi] * (pts[:, self._wall_k[wi]] - self._wall_val[wi]) if len(wi) else np.zeros((F, 0))
        w_all_neg = (Wv < 0).all(axis=1)
        posn = {i: p for p, i in enumerate(evn)}
        posw = {i: p for p, i in enumerate(evw)}
        # per point, how many neuron rows are not strictly negative there (exact comparisons)
        nonneg = np.array([v >= 0 for v in V], dtype=bool).reshape(F, ne).sum(axis=1)

        def touched(c):  # (row, value or its sign) of the rows not strictly negative at point c
            col = V[c * ne:(c + 1) * ne]
            got = [(evn[p], v) for p, v in enumerate(col) if v >= 0]
            return got + [(evw[p], v) for p, v in enumerate(Wv[c].tolist()) if v >= 0]

        if nonneg[0] or not w_all_neg[0]:
            for i, _ in touched(0):
                if not (i in zero_set and not on[i]):
                    raise _Fail(f"the interior point is not strictly inside row {i}")
        out = {}
        # the common case, all points at once: row f > 0 at y and every other row < 0
        fs = [facet_rows[k] for k in ks]
        pf = [posn.get(f, -1) for f in fs]
        own = np.array([p >= 0 and V[c * ne + p] > 0 for c, p in enumerate(pf, start=1)], dtype=bool)
        common = (own & (nonneg[1:] == 1) & w_all_neg[1:]).tolist() if not zero_set else [False] * len(ks)
        for c, k in enumerate(ks, start=1):
            f = facet_rows[k]
            if common[c - 1]:
                out[k] = [f]
                continue
            if not zero_set and f in posw and not nonneg[c]:
                wr = Wv[c]
                pw = posw[f]
                if wr[pw] > 0 and (np.delete(wr, pw) < 0).all():
                    out[k] = [f]
                    continue
            tc = touched(c)
            af, cf = rows[f][:d], rows[f][d]
            piv = max(range(d), key=lambda t: abs(af[t]))
            vanish, good = [], False
            for i, v in tc:
                if i in zero_set:
                    continue
                if i == f:
                    good = v > 0
                    vanish.append(i)
                    continue
                ai = rows[i][:d]  # must be the same hyperplane as f (a positive multiple of row f)
                if (ai[piv] * af[piv] > 0 and all(ai[t] * af[piv] == af[t] * ai[piv] for t in range(d))
                        and rows[i][d] * af[piv] == cf * ai[piv]):
                    vanish.append(i)
                else:
                    good = False
                    break
            if good:
                out[k] = sorted(vanish)
        return out

    def _lp_float_facet_point(self, f, hint: HullHint):
        """A deepest float point of row f's facet (HiGHS LP over the float rows), or None."""
        from . import _lp

        j = hint.inverse.get(f)
        if j is None or hint.x is None:
            return None
        A = hint.A
        c = hint.slack + A @ hint.x
        same = (np.abs(A - A[j]).max(axis=1) < 1e-9) & (np.abs(c - c[j]) < 1e-9 * (1 + abs(c[j])))
        p, depth = _lp.facet_point(A, c, j, np.nonzero(~same)[0], 1e3)
        return p if (p is not None and depth > 0) else None

    def _lp_facet_point(self, rows, f, hint: HullHint, R):
        """An exact point on row f's hyperplane from a deepest float point of the facet (HiGHS LP), with the
        values there of the evaluated rows ``R`` (fmpz_mat); None when the LP finds no facet."""
        from flint import fmpz_mat

        d = self.d
        p = self._lp_float_facet_point(f, hint)
        if p is None:
            return None
        a, cf = rows[f][:d], rows[f][d]
        P, Dp = _homogeneous_z(p)
        n2 = sum(v * v for v in a)
        t = sum(ai * pi for ai, pi in zip(a, P)) + cf * Dp
        colq = [pi * n2 - t * ai for pi, ai in zip(P, a)] + [Dp * n2]
        return colq, (R * fmpz_mat(d + 1, 1, colq)).entries()

    def _neighbour(self, s, layer_ent, group, normal, q) -> np.ndarray:
        """Pattern across a facet: group neurons get the sign of their exact gradient along ``normal``."""
        d = self.d
        w = d + 1
        new = s.copy()
        bounds = np.cumsum([0] + self.widths)
        changed = False
        for L, ent in enumerate(layer_ent):
            members = [g for g in group if bounds[L] <= g < bounds[L + 1]]
            if not members:
                continue
            if changed:
                ent = self.layer_entries(new)[L]
            for g in members:
                r = ent[(g - bounds[L]) * w:(g - bounds[L] + 1) * w]
                if sum(r[t] * q[t] for t in range(w)) != 0:
                    raise _Fail(f"neuron {g} does not vanish on the facet after crossing it")
                bit = sum(r[t] * normal[t] for t in range(d)) > 0
                if bit != bool(new[g]):
                    changed = True
                new[g] = bit
        return new

    # ------------------------------------------------------------------ Farkas certificates
    def _farkas(self, rows, K, omitted, hint, proof: RegionProof) -> set:
        """Certify every omitted row redundant (raises ``_Fail`` otherwise).  Returns the omitted rows
        proved *strictly* negative wherever the rows ``K`` and the box walls hold (constant negative
        rows, and rows with max over the proved bounding box < 0)."""
        d = self.d
        Kset = set(K)
        strict = set()
        pending = []
        for r in omitted:
            row = rows[r]
            if any(row[:d]) or row[d] > 0:
                pending.append(r)
            elif row[d] < 0:
                strict.add(r)  # a negative constant: lambda = 0
        if pending and self.bounded and isinstance(hint, LPHint):
            got = self._farkas_box_lp(rows, Kset, pending, hint)
            if got is not None:
                pending, inside = got
                strict.update(inside)
        elif pending and self.bounded and hint is not None:
            got = self._farkas_box(rows, Kset, pending, hint)
            if got is None:  # the lean path does not apply (singular float basis...): the general plan
                plan = hint.plan(pending, self._lo_arr, self._hi_arr, self._slack_bb)
                if plan is not None:
                    pending = self._farkas_planned(rows, Kset, plan, hint)
            else:
                pending, inside = got
                strict.update(inside)
        if pending:
            self._farkas_exact(rows, K, Kset, pending, hint, proof)
        proof.redundant += len(omitted)
        return strict

    def _farkas_box(self, rows, Kset, pending, hint: HullHint):
        """Bounded domain, the common case in few numpy calls: the same certificates as
        :meth:`_farkas_planned` (a proved bounding box L <= x <= U of the region, rounded Farkas
        multipliers for the rows that reach out of it, then every row with max over [L, U] of
        a x + c <= 0), with the multipliers rounded in plain Python.  Returns the rows still to
        certify, or None when the float plan is unusable (the general path then runs)."""
        A, eq, simp, x = hint.A, hint.equations, hint.simplices, hint.x
        if eq is None or x is None:
            return None
        m, d = A.shape
        off = eq[:, d]
        if off.max() >= -1e-12:
            return None
        verts = x - eq[:, :d] / off[:, None]
        best = np.concatenate([verts.argmax(axis=0), verts.argmin(axis=0)])
        S = simp[best]
        U = np.minimum(verts.max(axis=0) + self._slack_bb, self._hi_arr)
        L = np.maximum(verts.min(axis=0) - self._slack_bb, self._lo_arr)
        fe = hint.from_exact
        if max(pending) >= len(fe):
            return None
        fl = fe[pending]
        if fl.min() < 0 or S.max() >= m:
            return None
        Ar = A[fl]
        c = hint.slack[fl] + Ar @ x
        top = np.maximum(Ar * U, Ar * L).sum(axis=1)
        out = (top - c >= -1e-9 * (1.0 + np.abs(c))).tolist()
        direct = [r for r, o in zip(pending, out) if o]
        by_box = [r for r, o in zip(pending, out) if not o]
        tg_units = _signed_eye(d)
        if direct:
            sel = np.flatnonzero(out)
            Ad = Ar[sel]
            score = ((Ad / hint.slack[fl[sel], None]) @ eq[:, :d].T) / (-off)
            Sd = simp[score.argmax(axis=1)]
            if Sd.max() >= m:
                return None
            S = np.vstack([S, Sd])
            tg_units = np.vstack([tg_units, Ad])
        AS = A[S]  # (targets, d basis rows, d): the unit float basis rows
        try:
            lam = np.linalg.solve(AS.transpose(0, 2, 1), tg_units[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            return None
        # exact targets: the bounds x_t <= U_t and -x_t <= -L_t (scaled by DU), then the direct rows
        walls = self._walls
        bl = np.concatenate([U, -L]).tolist()
        need, DU, targets = _bounding_box_targets(bl, walls, d)
        nuts, order = [float(DU)] * len(need), list(need)
        Ad_l = tg_units.tolist()
        for i, r in enumerate(direct):
            u = Ad_l[2 * d + i]
            tp = max(range(d), key=lambda j: abs(u[j]))
            targets.append(rows[r])
            try:
                nuts.append(float(rows[r][tp]) / u[tp])
            except OverflowError:
                nuts.append(math.nan)
            order.append(2 * d + i)
        So = S[order]
        Ab = AS[order]
        tb = np.abs(Ab).argmax(axis=2)
        ab = np.take_along_axis(Ab, tb[:, :, None], axis=2)[:, :, 0]
        ok = self._rounded_lean(rows, Kset, targets, nuts, hint.to_exact[So].tolist(),
                                lam[order].tolist(), tb.tolist(), ab.tolist()) if targets else []
        return self._finish_box(rows, walls, need, bl, direct, by_box, ok)

    def _farkas_box_lp(self, rows, Kset, pending, hint: LPHint):
        """Bounded domain with the kernel's LP bases: the same certificates as :meth:`_farkas_box`
        (a proved bounding box, rounded multipliers for the rows reaching out of it, then every row
        with max over [L, U] of a x + c <= 0), the bases taken from the kernel's LPs."""
        A, x = hint.A, hint.x
        if x is None or hint.row_basis is None:
            return None
        d = A.shape[1]
        bv = hint.bb_val
        if bv is None or not np.all(np.isfinite(bv)):  # no bounding box from the kernel: the box's walls
            bv = np.concatenate([self._hi_arr - x, x - self._lo_arr])
        fe = hint.from_exact
        if max(pending) >= len(fe):
            return None
        fl = fe[pending]
        if fl.min() < 0:
            return None
        U = np.minimum(x + bv[:d] + self._slack_bb, self._hi_arr)
        L = np.maximum(x - bv[d:] - self._slack_bb, self._lo_arr)
        Ar = A[fl]
        c = hint.slack[fl] + Ar @ x
        top = np.maximum(Ar * U, Ar * L).sum(axis=1)
        out = (top - c >= -1e-9 * (1.0 + np.abs(c))).tolist()
        direct = [r for r, o in zip(pending, out) if o]
        by_box = [r for r, o in zip(pending, out) if not o]
        walls = self._walls
        bl = np.concatenate([U, -L]).tolist()
        need, DU, targets = _bounding_box_targets(bl, walls, d)
        sel = np.flatnonzero(out)
        targets += [rows[r] for r in direct]
        units = np.vstack([_signed_eye(d)[need], Ar[sel]])
        fb = np.vstack([hint.bb_basis[need], hint.row_basis[fl[sel]]])
        lam = np.vstack([hint.bb_lam[need], hint.row_lam[fl[sel]]])
        ok = []
        if targets:
            # -1 padding: the basis' first row again, with multiplier 0
            pad = fb < 0
            lam = np.where(pad, 0.0, lam)
            fb = np.where(pad, np.maximum(fb[:, :1], 0), fb)
            # scales of the exact targets against their unit float rows, then the lean exact check
            ud = units[len(need):]
            tp = np.abs(ud).argmax(axis=1)
            nuts = [float(DU)] * len(need)  # a bound target is DU times its unit row
            for r, t, u in zip(direct, tp.tolist(), ud[np.arange(len(direct)), tp].tolist()):
                try:
                    nuts.append(float(rows[r][t]) / u)
                except OverflowError:
                    nuts.append(math.nan)
            Ab = A[fb]
            tb = np.abs(Ab).argmax(axis=2)
            ab = np.take_along_axis(Ab, tb[:, :, None], axis=2)[:, :, 0]
            ok = self._rounded_lean(rows, Kset, targets, nuts, hint.to_exact[fb].tolist(), lam.tolist(),
                                    tb.tolist(), ab.tolist())
        return self._finish_box(rows, walls, need, bl, direct, by_box, ok)

    def _finish_box(self, rows, walls, need, bl, direct, by_box, ok) -> tuple[list, list]:
        """After the Farkas checks ``ok`` (the box bounds ``need``, then the ``direct`` rows): the box
        proved so far (a bound whose certificate failed falls back to the wall), the direct rows left
        unproved, and the rows left to :meth:`_outside_box`."""
        fin = list(walls)
        for t, v in zip(need, ok):
            if v:
                fin[t] = bl[t]
        left = [r for r, v in zip(direct, ok[len(need):]) if not v]
        out_box, inside = self._outside_box(rows, by_box, fin)
        return left + out_box, inside

    def _outside_box(self, rows, cand, fin) -> tuple[list, list]:
        """Rows of ``cand`` not proved by max over [L, U] of a x + c <= 0, where ``fin`` = U then -L
        (floats; their exact binary values are the proved bounds), and the rows with max < 0."""
        d = self.d
        pairs = [float(v).as_integer_ratio() for v in fin]
        DU = max(q for _, q in pairs)
        nums = [n * (DU // q) for n, q in pairs]
        Un, Lm, DUz = nums[:d], nums[d:], DU  # U = Un / DU, -L = Lm / DU
        left, inside = [], []
        if d == 2:  # the same sums, unrolled (the planar case has ~60 such rows per region)
            U0, U1 = Un
            L0, L1 = Lm
            for r in cand:
                a0, a1, c = rows[r]
                acc = DUz * c + (a0 * U0 if a0 > 0 else -a0 * L0) + (a1 * U1 if a1 > 0 else -a1 * L1)
                if acc < 0:
                    inside.append(r)
                elif acc > 0:
                    left.append(r)
            return left, inside
        rng = range(d)
        for r in cand:
            a = rows[r]
            acc = DUz * a[d]
            for t in rng:
                at = a[t]
                if at > 0:
                    acc += at * Un[t]
                elif at < 0:
                    acc -= at * Lm[t]
            if acc < 0:
                inside.append(r)
            elif acc > 0:
                left.append(r)
        return left, inside

    def _rounded_lean(self, rows, Kset, targets, nuts, bases, lams, tbs, abs_) -> list[bool]:
        """:meth:`_rounded_batch` in plain Python (few targets, d basis rows each): multipliers
        mu_b = floor(ratio_b 2^E), E such that the smallest positive ratio has 55 bits before the
        point (floats >= 2^53 are integers: the conversion is exact), then, exactly,
        C = sum_b mu_b (a_b, c_b) - 2^E (a, c) and the test min over the box of C_a . x + C_c >= 0.
        The floats only choose the multipliers: any non-negative integers give a valid test."""
        k = len(targets)
        out = [False] * k
        nu: dict[int, float] = {}
        Db, loN, hiN = self._Db_i, self._loN_i, self._hiN_i
        frexp, ldexp, inf = math.frexp, math.ldexp, math.inf
        in_kept = Kset.issuperset
        for i in range(k):
            nut = nuts[i]
            br = bases[i]
            if not (0 < nut < inf) or not in_kept(br):
                continue
            lam = lams[i]
            thr = 1e-14 * max(lam)  # multipliers of unit rows: tiny ones are rounding noise
            bs, fs, es = [], [], []
            try:
                for b, lv, tb, ab in zip(br, lam, tbs[i], abs_[i]):
                    if lv > thr:
                        v = nu.get(b)
                        if v is None:  # exact row b ~ v * (unit float row), compared at its largest entry tb
                            v = nu[b] = float(rows[b][tb]) / ab
                        r = lv * nut / v
                        if r == 0.0:
                            continue
                        if not 0.0 < r < inf:
                            raise ValueError
                        f, e = frexp(r)
                        bs.append(b)
                        fs.append(f)
                        es.append(e)
                E = max(0, 55 - min(es))
            except (OverflowError, ValueError, ZeroDivisionError):
                continue  # no positive multiplier (min of an empty sequence), a negative one, or overflow
            # r 2^E = mant 2^(e + E - 53) exactly (mant < 2^53; the shift is >= 2)
            mus = [int(ldexp(f, 53)) << (e + E - 53) for f, e in zip(fs, es)]
            # C = sum_b mu_b (a_b, c_b) - 2^E (a, c), exactly, one coordinate at a time
            cols = zip(*[rows[b] for b in bs])
            c = [sum(map(mul, mus, col)) - (tv << E) for col, tv in zip(cols, targets[i])]
            acc = Db * c[-1] + sum([ct * hv if ct < 0 else ct * lv_ for ct, hv, lv_ in zip(c, hiN, loN)])
            out[i] = acc >= 0
        return out

    def _farkas_planned(self, rows, Kset, plan, hint: HullHint) -> list:
        """Bounded domain: prove a bounding box L <= x <= U of the region and the rows without a
        bounding-box certificate by rounded multipliers (:meth:`_rounded_batch`), then drop every
        row with max over [L, U] of a x + c <= 0 (a non-negative combination of kept rows).
        Returns the rows still to certify."""
        from flint import fmpz

        d = self.d
        bounds, bb_bases, bb_lam, by_box, direct, d_bases, d_lam, d_units, rest = plan
        walls = self._walls  # the box's own bounds: hi_t, then -lo_t
        bl = bounds.tolist()
        need, DU, targets = _bounding_box_targets(bl, walls, d)
        units = _signed_eye(d)[need]
        bases, lam = bb_bases[need], bb_lam[need]
        if direct:
            targets += [rows[r] for r in direct]
            units = np.vstack([units, d_units])
            bases, lam = np.vstack([bases, d_bases]), np.vstack([lam, d_lam])
        ok = self._rounded_batch(rows, Kset, targets, units, bases, lam, hint) if targets else []
        # proved bounds where certified, the box walls elsewhere
        fin = list(walls)
        for t, v in zip(need, ok):
            if v:
                fin[t] = bl[t]
        ok = ok[len(need):]
        pairs = [float(v).as_integer_ratio() for v in fin]
        DU = max(q for _, q in pairs)
        nums = [fmpz(n * (DU // q)) for n, q in pairs]
        Un, Lm, DUz = nums[:d], nums[d:], fmpz(DU)  # U = Un / DU, -L = Lm / DU
        left = [r for r, v in zip(direct, ok) if not v] + list(rest)
        if d <= 4 and len(by_box) > 8:
            # a linear function is largest over [L, U] at a corner: all rows at all 2^d corners at once
            from flint import fmpz_mat

            corners = []
            for c in range(1 << d):
                corners.append([Un[t] if (c >> t) & 1 else -Lm[t] for t in range(d)] + [DUz])
            w = d + 1
            R = fmpz_mat(len(by_box), w, [v for r in by_box for v in rows[r]])
            Cn = fmpz_mat(w, len(corners), [corners[c][t] for t in range(w) for c in range(len(corners))])
            vals = (R * Cn).entries()
            if max(vals) <= 0:
                return left
        for r in by_box:
            a = rows[r]
            acc = DUz * a[d]
            for t in range(d):
                at = a[t]
                acc += at * Un[t] if at > 0 else -(at * Lm[t])
            if not acc <= 0:
                left.append(r)
        return left

    def _farkas_exact(self, rows, K, Kset, pending, hint, proof: RegionProof) -> None:
        """Exact multipliers on candidate bases (polar hull), then on the support of a HiGHS LP dual."""
        ex, _, bases, _ = hint.candidates(pending) if hint is not None else ([], None, None, None)
        if ex:
            pos = {r: i for i, r in enumerate(ex)}
            for attempt in range(bases.shape[1]):
                groups = defaultdict(list)
                strip = isinstance(hint, LPHint)  # a kernel basis may have fewer than d rows (-1 padded)
                for r in pending:
                    if r in pos:
                        bs = bases[pos[r], attempt]
                        if strip:
                            bs = bs[bs >= 0]
                        if len(bs) and np.all(bs >= 0) and all(int(b) in Kset for b in bs):
                            groups[tuple(int(b) for b in bs)].append(r)
                done = set()
                for basis, rs in groups.items():
                    done.update(self._solve_group(rows, basis, rs))
                pending = [r for r in pending if r not in done]
                if not pending:
                    break
        missed = []
        for r in pending:
            basis = self._lp_basis(rows, K, r)
            proof.lp_fallbacks += 1
            if basis is None or not self._solve_group(rows, tuple(basis), [r]):
                missed.append(r)
        if missed:
            raise _Missing(missed, f"row {missed[0]} is not certified redundant by the claimed facet rows")

    def _rounded_batch(self, rows, Kset, targets, units, bases, lam, hint: HullHint) -> list[bool]:
        """Which target rows (a, c) (meaning a x + c <= 0) are implied by the kept rows and the box.

        Float multipliers ``lam`` of the unit float rows of ``bases`` (exact row numbers) are turned
        into integers mu_b = floor(ratio_b 2^E) (E chosen so that the smallest positive ratio has 55
        bits before the point: every such float is an integer, so the conversion is exact); then,
        exactly, C = sum_b mu_b (a_b, c_b) - 2^E (a, c) (one fmpz_mat product for all targets), and
        the target holds on the box when max over the box of -(C_a . x + C_c) <= 0.  The floats only
        choose the multipliers: any non-negative integers give a valid test.  Bounded domain only."""
        from flint import fmpz_mat

        d = self.d
        w = d + 1
        k = len(targets)
        out = [False] * k
        A = hint.A
        inv = hint.inverse
        blist = bases.tolist()
        vl = [all(b in Kset for b in br) for br in blist]
        if not any(vl):
            return out
        valid = np.array(vl)
        tp = np.abs(units).argmax(axis=1)
        ut = units[np.arange(k), tp]
        cols: dict[int, int] = {}
        for br, v in zip(blist, vl):
            if v:
                for b in br:
                    if b not in cols:
                        cols[b] = len(cols)
        ub = list(cols)
        try:  # scales: exact target ~ nut * unit row, exact basis row b ~ nu_b * (float row of b)
            nut = np.array([float(tg[t]) for tg, t in zip(targets, tp.tolist())]) / ut
            jb = [inv[b] for b in ub]
            tb = np.abs(A[jb]).argmax(axis=1).tolist()
            nu = np.array([float(rows[b][t]) for b, t in zip(ub, tb)]) / A[jb, tb]
        except (OverflowError, KeyError):
            return out
        colb = np.array([[cols.get(b, 0) for b in br] for br in blist], dtype=np.int64)
        nu_b = nu[colb]
        with np.errstate(all="ignore"):
            lg = np.clip(lam, 0.0, None)
            lg[lg < 1e-14 * np.nanmax(lg, axis=1, keepdims=True)] = 0.0
            ratio = lg * (nut[:, None] / nu_b)
            _, ex = np.frexp(ratio)
            ex = np.where(ratio > 0, ex, 10**6)
            E = np.maximum(0, 55 - ex.min(axis=1))
            mult = np.floor(np.ldexp(ratio, E[:, None]))
            fine = valid & np.all(np.isfinite(mult), axis=1) & (ratio.max(axis=1) > 0) & (E < 900)
        idx = np.flatnonzero(fine).tolist()
        if not idx:
            return out
        nK = len(ub)
        g = len(idx)
        width = nK + g
        Cm = [0] * (g * width)
        ml, cl, El = mult.tolist(), colb.tolist(), E.tolist()
        for gi, i in enumerate(idx):
            base = gi * width
            for mv, c in zip(ml[i], cl[i]):
                if mv > 0:
                    Cm[base + c] += int(mv)
            Cm[base + nK + gi] = -(1 << El[i])
        flat = []
        for b in ub:
            flat.extend(rows[b])
        for i in idx:
            flat.extend(targets[i])
        C = (fmpz_mat(g, width, Cm) * fmpz_mat(width, w, flat)).entries()
        Db, loN, hiN = self._Db, self._loN, self._hiN
        for gi, i in enumerate(idx):
            c = C[gi * w:(gi + 1) * w]
            acc = Db * c[d]
            for t in range(d):
                ct = c[t]
                acc += ct * (hiN[t] if ct < 0 else loN[t])
            out[i] = acc >= 0
        return out

    def _solve_group(self, rows, basis, rs) -> list:
        """Rows of ``rs`` proved implied by the rows ``basis`` (exact multipliers >= 0)."""
        from flint import fmpz_mat

        d = self.d
        nb = len(basis)
        k = len(rs)
        Bt = fmpz_mat(d, nb, [rows[b][t] for t in range(d) for b in basis])
        rhs = fmpz_mat(d, k, [rows[r][t] for t in range(d) for r in rs])
        try:
            lam = Bt.solve(rhs) if nb == d else _least_solution(Bt, rhs)
        except (ZeroDivisionError, ValueError):
            return []
        if lam is None:
            return []
        num, den = lam.numer_denom()
        if den < 0:
            num, den = -num, -den
        cB = fmpz_mat(1, nb, [rows[b][d] for b in basis])
        comb = (cB * num).entries()
        ne = num.entries()
        ok = [r for j, r in enumerate(rs)
              if all(ne[i * k + j] >= 0 for i in range(nb)) and rows[r][d] * den <= comb[j]]
        if nb != d and ok:
            # a non-square system was solved on a subset of coordinates: re-check all of them
            full = (Bt * num).entries()
            ok = [r for j, r in enumerate(rs) if r in ok
                  and all(full[t * k + j] == rows[r][t] * den for t in range(d))]
        return ok

    def _lp_basis(self, rows, K, r):
        """Support of an optimal LP dual of max a_r x over the rows K (a hint), or None."""
        from . import _lp

        d = self.d
        A = np.array([[float(v) for v in rows[i][:d]] for i in K]).reshape(-1, d)
        c = np.array([-float(rows[i][d]) for i in K])
        ar = np.array([float(v) for v in rows[r][:d]])
        nrm = np.linalg.norm(A, axis=1)
        if len(K) == 0 or not np.all(nrm > 0) or not np.all(np.isfinite(A)) or not np.any(ar):
            return None
        status, dual = _lp.lp_max_dual(ar / np.linalg.norm(ar), A / nrm[:, None], c / nrm)
        if status != "optimal":
            return None
        sup = np.nonzero(np.abs(dual) > 1e-10 * max(1.0, np.abs(dual).max()))[0]
        if len(sup) == 0 or len(sup) > d:
            return None
        return [K[i] for i in sup]


def _touched(V, c, F, ev) -> list:
    """Rows ``ev[p]`` not strictly negative at point ``c`` (entries ``V[p F + c]`` >= 0)."""
    return [ev[p] for p, v in enumerate(V[c::F]) if v >= 0]


def _least_solution(Bt, rhs):
    """Exact solution of Bt lam = rhs (Bt of full column rank, fewer columns than rows), via a square subsystem."""
    from flint import fmpz_mat

    d, nb = Bt.nrows(), Bt.ncols()
    ent = Bt.entries()
    # choose nb independent rows of Bt greedily (exact rank tests)
    chosen: list[int] = []
    for t in range(d):
        trial = chosen + [t]
        M = fmpz_mat(len(trial), nb, [ent[i * nb + j] for i in trial for j in range(nb)])
        if M.rank() == len(trial):
            chosen = trial
        if len(chosen) == nb:
            break
    if len(chosen) < nb:
        return None
    M = fmpz_mat(nb, nb, [ent[i * nb + j] for i in chosen for j in range(nb)])
    re = rhs.entries()
    k = rhs.ncols()
    Rr = fmpz_mat(nb, k, [re[i * k + j] for i in chosen for j in range(k)])
    return M.solve(Rr)


def _bfs_connected(n: int, edges: list[tuple[int, int]]) -> bool:
    adj = defaultdict(list)
    for a, b in edges:
        adj[a].append(b)
        adj[b].append(a)
    seen = {0} if n else set()
    q = deque(seen)
    while q:
        u = q.popleft()
        for v in adj[u]:
            if v not in seen:
                seen.add(v)
                q.append(v)
    return len(seen) == n


def assemble(proofs: Sequence[RegionProof], t0: float, failure: str | None = None) -> CompletenessCertificate:
    """Check that every certified neighbour is listed and the adjacency graph is connected."""
    index = {p.key: i for i, p in enumerate(proofs)}
    n = len(proofs)
    facets = sum(p.facets for p in proofs)
    red = sum(p.redundant for p in proofs)
    lpf = sum(p.lp_fallbacks for p in proofs)
    if failure is not None:
        return CompletenessCertificate(False, n, facets, red, lpf, 0, False, time.perf_counter() - t0, failure)
    if len(index) != n:
        return CompletenessCertificate(False, n, facets, red, lpf, 0, False, time.perf_counter() - t0,
                                       "two listed regions have the same pattern")
    edges = set()
    for i, p in enumerate(proofs):
        for k in p.neighbours:
            j = index.get(k)
            if j is None:
                pat = np.unpackbits(np.frombuffer(k[:-1], dtype=np.uint8))
                return CompletenessCertificate(
                    False, n, facets, red, lpf, 0, False, time.perf_counter() - t0,
                    f"region {i} has a certified facet whose neighbour (pattern "
                    f"{''.join(map(str, pat[:8 * (len(k) - 1) - (8 - k[-1]) % 8]))}) is not listed: a region was missed")
            edges.add((min(i, j), max(i, j)))
    connected = _bfs_connected(n, sorted(edges))
    if not connected:
        return CompletenessCertificate(False, n, facets, red, lpf, len(edges), False, time.perf_counter() - t0,
                                       "the certified adjacency graph is not connected")
    return CompletenessCertificate(True, n, facets, red, lpf, len(edges), True, time.perf_counter() - t0, None)


def certify_completeness(net, result) -> CompletenessCertificate:
    """Prove exactly that ``result`` (a :class:`~expressivity.regions.RegionEnumeration`) lists every region.

    Each region's facets are re-derived in floating point (one polar hull per region, as in the
    traversal) only as hints; every claim is then checked in exact integer arithmetic on the
    network's exact weights (see the module docs).  ``enumerate_regions(..., certify="complete")``
    does the same inside the traversal, reusing its hulls.

    Parameters
    ----------
    net : ReLUNetwork
        The network that was enumerated.
    result : RegionEnumeration

    Returns
    -------
    CompletenessCertificate
        ``proved`` is False (with a ``reason``) as soon as one check fails.

    Examples
    --------
    >>> from expressivity.relu import ReLUNetwork
    >>> from expressivity.regions import enumerate_regions
    >>> net = ReLUNetwork.from_matrices([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.5, 0.5], [0.0]])
    >>> res = enumerate_regions(net, 2.0)
    >>> cert = certify_completeness(net, res)
    >>> cert.proved, cert.regions
    (True, 3)
    >>> from dataclasses import replace
    >>> certify_completeness(net, replace(res, regions=res.regions[:2])).proved  # one region dropped
    False
    """
    from .enumeration import _describe_for_certificate, compile_network

    t0 = time.perf_counter()
    cn = compile_network(net)
    lo, hi = result.box
    cert = ExactRegionCertifier(net, lo, hi)
    proofs = []
    try:
        for r in result.regions:
            proofs.append(_describe_for_certificate(cn, cert, r.pattern, r.point, r.margin, lo, hi))
    except _Fail as exc:
        return assemble(proofs, t0, f"region {len(proofs)}: {exc}")
    return assemble(proofs, t0)


def raise_if_not_proved(cert: CompletenessCertificate) -> None:
    """Raise :class:`CertificateError` with the reason when ``cert`` is not a proof."""
    if not cert.proved:
        raise CertificateError(f"completeness not proved: {cert.reason}")
