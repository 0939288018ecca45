"""Can a given coefficient array come from a lightning attention module?  (``check-point``)

JSON format (``"format": "lightning-coefficients"``, version 1)::

    {
      "format": "lightning-coefficients", "version": 1,
      "d": 3, "t": 2, "dprime": 1, "a": 2,          # a optional (default d)
      "cross": [...],     # shape (d', d, d, d): scaled cross coefficients T[i][k][k'][l]
      "pure":  [...],     # shape (d', d, d, d): scaled pure coefficients P[i][k][l][m] (needed for t = 1)
      "raw":   [...],     # alternative to cross/pure: shape (d', t, N(d,t)), the scaled coordinates
                          # of every output entry (i, j) in expressivity.attention.entry_labels(d, t, j) order
      "tolerance": 1e-9   # optional; used only for float data
    }

Scaled coefficient = coefficient of the monomial in ``Phi(X)[i, j]`` divided by its orbit size
(as in the ADM26 code): ``T[i,k,k',l]`` belongs to ``x[k,n] x[k',n] x[l,j]`` (n != j), ``P[i,k,l,m]`` to
``x[k,j] x[l,j] x[m,j]``.  Numbers are either all JSON numbers with a fractional part or
exponent (float mode: relative tolerance) or all integers / ``"p/q"`` strings (exact mode:
rational arithmetic, a failing family is a proof that the point is not in the image closure).

Each family is a necessary condition for membership in the (Zariski closure of the) image, per
output row; the families do not test the coupling between different output rows (rows share A).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import ComputationTooLargeError, NetworkFileError, NonFiniteError, ShapeError
from ..numbers import fraction_to_float, shorten, to_fraction
from .cross_rows import ROW_COMBINATIONS, cross_row_forms, cross_row_values
from .families import applicable_families, family_info, family_values, lie_flattening_matrix, linear_relations
from .model import LightningShape, coefficient_count, entry_labels, pairs, symmetrize3

__all__ = ["CoefficientPoint", "FamilyVerdict", "PointReport", "load_point", "point_from_dict", "point_to_dict",
           "check_point", "FORMAT_NAME", "TOLERANCE_MODEL"]

FORMAT_NAME = "lightning-coefficients"
MAX_ENTRIES = 10 ** 8
"""Most numbers a coefficient file may declare (its shape ``d' x d^3`` or ``d' x t x N(d,t)``)."""


class CoefficientFileError(NetworkFileError):
    """A lightning coefficient file is malformed; the message names the field."""


@dataclass(frozen=True)
class CoefficientPoint:
    """A point of coefficient space: cross (and pure) tensors of every output row."""

    shape: LightningShape
    cross: np.ndarray | None  # (d', d, d, d) or None for t = 1
    pure: np.ndarray | None   # (d', d, d, d) or None
    exact: bool
    tolerance: float = 1e-9
    raw_linear_failures: tuple = ()


@dataclass(frozen=True)
class FamilyVerdict:
    """One family on one output row (``row`` an int) or on a row pair (``"i,j"``).

    ``max_value`` is the relative residual ``max |g(p / max|p|)| / M_g`` (see :data:`TOLERANCE_MODEL`).
    """

    family: str
    row: Any
    ok: bool
    generators: int
    failing: int
    max_value: float
    method: str


@dataclass(frozen=True)
class PointReport:
    point: CoefficientPoint
    verdicts: tuple[FamilyVerdict, ...]

    @property
    def consistent(self) -> bool:
        return all(v.ok for v in self.verdicts)

    @property
    def failing_families(self) -> list[str]:
        return sorted({v.family for v in self.verdicts if not v.ok})

    def to_json(self) -> dict:
        return {
            "d": self.point.shape.d, "a": self.point.shape.a, "t": self.point.shape.t, "dprime": self.point.shape.dprime,
            "mode": "exact" if self.point.exact else f"numeric (relative tolerance {self.point.tolerance:g})",
            "tolerance_model": "exact: a generator fails iff it is non-zero" if self.point.exact else TOLERANCE_MODEL,
            "consistent": self.consistent,
            "failing_families": self.failing_families,
            "verdicts": [v.__dict__ for v in self.verdicts],
        }


def _field(obj: dict, name: str, kind=int, required=True, default=None):
    if name not in obj:
        if required:
            raise CoefficientFileError(f"missing field {name!r} (see expressivity.attention.check_point for the format)")
        return default
    v = obj[name]
    if kind is int and (isinstance(v, bool) or not isinstance(v, int)):
        raise CoefficientFileError(f"field {name!r} must be an integer, got {shorten(v, 60)}")
    if kind is int and v < 1:
        raise CoefficientFileError(f"field {name!r} must be an integer >= 1, got {shorten(v, 60)}")
    return v


def _leaves(x, path="") -> list:
    if isinstance(x, list):
        out = []
        for i, y in enumerate(x):
            out.extend(_leaves(y, f"{path}[{i}]"))
        return out
    return [(path, x)]


def _to_array(data: Any, shape: tuple, name: str, exact: bool) -> np.ndarray:
    got = _nested_shape(data)
    if got != shape:
        raise ShapeError(f"{name} must be nested lists of shape {shape}, got {got}")
    arr = np.empty(shape, dtype=object)
    arr[...] = _fill(data, len(shape))
    flat = []
    for idx, v in np.ndenumerate(arr):
        where = f"{name}{list(idx)}"
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise CoefficientFileError(f"{where}: expected a number, got {type(v).__name__} {shorten(v, 60)}")
        if exact:
            try:
                flat.append(to_fraction(v, where=where))
            except NetworkFileError:
                raise
            except (ValueError, TypeError, ArithmeticError) as exc:  # InvalidInputError & co.: one line
                raise CoefficientFileError(str(exc) if str(exc).startswith(where) else f"{where}: {exc}") from None
        else:
            if isinstance(v, str):
                raise CoefficientFileError(f"{where}: got the string {shorten(v, 60)} among floats; write every "
                                           "number as a float (numeric mode) or none (exact mode)")
            if isinstance(v, float) and not math.isfinite(v):
                raise NonFiniteError(f"{where} is NaN or infinite")
            flat.append(fraction_to_float(v, where=where) if isinstance(v, int) else float(v))
    return np.array(flat, dtype=object if exact else float).reshape(shape)


def _nested_shape(data: Any) -> tuple:
    """Shape of regular nested lists (the first row decides); ``("ragged",)`` when irregular."""
    shape = []
    x = data
    while isinstance(x, list):
        shape.append(len(x))
        if not x:
            break
        x = x[0]
    shape = tuple(shape)
    if not _regular(data, shape):
        return ("ragged",)
    return shape


def _regular(x: Any, shape: tuple) -> bool:
    if not shape:
        return not isinstance(x, list)
    return isinstance(x, list) and len(x) == shape[0] and all(_regular(y, shape[1:]) for y in x)


def _fill(data: Any, depth: int):
    """Nested lists as an object array of the leaves (numpy must not descend into them)."""
    out = np.empty(len(data), dtype=object) if depth == 1 else None
    if depth == 1:
        for i, v in enumerate(data):
            out[i] = v
        return out
    return np.stack([_fill(y, depth - 1) for y in data])


def point_from_dict(obj: dict) -> CoefficientPoint:
    """Validate a decoded JSON object (see module docstring) and build a :class:`CoefficientPoint`."""
    if not isinstance(obj, dict):
        raise CoefficientFileError("the file must contain a JSON object")
    fmt = obj.get("format", FORMAT_NAME)
    if fmt != FORMAT_NAME:
        raise CoefficientFileError(f"field 'format' must be {FORMAT_NAME!r}, got {shorten(fmt)}")
    d, t = _field(obj, "d"), _field(obj, "t")
    dp = _field(obj, "dprime", required=False, default=1)
    a = _field(obj, "a", required=False, default=d)
    declared = dp * max(d ** 3, t * coefficient_count(d, t) if "raw" in obj else 0)
    if declared > MAX_ENTRIES:
        raise CoefficientFileError(
            f"d = {shorten(d)}, t = {shorten(t)}, dprime = {shorten(dp)} declare {float(min(declared, 10**300)):.3g} "
            "coefficients, more than "
            f"MAX_ENTRIES = {MAX_ENTRIES} (expressivity.attention.check_point.MAX_ENTRIES)")
    shape = LightningShape(d, a, t, dp)
    tol = obj.get("tolerance", 1e-9)
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 < tol <= 1:
        raise CoefficientFileError(f"field 'tolerance' must be a number in (0, 1] (a relative tolerance), got {shorten(tol)}")
    payload = [obj[k] for k in ("cross", "pure", "raw") if k in obj]
    if not payload:
        raise CoefficientFileError("give 'cross' (and 'pure'), or 'raw'")
    leaves = [v for p in payload for _, v in _leaves(p)]
    exact = not any(isinstance(v, float) for v in leaves)
    T = P = None
    raw_fail: list = []
    if "raw" in obj:
        N = coefficient_count(d, t)
        R = _to_array(obj["raw"], (dp, t, N), "raw", exact)
        T, P, raw_fail = _reduce_raw(R, shape, exact, float(tol))
    if "cross" in obj:
        T = _to_array(obj["cross"], (dp, d, d, d), "cross", exact)
    if "pure" in obj:
        P = _to_array(obj["pure"], (dp, d, d, d), "pure", exact)
    if t >= 2 and T is None:
        raise CoefficientFileError("t >= 2 needs the 'cross' tensor (or 'raw')")
    if t == 1 and P is None:
        raise CoefficientFileError("t = 1 needs the 'pure' tensor (or 'raw')")
    if not exact and tol < 1e-15:
        raise CoefficientFileError(f"field 'tolerance' = {tol:g} is below float64 rounding (use >= 1e-15)")
    return CoefficientPoint(shape, T, P, exact, float(tol), tuple(raw_fail))


def _reduce_raw(R: np.ndarray, shape: LightningShape, exact: bool, tol: float):
    d, t, dp = shape.d, shape.t, shape.dprime
    block = d * d * (d + 1) // 2
    rels = np.array(linear_relations(d, t), dtype=object).reshape(-1, R.shape[-1])
    fails = []
    T = np.zeros((dp, d, d, d), dtype=object if exact else float)
    P = np.zeros((dp, d, d, d), dtype=object if exact else float)
    for i in range(dp):
        for j in range(t):
            y = R[i, j]
            labels = entry_labels(d, t, j)
            if len(rels):
                vals = rels.dot(y) if exact else rels.astype(float) @ y
                scale = max(1.0, float(np.max(np.abs(y.astype(float))))) if not exact else 1
                bad = int(np.sum(vals != 0)) if exact else int(np.sum(np.abs(vals.astype(float)) > tol * scale))
                if bad:
                    fails.append((i, j, bad))
            # the first context block gives T, the pure part gives P
            if t >= 2:
                for c, (k, k2) in enumerate(pairs(d)):
                    for l in range(d):
                        val = y[c * d + l]
                        if j == 0:
                            T[i, k, k2, l] = T[i, k2, k, l] = val
                        elif (T[i, k, k2, l] != val) if exact else abs(T[i, k, k2, l] - val) > tol * max(1.0, abs(val)):
                            fails.append((i, j, "cross coefficients differ between output columns"))
            start = (t - 1) * block
            for c, lab in enumerate(labels[start:]):
                k, l, m = (x for x, _ in lab)
                val = y[start + c]
                if j > 0:
                    old = P[i, k, l, m]
                    if (old != val) if exact else abs(old - val) > tol * max(1.0, abs(val)):
                        fails.append((i, j, "pure coefficients differ between output columns"))
                    continue
                for perm in {(k, l, m), (k, m, l), (l, k, m), (l, m, k), (m, k, l), (m, l, k)}:
                    P[(i,) + perm] = val
    return T, P, fails


def load_point(path: str | Path) -> CoefficientPoint:
    """Read a coefficient file (see module docstring)."""
    from .._jsonfile import read_json_file
    from ..exceptions import InvalidInputError

    obj = read_json_file(path, CoefficientFileError, "coefficient file")
    try:
        return point_from_dict(obj)
    except InvalidInputError as exc:  # name the file, keep the error class
        raise type(exc)(f"{path}: {exc}") from None


def point_to_dict(V: Any, A: Any, t: int, a: int | None = None) -> dict:
    """The JSON object of the point produced by weights ``V`` and ``A`` (floats or exact)."""
    from .model import cross_tensor

    T = cross_tensor(V, A)
    P = symmetrize3(T)
    conv = (lambda x: str(Fraction(x))) if T.dtype == object else float
    d = T.shape[1]
    return {"format": FORMAT_NAME, "version": 1, "d": d, "t": t, "dprime": T.shape[0], "a": a or d,
            "cross": np.vectorize(conv, otypes=[object])(T).tolist(),
            "pure": np.vectorize(conv, otypes=[object])(P).tolist()}


def _nested(arr: np.ndarray):
    d = arr.shape[-1]
    return [[[arr[k, k2, l] for l in range(d)] for k2 in range(d)] for k in range(d)]


class _Magnitude:
    """Absolute-value arithmetic: ``+`` and ``-`` add magnitudes, ``*`` multiplies them; tracks the degree.

    Evaluating a family's formula on ``_Magnitude(1.0, 1)`` entries gives, per generator ``g``,
    ``M_g >=`` the sum of the absolute values of the coefficients of ``g`` (cancellations ignored),
    hence ``|g(p)| <= M_g`` on the unit box ``max |p| <= 1``, and the degree of ``g``.
    """

    __slots__ = ("v", "deg")

    def __init__(self, v: float, deg: int):
        self.v, self.deg = v, deg

    @staticmethod
    def _of(o):
        return o if isinstance(o, _Magnitude) else _Magnitude(abs(float(o)), 0)

    def __add__(self, o):
        o = self._of(o)
        return _Magnitude(self.v + o.v, max(self.deg, o.deg))

    __radd__ = __sub__ = __rsub__ = __add__

    def __mul__(self, o):
        o = self._of(o)
        return _Magnitude(self.v * o.v, self.deg + o.deg)

    __rmul__ = __mul__

    def __neg__(self):
        return self


_MAGNITUDE_CACHE: dict = {}


#: Families whose expanded generators have at most this many terms (estimated) are normalised by the
#: exact ``sum |coefficients|``; bigger ones by the formula's magnitude evaluation (an upper bound on it).
MAX_TERMS_FOR_L1 = 200_000


def _family_magnitudes(key: str, d: int, a: int, regime: str) -> list:
    """``(M_g, degree)`` of every generator of ``key``, cached per ``(key, d, a)``.

    ``M_g`` is the sum of the absolute values of the coefficients of the expanded generator when
    it is cheap to build (:data:`MAX_TERMS_FOR_L1`), otherwise the magnitude evaluation of its
    formula (:class:`_Magnitude`), which is larger.  Both bound ``|g|`` on the unit box.
    """
    ck = (key, d, a)
    if ck not in _MAGNITUDE_CACHE and key not in ("cross_row_quadric", "lie_flattening"):
        from .cost import family_size
        from .families import family_generators

        if family_size(key, d, a)[1] <= MAX_TERMS_FOR_L1:
            gens = family_generators(key, d, a, drop_zero=False)
            _MAGNITUDE_CACHE[ck] = [(float(sum(abs(int(c)) for c in g.coeffs())), int(g.total_degree())) for _, g in gens]
    if ck not in _MAGNITUDE_CACHE:
        one = [[[_Magnitude(1.0, 1) for _ in range(d)] for _ in range(d)] for _ in range(d)]
        if key == "cross_row_quadric":
            vals = cross_row_values(one, one, d, regime)
        else:
            vals = family_values(key, one, d, a)
        _MAGNITUDE_CACHE[ck] = [(v.v, v.deg) if isinstance(v, _Magnitude) else (abs(float(v)), 0) for _, v in vals]
    return _MAGNITUDE_CACHE[ck]


TOLERANCE_MODEL = (
    "each output row is divided by its largest |entry| (p -> p / max|p|; every invariant is homogeneous, so this "
    "changes nothing exactly); a generator g of degree D fails when |g(p/max|p|)| > tolerance * M_g, where M_g >= the "
    "sum of |coefficients| of g bounds |g| on the unit box; the reported residual is max |g(p/max|p|)| / M_g "
    "(scale-invariant: the same at p and c p).  An entry error of relative size eta (relative to the row's largest "
    "entry) moves g/M_g by at most about D * eta, and float rounding by about (number of operations) * 1e-16.")


def check_point(point: CoefficientPoint, families: list[str] | None = None, *,
                max_seconds: float | None = None, cross_rows: bool = True) -> PointReport:
    """Evaluate every applicable family on every output row (and row pairs) and report which fail.

    Exact mode: a family fails when one generator is non-zero (a proof of non-membership).
    Float mode: the scale-invariant tolerance model :data:`TOLERANCE_MODEL` (each row divided by its
    largest entry; generator ``g`` fails when ``|g| > tolerance * M_g``).  In both modes
    ``max_value`` is the relative residual ``max |g(p / max|p|)| / M_g`` of the family.

    For ``d' > 1`` (``cross_rows``) two coupling tests are added, both necessary because the rows
    share A (:mod:`.cross_rows`): the cross-row quadrics ``omega(T^(i), T^(j))`` (t >= 2) and every
    one-row family on the row combinations ``T^(i) + c T^(j)``, ``c`` in ``(1, -1, 2)``.

    The work is estimated first (:func:`.cost.estimate_check_point_seconds`); beyond
    ``max_seconds`` (default 3600, ``--max-estimated-seconds``) :class:`ComputationTooLargeError`
    is raised before evaluating anything.

    Examples
    --------
    >>> import numpy as np
    >>> V = np.array([[1, 2, 0]], dtype=object); A = np.array([[1, 0, 2], [0, 1, 1], [3, 1, 0]], dtype=object)
    >>> check_point(point_from_dict(point_to_dict(V, A, t=2, a=3))).consistent
    True
    """
    from .cost import DEFAULT_MAX_SECONDS, _human_seconds, estimate_check_point_seconds

    s = point.shape
    fams = families or applicable_families(s.d, s.a, s.t)
    limit = DEFAULT_MAX_SECONDS if max_seconds is None else max_seconds
    secs, worst = estimate_check_point_seconds(s, fams, point.exact)
    pairs_ = s.dprime * (s.dprime - 1) // 2 if cross_rows else 0
    secs *= 2 + len(ROW_COMBINATIONS) * pairs_ / max(s.dprime, 1)  # + magnitudes, + row combinations
    if secs > limit:
        raise ComputationTooLargeError(
            f"checking a point with d = {s.d}, a = {s.a}, d' = {s.dprime} is estimated at {_human_seconds(secs)} "
            f"(mostly family {worst!r}), over the limit of {_human_seconds(limit)}; "
            "raise --max-estimated-seconds (max_seconds=) to run it anyway")
    method = "exact" if point.exact else "numeric"
    rows = []
    for i in range(s.dprime):
        T = point.cross[i] if point.cross is not None else None
        P = point.pure[i] if point.pure is not None else None
        rows.append(_normalised_row(T, P, point.exact))
    verdicts = []
    for i, (T, P, scale) in enumerate(rows):
        for f in fams:
            if f == "linear":
                verdicts.append(_linear_verdict(point, i, T, P, method))
                continue
            v = _family_verdict(f, i, T, P, s, point, method, scale)
            if v is not None:
                verdicts.append(v)
    if cross_rows and s.dprime > 1:
        verdicts.extend(_cross_row_verdicts(rows, fams, s, point, method))
    return PointReport(point, tuple(verdicts))


def _normalised_row(T, P, exact):
    """Float mode: ``(T / m, P / m, 1)`` with ``m`` the row's largest |entry|; exact: ``(T, P, m)``."""
    m = max([abs(x) for ten in (T, P) if ten is not None for x in np.asarray(ten).ravel()], default=0)
    if exact:
        return T, P, (m if m else Fraction(1))
    m = float(m)
    if not m or not math.isfinite(m):
        return T, P, 1.0
    return (None if T is None else T / m), (None if P is None else P / m), 1.0


