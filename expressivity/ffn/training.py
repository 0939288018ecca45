"""Training FFN layers and residual stacks: every parameter by L-BFGS on the analytic gradients (numeric).

:func:`fit` learns **all** parameters of a layer or an :class:`FFNNetwork` (hidden weights and
biases, LA coefficients, MoA gate matrices and gate biases, output matrices) by minimising a loss
with scipy's L-BFGS-B, the gradient coming from :mod:`~expressivity.ffn.derivatives` (no finite
differences).  The model passed in is a template: its class, dictionary, gate, widths and which
optional parameters (biases, gate biases) exist.  Restart 0 starts from its parameters when
``init="given"``; every other start draws parameters from a seeded generator, so a run is
reproducible from ``seed``.  Results are floating point (method ``numeric``): a small loss is
evidence, never a proof.

:class:`FFNNetwork` stacks layers, optionally with residual connections ``x ← x + f(x)`` (the
transformer FFN block, pre-norm omitted).
"""

from __future__ import annotations

import contextlib
import ctypes
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize

from .._random import as_rng
from ..exceptions import (
    ComputationTooLargeError,
    InvalidInputError,
    NonFiniteError,
    ShapeError,
)
from .derivatives import layer_backward
from .layers import _ARRAYS, FFNLayer

__all__ = ["CLASS_CHOICES", "LOSSES", "FFNNetwork", "FitResult", "fit", "loss_and_gradient", "random_parameters", "target_function", "template"]

LOSSES = ("mse",)
_CHUNK = 2048  # tokens per block of the batched pass (bounds the memory of the K activation arrays)


@dataclass(frozen=True, eq=False)
class FFNNetwork:
    """Layers applied in sequence; ``residual[l]`` adds the layer's input to its output (needs d_in = d_out).

    Examples
    --------
    >>> from expressivity.ffn.layers import fixed_type1
    >>> a = fixed_type1("relu", [[1.0, 0.0]], [[1.0], [0.0]])
    >>> net = FFNNetwork((a, a), residual=True)
    >>> net([[1.0, 2.0]]).tolist()   # x ← x + relu(x1) e1, twice: 1 → 2 → 4
    [[4.0, 2.0]]
    """

    layers: tuple[FFNLayer, ...]
    residual: Any = False

    def __post_init__(self) -> None:
        layers = tuple(self.layers)
        if not layers or not all(isinstance(L, FFNLayer) for L in layers):
            raise InvalidInputError("an FFNNetwork needs a non-empty sequence of FFNLayer")
        res = (bool(self.residual),) * len(layers) if isinstance(self.residual, (bool, np.bool_)) else tuple(
            bool(r) for r in self.residual)
        if len(res) != len(layers):
            raise InvalidInputError(f"residual needs one flag per layer ({len(layers)}), got {len(res)}")
        for i, (L, r) in enumerate(zip(layers, res)):
            if r and L.in_dim != L.out_dim:
                raise ShapeError(f"layer {i} has a residual connection but maps {L.in_dim} -> {L.out_dim} dimensions")
            if i and layers[i - 1].out_dim != L.in_dim:
                raise ShapeError(f"layer {i} takes {L.in_dim} inputs but layer {i - 1} gives {layers[i - 1].out_dim}")
        object.__setattr__(self, "layers", layers)
        object.__setattr__(self, "residual", res)

    @property
    def in_dim(self) -> int:
        return self.layers[0].in_dim

    @property
    def out_dim(self) -> int:
        return self.layers[-1].out_dim

    def __call__(self, X: Any) -> np.ndarray:
        Xf, single = self.layers[0]._check_input(X)
        for L, r in zip(self.layers, self.residual):
            Y = L(Xf)
            Xf = Xf + Y if r else Y
        return Xf[0] if single else Xf


