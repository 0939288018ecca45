"""Exact verification that a ReLU network computes ``max{x_1..x_n}`` -- for any network.

Method: *simplicial cone bisection* in integer arithmetic (no sampling, no floats).

0. Affine normal form (:func:`compose_affine_layers`): consecutive affine maps with no ReLU
   between them are composed exactly (Fractions), so the network becomes
   ``(affine -> relu)^k`` followed by **one** affine output map.  Linear layers before,
   between or after the ReLU layers are absorbed; a ReLU on the output layer becomes a
   ReLU layer followed by the identity.  Same function, exactly.
1. Integerise: scale each layer by the common denominator of its weights; every
   pre-activation is then a positive multiple of the true one (signs unchanged) and the
   output is ``C * N(x)`` for a known ``C > 0``.  A network with biases is homogenised by an
   extra input ``t`` (``N(x) = N'(x, 1)``, ``t`` carried through the layers as ``relu(t) = t``),
   and the check runs on the half-space ``t >= 0``.
2. Pairs of neurons ``relu(z)``, ``relu(-z)`` that the next layer only uses as
   ``a relu(z) - a relu(-z) = a z`` are treated as one linear neuron (an exact rewrite).
3. Start from the 2 n! simplicial cones ``cone(+-1, r_2..r_n)`` covering the sorted cones
   ``x_pi(1) <= ... <= x_pi(n)`` (``r_j`` the indicator of ``pi(j..n)``), on which max is linear
   (for n > 9: from the n cones ``cone({e_j : j != i} u {-1})`` where ``x_i`` is minimal).  On a
   simplicial cone with rays ``v_1..v_n``, propagate the network on the rays layer by layer.
   If every neuron's pre-activation has one weak sign on all rays, the network is linear on
   the cone (induction over layers) and so is ``max`` once one coordinate is largest at every
   ray; then ``N = max`` on the cone iff they agree on the rays.  Otherwise bisect the first
   offending edge ``(v_i, v_k)`` (``z_i > 0 > z_k``) at its zero ``w = z_i v_k - z_k v_i`` into
   two simplicial cones; each child has fewer crossing pairs.  The *last* ReLU layer is not
   split: once the earlier layers are linear on a cone, the normal form gives
   ``N = linear + sum_j a_j relu(z_j)`` there (``a`` = the output map's weights), and hinges
   along distinct hyperplanes crossing the cone are linearly independent modulo linear
   functions, so ``N`` is linear on the cone iff the output weights of each hyperplane (``z``
   in ray coordinates, up to positive scaling and ``relu(-t) = relu(t) - t``) cancel.  Only
   if they do not is the cone split further, to find a counterexample.
4. A mismatch yields a point (a ray, or an interior point of the cone) where ``N != max``,
   re-checked by evaluating the original network exactly.
5. Symmetry (``symmetry="auto"``): when the network's function is provably invariant under all
   permutations of the inputs (an exact structural test,
   :mod:`~expressivity.relu.symmetric_check`), only the sorted cone ``x_1 <= ... <= x_n`` is
   examined -- ``max`` is symmetric, so ``N = max`` there carries over to every sorted cone
   (R+26 Prop. 3.1 uses the same reduction for certificates).  ``symmetry="blocks"`` uses
   invariance under permutations within blocks of inputs, one cone per orbit.

Examples
--------
>>> from expressivity.relu.max_networks import max_log3_network
>>> verify_computes_max(max_log3_network(5)).computes_max
True
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..exceptions import ComputationTooLargeError, InvalidInputError, NumberTypeError
from ..progress import Progress
from .network import Layer, ReLUNetwork

__all__ = ["MAX_VERIFY_CONES", "SYMMETRY_MODES", "MaxCheck", "compose_affine_layers", "verify_computes_max"]

#: Default cap on the number of cones examined before giving up.
MAX_VERIFY_CONES = 3_000_000
_SAFE = 2 ** 62
#: Up to this n the search starts from the 2 n! simplicial halves of the sorted cones (on
#: which max is linear); beyond it from the n cones {x_i minimal}, splitting for max as well.
SORTED_START_MAX_N = 9

Ray = tuple  # integer coordinates (x_1..x_n[, t])
Cone = tuple  # n (or n + 1) rays spanning a simplicial cone
#: ``(i, k, values)``: bisect the edge between rays i and k, where ``values`` (one per ray)
#: is a linear function positive at ray i and negative at ray k.
Split = tuple


@dataclass(frozen=True)
class MaxCheck:
    """Outcome of :func:`verify_computes_max`.

    Attributes
    ----------
    computes_max : bool
        Exact verdict: the network equals ``max{x_1..x_n}`` on all of R^n.
    counterexample : tuple of Fraction or None
        A point where they differ (checked by exact evaluation), when ``computes_max`` is False.
    network_value, max_value : Fraction or None
        The two values at the counterexample.
    cones : int
        Simplicial cones examined; ``rays`` distinct rays evaluated.
    """

    n: int
    computes_max: bool
    counterexample: tuple[Fraction, ...] | None
    network_value: Fraction | None
    max_value: Fraction | None
    cones: int
    rays: int
    seconds: float
    method: str = "exact simplicial-cone bisection"

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n, "computes_max": self.computes_max, "method": self.method,
            "counterexample": None if self.counterexample is None else [str(v) for v in self.counterexample],
            "network_value": None if self.network_value is None else str(self.network_value),
            "max_value": None if self.max_value is None else str(self.max_value),
            "cones": self.cones, "rays": self.rays, "seconds": round(self.seconds, 4),
        }


# --------------------------------------------------------------------------- affine normal form
def _compose(W: np.ndarray, b: np.ndarray, pending: tuple[np.ndarray, np.ndarray] | None):
    """``x -> W (A x + c) + b`` as ``(W A, W c + b)`` (exact; ``pending=None`` is the identity)."""
    if pending is None:
        return W, b
    A, c = pending
    return W.dot(A), W.dot(c) + b


def compose_affine_layers(net: ReLUNetwork) -> ReLUNetwork:
    """The same function as ``(affine -> relu)^k`` followed by exactly one affine output map.

    Consecutive affine maps with no ReLU between them (``linear`` layers anywhere: before,
    between or after the ReLU layers) are composed exactly; a ReLU on the output layer is
    followed by the identity map.  The result has ``hidden_layers == net.hidden_layers`` and
    its last layer is the only ``linear`` one.

    Examples
    --------
    >>> net = ReLUNetwork.from_matrices([[[1, 0], [0, 1]], [[2, 0], [0, 3]], [[1, 1]]])
    >>> net = ReLUNetwork(2, (net.layers[0], Layer(net.layers[1].weight, net.layers[1].bias, "linear"),
    ...                       net.layers[2]))
    >>> nf = compose_affine_layers(net)
    >>> "".join("R" if L.activation == "relu" else "L" for L in nf.layers), nf.layers[-1].weight.tolist()
    ('RL', [[Fraction(2, 1), Fraction(3, 1)]])
    """
    if net.kind != "exact":
        raise NumberTypeError("compose_affine_layers needs exact weights; convert with net.to_exact()")
    blocks: list[Layer] = []
    pending: tuple[np.ndarray, np.ndarray] | None = None
    for layer in net.layers:
        W = np.array(layer.weight, dtype=object)
        b = np.array(layer.bias, dtype=object)
        W, b = _compose(W, b, pending)
        if layer.activation == "relu":
            blocks.append(Layer(W, b, "relu", "exact"))
            pending = None
        else:
            pending = (W, b)
    if pending is None:  # ReLU on the output: follow it by the identity
        m = blocks[-1].out_dim
        eye = np.array([[Fraction(int(i == j)) for j in range(m)] for i in range(m)], dtype=object)
        pending = (eye, np.array([Fraction(0)] * m, dtype=object))
    blocks.append(Layer(pending[0], pending[1], "linear", "exact"))
    return ReLUNetwork(net.input_dim, tuple(blocks))


# --------------------------------------------------------------------------- integer form
def _lcm_den(a: np.ndarray) -> int:
    m = 1
    for v in a.ravel():
        m = math.lcm(m, v.denominator)
    return m


def _integer_homogeneous_matrices(nf: ReLUNetwork) -> tuple[list[np.ndarray], bool, int]:
    """Integer matrices of a normal-form network, homogenised by ``t`` if it has biases.

    Returns ``(mats, homogenised, C)``: layer ``i`` acts on ``(h, t)`` as ``mats[i]``, ReLU
    layers carry ``t`` in their last row, and the integer network computes ``C * N``.
    """
    homogenised = not nf.is_homogeneous
    mats, scale = [], 1
    for layer in nf.layers:
        W = np.array(layer.weight, dtype=object)
        if homogenised:
            top = np.concatenate([W, np.array(layer.bias, dtype=object)[:, None]], axis=1)
            carry = np.array([[Fraction(0)] * W.shape[1] + [Fraction(1)]], dtype=object)
            W = np.concatenate([top, carry], axis=0) if layer.activation == "relu" else top
        c = _lcm_den(W)
        scale *= c
        mats.append(np.array([[int(v * c) for v in row] for row in W], dtype=object))
    return mats, homogenised, scale


def _merge_opposite_neuron_pairs(W: np.ndarray, W_next: np.ndarray):
    """Neurons ``relu(z)``, ``relu(-z)`` that ``W_next`` uses only as ``a relu(z) - a relu(-z)``.

    Returns ``(linear, exempt, W_next')``: ``linear[j]`` marks the neuron that now passes
    ``z`` on unchanged (``a z``), ``exempt`` both neurons of each pair (never split on), and
    ``W_next'`` has the partner's column set to zero.  An exact rewrite of the function.
    """
    lin = np.zeros(W.shape[0], dtype=bool)
    exempt = np.zeros(W.shape[0], dtype=bool)
    rows = {tuple(r): j for j, r in enumerate(W.tolist())}
    partners = set()
    for j, r in enumerate(W.tolist()):
        if j in partners or lin[j] or not any(r):
            continue
        jn = rows.get(tuple(-v for v in r))
        if jn is None or jn in partners or lin[jn] or jn == j:
            continue
        if all(W_next[i, jn] == -W_next[i, j] for i in range(W_next.shape[0])):
            lin[j] = True
            exempt[j] = exempt[jn] = True
            partners.add(jn)
    if partners:
        W_next = W_next.copy()
        for jn in partners:
            W_next[:, jn] = 0
    return lin, exempt, W_next


@dataclass
class _IntegerNetwork:
    """The normal-form network in integer, homogenised form, ready for ray propagation."""

    mats: list[np.ndarray]
    linear: list[np.ndarray]   # per ReLU layer: neuron passes z on (merged pair)
    exempt: list[np.ndarray]   # per ReLU layer: neuron never split on
    homogenised: bool
    scale: int                 # the integer network computes scale * N

    @property
    def relu_layers(self) -> int:
        return len(self.mats) - 1

    @property
    def output_weights(self) -> np.ndarray:
        return self.mats[-1][0]


def _integer_network(net: ReLUNetwork) -> _IntegerNetwork:
    mats, homogenised, scale = _integer_homogeneous_matrices(compose_affine_layers(net))
    linear, exempt = [], []
    for li in range(len(mats) - 1):
        lin, ex, mats[li + 1] = _merge_opposite_neuron_pairs(mats[li], mats[li + 1])
        linear.append(lin)
        exempt.append(ex)
    return _IntegerNetwork(mats, linear, exempt, homogenised, scale)


class _RayPropagator:
    """Pre-activations of every ReLU layer and the output at integer rays (memoised).

    Uses int64 when every propagated value provably stays below 2^62, Python ints otherwise.
    """

    def __init__(self, inet: _IntegerNetwork):
        self.inet = inet
        self.rowsum = [max(sum(abs(int(v)) for v in row) for row in W.tolist()) for W in inet.mats]
        self.mats64 = [np.array(W.tolist(), dtype=np.int64) if max(abs(int(v)) for v in W.ravel()) < 2 ** 31 else None
                       for W in inet.mats]
        self.memo: dict[Ray, tuple[list[np.ndarray], int]] = {}

    def __call__(self, r: Ray) -> tuple[list[np.ndarray], int]:
        got = self.memo.get(r)
        if got is not None:
            return got
        bound = max(abs(v) for v in r)
        for rs in self.rowsum:
            bound *= rs
        use64 = bound < _SAFE and all(m is not None for m in self.mats64)
        mats = self.mats64 if use64 else self.inet.mats
        h = np.array(r, dtype=np.int64 if use64 else object)
        pres = []
        for li in range(self.inet.relu_layers):
            z = mats[li] @ h
            pres.append(z)
            h = np.where(self.inet.linear[li] | (z > 0), z, 0)
            if not use64:
                h = h.astype(object)
        out = (pres, int((mats[-1] @ h)[0]))
        self.memo[r] = out
        return out


# --------------------------------------------------------------------------- cones
def _sorted_cone_halves(n: int, homogenised: bool, orderings=None) -> list[Cone]:
    """The simplicial cones ``cone(+-1, r_2..r_n)`` covering the sorted cones
    ``x_pi[0] <= ... <= x_pi[n-1]`` (all n! orderings by default); max is linear on each."""
    pad = [0] if homogenised else []
    t_ray = [tuple([0] * n + [1])] if homogenised else []
    cones = []
    for pi in (itertools.permutations(range(n)) if orderings is None else orderings):
        gens = []
        for j in range(1, n):
            v = [0] * n
            for k in pi[j:]:
                v[k] = 1
            gens.append(tuple(v + pad))
        for sgn in (1, -1):
            cones.append(tuple([tuple([sgn] * n + pad)] + gens + t_ray))
    return cones


def _minimum_coordinate_cones(n: int, homogenised: bool) -> list[Cone]:
    """The n + 1 simplicial cones of the fan spanned by e_1, ..., e_n and -1 = -(e_1 + ... + e_n):
    ``cone({e_j : j != i} u {-1})`` for each i, and the positive orthant ``cone(e_1, ..., e_n)``.
    Together they cover R^n (every x is x - m·1 + m·(1) with m = min_i x_i)."""
    dim = n + 1 if homogenised else n
    eye = [tuple(int(q == j) for q in range(dim)) for j in range(dim)]
    minus = tuple([-1] * n + ([0] if homogenised else []))
    t_ray = [eye[n]] if homogenised else []
    orthant = tuple(eye[:n] + t_ray)
    return [tuple([eye[j] for j in range(n) if j != i] + [minus] + t_ray) for i in range(n)] + [orthant]


def _sign_changing_neuron(evs: list, inet: _IntegerNetwork, layers: range) -> Split | None:
    """First neuron (in ``layers``) whose pre-activation is > 0 at one ray and < 0 at another."""
    for li in layers:
        Z = np.stack([e[0][li] for e in evs])
        cross = (Z > 0).any(axis=0) & (Z < 0).any(axis=0) & ~inet.exempt[li]
        if cross.any():
            col = Z[:, int(np.argmax(cross))]
            return int(np.argmax(col > 0)), int(np.argmax(col < 0)), col
    return None


def _max_nonlinearity(cone: Cone, n: int) -> Split | None:
    """None if one coordinate is largest at every ray (max is linear on the cone); else a
    difference ``x_a - x_b`` that changes sign, the first in a fixed pair order (so that
    bisection terminates: a child never crosses a hyperplane earlier than its parent's)."""
    X = np.array(cone, dtype=object)[:, :n]
    top = X.max(axis=1)
    wins = (X == top[:, None]).sum(axis=0)
    if wins.max() == len(cone):
        return None
    for a, b in itertools.combinations(range(n), 2):
        D = X[:, a] - X[:, b]
        if (D > 0).any() and (D < 0).any():
            return int(np.argmax(D > 0)), int(np.argmax(D < 0)), D
    return None  # pragma: no cover - some pair must change sign


def _bisect(cone: Cone, split: Split) -> tuple[Cone, Cone]:
    """Split the edge ``(v_i, v_k)`` at the zero ``w = z_i v_k - z_k v_i`` of the linear function."""
    i, k, col = split
    zi, zk = int(col[i]), int(col[k])
    w = [zi * a - zk * b for a, b in zip(cone[k], cone[i])]
    g = math.gcd(*w)
    w = tuple(v // g for v in w)
    return cone[:i] + (w,) + cone[i + 1:], cone[:k] + (w,) + cone[k + 1:]


def _last_layer_hinges_cancel(evs: list, inet: _IntegerNetwork) -> bool:
    """Is ``sum_j a_j relu(z_j)`` (last ReLU layer, output weights ``a``) linear on the cone?

    ``z_j`` is linear on the cone (given in ray coordinates); group the crossing neurons by
    hyperplane (primitive, sign-normalised via ``relu(-z) = relu(z) - z``) and test that the
    weights on each hyperplane sum to zero (hinges on distinct hyperplanes are independent
    modulo linear functions).
    """
    last = inet.relu_layers - 1
    Z = np.stack([e[0][last] for e in evs])
    cross = (Z > 0).any(axis=0) & (Z < 0).any(axis=0) & ~inet.exempt[last]
    a_out = inet.output_weights
    coef: dict[tuple, int] = {}
    for j in np.flatnonzero(cross):
        a = int(a_out[j])
        if a == 0:
            continue
        key, g = primitive_hinge([int(v) for v in Z[:, j]])
        coef[key] = coef.get(key, 0) + a * g
    return all(v == 0 for v in coef.values())


def primitive_hinge(values: list[int]) -> tuple[tuple, int]:
    """``(key, g)`` with ``values = ±g·key``, ``key`` primitive and its first non-zero entry positive:
    neurons whose pre-activations at the rays are positive multiples of one ``key`` (up to the sign,
    by relu(-z) = relu(z) - z) bend along the same hyperplane, so their output weights add up."""
    g = math.gcd(*values)
    key = tuple(v // g for v in values)
    if next(v for v in key if v != 0) < 0:
        key = tuple(-v for v in key)
    return key, g


def _checked_counterexample(net: ReLUNetwork, cone: Cone, r: Ray, n: int,
                            homogenised: bool) -> tuple[tuple[Fraction, ...], Fraction, Fraction]:
    """A rational point where the (cone-linear) network and max differ, given a bad ray r,
    with both values from exact evaluation of the original network."""
    def point(v) -> tuple[Fraction, ...] | None:
        if not homogenised:
            return tuple(Fraction(a) for a in v[:n])
        if v[n] <= 0:
            return None
        return tuple(Fraction(a, v[n]) for a in v[:n])

    center = [sum(c[q] for c in cone) for q in range(len(r))]
    for cand in (r, center, [a + b for a, b in zip(center, r)]):
        pt = point(cand)
        if pt is not None:
            nv = net(list(pt))[0]
            if nv != max(pt):
                return pt, nv, max(pt)
    raise AssertionError("internal error: no counterexample point found on a mismatching cone")  # pragma: no cover


# --------------------------------------------------------------------------- the verifier
def _check_input(net: ReLUNetwork) -> None:
    if not isinstance(net, ReLUNetwork):
        raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
    if net.kind != "exact":
        raise NumberTypeError("verify_computes_max needs exact weights; convert with net.to_exact() (a deliberate rounding)")
    if net.output_dim != 1:
        raise InvalidInputError(f"the network has {net.output_dim} outputs; max{{x1..xn}} is scalar")


#: Accepted values of ``symmetry`` in :func:`verify_computes_max`.
SYMMETRY_MODES = ("auto", "blocks", "none")


def _symmetry_reduction(net: ReLUNetwork, symmetry: str) -> tuple[list | None, str]:
    """Orderings of the sorted cones to check (None: all) and a note for the method string.

    ``auto``: if the network is S_n-invariant (proved structurally by
    :func:`~expressivity.relu.symmetric_check.is_symmetric`), one sorted cone; ``blocks``: one
    cone per orbit of the Young subgroup of :func:`~expressivity.relu.symmetric_check.symmetry_blocks`.
    Sound because ``N(g x) = N(x)`` and ``max(g x) = max(x)`` carry ``N = max`` across an orbit.
    """
    from .symmetric_check import is_symmetric, orbit_orderings, symmetry_blocks

    n = net.input_dim
    if symmetry not in SYMMETRY_MODES:
        raise InvalidInputError(f"symmetry must be one of {SYMMETRY_MODES}, got {symmetry!r}")
    if symmetry == "none" or n <= 2:
        return None, ""
    if is_symmetric(net):
        return [tuple(range(n))], f"; S_{n}-invariance proved structurally, 1 of {n}! sorted cones checked"
    if symmetry == "blocks":
        blocks = symmetry_blocks(net)
        if blocks:
            reps = orbit_orderings(n, blocks)
            shown = " ".join("{" + ",".join(str(i + 1) for i in b) + "}" for b in blocks)
            return reps, (f"; invariance under permutations within {shown} proved structurally, "
                          f"{len(reps)} of {n}! sorted cones checked")
    return None, ""


def _start_cones(n: int, homogenised: bool, orderings: list | None) -> list[Cone]:
    if orderings is not None:
        return _sorted_cone_halves(n, homogenised, orderings)
    return (_sorted_cone_halves if n <= SORTED_START_MAX_N else _minimum_coordinate_cones)(n, homogenised)


def _cone_verdict(cone: Cone, evs: list, inet: _IntegerNetwork, n: int, full: bool):
    """What to do with one cone: ``("split", children)``, ``("refine", None)`` (N - max is not
    linear here: split fully to find a point), ``("bad", ray)`` or ``("ok", None)``."""
    L = inet.relu_layers
    split = _sign_changing_neuron(evs, inet, range(L if full else L - 1))
    if split is None:
        split = _max_nonlinearity(cone, n)
    if split is not None:
        return "split", _bisect(cone, split)
    if L > 0 and not full and not _last_layer_hinges_cancel(evs, inet):
        return "refine", None
    for r, e in zip(cone, evs):
        if e[1] != inet.scale * max(r[:n]):
            return "bad", r
    return "ok", None


def verify_computes_max(net: ReLUNetwork, *, max_cones: int = MAX_VERIFY_CONES, progress: bool = False,
                        symmetry: str = "auto") -> MaxCheck:
    """Decide exactly whether ``net`` computes ``max{x_1..x_n}`` (n = ``net.input_dim``).

    Works for any exact network (H-conforming or not, with or without biases, ``linear``
    layers anywhere, a ReLU on the output); see the module docstring for the method.

    Parameters
    ----------
    symmetry : {"auto", "blocks", "none"}
        ``"auto"`` (default): if the network is provably S_n-invariant
        (:func:`~expressivity.relu.symmetric_check.is_symmetric`, a structural, exact test), only
        the sorted cone ``x_1 <= ... <= x_n`` is checked.  ``"blocks"``: also use invariance under
        permutations within blocks of inputs (one cone per orbit).  ``"none"``: all cones.  The
        reduction used is named in ``MaxCheck.method``.

    Raises
    ------
    NumberTypeError
        For float networks (convert deliberately with ``to_exact()``).
    InvalidInputError
        If the network does not have exactly one output.
    ComputationTooLargeError
        If more than ``max_cones`` cones would be needed.

    Examples
    --------
    A wrong network is refuted with a point:

    >>> bad = ReLUNetwork.from_matrices([[[1, -1], [0, 1]], [[1, 1]]])   # drops -relu(-x2)
    >>> chk = verify_computes_max(bad)
    >>> chk.computes_max, chk.network_value != chk.max_value
    (False, True)
    """
    t0 = time.perf_counter()
    _check_input(net)
    n = net.input_dim
    inet = _integer_network(net)
    propagate = _RayPropagator(inet)
    orderings, note = _symmetry_reduction(net, symmetry)
    method = MaxCheck.method + note
    # (cone, full): full=False leaves the last ReLU layer to the hinge-cancellation test
    work = [(c, False) for c in _start_cones(n, inet.homogenised, orderings)]
    cones = 0
    with Progress(None, f"verify max n={n}", enabled=progress) as prog:
        while work:
            cone, full = work.pop()
            cones += 1
            if cones > max_cones:
                raise ComputationTooLargeError(
                    f"more than {max_cones} cones needed; raise max_cones (--max-cones) or simplify the network")
            if cones % 5000 == 0:
                prog.update(5000, extra=f"{len(work)} pending, {len(propagate.memo)} rays")
            evs = [propagate(r) for r in cone]
            what, arg = _cone_verdict(cone, evs, inet, n, full)
            if what == "split":
                work.extend((child, full) for child in arg)
            elif what == "refine":
                work.append((cone, True))
            elif what == "bad":
                pt, nv, mv = _checked_counterexample(net, cone, arg, n, inet.homogenised)
                return MaxCheck(n, False, pt, nv, mv, cones, len(propagate.memo), time.perf_counter() - t0, method)
    return MaxCheck(n, True, None, None, None, cones, len(propagate.memo), time.perf_counter() - t0, method)
