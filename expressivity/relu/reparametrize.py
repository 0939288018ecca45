"""Function-preserving reparametrisations of exact ReLU networks (the symmetries of the weights).

Permuting the neurons of a hidden layer, scaling a neuron by c > 0 and its outgoing weights by 1/c
(relu(c z) = c relu(z)), and adding a dead neuron (zero weights, bias -1) with any outgoing weight
leave the network's function unchanged. Equal pairs built this way are the standard hand-made oracle
for equivalence checks.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .._random import as_rng
from ..exceptions import NumberTypeError
from .network import ReLUNetwork

__all__ = ["function_preserving_copy"]


def function_preserving_copy(net: ReLUNetwork, seed=None, *, dead: bool = True) -> ReLUNetwork:
    """A different exact network computing the same function as ``net``.

    Each hidden layer is permuted, neuron j is scaled by a random c_j > 0 (its outgoing weights by
    1/c_j) and, with ``dead=True``, a dead neuron (zero weights, bias -1, outgoing weight 7) is added.

    >>> from fractions import Fraction as F
    >>> from expressivity.relu import max_network
    >>> net = max_network(3, construction="tree")
    >>> copy = function_preserving_copy(net, seed=0)
    >>> copy.widths != net.widths, copy([F(1), F(-2), F(5, 3)]) == net([F(1), F(-2), F(5, 3)])
    (True, array([ True]))
    """
    if net.kind != "exact":
        raise NumberTypeError("function_preserving_copy needs an exact network (net.to_exact())")
    rng = as_rng(seed)
    Ws = [np.array(L.weight, dtype=object) for L in net.layers]
    bs = [np.array(L.bias, dtype=object) for L in net.layers]
    for i in range(len(Ws) - 1):
        k = Ws[i].shape[0]
        perm = rng.permutation(k)
        c = np.array([Fraction(int(rng.integers(1, 6)), int(rng.integers(1, 6))) for _ in range(k)], dtype=object)
        Ws[i], bs[i] = Ws[i][perm] * c[:, None], bs[i][perm] * c
        Ws[i + 1] = Ws[i + 1][:, perm] / c[None, :]
        if dead:
            Ws[i] = np.vstack([Ws[i], np.array([[Fraction(0)] * Ws[i].shape[1]], dtype=object)])
            bs[i] = np.concatenate([bs[i], np.array([Fraction(-1)], dtype=object)])
            Ws[i + 1] = np.hstack([Ws[i + 1], np.full((Ws[i + 1].shape[0], 1), Fraction(7), dtype=object)])
    return ReLUNetwork.from_matrices([w.tolist() for w in Ws], [b.tolist() for b in bs])
