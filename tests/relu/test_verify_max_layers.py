"""The exact max verifier on networks with linear layers anywhere, a ReLU on the output, dead
and duplicated neurons (issue 10, §0).

Oracles, independent of the verifier:
* every network called *wrong* here is wrong by hand (a stated point where it differs from max,
  evaluated exactly by ``ReLUNetwork.__call__``), and every counterexample the verifier returns
  is re-evaluated exactly here;
* every network called *right* is a MAX_n construction with an invertible linear map inserted
  and compensated by its exact inverse (so it is the same function by algebra).
"""

import json
import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pytest

from expressivity.relu.max_networks import max_network
from expressivity.relu.network import Layer, ReLUNetwork
from expressivity.relu.verify_max import compose_affine_layers, verify_computes_max


# ----------------------------------------------------------------------------- helpers
def lin(W, b=None):
    W = [[F(v) for v in row] for row in W]
    return Layer(W, [F(0)] * len(W) if b is None else [F(v) for v in b], "linear", "exact")


def relu(W, b=None):
    W = [[F(v) for v in row] for row in W]
    return Layer(W, [F(0)] * len(W) if b is None else [F(v) for v in b], "relu", "exact")


def net_of(n, *layers):
    return ReLUNetwork(n, tuple(layers))


def inverse(M):
    """Exact inverse by Gauss-Jordan over Fractions (test-local, independent of the library)."""
    m = len(M)
    A = [[F(v) for v in row] + [F(int(i == j)) for j in range(m)] for i, row in enumerate(M)]
    for c in range(m):
        p = next(r for r in range(c, m) if A[r][c] != 0)
        A[c], A[p] = A[p], A[c]
        piv = A[c][c]
        A[c] = [v / piv for v in A[c]]
        for r in range(m):
            if r != c and A[r][c] != 0:
                f = A[r][c]
                A[r] = [a - f * b for a, b in zip(A[r], A[c])]
    return [row[m:] for row in A]


def matmul(A, B):
    return [[sum((F(a) * F(b) for a, b in zip(row, col)), F(0)) for col in zip(*B)] for row in A]


def insert_compensated(net: ReLUNetwork, after: int, M) -> ReLUNetwork:
    """Insert the linear layer ``h -> M h`` after layer ``after`` (-1: before the first layer) and
    replace the next layer's weight W by ``W M^{-1}`` -- the same function, exactly."""
    layers = list(net.layers)
    nxt = layers[after + 1]
    W = matmul(nxt.weight.tolist(), inverse(M))
    layers[after + 1] = Layer(W, nxt.bias, nxt.activation, "exact")
    layers.insert(after + 1, lin(M))
    return ReLUNetwork(net.input_dim, tuple(layers))


def assert_refuted(net):
    chk = verify_computes_max(net)
    assert not chk.computes_max, f"a wrong network was accepted: {net!r}"
    pt = list(chk.counterexample)
    value = net(pt)[0]  # independent exact evaluation of the network at the returned point
    assert value == chk.network_value and max(pt) == chk.max_value and value != max(pt)
    return chk


MAX2_ROWS = [[1, -1], [0, 1], [0, -1], [-1, 0]]  # relu(x1-x2), relu(x2), relu(-x2), relu(-x1)
# the 4x4 linear layer of issue 10 and an output with output . L = (1, 1, -2, 1):
# max{x1, x2} + relu(-x1) - relu(-x2)
ISSUE_L = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 2, -1], [0, 0, 0, 1]]
ISSUE_OUT = [[1, 1, -1, 0]]


def issue_network():
    return net_of(2, relu(MAX2_ROWS), lin(ISSUE_L), lin(ISSUE_OUT))


# ----------------------------------------------------------------------------- the issue's network
def test_issue_network_is_refuted_at_a_true_counterexample():
    net = issue_network()
    assert net([0, -1])[0] == -1  # max{0, -1} = 0: the network is wrong (hand computation)
    assert_refuted(net)


