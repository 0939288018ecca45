"""Canonical forms of templates ``(A, B)`` up to relabelling the indices and swapping ``A, B``.

A template is a two-edge-coloured multigraph (``A``-edges and ``B``-edges, loops allowed for
diagonal pairs); ``F_{A,B}`` is invariant under relabelling and under ``A <-> B``, so the search
needs one template per isomorphism class (R+26 Rem. 4.1).  :func:`canonical_template` computes
a canonical representative by colour refinement plus individualisation (the scheme of
McKay's canonical labelling, without automorphism pruning): vertices are coloured by
isomorphism-invariant ranks, refined by the multiset of (edge colour, neighbour colour) until
stable; when a colour class has several vertices each one is individualised in turn and the
lexicographically smallest relabelled edge list over all leaves is the canonical form.  The
result does not depend on the input labels because every choice is made by invariant colours.

Examples
--------
>>> from expressivity.relu.certificates import Template
>>> t = Template(((0, 1), (0, 2)), ((3, 4), (3, 5)))
>>> s = Template(((5, 2), (2, 0)), ((1, 4), (1, 3)))
>>> canonical_template(t) == canonical_template(s)
True
"""

from __future__ import annotations

import itertools
import math

from .._random import as_rng
from ..exceptions import ComputationTooLargeError, InvalidInputError

__all__ = ["canonical_template", "canonical_key", "enumerate_canonical_templates", "canonical_template_stream",
           "MAX_LEAVES"]

#: Most leaves of the individualisation tree explored per template (highly symmetric templates).
MAX_LEAVES = 200_000


def _refine(colour: list[int], adj: list[list[tuple[int, int]]]) -> list[int]:
    """Stable colour refinement; colours are ranks of sorted invariant signatures."""
    while True:
        sig = [(colour[v], tuple(sorted((c, colour[w]) for c, w in adj[v]))) for v in range(len(colour))]
        ranks = {s: r for r, s in enumerate(sorted(set(sig)))}
        new = [ranks[s] for s in sig]
        if len(set(new)) == len(set(colour)):
            return new
        colour = new


def _encode(order: list[int], A, B) -> tuple:
    lab = {v: i for i, v in enumerate(order)}
    a = tuple(sorted(tuple(sorted((lab[i], lab[j]))) for i, j in A))
    b = tuple(sorted(tuple(sorted((lab[i], lab[j]))) for i, j in B))
    return (a, b)


def _canon_oriented(A, B, verts: list[int]) -> tuple:
    """Smallest encoding over the individualisation tree (``A`` kept as the first side)."""
    index = {v: i for i, v in enumerate(verts)}
    u = len(verts)
    adj: list[list[tuple[int, int]]] = [[] for _ in range(u)]
    for c, pairs in ((0, A), (1, B)):
        for i, j in pairs:
            a, b = index[i], index[j]
            adj[a].append((c, b))
            if a != b:
                adj[b].append((c, a))
    best = None
    leaves = 0
    stack = [_refine([0] * u, adj)]
    while stack:
        col = stack.pop()
        cells: dict[int, list[int]] = {}
        for v, c in enumerate(col):
            cells.setdefault(c, []).append(v)
        target = next((c for c in sorted(cells) if len(cells[c]) > 1), None)
        if target is None:
            leaves += 1
            if leaves > MAX_LEAVES:
                raise ComputationTooLargeError(f"canonical form: more than {MAX_LEAVES} leaves (too symmetric)")
            order = sorted(range(u), key=lambda v: col[v])
            enc = _encode(order, [(index[i], index[j]) for i, j in A], [(index[i], index[j]) for i, j in B])
            if best is None or enc < best:
                best = enc
            continue
        for v in cells[target]:
            c2 = [2 * c + (1 if c == target and w != v else 0) for w, c in enumerate(col)]
            stack.append(_refine(c2, adj))
    return best


def canonical_key(A, B) -> tuple:
    """Canonical ``(A', B')`` (0-based, ``A' <= B'``) of the template, up to relabelling and swap.

    Examples
    --------
    >>> canonical_key([(2, 7)], [(7, 9)])
    (((0, 1),), ((1, 2),))
    """
    verts = sorted({i for p in list(A) + list(B) for i in p})
    one = _canon_oriented(A, B, verts)
    two = _canon_oriented(B, A, verts)
    a, b = min(one, two)
    return (a, b) if a <= b else (b, a)


