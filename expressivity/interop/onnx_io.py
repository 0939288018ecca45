"""ONNX import and export of fully connected ReLU networks.

Import (:func:`network_from_onnx`, :func:`load_onnx`) reads a graph that is a *chain*: one input of
shape ``(N, d)`` (the batch dimension ``N`` may be symbolic, every other dimension must be a
known number; an input of shape ``(N, c, h, w)`` needs a ``Flatten`` first), one output, and the
operators

* ``Gemm`` (``alpha``, ``beta``, ``transB``; ``transA = 0``), ``MatMul`` with a weight matrix and
  ``Add`` of a bias vector -- affine maps;
* ``Relu``; ``LeakyRelu`` (slope ``α``), rewritten exactly as
  ``leaky_α(z) = relu(z) − α·relu(−z)``: its layer doubles in width and ``α`` enters the next
  layer at its exact binary value;
* ``Flatten`` (``axis = 1``), ``Identity`` and ``Dropout`` in inference form -- no-ops;

with weights from initializers or ``Constant`` nodes (also through ``Identity`` or ``Transpose``
nodes applied to a weight).  Anything else is refused in one line
naming the node's name and op type, as are branches, symbolic feature dimensions, several
inputs or outputs, NaN/inf weights and shape mismatches.  Weights are taken at their exact
binary value: float32 and float16 tensors become float64 without rounding, and consecutive
affine maps are not multiplied out in floating point (they stay separate ``linear`` layers, which
every tool of the package accepts); a product ``α·W`` or ``beta·C`` is formed only when it is
exact.  The network therefore computes exactly the function the graph denotes in real
arithmetic; onnxruntime evaluates the same function with float32/float64 rounding.

Export (:func:`network_to_onnx`, :func:`save_onnx`) writes one ``Gemm`` (``transB = 1``, weights
stored ``(out, in)``) per layer followed by ``Relu`` where the layer has one, input ``"input"`` of
shape ``(N, d)``, output ``"output"``.  The default element type is float64, so float networks
round-trip bit-exactly.  Exact networks are written only when every weight is a float64 number
(then the model records ``expressivity.kind = exact`` in its metadata and is read back as the
same exact network); other exact networks are refused unless ``round_weights=True``
(``expressivity convert --float``), which rounds each weight once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from .._io import atomic_write_bytes
from ..exceptions import ComputationTooLargeError, NetworkFileError, ShapeError
from ..numbers import shorten
from ..relu.network import Layer, ReLUNetwork
from ._deps import require
from ._tensors import KIND_KEY, float64_tensor, float_view_of_exact, to_storage_kind

__all__ = ["network_from_onnx", "load_onnx", "network_to_onnx", "save_onnx", "MAX_ONNX_BYTES", "MAX_IDENTITY_ENTRIES",
           "ONNX_OPSET"]

MAX_ONNX_BYTES = 1 << 30
"""Largest ONNX file :func:`load_onnx` reads (1 GiB)."""

ONNX_OPSET = 13
"""Opset of exported models (Gemm, Relu: supported by every onnxruntime since 1.6)."""

_IR_VERSION = 7
_NOOPS = ("Identity", "Dropout")
_ELEM = {"float16": 10, "float32": 1, "float64": 11}


def _onnx():
    return require("onnx", "ONNX files")


@dataclass
class _Chain:
    """The network built so far: finished layers and the name of the tensor holding its value."""

    current: str
    feature_shape: tuple[int, ...]          # shape of the current value without the batch dimension
    layers: list[list[Any]] = field(default_factory=list)  # [W, b, activation, note]

    @property
    def width(self) -> int:
        return math.prod(self.feature_shape)

    def append(self, weight: np.ndarray, bias: np.ndarray, note: str = "") -> None:
        self.layers.append([weight, bias, "linear", note])
        self.feature_shape = (weight.shape[0],)

    def open_linear(self) -> list[Any] | None:
        return self.layers[-1] if self.layers and self.layers[-1][2] == "linear" else None


def _where(node) -> str:
    return f"node {node.name or '(unnamed)'!r} ({node.op_type})"


def _significant_bits(x: np.ndarray) -> np.ndarray:
    """Number of significant bits of each (finite) float64: 0 for 0, 1 for powers of two, <= 53."""
    m, _ = np.frexp(np.abs(x))
    ints = (m * 2.0 ** 53).astype(np.int64)  # exact: the 53-bit significand as an integer
    low = ints & -ints  # lowest set bit (a power of two, exactly representable)
    trailing = np.log2(np.where(low == 0, 1, low).astype(np.float64)).astype(np.int64)
    return np.where(ints == 0, 0, 53 - trailing)


def _exact_product(a: np.ndarray, s: float) -> np.ndarray | None:
    """``s * a`` in float64 when every product is exact, else None.

    Sufficient test first (vectorised): the significands need at most 53 bits together and the
    product is a normal number; the remaining entries are checked with Fractions.
    """
    with np.errstate(over="ignore", under="ignore"):
        out = a * s
    if not np.all(np.isfinite(out)):
        return None
    sure = ((_significant_bits(a) + int(_significant_bits(np.array([s]))[0]) <= 53)
            & ((np.abs(out) >= np.finfo(np.float64).tiny) | (a == 0)))
    fs = Fraction(s)
    for x, y in zip(a[~sure].tolist(), out[~sure].tolist()):
        if Fraction(x) * fs != Fraction(y):
            return None
    return out


#: most entries of an identity matrix the importer builds (a Relu on the input, a bias on a relu layer)
MAX_IDENTITY_ENTRIES = 50_000_000


def _identity(n: int, node) -> np.ndarray:
    if n * n > MAX_IDENTITY_ENTRIES:
        raise ComputationTooLargeError(
            f"{_where(node)}: on a value of {n} entries this needs an identity layer of {n}x{n} weights "
            f"(more than {MAX_IDENTITY_ENTRIES}); put the operator after an affine layer")
    return np.eye(n)


def _bias_vector(c: np.ndarray, out: int, where: str) -> np.ndarray:
    """A bias broadcast to ``(out,)``: shapes (), (1,), (out,), (1, out), (1, 1)."""
    if c.size == 1 and c.ndim <= 2:
        return np.full(out, c.reshape(()).item(), dtype=np.float64)
    if c.shape in ((out,), (1, out)):
        return c.reshape(out)
    raise ShapeError(f"{where}: bias of shape {c.shape} does not broadcast to ({out},)")


class _Reader:
    """Walks the nodes of a graph in order, keeping constants and the one network value."""

    def __init__(self, model, source: str):
        self.onnx = _onnx()
        self.model = model
        self.source = source
        self.graph = model.graph
        self.consts: dict[str, np.ndarray] = {}
        self.values: set[str] = set()  # every tensor that held the network value
        self.forbidden: set[str] = set()

    # -------------------------------------------------------------- inputs, constants
    def tensor(self, proto, where: str) -> np.ndarray:
        from onnx import numpy_helper

        if proto.data_location == self.onnx.TensorProto.EXTERNAL:
            raise NetworkFileError(f"{where}: weights stored in an external data file are not supported; "
                                   "save the model with its weights inside (onnx.save(..., save_as_external_data=False))")
        try:
            return np.asarray(numpy_helper.to_array(proto))
        except Exception as exc:  # malformed tensor data: one line
            raise NetworkFileError(f"{where}: unreadable tensor ({shorten(exc, 80)})") from None

    def read_initializers(self) -> None:
        for init in self.graph.initializer:
            self.consts[init.name] = self.tensor(init, f"initializer {init.name!r}")

    def start(self) -> _Chain:
        inputs = [i for i in self.graph.input if i.name not in self.consts]
        if len(inputs) != 1:
            names = [i.name for i in inputs]
            raise NetworkFileError(f"the graph has {len(inputs)} inputs {shorten(names)}; a network has exactly one")
        if len(self.graph.output) != 1:
            raise NetworkFileError(f"the graph has {len(self.graph.output)} outputs; a network has exactly one")
        inp = inputs[0]
        ttype = inp.type.tensor_type
        elem = self.onnx.helper.tensor_dtype_to_np_dtype(ttype.elem_type).name if ttype.elem_type else "unknown"
        if elem not in _ELEM:
            raise NetworkFileError(f"input {inp.name!r}: element type {elem}; expected float16, float32 or float64")
        if not ttype.HasField("shape"):
            raise NetworkFileError(f"input {inp.name!r}: unknown shape; export with a fixed input size, e.g. (N, d)")
        dims = list(ttype.shape.dim)
        if len(dims) < 2:
            raise NetworkFileError(f"input {inp.name!r}: rank {len(dims)}; expected (N, d) with a batch dimension N")
        feature = []
        for k, dim in enumerate(dims[1:], start=1):
            if not dim.HasField("dim_value") or dim.dim_value < 1:
                name = dim.dim_param or "?"
                raise NetworkFileError(f"input {inp.name!r}: dimension {k} is dynamic ({name!r}); only the batch "
                                       "dimension may be dynamic: export with a fixed input size")
            feature.append(int(dim.dim_value))
        self.values.add(inp.name)
        return _Chain(inp.name, tuple(feature))

    def constant_node(self, node) -> None:
        helper = self.onnx.helper
        if len(node.attribute) != 1:
            raise NetworkFileError(f"{_where(node)}: expected exactly one value attribute")
        attr = node.attribute[0]
        if attr.name == "value":
            value = self.tensor(attr.t, _where(node))
        elif attr.name in ("value_float", "value_floats", "value_int", "value_ints"):
            value = np.asarray(helper.get_attribute_value(attr),
                               dtype=np.float32 if "float" in attr.name else np.int64)
        else:
            raise NetworkFileError(f"{_where(node)}: constant attribute {attr.name!r} is not supported")
        self.consts[node.output[0]] = value

    def constant_transform(self, node) -> None:
        """``Identity`` or ``Transpose`` of a weight (exporters transpose weights this way)."""
        value = self.consts[node.input[0]]
        if node.op_type == "Transpose":
            perm = self.attrs(node).get("perm")
            try:
                value = np.transpose(value, None if perm is None else list(perm))
            except ValueError as exc:  # a perm that does not fit the tensor (AxisError is a ValueError)
                raise ShapeError(f"{_where(node)}: perm {list(perm or [])} does not fit a tensor of shape "
                                 f"{value.shape} ({shorten(exc, 60)})") from None
        self.consts[node.output[0]] = value

    # -------------------------------------------------------------- node arguments
    def split(self, node, chain: _Chain) -> tuple[list[int], list[str]]:
        """Positions of inputs holding the network value; refuse branches and unknown tensors."""
        pos = []
        for k, name in enumerate(node.input):
            if name == "" or name in self.consts:
                continue
            if name == chain.current:
                pos.append(k)
            elif name in self.values:
                raise NetworkFileError(f"{_where(node)}: reads {name!r}, an earlier value of the network: "
                                       "only chains of layers are supported (no skip connections)")
            else:
                raise NetworkFileError(f"{_where(node)}: reads tensor {name!r}, which is neither a weight nor "
                                       "the network value")
        return pos, list(node.input)

    def weight(self, name: str, where: str) -> np.ndarray:
        return float64_tensor(self.consts[name], f"{where} tensor {name!r}")

    def attrs(self, node) -> dict[str, Any]:
        return {a.name: self.onnx.helper.get_attribute_value(a) for a in node.attribute}

    # -------------------------------------------------------------- operators
    def affine(self, node, chain: _Chain, weight_t: np.ndarray, bias: np.ndarray | None) -> None:
        """Append ``z -> weight_t z + bias`` (``weight_t`` of shape (out, in))."""
        if len(chain.feature_shape) != 1:
            raise ShapeError(f"{_where(node)}: the network value has shape (N, {', '.join(map(str, chain.feature_shape))}); "
                             "insert a Flatten before the first layer")
        if weight_t.shape[1] != chain.width:
            raise ShapeError(f"{_where(node)}: weight maps {weight_t.shape[1]} inputs but the network value has "
                             f"{chain.width} entries")
        out = weight_t.shape[0]
        b = np.zeros(out) if bias is None else bias
        prev = chain.open_linear()
        if prev is not None and prev[3] == "leaky":  # [I, -αI] followed by W: [W, -αW] when exact
            width = weight_t.shape[1]
            alpha = -prev[0][0, width]
            scaled = _exact_product(weight_t, -alpha)
            if scaled is not None:
                chain.layers[-1] = [np.hstack([weight_t, scaled]), b, "linear", ""]
                chain.feature_shape = (out,)
                return
        chain.append(weight_t, b)

    def gemm(self, node, chain: _Chain) -> None:
        pos, names = self.split(node, chain)
        a = self.attrs(node)
        if pos != [0] or len(names) < 2:
            raise NetworkFileError(f"{_where(node)}: expected Gemm(value, weight[, bias]) with constant weights")
        if a.get("transA", 0):
            raise NetworkFileError(f"{_where(node)}: transA = 1 transposes the batch; not a fully connected layer")
        B = self.weight(names[1], _where(node))
        if B.ndim != 2:
            raise ShapeError(f"{_where(node)}: weight {names[1]!r} has shape {B.shape}; expected a matrix")
        W = B if a.get("transB", 0) else B.T
        alpha, beta = float(a.get("alpha", 1.0)), float(a.get("beta", 1.0))
        if alpha != 1.0:
            W = _exact_product(W, alpha)
            if W is None:
                raise NetworkFileError(f"{_where(node)}: alpha*B is not a float64 number for some entry; "
                                       "fold alpha into the weight before export")
        bias = None
        if len(names) > 2 and names[2]:
            C = _bias_vector(self.weight(names[2], _where(node)), W.shape[0], _where(node))
            bias = C if beta == 1.0 else _exact_product(C, beta)
            if bias is None:
                raise NetworkFileError(f"{_where(node)}: beta*C is not a float64 number for some entry; "
                                       "fold beta into the bias before export")
        self.affine(node, chain, W, bias)

    def matmul(self, node, chain: _Chain) -> None:
        pos, names = self.split(node, chain)
        if pos != [0]:
            raise NetworkFileError(f"{_where(node)}: expected MatMul(value, weight) with a constant weight matrix")
        B = self.weight(names[1], _where(node))
        if B.ndim != 2:
            raise ShapeError(f"{_where(node)}: weight {names[1]!r} has shape {B.shape}; expected a matrix (in, out)")
        self.affine(node, chain, B.T, None)

    def add(self, node, chain: _Chain) -> None:
        pos, names = self.split(node, chain)
        if len(pos) != 1 or len(names) != 2:
            raise NetworkFileError(f"{_where(node)}: expected Add(value, bias) with a constant bias")
        if len(chain.feature_shape) != 1:
            raise ShapeError(f"{_where(node)}: adding to a value of shape (N, {chain.feature_shape}) before Flatten")
        c = _bias_vector(self.weight(names[1 - pos[0]], _where(node)), chain.width, _where(node))
        prev = chain.open_linear()
        if prev is not None and prev[3] != "leaky":
            total = prev[1] + c
            if all(Fraction(x) + Fraction(y) == Fraction(z) for x, y, z in zip(prev[1].tolist(), c.tolist(), total.tolist())):
                prev[1] = total
                return
        chain.append(_identity(chain.width, node), c)

    def relu(self, node, chain: _Chain) -> None:
        self.split(node, chain)
        prev = chain.layers[-1] if chain.layers else None
        if prev is not None and prev[2] == "relu":
            return  # relu(relu(z)) = relu(z)
        if prev is None or prev[3] == "leaky":
            chain.append(_identity(chain.width, node), np.zeros(chain.width))
        chain.layers[-1][2] = "relu"
        chain.layers[-1][3] = ""

    def leaky_relu(self, node, chain: _Chain) -> None:
        self.split(node, chain)
        alpha = float(self.attrs(node).get("alpha", 0.01))  # the float32 attribute, exactly
        if len(chain.feature_shape) != 1:
            raise ShapeError(f"{_where(node)}: applied before Flatten; insert a Flatten before the first layer")
        n = chain.width
        prev = chain.open_linear()
        if prev is None or prev[3] == "leaky":
            chain.append(_identity(n, node), np.zeros(n))
            prev = chain.layers[-1]
        # leaky(z) = relu(z) - α relu(-z): the layer becomes [W; -W], [b; -b] with relu ...
        prev[0], prev[1], prev[2], prev[3] = np.vstack([prev[0], -prev[0]]), np.concatenate([prev[1], -prev[1]]), "relu", ""
        # ... followed by the combination [I, -αI] (folded into the next affine map when exact)
        eye = _identity(n, node)
        chain.layers.append([np.hstack([eye, -alpha * eye]), np.zeros(n), "linear", "leaky"])
        chain.feature_shape = (n,)

    def flatten(self, node, chain: _Chain) -> None:
        self.split(node, chain)
        axis = int(self.attrs(node).get("axis", 1))
        rank = len(chain.feature_shape) + 1
        if axis < 0:
            axis += rank
        if axis != 1:
            raise NetworkFileError(f"{_where(node)}: axis = {axis} mixes the batch dimension; only axis 1 is supported")
        chain.feature_shape = (chain.width,)

    def noop(self, node, chain: _Chain) -> None:
        pos, names = self.split(node, chain)
        if node.op_type == "Dropout" and len(names) > 2 and names[2]:
            mode = self.consts.get(names[2])
            if mode is None or bool(np.asarray(mode).reshape(-1)[0]):
                raise NetworkFileError(f"{_where(node)}: training_mode is on; export the model in eval() mode")
        if pos != [0]:
            raise NetworkFileError(f"{_where(node)}: expected the network value as its first input")
        for extra in node.output[1:]:
            if extra:
                self.forbidden.add(extra)

    # -------------------------------------------------------------- driver
    def run(self) -> ReLUNetwork:
        self.read_initializers()
        chain = self.start()
        input_dim = chain.width
        ops = {"Gemm": self.gemm, "MatMul": self.matmul, "Add": self.add, "Relu": self.relu,
               "LeakyRelu": self.leaky_relu, "Flatten": self.flatten, "Identity": self.noop, "Dropout": self.noop}
        for node in self.graph.node:
            if node.domain not in ("", "ai.onnx"):
                raise NetworkFileError(f"{_where(node)}: operator domain {node.domain!r} is not supported")
            if node.op_type == "Constant":
                self.constant_node(node)
                continue
            if node.op_type in ("Identity", "Transpose") and node.input and node.input[0] in self.consts:
                self.constant_transform(node)
                continue
            handler = ops.get(node.op_type)
            if handler is None:
                raise NetworkFileError(f"{_where(node)}: unsupported operator (supported: Gemm, MatMul, Add, Relu, "
                                       "LeakyRelu, Flatten, Identity, Dropout, Constant; Transpose of a weight)")
            handler(node, chain)
            chain.current = node.output[0]
            self.values.add(chain.current)
        return self.finish(chain, input_dim)

    def finish(self, chain: _Chain, input_dim: int) -> ReLUNetwork:
        out = self.graph.output[0]
        if out.name != chain.current:
            raise NetworkFileError(f"graph output {out.name!r} is not the value computed by the last node "
                                   f"({chain.current!r})")
        if not chain.layers:
            raise NetworkFileError("the graph has no layer (no Gemm, MatMul, Add or Relu)")
        dims = list(out.type.tensor_type.shape.dim)
        if dims and dims[-1].HasField("dim_value") and dims[-1].dim_value != chain.width:
            raise ShapeError(f"graph output {out.name!r} declares {dims[-1].dim_value} values but the network "
                             f"computes {chain.width}")
        layers = tuple(Layer(w, b, act, "float") for w, b, act, _ in chain.layers)
        return ReLUNetwork(input_dim, layers)


def network_from_onnx(model: Any, *, source: str = "ONNX model") -> ReLUNetwork:
    """The :class:`ReLUNetwork` of an ONNX model (``onnx.ModelProto`` or serialized bytes).

    Float weights stay float64 (exact binary values); a model written by :func:`network_to_onnx`
    from an exact network (metadata ``expressivity.kind = exact``) is read back as that exact network.

    Examples
    --------
    >>> from onnx import helper, TensorProto, numpy_helper
    >>> W = numpy_helper.from_array(np.array([[1.0, -1.0]], dtype=np.float32), "W")
    >>> g = helper.make_graph([helper.make_node("MatMul", ["x", "Wt"], ["z"], name="mm"),
    ...                        helper.make_node("Relu", ["z"], ["y"], name="r")], "g",
    ...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
    ...     [numpy_helper.from_array(np.array([[1.0], [-1.0]], dtype=np.float32), "Wt")])
    >>> net = network_from_onnx(helper.make_model(g))
    >>> net.widths, net([3.0, 1.0]).tolist()
    ((1,), [2.0])
    """
    onnx = _onnx()
    if isinstance(model, (bytes, bytearray, memoryview)):
        try:
            model = onnx.load_model_from_string(bytes(model))
        except Exception as exc:  # protobuf DecodeError and friends
            raise NetworkFileError(f"{source}: not an ONNX model ({shorten(' '.join(str(exc).split()) or type(exc).__name__, 80)})") from None
    if not model.HasField("graph") or not model.graph.node:
        raise NetworkFileError(f"{source}: not an ONNX model (no graph nodes)")
    try:
        onnx.checker.check_model(model)
    except Exception as exc:
        first = " ".join(str(exc).split())
        raise NetworkFileError(f"{source}: invalid ONNX model ({shorten(first, 120)})") from None
    kind = {p.key: p.value for p in model.metadata_props}.get(KIND_KEY)
    try:
        net = _Reader(model, source).run()
    except NetworkFileError as exc:
        raise type(exc)(f"{source}: {exc}") from None
    except ShapeError as exc:
        raise type(exc)(f"{source}: {exc}") from None
    return to_storage_kind(net, kind)


def load_onnx(path: str | PathLike[str]) -> ReLUNetwork:
    """Read an ``.onnx`` file (see the module docstring for what is accepted)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_ONNX_BYTES:
            raise NetworkFileError(f"{p}: {size} bytes, more than the {MAX_ONNX_BYTES} bytes an ONNX file may have here")
        data = p.read_bytes()
    except OSError as exc:
        raise NetworkFileError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return network_from_onnx(data, source=str(p))


