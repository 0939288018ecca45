"""Tensor checks shared by the ONNX and weight-file readers and writers.

Stored floats are taken at their exact binary value: float16 and float32 tensors are converted to
float64 without rounding (every float16/float32 number is a float64 number), NaN and infinities are
refused naming the tensor and the entry.  Exact networks are written as floats only when every
weight is a float64 number (integers, dyadic rationals of moderate size); otherwise the caller must
round deliberately.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..exceptions import NetworkFileError, NonFiniteError, NumberTypeError
from ..relu.network import ReLUNetwork

__all__ = ["float64_tensor", "float_view_of_exact", "to_storage_kind", "KIND_KEY", "ACTIVATIONS_KEY"]

KIND_KEY = "expressivity.kind"
"""Metadata key recording the number kind of the network that was written ("exact" or "float")."""

ACTIVATIONS_KEY = "expressivity.activations"
"""Metadata key recording the activation of every layer, comma separated ("relu,relu,linear")."""

_FLOAT_KINDS = ("float16", "float32", "float64")


def float64_tensor(array: np.ndarray, where: str) -> np.ndarray:
    """``array`` as float64 without rounding; refuse non-float dtypes, NaN and infinities.

    Examples
    --------
    >>> float64_tensor(np.array([0.1], dtype=np.float32), "w").tolist() == [float(np.float32(0.1))]
    True
    >>> float64_tensor(np.array([1.0, np.nan]), "fc1.weight")
    Traceback (most recent call last):
    ...
    expressivity.exceptions.NonFiniteError: fc1.weight[1]: nan is not a finite number
    """
    arr = np.asarray(array)
    if arr.dtype.name not in _FLOAT_KINDS:
        raise NetworkFileError(f"{where}: has dtype {arr.dtype.name}; weights must be float16, float32 or float64")
    out = arr.astype(np.float64)  # exact: float16/32 values are float64 values
    bad = ~np.isfinite(out)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise NonFiniteError(f"{where}{''.join(f'[{i}]' for i in idx)}: {out[idx]} is not a finite number")
    return out


def float_view_of_exact(net: ReLUNetwork, *, round_weights: bool) -> ReLUNetwork:
    """A float network computing the same function as the exact ``net``, or a deliberate rounding.

    Without ``round_weights`` every rational weight must be a float64 number (checked exactly);
    otherwise :class:`NumberTypeError` names the first weight that is not.

    Examples
    --------
    >>> net = ReLUNetwork.from_matrices([[[1, Fraction(1, 2)]], [[3]]])
    >>> float_view_of_exact(net, round_weights=False).kind
    'float'
    >>> third = ReLUNetwork.from_matrices([[[Fraction(1, 3)]]])
    >>> float_view_of_exact(third, round_weights=False)
    Traceback (most recent call last):
    ...
    expressivity.exceptions.NumberTypeError: layers[0].weight[0][0] = 1/3 is not a float64 number: this format stores floats; round deliberately (expressivity convert --float, or round_weights=True)
    """
    if net.kind == "float":
        return net
    flt = net.to_float()
    if round_weights:
        return flt
    for i, (le, lf) in enumerate(zip(net.layers, flt.layers)):
        for name in ("weight", "bias"):
            exact, approx = getattr(le, name), getattr(lf, name)
            for idx, v in np.ndenumerate(exact):
                if Fraction(float(approx[idx])) != v:
                    pos = "".join(f"[{j}]" for j in idx)
                    raise NumberTypeError(
                        f"layers[{i}].{name}{pos} = {v} is not a float64 number: this format stores floats; "
                        "round deliberately (expressivity convert --float, or round_weights=True)")
    return flt


def to_storage_kind(net: ReLUNetwork, kind: str | None) -> ReLUNetwork:
    """Apply a stored kind marker: ``"exact"`` turns floats into their exact binary values.

    Examples
    --------
    >>> to_storage_kind(ReLUNetwork.from_matrices([[[0.5]]]), "exact").kind
    'exact'
    """
    if kind == "exact":
        return net.to_exact()
    return net


