"""The vectorised planar subdivision gives the same regions as before and as the traversal.

``OLD`` holds the counts and a digest of the sorted activation patterns that the previous
(per-face, pure-Python) planar implementation produced on these nets; the vectorised one must
reproduce them exactly.  The small nets are also checked pattern for pattern against the
LP-based traversal (an independent algorithm).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from expressivity.regions import enumerate_regions
from expressivity.regions.planar import planar_regions
from expressivity.relu import ReLUNetwork


def gauss_net(widths, seed: int) -> ReLUNetwork:
    """A Gaussian 2-input net with float32-representable weights (as in the planar benchmark)."""
    rng = np.random.default_rng(seed)
    dims = [2] + list(widths) + [1]
    Ws = [rng.normal(size=(dims[i + 1], dims[i])).astype(np.float32).astype(np.float64) for i in range(len(dims) - 1)]
    bs = [rng.normal(size=dims[i + 1]).astype(np.float32).astype(np.float64) for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, bs)


def degenerate_net() -> ReLUNetwork:
    """Duplicate neurons, a dead and an always-on neuron, lines through box corners, concurrent lines."""
    W1 = [[1, 0], [1, 0], [2, 0], [0, 1], [1, 1], [1, -1], [0, 0], [0, 0], [1, 1], [1, 2], [2, 1]]
    b1 = [0, 0, 0, 0, 0, 0, -1, 1, -2, 0, 0]
    W2 = [[1, -1, 0, 1, 1, 0, 1, 1, -1, 1, 1], [0, 1, 1, -1, 0, 1, 0, -1, 1, 1, -1], [1] * 11]
    return ReLUNetwork.from_matrices([W1, W2, [[1, 1, 1]]], [b1, [0, 1, -1], [0]])


def integer_net() -> ReLUNetwork:
    rng = np.random.default_rng(5)
    Wi, bi = rng.integers(-2, 3, size=(12, 2)), rng.integers(-2, 3, size=12)
    Wj, bj = rng.integers(-2, 3, size=(10, 12)), rng.integers(-2, 3, size=10)
    return ReLUNetwork.from_matrices([Wi, Wj, rng.integers(-1, 2, size=(1, 10))], [bi, bj, [0]])


def case(name: str):
    if name.startswith("gauss"):
        body = name[len("gauss"):]
        widths = [int(w) for w in body[body.index("[") + 1:body.index("]")].split(",")]
        seed = int(body[body.index("]s") + 2:].split("_")[0])
        box = 1e4 if name.endswith("R1e4") else (None if name.endswith("whole") else 1.0)
        return gauss_net(widths, seed), box
    net = degenerate_net() if name.startswith("degenerate") else integer_net()
    return net, float(name[name.index("R") + 1:])


def digest(sub) -> str:
    return hashlib.sha256(b"".join(sorted(sub.pattern_keys))).hexdigest()[:16]


OLD = [
    ("gauss[16, 16]s0", 215, "d1cf024cd1a401fd"),
    ("gauss[16, 16]s1", 97, "008d776c8dad2b13"),
    ("gauss[16, 16]s2", 165, "9c727429c0cd7468"),
    ("gauss[32, 32]s0", 816, "2f1e1afc27e985a7"),
    ("gauss[32, 32]s1", 530, "fd576fa0554215b5"),
    ("gauss[32, 32]s2", 673, "f3754318aeb90838"),
    ("gauss[64, 64]s0", 2567, "eaca0616e1fd506e"),
    ("gauss[64, 64]s1", 2997, "319b50a0d6116694"),
    ("gauss[64, 64]s2", 2231, "2eae7c145a44cce5"),
    ("gauss[8, 8, 8]s0", 69, "ce75c62616f9e609"),
    ("gauss[8, 8, 8]s1", 41, "a1abf7f368ba2d10"),
    ("gauss[8, 8, 8]s2", 123, "204841813085a9be"),
    ("degenerateR1.0", 12, "1a64b6fd14516fde"),
    ("degenerateR2.0", 14, "3d68362d95cad1f6"),
    ("degenerateR3.0", 16, "b553adba50b3e457"),
    ("integerR1.0", 42, "e10f12ef23280ace"),
    ("integerR2.0", 100, "4ae770e27362306d"),
    ("integerR3.0", 126, "943d9a4ac364b8e0"),
    ("gauss[10,10]s3_R1e4", 211, "f69ba57a59a7a9f3"),
    ("gauss[6,6]s4_whole", 65, "4b0b10d175dcc4d7"),
]


@pytest.mark.parametrize("name, count, pattern_digest", OLD, ids=[c[0] for c in OLD])
def test_same_regions_as_the_previous_implementation(name, count, pattern_digest):
    net, box = case(name)
    sub = planar_regions(net, box)
    assert (sub.count, digest(sub)) == (count, pattern_digest)
    if box is not None:
        lo, hi = sub.box
        assert abs(sub.areas().sum() - np.prod(hi - lo)) < 1e-9 * np.prod(hi - lo)
        assert np.all(sub.areas() > 0)


@pytest.mark.parametrize("name", ["gauss[16, 16]s0", "gauss[8, 8, 8]s2", "degenerateR2.0", "integerR3.0"])
def test_same_patterns_as_the_traversal(name):
    net, box = case(name)
    assert planar_regions(net, box).pattern_keys == enumerate_regions(net, box).patterns


def test_faces_are_convex_and_counter_clockwise():
    sub = planar_regions(gauss_net([32, 32], 1), 1.0)
    for V in sub.polygons:
        e = np.roll(V, -1, axis=0) - V
        cross = e[:, 0] * np.roll(e[:, 1], -1) - e[:, 1] * np.roll(e[:, 0], -1)
        assert np.all(cross > -1e-12)


def test_from_faces_round_trip():
    sub = planar_regions(gauss_net([6, 6], 0), 1.0)
    again = type(sub).from_faces(sub.polygons, sub.patterns, sub.box)
    assert again.count == sub.count and again.pattern_keys == sub.pattern_keys
    assert np.allclose(again.areas(), sub.areas())
