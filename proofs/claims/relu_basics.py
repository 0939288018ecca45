"""Foundational claims on ReLU networks and the arrangement H_n (exact checks)."""

from __future__ import annotations

from fractions import Fraction

from expressivity.linalg_exact import rank_exact
from expressivity.relu.braid import basis_index_sets, g_M, phi, propagate_rays, ray, ray_index_sets
from expressivity.relu.max_networks import max_tree_network, tree_depth

from ..registry import Outcome, claim


@claim(
    "relu.max_tree.log2_hidden_layers",
    statement="The binary-tree network computes max{x1..xn} exactly with ceil(log2 n) hidden layers",
    source="HBDSS23 Lemma 1.2; ABMM18 Thm 2.1",
    method="exact",
    has_full=True,
)
def _max_tree(full: bool) -> Outcome:
    # The tree is H_n-conforming; ray propagation proves equality on all of R^n
    # (HBDSS23 Lemma 2.5: a conforming function is determined by its ray values).
    ns = range(1, 11 if full else 9)
    rows = {}
    for n in ns:
        net = max_tree_network(n)
        if net.hidden_layers != tree_depth(n):
            return Outcome(False, f"n={n}: {net.hidden_layers} hidden layers, expected {tree_depth(n)}")
        prop = propagate_rays(net)
        if not prop.conforming:
            return Outcome(False, f"n={n}: tree network is not H_n-conforming: {prop.violation}")
        for S in ray_index_sets(n):
            r = ray(S, n)
            if prop.output[S][0] != max(r):
                return Outcome(False, f"n={n}: at ray r_S={r} the network gives {prop.output[S][0]}, max is {max(r)}")
        rows[n] = {"hidden_layers": net.hidden_layers, "widths": net.widths, "rays": len(prop.output)}
    return Outcome(True, f"n = {ns.start}..{ns.stop - 1}: H_n-conforming and equal to max on all 2^(n+1)-2 rays", rows,
                   scope=f"checked for n ≤ {ns.stop - 1}")


@claim(
    "relu.braid.phi_separates_max5",
    statement="phi(max{0,x1..x4}) = 1 and phi vanishes on the other 29 basis functions g_M",
    source="HBDSS23 Lemma 2.9",
    method="exact",
)
def _phi4(full: bool) -> Outcome:
    n = 4
    full_set = frozenset(range(n + 1))
    values = {tuple(sorted(M)): phi(g_M(M), n) for M in basis_index_sets(n)}
    others = [M for M in values if set(M) != set(full_set)]
    nonzero = [M for M in others if values[M] != 0]
    top = values[tuple(sorted(full_set))]
    ok = top == 1 and not nonzero and len(others) == 29
    return Outcome(ok, f"phi(max{{0,x1..x4}}) = {top}; {len(others) - len(nonzero)}/29 others vanish",
                   {"phi_max": top, "nonzero_others": nonzero})


@claim(
    "relu.braid.dimension_and_phi_general_n",
    statement="The g_M on the 2^(n+1)-2 rays of H_n have full rank, and phi_n(max{0,x1..xn}) = (-1)^n",
    source="HBDSS23 Lemmas 2.5, 2.6, 2.9, generalised to n inputs",
    method="exact",
    has_full=True,
)
def _phi_general(full: bool) -> Outcome:
    data = {}
    for n in range(1, 8 if full else 6):
        sets = ray_index_sets(n)
        Ms = basis_index_sets(n)
        A = [[g_M(M)(ray(S, n)) for M in Ms] for S in sets]
        rk = rank_exact(A)
        top = phi(g_M(frozenset(range(n + 1))), n)
        others_zero = all(phi(g_M(M), n) == 0 for M in Ms if len(M) < n + 1)
        data[n] = {"rays": len(sets), "rank": rk, "phi_max": top}
        if rk != 2 ** (n + 1) - 2 or top != Fraction((-1) ** n) or not others_zero:
            return Outcome(False, f"n={n}: rank {rk} (expected {2 ** (n + 1) - 2}), phi(max) = {top}, others vanish: {others_zero}", data)
    return Outcome(True, "ranks " + ", ".join(str(d["rank"]) for d in data.values()) + " and phi(max) = (-1)^n", data,
                   scope=f"checked for n ≤ {max(data)}")
