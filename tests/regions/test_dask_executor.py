"""The enumeration's executor on a real Dask cluster (two worker processes): same regions as serial."""

from __future__ import annotations

import pytest

from expressivity.regions import enumerate_regions, general_position_count

from .strategies import moment_rows, one_layer_net, random_net

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def dask_executor():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    try:
        yield client.get_executor(pure=False)  # every call really runs (no result cache)
    finally:
        client.close()
        cluster.close()


@pytest.mark.parametrize("d, widths, seed", [(2, [8, 8], 1), (3, [6, 5], 4)])
def test_dask_slabs_equal_serial_regions(dask_executor, d, widths, seed):
    net = random_net(d, widths, seed)
    serial = enumerate_regions(net, 1.0)
    par = enumerate_regions(net, 1.0, executor=dask_executor, chunks=4)
    assert par.patterns == serial.patterns
    assert par.count == serial.count
    # every region re-described in the full box: adjacency graphs have the same size
    assert par.graph.number_of_edges() == serial.graph.number_of_edges()


def test_dask_one_layer_matches_zaslavsky(dask_executor):
    # an independent oracle: n generic lines cut the plane into 1 + n + C(n, 2) regions
    net = one_layer_net(*moment_rows(7, 2))
    res = enumerate_regions(net, executor=dask_executor, chunks=3)
    assert res.count == general_position_count(7, 2)


@pytest.mark.slow
def test_dask_larger_net_equal_serial(dask_executor):
    net = random_net(4, [10, 10], 3)
    serial = enumerate_regions(net, 1.0)
    par = enumerate_regions(net, 1.0, executor=dask_executor, chunks=8)
    assert par.patterns == serial.patterns
    assert par.count == serial.count
