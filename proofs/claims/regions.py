"""Claims on linear regions: arrangements (Zaslavsky), the enumerators, and the bounds."""

from __future__ import annotations

import math

import numpy as np

from expressivity.regions import (Arrangement, all_bounds, braid_arrangement, central_generic_count,
                                  count_arrangement_regions, enumerate_regions, general_position_bounded_count,
                                  general_position_count, montufar2017_upper_bound, serra_upper_bound)
from expressivity.regions.milp import milp_count_pulp, milp_count_scip, scip_available
from expressivity.regions.planar import planar_regions
from expressivity.relu import ReLUNetwork

from ..registry import Outcome, claim


def _moment(n: int, d: int, central: bool = False):
    # normals (1, t, ..., t^{d-1}), offsets -t^d: a monic degree-d polynomial has <= d roots,
    # so no d+1 hyperplanes meet and any d normals are independent (general position)
    ts = range(1, n + 1)
    return [[t ** k for k in range(d)] for t in ts], [0 if central else -(t ** d) for t in ts]


def _random_net(d: int, widths, seed: int) -> ReLUNetwork:
    rng = np.random.default_rng(seed)
    dims = [d] + list(widths) + [1]
    return ReLUNetwork.from_matrices([rng.normal(size=(dims[i + 1], dims[i])) for i in range(len(dims) - 1)],
                                     [rng.normal(size=dims[i + 1]) for i in range(len(dims) - 1)])


@claim(
    "regions.arrangement.closed_forms",
    statement="Zaslavsky's count from the intersection poset gives sum_{i<=d} C(n,i) regions and C(n-1,d) bounded ones "
              "in general position, 2 sum_{k<d} C(n-1,k) for generic central arrangements, and n! for the braid arrangement",
    source="Zaslavsky75 face-count formulas; Stanley07 Thm 2.5 and Sec. 1.3; Cover65 function-counting theorem",
    method="exact",
    has_full=True,
)
def _closed_forms(full: bool) -> Outcome:
    cases = [(d, n) for d in range(1, 5) for n in range(1, (10 if full else 7))]
    for d, n in cases:
        c = count_arrangement_regions(Arrangement(*_moment(n, d)))
        if (c.regions, c.bounded) != (general_position_count(n, d), general_position_bounded_count(n, d)):
            return Outcome(False, f"general position d={d}, n={n}: got {c.regions}/{c.bounded}")
        cc = count_arrangement_regions(Arrangement(*_moment(n, d, central=True)))
        if cc.regions != central_generic_count(n, d):
            return Outcome(False, f"central generic d={d}, n={n}: got {cc.regions}, expected {central_generic_count(n, d)}")
    braid = {}
    for n in range(2, 7 if full else 6):
        r = count_arrangement_regions(braid_arrangement(n)).regions
        braid[n] = r
        if r != math.factorial(n):
            return Outcome(False, f"braid n={n}: {r} regions, expected {math.factorial(n)}")
    return Outcome(True, f"{len(cases)} general-position and central cases; braid n=2..{max(braid)} gives n!",
                   {"braid": braid}, scope=f"checked for d <= 4, n <= {cases[-1][1]}; braid n <= {max(braid)}")


