"""Exact equivalence of two CPWL functions (ReLU networks or expressions), on R^d or a box.

:func:`decide_equivalence` decides whether ``A(x) = B(x)`` for every x in R^d (or in the box
``[-R, R]^d``), in integer arithmetic, for any input dimension, with or without biases, any
depth, several outputs.  The answer is a proof either way:

* **different**: a rational point where the exact values of A and B differ, re-checked by
  evaluating A and B exactly (an expression by its own syntax tree, not by its compiled net);
* **equal**: the polyhedral cells examined cover the domain, and on each one A - B is shown to
  be linear and zero at the cell's extreme rays.

Method: *exact cell refinement* over the common refinement of A's and B's activation regions.

0. Both functions become exact networks (an expression is compiled, a float network is read at
   the exact binary values of its weights) in affine normal form
   (:func:`~expressivity.relu.verify_max.compose_affine_layers`); weights are scaled to integers
   (each layer by a positive constant, so signs are unchanged and network k computes
   ``C_k N_k``).  With biases or a box, inputs are homogenised by an extra coordinate t
   (``N(x) = N'(x, 1)``, positively homogeneous in (x, t)) and the search runs on ``t >= 0``.
   Neuron pairs ``relu(z)``, ``relu(-z)`` used only as ``a relu(z) - a relu(-z) = a z`` (the
   identity carries of compiled expressions) are read as one linear neuron.
1. Cells are pointed polyhedral cones given by their extreme rays (primitive integer vectors)
   and, per ray, the set of constraints tight there.  Start from d + 1 simplicial cones covering
   R^d (spanned by d of the d + 1 vectors ``e_1..e_d, -(1..1)``), extended by the t ray.  With a
   box, first cut along the box hyperplanes ``x_i = +-R t`` and drop the cells outside.
2. On a cell, propagate both networks on its rays.  If a neuron of a hidden layer (not the last)
   takes both signs on the rays, cut the cell by the neuron's hyperplane -- one exact step of the
   double description method [FP96]: rays u, v on opposite sides are adjacent iff no third ray is tight
   at every constraint tight at both, and each adjacent pair gives a new ray on the hyperplane.
   Neurons are taken layer by layer, so the neuron cut on is linear on the cell.  Once every such
   layer has one weak sign per neuron, each network is ``linear + sum_j a_j relu(z_j)`` on the
   cell, ``z_j`` its last hidden layer.  Hinges on distinct hyperplanes crossing the cell are
   linearly independent modulo linear functions, so A - B is linear on the cell iff the hinge
   weights of A and of -B on each hyperplane cancel (hyperplanes compared by their values at the
   rays, which span the space, primitive and sign-normalised).  Then A - B = 0 on the cell iff
   it vanishes at the rays.  Otherwise the last layers are cut too, until a cell on which A - B
   is linear and non-zero at a ray gives the counterexample.

What is proved: both verdicts are exact (integer arithmetic; nothing is sampled, no floating
point is used, the cells are exactly the pieces of the refinement, not an approximation).
Cost: one cell per region of the arrangement of the box hyperplanes and the hidden neurons of
A and B *except their last hidden layers* (those are settled by the hinge test without cutting,
when A = B), plus the cells cut on the way; like any region count this can grow exponentially
with the number of neurons and the dimension.  Each cut costs O(r^2 * r) set tests for a cell
with r rays, each new ray one exact propagation through both networks (int64 when provably safe,
Python integers otherwise).  ``max_cells`` and ``time_limit`` bound the work
(:class:`LimitReachedError`: nothing proved).

Examples
--------
>>> from expressivity.relu.max_networks import max_log3_network
>>> decide_equivalence(max_log3_network(5), "max(x1, x2, x3, x4, x5)").equal
True
>>> res = decide_equivalence("max(x1, 0)", "abs(x1)")
>>> res.equal, res.counterexample, res.value_a, res.value_b
(False, (Fraction(-1, 1),), (Fraction(0, 1),), (Fraction(1, 1),))
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import InvalidInputError, LimitReachedError, ShapeError
from ..relu.verify_max import primitive_hinge
from ..numbers import to_fraction
from ..progress import Progress
from ..relu.network import ReLUNetwork
from ..relu.verify_max import compose_affine_layers
from .expression import CPWLExpression, parse_expression

__all__ = [
    "DEFAULT_MAX_CELLS",
    "EXPRESSION_PREFIX",
    "CPWLFunction",
    "EquivalenceResult",
    "as_cpwl",
    "check_target",
    "decide_equivalence",
    "difference_network",
    "load_cpwl_operands",
]

#: Command-line operands starting with this prefix are expression text.
EXPRESSION_PREFIX = "expr:"

_WEIGHT_FILE_SUFFIXES = (".safetensors", ".npz")

#: Default cap on the number of cells examined (``LimitReachedError`` beyond it).
DEFAULT_MAX_CELLS = 2_000_000
_SAFE = 2 ** 62

Ray = tuple
Cell = tuple  # (rays, tight constraint ids per ray)


# ----------------------------------------------------------------------------------- operands
@dataclass(frozen=True, eq=False)
class CPWLFunction:
    """A CPWL function given as a network or an expression, with its exact network.

    ``network`` is exact (an expression compiled; a float network read at the exact binary values
    of its weights); :meth:`evaluate` uses the *original* object (an expression's syntax tree),
    so a counterexample is re-checked independently of the compilation.
    """

    label: str
    kind: str                      # "network", "float network" or "expression"
    network: ReLUNetwork
    original: Any

    @property
    def input_dim(self) -> int:
        return self.network.input_dim

    @property
    def output_dim(self) -> int:
        return self.network.output_dim

    def evaluate(self, x: Sequence[Fraction]) -> tuple[Fraction, ...]:
        """Exact value(s) at the rational point x."""
        if isinstance(self.original, CPWLExpression):
            return (self.original(list(x)),)
        return tuple(self.network(list(x)))


def as_cpwl(obj: Any, *, input_dim: int | None = None, label: str | None = None) -> CPWLFunction:
    """Wrap a :class:`ReLUNetwork`, a :class:`CPWLExpression` or expression text.

    Examples
    --------
    >>> as_cpwl("relu(x1) - x2/2", input_dim=3).network.input_dim
    3
    """
    from .compile import compile_expression

    if isinstance(obj, CPWLFunction):
        return obj
    if isinstance(obj, str):
        obj = parse_expression(obj, input_dim=input_dim)
    if isinstance(obj, CPWLExpression):
        if input_dim is not None and input_dim != obj.input_dim:
            obj = parse_expression(obj.text, input_dim=input_dim, source=obj.source)
        return CPWLFunction(label or str(obj), "expression", compile_expression(obj), obj)
    if isinstance(obj, ReLUNetwork):
        if input_dim is not None and input_dim != obj.input_dim:
            raise ShapeError(f"the network has {obj.input_dim} inputs, expected {input_dim}")
        if obj.kind == "exact":
            return CPWLFunction(label or "network", "network", obj, obj)
        exact = obj.to_exact()
        return CPWLFunction(label or "network", "float network", exact, exact)
    raise InvalidInputError(f"expected a ReLUNetwork, a CPWLExpression or expression text, got {type(obj).__name__}")


def load_cpwl_operands(specs: Sequence[str], *, input_dim: int | None = None,
                       layer_order: Sequence[str] | str | None = None) -> list[CPWLFunction]:
    """Read command-line operands: ``expr:TEXT`` (an expression), a ``.cpwl`` file (an expression
    file), or any other existing file (a network, read by
    :func:`~expressivity.relu.network_io.load_network`: JSON, ONNX, safetensors, npz).

    ``layer_order`` (names, or one comma-separated string) is the layer order of the weight-file
    operands (``.safetensors``, ``.npz``) whose layer names are not numbered; see
    :mod:`expressivity.interop.weights`.  It is an error when no operand is a weight file.

    Networks are read first; expressions are then parsed with their input dimension (so a
    variable beyond it is an error at its position), else with ``input_dim``, else with the
    largest variable index of all expressions.

    Examples
    --------
    >>> [f.input_dim for f in load_cpwl_operands(["expr:max(x1, x2)", "expr:x3"])]
    [3, 3]
    """
    from ..relu.network_io import load_network
    from .expression import load_expression

    weight_files = [s for s in specs if isinstance(s, str) and not s.startswith(EXPRESSION_PREFIX)
                    and Path(s).suffix.lower() in _WEIGHT_FILE_SUFFIXES]
    if layer_order is not None and not weight_files:
        raise InvalidInputError("a layer order applies to .safetensors and .npz weight-file operands only, "
                                "and there is none")
    loaded: list[Any] = []
    for spec in specs:
        if not isinstance(spec, str) or not spec:
            raise InvalidInputError(f"an operand must be a file name or {EXPRESSION_PREFIX}TEXT, got {spec!r}")
        if spec.startswith(EXPRESSION_PREFIX):
            loaded.append(("expr", spec[len(EXPRESSION_PREFIX):], None))
        elif Path(spec).suffix.lower() == ".cpwl":
            loaded.append(("file", spec, None))
        elif Path(spec).is_file():
            order = layer_order if spec in weight_files else None
            loaded.append(("net", spec, load_network(spec, layer_order=order)))
        else:
            raise InvalidInputError(
                f"no such file: {spec!r}; give a network file, a .cpwl expression file, "
                f"or an expression as {EXPRESSION_PREFIX}TEXT (e.g. '{EXPRESSION_PREFIX}max(x1, x2)')")
    dims = {item[2].input_dim for item in loaded if item[0] == "net"}
    if input_dim is None and dims:
        input_dim = min(dims) if len(dims) > 1 else dims.pop()
    exprs = {}
    for i, (kind, spec, _) in enumerate(loaded):
        if kind == "expr":
            exprs[i] = parse_expression(spec, input_dim=input_dim)
        elif kind == "file":
            exprs[i] = load_expression(spec, input_dim=input_dim)
    if input_dim is None and exprs:
        input_dim = max(e.input_dim for e in exprs.values())
    out = []
    for i, (kind, spec, net) in enumerate(loaded):
        if kind == "net":
            out.append(as_cpwl(net, label=spec))
        else:
            out.append(as_cpwl(exprs[i], input_dim=input_dim, label=spec))
    return out


# ----------------------------------------------------------------------------------- result
@dataclass(frozen=True)
class EquivalenceResult:
    """Outcome of :func:`decide_equivalence` (exact either way).

    Attributes
    ----------
    equal : bool
        A = B on the domain (proved) -- or False with a counterexample.
    counterexample : tuple of Fraction or None
        A rational point of the domain where A and B differ.
    value_a, value_b : tuple of Fraction or None
        The exact values there (one per output).
    cells, rays : int
        Polyhedral cells (cones) examined and distinct rays propagated.
    """

    equal: bool
    input_dim: int
    output_dim: int
    box: Fraction | None
    counterexample: tuple[Fraction, ...] | None
    value_a: tuple[Fraction, ...] | None
    value_b: tuple[Fraction, ...] | None
    cells: int
    rays: int
    seconds: float
    method: str = "exact"
    algorithm: str = "exact cell refinement (double description) of the common refinement, integer arithmetic"
    notes: tuple[str, ...] = field(default=())

    @property
    def domain(self) -> str:
        return f"R^{self.input_dim}" if self.box is None else f"[-{self.box}, {self.box}]^{self.input_dim}"

    def to_json(self) -> dict[str, Any]:
        s = (lambda v: None if v is None else [str(q) for q in v])
        return {
            "equal": self.equal, "proved": True, "method": self.method, "algorithm": self.algorithm,
            "domain": self.domain, "input_dim": self.input_dim, "output_dim": self.output_dim,
            "box": None if self.box is None else str(self.box),
            "counterexample": s(self.counterexample), "value_a": s(self.value_a), "value_b": s(self.value_b),
            "cells": self.cells, "rays": self.rays, "seconds": round(self.seconds, 4), "notes": list(self.notes),
        }


# ----------------------------------------------------------------------------------- integer form
def _lcm_den(a: np.ndarray) -> int:
    m = 1
    for v in a.ravel():
        m = math.lcm(m, v.denominator)
    return m


@dataclass
class _IntNet:
    mats: list            # integer object matrices: ReLU layers (acting on (h[, t])) then the output map
    mats64: list          # int64 copies (None where an entry is too large)
    rowsum: list          # max absolute row sum per matrix (for the int64 safety bound)
    linear: list          # per ReLU layer: bool mask of neurons read as linear (merged pairs)
    skip: list            # per ReLU layer: neurons never cut on (linear, or not used by the next layer)
    scale: int            # the integer network computes scale * N

    @property
    def relu_layers(self) -> int:
        return len(self.mats) - 1


def _merge_pairs(W: np.ndarray, W_next: np.ndarray):
    """Neurons relu(z), relu(-z) that W_next uses only as a relu(z) - a relu(-z) = a z."""
    lin = np.zeros(W.shape[0], dtype=bool)
    rows: dict[tuple, int] = {}
    for j, r in enumerate(W.tolist()):
        rows.setdefault(tuple(r), j)
    taken: set[int] = set()
    W_next = W_next.copy()
    for j, r in enumerate(W.tolist()):
        if j in taken or not any(r):
            continue
        jn = rows.get(tuple(-v for v in r))
        if jn is None or jn in taken or jn == j:
            continue
        if all(W_next[i, jn] == -W_next[i, j] for i in range(W_next.shape[0])):
            lin[j] = True
            taken.update((j, jn))
            W_next[:, jn] = 0
    return lin, W_next


def _integer_net(net: ReLUNetwork, homogenise: bool) -> _IntNet:
    nf = compose_affine_layers(net)
    mats, scale = [], 1
    for layer in nf.layers:
        W = np.array(layer.weight, dtype=object)
        if homogenise:
            W = np.concatenate([W, np.array(layer.bias, dtype=object)[:, None]], axis=1)
            if layer.activation == "relu":  # carry t >= 0 through the layer: relu(t) = t
                W = np.concatenate([W, np.array([[Fraction(0)] * (W.shape[1] - 1) + [Fraction(1)]], dtype=object)])
        c = _lcm_den(W)
        scale *= c
        mats.append(np.array([[int(v * c) for v in row] for row in W], dtype=object))
    linear = []
    for li in range(len(mats) - 1):
        lin, mats[li + 1] = _merge_pairs(mats[li], mats[li + 1])
        linear.append(lin)
    mats64 = [np.array(W.tolist(), dtype=np.int64) if max(abs(int(v)) for v in W.ravel()) < 2 ** 31 else None
              for W in mats]
    rowsum = [max(sum(abs(int(v)) for v in row) for row in W.tolist()) for W in mats]
    skip = [linear[li] | ~np.array([any(v != 0 for v in col) for col in mats[li + 1].T.tolist()], dtype=bool)
            for li in range(len(mats) - 1)]
    return _IntNet(mats, mats64, rowsum, linear, skip, scale)


class _Propagator:
    """Pre-activations of every ReLU layer and the outputs of one integer network at integer rays."""

    def __init__(self, inet: _IntNet):
        self.inet = inet
        self.memo: dict[Ray, tuple[list, list]] = {}
        self.all64 = all(m is not None for m in inet.mats64)

    def __call__(self, r: Ray) -> tuple[list, list]:
        got = self.memo.get(r)
        if got is not None:
            return got
        inet = self.inet
        bound = max(abs(v) for v in r)
        for rs in inet.rowsum:
            bound *= max(rs, 1)
        use64 = self.all64 and bound < _SAFE
        mats = inet.mats64 if use64 else inet.mats
        h = np.array(r, dtype=np.int64 if use64 else object)
        pres = []
        for li in range(inet.relu_layers):
            z = mats[li] @ h
            pres.append(z)
            h = np.where(inet.linear[li] | (z > 0), z, 0)
            if not use64:
                h = h.astype(object)
        out = [int(v) for v in (mats[-1] @ h)]
        got = (pres, out)
        self.memo[r] = got
        return got


# ----------------------------------------------------------------------------------- cones
def _start_cones(d: int, homogenised: bool) -> list[Cell]:
    """d + 1 simplicial cones covering R^d (or, with the t ray, the half-space t >= 0), as cells.

    Ray j of a simplicial cone lies on every facet but the one opposite to it (facet ids 0..n-1).
    """
    gens = [tuple(int(q == j) for q in range(d)) for j in range(d)] + [tuple([-1] * d)]
    if homogenised:
        gens = [g + (0,) for g in gens]
    t_ray = [tuple([0] * d + [1])] if homogenised else []
    cells = []
    for omit in range(d + 1):
        rays = tuple([g for k, g in enumerate(gens) if k != omit] + t_ray)
        n = len(rays)
        cells.append((rays, tuple(frozenset(i for i in range(n) if i != j) for j in range(n))))
    return cells


def _cut(cell: Cell, values: Sequence[int], cid: int) -> tuple[Cell, Cell]:
    """Split a pointed polyhedral cone by the hyperplane ``h = 0`` (``values`` = h at the rays, both
    signs present): one exact double-description step.

    A cell is ``(rays, tight)``: its extreme rays (primitive integer vectors) and, per ray, the
    ids of the constraints tight at it.  Rays u (h > 0) and v (h < 0) are adjacent iff no third
    extreme ray is tight at every constraint tight at both (the face they span is then
    2-dimensional); each adjacent pair gives the new ray ``h(u) v - h(v) u`` on the hyperplane.
    """
    rays, tight = cell
    pos = [j for j, v in enumerate(values) if v > 0]
    neg = [j for j, v in enumerate(values) if v < 0]
    zero = [(rays[j], tight[j] | {cid}) for j, v in enumerate(values) if v == 0]
    new = []
    for i in pos:
        for k in neg:
            common = tight[i] & tight[k]
            if any(common <= tight[j] for j in range(len(rays)) if j != i and j != k):
                continue
            zi, zk = values[i], values[k]
            w = [zi * a - zk * b for a, b in zip(rays[k], rays[i])]
            g = math.gcd(*w)
            new.append((tuple(v // g for v in w), common | {cid}))
    plus = [(rays[j], tight[j]) for j in pos] + zero + new
    minus = [(rays[j], tight[j]) for j in neg] + zero + new
    return tuple(zip(*plus)), tuple(zip(*minus))


def _crossing(Z: np.ndarray, skip: np.ndarray | None = None) -> int | None:
    """First column of Z (rays x functions) taking both signs, or None."""
    cross = (Z > 0).any(axis=0) & (Z < 0).any(axis=0)
    if skip is not None:
        cross &= ~skip
    if not cross.any():
        return None
    return int(np.argmax(cross))


def _box_rows(d: int, R: Fraction) -> np.ndarray:
    """Integer rows g with g . (x, t) >= 0 exactly on the box cone: p t -+ q x_i."""
    p, q = R.numerator, R.denominator
    rows = []
    for i in range(d):
        for s in (1, -1):
            r = [0] * (d + 1)
            r[i], r[d] = -s * q, p
            rows.append(r)
    return np.array(rows, dtype=object)


def _hinges_cancel(evs: list, nets: list[_IntNet], weights: list[int], m: int) -> bool:
    """Is sum_k w_k * (last-layer hinge part of network k) linear on the cone, for every output?"""
    for o in range(m):
        coef: dict[tuple, int] = {}
        for ev, inet, wk in zip(evs, nets, weights):
            if inet.relu_layers == 0:
                continue
            last = inet.relu_layers - 1
            Z = np.stack([e[0][last] for e in ev])
            cross = (Z > 0).any(axis=0) & (Z < 0).any(axis=0) & ~inet.linear[last]
            a_out = inet.mats[-1][o]
            for j in np.flatnonzero(cross):
                a = int(a_out[j])
                if a == 0:
                    continue
                key, g = primitive_hinge([int(v) for v in Z[:, j]])
                coef[key] = coef.get(key, 0) + wk * a * g
        if any(v != 0 for v in coef.values()):
            return False
    return True


def _point(v: Ray, d: int, homogenised: bool) -> tuple[Fraction, ...] | None:
    if not homogenised:
        return tuple(Fraction(a) for a in v[:d])
    if v[d] <= 0:
        return None
    return tuple(Fraction(a, v[d]) for a in v[:d])


def _counterexample(A: CPWLFunction, B: CPWLFunction, cone: tuple, r: Ray, d: int, homogenised: bool):
    """Candidate points (the ray, the cone's centre, centre + ray); the first where exact
    evaluations of A and B differ, or None."""
    center = [sum(c[q] for c in cone) for q in range(len(r))]
    cands = [r, center, [a + b for a, b in zip(center, r)]]
    found = []
    for cand in cands:
        pt = _point(tuple(cand), d, homogenised)
        if pt is not None:
            va, vb = A.evaluate(pt), B.evaluate(pt)
            if va != vb:
                found.append((sum(len(str(v)) for v in pt), pt, va, vb))
    return min(found, key=lambda f: f[0])[1:] if found else None


# ----------------------------------------------------------------------------------- the decision
def decide_equivalence(a: Any, b: Any, *, box: Any = None, input_dim: int | None = None,
                       max_cells: int = DEFAULT_MAX_CELLS, time_limit: float | None = None,
                       progress: bool = False) -> EquivalenceResult:
    """Decide exactly whether two CPWL functions are equal on R^d, or on the box ``[-R, R]^d``.

    Parameters
    ----------
    a, b : ReLUNetwork, CPWLExpression, CPWLFunction or str
        Networks (exact, or float: read at the exact binary values of the weights) or
        expressions.  Input and output dimensions must agree.
    box : rational, optional
        R > 0: decide on ``[-R, R]^d`` instead of R^d.
    input_dim : int, optional
        The dimension for expressions (default: a network's ``input_dim``, else the largest
        variable index of the two expressions).
    max_cells : int
        Give up (``LimitReachedError``, nothing proved) after this many cells.
    time_limit : float, optional
        Give up after this many seconds (``LimitReachedError``).
    progress : bool
        Report the number of cells on stderr.

    Returns
    -------
    EquivalenceResult
        ``equal`` is a proof either way (module docstring); a counterexample is re-checked by
        exact evaluation of the original objects.

    Raises
    ------
    ShapeError
        Input or output dimensions differ.
    LimitReachedError
        ``max_cells`` or ``time_limit`` reached (nothing proved).  The message names the
        parameter to raise; the attributes ``reason`` (the message without that hint) and
        ``parameter`` (``"max_cells"`` or ``"time_limit"``) let a command line name its own flag.

    Examples
    --------
    Two groupings of max, and a 1/1000 perturbation:

    >>> decide_equivalence("max(max(x1, x2), x3)", "max(x1, max(x3, x2))").equal
    True
    >>> r = decide_equivalence("max(x1, x2) + x3/1000", "max(x1, x2)", box=1)
    >>> r.equal, r.domain
    (False, '[-1, 1]^3')
    """
    t0 = time.perf_counter()
    A, B = _operands(a, b, input_dim)
    R = None
    if box is not None:
        R = to_fraction(box, where="box")
        if R <= 0:
            raise InvalidInputError(f"box must be a positive rational R (the box [-R, R]^d), got {R}")
    if isinstance(max_cells, bool) or not isinstance(max_cells, int) or max_cells < 1:
        raise InvalidInputError(f"max_cells must be a positive integer, got {max_cells!r}")
    search = _Refinement(A, B, R)
    cells, found = search.run(max_cells, time_limit, t0, progress)
    notes = tuple(f"{f.label}: float weights compared at their exact binary values"
                  for f in (A, B) if f.kind == "float network")
    pt, va, vb = found if found is not None else (None, None, None)
    return EquivalenceResult(found is None, A.input_dim, A.output_dim, R, pt, va, vb, cells, search.rays,
                             time.perf_counter() - t0, notes=notes)


class _Refinement:
    """The cell refinement of the module docstring for one pair (A, B)."""

    def __init__(self, A: CPWLFunction, B: CPWLFunction, R: Fraction | None):
        self.A, self.B, self.d, self.m = A, B, A.input_dim, A.output_dim
        self.homogenised = R is not None or not (A.network.is_homogeneous and B.network.is_homogeneous)
        self.nets = [_integer_net(A.network, self.homogenised), _integer_net(B.network, self.homogenised)]
        self.props = [_Propagator(n) for n in self.nets]
        self.weights = [self.nets[1].scale, -self.nets[0].scale]  # C_B (C_A A) - C_A (C_B B) = C_A C_B (A - B)
        self.box_rows = _box_rows(self.d, R) if R is not None else None
        self.depth = max(n.relu_layers for n in self.nets)

    @property
    def rays(self) -> int:
        return sum(len(p.memo) for p in self.props)

    def _box_step(self, cell: Cell) -> list[int] | None | bool:
        """Values of a box hyperplane crossing the cell, False if the cell is outside, None if inside."""
        G = np.array(cell[0], dtype=object) @ self.box_rows.T
        col = _crossing(G)
        if col is not None:
            return [int(v) for v in G[:, col]]
        return False if ((G <= 0).all(axis=0) & (G < 0).any(axis=0)).any() else None

    def _neuron_to_cut(self, evs: list, full: bool) -> list[int] | None:
        """Values at the rays of the first hidden neuron (earliest layer first) that changes sign;
        the last hidden layers only when ``full``."""
        for li in range(self.depth):
            for inet, ev in zip(self.nets, evs):
                if li < inet.relu_layers - (0 if full else 1):
                    Z = np.stack([e[0][li] for e in ev])
                    col = _crossing(Z, inet.skip[li])
                    if col is not None:
                        return [int(v) for v in Z[:, col]]
        return None

    def run(self, max_cells: int, time_limit: float | None, t0: float, progress: bool):
        """``(cells, None)`` when A = B on the domain, ``(cells, (point, A(point), B(point)))`` otherwise."""
        work: list[tuple[Cell, bool]] = [(c, False) for c in _start_cones(self.d, self.homogenised)]
        next_id, cells = self.d + 1, 0
        with Progress(None, "equivalence cells", enabled=progress) as prog:
            while work:
                cell, full = work.pop()
                cells += 1
                if cells > max_cells or cells % 1000 == 0:
                    _check_limits(cells, max_cells, t0, time_limit)
                    prog.update(1000, extra=f"{len(work)} pending")
                values = self._box_step(cell) if self.box_rows is not None else None
                if values is False:
                    continue  # the cell lies outside the box
                evs = None
                if values is None:
                    evs = [[p(r) for r in cell[0]] for p in self.props]
                    values = self._neuron_to_cut(evs, full)
                if values is not None:
                    work.extend((c, full) for c in _cut(cell, values, next_id))
                    next_id += 1
                    continue
                if not full and not _hinges_cancel(evs, self.nets, self.weights, self.m):
                    work.append((cell, True))  # A - B is not linear here: refine fully to find a point
                    continue
                found = self._check_rays(cell[0], evs)
                if found is True:  # cannot happen when A - B is linear on the cell; refine to be safe
                    if full:
                        raise AssertionError("internal error: no counterexample on a cell where A - B is linear and non-zero")
                    work.append((cell, True))
                elif found is not None:
                    return cells, found
        return cells, None

    def _check_rays(self, cone: tuple, evs: list):
        """None if A - B vanishes at every ray; else a re-checked counterexample (True if none found)."""
        w0, w1 = self.weights
        for ri, r in enumerate(cone):
            if any(w0 * va + w1 * vb for va, vb in zip(evs[0][ri][1], evs[1][ri][1])):
                found = _counterexample(self.A, self.B, cone, r, self.d, self.homogenised)
                return True if found is None else found
        return None


def _limit_reached(reason: str, parameter: str, cells: int) -> LimitReachedError:
    """The error of a work limit: the message names the Python parameter to raise; ``reason`` and
    ``parameter`` are kept as attributes, so a command line can name its own flag instead."""
    exc = LimitReachedError(f"{reason} (raise {parameter})", found=cells)
    exc.reason, exc.parameter = reason, parameter
    return exc


def _check_limits(cells: int, max_cells: int, t0: float, time_limit: float | None) -> None:
    if cells > max_cells:
        raise _limit_reached(f"more than {max_cells} cells needed", "max_cells", cells)
    if time_limit is not None and time.perf_counter() - t0 > time_limit:
        raise _limit_reached(f"time limit of {time_limit} s reached after {cells} cells", "time_limit", cells)


def _operands(a: Any, b: Any, input_dim: int | None) -> tuple[CPWLFunction, CPWLFunction]:
    dims = [o.input_dim for o in (a, b) if isinstance(o, (ReLUNetwork, CPWLFunction))]
    if input_dim is None and dims:
        input_dim = dims[0]
    if input_dim is None:
        exprs = [parse_expression(o) if isinstance(o, str) else o for o in (a, b)]
        input_dim = max(e.input_dim for e in exprs if isinstance(e, CPWLExpression))
        a, b = exprs
    A = as_cpwl(a, input_dim=input_dim if not isinstance(a, (ReLUNetwork, CPWLFunction)) else None, label=None)
    B = as_cpwl(b, input_dim=input_dim if not isinstance(b, (ReLUNetwork, CPWLFunction)) else None, label=None)
    if A.input_dim != B.input_dim:
        raise ShapeError(f"the two functions have different input dimensions: {A.input_dim} and {B.input_dim}")
    if A.output_dim != B.output_dim:
        raise ShapeError(f"the two functions have different output dimensions: {A.output_dim} and {B.output_dim}")
    return A, B


def check_target(net: Any, target: Any, *, box: Any = None, max_cells: int = DEFAULT_MAX_CELLS,
                 time_limit: float | None = None, progress: bool = False) -> EquivalenceResult:
    """Decide exactly whether ``net`` computes ``target`` (an expression, its text, or a network).

    The expression is read with the network's input dimension, so ``x7`` in the target of a
    5-input network is an error at its position.

    Examples
    --------
    >>> from expressivity.relu.max_networks import max_tree_network
    >>> check_target(max_tree_network(3), "max(x1, x2, x3)").equal
    True
    >>> check_target(max_tree_network(3), "max(x1, x2)").counterexample
    (Fraction(0, 1), Fraction(0, 1), Fraction(1, 1))
    """
    if not isinstance(net, (ReLUNetwork, CPWLFunction)):
        raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
    if isinstance(target, str):
        target = parse_expression(target, input_dim=net.input_dim)
    return decide_equivalence(net, target, box=box, max_cells=max_cells, time_limit=time_limit, progress=progress)


# ----------------------------------------------------------------------------------- difference
def difference_network(a: Any, b: Any) -> ReLUNetwork:
    """The exact network ``A - B`` (parallel composition; the shallower net's outputs are carried
    through the extra layers as ``y = relu(y) - relu(-y)``).

    Examples
    --------
    >>> D = difference_network("max(x1, x2)", "x2 + relu(x1 - x2)")
    >>> D([3, -1])[0], D.widths
    (Fraction(0, 1), (6,))
    """
    A, B = _operands(a, b, None)
    nA, nB = (_padded(compose_affine_layers(f.network), max(A.network.hidden_layers, B.network.hidden_layers))
              for f in (A, B))
    from ..relu.network import Layer

    layers = []
    zero = Fraction(0)
    for i, (LA, LB) in enumerate(zip(nA.layers, nB.layers)):
        last = i == len(nA.layers) - 1
        WA, WB = np.array(LA.weight, dtype=object), np.array(LB.weight, dtype=object)
        if i == 0:
            W = np.concatenate([WA, WB], axis=0)
        else:
            W = np.block([[WA, np.full((WA.shape[0], WB.shape[1]), zero, dtype=object)],
                          [np.full((WB.shape[0], WA.shape[1]), zero, dtype=object), WB]])
        bvec = np.concatenate([np.array(LA.bias, dtype=object), np.array(LB.bias, dtype=object)])
        if last:
            m = WA.shape[0]
            S = np.concatenate([np.eye(m, dtype=int), -np.eye(m, dtype=int)], axis=1).astype(object)
            W, bvec = S.dot(W), S.dot(bvec)
            W = np.vectorize(Fraction, otypes=[object])(W)
            bvec = np.vectorize(Fraction, otypes=[object])(bvec)
        layers.append(Layer(W, bvec, "linear" if last else "relu", "exact"))
    return ReLUNetwork(A.input_dim, tuple(layers))


def _padded(nf: ReLUNetwork, depth: int) -> ReLUNetwork:
    from ..relu.network import Layer

    extra = depth - nf.hidden_layers
    if extra == 0:
        return nf
    out = nf.layers[-1]
    m = out.out_dim
    W, b = np.array(out.weight, dtype=object), np.array(out.bias, dtype=object)
    layers = list(nf.layers[:-1]) + [Layer(np.concatenate([W, -W]), np.concatenate([b, -b]), "relu", "exact")]
    eye = np.array([[Fraction(int(i == j)) for j in range(m)] for i in range(m)], dtype=object)
    carry = np.block([[eye, -eye], [-eye, eye]])
    for _ in range(extra - 1):
        layers.append(Layer(carry, np.full(2 * m, Fraction(0), dtype=object), "relu", "exact"))
    layers.append(Layer(np.concatenate([eye, -eye], axis=1), np.full(m, Fraction(0), dtype=object), "linear", "exact"))
    return ReLUNetwork(nf.input_dim, tuple(layers))