def _judge(key, i, vals, mags, point, method, scale, label=None) -> FamilyVerdict:
    bad = 0
    worst = 0.0
    for v, (M, deg) in zip(vals, mags):
        if point.exact:
            nz = v != 0
            rel = _abs_float(Fraction(v) / (scale ** deg)) / M if (nz and M) else 0.0
        else:
            fv = abs(float(v))
            nz = not fv <= point.tolerance * M  # NaN fails
            rel = fv / M if M else (0.0 if fv == 0 else math.inf)
        bad += bool(nz)
        worst = max(worst, rel) if rel == rel else math.inf
    return FamilyVerdict(label or key, i, bad == 0, len(vals), bad, worst, method)


def _family_verdict(f, i, T, P, s, point, method, scale):
    regime = family_info(f).regime
    ten = T if regime == "cross" else P
    if ten is None:
        return None
    if f == "lie_flattening" and not point.exact:  # octic minors: the singular values are better conditioned
        return _lie_rank_verdict(ten, s, i, point, method)
    try:
        vals = [v for _, v in family_values(f, _nested(ten), s.d, s.a)]
    except ComputationTooLargeError:
        return _lie_rank_verdict(ten, s, i, point, method)
    if not vals:
        return None  # empty family: nothing is tested
    return _judge(f, i, vals, _family_magnitudes(f, s.d, s.a, regime), point, method, scale)


