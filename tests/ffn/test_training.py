"""Training (numeric): the exact-representation oracle, reproducibility, residual stacks, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from expressivity.exceptions import (
    ComputationTooLargeError,
    InvalidInputError,
    NonFiniteError,
    ShapeError,
)
from expressivity.ffn.custom import activation_from_expression
from expressivity.ffn.layer_io import layer_from_json, layer_to_json
from expressivity.ffn.layers import fixed_type1, la_type1
from expressivity.ffn.training import (
    FFNNetwork,
    fit,
    loss_and_gradient,
    target_function,
    template,
)
from expressivity.ffn.witnesses import get_witness

TEACHER = la_type1(["relu", "relu2", "tanh"], alpha=[1.0, 1.0, -0.5], W1=[[1.2, -0.4], [0.3, 0.9]], W2=[[1.0, -0.7]],
                   b1=[0.1, -0.2])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_la_net_is_learned_to_zero_loss_from_several_seeds(seed):
    """Oracle: the target is an LA-I net's own output, so the class (width 4 ⊇ width 2) represents it exactly."""
    X = np.random.default_rng(5).uniform(-1, 1, (200, 2))
    y = TEACHER(X)
    r = fit(template("la-i", TEACHER.activations, 4, 2, seed=seed), X, y, seed=seed, restarts=12, max_iter=2000)
    assert r.loss < 1e-10 * np.var(y)
    Xte = np.random.default_rng(6).uniform(-1, 1, (500, 2))
    assert np.max(np.abs(r.model(Xte) - TEACHER(Xte))) < 1e-3  # it generalises: the function was learned


def test_fit_is_reproducible_and_all_parameters_move():
    X = np.random.default_rng(0).uniform(-1, 1, (150, 2))
    y = get_witness("T").target_numpy()(X)
    t = template("moa-i", ["relu", "tanh", activation_from_expression("x*tanh(x)")], 3, 2, gate="sigmoid")
    a = fit(t, X, y, seed=3, restarts=2, max_iter=40)
    b = fit(t, X, y, seed=3, restarts=2, max_iter=40)
    c = fit(t, X, y, seed=4, restarts=2, max_iter=40)
    assert a.restart_losses == b.restart_losses and a.model == b.model and a.model != c.model
    g = fit(t, X, y, seed=3, init="given", max_iter=40).model
    for name in ("W1", "b1", "W2", "U1", "c1"):  # hidden weights, biases, output, gate matrix and gate bias all trained
        assert not np.array_equal(getattr(g, name), getattr(t, name)), name
    assert a.loss < float(np.mean((t(X)[:, 0] - y) ** 2))


def test_moa_learns_T_which_la_cannot():
    """MoA-I represents T_2 at width 1; LA-I of width 2 stays far in L² (and in the derivative norm, by the floor)."""
    X = np.random.default_rng(1).uniform(-1, 1, (400, 2))
    y = get_witness("T").target_numpy()(X)
    moa = fit(template("moa-i", ["relu", "tanh"], 2, 2), X, y, seed=0, restarts=4, max_iter=1500)
    la = fit(template("la-i", ["relu", "tanh"], 2, 2), X, y, seed=0, restarts=4, max_iter=1500)
    assert moa.loss < 1e-6 and la.loss > 100 * moa.loss


def test_residual_network_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    L1 = template("moa-i", ["relu2", "silu"], 5, 2, 2, seed=1)
    L2 = template("la-ii-bi", ["tanh", "gelu"], 4, 2, 2, seed=2)
    L3 = template("fixed-i", ["tanh"], 3, 2, 1, seed=3)
    net = FFNNetwork((L1, L2, L3), residual=(True, True, False))
    X, y = rng.uniform(-1, 1, (30, 2)), rng.normal(size=30)
    val, grads = loss_and_gradient(net, X, y, chunk=7)  # several chunks
    assert val == pytest.approx(float(np.mean((net(X)[:, 0] - y) ** 2)), rel=1e-12)
    for li, layer in enumerate(net.layers):
        for name in ("W1", "b1"):
            base = np.array(getattr(layer, name))
            idx = (0,) * base.ndim

            def loss_at(step):
                params = [dict(L._f) for L in net.layers]
                arr = base.copy()
                arr[idx] += step
                params[li][name] = arr
                return loss_and_gradient(net, X, y, params=params)[0]

            fd = (loss_at(1e-6) - loss_at(-1e-6)) / 2e-6
            assert grads[li][name][idx] == pytest.approx(fd, rel=1e-5, abs=1e-8), (li, name)
    r = fit(net, X, y, seed=0, max_iter=30, init="given")
    assert r.loss < val and isinstance(r.model, FFNNetwork)


def test_trained_user_layer_round_trips():
    X = np.random.default_rng(0).uniform(-1, 1, (100, 1))
    y = np.sin(3 * X[:, 0])
    r = fit(template("la-i", [activation_from_expression("x*tanh(x)"), "relu"], 4, 1), X, y, seed=0, max_iter=50)
    back = layer_from_json(layer_to_json(r.model))
    assert np.array_equal(back(X), r.model(X))


def test_bad_training_input_is_refused():
    L = fixed_type1("relu", [[1.0]], [[1.0]])
    with pytest.raises(ShapeError):
        fit(L, np.zeros((5, 2)), np.zeros(5))
    with pytest.raises(NonFiniteError):
        fit(L, np.array([[np.nan]]), [0.0])
    with pytest.raises(InvalidInputError, match="restarts"):
        fit(L, [[0.0]], [0.0], restarts=0)
    with pytest.raises(InvalidInputError, match="unknown loss"):
        loss_and_gradient(L, [[0.0]], [0.0], loss="hinge")
    with pytest.raises(ComputationTooLargeError, match="max_cells"):
        fit(template("moa-i", ["relu", "tanh"], 2000, 2), np.zeros((10**6, 2)), np.zeros(10**6))
    with pytest.raises(ShapeError, match="residual"):
        FFNNetwork((fixed_type1("relu", [[1.0, 0.0]], [[1.0]]),), residual=True)
    with pytest.raises(InvalidInputError, match="unknown name"):
        target_function("x1*foo(x2)")
