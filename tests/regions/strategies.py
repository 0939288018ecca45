"""Shared constructions for the region tests (not a test module)."""

from __future__ import annotations

import numpy as np

from expressivity.relu import ReLUNetwork


def random_net(d: int, widths, seed: int, *, exact: bool = False) -> ReLUNetwork:
    """Gaussian weights and biases (generic with probability 1), one linear output."""
    rng = np.random.default_rng(seed)
    dims = [d] + list(widths) + [1]
    Ws = [rng.normal(size=(dims[i + 1], dims[i])) for i in range(len(dims) - 1)]
    bs = [rng.normal(size=dims[i + 1]) for i in range(len(dims) - 1)]
    return ReLUNetwork.from_matrices(Ws, bs)


def moment_rows(n: int, d: int, *, central: bool = False, start: int = 1):
    """Hyperplanes sum_k t^k x_k = -t^d (t = start..start+n-1).

    Any d normals (1, t, ..., t^{d-1}) are independent (Vandermonde) and no d+1 of the
    hyperplanes meet, because a monic degree-d polynomial has at most d roots: the
    arrangement is in general position.  With ``central`` the offsets are 0 (generic central).
    """
    ts = range(start, start + n)
    normals = [[t ** k for k in range(d)] for t in ts]
    offsets = [0 if central else -(t ** d) for t in ts]
    return normals, offsets


def one_layer_net(normals, offsets) -> ReLUNetwork:
    """relu(a . x - b) for each hyperplane a . x = b, summed: its regions are the arrangement's."""
    W = [[int(v) for v in r] for r in normals]
    b = [-int(v) for v in offsets]
    return ReLUNetwork.from_matrices([W, [[1] * len(W)]], [b, [0]])


def summed_net(W1, b1, W2=None, b2=None) -> ReLUNetwork:
    """One or two hand-written ReLU layers whose outputs are summed (all read-out weights 1)."""
    Ws, bs = [W1], [b1]
    if W2 is not None:
        Ws.append(W2)
        bs.append(b2)
    Ws.append([[1.0] * len(bs[-1])])
    bs.append([0.0])
    return ReLUNetwork.from_matrices(Ws, bs)


def claim_a_redundant_row_as_facet(monkeypatch) -> None:
    """Sabotage: every description of the second region described also claims a row that is not a facet
    (with the interior point as its facet point); a sound certifier must refuse."""
    import expressivity.regions.enumeration as enum_mod

    orig = enum_mod._describe
    state = {"n": 0, "pattern": None}

    def liar(*args, **kw):
        region, crossings, lp, (facet_list, hull, slack) = orig(*args, **kw)
        state["n"] += 1
        if state["n"] == 2:
            state["pattern"] = args[1].tobytes()
        if args[1].tobytes() == state["pattern"]:
            claimed = {i for i, _ in facet_list}
            extra = next(i for i in range(len(slack)) if i not in claimed)
            facet_list = facet_list + [(extra, args[2])]
        return region, crossings, lp, (facet_list, hull, slack)

    monkeypatch.setattr(enum_mod, "_describe", liar)