def network_to_onnx(net: ReLUNetwork, *, dtype: str = "float64", round_weights: bool = False):
    """An ``onnx.ModelProto`` computing ``net``: ``Gemm`` (+ ``Relu``) per layer.

    ``dtype="float64"`` (default) stores every float weight bit-exactly; ``"float32"`` rounds each
    weight once.  Exact networks need ``round_weights=True`` unless every weight is a float64
    number (see the module docstring).

    Examples
    --------
    >>> net = ReLUNetwork.from_matrices([[[1.0, -1.0]], [[2.0]]], [[0.5], [0.0]])
    >>> model = network_to_onnx(net)
    >>> [n.op_type for n in model.graph.node]
    ['Gemm', 'Relu', 'Gemm']
    >>> network_from_onnx(model) == net
    True
    """
    onnx = _onnx()
    from onnx import TensorProto, helper, numpy_helper

    if dtype not in ("float64", "float32"):
        raise NetworkFileError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    kind = net.kind
    flt = float_view_of_exact(net, round_weights=round_weights)
    if kind == "exact" and round_weights:
        kind = "float"
    if dtype == "float32":
        kind = "float"
    np_dtype = np.float64 if dtype == "float64" else np.float32
    elem = TensorProto.DOUBLE if dtype == "float64" else TensorProto.FLOAT
    nodes, inits, h = [], [], "input"
    for i, layer in enumerate(flt.layers):
        inits += [numpy_helper.from_array(layer.weight.astype(np_dtype), f"layers.{i}.weight"),
                  numpy_helper.from_array(layer.bias.astype(np_dtype), f"layers.{i}.bias")]
        last = i == len(flt.layers) - 1
        z = "output" if last and layer.activation == "linear" else f"z{i}"
        nodes.append(helper.make_node("Gemm", [h, f"layers.{i}.weight", f"layers.{i}.bias"], [z],
                                      name=f"layers.{i}.gemm", transB=1))
        h = z
        if layer.activation == "relu":
            h = "output" if last else f"h{i}"
            nodes.append(helper.make_node("Relu", [z], [h], name=f"layers.{i}.relu"))
    graph = helper.make_graph(nodes, "relu_network",
                              [helper.make_tensor_value_info("input", elem, ["N", net.input_dim])],
                              [helper.make_tensor_value_info("output", elem, ["N", net.output_dim])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", ONNX_OPSET)],
                              producer_name="expressivity")
    model.ir_version = _IR_VERSION
    helper.set_model_props(model, {KIND_KEY: kind})
    onnx.checker.check_model(model)
    return model


def save_onnx(net: ReLUNetwork, path: str | PathLike[str], *, dtype: str = "float64",
              round_weights: bool = False) -> Path:
    """Write ``net`` as an ``.onnx`` file (atomically); see :func:`network_to_onnx`."""
    model = network_to_onnx(net, dtype=dtype, round_weights=round_weights)
    return atomic_write_bytes(Path(path), model.SerializeToString())
