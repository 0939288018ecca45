"""One training step (MSE loss + gradient of every parameter) of a width-1024 MoA-I layer, K = 7, on 10^4 points.

Compared, interleaved in one run (medians over the repetitions):

* ours: ``loss_and_gradient`` (analytic reverse pass, numpy, tokens in blocks of 2048);
* a plain numpy central finite-difference gradient: 2 forward passes per parameter.  With ~18.5k
  parameters a full FD gradient takes hours, so a sample of coordinates is timed and the full
  gradient cost is **extrapolated** (printed as such); the sampled FD entries are also compared
  with the analytic ones;
* PyTorch autograd on the same layer, if ``torch`` is installed (skipped otherwise).

Run:  python benchmarks/bench_ffn_train.py [--points 10000] [--width 1024] [--dim 16] [--reps 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from expressivity.ffn.activations import PAPER_DICTIONARY
from expressivity.ffn.training import _names, loss_and_gradient, template


def fd_coordinates(layer, X, y, coords, h=1e-6):
    """Central differences of the MSE loss in the given (name, index) coordinates (forward passes only)."""
    base = [dict(layer._f)]
    out = []
    for name, idx in coords:
        vals = []
        for step in (h, -h):
            p = {k: v.copy() if k == name else v for k, v in base[0].items()}
            p[name][idx] += step
            from expressivity.ffn.derivatives import layer_backward

            Y = np.concatenate([layer_backward(layer, X[s:s + 2048], None, f=p)[0] for s in range(0, len(X), 2048)])
            vals.append(float(np.mean((Y - y) ** 2)))
        out.append((vals[0] - vals[1]) / (2 * h))
    return np.array(out)


def torch_step(layer, X, y):  # pragma: no cover - optional peer
    import torch

    f = {k: torch.tensor(v, requires_grad=True) for k, v in layer._f.items()}
    Xt, yt = torch.tensor(X), torch.tensor(y)
    acts = {"id": lambda z: z, "relu": torch.relu, "relu2": lambda z: torch.relu(z) ** 2,
            "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01), "gelu": torch.nn.functional.gelu,
            "silu": torch.nn.functional.silu, "tanh": torch.tanh}
    Z = Xt @ f["W1"].T + f["b1"]
    P = torch.tanh(Xt @ f["U1"].T + f["c1"])
    H = sum(P[:, k:k + 1] * acts[n](Z) for k, n in enumerate(PAPER_DICTIONARY))
    loss = torch.mean((H @ f["W2"].T - yt) ** 2)
    loss.backward()
    return float(loss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=10_000)
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--fd-sample", type=int, default=6, help="coordinates timed for the FD baseline")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    layer = template("moa-i", PAPER_DICTIONARY, args.width, args.dim, 1, seed=0)
    X = rng.uniform(-1, 1, (args.points, args.dim))
    y = np.sin(X.sum(axis=1))[:, None]
    n_params = layer.n_params
    coords = []
    for _ in range(args.fd_sample):
        name = _names(layer)[int(rng.integers(len(_names(layer))))]
        shape = getattr(layer, name).shape
        coords.append((name, tuple(int(rng.integers(s)) for s in shape)))
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    t_ours, t_fd, t_torch = [], [], []
    for _ in range(args.reps):  # interleaved
        t0 = time.perf_counter()
        _, grads = loss_and_gradient(layer, X, y)
        t_ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fd = fd_coordinates(layer, X, y, coords)
        t_fd.append((time.perf_counter() - t0) / len(coords))
        if have_torch:  # pragma: no cover
            t0 = time.perf_counter()
            torch_step(layer, X, y)
            t_torch.append(time.perf_counter() - t0)
    an = np.array([grads[0][n][i] for n, i in coords])
    rel = float(np.max(np.abs(an - fd) / np.maximum(1e-8, np.abs(fd))))
    ours, fd_per = statistics.median(t_ours), statistics.median(t_fd)
    print(f"MoA-I, width {args.width}, d {args.dim}, K = {len(PAPER_DICTIONARY)}, {args.points} points, "
          f"{n_params} parameters, {args.reps} interleaved repetitions (medians)")
    print(f"  analytic loss + gradient (ours)        {ours:9.3f} s")
    print(f"  finite differences, per coordinate     {fd_per:9.3f} s   (sample of {len(coords)})")
    print(f"  finite differences, full gradient      {fd_per * n_params:9.0f} s   (extrapolated: {n_params} × per coordinate)")
    print(f"  ratio FD full / analytic               {fd_per * n_params / ours:9.0f}x")
    print(f"  sampled FD vs analytic entries: max relative difference {rel:.1e}")
    if have_torch:  # pragma: no cover
        print(f"  PyTorch autograd                       {statistics.median(t_torch):9.3f} s   "
              f"(ratio ours / torch {ours / statistics.median(t_torch):.2f})")
    else:
        print("  PyTorch autograd                       skipped (torch is not installed)")


if __name__ == "__main__":
    main()