def test_issue_network_with_identity_layer_is_right():
    eye = [[int(i == j) for j in range(4)] for i in range(4)]
    assert verify_computes_max(net_of(2, relu(MAX2_ROWS), lin(eye), lin(ISSUE_OUT))).computes_max


# ----------------------------------------------------------------------------- a dozen wrong networks
# (name, network, a point where it is wrong by hand)
WRONG = [
    ("linear 4x4 between last ReLU and output", issue_network(), [0, -1]),
    ("linear 4->3 between (IndexError before)",
     net_of(2, relu(MAX2_ROWS), lin([[1, 0, 0, 0], [0, 1, -1, 0], [0, 0, 0, 1]]), lin([[1, 1, 1]])), [-1, -1]),
    ("linear 4->5->3 chain after the last ReLU",
     net_of(2, relu(MAX2_ROWS), lin([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 1, 1, 1]]),
            lin([[1, 0, 0, 0, 0], [0, 1, -1, 0, 0], [0, 0, 0, 0, 1]]), lin([[1, 1, F(-1, 2)]])), [1, 0]),
    ("linear layer before the first ReLU (x1, x2 swapped and x2 doubled)",
     net_of(2, lin([[0, 2], [1, 0]]), relu([[1, -1], [0, 1], [0, -1]]), lin([[1, 1, -1]])), [0, 1]),
    ("linear layer between two ReLU layers",
     net_of(2, relu(MAX2_ROWS), lin([[1, 1, -1, 0], [0, 0, 0, 1]]), relu([[1, 0], [-1, 0], [0, 1]]),
            lin([[1, -1, -1]])), [-1, -1]),
    ("ReLU on the output layer (computes max{0, x1, x2})",
     net_of(2, relu([[1, -1], [0, 1], [0, -1]]), relu([[1, 1, -1]])), [-1, -1]),
    ("ReLU on the output after a linear layer",
     net_of(2, relu([[1, -1], [0, 1], [0, -1]]), lin([[1, 1, -1], [0, 0, 1]]), relu([[1, -1]])), [-2, -1]),
    ("dead zero-row neuron plus a missing -relu(-x2)",
     net_of(2, relu([[1, -1], [0, 1], [0, 0]]), lin([[1, 1, 5]])), [0, -1]),
    ("always-negative neuron (bias -1) carrying the correction",
     net_of(2, relu([[1, -1], [0, 1], [0, 0]], [0, 0, -1]), lin([[1, 1, -1]])), [0, -1]),
    ("dead second-layer neuron relu(-relu(x1-x2)) used with weight",
     net_of(2, relu(MAX2_ROWS[:3]), relu([[-1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]),
            lin([[7, 1, 0, 1]])), [-1, -2]),
    ("duplicated neuron counted twice", net_of(2, relu([[1, -1], [1, -1], [0, 1], [0, -1]]), lin([[1, 1, 1, -1]])),
     [1, 0]),
    ("duplicated neuron, weights not summing to one",
     net_of(2, relu([[1, -1], [1, -1], [0, 1], [0, -1]]), lin([[F(1, 2), F(1, 3), 1, -1]])), [1, 0]),
    ("opposite pair used with unequal weights",
     net_of(2, relu([[1, -1], [0, 1], [0, -1]]), lin([[1, 1, -2]])), [0, -1]),
    ("biased, linear layer in between",
     net_of(2, relu([[1, -1], [0, 1], [0, -1]], [0, 3, -3]), lin([[1, 0, 0], [0, 1, -1]], [0, -3]),
            lin([[1, 1]], [1])), [0, 0]),
    ("3 inputs, linear layer between the two ReLU layers of the tree, miscompensated",
     None, [0, 0, 1]),
    ("purely linear network", net_of(2, lin([[1, 0]]), lin([[2]])), [0, 1]),
]


def _tree3_miscompensated():
    tree = max_network(3, "tree")
    net = insert_compensated(tree, 0, INVERTIBLE["shear"](tree.layers[0].out_dim))
    layers = list(net.layers)
    W = np.array(layers[2].weight, dtype=object).copy()
    W[0, 0] += 1
    layers[2] = Layer(W, layers[2].bias, layers[2].activation, "exact")
    return ReLUNetwork(3, tuple(layers))


