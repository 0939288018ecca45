"""Regenerate the example files of this folder (for maintainers; users never need to run it).

    python examples/make_examples.py

Every file is deterministic (fixed seeds, fixed integer weights), so running this again reproduces
the shipped files; ``tests/interop/test_examples.py`` checks that every file works with the
command that ``examples/README.md`` gives for it.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def small_float_network():
    """A float 2-[8, 8]-1 ReLU network whose weights are float32 numbers (so every format holds it exactly)."""
    from expressivity import ReLUNetwork

    rng = np.random.default_rng(2024)
    sizes = [2, 8, 8, 1]
    Ws = [rng.normal(size=(b, a)).astype(np.float32).astype(np.float64) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [(0.5 * rng.normal(size=b)).astype(np.float32).astype(np.float64) for b in sizes[1:]]
    return ReLUNetwork.from_matrices(Ws, bs)


def write_small_float(net) -> None:
    from safetensors.numpy import save

    from expressivity import save_network

    save_network(net, HERE / "small_float.json")
    save_network(net, HERE / "small_float.onnx")
    # the same weights as PyTorch's nn.Sequential(Linear, ReLU, Linear, ReLU, Linear).state_dict() names them
    sd = {}
    for i, layer in zip((0, 2, 4), net.layers):
        sd[f"{i}.weight"] = layer.weight.astype(np.float32)
        sd[f"{i}.bias"] = layer.bias.astype(np.float32)
    (HERE / "small_float_torch.safetensors").write_bytes(save(sd))
    # keys hidden.*, middle.*, out.* have no layer numbers: the order must be given (--layer-order)
    named = {}
    for name, i in zip(("hidden", "middle", "out"), (0, 2, 4)):
        named[f"{name}.weight"], named[f"{name}.bias"] = sd[f"{i}.weight"], sd[f"{i}.bias"]
    np.savez(HERE / "small_float_named.npz", **named)


def mlp_784_onnx() -> None:
    """A 784-[64, 64]-10 float32 MLP as torch.onnx.export writes it: (N, 1, 28, 28) -> Flatten -> Gemm/Relu."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(784)
    sizes = [784, 64, 64, 10]
    nodes = [helper.make_node("Flatten", ["input"], ["flat"], name="/Flatten", axis=1)]
    inits, h = [], "flat"
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = (rng.normal(size=(b, a)) / np.sqrt(a)).astype(np.float32)
        inits += [numpy_helper.from_array(W, f"fc{i + 1}.weight"),
                  numpy_helper.from_array((0.1 * rng.normal(size=b)).astype(np.float32), f"fc{i + 1}.bias")]
        out = "logits" if i == 2 else f"/fc{i + 1}/Gemm_output_0"
        nodes.append(helper.make_node("Gemm", [h, f"fc{i + 1}.weight", f"fc{i + 1}.bias"], [out],
                                      name=f"/fc{i + 1}/Gemm", transB=1))
        h = out
        if i < 2:
            nodes.append(helper.make_node("Relu", [out], [f"/relu{i + 1}/Relu_output_0"], name=f"/relu{i + 1}/Relu"))
            h = f"/relu{i + 1}/Relu_output_0"
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, 28, 28])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="example")
    model.ir_version = 7
    (HERE / "mlp_784_64_64_10.onnx").write_bytes(model.SerializeToString())


def max_networks() -> None:
    from expressivity import ReLUNetwork, save_network
    from expressivity.relu import Layer, max_network

    net = max_network(5, "log3")
    save_network(net, HERE / "max5_log3.json")
    # the same network with one output weight off by 1/1000: no longer max{x1..x5}
    last = net.layers[-1]
    w = np.array(last.weight, dtype=object)
    w[0, 0] = w[0, 0] + Fraction(1, 1000)
    bad = ReLUNetwork(net.input_dim, net.layers[:-1] + (Layer(w, last.bias, last.activation, "exact"),))
    save_network(bad, HERE / "max5_perturbed.json")


def arrangements() -> None:
    lines = {"format": "expressivity-arrangement", "dim": 2, "hyperplanes": [
        {"normal": [1, 0], "offset": 0}, {"normal": [0, 1], "offset": 0},
        {"normal": [1, 1], "offset": 1}, {"normal": [1, -1], "offset": 2}]}
    braid = {"format": "expressivity-arrangement", "dim": 4, "hyperplanes": [
        {"normal": [1 if k == i else (-1 if k == j else 0) for k in range(4)], "offset": 0}
        for i in range(4) for j in range(i + 1, 4)]}
    (HERE / "arrangement_4_lines.json").write_text(json.dumps(lines, indent=1) + "\n")
    (HERE / "arrangement_braid_4.json").write_text(json.dumps(braid, indent=1) + "\n")


def lightning_points() -> None:
    """Coefficients of actual lightning attention modules (small integer weights, exact): a = 2 and a = 3."""
    from expressivity.attention.check_point import point_to_dict

    V = np.array([[1, -1, 2]], dtype=object)                     # d' = 1, d = 3
    A = np.array([[1, 0, 1], [0, 2, -1], [1, 2, 0]], dtype=object)  # rank 2 (row 3 = row 1 + row 2): a = 2
    V = np.vectorize(Fraction, otypes=[object])(V)
    A = np.vectorize(Fraction, otypes=[object])(A)
    good = point_to_dict(V, A, t=2, a=2)
    (HERE / "lightning_point.json").write_text(json.dumps(good) + "\n")
    # a module with a full-rank A (a = 3) declared as a = 2: the low-rank family proves it is not an a = 2 module
    A3 = np.vectorize(Fraction, otypes=[object])(np.array([[1, 0, 1], [0, 2, -1], [1, 1, 0]], dtype=object))
    (HERE / "lightning_point_rank3.json").write_text(json.dumps(point_to_dict(V, A3, t=2, a=2)) + "\n")


def main() -> None:
    write_small_float(small_float_network())
    mlp_784_onnx()
    max_networks()
    arrangements()
    lightning_points()


if __name__ == "__main__":
    main()
