"""Weight files: ``.safetensors`` and ``.npz`` holding the layers of a fully connected network.

A weight file is a flat dictionary of named tensors, as PyTorch's ``state_dict()`` writes it:
``<prefix>.weight`` of shape ``(out, in)`` (PyTorch's ``nn.Linear`` convention) and an optional
``<prefix>.bias`` of shape ``(out,)`` for every layer.  The file says nothing about the order of
the layers or their activations, so

* **layer order**: given explicitly (``layer_order=["fc1", "fc2", "out"]``; CLI
  ``--layer-order fc1,fc2,out``) or found automatically when it is unambiguous: every prefix ends
  in a number (``0``, ``layers.2``, ``fc1``, ``net.4``), the prefixes differ only in that number,
  and the numbers are distinct -- then the layers are taken by increasing number.  Otherwise a
  one-line error asks for the order;
* **activations**: ``relu`` after every layer but the last, which is ``linear`` (an ``nn.Sequential``
  of ``Linear`` and ``ReLU``), unless the file was written by this package (its metadata records
  the activations) or ``activations=`` is given.

Every tensor must be used, every weight must chain (``in`` = the previous ``out``): a mismatch
is a one-line error naming the tensor.  Tensors of float16/float32/float64 are read at their exact
binary value as float64; NaN/inf are refused.  Files written here (:func:`save_safetensors`,
:func:`save_npz`) use keys ``layers.<i>.weight`` / ``layers.<i>.bias`` in float64 and record the
number kind and activations (safetensors: header metadata; npz: a text entry
``__expressivity__``), so they round-trip bit-exactly, exact networks included when every weight
is a float64 number (see :func:`expressivity.interop.onnx_io.network_to_onnx`).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from .._io import atomic_write_bytes
from ..exceptions import InvalidInputError, NetworkFileError, ShapeError
from ..numbers import shorten
from ..relu.network import Layer, ReLUNetwork
from ._deps import require
from ._tensors import ACTIVATIONS_KEY, KIND_KEY, float64_tensor, float_view_of_exact, to_storage_kind

__all__ = ["network_from_arrays", "network_to_arrays", "infer_layer_order", "load_safetensors", "load_npz",
           "save_safetensors", "save_npz", "LayerOrderError", "MAX_WEIGHT_FILE_BYTES"]

MAX_WEIGHT_FILE_BYTES = 1 << 30
"""Largest weight file read (1 GiB)."""

_NPZ_META = "__expressivity__"
_KEY = re.compile(r"^(?:(?P<prefix>.*)\.)?(?P<part>weight|bias)$")
_LAST_NUMBER = re.compile(r"(\d+)(?!.*\d)")


class LayerOrderError(NetworkFileError):
    """The order of the layers in a weight file cannot be found automatically."""


def _split_keys(names: Sequence[str]) -> dict[str, dict[str, str]]:
    """``{prefix: {"weight": key, "bias": key}}``; refuse keys that are not weights or biases."""
    layers: dict[str, dict[str, str]] = {}
    for name in names:
        m = _KEY.match(name)
        if m is None:
            raise NetworkFileError(f"tensor {shorten(name)} is not a layer weight or bias "
                                   "(expected names '<layer>.weight' and '<layer>.bias')")
        layers.setdefault(m.group("prefix") or "", {})[m.group("part")] = name
    for prefix, parts in layers.items():
        if "weight" not in parts:
            raise NetworkFileError(f"tensor {shorten(parts['bias'])} has no matching weight {shorten(_join(prefix, 'weight'))}")
    return layers


def _join(prefix: str, part: str) -> str:
    return f"{prefix}.{part}" if prefix else part


def infer_layer_order(names: Sequence[str]) -> list[str]:
    """The layer prefixes of tensor ``names`` in network order, when that order is unambiguous.

    Raises
    ------
    LayerOrderError
        Some prefix has no number, prefixes differ elsewhere than in their number, or two share one.

    Examples
    --------
    >>> infer_layer_order(["2.weight", "0.weight", "0.bias", "2.bias"])
    ['0', '2']
    >>> infer_layer_order(["fc10.weight", "fc2.weight", "fc1.weight"])
    ['fc1', 'fc2', 'fc10']
    >>> infer_layer_order(["fc1.weight", "out.weight"])
    Traceback (most recent call last):
    ...
    expressivity.interop.weights.LayerOrderError: cannot order the layers automatically: 'out' has no layer number; give the order of the layer names ['fc1', 'out'] (--layer-order fc1,out, or layer_order=[...])
    """
    prefixes = list(_split_keys(names))
    if len(prefixes) == 1:
        return prefixes
    hint = (f"give the order of the layer names {shorten(sorted(prefixes), 200)} "
            f"(--layer-order {','.join(sorted(prefixes))}, or layer_order=[...])")
    keyed = []
    for p in prefixes:
        m = _LAST_NUMBER.search(p)
        if m is None:
            raise LayerOrderError(f"cannot order the layers automatically: {p!r} has no layer number; {hint}")
        keyed.append((int(m.group(1)), p[:m.start()] + "#" + p[m.end():], p))
    stems = {stem for _, stem, _ in keyed}
    if len(stems) > 1:
        raise LayerOrderError(f"cannot order the layers automatically: the names {shorten(sorted(stems), 120)} differ "
                              f"in more than their layer number; {hint}")
    numbers = [k for k, _, _ in keyed]
    if len(set(numbers)) != len(numbers):
        raise LayerOrderError(f"cannot order the layers automatically: two layers share a number; {hint}")
    return [p for _, _, p in sorted(keyed)]


def _normalise_order(order: Sequence[str] | str, layers: Mapping[str, Any]) -> list[str]:
    if isinstance(order, str):
        order = [s.strip() for s in order.split(",") if s.strip()]
    out = []
    for name in order:
        m = _KEY.match(name)
        prefix = (m.group("prefix") or "") if m and name not in layers else name
        if prefix not in layers:
            raise NetworkFileError(f"layer order names {shorten(name)}, but the file has no tensor "
                                   f"{shorten(_join(prefix, 'weight'))}; layers present: {shorten(sorted(layers), 200)}")
        if prefix in out:
            raise NetworkFileError(f"layer order names {shorten(prefix)} twice")
        out.append(prefix)
    unused = sorted(set(layers) - set(out))
    if unused:
        raise NetworkFileError(f"tensors of {shorten(unused, 120)} are not in the layer order; "
                               "every tensor of the file must be used")
    if not out:
        raise NetworkFileError("the layer order is empty")
    return out


def _activations(spec: Sequence[str] | str | None, count: int) -> list[str]:
    if spec is None:
        return ["relu"] * (count - 1) + ["linear"]
    acts = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else list(spec)
    if len(acts) != count or any(a not in ("relu", "linear") for a in acts):
        raise NetworkFileError(f"activations {shorten(acts)}: expected {count} entries, each 'relu' or 'linear'")
    return acts


def network_from_arrays(arrays: Mapping[str, Any], *, layer_order: Sequence[str] | str | None = None,
                        activations: Sequence[str] | str | None = None) -> ReLUNetwork:
    """Build a float :class:`ReLUNetwork` from named tensors (see the module docstring).

    Examples
    --------
    >>> sd = {"0.weight": np.array([[1.0, -1.0]]), "0.bias": np.array([0.5]), "2.weight": np.array([[2.0]])}
    >>> net = network_from_arrays(sd)
    >>> net.widths, net([1.0, 0.0]).tolist()
    ((1,), [3.0])
    >>> network_from_arrays({"a.weight": np.ones((2, 3)), "b.weight": np.ones((1, 3))}, layer_order="a,b")
    Traceback (most recent call last):
    ...
    expressivity.exceptions.ShapeError: tensor 'b.weight' has shape (1, 3) but layer 'b' follows a layer with 2 outputs: expected (out, 2) (weights are stored (out, in))
    """
    layers = _split_keys(list(arrays))
    order = infer_layer_order(list(arrays)) if layer_order is None else _normalise_order(layer_order, layers)
    acts = _activations(activations, len(order))
    built, prev = [], None
    for prefix, act in zip(order, acts):
        wkey = layers[prefix]["weight"]
        W = float64_tensor(arrays[wkey], f"tensor {wkey!r}")
        if W.ndim != 2 or 0 in W.shape:
            raise ShapeError(f"tensor {wkey!r} has shape {W.shape}; a layer weight is a matrix (out, in)")
        if prev is not None and W.shape[1] != prev:
            hint = " (it looks transposed)" if W.shape[0] == prev else ""
            raise ShapeError(f"tensor {wkey!r} has shape {W.shape} but layer {prefix!r} follows a layer with {prev} "
                             f"outputs: expected (out, {prev}){hint} (weights are stored (out, in))")
        bkey = layers[prefix].get("bias")
        if bkey is None:
            b = np.zeros(W.shape[0])
        else:
            b = float64_tensor(arrays[bkey], f"tensor {bkey!r}")
            if b.shape != (W.shape[0],):
                raise ShapeError(f"tensor {bkey!r} has shape {b.shape} but {wkey!r} has {W.shape[0]} rows: "
                                 f"expected ({W.shape[0]},)")
        built.append(Layer(W, b, act, "float"))
        prev = W.shape[0]
    return ReLUNetwork(built[0].in_dim, tuple(built))


def network_to_arrays(net: ReLUNetwork, *, dtype: str = "float64",
                      round_weights: bool = False) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """``(tensors, metadata)`` of ``net``: keys ``layers.<i>.weight`` / ``.bias``, kind and activations.

    Examples
    --------
    >>> net = ReLUNetwork.from_matrices([[[1, -1]], [[2]]])
    >>> arrays, meta = network_to_arrays(net)
    >>> sorted(arrays), meta[KIND_KEY], meta[ACTIVATIONS_KEY]
    (['layers.0.bias', 'layers.0.weight', 'layers.1.bias', 'layers.1.weight'], 'exact', 'relu,linear')
    """
    if dtype not in ("float64", "float32"):
        raise InvalidInputError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    flt = float_view_of_exact(net, round_weights=round_weights)
    kind = net.kind if (dtype == "float64" and not (round_weights and net.kind == "exact")) else "float"
    arrays = {}
    for i, layer in enumerate(flt.layers):
        arrays[f"layers.{i}.weight"] = np.ascontiguousarray(layer.weight, dtype=dtype)
        arrays[f"layers.{i}.bias"] = np.ascontiguousarray(layer.bias, dtype=dtype)
    meta = {"format": "expressivity-network", KIND_KEY: kind,
            ACTIVATIONS_KEY: ",".join(layer.activation for layer in flt.layers)}
    return arrays, meta


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_WEIGHT_FILE_BYTES:
            raise NetworkFileError(f"{path}: {size} bytes, more than the {MAX_WEIGHT_FILE_BYTES} bytes a weight file may have here")
        return path.read_bytes()
    except OSError as exc:
        raise NetworkFileError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _with_source(source: str, fn, *args, **kw) -> ReLUNetwork:
    try:
        return fn(*args, **kw)
    except (NetworkFileError, ShapeError, InvalidInputError) as exc:
        raise type(exc)(f"{source}: {exc}") from None


def _from_stored(arrays: dict, meta: Mapping[str, str], source: str, layer_order, activations) -> ReLUNetwork:
    if activations is None and ACTIVATIONS_KEY in meta:
        activations = meta[ACTIVATIONS_KEY]
    net = _with_source(source, network_from_arrays, arrays, layer_order=layer_order, activations=activations)
    return to_storage_kind(net, meta.get(KIND_KEY))


def load_safetensors(path: str | PathLike[str], *, layer_order: Sequence[str] | str | None = None,
                     activations: Sequence[str] | str | None = None) -> ReLUNetwork:
    """Read a ``.safetensors`` weight file (see the module docstring)."""
    st = require("safetensors.numpy", ".safetensors files")
    p = Path(path)
    data = _read_bytes(p)
    try:
        arrays = st.load(data)
        header_len = int.from_bytes(data[:8], "little")
        meta = json.loads(data[8:8 + header_len]).get("__metadata__") or {}
    except Exception as exc:  # SafetensorError, JSON errors, unsupported dtypes
        raise NetworkFileError(f"{p}: not a readable safetensors file ({shorten(' '.join(str(exc).split()), 100)})") from None
    if not arrays:
        raise NetworkFileError(f"{p}: the file holds no tensors")
    return _from_stored(arrays, meta, str(p), layer_order, activations)


def load_npz(path: str | PathLike[str], *, layer_order: Sequence[str] | str | None = None,
             activations: Sequence[str] | str | None = None) -> ReLUNetwork:
    """Read a NumPy ``.npz`` weight file (no pickles; see the module docstring)."""
    p = Path(path)
    data = _read_bytes(p)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise NetworkFileError(f"{p}: not a readable .npz file without pickles ({shorten(' '.join(str(exc).split()), 100)})") from None
    meta: dict = {}
    if _NPZ_META in arrays:
        try:
            meta = json.loads(str(arrays.pop(_NPZ_META)))
        except ValueError:
            raise NetworkFileError(f"{p}: entry {_NPZ_META!r} is not a JSON object") from None
        if not isinstance(meta, dict):
            raise NetworkFileError(f"{p}: entry {_NPZ_META!r} is not a JSON object")
    if not arrays:
        raise NetworkFileError(f"{p}: the file holds no tensors")
    return _from_stored(arrays, meta, str(p), layer_order, activations)


def save_safetensors(net: ReLUNetwork, path: str | PathLike[str], *, dtype: str = "float64",
                     round_weights: bool = False) -> Path:
    """Write ``net`` as a ``.safetensors`` file (atomically)."""
    st = require("safetensors.numpy", ".safetensors files")
    arrays, meta = network_to_arrays(net, dtype=dtype, round_weights=round_weights)
    return atomic_write_bytes(Path(path), st.save(arrays, metadata=meta))


def save_npz(net: ReLUNetwork, path: str | PathLike[str], *, dtype: str = "float64",
             round_weights: bool = False) -> Path:
    """Write ``net`` as an uncompressed ``.npz`` file (atomically)."""
    arrays, meta = network_to_arrays(net, dtype=dtype, round_weights=round_weights)
    buf = io.BytesIO()
    np.savez(buf, **arrays, **{_NPZ_META: np.array(json.dumps(meta))})
    return atomic_write_bytes(Path(path), buf.getvalue())
