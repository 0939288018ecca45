"""Newton pairs with large denominators (issue 10, §0) and the exact convex-hull fallback.

Oracles: exact evaluation of the network (``ReLUNetwork.__call__``) at rational points; a
test-local 2-D monotone-chain hull in Python integers; qhull's path vs the exact beneath-beyond.
"""

from fractions import Fraction as F

import numpy as np
import pytest

from expressivity.relu import lattice
from expressivity.relu.lattice import convex_hull, integer_points
from expressivity.relu.network import ReLUNetwork
from expressivity.relu.newton import evaluate_pair, newton_pair, prune


def test_issue_example():
    net = ReLUNetwork.from_matrices([[[F(1, 5 ** 27), 0], [0, F(2, 11 ** 18)], [-1, 0]], [[-1, -1, 2]]])
    assert net([-1, 0])[0] == 2
    assert evaluate_pair(newton_pair(net), [-1, 0]) == 2


def _big(rng) -> F:
    """A rational with a denominator p^e < 2^62 (lcm's of several overflow int64)."""
    p = int(rng.choice([3, 5, 7, 11, 13]))
    emax = int(62 / np.log2(p))
    return F(int(rng.choice([-2, -1, 1, 2])), p ** int(rng.integers(emax // 2, emax + 1)))


def _issue_kind(rng) -> ReLUNetwork:
    W1 = [[_big(rng), 0], [0, _big(rng)], [int(rng.choice([-1, 1])), 0]]
    return ReLUNetwork.from_matrices([W1, [[int(v) for v in rng.choice([-2, -1, 1, 2], 3)]]])


def _dense(rng) -> ReLUNetwork:
    n = int(rng.integers(2, 4))
    dims = [n] + [int(rng.integers(2, 4)) for _ in range(int(rng.integers(1, 3)))] + [1]

    def w():
        return _big(rng) if rng.random() < 0.6 else F(int(rng.integers(-2, 3)))

    return ReLUNetwork.from_matrices([[[w() for _ in range(dims[i])] for _ in range(dims[i + 1])]
                                      for i in range(len(dims) - 1)])


@pytest.mark.parametrize("family", [_issue_kind, _dense])
def test_random_big_denominator_nets_match_exact_evaluation(family):
    # With the old int64 common denominator, 11 of the first 50 issue-kind nets gave wrong pairs.
    rng = np.random.default_rng(20240610)
    for _ in range(30):
        net = family(rng)
        pair = newton_pair(net)
        pts = [[F(int(a), int(b)) for a, b in zip(rng.integers(-9, 10, net.input_dim), rng.integers(1, 7, net.input_dim))]
               for _ in range(6)]
        pts += [[int(i == j) * s for j in range(net.input_dim)] for i in range(net.input_dim) for s in (1, -1)]
        for x in pts:
            assert evaluate_pair(pair, x) == net(x)[0], (net, x)


def _monotone_chain(pts):
    """Strict convex-hull vertices of 2-D integer points (Andrew's algorithm, exact)."""
    pts = sorted(set(pts))

    def half(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    return set(half(pts) + half(pts[::-1]))


def test_hull_of_huge_coordinates_matches_monotone_chain(monkeypatch):
    exact_calls = []
    real = lattice._exact_facet_hyperplanes
    monkeypatch.setattr(lattice, "_exact_facet_hyperplanes", lambda *a: exact_calls.append(1) or real(*a))
    rng = np.random.default_rng(5)
    for _ in range(40):
        big = 10 ** int(rng.integers(15, 40))
        base = [(int(rng.integers(-5, 6)) * big + int(rng.integers(-3, 4)), int(rng.integers(-3, 4)) * big
                 + int(rng.integers(-3, 4))) for _ in range(int(rng.integers(4, 12)))]
        if lattice.affine_dimension(base) < 2:
            continue
        H = convex_hull(base)
        assert {H.points[i] for i in H.vertices} == _monotone_chain(base)
    assert exact_calls, "these point sets should need the exact fallback (qhull's proposal fails the re-check)"


def test_exact_beneath_beyond_agrees_with_qhull_path():
    rng = np.random.default_rng(11)
    compared = 0
    for _ in range(60):
        d = int(rng.integers(2, 5))
        pts = integer_points([tuple(int(v) for v in rng.integers(-3, 4, d)) for _ in range(int(rng.integers(d + 1, 20)))])
        cols, dim = lattice._coords(pts)
        if dim < 2:
            continue
        proj = [[p[c] for c in cols] for p in pts]
        a = lattice._verified_facets(pts, proj, lattice._qhull_facet_hyperplanes(proj, dim))
        b = lattice._verified_facets(pts, proj, lattice._exact_facet_hyperplanes(proj, dim))
        assert set(a) == set(b)
        compared += 1
    assert compared > 40


def test_prune_keeps_exact_vertices_with_huge_denominators():
    P = [(F(0), F(0)), (F(1, 3 ** 40), F(0)), (F(2, 3 ** 40), F(0)), (F(0), F(1, 7 ** 30)), (F(1, 3 ** 41), F(1, 7 ** 31))]
    assert prune(P) == sorted([(F(0), F(0)), (F(2, 3 ** 40), F(0)), (F(0), F(1, 7 ** 30))])
