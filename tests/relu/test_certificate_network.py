"""Compact 2-hidden-layer networks from certificates: exact function, counts, MAX7 verified."""

import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest

from expressivity.exceptions import InvalidInputError
from expressivity.relu.certificate_network import certificate_network
from expressivity.relu.certificates import (
    Certificate,
    Template,
    known_certificate,
    ruess_max6_certificate,
)
from expressivity.relu.verify_max import verify_computes_max


def _direct_sum(cert: Certificate, x) -> F:
    """sum_T lambda_T sum_sigma Phi_T(sigma x), straight from the definition (independent oracle)."""
    total = F(0)
    for t, lam in cert.terms:
        for sigma in itertools.permutations(range(cert.n)):
            y = [x[sigma[i]] for i in range(cert.n)]
            u = sum(max(y[i], y[j]) for i, j in t.A)
            v = sum(max(y[i], y[j]) for i, j in t.B)
            total += lam * max(u, v)
    return total


def test_max6_network_counts_and_values():
    built = certificate_network(ruess_max6_certificate())
    net, c = built.network, built.counts
    assert net.hidden_layers == 2
    assert c["naive_second_layer"] == 3 * 4 * math.factorial(6)
    assert c["first_layer"] <= c["first_layer_bound"] == 15 + 12
    assert c["second_layer"] < c["terms"] < c["naive_second_layer"]
    rng = np.random.default_rng(0)
    for _ in range(40):
        x = [F(int(v), 3) for v in rng.integers(-9, 10, size=6)]
        assert net(x)[0] == max(x)


def test_invalid_certificate_network_equals_its_own_sum():
    # any lambda: the network must compute sum lambda_T F_T exactly, not max
    cert = Certificate(4, ((Template(((0, 1),), ((2, 3),)), F(1, 5)),
                           (Template(((0, 1),), ((0, 2),)), F(-2, 3)),
                           (Template(((0, 0),), ((1, 2),)), F(1, 7))))
    with pytest.raises(InvalidInputError):
        certificate_network(cert)
    net = certificate_network(cert, check=False).network
    rng = np.random.default_rng(1)
    for _ in range(40):
        x = [F(int(v), 2) for v in rng.integers(-7, 8, size=4)]
        assert net(x)[0] == _direct_sum(cert, x)


def test_sign_definite_neurons_are_dropped():
    # Phi with A = {(0,0)}, B = {(0,1)}: max(x0, max(x0, x1)) - the hinge relu(m01 - x0) >= 0 is linear
    cert = Certificate(3, ((Template(((0, 0),), ((0, 1),)), F(1)),))
    built = certificate_network(cert, check=False)
    assert built.counts["sign_definite"] == built.counts["nonzero"] > 0
    x = [F(1), F(-2), F(5)]
    assert built.network(x)[0] == _direct_sum(cert, x)


@pytest.mark.slow
def test_max7_network_built_and_verified_exactly():
    built = certificate_network(known_certificate(7))
    c = built.counts
    assert c["naive_second_layer"] == 3 * 39 * 5040 == 589680
    assert c["second_layer"] <= 122355   # never more than the generic expression builder
    chk = verify_computes_max(built.network)
    assert chk.computes_max and "S_7-invariance proved" in chk.method
