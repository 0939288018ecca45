"""Export to ONNX (checked by onnxruntime) and bit-exact round trips JSON <-> ONNX / safetensors / npz."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity import NumberTypeError, ReLUNetwork, load_network, save_network
from expressivity.interop import (convert_network, network_from_onnx, network_to_onnx, read_network,
                                  write_network)
from expressivity.relu import max_network, network_to_dict

from .onnx_graphs import magnitude_bound, run_ort


def random_float_net(seed, sizes, final_relu=False):
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(size=b) for b in sizes[1:]]
    return ReLUNetwork.from_matrices(Ws, bs, final_linear=not final_relu)


def bits_equal(a: ReLUNetwork, b: ReLUNetwork) -> bool:
    if a.kind != b.kind or a.input_dim != b.input_dim or len(a.layers) != len(b.layers):
        return False
    for la, lb in zip(a.layers, b.layers):
        if la.activation != lb.activation:
            return False
        for x, y in ((la.weight, lb.weight), (la.bias, lb.bias)):
            if a.kind == "float":
                if x.shape != y.shape or x.tobytes() != y.tobytes():  # bit patterns, -0.0 included
                    return False
            elif not (x.shape == y.shape and np.all(x == y)):
                return False
    return True


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("final_relu", [False, True])
def test_exported_model_matches_onnxruntime_float64(seed, final_relu):
    rng = np.random.default_rng(100 + seed)
    net = random_float_net(seed, [int(v) for v in rng.integers(1, 10, size=4)], final_relu)
    m = network_to_onnx(net)
    x = rng.normal(size=(300, net.input_dim)) * 4
    diff = np.abs(net(x) - run_ort(m, x))
    assert np.all(diff <= 1e-12 * magnitude_bound(net, x) + 1e-300)


def test_exported_float32_model_matches_onnxruntime():
    net = random_float_net(3, [5, 16, 16, 2])
    m = network_to_onnx(net, dtype="float32")
    x = np.random.default_rng(0).normal(size=(300, 5)).astype(np.float32)
    diff = np.abs(net(x.astype(np.float64)) - run_ort(m, x))
    assert np.all(diff <= 2e-5 * magnitude_bound(net, x))  # weights and arithmetic rounded to float32


def test_exact_max_network_through_onnxruntime():
    net = max_network(5, "log3")
    m = network_to_onnx(net)
    x = np.random.default_rng(4).integers(-50, 50, size=(200, 5)).astype(np.float64)
    # integer weights and inputs: every intermediate is an integer far below 2^53, so float64 is exact
    assert np.array_equal(run_ort(m, x)[:, 0], x.max(axis=1))


def test_exact_network_with_a_non_float_weight_is_refused_unless_rounded():
    net = ReLUNetwork.from_matrices([[[Fraction(1, 3), 1]], [[1]]])
    with pytest.raises(NumberTypeError, match=r"layers\[0\]\.weight\[0\]\[0\] = 1/3"):
        network_to_onnx(net)
    back = network_from_onnx(network_to_onnx(net, round_weights=True))
    assert back.kind == "float" and back.layers[0].weight[0, 0] == 1 / 3


# ---------------------------------------------------------------------------------- round trips
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def float_nets(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    Ws = [draw(st.lists(st.lists(floats, min_size=a, max_size=a), min_size=b, max_size=b))
          for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [draw(st.lists(floats, min_size=b, max_size=b)) for b in sizes[1:]]
    return ReLUNetwork.from_matrices(Ws, bs, final_linear=draw(st.booleans()), kind="float")


@settings(max_examples=40)
@given(float_nets(), st.sampled_from([".onnx", ".safetensors", ".npz"]))
def test_float_round_trip_is_bit_exact(tmp_path_factory, net, ext):
    d = tmp_path_factory.mktemp("rt")
    save_network(net, d / "a.json")
    convert_network(d / "a.json", d / f"b{ext}")
    convert_network(d / f"b{ext}", d / "c.json")
    back = load_network(d / "c.json")
    assert bits_equal(net, back)  # subnormals, -0.0, 1e308 all survive
    assert (d / "a.json").read_text() == (d / "c.json").read_text()


@pytest.mark.parametrize("ext", [".onnx", ".safetensors", ".npz"])
def test_exact_dyadic_network_round_trips_exact(tmp_path, ext):
    net = ReLUNetwork.from_matrices([[[1, Fraction(-3, 8)], [Fraction(5, 1024), 0]], [[2, Fraction(1, 2)]]],
                                    [[Fraction(1, 4), -7], [3]])
    write_network(net, tmp_path / f"n{ext}")
    back = read_network(tmp_path / f"n{ext}")
    assert back.kind == "exact" and back == net
    assert json.dumps(network_to_dict(back)) == json.dumps(network_to_dict(net))


def test_float_to_exact_and_max_denominator(tmp_path):
    net = ReLUNetwork.from_matrices([[[0.1, -2.5]], [[1 / 3]]])
    save_network(net, tmp_path / "f.json")
    rep = convert_network(tmp_path / "f.json", tmp_path / "e.json", to="exact")
    assert rep.max_deviation == 0 and rep.network.layers[0].weight[0, 0] == Fraction(0.1)
    rep = convert_network(tmp_path / "f.json", tmp_path / "q.json", to="exact", max_denominator=10)
    w = rep.network.layers[0].weight[0, 0]
    assert w == Fraction(1, 10)
    # the reported deviation is the largest |w - q|: 0.1 -> 1/10, -2.5 stays, float(1/3) -> 1/3
    assert rep.network.layers[1].weight[0, 0] == Fraction(1, 3)
    assert rep.max_deviation == max(abs(Fraction(0.1) - Fraction(1, 10)), abs(Fraction(1 / 3) - Fraction(1, 3)))
    rep = convert_network(tmp_path / "q.json", tmp_path / "back.onnx", to="float")
    expected = max(abs(Fraction(float(q)) - q) for q in (Fraction(1, 10), Fraction(1, 3)))
    assert rep.target_kind == "float" and rep.max_deviation == expected > 0


def test_float32_storage_reports_its_rounding(tmp_path):
    net = ReLUNetwork.from_matrices([[[0.1]], [[1.0]]])
    save_network(net, tmp_path / "f.json")
    rep = convert_network(tmp_path / "f.json", tmp_path / "f.npz", dtype="float32")
    assert rep.max_deviation == abs(Fraction(0.1) - Fraction(float(np.float32(0.1))))
    assert rep.max_deviation > 0