def canonical_template(t):
    """The canonical representative (a :class:`~expressivity.relu.certificates.Template`).

    Examples
    --------
    >>> from expressivity.relu.certificates import Template
    >>> canonical_template(Template(((3, 4),), ((1, 3),)))
    Template(A=((0, 1),), B=((1, 2),))
    """
    from .certificates import Template

    a, b = canonical_key(t.A, t.B)
    return Template(a, b)


def enumerate_canonical_templates(n: int, k: int, *, diagonal: bool = False, max_templates: int = 2_000_000) -> list:
    """Every template with ``k`` pairs per side on at most ``n`` indices, one per isomorphism class.

    ``A = B`` (a linear block) is excluded.  The result is sorted by canonical key, so it is
    reproducible.  Refuses (``ComputationTooLargeError``) when the labelled space exceeds
    ``max_templates`` ordered pairs of multisets.

    Examples
    --------
    With one pair per side on 3 indices: ``{(0,1)}`` vs ``{(0,2)}`` (sharing an index) is the only
    class (two disjoint pairs need 4 indices).

    >>> enumerate_canonical_templates(3, 1)
    [Template(A=((0, 1),), B=((1, 2),))]
    """
    from .certificates import Template

    if n < 2 or k < 1:
        raise InvalidInputError("need n >= 2 and k >= 1")
    pairs = [(i, j) for i in range(n) for j in range(i if diagonal else i + 1, n)]
    ms = math.comb(len(pairs) + k - 1, k)
    if ms * ms > max_templates:
        raise ComputationTooLargeError(f"{ms}^2 labelled templates for n = {n}, k = {k} exceed max_templates = "
                                       f"{max_templates}; use the sampled stream instead")
    multisets = list(itertools.combinations_with_replacement(pairs, k))
    seen = set()
    first_seen = set()  # cheap pre-filter: relabelling in order of first appearance
    for ia, a in enumerate(multisets):
        for b in multisets[ia + 1:]:
            lab: dict[int, int] = {}
            nf = [tuple(sorted(lab.setdefault(i, len(lab)) for i in p)) for p in a + b]
            key = (tuple(sorted(nf[:k])), tuple(sorted(nf[k:])))
            if key in first_seen:
                continue
            first_seen.add(key)
            seen.add(canonical_key(a, b))
    return [Template(a, b) for a, b in sorted(seen)]


def _draw_uniform(rng, n: int, k: int, diagonal: bool):
    pairs = [(i, j) for i in range(n) for j in range(i if diagonal else i + 1, n)]
    pick = rng.integers(len(pairs), size=2 * k)
    return [pairs[int(i)] for i in pick]


def _draw_stratified(rng, n: int, k: int, diagonal: bool):
    u = int(rng.integers(2, min(n, 4 * k) + 1))
    return _draw_uniform(rng, u, k, diagonal)


def canonical_template_stream(n: int, k: int, *, seed: int = 0, diagonal: bool = False, stratified: bool = False):
    """Endless reproducible stream of distinct canonical templates, drawn at random.

    Each of the ``2k`` pairs is drawn uniformly among the ``C(n,2)`` off-diagonal pairs (or the
    ``C(n+1,2)`` pairs with diagonals); with ``stratified=True`` a number ``u`` of indices is first
    drawn uniformly from ``2..min(n, 4k)`` and the pairs are drawn on ``0..u-1`` (templates on few
    indices, rare in the uniform draw, come up often).  ``A = B`` is skipped, and a template whose canonical form
    was already produced is skipped.  The stream stops when 20 000 draws in a row give nothing
    new (the space is exhausted in practice).

    Examples
    --------
    >>> s = canonical_template_stream(6, 2, seed=1)
    >>> len({next(s) for _ in range(5)})
    5
    """
    from .certificates import Template

    rng = as_rng(seed)
    draw = _draw_stratified if stratified else _draw_uniform
    seen: set = set()
    misses = 0
    while misses < 20_000:
        pick = draw(rng, n, k, diagonal)
        a = tuple(sorted(pick[:k]))
        b = tuple(sorted(pick[k:]))
        if a == b:
            misses += 1
            continue
        key = canonical_key(a, b)
        if key in seen:
            misses += 1
            continue
        misses = 0
        seen.add(key)
        yield Template(*key)
