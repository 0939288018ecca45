"""Sweeps of region counts over architectures and seeds, on any concurrent.futures.Executor.

Each task (input dimension, widths, seed) builds a random net and counts its regions; tasks
are independent, so they run on a local process pool or a Dask cluster unchanged:

>>> from concurrent.futures import ThreadPoolExecutor
>>> with ThreadPoolExecutor(2) as ex:
...     rows = region_count_sweep([(2, (4,))], seeds=[0, 1], executor=ex)
>>> [r.count for r in rows]
[11, 11]

With Dask: ``from dask.distributed import Client; ex = Client(...).get_executor()`` and pass
``executor=ex`` (Dask is not a dependency of the toolkit).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Iterable, Sequence


from .._random import as_rng
from ..exceptions import InvalidInputError
from ..relu.network import ReLUNetwork
from .bounds import serra_upper_bound
from .enumeration import enumerate_regions

__all__ = ["random_relu_network", "SweepRow", "region_count_sweep"]


def random_relu_network(input_dim: int, widths: Sequence[int], seed: Any, *, output_dim: int = 1) -> ReLUNetwork:
    """A float ReLU net with i.i.d. standard normal weights and biases (generic with probability 1).

    >>> random_relu_network(2, [3, 3], 0).widths
    (3, 3)
    """
    if not widths:
        raise InvalidInputError("widths is empty: give at least one hidden layer")
    rng = as_rng(seed)
    dims = [int(input_dim)] + [int(w) for w in widths] + [int(output_dim)]
    Ws = [rng.normal(size=(dims[i + 1], dims[i])) for i in range(len(dims) - 1)]
    bs = [rng.normal(size=dims[i + 1]) for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, bs)


@dataclass(frozen=True)
class SweepRow:
    """One measured count: architecture, seed, regions, Serra's upper bound, seconds."""

    input_dim: int
    widths: tuple[int, ...]
    seed: int
    count: int
    serra_upper_bound: int
    seconds: float


def _task(args) -> SweepRow:
    d, widths, seed, box = args
    res = enumerate_regions(random_relu_network(d, widths, seed), box)
    return SweepRow(d, tuple(widths), seed, res.count, serra_upper_bound(d, list(widths)), res.seconds)


def region_count_sweep(configs: Iterable[tuple[int, Sequence[int]]], seeds: Iterable[int], *, box: Any = None,
                       executor: Executor | None = None) -> list[SweepRow]:
    """Count regions of random nets for every (input_dim, widths) in ``configs`` and every seed.

    Runs serially, or with ``executor.map`` when an executor is given (results in task order).
    """
    tasks = [(int(d), tuple(int(w) for w in ws), int(s), box) for d, ws in configs for s in seeds]
    if executor is None:
        return [_task(t) for t in tasks]
    return list(executor.map(_task, tasks))
