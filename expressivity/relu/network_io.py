"""The JSON network file format.

A network file is one JSON object::

    {
      "format": "expressivity-network",      (optional)
      "version": 1,                          (optional)
      "kind": "exact" | "float",             (optional; inferred otherwise)
      "input_dim": 2,
      "layers": [
        {"weight": [["1", "-1"], ["0", "1"], ["0", "-1"]], "bias": ["0", "0", "0"], "activation": "relu"},
        {"weight": [["1", "1", "-1"]], "bias": ["0"], "activation": "linear"}
      ]
    }

Numbers are either JSON numbers (a *float* network) or strings ``"p/q"``, ``"3"``,
``"1.25"`` or ``"1.5e-3"`` (an *exact* network, read as rationals by
:func:`expressivity.numbers.to_fraction`, within its documented digit and exponent limits).
In an exact file, JSON numbers with an integral value are also accepted and read exactly from
their text (``1e3`` is 1000, ``2.0`` is 2); non-integral JSON numbers are rejected, because
they would silently turn a float into a rational.  Without ``"kind"`` a file is exact when it
contains any string number and float otherwise.  Every error names the offending field, e.g.
``layers[1].weight[0][2]``, and quotes at most 20 characters of an offending value.

Files are read with :func:`expressivity._jsonfile.read_json_file` (size, nesting, encoding and
number-length limits).

:func:`load_network` and :func:`save_network` also read and write ``.onnx``, ``.safetensors`` and
``.npz`` files, chosen by the extension (:mod:`expressivity.interop`, imported only for those files).
"""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .._io import atomic_write_text
from .._jsonfile import read_json_file
from ..exceptions import ExpressivityError, NetworkFileError
from ..numbers import NumberKind, format_fraction, fraction_to_float, shorten, to_fraction
from .network import Layer, ReLUNetwork

