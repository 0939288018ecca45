"""ONNX graphs built in the tests with ``onnx.helper`` (nothing downloaded), and onnxruntime as oracle."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ELEM = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}


def tensor(name, array, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def model(nodes, inits, in_shape, out_shape, dtype=np.float32, in_name="x", out_name="y", opset=13):
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(in_name, ELEM[dtype], in_shape)],
                          [helper.make_tensor_value_info(out_name, ELEM[dtype], out_shape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


def mlp_gemm(rng, sizes, dtype=np.float32, trans_b=1, alpha=1.0, beta=1.0, leaky=None, final_relu=False):
    """Gemm (+ Relu or LeakyRelu) chain with random weights of the given layer sizes."""
    nodes, inits, h = [], [], "x"
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = rng.normal(size=(b, a)) if trans_b else rng.normal(size=(a, b))
        inits += [tensor(f"W{i}", W, dtype), tensor(f"b{i}", rng.normal(size=b), dtype)]
        last = i == len(sizes) - 2
        z = "y" if last and not final_relu else f"z{i}"
        nodes.append(helper.make_node("Gemm", [h, f"W{i}", f"b{i}"], [z], name=f"fc{i}", transB=trans_b,
                                      alpha=alpha, beta=beta))
        h = z
        if not last or final_relu:
            out = "y" if last else f"h{i}"
            if leaky is None:
                nodes.append(helper.make_node("Relu", [z], [out], name=f"relu{i}"))
            else:
                nodes.append(helper.make_node("LeakyRelu", [z], [out], name=f"leaky{i}", alpha=leaky))
            h = out
    return model(nodes, inits, ["N", sizes[0]], ["N", sizes[-1]], dtype)


def mlp_matmul_add(rng, sizes, dtype=np.float32):
    """MatMul + Add + Relu chain (the form torch.onnx.export gives for nn.Linear without Gemm folding)."""
    nodes, inits, h = [], [], "x"
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        inits += [tensor(f"Wt{i}", rng.normal(size=(a, b)), dtype), tensor(f"c{i}", rng.normal(size=b), dtype)]
        last = i == len(sizes) - 2
        nodes += [helper.make_node("MatMul", [h, f"Wt{i}"], [f"m{i}"], name=f"matmul{i}"),
                  helper.make_node("Add", [f"c{i}", f"m{i}"] if i % 2 else [f"m{i}", f"c{i}"],
                                   ["y" if last else f"z{i}"], name=f"add{i}")]
        if not last:
            nodes.append(helper.make_node("Relu", [f"z{i}"], [f"h{i}"], name=f"relu{i}"))
            h = f"h{i}"
    return model(nodes, inits, ["N", sizes[0]], ["N", sizes[-1]], dtype)


def run_ort(m, x):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(m.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return sess.run(None, {name: x})[0]


def magnitude_bound(net, x):
    """Evaluate with |W|, |b| on |x|: bounds every intermediate value, the scale of rounding errors."""
    h = np.abs(np.asarray(x, dtype=np.float64))
    for layer in net.layers:
        h = h @ np.abs(layer.weight).T + np.abs(layer.bias)
    return h
