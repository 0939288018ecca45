"""One entry point for every network file format, chosen by the file's extension.

============  ==========================================================================
extension     format
============  ==========================================================================
``.json``     the package's network file (exact or float; see the README)
``.onnx``     an ONNX graph of a fully connected ReLU network (:mod:`.onnx_io`)
``.safetensors``  named weight tensors (:mod:`.weights`), layer order automatic or given
``.npz``      NumPy archive of named weight tensors (:mod:`.weights`), same rules
============  ==========================================================================

Any other extension is read as JSON (the behaviour of :func:`expressivity.load_network` before
the other formats existed).  Writing is stricter: :func:`write_network` and :func:`convert_network`
refuse an output with any other extension unless the format is given (``format=``; CLI
``--format``), so ``out.xyz`` is never silently written as JSON.  :func:`convert_network` converts
between formats and number kinds and reports how far the weights moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from os import PathLike
from pathlib import Path
from typing import Any, Literal, Sequence

import numpy as np

from ..exceptions import InvalidInputError
from ..relu.network import ReLUNetwork

__all__ = ["network_format", "read_network", "write_network", "convert_network", "max_weight_deviation",
           "ConversionReport", "FORMATS"]

FORMATS = {".json": "json", ".onnx": "onnx", ".safetensors": "safetensors", ".npz": "npz"}
"""File extension -> format name."""

Format = Literal["json", "onnx", "safetensors", "npz"]


def network_format(path: str | PathLike[str], *, default: str | None = "json") -> str:
    """The format of ``path`` by its extension (``default`` for other extensions; None refuses them).

    Examples
    --------
    >>> network_format("net.ONNX"), network_format("weights.safetensors"), network_format("net.txt")
    ('onnx', 'safetensors', 'json')
    """
    fmt = FORMATS.get(Path(path).suffix.lower(), default)
    if fmt is None:
        raise InvalidInputError(f"{str(path)!r}: unknown network file extension; use one of {', '.join(FORMATS)}")
    return fmt


def _given_format(path: str | PathLike[str], format: str | None, *, default: str | None) -> str:
    """``format`` when given (checked), else the format of ``path``'s extension."""
    if format is None:
        if default is None and Path(path).suffix.lower() not in FORMATS:
            raise InvalidInputError(f"{Path(path).name!r}: unknown network file extension; use one of "
                                    f"{', '.join(FORMATS)}, or give the format (format= / --format json|onnx|safetensors|npz)")
        return network_format(path, default=default)
    if format not in FORMATS.values():
        raise InvalidInputError(f"unknown network file format {format!r}; use one of {', '.join(FORMATS.values())}")
    return format


def read_network(path: str | PathLike[str], *, layer_order: Sequence[str] | str | None = None,
                 activations: Sequence[str] | str | None = None, format: str | None = None) -> ReLUNetwork:
    """Read a network file of any supported format (by extension, or ``format`` when given).

    ``layer_order`` and ``activations`` apply to weight files (``.safetensors``, ``.npz``) only.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> net = ReLUNetwork.from_matrices([[[1, -1]], [[2]]])
    >>> _ = write_network(net, d / "n.npz")
    >>> read_network(d / "n.npz") == net
    True
    """
    fmt = _given_format(path, format, default="json")
    if fmt in ("json", "onnx") and (layer_order is not None or activations is not None):
        raise InvalidInputError(f"{Path(path).name}: a layer order or activations apply to .safetensors and .npz "
                                "weight files only")
    if fmt == "json":
        from ..relu.network_io import load_json_network

        return load_json_network(path)
    if fmt == "onnx":
        from .onnx_io import load_onnx

        return load_onnx(path)
    from .weights import load_npz, load_safetensors

    reader = load_safetensors if fmt == "safetensors" else load_npz
    return reader(path, layer_order=layer_order, activations=activations)


def write_network(net: ReLUNetwork, path: str | PathLike[str], *, dtype: str = "float64",
                  round_weights: bool = False, format: str | None = None) -> Path:
    """Write ``net`` in the format of ``path``'s extension, or ``format`` (atomically).

    JSON keeps exact networks exact.  The float formats store exact networks only when every
    weight is a float64 number, unless ``round_weights`` (each weight rounded once).  ``dtype``
    (``"float64"`` or ``"float32"``) applies to the float formats.  An extension other than
    ``.json``, ``.onnx``, ``.safetensors`` and ``.npz`` is refused (``InvalidInputError``) unless
    ``format`` names one of ``"json"``, ``"onnx"``, ``"safetensors"``, ``"npz"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> net = ReLUNetwork.from_matrices([[[1, -1]], [[2]]])
    >>> write_network(net, d / "n.xyz")
    Traceback (most recent call last):
    ...
    expressivity.exceptions.InvalidInputError: 'n.xyz': unknown network file extension; use one of .json, .onnx, .safetensors, .npz, or give the format (format= / --format json|onnx|safetensors|npz)
    >>> read_network(write_network(net, d / "n.xyz", format="npz"), format="npz") == net
    True
    """
    fmt = _given_format(path, format, default=None)
    if fmt == "json":
        if dtype != "float64":
            raise InvalidInputError("dtype float32 applies to .onnx, .safetensors and .npz outputs only")
        from ..relu.network_io import save_json_network

        return save_json_network(net.to_float() if round_weights else net, path)
    if fmt == "onnx":
        from .onnx_io import save_onnx

        return save_onnx(net, path, dtype=dtype, round_weights=round_weights)
    from .weights import save_npz, save_safetensors

    writer = save_safetensors if fmt == "safetensors" else save_npz
    return writer(net, path, dtype=dtype, round_weights=round_weights)


