"""Weight files (.safetensors, .npz): layer order rules, shapes, exact values, errors naming the tensor."""

from __future__ import annotations

import numpy as np
import pytest
from safetensors.numpy import save_file

from expressivity import NetworkFileError, NonFiniteError, ShapeError, load_network
from expressivity.interop import LayerOrderError, infer_layer_order, network_from_arrays


def state_dict(names, sizes, seed=0, dtype=np.float32, bias=True):
    rng = np.random.default_rng(seed)
    sd = {}
    for name, (a, b) in zip(names, zip(sizes[:-1], sizes[1:])):
        sd[f"{name}.weight"] = rng.normal(size=(b, a)).astype(dtype)
        if bias:
            sd[f"{name}.bias"] = rng.normal(size=b).astype(dtype)
    return sd


def by_hand(sd, order, x):
    """The torch nn.Sequential(Linear, ReLU, ..., Linear) forward pass, written out."""
    h = x
    for i, name in enumerate(order):
        h = h @ sd[f"{name}.weight"].astype(np.float64).T + sd.get(f"{name}.bias", 0.0)
        if i < len(order) - 1:
            h = np.maximum(h, 0)
    return h


@pytest.mark.parametrize("names,expected", [
    (["0", "2", "4"], ["0", "2", "4"]),
    (["layers.10", "layers.2", "layers.1"], ["layers.1", "layers.2", "layers.10"]),
    (["fc2", "fc1", "fc3"], ["fc1", "fc2", "fc3"]),
    (["net.0", "net.2"], ["net.0", "net.2"]),
    (["block3.lin", "block1.lin"], ["block1.lin", "block3.lin"]),
])
def test_layer_order_found_when_unambiguous(names, expected):
    keys = [f"{n}.{part}" for n in names for part in ("bias", "weight")]
    assert infer_layer_order(keys) == expected


@pytest.mark.parametrize("names,why", [
    (["fc1", "out"], "'out' has no layer number"),
    (["enc.0", "dec.1"], "differ in more than their layer number"),
    (["a1.x2", "a2.x2"], "differ in more than their layer number"),
    (["l.1", "l.01"], "two layers share a number"),
])
def test_ambiguous_order_asks_for_layer_order(names, why):
    with pytest.raises(LayerOrderError, match=why) as info:
        infer_layer_order([f"{n}.weight" for n in names])
    assert "--layer-order" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("ext", ["safetensors", "npz"])
def test_pytorch_style_file_equals_the_forward_pass(tmp_path, ext):
    sd = state_dict(["0", "2", "4"], [3, 7, 5, 2], seed=1)
    path = tmp_path / f"w.{ext}"
    save_file(sd, str(path)) if ext == "safetensors" else np.savez(path, **sd)
    net = load_network(path)
    assert net.kind == "float" and net.widths == (7, 5) and net.layers[0].weight.dtype == np.float64
    assert np.array_equal(net.layers[0].weight, sd["0.weight"].astype(np.float64))  # exact float32 values
    x = np.random.default_rng(2).normal(size=(50, 3))
    assert np.allclose(net(x), by_hand(sd, ["0", "2", "4"], x), rtol=1e-13, atol=1e-13)


def test_explicit_layer_order_and_activations(tmp_path):
    sd = state_dict(["hidden", "out"], [2, 4, 1], seed=3)
    path = tmp_path / "w.safetensors"
    save_file(sd, str(path))
    with pytest.raises(LayerOrderError, match="hidden"):
        load_network(path)
    net = load_network(path, layer_order="hidden,out")
    x = np.random.default_rng(4).normal(size=(20, 2))
    assert np.allclose(net(x), by_hand(sd, ["hidden", "out"], x), rtol=1e-13, atol=1e-13)
    net2 = load_network(path, layer_order=["hidden.weight", "out"], activations="relu,relu")
    assert net2.layers[-1].activation == "relu"


def test_missing_bias_is_zero():
    sd = state_dict(["0", "1"], [2, 3, 1], bias=False)
    net = network_from_arrays(sd)
    assert not net.layers[0].bias.any()


@pytest.mark.parametrize("mutate,exc,match", [
    (lambda sd: sd.update({"2.weight": np.ones((2, 4), np.float32)}), ShapeError, r"tensor '2\.weight' has shape \(2, 4\)"),
    (lambda sd: sd.update({"2.weight": np.ones((5, 2), np.float32)}), ShapeError, "looks transposed"),
    (lambda sd: sd.update({"0.bias": np.ones(4, np.float32)}), ShapeError, r"tensor '0\.bias' has shape \(4,\)"),
    (lambda sd: sd.update({"0.weight": np.ones(5, np.float32)}), ShapeError, r"'0\.weight' has shape \(5,\)"),
    (lambda sd: sd["0.weight"].__setitem__((1, 0), np.nan), NonFiniteError, r"tensor '0\.weight'\[1\]\[0\]: nan"),
    (lambda sd: sd["2.bias"].__setitem__(0, np.inf), NonFiniteError, r"'2\.bias'\[0\]: inf"),
    (lambda sd: sd.update({"0.weight": np.ones((5, 3), np.int64)}), NetworkFileError, "dtype int64"),
    (lambda sd: sd.update({"bn.running_mean": np.ones(5, np.float32)}), NetworkFileError, "running_mean"),
    (lambda sd: sd.update({"9.bias": np.ones(5, np.float32)}), NetworkFileError, r"no matching weight '9\.weight'"),
])
def test_bad_tensors_are_one_line_errors_naming_the_tensor(mutate, exc, match):
    sd = state_dict(["0", "2"], [3, 5, 2])
    mutate(sd)
    with pytest.raises(exc, match=match) as info:
        network_from_arrays(sd)
    assert "\n" not in str(info.value)


def test_layer_order_must_use_every_tensor_and_name_existing_layers():
    sd = state_dict(["a", "b"], [3, 5, 2])
    with pytest.raises(NetworkFileError, match="not in the layer order"):
        network_from_arrays(sd, layer_order=["a"])
    with pytest.raises(NetworkFileError, match="no tensor 'c.weight'"):
        network_from_arrays(sd, layer_order=["a", "c"])
    with pytest.raises(NetworkFileError, match="twice"):
        network_from_arrays(sd, layer_order=["a", "a", "b"])