def _cross_row_verdicts(rows, fams, s, point, method) -> list:
    """Cross-row quadrics on every row pair, and every one-row family on row combinations."""
    out = []
    regime = "cross" if s.t >= 2 else "single"
    for i, j in itertools.combinations(range(len(rows)), 2):
        Ti, Pi, si = rows[i]
        Tj, Pj, sj = rows[j]
        Si, Sj = (Ti, Tj) if regime == "cross" else (Pi, Pj)
        if cross_row_forms(s.d, regime):
            vals = [v for _, v in cross_row_values(_nested(Si), _nested(Sj), s.d, regime)]
            if point.exact:  # bidegree (1, 1): normalise each row by its own largest entry
                vals = [x / (si * sj) for x in vals]
            mags = [(M, 0) for M, _ in _family_magnitudes("cross_row_quadric", s.d, s.a, regime)]
            out.append(_judge("cross_row_quadric", f"{i},{j}", vals, mags, point, method, 1))
        for f in fams:
            if f == "linear" or family_info(f).regime != regime:
                continue
            parts = []
            for c in ROW_COMBINATIONS:
                comb = (Si / si + (Sj / sj) * c) if point.exact else Si + Sj * c
                m = max(abs(x) for x in np.asarray(comb).ravel())
                if m:
                    comb = comb / m
                    v = _family_verdict(f, None, *((comb, None) if regime == "cross" else (None, comb)),
                                        s, point, method, 1)
                    if v is not None:
                        parts.append(v)
            if parts:
                out.append(FamilyVerdict(f"{f} (row combinations)", f"{i},{j}", all(v.ok for v in parts),
                                         sum(v.generators for v in parts), sum(v.failing for v in parts),
                                         max(v.max_value for v in parts), parts[0].method))
    return out


