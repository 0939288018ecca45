"""The 2-hidden-layer network of a Rueß et al. certificate, built compactly.

A certificate ``max{x_1..x_n} = sum_T lambda_T sum_{sigma in S_n} Phi_T(sigma x)`` (R+26
Prop. 2.1, Thm. 1.1) is a network with two hidden layers: the first computes the pairwise maxima
``m_ij = max(x_i, x_j) = x_j + relu(x_i - x_j)``, the second one ``max{U, V}`` per term, with
``U, V`` sums of ``k`` pairwise maxima.  Written naively (R+26 Sec. 1.3: each ``max{U, V}`` as three
ReLUs) the second layer has ``3 s n!`` neurons for ``s`` templates.  :func:`certificate_network`
shares and merges instead, exactly:

1. First layer: one neuron ``relu(x_i - x_j)`` per pair ``i < j`` that occurs, plus
   ``relu(x_i), relu(-x_i)`` to pass the inputs on (at most ``C(n,2) + 2n`` neurons).
2. Each term is ``max{U, V} = U + relu(g)`` with ``g = V - U``, an integer vector over the first
   layer's linear forms.  ``g`` is written ``s p`` with ``s > 0`` and ``p`` primitive with its first
   nonzero entry positive; if ``g = -s p`` then ``relu(g) = s relu(p) + g``.  So every term
   contributes ``s relu(p)`` plus a linear part, and equal ``p`` -- across permutations and
   templates -- become one neuron whose output weight is the exact sum of the contributions.
3. Neurons whose output weights cancel to zero are dropped; so are neurons whose argument ``p``
   has one sign on all of R^n (``relu(p)`` is then ``p`` or ``0``): ``p`` is linear on every cone of
   the braid fan, so its sign is decided on the fan's rays ``1_S`` (``p(1) = 0``).
4. The collected linear part ``L`` (a combination of first-layer outputs) is carried by the two
   neurons ``relu(L), relu(-L)``.

Examples
--------
>>> from expressivity.relu.certificates import ruess_max6_certificate
>>> built = certificate_network(ruess_max6_certificate())
>>> built.network.hidden_layers, built.network([3, 1, 4, 1, 5, 9])[0]
(2, Fraction(9, 1))
>>> built.counts["naive_second_layer"], built.counts["second_layer"] < 1000
(8640, True)
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..exceptions import ComputationTooLargeError, InvalidInputError
from ..progress import Progress
from .certificates import Certificate, Template, check_certificate
from .network import Layer, ReLUNetwork

__all__ = ["MAX_NETWORK_N", "CertificateNetwork", "certificate_network"]

#: Largest n built (the sum runs over n! permutations per template).
MAX_NETWORK_N = 9


@dataclass(frozen=True)
class CertificateNetwork:
    """A built network and its neuron counts at each stage of the compaction.

    ``counts`` keys: ``templates`` (s), ``naive_second_layer`` (``3 s n!``), ``terms``
    (``sum_T`` distinct images ``Phi_T(sigma x)``), ``merged`` (distinct ``relu(p)``),
    ``nonzero`` (output weight not cancelled), ``sign_definite`` (dropped, sign constant on R^n),
    ``second_layer`` (final width, including the linear carry), ``first_layer``,
    ``first_layer_bound`` (``C(n,2) + 2n``).
    """

    network: ReLUNetwork
    n: int
    counts: dict
    seconds: float

    def to_json(self) -> dict:
        return {"n": self.n, "hidden_layers": self.network.hidden_layers, "widths": list(self.network.widths),
                "counts": dict(self.counts), "seconds": round(self.seconds, 3)}


def _feature_index(n: int) -> dict:
    """Columns of the linear forms: ``("x", i)`` for inputs, ``(i, j)`` (``i < j``) for ``relu(x_i - x_j)``."""
    keys = [("x", i) for i in range(n)] + [(i, j) for i in range(n) for j in range(i + 1, n)]
    return {k: c for c, k in enumerate(keys)}


def _pair_max_vector(i: int, j: int, n: int, col: dict, sign: int, vec: list) -> None:
    """Add ``sign * max(x_i, x_j)`` to ``vec``: ``x_j + relu(x_i - x_j)`` for ``i < j``."""
    if i == j:
        vec[col[("x", i)]] += sign
        return
    a, b = min(i, j), max(i, j)
    vec[col[("x", b)]] += sign
    vec[col[(a, b)]] += sign


def _term_images(t: Template, n: int) -> dict:
    """Distinct ``(A, B)`` images of the template under ``S_n`` with their multiplicities."""
    idx = t.indices
    if idx[-1] >= n:
        raise InvalidInputError(f"template uses index {idx[-1]} but n = {n}")
    mult = math.factorial(n - len(idx))
    seen: dict = {}
    for img in itertools.permutations(range(n), len(idx)):
        m = dict(zip(idx, img))
        key = (tuple(sorted(tuple(sorted((m[i], m[j]))) for i, j in t.A)),
               tuple(sorted(tuple(sorted((m[i], m[j]))) for i, j in t.B)))
        seen[key] = seen.get(key, 0) + mult
    return seen


def _primitive_oriented(g: list) -> tuple[tuple, int, bool]:
    """``g = s p`` (``flipped=False``) or ``g = -s p`` (``True``), ``p`` primitive, first entry > 0."""
    s = math.gcd(*g)
    p = [v // s for v in g]
    first = next(v for v in p if v != 0)
    if first < 0:
        return tuple(-v for v in p), s, True
    return tuple(p), s, False


def _collect_terms(cert: Certificate, n: int, col: dict, progress: bool):
    """Linear part and merged hinge weights ``{p: weight}`` of ``sum lambda_T F_T`` (exact)."""
    width = len(col)
    linear = [Fraction(0)] * width
    hinges: dict = {}
    terms = 0
    with Progress(len(cert.terms), f"certificate network n={n}", enabled=progress) as prog:
        for t, lam in cert.terms:
            images = _term_images(t, n)
            terms += len(images)
            for (A, B), mult in images.items():
                U, g = [0] * width, [0] * width
                for i, j in A:
                    _pair_max_vector(i, j, n, col, 1, U)
                    _pair_max_vector(i, j, n, col, -1, g)
                for i, j in B:
                    _pair_max_vector(i, j, n, col, 1, g)
                c = lam * mult
                base = U
                if any(g):  # max{U, V} = U + relu(g); relu(-s p) = s relu(p) - s p
                    p, s, flipped = _primitive_oriented(g)
                    hinges[p] = hinges.get(p, 0) + c * s
                    if flipped:
                        base = [u + v for u, v in zip(U, g)]
                for q, v in enumerate(base):
                    if v:
                        linear[q] += c * v
            prog.update()
    return linear, hinges, terms


def _braid_ray_values(n: int, col: dict) -> np.ndarray:
    """Values of every linear form column at the braid-fan rays ``1_S`` (S nonempty, proper)."""
    rays = [[int(i in S) for i in range(n)] for r in range(1, n) for S in itertools.combinations(range(n), r)]
    M = np.zeros((len(col), len(rays)), dtype=np.int64)
    for key, c in col.items():
        for k, x in enumerate(rays):
            M[c, k] = x[key[1]] if key[0] == "x" else max(0, x[key[0]] - x[key[1]])
    return M


def _drop_sign_definite(hinges: dict, linear: list, n: int, col: dict) -> int:
    """Remove ``relu(p)`` with ``p`` of one sign on R^n (``relu(p) = p`` goes to the linear part)."""
    if not hinges:
        return 0
    keys = list(hinges)
    P = np.array(keys, dtype=np.int64)
    vals = P @ _braid_ray_values(n, col)
    nonneg = (vals >= 0).all(axis=1)
    nonpos = (vals <= 0).all(axis=1)
    dropped = 0
    for k, p in enumerate(keys):
        if nonneg[k] or nonpos[k]:
            w = hinges.pop(p)
            dropped += 1
            if nonneg[k]:
                for q, v in enumerate(p):
                    if v:
                        linear[q] += w * v
    return dropped


def _first_layer(n: int, col: dict, used: set) -> tuple[list, list]:
    """Rows of the first layer over the inputs and, per column of ``col``, its expression in
    first-layer neurons (``x_i = relu(x_i) - relu(-x_i)``)."""
    rows, expr = [], {}
    for key, c in col.items():
        if c not in used:
            continue
        if key[0] == "x":
            e = [0] * n
            e[key[1]] = 1
            rows += [e, [-v for v in e]]
            expr[c] = {len(rows) - 2: 1, len(rows) - 1: -1}
        else:
            e = [0] * n
            e[key[0]], e[key[1]] = 1, -1
            rows.append(e)
            expr[c] = {len(rows) - 1: 1}
    return rows, expr


def _assemble(n: int, col: dict, linear: list, hinges: dict) -> ReLUNetwork:
    """Two hidden layers: pairwise differences, then one neuron per hinge plus ``relu(+-L)``."""
    used = {q for p in hinges for q, v in enumerate(p) if v} | {q for q, v in enumerate(linear) if v}
    rows1, expr = _first_layer(n, col, used)
    w1 = len(rows1)

    def over_first(vec) -> list:
        out = [Fraction(0)] * w1
        for q, v in enumerate(vec):
            if v:
                for j, c in expr[q].items():
                    out[j] += v * c
        return out

    rows2 = [over_first(p) for p in hinges]
    out_w = [Fraction(w) for w in hinges.values()]
    if any(linear):
        L = over_first(linear)
        rows2 += [L, [-v for v in L]]
        out_w += [Fraction(1), Fraction(-1)]
    zero = Fraction(0)

    def obj(rows: list) -> np.ndarray:
        return np.array([[Fraction(v) for v in r] for r in rows], dtype=object)

    return ReLUNetwork(n, (
        Layer(obj(rows1), np.full(w1, zero, dtype=object), "relu", "exact"),
        Layer(obj(rows2), np.full(len(rows2), zero, dtype=object), "relu", "exact"),
        Layer(obj([out_w]), np.array([zero], dtype=object), "linear", "exact"),
    ))


def certificate_network(cert: Certificate, *, check: bool = True, progress: bool = False) -> CertificateNetwork:
    """The compact 2-hidden-layer network of ``sum_T lambda_T F_T`` on ``n = cert.n`` inputs.

    The network computes the certificate's function exactly (it is ``max{x_1..x_n}`` when the
    certificate is valid, which is checked first unless ``check=False``).  It is invariant under
    permutations of the inputs by construction; verify it with
    :func:`~expressivity.relu.verify_max.verify_computes_max`, which proves that invariance
    structurally and then checks one sorted cone.

    Examples
    --------
    >>> from expressivity.relu.certificates import ruess_max6_certificate
    >>> certificate_network(ruess_max6_certificate()).network.widths[0] <= 15 + 12
    True
    """
    t0 = time.perf_counter()
    if not isinstance(cert, Certificate) or not cert.terms:
        raise InvalidInputError("expected a Certificate with at least one term")
    n = cert.n
    if n > MAX_NETWORK_N:
        raise ComputationTooLargeError(f"n = {n} > {MAX_NETWORK_N}: the network sums over n! permutations per template")
    if check:
        chk = check_certificate(cert)
        if not chk.valid:
            raise InvalidInputError(f"the certificate does not certify MAX_{n}; build with check=False to build it anyway")
    col = _feature_index(n)
    linear, hinges, terms = _collect_terms(cert, n, col, progress)
    merged = len(hinges)
    hinges = {p: w for p, w in hinges.items() if w != 0}
    nonzero = len(hinges)
    dropped = _drop_sign_definite(hinges, linear, n, col)
    net = _assemble(n, col, linear, hinges)
    counts = {"templates": len(cert.terms), "naive_second_layer": 3 * len(cert.terms) * math.factorial(n),
              "terms": terms, "merged": merged, "nonzero": nonzero, "sign_definite": dropped,
              "second_layer": net.widths[1], "first_layer": net.widths[0],
              "first_layer_bound": math.comb(n, 2) + 2 * n}
    return CertificateNetwork(net, n, counts, time.perf_counter() - t0)
