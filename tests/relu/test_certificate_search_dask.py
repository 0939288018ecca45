"""The certificate search on dask.distributed gives the same result as in-process."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed")

from expressivity.relu.certificate_search import run_certificate_search  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_two_worker_cluster_by_address_same_result(tmp_path):
    from dask.distributed import LocalCluster

    local = run_certificate_search(7, seed=3, batch=60)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        ck = tmp_path / "ck.json"
        first = run_certificate_search(7, seed=3, batch=60, scheduler=cluster.scheduler_address, checkpoint=ck,
                                       max_batches=1)
        assert first.outcome == "partial"
        done = run_certificate_search(7, seed=3, batch=60, scheduler=cluster.scheduler_address, checkpoint=ck,
                                      resume=True)
    assert local.outcome == done.outcome == "certificate"
    assert done.certificate == local.certificate and done.templates_drawn == local.templates_drawn


@pytest.mark.slow
def test_cli_local_cluster_two_worker_processes(tmp_path):
    out = tmp_path / "max7.json"
    r = subprocess.run([sys.executable, "-m", "expressivity", "depth", "certificate-run", "--n", "7", "--workers", "2",
                        "--batch", "60", "--out", str(out), "--json"], capture_output=True, text=True, timeout=600,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout)["outcome"] == "certificate"
    chk = subprocess.run([sys.executable, "-m", "proofs.certificate_check", str(out)], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert chk.returncode == 0, chk.stdout