@contextlib.contextmanager
def _single_thread_blas():
    """Run with one OpenBLAS thread (scipy's L-BFGS-B calls BLAS on tiny vectors; idle threads spinning
    on a loaded machine made it ~20x slower).  Best effort: libraries without the hook are left alone."""
    handles = []
    try:
        with open("/proc/self/maps", encoding="utf-8") as fh:
            paths = {ln.split()[-1] for ln in fh if "openblas" in ln.lower() and ln.split()[-1].startswith("/")}
    except OSError:
        paths = set()
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in ("", "64_"):
            for prefix in ("scipy_openblas", "openblas"):
                setf, getf = f"{prefix}_set_num_threads{suffix}", f"{prefix}_get_num_threads{suffix}"
                if hasattr(lib, setf) and hasattr(lib, getf):
                    old = int(getattr(lib, getf)())
                    getattr(lib, setf)(1)
                    handles.append((getattr(lib, setf), old))
    try:
        yield
    finally:
        for setf, old in handles:
            setf(old)


# ---------------------------------------------------------------------- parameter vectors
def _names(layer: FFNLayer) -> list[str]:
    return [n for n in _ARRAYS if getattr(layer, n) is not None]


def _layers(model) -> tuple[tuple[FFNLayer, ...], tuple[bool, ...]]:
    if isinstance(model, FFNLayer):
        return (model,), (False,)
    if isinstance(model, FFNNetwork):
        return model.layers, model.residual
    raise InvalidInputError(f"fit needs an FFNLayer or an FFNNetwork, got {type(model).__name__}")


def _pack(dicts: Sequence[dict], layers) -> np.ndarray:
    return np.concatenate([np.ravel(d[n]) for d, L in zip(dicts, layers) for n in _names(L)])


def _unpack(theta: np.ndarray, layers) -> list[dict]:
    out, i = [], 0
    for L in layers:
        d = {}
        for n in _names(L):
            shape = getattr(L, n).shape
            size = int(np.prod(shape))
            d[n] = theta[i:i + size].reshape(shape)
            i += size
        out.append(d)
    return out