@claim(
    "regions.enumerator.equals_zaslavsky",
    statement="For one-hidden-layer ReLU nets with random Gaussian weights, the number of activation regions of R^d found by "
              "adjacency traversal equals Zaslavsky's exact count of the arrangement of the neurons' hyperplanes",
    source="Zaslavsky75 region count; STR18 Sec. 3 (one layer = hyperplane arrangement)",
    method="exact",
    has_full=True,
)
def _enum_zaslavsky(full: bool) -> Outcome:
    # the Zaslavsky side is exact (the float weights are read as their exact binary values);
    # every region the traversal reports is re-checked exactly (certify=True), so the found
    # regions are distinct genuine regions, and equality with the exact total proves that
    # none is missing
    seeds = range(40 if full else 8)
    shapes = [(2, 8), (3, 7), (4, 6)] + ([(2, 16), (3, 10), (5, 7)] if full else [])
    rows = []
    for d, n in shapes:
        for seed in seeds:
            net = _random_net(d, [n], seed)
            W, b = net.layers[0].weight, net.layers[0].bias
            arr = Arrangement([[_float_exact(v) for v in r] for r in W], [_float_exact(-v) for v in b])
            z = count_arrangement_regions(arr).regions
            res = enumerate_regions(net, certify=True)
            if res.count != z:
                return Outcome(False, f"d={d}, n={n}, seed={seed}: traversal {res.count}, Zaslavsky {z}")
            rows.append((d, n, seed, z))
    return Outcome(True, f"{len(rows)} random one-layer nets: traversal = Zaslavsky (all regions certified exactly)",
                   {"cases": len(rows)},
                   scope=f"checked on {len(rows)} random nets")


@claim(
    "regions.enumerator.complete_proved",
    statement="The traversal's enumeration of the activation regions of random deep ReLU nets (box and whole space) "
              "is proved complete in exact integer arithmetic: every facet genuine, every omitted row redundant "
              "(exact Farkas combination), every facet's neighbour listed; the proved count equals the planar "
              "subdivision's in 2-D and Zaslavsky's count for one layer",
    source="Ziegler95 Sec. 1.4 (Farkas lemma) and Sec. 2.1 (facets of an H-polyhedron); Zaslavsky75 region count",
    method="exact",
    has_full=True,
)
def _enum_complete(full: bool) -> Outcome:
    # the certificate is exact (integer arithmetic on the exact binary values of the weights);
    # the planar and Zaslavsky counts are independent oracles that the proved count must meet
    from expressivity.regions.completeness import certify_completeness

    cases = [(2, [6, 6], 1.0, 0), (3, [5, 5], 1.0, 1), (2, [4, 4, 4], None, 2), (3, [6], None, 3)]
    if full:
        cases += [(2, [12, 12], 1.0, 4), (4, [8, 8], 1.0, 5), (3, [6, 6], None, 6), (4, [7], None, 7)]
    rows = []
    for d, widths, box, seed in cases:
        net = _random_net(d, widths, seed)
        res = enumerate_regions(net, box, certify="complete")
        again = certify_completeness(net, res)  # the standalone certificate on the same result
        row = {"d": d, "widths": widths, "box": box, "regions": res.count, "facets": res.completeness.facets}
        if not (res.completeness_certified and again.proved):
            return Outcome(False, f"not proved: {row}: {again.reason}", {"rows": rows + [row]})
        if d == 2 and box is not None and planar_regions(net, box).count != res.count:
            return Outcome(False, f"planar count differs: {row}")
        if len(widths) == 1 and box is None:
            W, b = net.layers[0].weight, net.layers[0].bias
            z = count_arrangement_regions(Arrangement([[_float_exact(v) for v in r] for r in W],
                                                      [_float_exact(-v) for v in b])).regions
            if z != res.count:
                return Outcome(False, f"Zaslavsky {z} differs from the proved count: {row}")
        rows.append(row)
    return Outcome(True, f"{len(rows)} random nets: enumeration proved complete exactly; planar / Zaslavsky agree",
                   {"rows": rows}, scope=f"checked on {len(rows)} random nets (d <= 4)")


def _float_exact(v: float):
    from expressivity.numbers import float_to_fraction

    return float_to_fraction(v)