@dataclass(frozen=True)
class ConversionReport:
    """What :func:`convert_network` did: formats, kinds, and the largest change of a weight."""

    source: str
    target: str
    source_format: str
    target_format: str
    source_kind: str
    target_kind: str
    conversion: str
    max_deviation: Fraction
    network: ReLUNetwork

    def to_json(self) -> dict[str, Any]:
        n = self.network
        return {"input": self.source, "output": self.target, "input_format": self.source_format,
                "output_format": self.target_format, "input_kind": self.source_kind, "output_kind": self.target_kind,
                "conversion": self.conversion, "max_deviation": self.max_deviation,
                "max_deviation_float": float(self.max_deviation), "input_dim": n.input_dim,
                "widths": list(n.widths), "output_dim": n.output_dim, "layers": len(n.layers),
                "hidden_layers": n.hidden_layers, "method": "exact"}


def max_weight_deviation(a: ReLUNetwork, b: ReLUNetwork) -> Fraction:
    """``max |w_a - w_b|`` over all weights and biases, computed exactly (floats at their binary value).

    Examples
    --------
    >>> a = ReLUNetwork.from_matrices([[[0.1]]])
    >>> max_weight_deviation(a, a.to_exact(max_denominator=10))
    Fraction(1, 180143985094819840)
    """
    worst = Fraction(0)
    for la, lb in zip(a.layers, b.layers):
        for x, y in ((la.weight, lb.weight), (la.bias, lb.bias)):
            x, y = np.ravel(x), np.ravel(y)
            if x.dtype == np.float64 and y.dtype == np.float64:
                # rounding is monotone: the exact maximum is among the entries of maximal float |x - y|
                with np.errstate(over="ignore"):
                    d = np.abs(x - y)
                if not d.size or d.max() == 0:
                    continue
                x, y = x[d == d.max()], y[d == d.max()]
            for u, v in zip(x.tolist(), y.tolist()):
                worst = max(worst, abs(Fraction(u) - Fraction(v)))
    return worst


def _float32_view(net: ReLUNetwork) -> ReLUNetwork:
    from ..relu.network import Layer

    layers = tuple(Layer(l.weight.astype(np.float32).astype(np.float64), l.bias.astype(np.float32).astype(np.float64),
                         l.activation, "float") for l in net.layers)
    return ReLUNetwork(net.input_dim, layers)


def convert_network(source: str | PathLike[str], target: str | PathLike[str], *,
                    to: Literal["exact", "float"] | None = None, max_denominator: int | None = None,
                    dtype: str = "float64", layer_order: Sequence[str] | str | None = None,
                    activations: Sequence[str] | str | None = None,
                    format: str | None = None) -> ConversionReport:
    """Convert a network file to another format and/or number kind.

    ``to="exact"`` takes every float at its exact binary value, or (with ``max_denominator=Q``) the
    closest fraction with denominator at most Q -- a deliberate change of the function, whose size
    is reported as ``max_deviation``.  ``to="float"`` rounds each rational once.  ``to=None`` keeps
    the kind (exact networks go to float formats only when every weight is a float64 number).
    The output format is that of ``target``'s extension, or ``format`` (``"json"``, ``"onnx"``,
    ``"safetensors"``, ``"npz"``); an unknown extension without ``format`` is refused before
    anything is read.  The output never replaces the input.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_network(ReLUNetwork.from_matrices([[[0.1, 1.0]], [[2.0]]]), d / "f.onnx")
    >>> rep = convert_network(d / "f.onnx", d / "q.json", to="exact", max_denominator=10)
    >>> rep.target_kind, rep.conversion, rep.network.layers[0].weight[0, 0]
    ('exact', 'exact, max denominator 10', Fraction(1, 10))
    """
    from .._io import check_output_path

    src, dst = Path(source), Path(target)
    check_output_path(dst, inputs=(src,), what="output")
    if max_denominator is not None and to != "exact":
        raise InvalidInputError("a maximal denominator applies to a conversion to exact numbers (--exact)")
    if max_denominator is not None and (isinstance(max_denominator, bool) or int(max_denominator) < 1):
        raise InvalidInputError(f"the maximal denominator must be a positive integer, got {max_denominator!r}")
    out_fmt = _given_format(dst, format, default=None)
    net = read_network(src, layer_order=layer_order, activations=activations)
    if max_denominator is not None and out_fmt != "json":
        raise InvalidInputError(f"rationals with a bounded denominator are written as JSON; {dst.name} is a "
                                f"{out_fmt} file, which stores floats (write .json)")
    if to == "exact":
        new = net.to_exact(max_denominator=max_denominator)
        what = "exact binary values" if net.kind == "float" and max_denominator is None else (
            f"exact, max denominator {max_denominator}" if net.kind == "float" else "none (already exact)")
    elif to == "float":
        new, what = net.to_float(), ("rounded to float64" if net.kind == "exact" else "none (already float)")
    elif to is None:
        new, what = net, "none"
    else:
        raise InvalidInputError(f"to must be 'exact', 'float' or None, got {to!r}")
    if dtype == "float32":
        if new.kind == "exact":
            new = new.to_float()
        new, what = _float32_view(new), what + "; rounded to float32"
    write_network(new, dst, dtype=dtype, format=out_fmt)
    written = read_network(dst, format=out_fmt)
    dev = max_weight_deviation(net, written)
    return ConversionReport(str(src), str(dst), network_format(src), out_fmt, net.kind, written.kind, what, dev, written)
