"""ONNX import: our float evaluation equals onnxruntime's (an independent evaluator) on random inputs.

Tolerance: onnxruntime rounds every product and sum to the graph's element type, our network
evaluates the same real-valued function in float64.  The rounding error of a chain of affine
layers is at most (a few times the accumulation length) x unit roundoff x the value of the
network with |W|, |b| on |x| (``magnitude_bound``).  We allow 1e-12 x that bound for float64
graphs (unit roundoff 1.1e-16) and 2e-5 x that bound for float32 graphs (6e-8).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from onnx import helper

from expressivity.interop import network_from_onnx
from expressivity.interop.onnx_io import _exact_product

from .onnx_graphs import magnitude_bound, mlp_gemm, mlp_matmul_add, model, run_ort, tensor

TOL = {np.float32: 2e-5, np.float64: 1e-12}


def assert_matches_ort(m, net, rng, dtype, n=200, scale=3.0):
    x = (rng.normal(size=(n, net.input_dim)) * scale).astype(dtype)
    theirs = run_ort(m, x).astype(np.float64)
    ours = net(x.astype(np.float64))  # float32 inputs are float64 numbers: the same point
    bound = magnitude_bound(net, x)
    assert np.all(np.abs(ours - theirs) <= TOL[dtype] * bound + 1e-300), np.max(np.abs(ours - theirs) / bound)
    return ours


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(3))
def test_gemm_relu_chain_matches_onnxruntime(dtype, seed):
    rng = np.random.default_rng(seed)
    sizes = [int(v) for v in rng.integers(1, 9, size=4)]
    m = mlp_gemm(rng, sizes, dtype)
    net = network_from_onnx(m)
    assert net.kind == "float" and net.widths == tuple(sizes[1:-1]) and net.layers[-1].activation == "linear"
    assert_matches_ort(m, net, rng, dtype)


@pytest.mark.parametrize("trans_b,alpha,beta", [(0, 1.0, 1.0), (1, 0.5, 2.0), (0, -1.25, 0.75)])
def test_gemm_attributes(trans_b, alpha, beta):
    rng = np.random.default_rng(7)
    m = mlp_gemm(rng, [3, 5, 2], np.float32, trans_b=trans_b, alpha=alpha, beta=beta)
    net = network_from_onnx(m)
    assert_matches_ort(m, net, rng, np.float32)


def test_weights_are_the_exact_float32_values():
    rng = np.random.default_rng(1)
    m = mlp_gemm(rng, [2, 3, 1], np.float32)
    net = network_from_onnx(m)
    W0 = np.frombuffer(m.graph.initializer[0].raw_data, dtype=np.float32).reshape(3, 2)
    assert np.array_equal(net.layers[0].weight, W0.astype(np.float64))  # bit-exact, no rounding
    assert net.layers[0].weight.dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matmul_add_chain(dtype):
    rng = np.random.default_rng(3)
    m = mlp_matmul_add(rng, [4, 6, 5, 3], dtype)
    net = network_from_onnx(m)
    assert net.widths == (6, 5) and len(net.layers) == 3  # MatMul+Add folded into one layer each
    assert_matches_ort(m, net, rng, dtype)


@pytest.mark.parametrize("alpha", [0.01, 0.2, 0.1234567])
def test_leaky_relu_rewritten_exactly(alpha):
    rng = np.random.default_rng(5)
    m = mlp_gemm(rng, [3, 4, 4, 2], np.float32, leaky=alpha)
    net = network_from_onnx(m)
    assert net.widths == (8, 8)  # each LeakyReLU layer doubles
    ours = assert_matches_ort(m, net, rng, np.float32)
    # second oracle: the leaky net by hand in float64 from the stored float32 tensors
    a = float(np.float32(alpha))
    W = [np.frombuffer(t.raw_data, dtype=np.float32).astype(np.float64) for t in m.graph.initializer]
    x = (np.random.default_rng(5).normal(size=(200, 3)) * 3).astype(np.float32).astype(np.float64)
    h = x
    for i, (a_in, b_out) in enumerate([(3, 4), (4, 4), (4, 2)]):
        h = h @ W[2 * i].reshape(b_out, a_in).T + W[2 * i + 1]
        if i < 2:
            h = np.where(h > 0, h, a * h)
    assert np.allclose(net(x), h, rtol=1e-12, atol=1e-12)
    assert ours.shape == (200, 2)


def test_leaky_alpha_enters_at_its_binary_value():
    assert _exact_product(np.array([3.0, 0.1]), 0.5) is not None
    assert _exact_product(np.array([0.1]), 0.1) is None  # 0.1 * 0.1 rounds in float64


def test_leaky_then_output_is_a_final_combination():
    rng = np.random.default_rng(9)
    m = mlp_gemm(rng, [2, 3, 2], np.float32, leaky=0.3, final_relu=True)
    net = network_from_onnx(m)
    assert_matches_ort(m, net, rng, np.float32)


def test_flatten_identity_dropout_constant():
    rng = np.random.default_rng(11)
    W = rng.normal(size=(6, 4)).astype(np.float32)
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"], name="flat", axis=1),
        helper.make_node("Identity", ["f"], ["i"], name="ident"),
        helper.make_node("Constant", [], ["Wc"], name="const_w", value=tensor("Wc", W)),
        helper.make_node("Constant", [], ["bc"], name="const_b", value_floats=[0.5, -1.0, 2.0, 0.0]),
        helper.make_node("MatMul", ["i", "Wc"], ["m"], name="mm"),
        helper.make_node("Add", ["m", "bc"], ["a"], name="bias"),
        helper.make_node("Dropout", ["a"], ["d"], name="drop"),
        helper.make_node("Relu", ["d"], ["r"], name="relu"),
        helper.make_node("Gemm", ["r", "W2", "b2"], ["y"], name="out", transB=1),
    ]
    inits = [tensor("W2", rng.normal(size=(1, 4))), tensor("b2", [0.25])]
    m = model(nodes, inits, ["N", 1, 2, 3], ["N", 1])
    net = network_from_onnx(m)
    assert net.input_dim == 6 and net.widths == (4,)
    x = rng.normal(size=(50, 1, 2, 3)).astype(np.float32)
    theirs = run_ort(m, x)
    ours = net(x.reshape(50, 6).astype(np.float64))  # ONNX Flatten is row-major, as numpy's reshape
    assert np.all(np.abs(ours - theirs) <= 2e-5 * magnitude_bound(net, x.reshape(50, 6)))


def test_relu_on_the_input_and_consecutive_affine_maps():
    rng = np.random.default_rng(13)
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="r0"),
             helper.make_node("Gemm", ["r", "A", "a"], ["g1"], name="g1", transB=1),
             helper.make_node("Gemm", ["g1", "B", "b"], ["g2"], name="g2", transB=1),
             helper.make_node("Add", ["g2", "c"], ["y"], name="add")]
    inits = [tensor("A", rng.normal(size=(3, 2))), tensor("a", rng.normal(size=3)),
             tensor("B", rng.normal(size=(2, 3))), tensor("b", rng.normal(size=2)), tensor("c", [0.1, 0.2])]
    m = model(nodes, inits, ["N", 2], ["N", 2])
    net = network_from_onnx(m)
    assert net.hidden_layers == 1
    assert_matches_ort(m, net, rng, np.float32)
    # the bias sum b + c was folded only because it is exact; the net stays the graph's function
    for layer in net.layers:
        assert layer.weight.dtype == np.float64


def test_exported_exact_network_reads_back_exact():
    from expressivity.interop import network_to_onnx
    from expressivity.relu import max_network

    net = max_network(5, "log3")
    back = network_from_onnx(network_to_onnx(net))
    assert back.kind == "exact" and back == net
    assert back([Fraction(1, 3), 2, -1, Fraction(5, 2), 0])[0] == Fraction(5, 2)


def test_exact_product_fast_path_agrees_with_fractions():
    rng = np.random.default_rng(17)
    a32 = rng.normal(size=500).astype(np.float32).astype(np.float64)
    a64 = rng.normal(size=500)
    for a, s in [(a32, float(np.float32(0.01))), (a64, 0.5), (a64, 0.1), (np.array([0.0, 5e-324, 1e308]), 3.0),
                 (np.array([2.0 ** -1070]), 0.75)]:
        got = _exact_product(a, s)
        with np.errstate(over="ignore"):
            finite = bool(np.all(np.isfinite(a * s)))
        exact = finite and all(Fraction(x) * Fraction(s) == Fraction(x * s) for x in a.tolist())
        assert (got is not None) == exact, (a[:3], s)


def test_relu_on_a_huge_input_is_refused_before_allocating():
    from expressivity import ComputationTooLargeError

    m = model([helper.make_node("Relu", ["x"], ["y"], name="r_in")], [], ["N", 100_000], ["N", 100_000])
    with pytest.raises(ComputationTooLargeError, match="'r_in' \\(Relu\\).*100000x100000"):
        network_from_onnx(m)


def test_transposed_weight_through_a_transpose_node():
    rng = np.random.default_rng(21)
    nodes = [helper.make_node("Transpose", ["W"], ["Wt"], name="tr", perm=[1, 0]),
             helper.make_node("MatMul", ["x", "Wt"], ["m"], name="mm"),
             helper.make_node("Add", ["m", "b"], ["z"], name="add"),
             helper.make_node("Relu", ["z"], ["y"], name="relu")]
    m = model(nodes, [tensor("W", rng.normal(size=(4, 3))), tensor("b", rng.normal(size=4))], ["N", 3], ["N", 4])
    net = network_from_onnx(m)
    assert net.widths == (4,) and net.layers[-1].activation == "relu"
    assert_matches_ort(m, net, rng, np.float32)
