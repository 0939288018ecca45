"""Network files: round trips (exact and float) and errors that name the field."""

import json
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given

from expressivity import NetworkFileError, load_network, network_from_dict, network_to_dict, save_network

from .strategies import exact_networks


@given(exact_networks())
def test_exact_round_trip(net):
    data = json.loads(json.dumps(network_to_dict(net)))
    assert network_from_dict(data) == net


@given(exact_networks())
def test_float_round_trip_is_bit_exact(net):
    fl = net.to_float()
    back = network_from_dict(json.loads(json.dumps(network_to_dict(fl))))
    assert back.kind == "float"
    for a, b in zip(fl.layers, back.layers):
        assert np.array_equal(a.weight, b.weight) and np.array_equal(a.bias, b.bias)


def test_file_round_trip(tmp_path):
    data = {"input_dim": 2, "layers": [
        {"weight": [["1", "-1/3"], ["0", "2.5"]], "bias": ["0", "1/7"], "activation": "relu"},
        {"weight": [[1, -1]], "bias": [0], "activation": "linear"}]}
    p = tmp_path / "net.json"
    p.write_text(json.dumps(data))
    net = load_network(p)
    assert net.kind == "exact"
    assert net.layers[0].weight[0, 1] == F(-1, 3) and net.layers[0].weight[1, 1] == F(5, 2)
    # oracle by hand: x = (3, 1): h = relu(3 - 1/3, 5/2 + 1/7) = (8/3, 37/14); out = 8/3 - 37/14
    assert net([3, 1])[0] == F(8, 3) - F(37, 14)
    save_network(net, tmp_path / "again.json")
    assert load_network(tmp_path / "again.json") == net


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d.pop("input_dim"), "input_dim"),
        (lambda d: d.update(input_dim=0), "input_dim"),
        (lambda d: d.update(layers=[]), "layers"),
        (lambda d: d["layers"][0].pop("weight"), r"layers\[0\].weight"),
        (lambda d: d["layers"][0]["weight"][1].append("1"), r"layers\[0\].weight\[1\]"),
        (lambda d: d["layers"][1].update(bias=["1", "2"]), r"layers\[1\].bias"),
        (lambda d: d["layers"][0]["weight"][0].__setitem__(1, "abc"), r"layers\[0\].weight\[0\]\[1\]"),
        (lambda d: d["layers"][0]["weight"][0].__setitem__(1, 0.5), r"layers\[0\].weight\[0\]\[1\]"),
        (lambda d: d["layers"][0].update(activation="tanh"), r"layers\[0\].activation"),
        (lambda d: d["layers"][0].update(extra=1), r"layers\[0\]"),
        (lambda d: d.update(kind="complex"), "kind"),
        (lambda d: d.update(version=7), "version"),
        (lambda d: d["layers"][0]["weight"][0].__setitem__(0, None), r"layers\[0\].weight\[0\]\[0\]"),
    ],
)
def test_malformed_files_name_the_field(mutate, field):
    data = {"input_dim": 2, "layers": [
        {"weight": [["1", "-1"], ["0", "1"]], "bias": ["0", "0"], "activation": "relu"},
        {"weight": [["1", "1"]], "bias": ["0"], "activation": "linear"}]}
    mutate(data)
    with pytest.raises(NetworkFileError, match=field):
        network_from_dict(data)


def test_float_file_rejects_strings_and_nonfinite():
    with pytest.raises(NetworkFileError, match=r"layers\[0\].bias\[0\]"):
        network_from_dict({"kind": "float", "input_dim": 1, "layers": [{"weight": [[1.0]], "bias": ["1/2"]}]})
    with pytest.raises(NetworkFileError, match="not finite"):
        network_from_dict({"input_dim": 1, "layers": [{"weight": [[float("inf")]], "bias": [0.0]}]})


def test_invalid_json_and_missing_file(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text("{ not json")
    with pytest.raises(NetworkFileError, match="not valid JSON"):
        load_network(p)
    with pytest.raises(NetworkFileError, match="cannot read"):
        load_network(tmp_path / "missing.json")
