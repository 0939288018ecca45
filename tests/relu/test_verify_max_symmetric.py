"""Symmetry-reduced exact verification: agrees with the full check, rejects tampered networks."""

import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pytest

from expressivity.exceptions import InvalidInputError
from expressivity.relu.certificate_network import certificate_network
from expressivity.relu.certificates import ruess_max6_certificate
from expressivity.relu.max_networks import max_network
from expressivity.relu.network import Layer, ReLUNetwork
from expressivity.relu.symmetric_check import (
    canonical_expression,
    is_permutation_invariant,
    is_symmetric,
    orbit_orderings,
    symmetry_blocks,
)
from expressivity.relu.verify_max import verify_computes_max


def _tamper(net: ReLUNetwork, layer: int, i: int, j: int, delta=F(1, 7)) -> ReLUNetwork:
    layers = list(net.layers)
    W = np.array(layers[layer].weight, dtype=object).copy()
    W[i, j] = W[i, j] + delta
    layers[layer] = Layer(W, layers[layer].bias, layers[layer].activation, "exact")
    return ReLUNetwork(net.input_dim, tuple(layers))


def test_hand_built_symmetric_and_asymmetric_networks():
    # max{x1,x2} = relu(x1 - x2) + relu(x2) - relu(-x2): symmetric as a function, and provably so
    m2 = ReLUNetwork.from_matrices([[[1, -1], [0, 1], [0, -1]], [[1, 1, -1]]])
    assert is_symmetric(m2)
    # relu(x1) is not invariant under swapping x1, x2
    r1 = ReLUNetwork.from_matrices([[[1, 0]], [[1]]])
    assert not is_permutation_invariant(r1, (1, 0))
    # a sum of relu(x_i) in shuffled neuron order is symmetric
    s3 = ReLUNetwork.from_matrices([[[0, 0, 1], [1, 0, 0], [0, 1, 0]], [[2, 2, 2]]])
    assert is_symmetric(s3)
    assert canonical_expression(s3, (2, 0, 1)) == canonical_expression(s3)


def test_orbit_orderings_count_and_cover():
    import itertools
    import math

    blocks = [(0, 2), (1, 3, 4)]
    reps = orbit_orderings(5, blocks)
    assert len(reps) == math.factorial(5) // (2 * 6)
    # every ordering maps to exactly one representative by sorting within blocks
    seen = set()
    for pi in itertools.permutations(range(5)):
        q = list(pi)
        for b in blocks:
            pos = sorted(q.index(i) for i in b)
            for p_, i in zip(pos, sorted(b)):
                q[p_] = i
        seen.add(tuple(q))
    assert seen == set(reps)
    with pytest.raises(InvalidInputError):
        orbit_orderings(3, [(0, 1), (1, 2)])


def test_known_symmetries_of_the_constructions():
    assert symmetry_blocks(max_network(5, "log3")) == ((0, 1), (2, 3))   # identity (2): 1<->2, 3<->4
    assert is_symmetric(max_network(6, "ruess"))
    assert not is_symmetric(max_network(5, "tree"))


@pytest.mark.parametrize("construction,n", [("log3", 5), ("log3", 6), ("ruess", 5), ("ruess", 6), ("tree", 6)])
@pytest.mark.parametrize("mode", ["auto", "blocks"])
def test_reduced_check_agrees_with_full_check(construction, n, mode):
    net = max_network(n, construction)
    full = verify_computes_max(net, symmetry="none")
    red = verify_computes_max(net, symmetry=mode)
    assert full.computes_max and red.computes_max
    assert red.cones <= full.cones


def test_symmetric_reduction_is_reported_and_smaller():
    net = certificate_network(ruess_max6_certificate()).network
    red = verify_computes_max(net)
    assert red.computes_max and "S_6-invariance proved" in red.method and red.cones == 2
    assert verify_computes_max(net, symmetry="none").cones == 1440


@pytest.mark.parametrize("seed", range(6))
def test_tampered_certificate_network_is_rejected_with_a_true_counterexample(seed):
    net = certificate_network(ruess_max6_certificate()).network
    rng = np.random.default_rng(seed)
    layer = int(rng.integers(0, 3))
    W = net.layers[layer].weight
    i, j = int(rng.integers(0, W.shape[0])), int(rng.integers(0, W.shape[1]))
    bad = _tamper(net, layer, i, j)
    chk = verify_computes_max(bad, symmetry="blocks")
    assert not chk.computes_max
    pt = list(chk.counterexample)
    assert bad(pt)[0] == chk.network_value != chk.max_value == max(pt)   # re-checked by exact evaluation


def test_tampered_log3_rejected_with_blocks():
    net = max_network(6, "log3")
    bad = _tamper(net, 1, 0, 0, F(-1, 3))
    chk = verify_computes_max(bad, symmetry="blocks")
    assert not chk.computes_max and bad(list(chk.counterexample))[0] != max(chk.counterexample)


def test_bad_symmetry_mode():
    with pytest.raises(InvalidInputError):
        verify_computes_max(max_network(3), symmetry="maybe")


def test_cli_symmetry_subprocess(tmp_path):
    out = tmp_path / "c6.json"
    r = subprocess.run([sys.executable, "-m", "expressivity", "depth", "build", "6", "--out", str(out), "--json"],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    import json

    assert json.loads(r.stdout)["counts"]["naive_second_layer"] == 8640
    r = subprocess.run([sys.executable, "-m", "expressivity", "depth", "symmetry", str(out), "--json"],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0 and json.loads(r.stdout)["symmetric"] is True
    r = subprocess.run([sys.executable, "-m", "expressivity", "depth", "check", str(out), "--max", "6"],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0 and "S_6-invariance proved structurally" in r.stdout
