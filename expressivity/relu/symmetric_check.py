"""Exact, structural check that a ReLU network's function is invariant under permuting inputs.

A network ``N`` is invariant under a permutation ``sigma`` of its inputs if ``N(x_sigma) = N(x)``
for every ``x``.  Deciding this in general is as hard as comparing two networks, so this module
uses a *sound* sufficient test: both ``N`` and ``N o sigma`` are rewritten into a canonical
expression, and the two output expressions are compared for equality.  Equal expressions are
equal functions, so a positive answer is an exact proof; a negative answer only means that the
symmetry is not visible in the network's structure (nothing is claimed about the function).

Canonical expression (integer arithmetic throughout).  The network is first put into its affine
normal form and integer form (:func:`~expressivity.relu.verify_max.compose_affine_layers`; each
layer scaled by a positive integer, which scales every neuron and the output by the same
positive constants in both networks).  Values are then integer linear combinations of *atoms*:
the constant ``1``, the inputs ``x_i`` and *nodes* ``relu(a)``, where the argument ``a`` is itself a
combination of atoms.  A neuron ``relu(z)`` becomes

* ``z`` if ``z`` is a non-negative combination of earlier ReLU outputs (and a bias ``>= 0``),
  ``0`` if it is a non-positive one (``relu`` of a sign-definite value);
* otherwise ``g relu(p)`` with ``z = g p``, ``g > 0`` and ``p`` primitive with its leading
  coefficient positive, where the leading atom is the smallest one in a fixed order of the atom
  *contents* (not of neuron positions); if ``z``'s leading coefficient is negative,
  ``relu(z) = relu(-z) + z`` is used.

Two neurons that compute the same node (in any layer, in any position, in either orientation)
therefore become one atom, and the comparison is independent of the order of the neurons.

:func:`symmetry_blocks` finds the transpositions ``(i j)`` under which the network is invariant;
they generate the Young subgroup ``S_{B_1} x ... x S_{B_m}`` of the blocks ``B`` (connected
components).  :func:`orbit_orderings` lists one ordering ``x_pi(1) <= ... <= x_pi(n)`` per orbit of
that group: for a symmetric target such as ``max``, checking ``N = max`` on these sorted cones
proves it on R^n, because ``N(g x) = N(x)`` and ``max(g x) = max(x)`` carry the identity from one
cone to its whole orbit.

Examples
--------
>>> from expressivity.relu.max_networks import max_ruess_network, max_tree_network
>>> is_permutation_invariant(max_ruess_network(6), (1, 2, 3, 4, 5, 0))
True
>>> symmetry_blocks(max_tree_network(4))
((0, 1), (2, 3))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from ..exceptions import InvalidInputError, NumberTypeError
from .network import ReLUNetwork

__all__ = [
    "canonical_expression",
    "group_orbit_orderings",
    "invariant_involutions",
    "is_permutation_invariant",
    "is_symmetric",
    "orbit_orderings",
    "symmetry_blocks",
]

_ONE = ("1",)


def _integer_layers(net: ReLUNetwork) -> list[tuple[list[list[int]], list[int], bool]]:
    """``(W, b, is_relu)`` per layer of the affine normal form, each scaled to integers by a
    positive factor (the same for every relabelling of the inputs)."""
    from .verify_max import compose_affine_layers

    out = []
    for layer in compose_affine_layers(net).layers:
        W = layer.weight.tolist()
        b = layer.bias.tolist()
        den = 1
        for v in itertools.chain(b, *W):
            den = math.lcm(den, v.denominator)
        out.append(([[int(v * den) for v in row] for row in W], [int(v * den) for v in b],
                    layer.activation == "relu"))
    return out


def _combine(row: Sequence[int], bias: int, values: list[dict]) -> dict:
    """``bias + sum_j row[j] * values[j]`` as an atom -> integer dict (zeros dropped)."""
    e: dict = {_ONE: bias} if bias else {}
    for w, val in zip(row, values):
        if w:
            for k, c in val.items():
                v = e.get(k, 0) + w * c
                if v:
                    e[k] = v
                else:
                    e.pop(k)
    return e


def _relu_node(e: dict) -> dict:
    """``relu(e)`` for a sign-indefinite combination ``e``: ``g relu(p)`` (+ ``e`` if flipped)."""
    lead = min(e)
    g = math.gcd(*e.values())
    if e[lead] > 0:
        return {("r", tuple(sorted((k, v // g) for k, v in e.items()))): g}
    out = dict(e)  # relu(z) = relu(-z) + z
    out[("r", tuple(sorted((k, -v // g) for k, v in e.items())))] = g
    return out


def canonical_expression(net: ReLUNetwork, relabel: Sequence[int] | None = None) -> tuple[dict, ...]:
    """Canonical integer expression of each output of ``net`` with input ``i`` renamed ``relabel[i]``.

    With ``relabel = sigma`` this is the expression of ``x -> N(y)`` where ``y_i = x_sigma(i)``.
    Outputs are ``C * N`` for a positive integer ``C`` that does not depend on ``relabel``.

    Examples
    --------
    ``relu(x1 - x2) + x2`` and ``relu(x2 - x1) + x1`` (both ``max{x1, x2}``) get one expression:

    >>> a = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]])
    >>> b = ReLUNetwork.from_matrices([[[-1, 1], [1, 0], [-1, 0]], [[1, 1, -1]]])
    >>> canonical_expression(a) == canonical_expression(b)
    True
    """
    return _canonical(_checked_layers(net), net.input_dim, relabel)


def _checked_layers(net: ReLUNetwork) -> list:
    if not isinstance(net, ReLUNetwork):
        raise InvalidInputError(f"expected a ReLUNetwork, got {type(net).__name__}")
    if net.kind != "exact":
        raise NumberTypeError("the symmetry check needs exact weights; convert with net.to_exact()")
    return _integer_layers(net)


def _canonical(layers: list, n: int, relabel: Sequence[int] | None) -> tuple[dict, ...]:
    """:func:`canonical_expression` from the integer layers (computed once per network)."""
    relabel = list(range(n)) if relabel is None else [int(v) for v in relabel]
    if sorted(relabel) != list(range(n)):
        raise InvalidInputError(f"relabel must be a permutation of 0..{n - 1}, got {relabel}")
    values: list[dict] = [{("x", relabel[i]): 1} for i in range(n)]
    after_relu = False
    for W, b, is_relu in layers:
        pre = [_combine(row, bias, values) for row, bias in zip(W, b)]
        if not is_relu:
            values = pre
            continue
        new = []
        for row, bias, e in zip(W, b, pre):
            if not e:
                new.append({})
            elif after_relu and bias >= 0 and all(w >= 0 for w in row):
                new.append(e)  # non-negative combination of ReLU outputs: relu is the identity
            elif after_relu and bias <= 0 and all(w <= 0 for w in row):
                new.append({})
            else:
                new.append(_relu_node(e))
        values, after_relu = new, True
    return tuple(values)


def is_permutation_invariant(net: ReLUNetwork, sigma: Sequence[int]) -> bool:
    """Exact, sound test that ``N(x_sigma(1), ..., x_sigma(n)) = N(x)`` for all ``x``.

    ``True`` is a proof (equal canonical expressions); ``False`` means the invariance is not
    visible in the network's structure.

    Examples
    --------
    >>> from expressivity.relu.max_networks import max_tree_network
    >>> net = max_tree_network(4)
    >>> is_permutation_invariant(net, (1, 0, 2, 3)), is_permutation_invariant(net, (2, 1, 0, 3))
    (True, False)
    """
    layers = _checked_layers(net)
    return _canonical(layers, net.input_dim, None) == _canonical(layers, net.input_dim, sigma)


def is_symmetric(net: ReLUNetwork) -> bool:
    """Exact, sound test that the network's function is invariant under all of ``S_n``
    (checked on the generators ``(1 2)`` and ``(1 2 ... n)``).

    Examples
    --------
    >>> from expressivity.relu.max_networks import max_ruess_network, max_log3_network
    >>> is_symmetric(max_ruess_network(6)), is_symmetric(max_log3_network(5))
    (True, False)
    """
    n = net.input_dim
    if n <= 1:
        return True
    layers = _checked_layers(net)
    base = _canonical(layers, n, None)
    swap = [1, 0] + list(range(2, n))
    cycle = list(range(1, n)) + [0]
    return _canonical(layers, n, swap) == base and _canonical(layers, n, cycle) == base


def symmetry_blocks(net: ReLUNetwork) -> tuple[tuple[int, ...], ...]:
    """Blocks (connected components) of the transpositions ``(i j)`` that leave the network's
    canonical expression unchanged; the network is invariant under every permutation inside the
    blocks (the Young subgroup they generate).  Singletons are omitted.

    Examples
    --------
    >>> from expressivity.relu.max_networks import max_log3_network
    >>> symmetry_blocks(max_log3_network(5))
    ((0, 1), (2, 3))
    """
    n = net.input_dim
    layers = _checked_layers(net)
    base = _canonical(layers, n, None)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(n), 2):
        if find(i) == find(j):
            continue  # already generated by transpositions found earlier
        sigma = list(range(n))
        sigma[i], sigma[j] = j, i
        if _canonical(layers, n, sigma) == base:
            parent[find(j)] = find(i)
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(find(i), []).append(i)
    return tuple(tuple(c) for c in sorted(comps.values()) if len(c) > 1)


def orbit_orderings(n: int, blocks: Sequence[Sequence[int]] = ()) -> list[tuple[int, ...]]:
    """One ordering ``pi`` (the cone ``x_pi[0] <= ... <= x_pi[n-1]``) per orbit of the Young
    subgroup of ``blocks``: those in which the indices of each block appear in increasing order.
    There are ``n! / prod |B|!`` of them.

    Examples
    --------
    >>> len(orbit_orderings(4)), len(orbit_orderings(4, [(0, 1), (2, 3)])), orbit_orderings(3, [(0, 1, 2)])
    (24, 6, [(0, 1, 2)])
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInputError(f"n must be a positive integer, got {n!r}")
    block_of = {}
    for bi, blk in enumerate(blocks):
        for i in blk:
            if not 0 <= int(i) < n or int(i) in block_of:
                raise InvalidInputError(f"blocks must be disjoint subsets of 0..{n - 1}, got {blocks}")
            block_of[int(i)] = bi
    if len(block_of) == n and len(blocks) == 1:
        return [tuple(range(n))]
    out = []
    for pi in itertools.permutations(range(n)):
        last: dict[int, int] = {}
        ok = True
        for i in pi:
            bi = block_of.get(i)
            if bi is not None:
                if last.get(bi, -1) > i:
                    ok = False
                    break
                last[bi] = i
        if ok:
            out.append(pi)
    return out


