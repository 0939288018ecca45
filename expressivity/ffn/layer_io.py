"""Layer files: an :class:`~expressivity.ffn.layers.FFNLayer` (user activations included) as JSON.

Format (``"format": "expressivity-ffn-layer"``, ``"version": 1``)::

    {"format": "expressivity-ffn-layer", "version": 1, "ffn_type": "I", "mixing": "moa", "variant": null,
     "kind": "float",
     "dictionary": ["relu", {"expression": "x*tanh(x)", "name": "x*tanh(x)"}],
     "gate": "tanh" | {"expression": "x/(1 + Abs(x))", "value_range": "signed"} | null,
     "params": {"W1": [[...]], "W2": [[...]], "U1": [[...]], "c1": [...]}}

Built-in activations and gates are stored by name, user ones by their formula text (parsed
again, and their metadata derived again, on load).  ``kind: "float"`` stores JSON numbers
(read back bit-exactly); ``"exact"`` stores strings, ``"p/q"`` or a constant formula such as
``"atanh(1/2)"``.  A numpy-callable activation has no text form and is refused.
"""

from __future__ import annotations

from fractions import Fraction
from os import PathLike
from typing import Any

import numpy as np
import sympy as sp

from .._io import atomic_write_text
from .._jsonfile import read_json_file
from ..exceptions import InvalidInputError, NetworkFileError
from .activations import Activation
from .custom import as_activation, as_gate
from .expressions import ALLOWED_FUNCTIONS, parse_formula
from .gates import Gate
from .layers import _ARRAYS, FFNLayer

__all__ = ["LAYER_FORMAT", "layer_from_json", "layer_to_json", "load_layer", "save_layer"]

LAYER_FORMAT = "expressivity-ffn-layer"
_CONST_FUNCTIONS = {**ALLOWED_FUNCTIONS, "atanh": sp.atanh}


def _act_json(a: Activation):
    if a.origin == "builtin":
        return a.name
    if a.origin == "expression":
        return {"expression": a.expression, "name": a.name}
    raise InvalidInputError(f"activation {a.name} is a numpy callable and cannot be written to a file; "
                            "give it as a formula (activation_from_expression)")


def _gate_json(g: Gate | None):
    if g is None or g.origin == "builtin":
        return None if g is None else g.name
    if g.origin == "expression":
        return {"expression": g.expression, "name": g.name, "value_range": g.value_range}
    raise InvalidInputError(f"gate {g.name} is a numpy callable and cannot be written to a file; give it as a formula")


def layer_to_json(layer: FFNLayer) -> dict:
    """The JSON document of a layer (see the module docstring).

    Examples
    --------
    >>> from expressivity.ffn.custom import activation_from_expression
    >>> from expressivity.ffn.layers import la_type1
    >>> f = la_type1(["relu", activation_from_expression("x*tanh(x)")], alpha=[1.0, 0.5], W1=[[1.0]], W2=[[2.0]])
    >>> doc = layer_to_json(f)
    >>> doc["dictionary"], layer_from_json(doc) == f
    (['relu', {'expression': 'x*tanh(x)', 'name': 'x*tanh(x)'}], True)
    """
    conv = (lambda v: float(v)) if layer.kind == "float" else (lambda v: str(v))
    params = {n: np.vectorize(conv, otypes=[object])(getattr(layer, n)).tolist()
              for n in _ARRAYS if getattr(layer, n) is not None}
    return {"format": LAYER_FORMAT, "version": 1, "ffn_type": layer.ffn_type, "mixing": layer.mixing,
            "variant": layer.variant, "kind": layer.kind, "class": layer.class_name,
            "dictionary": [_act_json(a) for a in layer.activations], "gate": _gate_json(layer.gate_object),
            "params": params}


def _exact(v: Any, where: str):
    if isinstance(v, bool) or not isinstance(v, (str, int)):
        raise NetworkFileError(f"{where}: an exact layer stores numbers as strings ('p/q' or a constant formula), got {v!r}")
    if isinstance(v, int):
        return v
    try:
        return Fraction(v.strip())
    except (ValueError, ZeroDivisionError):
        pass
    expr, _ = parse_formula(v, (), functions=_CONST_FUNCTIONS)
    return expr


def _float(v: Any, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise NetworkFileError(f"{where}: a float layer stores JSON numbers, got {v!r}")
    return float(v)


def _array(value: Any, name: str, kind: str) -> np.ndarray:
    arr = np.asarray(value, dtype=object)
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise NetworkFileError(f"params.{name}: expected a non-empty vector or matrix (rectangular lists)")
    conv = _float if kind == "float" else _exact
    out = np.empty(arr.shape, dtype=np.float64 if kind == "float" else object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = conv(v, f"params.{name}{list(idx)}")
    return out


def layer_from_json(doc: Any) -> FFNLayer:
    """Rebuild a layer from :func:`layer_to_json` output (formulas are parsed and analysed again)."""
    if not isinstance(doc, dict) or doc.get("format") != LAYER_FORMAT:
        raise NetworkFileError(f"not an FFN layer document: expected \"format\": \"{LAYER_FORMAT}\"")
    if doc.get("version") != 1:
        raise NetworkFileError(f"unsupported layer file version {doc.get('version')!r} (this toolkit reads version 1)")
    kind = doc.get("kind")
    if kind not in ("float", "exact"):
        raise NetworkFileError("field kind must be \"float\" or \"exact\"")
    dic = doc.get("dictionary")
    if not isinstance(dic, list) or not dic or len(dic) > 64:
        raise NetworkFileError("field dictionary must be a list of 1..64 activations")
    params = doc.get("params")
    if not isinstance(params, dict) or set(params) - set(_ARRAYS):
        raise NetworkFileError(f"field params must be an object with keys among {list(_ARRAYS)}")
    try:
        acts = tuple(as_activation(a) if isinstance(a, (str, dict)) else _bad(f"dictionary entry {a!r}") for a in dic)
        gate = doc.get("gate")
        gate = None if gate is None else as_gate(gate) if isinstance(gate, (str, dict)) else _bad(f"gate {gate!r}")
        arrays = {n: _array(v, n, kind) for n, v in params.items()}
        return FFNLayer(doc.get("ffn_type"), doc.get("mixing"), doc.get("variant"), acts, gate=gate, **arrays)
    except NetworkFileError:
        raise
    except InvalidInputError as exc:
        raise NetworkFileError(f"layer file: {exc}") from None


def _bad(what: str):
    raise NetworkFileError(f"layer file: {what} is neither a name nor an object with an expression")


def save_layer(layer: FFNLayer, path: str | PathLike[str]) -> None:
    """Write a layer file atomically."""
    import json

    atomic_write_text(path, json.dumps(layer_to_json(layer), indent=1) + "\n")


def load_layer(path: str | PathLike[str]) -> FFNLayer:
    """Read a layer file (size, nesting and number limits of the package's JSON reader).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from expressivity.ffn.layers import moa_type1
    >>> T = moa_type1(["relu"], W1=[[0, 1]], W2=[[1]], U=[["2", 0]])
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "T.json"
    >>> save_layer(T, p); load_layer(p) == T
    True
    """
    return layer_from_json(read_json_file(path, NetworkFileError, "layer file"))
