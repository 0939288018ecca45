"""Trained attention heads in: ``(V, Q, K)`` from ``.npz`` / ``.safetensors`` files.

A lightning attention head has ``Q, K in R^{a x d}``, ``V in R^{d' x d}`` and ``A = Q^T K``.  The
coefficient point (cross and pure tensors of every output row) is computed here from the
weights, so ``check-point`` can test it against the invariant families; the rank of ``A`` is
reported against the claimed attention dimension ``a``.

Float weights give a float point (scale-invariant tolerance model of
:data:`expressivity.attention.check_point.TOLERANCE_MODEL`); integer weights give an exact point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np

from ..exceptions import ComputationTooLargeError, InvalidInputError, NetworkFileError, NonFiniteError, ShapeError
from .check_point import CoefficientPoint
from .model import LightningParameters, LightningShape, cross_tensor, symmetrize3

__all__ = ["WeightsFileError", "RankReport", "load_weights", "point_from_weights", "attention_rank", "WEIGHT_SUFFIXES",
           "MAX_WEIGHT_ENTRIES"]

WEIGHT_SUFFIXES = (".npz", ".safetensors")
MAX_WEIGHT_ENTRIES = 10 ** 6
"""Most entries ``V``, ``Q`` and ``K`` may have together (the check is cubic in d anyway)."""
MAX_POINT_ENTRIES = 10 ** 7
"""Most cross coefficients ``d' d^3`` :func:`point_from_weights` builds (80 MB of floats)."""


class WeightsFileError(NetworkFileError):
    """A weights file cannot be read or lacks V, Q, K; the message names the file and the tensor."""


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    suffix = path.suffix.lower()
    if suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as z:
                return {k: np.asarray(z[k]) for k in z.files}
        except (OSError, ValueError, EOFError) as exc:
            raise WeightsFileError(f"{path}: not a readable .npz archive ({str(exc).splitlines()[0][:120]})") from None
    if suffix == ".safetensors":
        try:
            from safetensors.numpy import load_file
        except ImportError:  # pragma: no cover - optional dependency
            raise WeightsFileError(f"{path}: reading .safetensors needs the 'safetensors' package") from None
        try:
            return dict(load_file(str(path)))
        except Exception as exc:  # the package raises its own error types for corrupt headers
            raise WeightsFileError(f"{path}: not a readable .safetensors file ({str(exc).splitlines()[0][:120]})") from None
    raise WeightsFileError(f"{path}: expected a {' or '.join(WEIGHT_SUFFIXES)} file")