@pytest.mark.parametrize("name, net, point", WRONG, ids=[w[0] for w in WRONG])
def test_wrong_networks_are_refuted(name, net, point):
    if net is None:
        net = _tree3_miscompensated()
        assert net.layers[1].activation == "linear"
        # a witness by exact evaluation on a small grid
        grid = [[a, b, c] for a in range(-2, 3) for b in range(-2, 3) for c in range(-2, 3)]
        point = next(x for x in grid if net(x)[0] != max(x))
    assert net(point)[0] != max(point), "the hand-made witness must show the network is wrong"
    assert_refuted(net)


def test_at_least_a_dozen_wrong_kinds():
    assert len(WRONG) >= 12


# ----------------------------------------------------------------------------- right networks
INVERTIBLE = {
    "identity": lambda m: [[int(i == j) for j in range(m)] for i in range(m)],
    "shear": lambda m: [[1 if i == j else (2 if j == i + 1 else 0) for j in range(m)] for i in range(m)],
    "scaled_reversal": lambda m: [[F(3, 2) if j == m - 1 - i else (1 if i == j else 0) for j in range(m)]
                                  for i in range(m)] if m % 2 == 0 else [[F(3, 2) if j == m - 1 - i else 0
                                                                           for j in range(m)] for i in range(m)],
}


@pytest.mark.parametrize("kind", sorted(INVERTIBLE))
@pytest.mark.parametrize("construction, n", [("tree", 3), ("tree", 4), ("log3", 5), ("ruess", 3)])
def test_constructions_with_inserted_linear_layers_are_accepted(construction, n, kind):
    net = max_network(n, construction)
    for after in range(-1, len(net.layers) - 1):
        m = n if after < 0 else net.layers[after].out_dim
        M = INVERTIBLE[kind](m)
        assert inverse(inverse(M)) == [[F(v) for v in row] for row in M]
        net2 = insert_compensated(net, after, M)
        chk = verify_computes_max(net2)
        assert chk.computes_max, (construction, n, kind, after)


def test_several_linear_layers_at_once_and_trailing_linear_chain():
    net = max_network(4, "tree")
    net = insert_compensated(net, -1, INVERTIBLE["shear"](4))    # before the first ReLU
    net = insert_compensated(net, 1, INVERTIBLE["shear"](net.layers[1].out_dim))
    net = insert_compensated(net, len(net.layers) - 2, INVERTIBLE["scaled_reversal"](net.layers[-2].out_dim))
    assert sum(L.activation == "linear" for L in net.layers) == 4
    assert verify_computes_max(net).computes_max
    # and the output split into a chain 1 -> 2 -> 1 of linear maps
    layers = list(net.layers)
    out = layers.pop()
    chain = [lin([[2 * v for v in out.weight[0]], [v for v in out.weight[0]]]), lin([[F(1, 4), F(1, 2)]])]
    assert verify_computes_max(ReLUNetwork(4, tuple(layers + chain))).computes_max


def test_right_networks_with_dead_and_duplicated_neurons():
    # zero row, always-negative neuron, and a duplicated neuron split 1/2 + 1/2
    net = net_of(2, relu([[1, -1], [1, -1], [0, 1], [0, -1], [0, 0], [0, 0]], [0, 0, 0, 0, 0, -2]),
                 lin([[F(1, 2), F(1, 2), 1, -1, 9, 9]]))
    assert verify_computes_max(net).computes_max
    # with biases carried through an inserted linear layer
    biased = net_of(2, relu([[1, -1], [0, 1], [0, -1]], [0, 5, -5]), lin([[1, 0, 0], [0, 1, -1]], [0, -10]),
                    lin([[1, 1]], [5]))
    assert verify_computes_max(biased).computes_max


