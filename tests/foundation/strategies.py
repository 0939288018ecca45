"""Hypothesis strategies for exact networks and rational inputs."""

from fractions import Fraction

from hypothesis import strategies as st

from expressivity import ReLUNetwork

# Dyadic rationals with small denominators are exactly representable as float64, so exact and
# float evaluation of a network with such weights on such inputs must agree *exactly* as long as
# no rounding happens; with general rationals they agree to a relative tolerance.
dyadic = st.builds(lambda p, k: Fraction(p, 2 ** k), st.integers(-64, 64), st.integers(0, 4))
rational = st.fractions(min_value=-8, max_value=8, max_denominator=12)


@st.composite
def exact_networks(draw, entries=rational, max_dim=4, max_layers=3, max_width=5):
    d = draw(st.integers(1, max_dim))
    n_layers = draw(st.integers(1, max_layers))
    widths = [draw(st.integers(1, max_width)) for _ in range(n_layers)]
    out = draw(st.integers(1, 2))
    dims = [d] + widths + [out]
    weights = [[[draw(entries) for _ in range(dims[i])] for _ in range(dims[i + 1])] for i in range(len(dims) - 1)]
    biases = [[draw(entries) for _ in range(dims[i + 1])] for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(weights, biases)


@st.composite
def network_and_inputs(draw, entries=rational, n_points=st.integers(1, 6)):
    net = draw(exact_networks(entries=entries))
    k = draw(n_points)
    xs = [[draw(entries) for _ in range(net.input_dim)] for _ in range(k)]
    return net, xs
