"""The optional compiled planar kernel (numba) gives the same regions as the numpy path.

Both paths are checked against the counts and pattern digests stored from the original
per-face implementation (``OLD`` in test_planar_speed_equivalence.py), and against each other
face by face (same polygon for every pattern).  The numba tests skip when numba is absent;
the numpy-path and selection tests always run.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from expressivity.exceptions import InvalidInputError
from expressivity.regions import planar
from expressivity.regions.planar import planar_regions

_spec = importlib.util.spec_from_file_location("_planar_equiv", Path(__file__).with_name("test_planar_speed_equivalence.py"))
equiv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(equiv)

KERNEL_MODULE = "expressivity.regions._planar_kernel"
needs_numba = pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba not installed (the [fast] extra)")
PATHS = ["numpy", pytest.param("numba", marks=needs_numba)]


@pytest.mark.parametrize("kernel", PATHS)
@pytest.mark.parametrize("name, count, pattern_digest", equiv.OLD, ids=[c[0] for c in equiv.OLD])
def test_both_paths_reproduce_the_stored_regions(kernel, name, count, pattern_digest):
    net, box = equiv.case(name)
    sub = planar_regions(net, box, kernel=kernel)
    assert (sub.count, equiv.digest(sub)) == (count, pattern_digest)
    if box is not None:
        lo, hi = sub.box
        assert abs(sub.areas().sum() - np.prod(hi - lo)) < 1e-9 * np.prod(hi - lo)
        assert np.all(sub.areas() > 0)


def faces_by_pattern(sub) -> dict:
    """pattern key -> the face's vertices, rotated to start at the lexicographically least one."""
    out = {}
    for V, p in zip(sub.polygons, sub.patterns):
        i = min(range(len(V)), key=lambda k: (V[k, 0], V[k, 1]))
        out[np.packbits(p).tobytes() + bytes([len(p) % 8])] = np.roll(V, -i, axis=0)
    return out


@pytest.mark.parametrize("name", ["integerR1.0", "gauss[8, 8, 8]s1"])
def test_the_kernel_code_run_as_plain_python(name, monkeypatch):
    """The kernel's source, interpreted (``py_func``; plain functions without numba): catches an
    index out of range, which compiled code would not report."""
    from expressivity.regions import _planar_kernel as K

    for fname in ("_grow_f", "_grow_i", "_grow_b2", "_grow_lines", "_meet", "_sign", "cut_layer"):
        monkeypatch.setattr(K, fname, getattr(getattr(K, fname), "py_func", getattr(K, fname)))
    monkeypatch.setattr(K, "COMPILED", True)
    net, box = equiv.case(name)
    sub = planar_regions(net, box, kernel="numba")
    expected = {c[0]: c[1:] for c in equiv.OLD}[name]
    assert (sub.count, equiv.digest(sub)) == expected


@needs_numba
@pytest.mark.parametrize("name", ["gauss[32, 32]s1", "gauss[8, 8, 8]s2", "degenerateR3.0", "integerR2.0", "gauss[10,10]s3_R1e4"])
def test_same_faces_face_by_face(name):
    net, box = equiv.case(name)
    a = faces_by_pattern(planar_regions(net, box, kernel="numpy"))
    b = faces_by_pattern(planar_regions(net, box, kernel="numba"))
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].shape == b[key].shape
        scale = 1.0 + np.abs(a[key]).max()
        assert np.allclose(a[key], b[key], rtol=0, atol=1e-12 * scale)


def test_unknown_kernel_is_refused():
    net, _ = equiv.case("gauss[8, 8, 8]s0")
    with pytest.raises(InvalidInputError, match="kernel must be one of"):
        planar_regions(net, 1.0, kernel="cuda")


def test_environment_variable_overrides_auto(monkeypatch):
    monkeypatch.setenv("EXPRESSIVITY_PLANAR_KERNEL", "numpy")
    assert planar._compiled_cut_layer("auto") is None
    monkeypatch.setenv("EXPRESSIVITY_PLANAR_KERNEL", "fortran")
    with pytest.raises(InvalidInputError, match="EXPRESSIVITY_PLANAR_KERNEL"):
        planar._compiled_cut_layer("auto")


@pytest.fixture
def fresh_kernel_module():
    """Unload the kernel module for one test and put the original back afterwards, whatever the test
    imported meanwhile (an uncompiled copy must not leak into later tests)."""
    import expressivity.regions as package

    saved = sys.modules.pop(KERNEL_MODULE, None)
    saved_attr = package.__dict__.get("_planar_kernel")
    yield
    sys.modules.pop(KERNEL_MODULE, None)
    if saved is not None:
        sys.modules[KERNEL_MODULE] = saved
    if saved_attr is not None:
        package._planar_kernel = saved_attr
    else:
        package.__dict__.pop("_planar_kernel", None)


def test_without_numba_the_numpy_path_runs(monkeypatch, fresh_kernel_module):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba -> ImportError: the module imports uncompiled
    monkeypatch.setattr(planar, "_numpy_seconds", [1e9])
    assert planar._compiled_cut_layer("auto") is None
    net, _ = equiv.case("integerR1.0")
    assert planar_regions(net, 1.0).count == 42
    with pytest.raises(InvalidInputError, match=r"needs numba"):
        planar_regions(net, 1.0, kernel="numba")


@needs_numba
def test_auto_loads_the_kernel_only_after_enough_numpy_time(monkeypatch, fresh_kernel_module):
    monkeypatch.delenv("EXPRESSIVITY_PLANAR_KERNEL", raising=False)
    monkeypatch.setattr(planar, "_numpy_seconds", [0.0])
    assert planar._compiled_cut_layer("auto") is None
    net, _ = equiv.case("gauss[8, 8, 8]s1")
    planar_regions(net, 1.0)
    assert 0.0 < planar._numpy_seconds[0] < planar._KERNEL_SWITCH_SECONDS
    planar._numpy_seconds[0] = planar._KERNEL_SWITCH_SECONDS
    assert planar._compiled_cut_layer("auto") is not None
    assert planar_regions(net, 1.0).count == 41
