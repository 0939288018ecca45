"""R+26 certificates: the published MAX6 identity, the sorted-cone engine and the search."""

import itertools
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.exceptions import CertificateError, InvalidInputError
from expressivity.relu.certificates import (Certificate, Template, check_certificate, ruess_max6_certificate,
                                            search_certificate, sorted_cone_expansion)


def brute_force(cert: Certificate, x):
    """sum_T c_T sum_sigma Phi_T(sigma x), straight from the definition (no sorted cone)."""
    n = cert.n
    total = F(0)
    for t, c in cert.terms:
        for s in itertools.permutations(range(n)):
            y = [x[s[i]] for i in range(n)]
            ua = sum(max(y[i], y[j]) for i, j in t.A)
            ub = sum(max(y[i], y[j]) for i, j in t.B)
            total += c * max(ua, ub)
    return total


@settings(max_examples=8)
@given(st.lists(st.integers(-6, 6), min_size=6, max_size=6))
def test_published_max6_certificate_pointwise(x):
    assert brute_force(ruess_max6_certificate(), x) == max(x)


def test_published_certificate_valid_and_perturbation_invalid():
    assert check_certificate(ruess_max6_certificate()).valid
    terms = list(ruess_max6_certificate().terms)
    terms[0] = (terms[0][0], terms[0][1] + F(1, 10000))
    bad = check_certificate(Certificate(6, tuple(terms)))
    assert not bad.valid and (bad.hinge_residual or any(bad.linear_residual))


def test_expansion_of_linear_block_is_closed_form():
    # A = B = {(0,1)}: F = sum_sigma max(x_s0, x_s1); x_q is the max for 2q ordered pairs, times (n-2)!
    for n in (3, 4, 5):
        e = sorted_cone_expansion(Template(((0, 1),), ((0, 1),)), n)
        import math

        assert e.hinges == {}
        assert e.linear == tuple(2 * math.factorial(n - 2) * q for q in range(n))


@pytest.mark.parametrize("n", [5, 6])
def test_search_rediscovers_certificates(n):
    res = search_certificate(n, seed=1, time_limit=60)
    assert res.found and check_certificate(res.certificate).valid
    x = list(range(n))[::-1]
    assert brute_force(res.certificate, x) == n - 1


def test_search_with_too_small_k_fails_honestly():
    # k = 1 blocks are zonotopes of dimension <= 3; a 4-simplex is no signed sum of them (KMPS Cor 5.2)
    res = search_certificate(5, k=1, time_limit=30)
    assert not res.found and "exhausted" in res.message


def test_errors():
    with pytest.raises(InvalidInputError):
        Template(((0, 1),), ((0, 1), (1, 2)))
    with pytest.raises(InvalidInputError):
        sorted_cone_expansion(Template(((0, 5),), ((1, 2),)), 4)
    with pytest.raises(CertificateError):
        Certificate.from_json({"n": 3})


def test_stored_max7_certificate_pointwise_and_exact():
    from expressivity.relu.certificates import known_certificate

    cert = known_certificate(7)
    assert cert.n == 7 and check_certificate(cert).valid
    assert brute_force(cert, [3, -1, 4, 1, -5, 9, 2]) == 9
    with pytest.raises(InvalidInputError, match="no stored certificate"):
        known_certificate(11)