def test_relu_of_nonnegative_linear_combinations_and_output_relu():
    # n = 1: relu(relu(x1) + relu(-x1)) - 2 relu(relu(-x1)) = |x1| - 2 relu(-x1) = x1
    net = net_of(1, relu([[1], [-1]]), lin([[1, 1], [0, 1]]), relu([[1, 0], [0, 1]]), lin([[1, -2]]))
    assert verify_computes_max(net).computes_max
    # a ReLU on the output: relu(relu(x1) + relu(-x1)) = |x1| is not max{x1}
    assert_refuted(net_of(1, relu([[1], [-1]]), relu([[1, 1]])))


# ----------------------------------------------------------------------------- the normal form itself
def test_compose_affine_layers_preserves_the_function():
    rng = np.random.default_rng(7)
    nets = [w[1] for w in WRONG if w[1] is not None] + [_tree3_miscompensated()]
    for net in nets:
        nf = compose_affine_layers(net)
        acts = [L.activation for L in nf.layers]
        assert acts == ["relu"] * net.hidden_layers + ["linear"]
        for _ in range(20):
            x = [F(int(a), int(b)) for a, b in zip(rng.integers(-9, 10, net.input_dim), rng.integers(1, 5, net.input_dim))]
            assert nf(x)[0] == net(x)[0]


# ----------------------------------------------------------------------------- the CLI as a subprocess
def _save(net: ReLUNetwork, path):
    path.write_text(json.dumps({"input_dim": net.input_dim, "layers": [
        {"weight": [[str(v) for v in row] for row in L.weight.tolist()], "bias": [str(v) for v in L.bias.tolist()],
         "activation": L.activation} for L in net.layers]}), encoding="utf-8")


def _run(*argv):
    return subprocess.run([sys.executable, "-m", "expressivity", *argv], capture_output=True, text=True, timeout=120)


def test_cli_depth_check_exit_codes_and_json(tmp_path):
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    _save(issue_network(), bad)
    eye = [[int(i == j) for j in range(4)] for i in range(4)]
    _save(net_of(2, relu(MAX2_ROWS), lin(eye), lin(ISSUE_OUT)), good)
    r = _run("depth", "check", str(bad), "--max", "2")
    assert r.returncode == 1, r.stderr
    assert "does NOT compute" in r.stdout
    r = _run("depth", "check", str(good), "--max", "2")
    assert r.returncode == 0, r.stderr
    assert "computes max" in r.stdout
    r = _run("depth", "check", str(bad), "--max", "2", "--json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    pt = [F(v) for v in data["counterexample"]]
    assert data["computes_max"] is False and issue_network()(pt)[0] == F(data["network_value"]) != max(pt)
    r = _run("depth", "check", str(good), "--max", "2", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["computes_max"] is True


def test_cli_cone_limit_exits_3_with_json_not_proved(tmp_path):
    net = tmp_path / "m5.json"
    r = _run("depth", "max", "--n", "5", "--construction", "log3", "--out", str(net))
    assert r.returncode == 0, r.stderr
    r = _run("depth", "check", str(net), "--max", "5", "--max-cones", "10", "--json")
    assert r.returncode == 3, r.stderr
    data = json.loads(r.stdout)
    assert data["computes_max"] is None and "not proved" in data["status"]
    assert "nothing proved" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("n", [3, 5, 10, 12])
@pytest.mark.parametrize("homogenised", [False, True])
def test_minimum_coordinate_cones_cover_the_space(n, homogenised):
    """Hand-built oracle: every point (the all-ones point, which lies in no cone omitting an e_i,
    and random points) is a non-negative combination of the rays of some start cone."""
    from fractions import Fraction

    import sympy

    from expressivity.relu.verify_max import _minimum_coordinate_cones

    cones = _minimum_coordinate_cones(n, homogenised)
    rng = np.random.default_rng(n)
    points = [[1] * n, [-1] * n] + [list(rng.integers(-5, 6, size=n)) for _ in range(20)]
    for x in points:
        target = sympy.Matrix([Fraction(int(v)) for v in x] + ([1] if homogenised else []))
        found = False
        for cone in cones:
            M = sympy.Matrix([[r[q] for r in cone] for q in range(len(cone[0]))])
            coeffs = M.solve(target)
            if all(c >= 0 for c in coeffs):
                found = True
                break
        assert found, (n, x)
