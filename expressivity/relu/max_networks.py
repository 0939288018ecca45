"""Networks computing ``max{x_1..x_n}`` with exact rational weights.

* :func:`max_tree_network` -- the binary tree of pairwise maxima, ``ceil(log2 n)`` hidden
  layers (HBDSS23 Lemma 1.2).
* :func:`max_log3_network` -- the 2-hidden-layer MAX5 identity of Bakaev et al. and its
  recursion (Claims 5-7), ``ceil(log3(n-2)) + 1`` hidden layers for n >= 4 (BBHSY25 Thm 1),
  with shared subterms and merged equal terms.
* :func:`max_ruess_network` -- the 2-hidden-layer MAX6 of Rueß et al. from the R+26 Sec. 4
  certificate (or any :class:`~expressivity.relu.certificates.Certificate`), extended to larger
  n by recursive substitution (R+26 Thm 5.1): ``2 + ceil(log_r(n/l))`` hidden layers with
  ``r = floor(l/2)``.
* :func:`max_network` -- dispatch by construction name.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..exceptions import ComputationTooLargeError, InvalidInputError, UnknownNameError
from .certificates import Certificate, check_certificate, ruess_max6_certificate
from .max_expr import ExprBuilder, Lin, dedupe, lin_key
from .network import Layer, ReLUNetwork

__all__ = [
    "max_tree_network",
    "tree_depth",
    "log3_depth",
    "ruess_depth",
    "bakaev_max5_terms",
    "max_log3_network",
    "max_ruess_network",
    "max_network",
    "CONSTRUCTIONS",
    "MAX_CONSTRUCTION_N",
]

#: Constructions accepted by :func:`max_network` (``"rueß"`` is an alias of ``"ruess"``).
CONSTRUCTIONS = ("tree", "log3", "ruess")
#: Largest n each construction builds (the log3 term count grows like 9^(n/3) before merging).
MAX_CONSTRUCTION_N = {"tree": 4096, "log3": 14, "ruess": 40}


def tree_depth(n: int) -> int:
    """``ceil(log2 n)``: hidden layers of the binary-tree max network (0 for n = 1)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInputError(f"n must be a positive integer, got {n!r}")
    return (n - 1).bit_length()


def max_tree_network(n: int) -> ReLUNetwork:
    """Exact, bias-free ReLU network computing ``max{x_1..x_n}`` by a binary tree.

    Each pair ``(a, b)`` becomes three neurons ``relu(a - b), relu(b), relu(-b)`` with
    ``max{a, b} = relu(a - b) + relu(b) - relu(-b)``; an unpaired value is carried as
    ``relu(t) - relu(-t)``.  The linear read-out of one level is merged into the next
    level's weights, so the network has exactly ``ceil(log2 n)`` hidden layers.

    Examples
    --------
    >>> net = max_tree_network(5)
    >>> net.hidden_layers, net.widths
    (3, (8, 5, 3))
    >>> net([3, -1, 7, 2, 0])
    array([Fraction(7, 1)], dtype=object)
    """
    depth = tree_depth(n)
    one = Fraction(1)
    if depth == 0:
        return ReLUNetwork(1, (Layer(np.array([[one]], dtype=object), np.array([Fraction(0)], dtype=object), "linear", "exact"),))
    # `readout` maps the previous hidden layer (or the input) to the current list of values
    readout = np.eye(n, dtype=object) * one
    layers = []
    m = n
    for _ in range(depth):
        rows, out_cols = [], []
        for k in range(0, m, 2):
            if k + 1 < m:
                a, b = readout[k], readout[k + 1]
                base = len(rows)
                rows += [a - b, b, -b]
                out_cols.append({base: 1, base + 1: 1, base + 2: -1})
            else:
                t = readout[k]
                base = len(rows)
                rows += [t, -t]
                out_cols.append({base: 1, base + 1: -1})
        W = np.array(rows, dtype=object)
        layers.append(Layer(W, np.full(W.shape[0], Fraction(0), dtype=object), "relu", "exact"))
        readout = np.zeros((len(out_cols), W.shape[0]), dtype=object)
        for i, col in enumerate(out_cols):
            for j, c in col.items():
                readout[i, j] = Fraction(c)
        readout = readout + Fraction(0)
        m = len(out_cols)
    layers.append(Layer(readout, np.array([Fraction(0)], dtype=object), "linear", "exact"))
    return ReLUNetwork(n, tuple(layers))


