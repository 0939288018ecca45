"""Feed-forward ReLU networks with exact (rational) or float64 weights.

A :class:`ReLUNetwork` is a chain of affine layers ``x -> W x + b``, each followed by
``relu`` or by nothing (``linear``).  The number kind of the weights is fixed at
construction: every weight is a :class:`~fractions.Fraction` (``kind == "exact"``) or
every weight is a float64 (``kind == "float"``).  Mixing raises
:class:`~expressivity.exceptions.NumberTypeError`; convert with :meth:`ReLUNetwork.to_float`
or :meth:`ReLUNetwork.to_exact`.

Depth is counted as papers on ReLU depth do: ``hidden_layers`` is the
number of ReLU layers.  HBDSS23 call a net with 2 hidden layers a "3-layer NN".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Literal, Sequence

import numpy as np

from ..exceptions import InvalidInputError, NumberTypeError, ShapeError
from ..numbers import NumberKind, exact_array, float_array, float_to_fraction, fraction_to_float, number_kind

__all__ = ["Layer", "ReLUNetwork", "Activation"]

Activation = Literal["relu", "linear"]
_ACTIVATIONS = ("relu", "linear")


def _freeze(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _kind_of(weight: Any, bias: Any, where: str) -> NumberKind:
    vals = list(np.asarray(weight, dtype=object).ravel()) + list(np.asarray(bias, dtype=object).ravel())
    return number_kind(vals, where=where)


@dataclass(frozen=True, eq=False)
class Layer:
    """One affine layer ``x -> activation(W x + b)``.

    Parameters
    ----------
    weight : array-like, shape (out, in)
    bias : array-like, shape (out,)
    activation : {"relu", "linear"}
    kind : {"exact", "float"}, optional
        Number kind; inferred from the entries when omitted (integers alone are exact).
    """

    weight: np.ndarray
    bias: np.ndarray
    activation: Activation = "relu"
    kind: NumberKind = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.activation not in _ACTIVATIONS:
            raise InvalidInputError(f"activation must be 'relu' or 'linear', got {self.activation!r}")
        kind = self.kind or _kind_of(self.weight, self.bias, "layer")
        if kind not in ("exact", "float"):
            raise InvalidInputError(f"kind must be 'exact' or 'float', got {kind!r}")
        conv = exact_array if kind == "exact" else float_array
        w = conv(self.weight, where="weight")
        b = conv(self.bias, where="bias")
        if w.ndim != 2:
            raise ShapeError(f"weight must be a 2-D matrix (out x in), got shape {w.shape}")
        if b.ndim != 1 or b.shape[0] != w.shape[0]:
            raise ShapeError(f"bias must have shape ({w.shape[0]},) to match weight {w.shape}, got {b.shape}")
        if w.shape[0] == 0 or w.shape[1] == 0:
            raise ShapeError(f"a layer needs at least one input and one output, weight has shape {w.shape}")
        object.__setattr__(self, "weight", _freeze(w))
        object.__setattr__(self, "bias", _freeze(b))
        object.__setattr__(self, "kind", kind)

    @property
    def in_dim(self) -> int:
        return int(self.weight.shape[1])

    @property
    def out_dim(self) -> int:
        return int(self.weight.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Layer):
            return NotImplemented
        return (
            self.kind == other.kind
            and self.activation == other.activation
            and self.weight.shape == other.weight.shape
            and bool(np.all(self.weight == other.weight))
            and bool(np.all(self.bias == other.bias))
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.activation, self.weight.shape, tuple(self.weight.ravel()), tuple(self.bias.ravel())))


@dataclass(frozen=True, eq=False)
class ReLUNetwork:
    """A feed-forward network of affine layers with ReLU or identity activations.

    Parameters
    ----------
    input_dim : int
    layers : sequence of :class:`Layer`
        All of one number kind; each layer's input size equals the previous output size.

    Examples
    --------
    max{x1, x2} = x2 + relu(x1 - x2), written with exact weights:

    >>> net = ReLUNetwork.from_matrices(
    ...     [[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]], [[0, 0, 0], [0]])
    >>> net.hidden_layers, net.widths, net.kind
    (1, (3,), 'exact')
    >>> net([Fraction(1, 3), Fraction(-2)])
    array([Fraction(1, 3)], dtype=object)
    """

    input_dim: int
    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.input_dim, (int, np.integer)) or isinstance(self.input_dim, bool) or self.input_dim < 1:
            raise InvalidInputError(f"input_dim must be a positive integer, got {self.input_dim!r}")
        layers = tuple(self.layers)
        if not layers:
            raise InvalidInputError("a network needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise InvalidInputError(f"layers[{i}] is a {type(layer).__name__}, expected Layer")
        kinds = {layer.kind for layer in layers}
        if len(kinds) > 1:
            raise NumberTypeError(
                "layers mix exact and float weights; convert the network with to_exact() or to_float() first"
            )
        prev = int(self.input_dim)
        for i, layer in enumerate(layers):
            if layer.in_dim != prev:
                raise ShapeError(
                    f"layers[{i}].weight has {layer.in_dim} columns but the previous layer outputs {prev} values"
                )
            prev = layer.out_dim
        object.__setattr__(self, "input_dim", int(self.input_dim))
        object.__setattr__(self, "layers", layers)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_matrices(
        cls,
        weights: Sequence[Any],
        biases: Sequence[Any] | None = None,
        *,
        final_linear: bool = True,
        kind: NumberKind | None = None,
    ) -> "ReLUNetwork":
        """Build a network from lists of weight matrices and bias vectors.

        Every layer but the last is ``relu``; the last is ``linear`` when ``final_linear``
        (the usual output map) and ``relu`` otherwise.  ``biases=None`` means all zero.
        """
        if len(weights) == 0:
            raise InvalidInputError("weights is empty; a network needs at least one layer")
        mats = [np.asarray(w, dtype=object) for w in weights]
        if biases is None:
            biases = [[0] * (m.shape[0] if m.ndim == 2 else 0) for m in mats]
        if len(biases) != len(weights):
            raise ShapeError(f"{len(weights)} weight matrices but {len(biases)} bias vectors")
        if kind is None:
            allvals: list[Any] = []
            for w, b in zip(weights, biases):
                allvals += list(np.asarray(w, dtype=object).ravel()) + list(np.asarray(b, dtype=object).ravel())
            kind = number_kind(allvals, where="network weights")
        layers = []
        for i, (w, b) in enumerate(zip(weights, biases)):
            act: Activation = "linear" if (final_linear and i == len(weights) - 1) else "relu"
            try:
                layers.append(Layer(w, b, act, kind))
            except InvalidInputError as exc:  # name the layer: "layers[1].weight[0][2]: ..."
                raise type(exc)(f"layers[{i}].{exc}") from None
        w0 = np.asarray(weights[0], dtype=object)
        if w0.ndim != 2:
            raise ShapeError(f"weights[0] must be a 2-D matrix, got shape {w0.shape}")
        return cls(int(w0.shape[1]), tuple(layers))

    # ------------------------------------------------------------------ structure
    @property
    def kind(self) -> NumberKind:
        """``"exact"`` (Fraction weights) or ``"float"`` (float64 weights)."""
        return self.layers[0].kind

    @property
    def output_dim(self) -> int:
        return self.layers[-1].out_dim

    @property
    def hidden_layers(self) -> int:
        """Number of ReLU layers (the depth measure of the ReLU-depth literature)."""
        return sum(1 for layer in self.layers if layer.activation == "relu")

    @property
    def widths(self) -> tuple[int, ...]:
        """Widths of the ReLU layers, in order."""
        return tuple(layer.out_dim for layer in self.layers if layer.activation == "relu")

    @property
    def num_neurons(self) -> int:
        """Total number of ReLU neurons."""
        return sum(self.widths)

    @property
    def is_homogeneous(self) -> bool:
        """True when every bias is zero (the network is positively homogeneous)."""
        return all(bool(np.all(layer.bias == 0)) for layer in self.layers)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReLUNetwork):
            return NotImplemented
        return self.input_dim == other.input_dim and self.layers == other.layers

    def __hash__(self) -> int:
        return hash((self.input_dim, self.layers))

    def __repr__(self) -> str:
        acts = "".join("R" if layer.activation == "relu" else "L" for layer in self.layers)
        return (
            f"ReLUNetwork(kind={self.kind!r}, input_dim={self.input_dim}, widths={self.widths}, "
            f"output_dim={self.output_dim}, layers='{acts}')"
        )

    # ------------------------------------------------------------------ conversions
    def to_float(self) -> "ReLUNetwork":
        """The same network with float64 weights (rounding each rational once).

        Raises
        ------
        NonFiniteError
            A weight is beyond the float64 range (``|w| > 1.8e308``); the message names it,
            e.g. ``layers[0].weight[1][0]``.
        """
        if self.kind == "float":
            return self

        def conv(a: np.ndarray, where: str) -> np.ndarray:
            try:
                return a.astype(np.float64)
            except OverflowError:  # find and name the entry
                for idx, v in np.ndenumerate(a):
                    fraction_to_float(v, where=where + "".join(f"[{i}]" for i in idx))
                raise  # pragma: no cover - astype overflowed, so some entry does

        layers = tuple(
            Layer(conv(layer.weight, f"layers[{i}].weight"), conv(layer.bias, f"layers[{i}].bias"), layer.activation, "float")
            for i, layer in enumerate(self.layers)
        )
        return ReLUNetwork(self.input_dim, layers)

    def to_exact(self, *, max_denominator: int | None = None) -> "ReLUNetwork":
        """The same network with rational weights.

        ``max_denominator=None`` keeps the exact binary value of each float; an integer
        rounds each weight to the nearest fraction with at most that denominator (a
        deliberate, documented change of the function).
        """
        if self.kind == "exact":
            return self

        def conv(a: np.ndarray, where: str) -> np.ndarray:
            out = np.empty(a.shape, dtype=object)
            for idx, v in np.ndenumerate(a):
                out[idx] = float_to_fraction(v, max_denominator=max_denominator, where=where)
            return out

        layers = tuple(
            Layer(conv(layer.weight, f"layers[{i}].weight"), conv(layer.bias, f"layers[{i}].bias"), layer.activation, "exact")
            for i, layer in enumerate(self.layers)
        )
        return ReLUNetwork(self.input_dim, layers)

    def homogenize(self) -> "ReLUNetwork":
        """Set every bias to zero (HBDSS23 Prop. 2.3).

        Only function-preserving when the computed function is known to be positively
        homogeneous; this method does not check that.
        """
        zero: Any = Fraction(0) if self.kind == "exact" else 0.0
        layers = tuple(
            Layer(layer.weight, np.full(layer.out_dim, zero, dtype=object if self.kind == "exact" else np.float64),
                  layer.activation, self.kind)
            for layer in self.layers
        )
        return ReLUNetwork(self.input_dim, layers)

    # ------------------------------------------------------------------ evaluation
    def _prepare_input(self, x: Any) -> tuple[np.ndarray, bool]:
        if self.kind == "float" and isinstance(x, np.ndarray) and x.dtype.kind == "f":
            arr = x  # a float array: float_array checks it vectorised (no per-entry object loop)
        else:
            arr = np.asarray(x, dtype=object)
        single = arr.ndim == 1
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.input_dim:
            raise ShapeError(
                f"input must have shape ({self.input_dim},) or (N, {self.input_dim}), got {arr.shape}"
            )
        conv = exact_array if self.kind == "exact" else float_array
        data = conv(arr, where="input")
        if single:
            data = data[None, :]
        return data, single

    def _relu(self, z: np.ndarray) -> np.ndarray:
        if self.kind == "exact":
            return np.where(z > 0, z, Fraction(0)).astype(object)
        return np.maximum(z, 0.0)

    def _forward(self, h: np.ndarray):
        """Yield ``(pre_activation, output)`` of each layer for a batch ``h``."""
        for layer in self.layers:
            z = h @ layer.weight.T + layer.bias
            h = self._relu(z) if layer.activation == "relu" else z
            yield z, h

    def pre_activations(self, x: Any) -> list[np.ndarray]:
        """Pre-activation values ``W h + b`` of every layer, each of shape (N, out)."""
        h, _ = self._prepare_input(x)
        return [z for z, _ in self._forward(h)]

    def evaluate(self, x: Any) -> np.ndarray:
        """Evaluate the network.

        ``x`` has shape ``(input_dim,)`` or ``(N, input_dim)``.  An exact network takes exact
        inputs (ints, Fractions, ``"p/q"`` strings) and returns an object array of Fractions;
        a float network takes real inputs and returns float64.  Passing floats to an exact
        network (or rationals to a float one) raises :class:`NumberTypeError`.
        """
        h, single = self._prepare_input(x)
        for _, h in self._forward(h):
            pass
        return h[0] if single else h

    __call__ = evaluate

    def activation_pattern(self, x: Any) -> tuple[np.ndarray, ...]:
        """Boolean on/off pattern (pre-activation > 0) of every ReLU layer at each input row."""
        zs = self.pre_activations(x)
        pats = tuple(np.asarray(z > 0, dtype=bool) for z, layer in zip(zs, self.layers) if layer.activation == "relu")
        if np.asarray(x, dtype=object).ndim == 1:
            return tuple(p[0] for p in pats)
        return pats

    def parameters(self) -> Iterable[tuple[np.ndarray, np.ndarray]]:
        """``(weight, bias)`` pairs in order (read-only arrays)."""
        return ((layer.weight, layer.bias) for layer in self.layers)