def _pick(arrays: dict, name: str, path: Path) -> np.ndarray:
    matches = [k for k in arrays if k == name] or [k for k in arrays if k.lower() == name.lower()]
    if not matches:
        raise WeightsFileError(f"{path}: no tensor named {name!r} (found: {', '.join(sorted(arrays)[:10]) or 'none'})")
    arr = arrays[matches[0]]
    if arr.ndim != 2:
        raise ShapeError(f"{path}: tensor {name!r} must be a matrix, got shape {arr.shape}")
    if arr.dtype.kind not in "fiu":
        raise WeightsFileError(f"{path}: tensor {name!r} must be real numbers, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise NonFiniteError(f"{path}: tensor {name!r} contains NaN or infinity")
    return arr


def load_weights(path: str | Path, names: Sequence[str] = ("V", "Q", "K")) -> LightningParameters:
    """Read ``V (d' x d)``, ``Q (a x d)``, ``K (a x d)`` from a ``.npz`` or ``.safetensors`` file.

    Tensor names are matched exactly, then case-insensitively.  Integer tensors stay exact
    (object arrays of ``int``); float tensors become float64.

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "head.npz")
    >>> np.savez(f, V=np.ones((1, 3)), Q=np.eye(2, 3), K=np.eye(2, 3))
    >>> p = load_weights(f)
    >>> p.V.shape, p.Q.shape
    ((1, 3), (2, 3))
    """
    path = Path(path)
    if len(names) != 3:
        raise InvalidInputError(f"names must be three tensor names (V, Q, K), got {list(names)}")
    if not path.is_file():
        raise WeightsFileError(f"{path}: no such file")
    arrays = _read_arrays(path)
    V, Q, K = (_pick(arrays, n, path) for n in names)
    if Q.shape != K.shape:
        raise ShapeError(f"{path}: Q and K must have the same shape (a x d), got {Q.shape} and {K.shape}")
    if V.shape[1] != Q.shape[1]:
        raise ShapeError(f"{path}: V must have d = {Q.shape[1]} columns like Q and K (V is d' x d), got {V.shape}")
    if V.size + Q.size + K.size > MAX_WEIGHT_ENTRIES:
        raise InvalidInputError(f"{path}: {V.size + Q.size + K.size} weight entries, more than MAX_WEIGHT_ENTRIES = "
                                f"{MAX_WEIGHT_ENTRIES}")
    if min(V.shape + Q.shape) < 1:
        raise ShapeError(f"{path}: empty tensor (V {V.shape}, Q {Q.shape})")
    exact = all(x.dtype.kind in "iu" for x in (V, Q, K))
    conv = (lambda x: np.array([[int(v) for v in row] for row in x], dtype=object)) if exact else \
        (lambda x: x.astype(np.float64))
    return LightningParameters(conv(V), conv(Q), conv(K))


@dataclass(frozen=True)
class RankReport:
    """Rank of ``A = Q^T K`` against the claimed attention dimension ``a``."""

    claimed: int
    rank: int
    singular_values: tuple
    method: str

    @property
    def ok(self) -> bool:
        return self.rank <= self.claimed

    def to_json(self) -> dict:
        return {"claimed_a": self.claimed, "rank_A": self.rank, "ok": self.ok, "method": self.method,
                "singular_values": list(self.singular_values)}


def attention_rank(params: LightningParameters, claimed: int, tolerance: float = 1e-9) -> RankReport:
    """Rank of ``A = Q^T K``: exact over Q for integer weights, else singular values > ``tolerance * sigma_1``.

    Examples
    --------
    >>> p = LightningParameters(np.ones((1, 3)), np.eye(2, 3), np.eye(2, 3))
    >>> r = attention_rank(p, 1); (r.rank, r.ok)
    (2, False)
    """
    A = params.A
    sv = np.linalg.svd(np.asarray(A, dtype=float), compute_uv=False)
    if A.dtype == object:
        from ..linalg_exact import rank_exact

        return RankReport(claimed, rank_exact(A.tolist()), tuple(float(x) for x in sv), "exact")
    r = int(np.sum(sv > tolerance * sv[0])) if sv.size and sv[0] > 0 else 0
    return RankReport(claimed, r, tuple(float(x) for x in sv),
                      f"numeric: singular values above {tolerance:g} * sigma_1")


def point_from_weights(params: LightningParameters, t: int = 2, a: int | None = None,
                       tolerance: float = 1e-9) -> CoefficientPoint:
    """The coefficient point of the module ``(V, Q, K)`` with ``t`` tokens, labelled with attention dimension ``a``.

    ``a`` defaults to ``min(rows of Q, d)``.  Exact for integer weights.

    Examples
    --------
    >>> from expressivity.attention.check_point import check_point
    >>> rng = np.random.default_rng(0)
    >>> p = LightningParameters(rng.standard_normal((1, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3)))
    >>> check_point(point_from_weights(p, t=2)).consistent
    True
    """
    d = params.V.shape[1]
    a = min(params.Q.shape[0], d) if a is None else a
    shape = LightningShape(d, a, t, params.V.shape[0])
    if not (isinstance(tolerance, float) and 0 < tolerance <= 1 and math.isfinite(tolerance)):
        raise InvalidInputError(f"tolerance must be a float in (0, 1], got {tolerance!r}")
    if shape.dprime * d ** 3 > MAX_POINT_ENTRIES:
        raise ComputationTooLargeError(
            f"the coefficient point of d = {d}, d' = {shape.dprime} has {shape.dprime * d ** 3} cross coefficients "
            f"(> MAX_POINT_ENTRIES = {MAX_POINT_ENTRIES}); checking it would be far beyond any time limit")
    exact = params.V.dtype == object
    V = np.vectorize(Fraction, otypes=[object])(params.V) if exact else params.V
    A = np.vectorize(Fraction, otypes=[object])(params.A) if exact else params.A
    T = cross_tensor(V, A)
    P = symmetrize3(T)
    return CoefficientPoint(shape, T if t >= 2 else None, P, exact, tolerance)