@claim(
    "regions.methods_agree",
    statement="On small random deep nets the traversal (qhull and LP facets), the LP-free planar subdivision and the MILP "
              "counters (PuLP no-good loop, SCIP counting) find the same activation regions in [-1,1]^2",
    source="STR18 Sec. 5 (MILP counting); HBBB23 planar subdivision (as in SplineCam and the regioncam package)",
    method="numeric",
    has_full=True,
)
def _methods(full: bool) -> Outcome:
    cases = [([4, 4], 0), ([3, 3, 3], 1), ([5, 3], 2)] + ([([6, 6], s) for s in range(3, 6)] if full else [])
    rows = []
    for widths, seed in cases:
        net = _random_net(2, widths, seed)
        a = enumerate_regions(net, 1.0, certify=True)
        b = enumerate_regions(net, 1.0, facets="lp")
        p = planar_regions(net, 1.0)
        bits = {"".join("1" if v else "0" for v in r.pattern) for r in a.regions}
        m = milp_count_pulp(net, 1.0)
        s = milp_count_scip(net, 1.0).count if scip_available() else None
        ok = a.patterns == b.patterns == p.pattern_keys and m.patterns == bits and (s is None or s == a.count)
        rows.append({"widths": widths, "seed": seed, "bfs": a.count, "bfs_lp": b.count, "planar": p.count,
                     "pulp": m.count, "scip": s})
        if not ok:
            return Outcome(False, f"methods disagree on widths={widths}, seed={seed}: {rows[-1]}", {"rows": rows})
    return Outcome(True, f"{len(rows)} nets: all methods give the same region set "
                         f"(MILP margin eps=1e-6; traversal regions certified exactly)", {"rows": rows},
                   scope=f"checked on {len(rows)} random nets")


@claim(
    "regions.bounds.sanity",
    statement="Serra et al.'s Thm 1 bound equals Zaslavsky's count sum_{j<=n0} C(n1, j) for one layer and "
              "prod(n_l+1) for 1-D input, and Serra <= Montufar 2017 <= 2^N",
    source="STR18 Thm 1; Montufar17 product bound",
    method="exact",
)
def _bounds(full: bool) -> Outcome:
    # integer formulas only: every value is an exact Python integer
    for n0 in range(1, 6):
        for n1 in range(1, 12):
            if serra_upper_bound(n0, [n1]) != general_position_count(n1, n0):
                return Outcome(False, f"one layer n0={n0}, n1={n1}")
    one_d = ([2, 2], [3, 5, 2], [8, 8], [4, 4, 4, 4])
    for ws in one_d:
        if serra_upper_bound(1, ws) != math.prod(n + 1 for n in ws):
            return Outcome(False, f"n0=1, widths={ws}")
    chain = ([8, 8], [4, 12], [16, 2, 16])
    for n0 in range(1, 9):
        for ws in chain:
            s, m = serra_upper_bound(n0, ws), montufar2017_upper_bound(n0, ws)
            if not s <= m <= 2 ** sum(ws):
                return Outcome(False, f"chain fails for n0={n0}, widths={ws}: {s}, {m}")
    return Outcome(True, "one layer = Zaslavsky, 1-D input = prod(n_l+1), Serra <= Montufar 2017 <= 2^N (exact integers)",
                   {"example": all_bounds(2, [8, 8]), "one_d_widths": list(one_d), "chain_widths": list(chain)},
                   scope="checked for n0 <= 8 and the widths in data (one layer: n0 <= 5, n1 <= 11)")


@claim(
    "regions.bounds.measured_below_serra",
    statement="Whole-space region counts of small random nets, found by the floating-point traversal, "
              "stay below Serra et al.'s Thm 1 upper bound",
    source="STR18 Thm 1",
    method="numeric",
)
def _bounds_measured(full: bool) -> Outcome:
    # the counts come from the floating-point traversal (completeness not certified), so this
    # is a consistency check of the bound's transcription, never a proof
    measured = {}
    for d, ws in [(2, [4, 4]), (2, [3, 3, 3]), (3, [4, 4])]:
        for seed in range(3):
            c = enumerate_regions(_random_net(d, ws, seed)).count
            measured[f"{d}:{ws}:{seed}"] = c
            if c > serra_upper_bound(d, ws):
                return Outcome(False, f"measured {c} > Serra bound {serra_upper_bound(d, ws)} for d={d}, widths={ws}")
    return Outcome(True, f"{len(measured)} floating-point whole-space counts below the bound", {"measured": measured},
                   scope=f"checked on {len(measured)} random nets")
