"""Model interchange: reading a 784-[64, 64]-10 network in every format, and evaluating it, side by side.

Reads ``examples/mlp_784_64_64_10.onnx`` (float32, as torch.onnx.export writes it) and copies of the
same network written as JSON, safetensors and npz (float64), interleaved, ``--repeat`` runs each,
medians.  Baselines: ``onnx.load`` alone (parsing the protobuf, no checks or conversion) and
``safetensors.numpy.load_file`` / ``numpy.load`` alone (the raw tensors) -- the ratio is the cost of
our checks (checker, shapes, finiteness, exact float32 -> float64).  Evaluation: our float64
forward pass on 1000 inputs against onnxruntime (float32, one thread) on the same inputs.

Run:  python benchmarks/bench_interop.py [--repeat N]

Measured (2-core shared box, --repeat 7, medians): see docs/interop.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "examples" / "mlp_784_64_64_10.onnx"


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def forward(net, h):
    """The arithmetic of ``net(h)`` without its input validation."""
    for layer in net.layers:
        h = h @ layer.weight.T + layer.bias
        if layer.activation == "relu":
            h = np.maximum(h, 0.0)
    return h


def main() -> int:
    import onnx
    import onnxruntime as ort
    from safetensors.numpy import load_file

    from expressivity import load_network, save_network

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    net = load_network(MODEL)
    tmp = Path(tempfile.mkdtemp())
    files = {ext: save_network(net, tmp / f"mlp{ext}") for ext in (".json", ".safetensors", ".npz")}
    files[".onnx"] = MODEL
    tasks = {
        "load_network(.onnx)": lambda: load_network(MODEL),
        "  baseline onnx.load": lambda: onnx.load(str(MODEL)),
        "load_network(.safetensors)": lambda: load_network(files[".safetensors"]),
        "  baseline safetensors load_file": lambda: load_file(str(files[".safetensors"])),
        "load_network(.npz)": lambda: load_network(files[".npz"]),
        "  baseline numpy.load": lambda: dict(np.load(files[".npz"])),
        "load_network(.json)": lambda: load_network(files[".json"]),
    }
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(MODEL), opts, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).random(size=(1000, 1, 28, 28)).astype(np.float32)
    x64 = x.reshape(1000, 784).astype(np.float64)
    tasks["evaluate 1000 inputs (ours, float64)"] = lambda: net(x64)
    tasks["  onnxruntime 1000 inputs (float32, 1 thread)"] = lambda: sess.run(None, {"input": x})
    tasks["forward pass alone (numpy float64 matmuls)"] = lambda: forward(net, x64)
    times: dict[str, list[float]] = {k: [] for k in tasks}
    for _ in range(args.repeat):
        for name, fn in tasks.items():  # interleaved
            times[name].append(timed(fn))
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {args.repeat} runs each, medians; "
          f"file sizes: " + ", ".join(f"{e} {p.stat().st_size / 1024:.0f} KiB" for e, p in files.items()))
    med = {k: statistics.median(v) for k, v in times.items()}
    pairs = {"load_network(.onnx)": "  baseline onnx.load",
             "load_network(.safetensors)": "  baseline safetensors load_file",
             "load_network(.npz)": "  baseline numpy.load",
             "evaluate 1000 inputs (ours, float64)": "  onnxruntime 1000 inputs (float32, 1 thread)",
             "forward pass alone (numpy float64 matmuls)": "  onnxruntime 1000 inputs (float32, 1 thread)"}
    for name, m in med.items():
        ratio = f"  ({m / med[pairs[name]]:.1f}x the baseline)" if name in pairs else ""
        print(f"{name:<48} {m * 1000:9.2f} ms{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