__all__ = ["load_network", "save_network", "load_json_network", "save_json_network", "network_from_dict",
           "network_to_dict", "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "expressivity-network"
FORMAT_VERSION = 1
_KNOWN_KEYS = {"format", "version", "kind", "input_dim", "layers", "name", "description", "metadata"}
_LAYER_KEYS = {"weight", "bias", "activation"}
_OTHER_FORMATS = (".onnx", ".safetensors", ".npz")  # read by expressivity.interop


def _has_string_number(obj: Any) -> bool:
    if isinstance(obj, str):
        return True
    if isinstance(obj, list):
        return any(_has_string_number(v) for v in obj)
    return False


def _show(v: Any) -> str:
    """A JSON value for an error message, at most ~40 characters."""
    try:
        text = json.dumps(v) if not isinstance(v, (int, float)) or isinstance(v, bool) else repr(v)
    except ValueError:  # an int beyond sys.get_int_max_str_digits()
        return f"an integer of {v.bit_length()} bits"
    return text if len(text) <= 40 else shorten(text)


def _read_exact_number(v: Any, where: str) -> Any:
    if isinstance(v, float):
        text = getattr(v, "text", None)  # JSONFloat from read_json_file: read the decimal exactly
        exact = to_fraction(text, where=where) if text is not None and v == v else None
        if exact is None:
            if not v.is_integer():
                raise NetworkFileError(
                    f"{where}: the float {_show(v)} appears in an exact network; write it as a string like \"p/q\"")
            exact = to_fraction(int(v), where=where)
        if exact.denominator != 1:
            raise NetworkFileError(
                f"{where}: the non-integral JSON number {shorten(text or repr(v))} appears in an exact network; "
                "write it as a string like \"p/q\" or \"1.25\"")
        return exact
    return to_fraction(v, where=where)


def _read_number(v: Any, kind: NumberKind, where: str) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        raise NetworkFileError(f"{where}: expected a number, got {_show(v)}")
    try:
        if kind == "exact":
            return _read_exact_number(v, where)
        if isinstance(v, str):
            raise NetworkFileError(f"{where}: the string {shorten(v)} appears in a float network (\"kind\": \"float\")")
        return fraction_to_float(v, where=where)
    except NetworkFileError:
        raise
    except ExpressivityError as exc:
        raise NetworkFileError(str(exc)) from None


def _read_vector(v: Any, kind: NumberKind, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise NetworkFileError(f"{where}: expected a list of numbers, got {_show(v)}")
    return [_read_number(x, kind, f"{where}[{i}]") for i, x in enumerate(v)]


def network_from_dict(data: Any) -> ReLUNetwork:
    """Build a :class:`ReLUNetwork` from the parsed JSON object (see module docstring)."""
    if not isinstance(data, dict):
        raise NetworkFileError(f"a network file must hold a JSON object, got {type(data).__name__}")
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise NetworkFileError(f"unknown top-level field(s) {_show(sorted(unknown))}; allowed: {sorted(_KNOWN_KEYS)}")
    if "format" in data and data["format"] != FORMAT_NAME:
        raise NetworkFileError(f"format: expected {FORMAT_NAME!r}, got {_show(data['format'])}")
    if "version" in data and data["version"] != FORMAT_VERSION:
        raise NetworkFileError(f"version: this toolkit reads version {FORMAT_VERSION}, got {_show(data['version'])}")
    if "input_dim" not in data:
        raise NetworkFileError("input_dim: missing (the number of network inputs)")
    d = data["input_dim"]
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        raise NetworkFileError(f"input_dim: expected a positive integer, got {_show(d)}")
    layers_raw = data.get("layers")
    if not isinstance(layers_raw, list) or not layers_raw:
        raise NetworkFileError("layers: expected a non-empty list of layer objects")
    kind = data.get("kind")
    if kind is None:
        kind = "exact" if _has_string_number([[l.get("weight"), l.get("bias")] for l in layers_raw if isinstance(l, dict)]) else "float"
    if kind not in ("exact", "float"):
        raise NetworkFileError(f"kind: expected 'exact' or 'float', got {_show(kind)}")
    layers = []
    prev = d
    for i, raw in enumerate(layers_raw):
        where = f"layers[{i}]"
        if not isinstance(raw, dict):
            raise NetworkFileError(f"{where}: expected an object with weight, bias, activation")
        unknown = set(raw) - _LAYER_KEYS
        if unknown:
            raise NetworkFileError(f"{where}: unknown field(s) {_show(sorted(unknown))}; allowed: {sorted(_LAYER_KEYS)}")
        if "weight" not in raw:
            raise NetworkFileError(f"{where}.weight: missing")
        w_raw = raw["weight"]
        if not isinstance(w_raw, list) or not w_raw:
            raise NetworkFileError(f"{where}.weight: expected a non-empty list of rows")
        rows = [_read_vector(r, kind, f"{where}.weight[{j}]") for j, r in enumerate(w_raw)]
        for j, r in enumerate(rows):
            if len(r) != prev:
                raise NetworkFileError(
                    f"{where}.weight[{j}]: has {len(r)} entries but the layer input has {_show(prev)} values"
                )
        out = len(rows)
        if "bias" in raw:
            b = _read_vector(raw["bias"], kind, f"{where}.bias")
            if len(b) != out:
                raise NetworkFileError(f"{where}.bias: has {len(b)} entries but weight has {out} rows")
        else:
            b = [to_fraction(0) if kind == "exact" else 0.0] * out
        act = raw.get("activation", "relu")
        if act not in ("relu", "linear"):
            raise NetworkFileError(f"{where}.activation: expected 'relu' or 'linear', got {_show(act)}")
        dtype = object if kind == "exact" else np.float64
        layers.append(Layer(np.array(rows, dtype=dtype), np.array(b, dtype=dtype), act, kind))
        prev = out
    return ReLUNetwork(d, tuple(layers))


def network_to_dict(net: ReLUNetwork) -> dict[str, Any]:
    """The JSON-ready object for ``net``: strings ``"p/q"`` when exact, numbers when float."""
    fmt = format_fraction if net.kind == "exact" else float

    def conv(a: np.ndarray) -> Any:
        if a.ndim == 1:
            return [fmt(v) for v in a]
        return [conv(r) for r in a]

    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "kind": net.kind,
        "input_dim": net.input_dim,
        "layers": [
            {"weight": conv(layer.weight), "bias": conv(layer.bias), "activation": layer.activation}
            for layer in net.layers
        ],
    }


def load_json_network(path: str | PathLike[str]) -> ReLUNetwork:
    """Read a JSON network file; malformed files raise :class:`NetworkFileError` naming the field."""
    p = Path(path)
    data = read_json_file(p, NetworkFileError, "network file")
    try:
        return network_from_dict(data)
    except NetworkFileError as exc:
        raise NetworkFileError(f"{p}: {exc}") from None


def save_json_network(net: ReLUNetwork, path: str | PathLike[str]) -> Path:
    """Write ``net`` as a JSON network file (exact rationals as strings, floats as JSON numbers)."""
    return atomic_write_text(Path(path), json.dumps(network_to_dict(net), indent=1) + "\n")


def _is_other_format(path: str | PathLike[str]) -> bool:
    return Path(path).suffix.lower() in _OTHER_FORMATS


def load_network(path: str | PathLike[str], *, layer_order: Sequence[str] | str | None = None,
                 activations: Sequence[str] | str | None = None) -> ReLUNetwork:
    """Read a network file: JSON, ``.onnx``, ``.safetensors`` or ``.npz`` (chosen by the extension).

    Any extension other than ``.onnx``, ``.safetensors`` and ``.npz`` is read as JSON; malformed
    files raise :class:`NetworkFileError` naming the field (JSON), node (ONNX) or tensor (weight
    files).  ``layer_order`` and ``activations`` apply to weight files: see
    :mod:`expressivity.interop.weights`.  The other formats need the optional packages of the
    ``[interop]`` extra (``onnx``, ``safetensors``), imported only when such a file is read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> net = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]])
    >>> _ = save_network(net, d / "max2.json"); _ = save_network(net, d / "max2.onnx")
    >>> load_network(d / "max2.json") == load_network(d / "max2.onnx") == net
    True
    """
    if _is_other_format(path) or layer_order is not None or activations is not None:
        from ..interop.formats import read_network

        return read_network(path, layer_order=layer_order, activations=activations)
    return load_json_network(path)


def save_network(net: ReLUNetwork, path: str | PathLike[str]) -> Path:
    """Write ``net`` as a network file in the format of the extension (JSON unless ``.onnx``,
    ``.safetensors`` or ``.npz``); atomic.

    JSON keeps exact rationals as strings and floats as JSON numbers.  The other formats store
    float64 numbers: an exact network is written to them only when every weight is a float64
    number (then it is read back as the same exact network); otherwise round it deliberately first
    (``net.to_float()``).
    """
    if _is_other_format(path):
        from ..interop.formats import write_network

        return write_network(net, path)
    return save_json_network(net, path)