def _involutions(n: int):
    """Every permutation of ``0..n-1`` that is its own inverse, except the identity."""
    def extend(rest: list[int], perm: list[int]):
        if not rest:
            yield tuple(perm)
            return
        i, tail = rest[0], rest[1:]
        yield from extend(tail, perm)
        for j in tail:
            p = list(perm)
            p[i], p[j] = j, i
            yield from extend([k for k in tail if k != j], p)

    yield from (p for p in extend(list(range(n)), list(range(n))) if p != tuple(range(n)))


#: Budget of :func:`invariant_involutions`: candidates times non-zero weights (each candidate
#: costs one canonical expression, linear in the number of weights).
INVOLUTION_WORK = 1_000_000


def invariant_involutions(net: ReLUNetwork, max_n: int = 9) -> tuple[tuple[int, ...], ...]:
    """Involutions ``sigma`` (products of disjoint transpositions) under which the network's
    canonical expression is unchanged: each is a proved invariance ``N(x_sigma) = N(x)``, and so is
    every element of the group they generate.

    Candidates with one transposition are always tried, those with 2, 3, ... transpositions while
    (candidates so far) x (non-zero weights) stays within ``INVOLUTION_WORK`` (deterministic); a
    candidate not tried is simply not used.  Empty for ``n > max_n``.

    Examples
    --------
    >>> from expressivity.relu.max_networks import max_log3_network
    >>> invariant_involutions(max_log3_network(5))
    ((0, 1, 3, 2, 4), (1, 0, 2, 3, 4), (1, 0, 3, 2, 4), (2, 3, 0, 1, 4), (3, 2, 1, 0, 4))
    """
    n = net.input_dim
    if n > max_n:
        return ()
    layers = _checked_layers(net)
    weights = sum(1 for W, _, _ in layers for row in W for v in row if v)
    base = _canonical(layers, n, None)
    by_size: dict[int, list] = {}
    for p in _involutions(n):
        by_size.setdefault(sum(1 for i, v in enumerate(p) if v != i) // 2, []).append(p)
    found, tried = [], 0
    for k in sorted(by_size):
        tried += len(by_size[k])
        if k > 1 and tried * weights > INVOLUTION_WORK:
            break
        found += [p for p in by_size[k] if _canonical(layers, n, p) == base]
    return tuple(sorted(found))


def group_orbit_orderings(n: int, generators: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
    """One ordering ``pi`` (the sorted cone ``x_pi[0] <= ... <= x_pi[n-1]``) per orbit of the
    permutation group generated by ``generators`` acting by ``pi -> (g(pi[0]), ..., g(pi[n-1]))``:
    the lexicographically first of each orbit.  If ``N(x_g) = N(x)`` for every generator ``g``,
    ``N = max`` on these cones implies it on R^n.

    Examples
    --------
    >>> len(group_orbit_orderings(4, [(1, 0, 2, 3), (0, 1, 3, 2)]))   # Z2 x Z2: 24 / 4 cones
    6
    >>> len(group_orbit_orderings(4, [(1, 0, 2, 3), (2, 3, 0, 1)]))   # generate D4 (order 8)
    3
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInputError(f"n must be a positive integer, got {n!r}")
    gens = [tuple(int(v) for v in g) for g in generators]
    if any(sorted(g) != list(range(n)) for g in gens):
        raise InvalidInputError(f"generators must be permutations of 0..{n - 1}")
    seen: set = set()
    reps = []
    for pi in itertools.permutations(range(n)):  # lexicographic: the first of an orbit comes first
        if pi in seen:
            continue
        reps.append(pi)
        orbit, todo = {pi}, [pi]
        while todo:
            q = todo.pop()
            for g in gens:
                r = tuple(g[i] for i in q)
                if r not in orbit:
                    orbit.add(r)
                    todo.append(r)
        seen |= orbit
    return reps
