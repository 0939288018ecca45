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


def _net_text(entry: str) -> str:
    return ('{"input_dim": 2, "layers": [{"weight": [[%s, "-1"], ["0", "1"]], "bias": ["0", "0"]},'
            ' {"weight": [["1", "1"]], "bias": ["0"], "activation": "linear"}]}' % entry)


@pytest.mark.parametrize("entry, value", [
    ("1e300", F(10) ** 300),  # read from the text: float(1e300) is not 10**300
    ("2.0", F(2)),
    ("12.5e-1", None),  # 1.25: non-integral, refused
    ("0.5e1", F(5)),
])
def test_json_numbers_in_exact_files_are_read_exactly_from_their_text(tmp_path, entry, value):
    p = tmp_path / "net.json"
    p.write_text(_net_text(entry))
    if value is None:
        with pytest.raises(NetworkFileError, match=r"layers\[0\]\.weight\[0\]\[0\]: the non-integral JSON number '12.5e-1'"):
            load_network(p)
    else:
        w = load_network(p).layers[0].weight[0, 0]
        assert w == value and int(str(w)) == int(str(value))


@pytest.mark.parametrize("entry, pattern", [
    ('"1e999999999"', r"layers\[0\]\.weight\[0\]\[0\]: '1e999999999' has an exponent beyond MAX_EXPONENT"),
    ('"1e4000"', r"layers\[0\]\.weight\[0\]\[0\]: '1e4000' has 4001 digits"),
    ('"' + "3" * 100_000 + '"', r"'33333333333333333333…' \(100000 characters\) has 100000 digits"),
    ("4" * 100_000, r"an integer with 100000 digits, more than MAX_DIGITS = 4000 .* \(line 1, column 42\)"),
    ("1e4000", r"the number '1e4000' is outside the float64 range"),
    ("NaN", r"NaN is not finite"),
    ('"abc' + "x" * 1000 + '"', r"cannot read 'abcxxxxxxxxxxxxxxxxx…' \(1003 characters\)"),
])
def test_bad_numbers_in_files_give_short_messages_naming_the_place(tmp_path, entry, pattern):
    p = tmp_path / "net.json"
    p.write_text(_net_text(entry))
    with pytest.raises(NetworkFileError, match=pattern) as info:
        load_network(p)
    msg = str(info.value)
    assert "\n" not in msg and len(msg) < 300


def test_float_file_with_an_integer_beyond_float64_names_the_field():
    data = {"input_dim": 1, "layers": [{"weight": [[1.0]], "bias": [10**400]}]}
    with pytest.raises(NetworkFileError, match=r"^layers\[0\]\.bias\[0\]: a number of 401 digits is outside the float64 range"):
        network_from_dict(data)


def test_long_field_values_are_not_echoed():
    data = {"input_dim": 2, "layers": [{"weight": [[1, 2]], "activation": "x" * 10_000}]}
    with pytest.raises(NetworkFileError) as info:
        network_from_dict(data)
    assert "10002 characters" in str(info.value) and len(str(info.value)) < 200


def test_save_network_is_atomic_and_round_trips(tmp_path):
    net = network_from_dict(json.loads(_net_text('"1/3"')))
    out = save_network(net, tmp_path / "n.json")
    assert load_network(out) == net
    assert [p.name for p in tmp_path.iterdir()] == ["n.json"]  # no temporary file left
