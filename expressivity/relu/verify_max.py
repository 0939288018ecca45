"""Exact verification that a ReLU network computes ``max{x_1..x_n}`` -- for any network.

Method: *simplicial cone bisection* in integer arithmetic (no sampling, no floats).

1. Integerise: scale each layer by the common denominator of its weights; every
   pre-activation is then a positive multiple of the true one (signs unchanged) and the
   output is ``C * N(x)`` for a known ``C > 0``.  A network with biases is homogenised by an
   extra input ``t`` (``N(x) = N'(x, 1)``, ``t`` carried through the layers as ``relu(t) = t``),
   and the check runs on the half-space ``t >= 0``.
2. Pairs of neurons ``relu(z)``, ``relu(-z)`` that the next layer only uses as
   ``a relu(z) - a relu(-z) = a z`` are treated as one linear neuron (an exact rewrite).
3. Start from the 2 n! simplicial cones ``cone(+-1, r_2..r_n)`` covering the sorted cones
   ``x_pi(1) <= ... <= x_pi(n)`` (``r_j`` the indicator of ``pi(j..n)``), on which max is linear
   (for n > 9: from the n cones ``cone({e_j : j != i} u {-1})`` where ``x_i`` is minimal).  On a simplicial cone with rays ``v_1..v_n``, propagate the
   network on the rays layer by layer.  If every neuron's pre-activation has one weak sign on
   all rays, the network is linear on the cone (induction over layers) and so is ``max`` once
   one coordinate is largest at every ray; then ``N = max`` on the cone iff they agree on the
   rays.  Otherwise bisect the first offending edge ``(v_i, v_k)`` (``z_i > 0 > z_k``) at its
   zero ``w = z_i v_k - z_k v_i`` into two simplicial cones; each child has fewer crossing
   pairs.  The *last* hidden layer is not split: once the earlier layers are linear on a cone,
   ``N = linear + sum_j a_j relu(z_j)`` there, and hinges along distinct hyperplanes crossing
   the cone are linearly independent modulo linear functions, so ``N`` is linear on the cone
   iff the output weights of each hyperplane (``z`` in ray coordinates, up to positive
   scaling and ``relu(-t) = relu(t) - t``) cancel.  Only if they do not is the cone split
   further, to find a counterexample.
4. A mismatch yields a point (a ray, or an interior point of the cone) where ``N != max``,
   re-checked by evaluating the original network exactly.

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
from .network import ReLUNetwork

__all__ = ["MaxCheck", "verify_computes_max", "MAX_VERIFY_CONES"]

#: Default cap on the number of cones examined before giving up.
MAX_VERIFY_CONES = 3_000_000
_SAFE = 2 ** 62
#: Up to this n the search starts from the 2 n! simplicial halves of the sorted cones (on
#: which max is linear); beyond it from the n cones {x_i minimal}, splitting for max as well.
SORTED_START_MAX_N = 9


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


def _lcm_den(a: np.ndarray) -> int:
    m = 1
    for v in a.ravel():
        m = m * v.denominator // math.gcd(m, v.denominator)
    return m


def _prepare(net: ReLUNetwork):
    """Integer layer matrices (acting on (h, t) when biased), per-layer masks ``(linear, exempt)``
    for merged ``relu(z), relu(-z)`` pairs, and the overall output scale."""
    biased = not net.is_homogeneous
    mats, acts = [], []
    scale = 1
    for layer in net.layers:
        W = np.array(layer.weight, dtype=object)
        if biased:
            top = np.concatenate([W, np.array(layer.bias, dtype=object)[:, None]], axis=1)
            carry = np.array([[Fraction(0)] * W.shape[1] + [Fraction(1)]], dtype=object)
            W = np.concatenate([top, carry], axis=0) if layer.activation == "relu" else top
        c = _lcm_den(W)
        scale *= c
        mats.append(np.array([[int(v * c) for v in row] for row in W], dtype=object))
        acts.append(layer.activation)
    # merge relu(z), relu(-z) pairs used only as a*relu(z) - a*relu(-z) by the next layer
    linear = []
    for li in range(len(mats)):
        lin = np.zeros(mats[li].shape[0], dtype=bool)
        skip = np.zeros(mats[li].shape[0], dtype=bool)
        if acts[li] == "relu" and li + 1 < len(mats):
            W, Wn = mats[li], mats[li + 1]
            rows = {tuple(r): j for j, r in enumerate(W.tolist())}
            dead = set()
            for j, r in enumerate(W.tolist()):
                if j in dead or lin[j] or not any(r):
                    continue
                jn = rows.get(tuple(-v for v in r))
                if jn is None or jn in dead or lin[jn] or jn == j:
                    continue
                if all(Wn[i, jn] == -Wn[i, j] for i in range(Wn.shape[0])):
                    lin[j] = True
                    skip[j] = skip[jn] = True
                    dead.add(jn)
            if dead:
                Wn = Wn.copy()
                for jn in dead:
                    Wn[:, jn] = 0
                mats[li + 1] = Wn
        linear.append((lin, skip))
    return mats, acts, linear, biased, scale


def verify_computes_max(net: ReLUNetwork, *, max_cones: int = MAX_VERIFY_CONES, progress: bool = False) -> MaxCheck:
    """Decide exactly whether ``net`` computes ``max{x_1..x_n}`` (n = ``net.input_dim``).

    Works for any exact network (H-conforming or not, with or without biases); see the
    module docstring for the method.

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
    if not isinstance(net, ReLUNetwork):
        raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
    if net.kind != "exact":
        raise NumberTypeError("verify_computes_max needs exact weights; convert with net.to_exact() (a deliberate rounding)")
    if net.output_dim != 1:
        raise InvalidInputError(f"the network has {net.output_dim} outputs; max{{x1..xn}} is scalar")
    n = net.input_dim
    mats, acts, linear, biased, C = _prepare(net)
    dim = n + 1 if biased else n
    nl = len(mats)
    # int64 fast path when every propagated value provably stays below 2^62
    rowsum = [max(sum(abs(int(v)) for v in row) for row in W.tolist()) for W in mats]
    mats64 = [np.array(W.tolist(), dtype=np.int64) if max(abs(int(v)) for v in W.ravel()) < 2 ** 31 else None for W in mats]
    memo: dict[tuple, tuple] = {}

    def evaluate(r: tuple) -> tuple:
        got = memo.get(r)
        if got is not None:
            return got
        bound = max(abs(v) for v in r)
        for rs in rowsum:
            bound *= rs
        use64 = bound < _SAFE and all(m is not None for m in mats64)
        h = np.array(r, dtype=np.int64 if use64 else object)
        pres = []
        for li in range(nl):
            z = (mats64[li] if use64 else mats[li]) @ h
            pres.append(z)
            if acts[li] == "relu":
                h = np.where(linear[li][0] | (z > 0), z, 0)
                if not use64:
                    h = h.astype(object)
            else:
                h = z
        out = (pres, int(h[0]))
        memo[r] = out
        return out

    def target(r: tuple) -> int:
        return max(r[:n])

    eye = [tuple(1 if q == j else 0 for q in range(dim)) for j in range(dim)]
    pad = [0] if biased else []
    stack = []
    if n <= SORTED_START_MAX_N:
        # sorted cones x_pi(1) <= ... <= x_pi(n), each split along its lineality line 1 into two
        # simplicial cones {+-1, r_2..r_n} with r_j = sum_{k >= j} e_pi(k); max = x_pi(n) there
        for pi in itertools.permutations(range(n)):
            gens = []
            for j in range(1, n):
                v = [0] * n
                for k in pi[j:]:
                    v[k] = 1
                gens.append(tuple(v + pad))
            for sgn in (1, -1):
                rays = [tuple([sgn] * n + pad)] + gens
                if biased:
                    rays.append(eye[n])
                stack.append(tuple(rays))
    else:
        # simplicial cones where x_i is the minimum (rays e_j, j != i, and -1)
        minus = tuple([-1] * n + pad)
        for i in range(n):
            rays = [eye[j] for j in range(n) if j != i] + [minus]
            if biased:
                rays.append(eye[n])
            stack.append(tuple(rays))
    relu_layers = [li for li in range(nl) if acts[li] == "relu"]
    last = relu_layers[-1] if relu_layers else None
    out_w = mats[-1][0]
    cones = 0
    # stack entries: (cone, full); full=False stops splitting at the last hidden layer and
    # decides that layer by hinge cancellation instead
    work = [(c, False) for c in stack]
    with Progress(None, f"verify max n={n}", enabled=progress) as prog:
        while work:
            cone, full = work.pop()
            cones += 1
            if cones > max_cones:
                raise ComputationTooLargeError(
                    f"more than {max_cones} cones needed; raise max_cones or simplify the network")
            if cones % 5000 == 0:
                prog.update(5000, extra=f"{len(work)} pending, {len(memo)} rays")
            evs = [evaluate(r) for r in cone]
            split = None
            for li in relu_layers:
                if li == last and not full:
                    break
                Z = np.stack([e[0][li] for e in evs])
                cross = (Z > 0).any(axis=0) & (Z < 0).any(axis=0) & ~linear[li][1]
                if cross.any():
                    j = int(np.argmax(cross))
                    col = Z[:, j]
                    split = (int(np.argmax(col > 0)), int(np.argmax(col < 0)), col)
                    break
            if split is None:
                # max is linear on the cone iff one coordinate is largest at every ray
                X = np.array(cone, dtype=object)[:, :n]
                top = X.max(axis=1)
                wins = (X == top[:, None]).sum(axis=0)
                q = int(np.argmax(wins))
                if wins[q] < len(cone):
                    # some x_a - x_b changes sign strictly (else one coordinate would dominate);
                    # a fixed pair order guarantees termination: a child never crosses a
                    # hyperplane earlier in the order than its parent's first crossing one
                    for a, b in ((a, b) for a in range(n) for b in range(a + 1, n)):
                        D = X[:, a] - X[:, b]
                        if (D > 0).any() and (D < 0).any():
                            split = (int(np.argmax(D > 0)), int(np.argmax(D < 0)), D)
                            break
            if split is not None:
                i, k, col = split
                zi, zk = int(col[i]), int(col[k])
                w = [zi * a - zk * b for a, b in zip(cone[k], cone[i])]
                g = math.gcd(*w)
                w = tuple(v // g for v in w)
                work.append((cone[:i] + (w,) + cone[i + 1:], full))
                work.append((cone[:k] + (w,) + cone[k + 1:], full))
                continue
            if last is not None and not full:
                # N = linear + sum_j a_j relu(z_j) on the cone; z_j is known in ray coordinates.
                # Hinges along distinct hyperplanes are independent modulo linear functions, so N
                # is linear on the cone iff the coefficients of each hyperplane cancel.
                Z = np.stack([e[0][last] for e in evs])
                cross = (Z > 0).any(axis=0) & (Z < 0).any(axis=0) & ~linear[last][1]
                coef: dict[tuple, int] = {}
                for j in np.flatnonzero(cross):
                    a = int(out_w[j])
                    if a == 0:
                        continue
                    vec = [int(v) for v in Z[:, j]]
                    g = math.gcd(*vec)
                    key = tuple(v // g for v in vec)
                    if next(v for v in key if v != 0) < 0:
                        key = tuple(-v for v in key)
                    coef[key] = coef.get(key, 0) + a * g
                if any(v != 0 for v in coef.values()):
                    work.append((cone, True))  # N - max is not linear here: find the point
                    continue
            for r, e in zip(cone, evs):
                if e[1] != C * target(r):
                    pt = _counterexample(net, cone, r, n, biased)
                    nv = net(list(pt))[0]
                    mv = max(pt)
                    if nv == mv:  # pragma: no cover - would be a bug in the bisection
                        raise AssertionError(f"internal error: mismatch at ray {r} not confirmed at {pt}")
                    return MaxCheck(n, False, pt, nv, mv, cones, len(memo), time.perf_counter() - t0)
    return MaxCheck(n, True, None, None, None, cones, len(memo), time.perf_counter() - t0)


def _counterexample(net: ReLUNetwork, cone: tuple, r: tuple, n: int, biased: bool) -> tuple[Fraction, ...]:
    """A rational point where the (cone-linear) network and max differ, given a bad ray r."""
    def point(v) -> tuple[Fraction, ...] | None:
        if not biased:
            return tuple(Fraction(a) for a in v[:n])
        if v[n] <= 0:
            return None
        return tuple(Fraction(a, v[n]) for a in v[:n])

    center = [sum(c[q] for c in cone) for q in range(len(r))]
    for cand in (r, center, [a + b for a, b in zip(center, r)]):
        pt = point(cand)
        if pt is not None and net(list(pt))[0] != max(pt):
            return pt
    raise AssertionError("internal error: no counterexample point found on a mismatching cone")  # pragma: no cover
