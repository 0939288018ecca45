"""Checks that each invariant family is a family of invariants, and not a vacuous one.

Three checks per family:

* :func:`verify_symbolic` -- substitute the parametrisation ``T = Sym_12(v (x) Q^T K)`` and
  expand: every generator must become the zero polynomial.  Exact polynomial arithmetic
  (python-flint ``fmpz_mpoly`` over Z; a sympy back-end is available for small d).
* :func:`verify_numeric` -- evaluate at random Gaussian model points (floats, tolerance).
* :func:`verify_nontrivial` -- evaluate exactly (Python integers) at random integer points of
  the ambient space: a non-zero value proves that the generator is not the zero polynomial,
  i.e. that the family really cuts something out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import flint
import numpy as np

from .._random import as_rng
from ..exceptions import InvalidInputError
from .families import applicable_families, evaluate_family, evaluate_linear_relations, family_info, family_values, linear_relations
from .model import LightningShape, cross_tensor, entry_coordinates, random_parameters, symmetrize3

__all__ = [
    "FamilyCheck",
    "parametrized_tensor",
    "verify_symbolic",
    "verify_numeric",
    "verify_nontrivial",
    "verify_family",
    "verify_all",
]


@dataclass(frozen=True)
class FamilyCheck:
    """Outcome of one check of one family."""

    family: str
    check: str  # "symbolic", "numeric", "nontrivial"
    method: str  # "symbolic" | "numeric" | "exact"
    ok: bool
    count: int
    details: str
    seconds: float = 0.0
    data: dict = field(default_factory=dict)


def parametrized_tensor(d: int, a: int, regime: str = "cross", dprime_row: int = 0):
    """Integer-polynomial tensor ``2T`` (cross) or ``6P`` (pure) in the parameters ``v, Q, K``.

    Scaling by 2 or 6 keeps integer coefficients; every family is homogeneous in the tensor,
    so the scaled tensor lies on the variety iff the tensor does.  For ``a = d`` the rank
    condition is void and a generic matrix ``A`` (symbols ``A_r_c``) is used instead of
    ``Q^T K`` -- the same image, smaller polynomials.
    """
    if a == d or (regime != "cross" and 2 * a >= d):
        # t = 1: only sym(A) matters, and sym(Q^T K) ranges over all symmetric matrices of
        # rank <= min(2a, d) -- all of them when 2a >= d
        names = [f"v{k}" for k in range(d)] + [f"A{r}_{c}" for r in range(d) for c in range(d)]
        ctx = flint.fmpz_mpoly_ctx.get(tuple(names), "degrevlex")
        g = ctx.gens()
        v = g[:d]
        A = [[g[d + r * d + c] for c in range(d)] for r in range(d)]
        return _scaled_tensor(v, A, d, regime)
    names = [f"v{k}" for k in range(d)] + [f"q{h}_{k}" for h in range(a) for k in range(d)] + \
            [f"k{h}_{k}" for h in range(a) for k in range(d)]
    ctx = flint.fmpz_mpoly_ctx.get(tuple(names), "degrevlex")
    g = ctx.gens()
    v = g[:d]
    Q = [g[d + h * d: d + (h + 1) * d] for h in range(a)]
    K = [g[d + a * d + h * d: d + a * d + (h + 1) * d] for h in range(a)]
    A = [[sum((Q[h][r] * K[h][c] for h in range(a)), ctx.from_dict({})) for c in range(d)] for r in range(d)]
    return _scaled_tensor(v, A, d, regime)


def _scaled_tensor(v, A, d, regime):
    T2 = [[[v[k] * A[k2][l] + v[k2] * A[k][l] for l in range(d)] for k2 in range(d)] for k in range(d)]
    if regime == "cross":
        return T2
    return [[[T2[k][l][m] + T2[k][m][l] + T2[l][m][k] for m in range(d)] for l in range(d)] for k in range(d)]


_RANK_DEPENDENT = frozenset({"low_rank", "single_low_rank", "brill_hessian"})


def _regime(key: str) -> str:
    return family_info(key).regime


def verify_symbolic(key: str, d: int, a: int, *, backend: str = "flint", **options) -> FamilyCheck:
    """Every generator of ``key`` vanishes identically on the parametrisation (exact polynomials).

    ``backend="flint"`` composes with ``fmpz_mpoly`` (fast); ``backend="sympy"`` substitutes
    the sympy closed form into the sympy generators and calls ``expand`` (small d only).
    """
    t0 = time.perf_counter()
    if key == "linear":
        return _verify_linear_symbolic(d, t=3)
    regime = _regime(key)
    # only the low-rank families use rank(A) <= a; every other family vanishes for a generic A,
    # and an identity for generic A implies it for A = Q^T K -- so use the smaller generic ring
    pa = a if key in _RANK_DEPENDENT else d
    if backend == "flint":
        vals = family_values(key, parametrized_tensor(d, pa, regime), d, a, **options)
        bad = [lab for lab, v in vals if v != 0]
        n = len(vals)
    elif backend == "sympy":
        import sympy as sp

        from .families import family_sympy
        from .ring import cross_variable_names, pure_variable_names

        Vs = sp.Matrix(1, d, lambda i, k: sp.Symbol(f"v{k}"))
        Qs = sp.Matrix(pa, d, lambda h, k: sp.Symbol(f"q{h}_{k}"))
        Ks = sp.Matrix(pa, d, lambda h, k: sp.Symbol(f"k{h}_{k}"))
        Tt = cross_tensor(np.array(Vs.tolist(), dtype=object), np.array((Qs.T * Ks).tolist(), dtype=object))
        if regime == "cross":
            names = cross_variable_names(d)
            subs = {sp.Symbol(nm): Tt[0, *map(int, nm.split("_")[1:])] for nm in names}
        else:
            Pt = symmetrize3(Tt)
            names = pure_variable_names(d)
            subs = {sp.Symbol(nm): Pt[0, *map(int, nm.split("_")[1:])] for nm in names}
        exprs = family_sympy(key, d, a, **options)
        bad = [i for i, e in enumerate(exprs) if sp.expand(e.xreplace(subs)) != 0]
        n = len(exprs)
    else:
        raise InvalidInputError(f"backend must be 'flint' or 'sympy', got {backend!r}")
    ok = not bad
    where = f"rank(A) <= {pa}" if pa < d else "generic A"
    det = (f"{n} generators; {'all vanish identically' if ok else f'{len(bad)} do not vanish, e.g. {bad[0]}'} "
           f"on the parametrisation ({where}; {backend})")
    return FamilyCheck(key, "symbolic", "symbolic", ok, n, det, time.perf_counter() - t0)


def _verify_linear_symbolic(d: int, t: int) -> FamilyCheck:
    import sympy as sp

    t0 = time.perf_counter()
    Vs = np.array([[sp.Symbol(f"v{k}") for k in range(d)]], dtype=object)
    As = np.array([[sp.Symbol(f"A{r}_{c}") for c in range(d)] for r in range(d)], dtype=object)
    y = entry_coordinates(Vs, As, t)
    rels = linear_relations(d, t)
    bad = [i for i, r in enumerate(rels) if sp.expand(sum(c * yy for c, yy in zip(r, y) if c)) != 0]
    return FamilyCheck("linear", "symbolic", "symbolic", not bad, len(rels),
                       f"{len(rels)} linear relations (d={d}, t={t}) vanish identically on the closed form",
                       time.perf_counter() - t0)


def _model_tensors(d: int, a: int, regime: str, samples: int, seed: Any) -> np.ndarray:
    rng = as_rng(seed)
    out = []
    for _ in range(samples):
        p = random_parameters(LightningShape(d, a, 2), rng)
        T = cross_tensor(p.V, p.A)[0]
        out.append(T if regime == "cross" else symmetrize3(T))
    return np.array(out)


def _random_ambient(d: int, regime: str, rng, samples: int) -> np.ndarray:
    T = rng.standard_normal((samples, d, d, d))
    T = (T + T.transpose(0, 2, 1, 3)) / 2
    return T if regime == "cross" else symmetrize3(T)


def verify_numeric(key: str, d: int, a: int, *, samples: int = 20, seed: Any = 0, tol: float = 1e-9,
                   **options) -> FamilyCheck:
    """Max relative value of the family at random Gaussian model points is below ``tol``.

    The value of a degree-D generator is divided by ``max|T|^D`` of the point.
    """
    t0 = time.perf_counter()
    if key == "linear":
        rng = as_rng(seed)
        worst = 0.0
        for _ in range(samples):
            p = random_parameters(LightningShape(d, a, 3), rng)
            y = entry_coordinates(p.V, p.A, 3)
            worst = max(worst, float(np.max(np.abs(evaluate_linear_relations(y, d, 3)))) / np.max(np.abs(y)))
        return FamilyCheck(key, "numeric", "numeric", worst <= tol, len(linear_relations(d, 3)),
                           f"max relative value {worst:.1e} at {samples} model points (tol {tol:g})",
                           time.perf_counter() - t0, {"max_relative": worst})
    regime = _regime(key)
    Ts = _model_tensors(d, a, regime, samples, seed)
    vals = evaluate_family(key, Ts, a, **options)
    degs = family_info(key).degree(d, a)
    if vals.shape[-1] == 0:
        return FamilyCheck(key, "numeric", "numeric", True, 0, "family is empty for these sizes", time.perf_counter() - t0)
    scale = np.max(np.abs(Ts.reshape(samples, -1)), axis=1) ** max(degs)
    worst = float(np.max(np.abs(vals) / scale[:, None]))
    return FamilyCheck(key, "numeric", "numeric", worst <= tol, vals.shape[-1],
                       f"max relative value {worst:.1e} over {vals.shape[-1]} generators at {samples} model points (tol {tol:g})",
                       time.perf_counter() - t0, {"max_relative": worst})


def verify_nontrivial(key: str, d: int, a: int, *, points: int = 3, seed: Any = 0, bound: int = 5,
                      **options) -> FamilyCheck:
    """Exact: every generator is non-zero at one of ``points`` random integer ambient points.

    Evaluation uses Python integers, so a non-zero value is a proof that the generator is
    not the zero polynomial (it cuts out a proper subset of the ambient space).
    """
    t0 = time.perf_counter()
    rng = as_rng(seed)
    if key == "linear":
        rels = linear_relations(d, 3)
        alive = [False] * len(rels)
        for _ in range(points):
            y = [int(x) for x in rng.integers(-10**6, 10**6 + 1, size=len(rels[0]))]
            vals = [sum(c * v for c, v in zip(r, y)) for r in rels]
            alive = [x or v != 0 for x, v in zip(alive, vals)]
        zero = alive.count(False)
        return FamilyCheck(key, "nontrivial", "exact", zero == 0, len(rels),
                           f"{len(rels) - zero}/{len(rels)} relations non-zero at a random integer point",
                           time.perf_counter() - t0)
    regime = _regime(key)
    alive = None
    n = 0
    for _ in range(points):
        raw = rng.integers(-bound, bound + 1, size=(d, d, d))
        if regime == "cross":
            T = [[[int(raw[min(k, k2), max(k, k2), l]) for l in range(d)] for k2 in range(d)] for k in range(d)]
        else:
            T = [[[int(raw[tuple(sorted((k, l, m)))]) for m in range(d)] for l in range(d)] for k in range(d)]
        vals = family_values(key, T, d, a, **options)
        n = len(vals)
        nz = [v != 0 for _, v in vals]
        alive = nz if alive is None else [x or y for x, y in zip(alive, nz)]
        if all(alive):
            break
    dead = [] if alive is None else [i for i, x in enumerate(alive) if not x]
    return FamilyCheck(key, "nontrivial", "exact", not dead, n,
                       f"{n - len(dead)}/{n} generators non-zero at a random integer point (exact)",
                       time.perf_counter() - t0, {"zero_everywhere_tested": dead})


def verify_family(key: str, d: int, a: int, *, symbolic: bool = True, seed: Any = 0, **options) -> list[FamilyCheck]:
    """The three checks of one family (symbolic only when ``symbolic``)."""
    out = []
    if symbolic:
        out.append(verify_symbolic(key, d, a, **options))
    out.append(verify_numeric(key, d, a, seed=seed, **options))
    out.append(verify_nontrivial(key, d, a, seed=seed, **options))
    return out


def verify_all(d: int, a: int, t: int = 2, *, symbolic: bool = True, seed: Any = 0) -> list[FamilyCheck]:
    """Run :func:`verify_family` for every applicable family of ``(d, a, t)``."""
    out = []
    for key in applicable_families(d, a, t):
        out.extend(verify_family(key, d, a, symbolic=symbolic, seed=seed))
    return out
