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

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import ComputationTooLargeError, NetworkFileError, NonFiniteError, ShapeError
from ..numbers import fraction_to_float, shorten, to_fraction
from .families import applicable_families, family_info, family_values, lie_flattening_matrix, linear_relations
from .model import LightningShape, coefficient_count, entry_labels, pairs, symmetrize3

__all__ = ["CoefficientPoint", "FamilyVerdict", "PointReport", "load_point", "point_from_dict", "point_to_dict",
           "check_point", "FORMAT_NAME"]

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
    family: str
    row: int
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


def check_point(point: CoefficientPoint, families: list[str] | None = None, *,
                max_seconds: float | None = None) -> PointReport:
    """Evaluate every applicable family on every output row and report which fail.

    Exact mode: a family fails when one generator is non-zero (a proof of non-membership).
    Float mode: the tensors are divided by ``s = max(1, max|T|, max|P|)`` first (every generator is
    homogeneous, so it vanishes at ``T`` iff at ``T / s``), and a generator fails when its value
    there exceeds ``tolerance``; ``max_value`` is reported for the scaled tensor.

    The work is estimated first (:func:`.cost.estimate_check_point_seconds`); beyond
    ``max_seconds`` (default 3600, ``--max-estimated-seconds``) :class:`ComputationTooLargeError`
    is raised before evaluating anything.
    """
    from .cost import DEFAULT_MAX_SECONDS, _human_seconds, estimate_check_point_seconds

    s = point.shape
    fams = families or applicable_families(s.d, s.a, s.t)
    limit = DEFAULT_MAX_SECONDS if max_seconds is None else max_seconds
    secs, worst = estimate_check_point_seconds(s, fams, point.exact)
    if secs > limit:
        raise ComputationTooLargeError(
            f"checking a point with d = {s.d}, a = {s.a}, d' = {s.dprime} is estimated at {_human_seconds(secs)} "
            f"(mostly family {worst!r}), over the limit of {_human_seconds(limit)}; "
            "raise --max-estimated-seconds (max_seconds=) to run it anyway")
    verdicts = []
    method = "exact" if point.exact else "numeric"
    for i in range(s.dprime):
        T = point.cross[i] if point.cross is not None else None
        P = point.pure[i] if point.pure is not None else None
        if not point.exact:  # scale: values stay far from float overflow (homogeneous families)
            scale = max([1.0] + [float(np.max(np.abs(x))) for x in (T, P) if x is not None])
            T = None if T is None else T / scale
            P = None if P is None else P / scale
        for f in fams:
            if f == "linear":
                verdicts.append(_linear_verdict(point, i, T, P, method))
                continue
            ten = T if family_info(f).regime == "cross" else P
            if ten is None:
                continue
            try:
                vals = [v for _, v in family_values(f, _nested(ten), s.d, s.a)]
            except ComputationTooLargeError:
                verdicts.append(_lie_rank_verdict(ten, s, i, point, method))
                continue
            if point.exact:
                bad = sum(1 for v in vals if v != 0)
            else:
                bad = sum(1 for v in vals if not abs(float(v)) <= point.tolerance)  # NaN fails
            mx = max((_abs_float(v) for v in vals), default=0.0)
            verdicts.append(FamilyVerdict(f, i, bad == 0, len(vals), bad, mx, method))
    return PointReport(point, tuple(verdicts))


def _abs_float(v: Any) -> float:
    """``|v|`` as a float for reports; ``inf`` when an exact value is beyond the float range."""
    try:
        return abs(float(v))
    except OverflowError:
        return math.inf


def _linear_verdict(point, i, T, P, method):
    bad = sum(1 for f in point.raw_linear_failures if f[0] == i)
    mx = 0.0
    n = 0
    if T is not None:
        d = point.shape.d
        for k in range(d):
            for k2 in range(d):
                for l in range(d):
                    n += 1
                    diff = T[k, k2, l] - T[k2, k, l]
                    mx = max(mx, _abs_float(diff))
                    if (diff != 0) if point.exact else not abs(diff) <= point.tolerance * max(1.0, abs(T[k, k2, l])):
                        bad += 1
        if P is not None:
            S = symmetrize3(T[None])[0]
            for idx in np.ndindex(P.shape):
                n += 1
                diff = P[idx] - S[idx]
                mx = max(mx, _abs_float(diff))
                if (diff != 0) if point.exact else not abs(diff) <= point.tolerance * max(1.0, abs(P[idx])):
                    bad += 1
    return FamilyVerdict("linear", i, bad == 0, n, bad, mx, method)


def _lie_rank_verdict(P, s, i, point, method):
    M = lie_flattening_matrix(_nested(P), s.d)
    n = s.d * s.d - 1
    if point.exact:
        from ..linalg_exact import rank_exact

        r = rank_exact(M)
    else:
        sv = np.linalg.svd(np.array(M, dtype=float), compute_uv=False)
        r = int(np.sum(sv > point.tolerance * max(sv[0], 1.0)))
    return FamilyVerdict("lie_flattening", i, r < n, 1, int(r >= n), float(r), method + " (rank test)")
