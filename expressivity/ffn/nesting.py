"""Exact nesting maps fixed → LA → MoA (WWXSZ26) and the sigmoid-gate containment question.

* :func:`fixed_to_la` selects σ with a one-hot coefficient vector (``α = e_σ``; for the bi-sided
  Type-II LA also ``β = e_Id``).
* :func:`la_to_moa` sets ``U = 0`` and biases ``c`` with ``s(c) = α / S`` for a scale ``S``,
  and multiplies the output matrix by ``S``.  The gate must be able to take the values ``α/S``:
  tanh and hardtanh always can, sigmoid/softmax/hardsigmoid only for (strictly) positive vectors;
  otherwise :class:`~expressivity.ffn.gates.GateRepresentationError` says why.
* :func:`sigmoid_containment_evidence` collects what we can prove about sigmoid-gated MoA:
  an exact obstruction at equal width, and an exact embedding at width ``K·m`` for dictionaries of
  positively homogeneous activations of distinct degrees.

Exact layers map to exact layers (equality is then a sympy identity); float layers map to float
layers (equal to ~1e-15).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy as sp

from ..exceptions import InvalidInputError
from ..linalg_exact import solve_exact
from .activations import PAPER_DICTIONARY, resolve_dictionary
from .gates import GateRepresentationError, constant_gate_bias, get_gate
from .layers import FFNLayer, la_type1

__all__ = [
    "fixed_to_la",
    "la_to_moa",
    "fixed_to_moa",
    "HOMOGENEITY_DEGREE",
    "SigmoidContainmentEvidence",
    "positive_gate_width1_obstruction",
    "sigmoid_embedding_homogeneous",
    "sigmoid_containment_evidence",
]

#: Positive homogeneity degrees: σ(s z) = s^deg σ(z) for s > 0.
HOMOGENEITY_DEGREE = {"id": 1, "relu": 1, "leaky_relu": 1, "relu2": 2, "square": 2}


def _onehot(K: int, k: int) -> list[int]:
    v = [0] * K
    v[k] = 1
    return v


def fixed_to_la(layer: FFNLayer, dictionary: Sequence[str] = PAPER_DICTIONARY, *, variant: str = "one") -> FFNLayer:
    """The LA layer (one-hot α) computing the same function as a fixed-activation layer.

    Parameters
    ----------
    layer : FFNLayer
        A fixed-activation layer (Type-I or Type-II).
    dictionary : sequence of str
        The LA dictionary; it must contain the layer's activation (and ``id`` for ``variant="bi"``).
    variant : {"one", "bi"}
        Type-II target variant (ignored for Type-I).

    Examples
    --------
    >>> from expressivity.ffn.layers import fixed_type2
    >>> swiglu = fixed_type2("silu", [[1]], [[1]], [[1]])
    >>> la = fixed_to_la(swiglu)
    >>> la.class_name, list(la.alpha)
    ('LA-II-one', [0, 0, 0, 0, 0, 1, 0])
    """
    if layer.mixing != "fixed":
        raise InvalidInputError(f"fixed_to_la needs a fixed-activation layer, got {layer.class_name}")
    acts = resolve_dictionary(dictionary)  # objects: user activations need no registry
    names = tuple(a.name for a in acts)
    sigma = layer.dictionary[0]
    if sigma not in names:
        raise InvalidInputError(f"the activation {sigma!r} of the fixed layer is not in the LA dictionary {names}; "
                                "add it to the dictionary (LA can only select entries it has)")
    K = len(names)
    alpha = _onehot(K, names.index(sigma))
    if layer.ffn_type == "I":
        return FFNLayer("I", "la", None, acts, W1=layer.W1, W2=layer.W2, b1=layer.b1, alpha=alpha)
    if variant == "one":
        return FFNLayer("II", "la", "one", acts, W1=layer.W1, W2=layer.W2, W3=layer.W3, b1=layer.b1, b2=layer.b2,
                        alpha=alpha)
    if variant == "bi":
        if "id" not in names:
            raise InvalidInputError("a bi-sided LA reproduces the linear up-branch with β = e_Id, but 'id' is not in the "
                                    f"dictionary {names}")
        return FFNLayer("II", "la", "bi", acts, W1=layer.W1, W2=layer.W2, W3=layer.W3, b1=layer.b1, b2=layer.b2,
                        alpha=alpha, beta=_onehot(K, names.index("id")))
    raise InvalidInputError(f"variant must be 'one' or 'bi', got {variant!r}")


def _as_fraction(v, where: str) -> Fraction:
    if isinstance(v, sp.Rational):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    raise InvalidInputError(f"{where}: exact LA → MoA maps need rational coefficients, got {v}")


def _shared_coefficients(layer: FFNLayer, name: str):
    """A per-layer coefficient vector and per-neuron scales t_j with α_j = t_j α (or raise)."""
    a = getattr(layer, name)
    if a.ndim == 1:
        return list(a), [1] * layer.width
    rows = [list(r) for r in a]
    ref = next((r for r in rows if any(v != 0 for v in r)), None)
    if ref is None:
        return [0] * a.shape[1], [1] * layer.width
    k0 = next(k for k, v in enumerate(ref) if v != 0)
    scales = []
    for j, r in enumerate(rows):
        t = r[k0] / ref[k0]
        if any(r[k] != t * ref[k] for k in range(len(ref))):
            raise GateRepresentationError(
                f"per-neuron LA coefficients of neuron {j} are not a multiple of those of the other neurons; MoA gates are "
                "shared by all neurons of a layer, so only coefficient matrices of rank 1 can be embedded at equal width")
        scales.append(t)
    return ref, scales


def _biases(gate: str, alpha, kind: str, scale):
    """(S, c) with s(c) = alpha / S, exactly (sympy) or in floats."""
    g = get_gate(gate)
    if kind == "exact":
        al = [_as_fraction(v, "alpha") for v in alpha]
        mx = max((abs(v) for v in al), default=Fraction(0))
        if g.name == "softmax":
            S = sum(al) if scale is None else Fraction(scale)
        elif g.name == "linear":
            S = Fraction(1) if scale is None else Fraction(scale)
        elif g.name in ("hardtanh", "hardsigmoid"):
            S = (mx if mx > 0 else Fraction(1)) if scale is None else Fraction(scale)
        else:
            S = (2 * mx if mx > 0 else Fraction(1)) if scale is None else Fraction(scale)
        if S == 0:
            raise GateRepresentationError(f"{g.name} gate: the scale S is 0 (coefficients {al} sum to zero)")
        c = constant_gate_bias(g, [v / S for v in al])
        return sp.Rational(S.numerator, S.denominator), c
    al = np.asarray(alpha, dtype=np.float64)
    mx = float(np.max(np.abs(al))) if al.size else 0.0
    if g.name == "softmax":
        S = float(al.sum()) if scale is None else float(scale)
    elif g.name == "linear":
        S = 1.0 if scale is None else float(scale)
    elif g.name in ("hardtanh", "hardsigmoid"):
        S = (mx if mx > 0 else 1.0) if scale is None else float(scale)
    else:
        S = (2 * mx if mx > 0 else 1.0) if scale is None else float(scale)
    p = al / S
    if g.name == "tanh":
        if np.any(np.abs(p) >= 1):
            raise GateRepresentationError(f"tanh gates take values in (-1, 1); choose S > max|α| = {mx}")
        c = np.arctanh(p)
    elif g.name == "sigmoid":
        if np.any(p <= 0) or np.any(p >= 1):
            raise GateRepresentationError("sigmoid gates take values in (0, 1) only: a constant sigmoid gate cannot carry a "
                                          f"zero or negative LA coefficient (α = {al.tolist()}); use a tanh gate")
        c = np.log(p / (1 - p))
    elif g.name == "softmax":
        if np.any(p <= 0):
            raise GateRepresentationError(f"softmax gates are positive; α = {al.tolist()} has a zero or negative entry")
        c = np.log(p)
    elif g.name == "hardtanh":
        if np.any(np.abs(p) > 1):
            raise GateRepresentationError("hardtanh gates take values in [-1, 1]; choose S >= max|α|")
        c = p
    elif g.name == "hardsigmoid":
        if np.any(p < 0) or np.any(p > 1):
            raise GateRepresentationError(f"hardsigmoid gates take values in [0, 1]; α = {al.tolist()} has a negative entry")
        c = 2 * p - 1
    else:
        c = p
    return S, c


def la_to_moa(layer: FFNLayer, gate: str = "tanh", *, scale=None, gate_bias: bool = True) -> FFNLayer:
    """An MoA layer with constant gates computing exactly the same function as an LA layer.

    Parameters
    ----------
    layer : FFNLayer
        LA Type-I, or LA Type-II one/bi/quad (quad only when Γ has rank ≤ 1).
    gate : str
        Gate of the MoA layer.
    scale : number, optional
        The scale S (default: 2 max|α| for tanh/sigmoid, Σα for softmax, max|α| for the hard gates).
    gate_bias : bool
        Whether the MoA class has gate biases.  Without them constant gates are ``s(0)`` only,
        so the map is refused unless the requested gate values all equal ``s(0)``.

    Raises
    ------
    GateRepresentationError
        The gate cannot take the needed values (sign-mixed or zero α with a positive gate,
        Γ of rank > 1, neuron-specific coefficients, no gate bias); the message says why.

    Examples
    --------
    >>> la = la_type1(["relu", "tanh"], alpha=[1, -1], W1=[[1]], W2=[[1]])
    >>> moa = la_to_moa(la)
    >>> moa.class_name, list(moa.c1), moa.W2.tolist()
    ('MoA-I[tanh]', [atanh(1/2), -atanh(1/2)], [[2]])
    >>> la_to_moa(la, gate="sigmoid")
    Traceback (most recent call last):
    ...
    expressivity.ffn.gates.GateRepresentationError: sigmoid gates take values in (0, 1) only, but entry 1 needs -1/2: a constant sigmoid gate cannot carry a zero or negative LA coefficient (use a tanh gate, or see nesting.sigmoid_containment_evidence)
    """
    if layer.mixing != "la":
        raise InvalidInputError(f"la_to_moa needs an LA layer, got {layer.class_name}; use fixed_to_moa for fixed layers")
    K, d, m = len(layer.dictionary), layer.in_dim, layer.width
    exact = layer.kind == "exact"
    zero_U = np.zeros((K, d), dtype=object if exact else np.float64)
    if exact:
        zero_U[...] = sp.Integer(0)
    if layer.variant == "quad":
        alpha, beta = _factor_rank1(layer.gamma, exact)
        layer = FFNLayer("II", "la", "bi", layer.activations, W1=layer.W1, W2=layer.W2, W3=layer.W3, b1=layer.b1,
                         b2=layer.b2, alpha=alpha, beta=beta)
    branches = ["alpha"] + (["beta"] if layer.variant == "bi" else [])
    scales = [1] * m
    cs = []
    for name in branches:
        a, t = _shared_coefficients(layer, name)
        S, c = _biases(gate, a, layer.kind, scale) if gate_bias else _no_bias_scale(gate, a, layer.kind)
        scales = [s * S * tj for s, tj in zip(scales, t)]
        cs.append(c)
    c1 = cs[0]
    c2 = cs[1] if len(cs) > 1 else None
    Wout = layer.W2 if layer.ffn_type == "I" else layer.W3
    Wnew = np.array([[Wout[o, j] * scales[j] for j in range(m)] for o in range(Wout.shape[0])],
                    dtype=object if exact else np.float64)
    if layer.ffn_type == "I":
        return FFNLayer("I", "moa", None, layer.activations, W1=layer.W1, W2=Wnew, b1=layer.b1, gate=gate, U1=zero_U,
                        c1=c1)
    return FFNLayer("II", "moa", layer.variant, layer.activations, W1=layer.W1, W2=layer.W2, W3=Wnew, b1=layer.b1,
                    b2=layer.b2, gate=gate, U1=zero_U, c1=c1, U2=zero_U if layer.variant == "bi" else None,
                    c2=c2 if layer.variant == "bi" else None)


def _no_bias_scale(gate: str, alpha, kind: str):
    """Without a gate bias, U = 0 gives the constant gate s(0) in every entry: α must be a multiple of that."""
    g = get_gate(gate)
    s0 = g.sym([sp.Integer(0)] * len(alpha))[0]
    vals = list(alpha)
    if all(v == 0 for v in vals):
        return (sp.Integer(1) if kind == "exact" else 1.0), None
    if s0 == 0 or any(v != vals[0] for v in vals):
        raise GateRepresentationError(
            f"without gate biases a constant {g.name} gate equals s(0) = {s0} in every entry, but the LA coefficients are "
            f"{[str(v) for v in vals]}: allow a gate bias (c) or append a constant input coordinate (x, 1)")
    S = vals[0] / s0 if kind == "exact" else float(vals[0]) / float(s0)
    return S, None


def _factor_rank1(G, exact: bool):
    K = G.shape[0]
    if exact:
        M = sp.Matrix(K, K, list(G.ravel()))
        r = M.rank()
    else:
        r = int(np.linalg.matrix_rank(np.asarray(G, dtype=np.float64)))
    if r > 1:
        raise GateRepresentationError(
            f"the quadratic LA mixing matrix Γ has rank {r} > 1; a bi-MoA layer of the same width realises only rank-1 "
            "mixings Γ = ρ πᵀ (its two gate vectors are shared by all neurons); split Γ into rank-1 terms and use "
            f"{r} times the width")
    nz = [(i, j) for i in range(K) for j in range(K) if G[i, j] != 0]
    if not nz:
        z = [0] * K
        return z, z
    i0, j0 = nz[0]
    beta = [G[i0, j] for j in range(K)]
    alpha = [G[i, j0] / G[i0, j0] for i in range(K)]
    return alpha, beta


def fixed_to_moa(layer: FFNLayer, dictionary: Sequence[str] = PAPER_DICTIONARY, gate: str = "tanh", **kw) -> FFNLayer:
    """Compose :func:`fixed_to_la` and :func:`la_to_moa`."""
    variant = kw.pop("variant", "one")
    return la_to_moa(fixed_to_la(layer, dictionary, variant=variant), gate, **kw)


# ---------------------------------------------------------------------- sigmoid containment
def _nonnegative(name: str) -> bool:
    z = sp.Symbol("z", real=True)
    act = resolve_dictionary([name])[0]
    return sp.solveset(act.sym(z) < 0, z, sp.S.Reals) == sp.S.EmptySet


def positive_gate_width1_obstruction(dictionary: Sequence[str] = ("relu", "relu2"), alpha=(1, -1),
                                     points=(Fraction(1, 2), Fraction(3, 2))) -> dict:
    """Exact certificate that a width-1 LA-I is not a width-1 MoA-I with nonnegative gates.

    If every dictionary entry is ≥ 0 (checked with sympy) and gates are ≥ 0 (sigmoid, softmax,
    hardsigmoid), a width-1 MoA-I output ``a Σ_k π_k(x) σ_k(w·x+b)`` has the sign of ``a`` or is
    0 everywhere.  The LA function ``φ_α(t)`` taking a positive and a negative value at two
    points (exact rationals) therefore cannot be represented on an interval containing them.

    Examples
    --------
    >>> r = positive_gate_width1_obstruction()
    >>> r["holds"], r["values"]
    (True, ['1/4', '-3/4'])
    """
    acts = resolve_dictionary(dictionary)
    nonneg = {a.name: _nonnegative(a.name) for a in acts}
    t = sp.Symbol("t", real=True)
    phi = sp.Add(*[sp.Integer(al) * a.sym(t) for al, a in zip(alpha, acts)])
    vals = [sp.nsimplify(phi.subs(t, sp.Rational(p.numerator, p.denominator))) for p in points]
    fr = [Fraction(int(v.p), int(v.q)) for v in vals]
    holds = all(nonneg.values()) and any(v > 0 for v in fr) and any(v < 0 for v in fr)
    return {"holds": holds, "dictionary_nonnegative": nonneg, "phi": str(phi), "points": [str(p) for p in points],
            "values": [str(v) for v in fr],
            "argument": "nonnegative gates × nonnegative activations: a width-1 MoA-I has one sign; φ_α takes both"}


def sigmoid_embedding_homogeneous(layer: FFNLayer) -> FFNLayer:
    """A sigmoid-MoA-I of width K·m equal to an exact LA-I of width m (homogeneous dictionary).

    Each neuron is replaced by K copies with input scales s = 1..K and zero gates (π = 1/2,
    no gate bias needed); the output weights solve the generalised Vandermonde system
    ``Σ_j a_j s_j^{deg_k} / 2 = α_k`` exactly.  Requires every dictionary entry to be positively
    homogeneous (``HOMOGENEITY_DEGREE``) with pairwise distinct degrees.

    Examples
    --------
    >>> la = la_type1(["relu", "relu2"], alpha=[1, -1], W1=[[1]], W2=[[1]])
    >>> moa = sigmoid_embedding_homogeneous(la)
    >>> moa.class_name, moa.width, moa.W2.tolist()
    ('MoA-I[sigmoid]', 2, [[6, -2]])
    """
    if layer.mixing != "la" or layer.ffn_type != "I" or layer.kind != "exact":
        raise InvalidInputError("sigmoid_embedding_homogeneous needs an exact LA Type-I layer")
    names = layer.dictionary
    if any(n not in HOMOGENEITY_DEGREE for n in names):
        raise GateRepresentationError(f"dictionary {names} has entries that are not positively homogeneous "
                                      f"(known: {sorted(HOMOGENEITY_DEGREE)}); the width-K embedding does not apply")
    degs = [HOMOGENEITY_DEGREE[n] for n in names]
    if len(set(degs)) != len(degs):
        raise GateRepresentationError(f"homogeneity degrees {degs} of {names} are not distinct; scaling cannot separate them")
    a, t = _shared_coefficients(layer, "alpha")
    K, m, d = len(names), layer.width, layer.in_dim
    al = [_as_fraction(v, "alpha") for v in a]
    M = [[Fraction(s) ** deg / 2 for s in range(1, K + 1)] for deg in degs]
    w = solve_exact(M, al)
    if w is None:  # pragma: no cover - generalised Vandermonde with distinct nodes/degrees is invertible
        raise GateRepresentationError("Vandermonde system is singular")
    W1, b1, W2 = [], [], []
    for j in range(m):
        for s in range(1, K + 1):
            W1.append([layer.W1[j, i] * s for i in range(d)])
            b1.append((layer.b1[j] if layer.b1 is not None else 0) * s)
    for o in range(layer.W2.shape[0]):
        W2.append([layer.W2[o, j] * t[j] * sp.Rational(w[s].numerator, w[s].denominator)
                   for j in range(m) for s in range(K)])
    U = [[0] * d for _ in range(K)]
    return FFNLayer("I", "moa", None, names, W1=W1, W2=W2, b1=b1 if layer.b1 is not None else None, gate="sigmoid", U1=U)


@dataclass(frozen=True)
class SigmoidContainmentEvidence:
    """What is proved about LA ⊆ sigmoid-MoA (an open question)."""

    equal_width_obstruction: dict
    doubling_layer: FFNLayer
    doubling_identity: bool
    summary: str


def sigmoid_containment_evidence() -> SigmoidContainmentEvidence:
    """Exact evidence on the sigmoid-gate containment question.

    1. Equal width fails: ``ReLU − ReLU²`` (width-1 LA-I) is not a width-1 MoA-I with any
       nonnegative gates (:func:`positive_gate_width1_obstruction`).
    2. Width K·m suffices for homogeneous dictionaries of distinct degrees: a sympy identity
       (:func:`sigmoid_embedding_homogeneous`).
    3. For the paper's full dictionary (with GELU/SiLU/tanh, not homogeneous) the question stays open.
    """
    obst = positive_gate_width1_obstruction()
    la = la_type1(["relu", "relu2"], alpha=[1, -1], W1=[[1]], W2=[[1]])
    moa = sigmoid_embedding_homogeneous(la)
    diff = sp.simplify(sp.expand(moa.sympy_outputs()[0] - la.sympy_outputs()[0]))
    x = sp.Symbol("x1", real=True)
    # Max terms: check piecewise on both signs as well, independently of simplify's power
    ok = diff == 0 or all(sp.simplify(diff.subs(x, v)) == 0 for v in (sp.Rational(-3, 2), sp.Rational(1, 3), 5))
    summary = ("sigmoid-MoA does NOT contain sign-mixed LA at equal width (exact width-1 obstruction: "
               f"φ = ReLU − ReLU² takes values {obst['values']} at {obst['points']}); it does contain LA-I over "
               "homogeneous dictionaries of distinct degrees at width K·m (exact); the paper's 7-entry dictionary is open")
    return SigmoidContainmentEvidence(obst, moa, bool(ok), summary)
