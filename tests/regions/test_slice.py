"""2-D slices of networks: oracles are the full 2-D count, the general enumerator on a composed
net built independently here, a hand-counted line arrangement, and sabotage of the certificate."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pytest

from expressivity.exceptions import (
    CertificateError,
    DegenerateInputError,
    InvalidInputError,
    NonFiniteError,
    NumberTypeError,
    ShapeError,
)
from expressivity.regions import enumerate_regions
from expressivity.regions import slice as slice_mod
from expressivity.regions.slice import plane_through_points, slice_regions
from expressivity.relu import ReLUNetwork, save_network

from .strategies import random_net

E2 = ([0, 0], [1, 0], [0, 1])
BOX = ((-0.5, -0.5), (1.5, 1.5))  # the default box of a three-point slice


def _exact_net(d, widths, seed, den=8):
    rng = np.random.default_rng(seed)
    dims = [d] + list(widths) + [1]
    Ws = [[[F(int(round(v * den)), den) for v in row] for row in rng.normal(size=(dims[i + 1], dims[i]))]
          for i in range(len(dims) - 1)]
    bs = [[F(int(round(v * den)), den) for v in rng.normal(size=dims[i + 1])] for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, bs)


def _composed_by_hand(net: ReLUNetwork, p0, p1, p2) -> ReLUNetwork:
    """net(p0 + s (p1 - p0) + t (p2 - p0)) as a float net, composed here with numpy (independent)."""
    f = net.to_float()
    P = np.array([p0, p1, p2], dtype=np.float64)
    U = np.column_stack([P[1] - P[0], P[2] - P[0]])
    W0, b0 = np.asarray(f.layers[0].weight), np.asarray(f.layers[0].bias)
    Ws = [W0 @ U] + [np.asarray(L.weight) for L in f.layers[1:]]
    bs = [W0 @ P[0] + b0] + [np.asarray(L.bias) for L in f.layers[1:]]
    assert f.layers[-1].activation == "linear" and all(L.activation == "relu" for L in f.layers[:-1])
    return ReLUNetwork.from_matrices(Ws, bs)


@pytest.mark.parametrize("widths, seed", [([6], 0), ([5, 5], 1), ([8, 4], 2), ([4, 4, 4], 3)])
def test_standard_plane_of_a_2d_net_is_the_full_count(widths, seed):
    net = random_net(2, widths, seed)
    res = slice_regions(net, points=E2)
    full = enumerate_regions(net, BOX)
    assert res.count == full.count
    assert {np.packbits(s).tobytes() + bytes([len(s) % 8]) for s in res.patterns} == full.patterns


@pytest.mark.parametrize("d, widths, seed", [(5, [6, 6], 0), (12, [8, 5], 1), (50, [10], 2)])
def test_slice_equals_enumerator_on_composed_net(d, widths, seed):
    net = random_net(d, widths, seed)
    rng = np.random.default_rng(seed + 100)
    pts = [rng.normal(size=d) for _ in range(3)]
    res = slice_regions(net, points=pts, box=1.0)
    full = enumerate_regions(_composed_by_hand(net, *pts), 1.0)
    assert res.count == full.count
    assert not res.exact and res.method == "numeric"
    # the polygons tile the box
    areas = [0.5 * abs(np.dot(P[:, 0], np.roll(P[:, 1], -1)) - np.dot(P[:, 1], np.roll(P[:, 0], -1)))
             for P in res.polygons]
    assert abs(sum(areas) - 4.0) < 1e-9


def test_hand_built_three_concurrent_lines():
    # on the plane p0 = 0, p1 = e1, p2 = e2 + e3/2 the four neurons are the lines s = 0, t = 0,
    # s + 3t/2 = 1/2 and s - t = -1/3; three of them meet at (0, 1/3), the fourth (t = 0) cuts them
    # at (0, 0), (1/2, 0), (-1/3, 0): 1 + 4 lines + 2 (triple point) + 3 = 10 regions in the box
    net = ReLUNetwork.from_matrices([[[1, 0, 0], [0, 1, 0], [1, 1, 1], [1, -1, 0]], [[1, 1, 1, 1]]],
                                    [[0, 0, "-1/2", "1/3"], [0]])
    res = slice_regions(net, points=([0, 0, 0], [1, 0, 0], [0, 1, "1/2"]), certify=True)
    assert res.count == 10
    assert res.method == "exact" and res.certified
    verts = {v for P in res.exact_polygons for v in P}
    for v in [(F(0), F(1, 3)), (F(0), F(0)), (F(1, 2), F(0)), (F(-1, 3), F(0)), (F(-1, 2), F(-1, 2))]:
        assert v in verts
    assert all(isinstance(a, F) for v in verts for a in v)
    # the triple point is a corner of six regions
    assert sum((F(0), F(1, 3)) in P for P in res.exact_polygons) == 6


def test_exact_slice_of_a_deeper_net_is_certified_and_agrees_with_float():
    net = _exact_net(6, [10, 8], 5)
    rng = np.random.default_rng(9)
    pts = [[F(int(v * 4), 4) for v in rng.normal(size=6)] for _ in range(3)]
    res = slice_regions(net, points=pts, certify=True)
    assert res.certified and res.to_json()["complete"] == "proved"
    floats = slice_regions(net.to_float(), points=[[float(v) for v in p] for p in pts])
    assert floats.count == res.count
    # exact vertices are within float rounding of the float ones
    for Pf, Pq in zip(res.polygons, res.exact_polygons):
        Q = np.array([[float(a), float(b)] for a, b in Pq])
        assert all(np.min(np.linalg.norm(Pf - q, axis=1)) < 1e-9 for q in Q)


def test_certification_fails_when_a_region_is_dropped(monkeypatch):
    from expressivity.regions import planar

    net = _exact_net(3, [6], 1)
    pts = ([0, 0, 0], [1, 0, 0], [0, 1, 0])
    real = planar.planar_regions

    def sabotaged(*args, **kw):
        sub = real(*args, **kw)
        return planar.PlanarSubdivision.from_faces(sub.polygons[:-1], sub.patterns[:-1], sub.box, sub.seconds)

    assert slice_regions(net, points=pts, certify=True).certified
    monkeypatch.setattr(planar, "planar_regions", sabotaged)
    with pytest.raises(CertificateError, match="areas"):
        slice_regions(net, points=pts, certify=True)


def test_certification_fails_when_a_pattern_bit_is_flipped(monkeypatch):
    net = _exact_net(3, [6], 1)
    real = slice_mod._certify

    def flipped(polys, patterns, maps, lo, hi):
        patterns = [s.copy() for s in patterns]
        patterns[0][0] = not patterns[0][0]
        return real(polys, patterns, maps, lo, hi)

    monkeypatch.setattr(slice_mod, "_certify", flipped)
    with pytest.raises(CertificateError, match="neuron 0"):
        slice_regions(net, points=([0, 0, 0], [1, 0, 0], [0, 1, 0]), certify=True)


def test_origin_and_directions_match_points():
    net = random_net(4, [6, 6], 3)
    p0, p1, p2 = np.eye(4)[0], np.eye(4)[1], np.eye(4)[2]
    a = slice_regions(net, points=(p0, p1, p2), box=BOX)
    b = slice_regions(net, origin=p0, directions=(p1 - p0, p2 - p0), box=BOX)
    assert a.count == b.count
    assert set(a.marks) == {"p0", "p1", "p2"} and set(b.marks) == {"origin"}


def test_figure_draws_every_region_and_the_points():
    from matplotlib.collections import PolyCollection

    net = random_net(3, [5, 5], 0)
    res = slice_regions(net, points=([0, 0, 0], [1, 0, 0], [0, 1, 0]))
    for color_by in ("pattern", "map"):
        fig = res.figure(color_by=color_by)
        ax = fig.axes[0]
        polys = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len(polys) == 1 and len(polys[0].get_paths()) == res.count
        assert {t.get_text() for t in ax.texts} == {"p0", "p1", "p2"}
        assert ax.get_aspect() == 1.0
    with pytest.raises(InvalidInputError):
        res.figure(color_by="rainbow")


def test_bad_input():
    net = random_net(3, [4], 0)
    with pytest.raises(ShapeError, match="3 inputs"):
        slice_regions(net, points=([0, 0], [1, 0], [0, 1]))
    with pytest.raises(DegenerateInputError, match="collinear"):
        slice_regions(net, points=([0, 0, 0], [1, 1, 1], [2, 2, 2]))
    with pytest.raises(DegenerateInputError, match="collinear"):
        slice_regions(net, points=([0, 0, 0], [1, 1, 1], [2.0, 2.0, 2.0 + 1e-15]))
    with pytest.raises(NonFiniteError):
        slice_regions(net, points=([0, 0, 0], [1, 0, 0], [0, float("nan"), 0]))
    with pytest.raises(DegenerateInputError, match="dependent"):
        slice_regions(net, origin=[0, 0, 0], directions=([1, 0, 0], [2, 0, 0]))
    with pytest.raises(InvalidInputError, match="either"):
        slice_regions(net)
    # a float network is certified at its weights' exact binary values (test_float_network_is_certified_...);
    # float points still cannot be: the plane itself would have to be rounded
    with pytest.raises(NumberTypeError, match="exact points"):
        slice_regions(net, points=([0, 0, 0], [1.0, 0, 0], [0, 1, 0]), certify=True)
    with pytest.raises(InvalidInputError, match="exact=False"):
        slice_regions(net, points=([0, 0, 0], [1, 0, 0], [0, 1, 0]), certify=True, exact=False)
    with pytest.raises(ShapeError):
        plane_through_points([[0, 0]], [1, 0], [0, 1])


def test_float_network_is_certified_at_its_exact_binary_values():
    """Oracle: the exact twin of a float net with dyadic weights (p/8, exactly representable), built
    from Fractions here, defines the same function: same certified polygons, vertex by vertex."""
    exact = _exact_net(3, [5, 5], 4)
    floats = ReLUNetwork.from_matrices([[[float(v) for v in row] for row in L.weight] for L in exact.layers],
                                       [[float(v) for v in L.bias] for L in exact.layers])
    assert floats.kind == "float"
    pts = ([0, 0, 0], [1, 0, 0], [0, 1, "1/2"])
    a, b = slice_regions(floats, points=pts, certify=True), slice_regions(exact, points=pts, certify=True)
    assert a.certified and a.method == "exact (float weights taken at their exact binary values)"
    assert b.method == "exact" and a.count == b.count
    assert sorted(map(sorted, a.exact_polygons)) == sorted(map(sorted, b.exact_polygons))


# ------------------------------------------------------------------------------------------ CLI
def _run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "expressivity", "regions", "slice", *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture()
def files(tmp_path):
    net = ReLUNetwork.from_matrices([[[1, 0, 0], [0, 1, 0], [1, 1, 1], [1, -1, 0]], [[1, 1, 1, 1]]],
                                    [[0, 0, "-1/2", "1/3"], [0]])
    save_network(net, tmp_path / "n.json")
    for name, v in {"p0": [0, 0, 0], "p1": [1, 0, 0], "p2": ["0", "1", "1/2"], "c1": [1, 1, 1], "c2": [2, 2, 2],
                    "o": [0, 0, 0], "d": [[1, 0, 0], [0, 1, "1/2"]], "short": [0, 1]}.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(v))
    (tmp_path / "nan.json").write_text("[0, NaN, 1]")
    return tmp_path


def test_cli_json_and_pictures(files):
    r = _run("n.json", "--points", "p0.json", "p1.json", "p2.json", "--certify", "--json", "--out", "s.pdf", cwd=files)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["regions"] == 10 and doc["complete"] == "proved" and doc["method"] == "exact"
    assert len(doc["region_list"]) == 10 and ["0", "1/3"] in [v for reg in doc["region_list"] for v in reg["vertices"]]
    assert (files / "s.pdf").read_bytes()[:4] == b"%PDF"
    r = _run("n.json", "--origin", "o.json", "--directions", "d.json", "--png", "s.png", cwd=files)
    assert r.returncode == 0, r.stderr
    assert (files / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "regions" in r.stdout and "10" in r.stdout
    r = _run("n.json", "--points", "p0.json", "p1.json", "p2.json", "--out", "s.svg", "--color-by", "map", cwd=files)
    assert r.returncode == 0 and "<svg" in (files / "s.svg").read_text()


@pytest.mark.parametrize("args, message", [
    (["--points", "p0.json", "c1.json", "c2.json"], "collinear"),
    (["--points", "p0.json", "p1.json", "short.json"], "3 inputs"),
    (["--points", "p0.json", "p1.json", "nan.json"], "nan.json"),
    (["--points", "p0.json", "p1.json", "p2.json", "--out", "s.txt"], "suffix"),
    (["--points", "p0.json", "p1.json", "p2.json", "--png", "p0.json"], "input file"),
    ([], "--points"),
])
def test_cli_bad_input_one_line(files, args, message, monkeypatch, capsys):
    from expressivity.cli import main

    monkeypatch.chdir(files)
    rc = main(["regions", "slice", "n.json", *args])
    _, err = capsys.readouterr()
    assert rc == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (files / "s.txt").exists()


def test_cli_collinear_points_at_the_process_boundary(files):
    r = _run("n.json", "--points", "p0.json", "c1.json", "c2.json", "--json", cwd=files)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("expressivity: error:") and "collinear" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"[", b'{"point": 3}', b'[0, 1, "1e999999"]',
                                     b"[" * 200 + b"]" * 200, b"[0, 1, Infinity]", b"[0, 1, 1e400]", b"[[0], [1, 2], 0]",
                                     None, "dir"])
def test_cli_bad_point_files_one_line(files, content, monkeypatch, capsys):
    from expressivity.cli import main

    target = files / "bad.json"
    if content is None:
        arg = "no-such-file.json"
    elif content == "dir":
        arg = str(files)
    else:
        target.write_bytes(content)
        arg = "bad.json"
    monkeypatch.chdir(files)
    rc = main(["regions", "slice", "n.json", "--points", "p0.json", "p1.json", arg, "--json"])
    out, err = capsys.readouterr()
    assert rc == 2, (content, err)
    assert out == "" and len(err.strip().splitlines()) == 1
    # a clear message of our own, not the last-resort handler of unexpected exceptions
    assert "EXPRESSIVITY_DEBUG" not in err, err


def test_cli_garbage_point_file_at_the_process_boundary(files):
    (files / "bad.json").write_bytes(b"\xff\xfe\x00garbage")
    r = _run("n.json", "--points", "p0.json", "p1.json", "bad.json", "--json", cwd=files)
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1