def random_parameters(layer: FFNLayer, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A random float parameter set of the layer's shapes (scaled so pre-activations are O(1) on [−1, 1]^d).

    Examples
    --------
    >>> from expressivity.ffn.layers import moa_type1
    >>> L = moa_type1(["relu", "tanh"], W1=[[1, 0]], W2=[[1]], U=[[0, 0], [0, 0]], c=[0, 0])
    >>> sorted(random_parameters(L, np.random.default_rng(0)))
    ['U1', 'W1', 'W2', 'c1']
    """
    d, m = layer.in_dim, layer.width
    out = {}
    for n in _names(layer):
        shape = getattr(layer, n).shape
        if n in ("W1", "U1", "U2") or (n == "W2" and layer.ffn_type == "II"):
            v = rng.normal(0.0, 1.5 / np.sqrt(d), shape)
        elif n in ("W3",) or (n == "W2" and layer.ffn_type == "I"):
            v = rng.normal(0.0, 1.0 / np.sqrt(m), shape)
        elif n in ("b1", "b2"):
            v = rng.uniform(-1.0, 1.0, shape)
        elif n in ("c1", "c2"):
            v = rng.normal(0.0, 0.5, shape)
        else:  # alpha, beta, gamma: around the plain sum (LA initialised at 1 in secondary accounts)
            v = 1.0 / shape[-1] + rng.normal(0.0, 0.5, shape)
        out[n] = v
    return out


# ---------------------------------------------------------------------- loss
def _check_data(model_in: int, model_out: int, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    Xf = np.asarray(X, dtype=np.float64)
    yf = np.asarray(y, dtype=np.float64)
    if Xf.ndim != 2 or Xf.shape[1] != model_in or Xf.shape[0] == 0:
        raise ShapeError(f"X must have shape [N, {model_in}] with N ≥ 1, got {Xf.shape}")
    if yf.ndim == 1 and model_out == 1:
        yf = yf[:, None]
    if yf.shape != (Xf.shape[0], model_out):
        raise ShapeError(f"y must have shape [{Xf.shape[0]}, {model_out}] (or [{Xf.shape[0]}] for one output), got {yf.shape}")
    if not (np.all(np.isfinite(Xf)) and np.all(np.isfinite(yf))):
        raise NonFiniteError("X or y contains NaN or infinity")
    if np.max(np.abs(Xf)) > 1e6 or np.max(np.abs(yf)) > 1e12:
        raise InvalidInputError("X entries above 1e6 or y entries above 1e12: rescale the data before training")
    return Xf, yf


def _step(layers, residual, params: list[dict], X: np.ndarray, y: np.ndarray, scale: float):
    """Sum of squared errors times ``scale`` and its gradient for one chunk of tokens."""
    xs = [X]
    for L, r, f in zip(layers[:-1], residual[:-1], params[:-1]):
        Y = layer_backward(L, xs[-1], None, f=f)[0]
        xs.append(xs[-1] + Y if r else Y)
    box = {}

    def G_of(Y):
        out = xs[-1] + Y if residual[-1] else Y
        R = out - y
        box["loss"] = scale * float(np.sum(R * R))
        box["G"] = 2.0 * scale * R
        return box["G"]

    grads = [None] * len(layers)
    _, grads[-1], GX = layer_backward(layers[-1], xs[-1], G_of, f=params[-1])
    G_in = GX + box["G"] if residual[-1] else GX
    for i in range(len(layers) - 2, -1, -1):
        _, grads[i], GXi = layer_backward(layers[i], xs[i], G_in, f=params[i])
        G_in = GXi + (G_in if residual[i] else 0.0)
    return box["loss"], grads


def loss_and_gradient(model, X: Any, y: Any, *, loss: str = "mse", params: list[dict] | None = None,
                      chunk: int = _CHUNK) -> tuple[float, list[dict[str, np.ndarray]]]:
    """Mean squared error ``mean((f(X) − y)²)`` and its gradient for every parameter of every layer.

    Tokens are processed in blocks of ``chunk`` (memory ~ ``chunk·m·K`` floats per layer).

    Examples
    --------
    >>> from expressivity.ffn.layers import la_type1
    >>> f = la_type1(["relu", "relu2"], alpha=[1.0, 1.0], W1=[[1.0]], W2=[[1.0]])
    >>> L, g = loss_and_gradient(f, [[0.5]], [0.0])   # f(0.5) = 0.75
    >>> L, g[0]["W2"].tolist()
    (0.5625, [[1.125]])
    """
    if loss not in LOSSES:
        raise InvalidInputError(f"unknown loss {loss!r}; known: {', '.join(LOSSES)}")
    layers, residual = _layers(model)
    Xf, yf = _check_data(layers[0].in_dim, layers[-1].out_dim, X, y)
    params = [dict(L._f) for L in layers] if params is None else params
    scale = 1.0 / yf.size
    total, acc = 0.0, None
    for s in range(0, Xf.shape[0], chunk):
        val, grads = _step(layers, residual, params, Xf[s:s + chunk], yf[s:s + chunk], scale)
        total += val
        acc = grads if acc is None else [{n: a[n] + g[n] for n in a} for a, g in zip(acc, grads)]
    return total, acc


@dataclass(frozen=True, eq=False)
class FitResult:
    """What :func:`fit` found (floating point, method ``numeric``).

    Attributes
    ----------
    model : FFNLayer or FFNNetwork
        The best trained model (float parameters).
    loss : float
        Its training loss.
    restart_losses : tuple of float
        Final loss of every restart (in order).
    iterations : tuple of int
    seconds : float
    seed, message : the seed used and the optimiser's message for the best restart.
    """

    model: Any
    loss: float
    restart_losses: tuple[float, ...]
    iterations: tuple[int, ...]
    seconds: float
    seed: Any
    message: str = ""
    method: str = field(default="numeric")

    def to_json(self) -> dict:
        return {"loss": self.loss, "restart_losses": list(self.restart_losses), "iterations": list(self.iterations),
                "seconds": self.seconds, "seed": self.seed, "message": self.message, "method": self.method}


def _rebuild(model, params: list[dict]):
    layers, residual = _layers(model)
    new = []
    for L, f in zip(layers, params):
        arrays = {n: np.array(f[n], dtype=np.float64) for n in _names(L)}
        new.append(FFNLayer(L.ffn_type, L.mixing, L.variant, L.activations, gate=L.gate_object, **arrays))
    return new[0] if isinstance(model, FFNLayer) else FFNNetwork(tuple(new), residual)


def fit(model, X: Any, y: Any, *, loss: str = "mse", seed: Any = 0, restarts: int = 1, max_iter: int = 500,
        init: str = "random", tol: float = 1e-15, max_cells: float = 2e9, progress=None) -> FitResult:
    """Train every parameter of a layer or network by L-BFGS on the analytic gradient.

    Parameters
    ----------
    model : FFNLayer or FFNNetwork
        Template: class, dictionary (built-in or user activations), gate, shapes, optional biases.
    X, y : array_like
        Inputs ``[N, d]`` and targets ``[N, d_out]`` (or ``[N]``).
    loss : {"mse"}
        Mean squared error over all outputs.
    seed : int or Generator
        Seeds every random start (:func:`random_parameters`); the same seed gives the same result.
    restarts : int
        Number of starts; the best final loss wins.
    max_iter : int
        L-BFGS iterations per start.
    init : {"random", "given"}
        ``"given"``: restart 0 starts from the template's parameters (e.g. a least-squares warm start).
    max_cells : float
        Refuse when ``N · Σ(width · K)`` exceeds this (memory and time guard; raise it deliberately).
    progress : Progress or None
        Updated once per restart.

    Examples
    --------
    >>> from expressivity.ffn.layers import la_type1
    >>> teacher = la_type1(["relu", "relu2"], alpha=[1.0, 1.0], W1=[[1.0]], W2=[[1.0]])   # ReLU + ReLU²
    >>> X = np.linspace(-1, 1, 101)[:, None]
    >>> r = fit(template("la-i", ["relu", "relu2"], 1, 1), X, teacher(X), seed=0, restarts=3, max_iter=500)
    >>> r.loss < 1e-12, len(r.restart_losses)   # one start dies (ReLU off on [-1, 1]), the best is exact
    (True, 3)
    """
    layers, _ = _layers(model)
    Xf, yf = _check_data(layers[0].in_dim, layers[-1].out_dim, X, y)
    if not (isinstance(restarts, (int, np.integer)) and 1 <= restarts <= 1000):
        raise InvalidInputError(f"restarts must be an integer in 1..1000, got {restarts!r}")
    if not (isinstance(max_iter, (int, np.integer)) and 1 <= max_iter <= 10**6):
        raise InvalidInputError(f"max_iter must be an integer in 1..10^6, got {max_iter!r}")
    if init not in ("random", "given"):
        raise InvalidInputError(f"init must be 'random' or 'given', got {init!r}")
    cells = Xf.shape[0] * sum(L.width * len(L.activations) * (2 if L.variant in ("bi", "quad") else 1) for L in layers)
    if cells > max_cells:
        raise ComputationTooLargeError(f"training on {Xf.shape[0]} points with these widths touches {cells:.2g} activation "
                                       f"values per step, over the limit {max_cells:.2g}; use fewer points or a smaller "
                                       "width, or raise max_cells (--max-cells)")
    rng = as_rng(seed)
    t0 = time.perf_counter()
    best, losses, iters = None, [], []
    for r in range(restarts):
        start = [dict(L._f) for L in layers] if (r == 0 and init == "given") else [random_parameters(L, rng) for L in layers]
        theta0 = _pack(start, layers)

        def fun(theta):
            val, grads = loss_and_gradient(model, Xf, yf, params=_unpack(theta, layers))
            return val, _pack(grads, layers)

        with _single_thread_blas():
            res = minimize(fun, theta0, jac=True, method="L-BFGS-B",
                           options={"maxiter": int(max_iter), "ftol": tol, "gtol": 1e-12, "maxcor": 20})
        val = float(res.fun) if np.isfinite(res.fun) else float("inf")
        losses.append(val)
        iters.append(int(res.nit))
        if best is None or val < best[0]:
            best = (val, res.x.copy(), str(res.message))
        if progress is not None:
            progress.update(1, f"restart {r}: loss {val:.3g}")
    model_out = _rebuild(model, _unpack(best[1], layers))
    return FitResult(model_out, best[0], tuple(losses), tuple(iters), time.perf_counter() - t0,
                     seed if isinstance(seed, (int, type(None))) else str(seed), best[2])


#: layer classes :func:`template` builds (CLI ``--class``)
CLASS_CHOICES = ("fixed-i", "fixed-ii", "la-i", "la-ii-one", "la-ii-bi", "la-ii-quad", "moa-i", "moa-ii-one", "moa-ii-bi")


def template(cls: str, dictionary, width: int, in_dim: int, out_dim: int = 1, *, gate="tanh",
             per_neuron: bool = False, seed: Any = 0) -> FFNLayer:
    """A float layer of class ``cls`` with random parameters (biases and gate biases included), ready for :func:`fit`.

    ``dictionary`` holds names or :class:`~expressivity.ffn.activations.Activation` objects (one
    entry for the fixed classes); ``per_neuron`` gives LA coefficients one row per neuron.

    Examples
    --------
    >>> from expressivity.ffn.custom import activation_from_expression
    >>> L = template("moa-i", ["relu", activation_from_expression("x*tanh(x)")], 4, 2)
    >>> L.class_name, L.n_params
    ('MoA-I[tanh]', 22)
    """
    if cls not in CLASS_CHOICES:
        raise InvalidInputError(f"unknown layer class {cls!r}; one of {', '.join(CLASS_CHOICES)}")
    for n, v in (("width", width), ("in_dim", in_dim), ("out_dim", out_dim)):
        if not (isinstance(v, (int, np.integer)) and 1 <= v <= 10**6):
            raise InvalidInputError(f"{n} must be an integer in 1..10^6, got {v!r}")
    acts = tuple(dictionary)
    K, m, d = len(acts), int(width), int(in_dim)
    if cls.startswith("fixed") and K != 1:
        raise InvalidInputError(f"{cls} takes exactly one activation, got {K}")
    ffn_type = "I" if cls.endswith("-i") else "II"
    mixing = cls.split("-")[0]
    variant = None if ffn_type == "I" else (cls.split("-")[2] if mixing != "fixed" else "one")
    kw: dict[str, Any] = {"W1": np.zeros((m, d)), "b1": np.zeros(m)}
    if ffn_type == "I":
        kw["W2"] = np.zeros((out_dim, m))
    else:
        kw.update(W2=np.zeros((m, d)), b2=np.zeros(m), W3=np.zeros((out_dim, m)))
    if mixing == "la":
        if variant == "quad":
            kw["gamma"] = np.zeros((K, K))
        else:
            kw["alpha"] = np.zeros((m, K) if per_neuron else (K,))
            if variant == "bi":
                kw["beta"] = np.zeros((m, K) if per_neuron else (K,))
    if mixing == "moa":
        kw.update(U1=np.zeros((K, d)), c1=np.zeros(K))
        if variant == "bi":
            kw.update(U2=np.zeros((K, d)), c2=np.zeros(K))
    L = FFNLayer(ffn_type, mixing, variant, acts, gate=gate if mixing == "moa" else None, **kw)
    return _rebuild(L, [random_parameters(L, as_rng(seed))])


def target_function(spec: str, dim: int | None = None, lam: Any = 2):
    """A target ``(f, d, text)`` for training: a witness name (``T``, ``f1``, ...) or a formula in ``x1..xd``.

    Examples
    --------
    >>> f, d, text = target_function("x1*tanh(x2)")
    >>> d, round(float(f(np.array([[1.0, 1.0]]))[0]), 6)
    (2, 0.761594)
    >>> target_function("T")[1:]
    (2, 'tanh(2*x1)*Max(0, x2)')
    """
    import re

    import sympy as sp

    from .expressions import parse_formula
    from .witnesses import WITNESS_NAMES, get_witness

    if not isinstance(spec, str) or not spec.strip():
        raise InvalidInputError("a target must be a witness name or a formula in x1, x2, ...")
    if spec.strip() in WITNESS_NAMES:
        w = get_witness(spec.strip(), lam)
        if dim is not None and dim != w.dim:
            raise InvalidInputError(f"witness {spec} lives in dimension {w.dim}, not {dim}")
        return w.target_numpy(), w.dim, str(w.target)
    used = [int(v) for v in re.findall(r"\bx(\d{1,2})\b", spec)]
    d = dim if dim is not None else max(used, default=1)
    if not (isinstance(d, int) and 1 <= d <= 64):
        raise InvalidInputError(f"the target dimension must be in 1..64, got {d!r}")
    names = tuple(f"x{i}" for i in range(1, d + 1))
    expr, syms = parse_formula(spec, names)
    fn = sp.lambdify(syms, expr, modules=[{"Max": np.maximum, "Min": np.minimum}, "scipy", "numpy"])

    def f(X):
        X = np.asarray(X, dtype=np.float64)
        return np.broadcast_to(np.asarray(fn(*X.T), dtype=np.float64), (X.shape[0],)).copy()

    return f, d, str(expr)