def _check_n(n: int, lo: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < lo:
        raise InvalidInputError(f"n must be an integer >= {lo}, got {n!r}")


def log3_depth(n: int) -> int:
    """Hidden layers of :func:`max_log3_network`: 0, 1, 2 for n = 1, 2, 3 and
    ``ceil(log3(n - 2)) + 1`` for n >= 4 (BBHSY25 Thm 1)."""
    _check_n(n)
    if n <= 3:
        return (0, 1, 2)[n - 1]
    k, p = 0, 1
    while p < n - 2:
        p, k = 3 * p, k + 1
    return k + 1


def ruess_depth(n: int, l: int = 6) -> int:
    """Hidden layers of :func:`max_ruess_network` with a 2-layer MAX_l certificate:
    ``tree_depth(n)`` for n <= 2, 2 for n <= l, else ``2 + ceil(log_r(n / l))``, r = floor(l/2)."""
    _check_n(n)
    if n <= 2:
        return tree_depth(n)
    r = l // 2
    s, cap = 0, l
    while cap < n:
        cap, s = cap * r, s + 1
    return 2 + s


def bakaev_max5_terms(b: ExprBuilder, x: list[Lin], *, with_x5: bool = True) -> list[tuple[Fraction, list[Lin], list[Lin]]]:
    """The nine terms of the Bakaev et al. identity (2) for ``max{x1..x5}`` (BBHSY25 Sec. 2).

    ``max{x1..x5} = 1/2 (P1 + P2 + P3 + P4 + Q - R13 - R14 - R23 - R24)``.  Each term is
    returned as ``(coefficient, one_layer_items, plain_items)`` meaning
    ``coefficient * max(one_layer_items + plain_items)``, where the plain items are linear in
    ``x`` (``2 x5`` among them) and the one-layer items are sums or maxima of pairs.  With
    ``with_x5=False`` only ``x1..x4`` are given and ``2 x5`` is left out of every term (the
    caller supplies it; used by the recursion, where ``x5`` is itself a maximum).
    """
    if with_x5:
        x1, x2, x3, x4, x5 = x
        two5 = [b.scale(2, x5)]
    else:
        x1, x2, x3, x4 = x
        two5 = []
    add, m = b.add, b.max2
    h = Fraction(1, 2)
    s12, s34 = add(x1, x2), add(x3, x4)
    pm = m(s12, s34)
    terms = [
        (h, [add(m(x1, x3), m(x1, x4))], two5 + [s12]),  # P1
        (h, [add(m(x2, x3), m(x2, x4))], two5 + [s12]),  # P2
        (h, [add(m(x3, x1), m(x3, x2))], two5 + [s34]),  # P3
        (h, [add(m(x4, x1), m(x4, x2))], two5 + [s34]),  # P4
        (h, [pm], two5),  # Q
    ]
    for a, c in ((x1, x3), (x1, x4), (x2, x3), (x2, x4)):  # R13, R14, R23, R24
        terms.append((-h, [pm], two5 + [add(a, c)]))
    return terms


def _bakaev_structural(b: ExprBuilder, items: list[Lin]) -> Lin:
    """max of 5 items as the identity (2), each term an outer max of two 1-layer pieces."""
    out: Lin = {}
    for c, ones, plains in bakaev_max5_terms(b, items):
        # the paper's grouping: max( max(plains), sum-of-pair-maxima ), two hidden layers
        inner = b.max_tree(plains) if len(plains) > 1 else plains[0]
        out = b.add(out, b.scale(c, b.max2(inner, ones[0])))
    return out


def _log3_max(b: ExprBuilder, items: list[Lin]) -> Lin:
    """max of items, treating them as inputs: tree for <= 4, identity (2) for 5, else Claims 5-7."""
    items = dedupe(items)
    m = len(items)
    if m == 1:
        return items[0]
    if m <= 4:
        return b.max_tree(items)
    if m == 5:
        return _bakaev_structural(b, items)
    # Claim 5, chained: a term c * max(ones + plains); four plain items y1..y4 and
    # x5 := max(rest) give nine terms max(2 rest, new items) with <= 1 new one-layer item.
    work: dict[tuple, tuple[Fraction, list[Lin], list[Lin]]] = {("start",): (Fraction(1), [], items)}
    done: dict[tuple, list] = {}
    while work:
        key, (c, ones, plains) = work.popitem()
        if len(plains) >= 5 or (len(plains) == 4 and ones):
            y, rest_p = plains[:4], plains[4:]
            for c2, new_ones, new_plains in bakaev_max5_terms(b, y, with_x5=False):
                # 2*x5 = 2*max(rest) = max of the doubled rest items (positive homogeneity)
                o = dedupe([b.scale(2, t) for t in ones] + new_ones)
                p = dedupe([b.scale(2, t) for t in rest_p] + new_plains)
                k2 = (tuple(lin_key(t) for t in o), tuple(lin_key(t) for t in p))
                cc = c * c2
                if k2 in work:
                    cc += work[k2][0]
                work[k2] = (cc, o, p)
        else:
            k2 = key
            if k2 in done:
                done[k2][0] += c
            else:
                done[k2] = [c, ones, plains]
    out: Lin = {}
    for c, ones, plains in done.values():
        if c != 0:
            out = b.add(out, b.scale(c, _log3_max(b, ones + plains)))
    return out


def max_log3_network(n: int) -> ReLUNetwork:
    """Exact bias-free network for ``max{x_1..x_n}`` by the Bakaev et al. construction.

    n = 5 is identity (2) itself (two hidden layers: pairwise maxima, then one max per term);
    larger n chain Claim 5 (four plain arguments and the maximum of the rest become nine
    terms with one more one-layer argument) until at most two to four plain arguments are
    left, then recurse on the remaining arguments (Claim 7).  Terms with the same argument
    set are merged and shared subterms become one neuron.

    Examples
    --------
    >>> net = max_log3_network(5)
    >>> net.hidden_layers, net([1, 7, -2, 3, 5])[0]
    (2, Fraction(7, 1))
    """
    _check_n(n)
    if n > MAX_CONSTRUCTION_N["log3"]:
        raise ComputationTooLargeError(
            f"n = {n}: the log3 construction expands into about 9^(n/3) terms; this builder stops at n = {MAX_CONSTRUCTION_N['log3']}")
    b = ExprBuilder(n)
    out = _log3_max(b, [b.var(i) for i in range(n)])
    net = b.compile([out])
    assert net.hidden_layers == log3_depth(n), (n, net.hidden_layers)
    return net


def _cert_max(b: ExprBuilder, items: list[Lin], cert: Certificate, pairmax) -> Lin:
    """``sum_T c_T sum_sigma Phi_T(sigma y)`` on ``l = cert.n`` items (padded by repetition);
    ``pairmax(p, q)`` supplies ``max(y_p, y_q)`` so that it can be substituted (Thm 5.1)."""
    import itertools

    l = cert.n
    idx = list(range(len(items))) + [len(items) - 1] * (l - len(items))
    out: dict = {}
    pm_cache: dict = {}

    def pm(p: int, q: int) -> Lin:
        key = (min(p, q), max(p, q))
        if key not in pm_cache:
            pm_cache[key] = pairmax(*key)
        return pm_cache[key]

    for t, c in cert.terms:
        seen: dict[tuple, int] = {}  # Phi(sigma y) depends only on the images of the pairs
        for sigma in itertools.permutations(range(l)):
            key = (tuple(sorted((min(idx[sigma[i]], idx[sigma[j]]), max(idx[sigma[i]], idx[sigma[j]])) for i, j in t.A)),
                   tuple(sorted((min(idx[sigma[i]], idx[sigma[j]]), max(idx[sigma[i]], idx[sigma[j]])) for i, j in t.B)))
            seen[key] = seen.get(key, 0) + 1
        for (pa, pb), mult in seen.items():
            U = b.add(*(pm(p, q) for p, q in pa))
            V = b.add(*(pm(p, q) for p, q in pb))
            for k, v in b.max2(U, V).items():  # in place: the sum has thousands of terms
                out[k] = out.get(k, 0) + c * mult * v
    return {k: v for k, v in out.items() if v != 0}


def max_ruess_network(n: int, certificate: Certificate | None = None) -> ReLUNetwork:
    """Exact bias-free network for ``max{x_1..x_n}`` from a Rueß et al. certificate.

    With the default (the MAX6 certificate of R+26 Sec. 4, re-checked exactly first):
    two hidden layers for 3 <= n <= 6 (inputs padded by repetition), and for n > 6 the
    recursive substitution of R+26 Thm 5.1: split the inputs into ``l`` blocks and replace
    each first-layer ``max(y_p, y_q)`` by the network on the union of blocks p and q.

    Examples
    --------
    >>> net = max_ruess_network(6)
    >>> net.hidden_layers, net([0, 4, -1, 9, 2, 3])[0]
    (2, Fraction(9, 1))
    """
    _check_n(n)
    cert = certificate or ruess_max6_certificate()
    chk = check_certificate(cert)
    if not chk.valid:
        raise InvalidInputError(f"the certificate for n = {cert.n} does not certify MAX_{cert.n} (residual {chk.to_json()})")
    if any(p[1] >= cert.n for t, _ in cert.terms for p in t.A + t.B):
        raise InvalidInputError("certificate uses indices outside 0..n-1")
    if n > MAX_CONSTRUCTION_N["ruess"]:
        raise ComputationTooLargeError(f"n = {n}: this builder stops at n = {MAX_CONSTRUCTION_N['ruess']}")
    if n <= 2:
        return max_tree_network(n)
    l, r = cert.n, cert.n // 2
    b = ExprBuilder(n)
    cache: dict[tuple, Lin] = {}

    def pm_max(idx: tuple[int, ...]) -> Lin:
        """max over inputs idx by a network whose first layer consists of pairwise maxima."""
        if idx in cache:
            return cache[idx]
        if len(idx) == 1:
            res = b.var(idx[0])
        elif len(idx) <= l:
            res = _cert_max(b, [b.var(i) for i in idx], cert,
                            lambda p, q: b.max2(b.var(idx[p]), b.var(idx[q])))
        else:
            if r < 2:
                raise InvalidInputError(f"recursive substitution needs a certificate with l >= 4, got l = {l}")
            size = -(-len(idx) // l)
            blocks = [idx[i:i + size] for i in range(0, len(idx), size)]
            blocks += [blocks[-1]] * (l - len(blocks))
            res = _cert_max(b, [b.var(blk[0]) for blk in blocks], cert,
                            lambda p, q: pm_max(tuple(sorted(set(blocks[p]) | set(blocks[q])))))
        cache[idx] = res
        return res

    net = b.compile([pm_max(tuple(range(n)))])
    return net


def max_network(n: int, construction: str = "tree") -> ReLUNetwork:
    """``max{x_1..x_n}`` by ``construction`` in ``("tree", "log3", "ruess")`` (alias ``"rueß"``)."""
    name = {"rueß": "ruess", "ruess": "ruess", "tree": "tree", "log3": "log3", "bakaev": "log3"}.get(str(construction).lower())
    if name is None:
        raise UnknownNameError(f"unknown construction {construction!r}; choose one of {CONSTRUCTIONS}")
    _check_n(n)
    if n > MAX_CONSTRUCTION_N[name]:
        raise ComputationTooLargeError(f"n = {n} is too large for the {name!r} construction (at most {MAX_CONSTRUCTION_N[name]})")
    return {"tree": max_tree_network, "log3": max_log3_network, "ruess": max_ruess_network}[name](n)