def _abs_float(v: Any) -> float:
    """``|v|`` as a float for reports; ``inf`` when an exact value is beyond the float range."""
    try:
        return abs(float(v))
    except OverflowError:
        return math.inf


def _linear_verdict(point, i, T, P, method):
    """Symmetry of T in (k, k') and P = Sym_3(T): linear forms with M = 2 (see :data:`TOLERANCE_MODEL`)."""
    bad = sum(1 for f in point.raw_linear_failures if f[0] == i)
    mx = 0.0
    n = 0
    if T is not None:
        scale = max((abs(x) for ten in (T, P) if ten is not None for x in np.asarray(ten).ravel()), default=0) or 1
        d = point.shape.d
        diffs = []
        for k in range(d):
            for k2 in range(d):
                for l in range(d):
                    diffs.append(T[k, k2, l] - T[k2, k, l])
        if P is not None:
            S = symmetrize3(T[None])[0]
            diffs.extend(P[idx] - S[idx] for idx in np.ndindex(P.shape))
        for diff in diffs:
            n += 1
            rel = _abs_float(diff / scale) / 2
            mx = max(mx, rel) if rel == rel else math.inf
            if (diff != 0) if point.exact else not rel <= point.tolerance:
                bad += 1
    return FamilyVerdict("linear", i, bad == 0, n, bad, mx, method)


def _lie_rank_verdict(P, s, i, point, method):
    M = lie_flattening_matrix(_nested(P), s.d)
    n = s.d * s.d - 1
    if point.exact:
        from ..linalg_exact import rank_exact

        r = rank_exact(M)
        rel = 0.0
    else:
        sv = np.linalg.svd(np.array(M, dtype=float), compute_uv=False)
        r = int(np.sum(sv > point.tolerance * sv[0])) if sv[0] > 0 else 0
        rel = float(sv[n - 1] / sv[0]) if sv[0] > 0 and len(sv) >= n else 0.0
    return FamilyVerdict("lie_flattening", i, r < n, 1, int(r >= n), rel, method + " (rank test; residual sigma_min/sigma_max)")
