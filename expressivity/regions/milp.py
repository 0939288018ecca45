"""MILP counting of activation regions (Serra, Tjandraatmadja, Ramalingam 2018, Sec. 5).

Every ReLU neuron i gets a binary a_i and an output h_i >= 0; with interval bounds
L_i <= z_i <= U_i of its pre-activation over the box (interval arithmetic, layer by layer)
the big-M constraints are

    h_i >= z_i,   h_i <= z_i - L_i (1 - a_i),   h_i <= U_i a_i,
    z_i >= eps a_i + L_i (1 - a_i),   z_i <= U_i a_i - eps (1 - a_i),

so a_i = 1 forces z_i >= eps and a_i = 0 forces z_i <= -eps.  The feasible binary vectors
are then the patterns of regions that contain a point with every |z_i| >= eps: exactly the
full-dimensional regions, except that a region thinner than about 2 eps can be lost and a
neuron that is identically zero on a region makes it infeasible (use the traversal for such
degenerate nets).  Floating-point MILP answers are candidates: the tests compare them with
the traversal, whose regions are re-checked exactly.

Two counters:

* :func:`milp_count_pulp` -- PuLP model, solve / add a no-good cut / re-solve until
  infeasible (one MILP per region; slow, a cross-check for small nets);
* :func:`milp_count_scip` -- SCIP's native solution counting through pyscipopt, which
  counts the projection of the feasible set on the binaries in one run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import (InvalidInputError, LimitReachedError, SolverFailedError, SolverNotAvailableError,
                          SolverTimeoutError)
from ..relu.network import ReLUNetwork
from .enumeration import compile_network, normalize_box

__all__ = ["MILPCount", "interval_bounds", "milp_count_pulp", "milp_count_scip", "scip_available"]


@dataclass(frozen=True)
class MILPCount:
    """Result of a MILP count.

    Attributes
    ----------
    count : int
    patterns : frozenset of str or None
        The bit strings found (PuLP loop only).
    solver : str
    seconds : float
    eps : float
    """

    count: int
    patterns: frozenset | None
    solver: str
    seconds: float
    eps: float

    def to_json(self) -> dict:
        return {"regions": self.count, "solver": self.solver, "seconds": self.seconds, "eps": self.eps}


def interval_bounds(net: ReLUNetwork, box: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Interval bounds (L, U) of the pre-activations of every ReLU layer over the box.

    >>> from expressivity.relu import ReLUNetwork
    >>> net = ReLUNetwork.from_matrices([[[1.0, -1.0]], [[1.0]]], [[0.5], [0.0]])
    >>> [(L.tolist(), U.tolist()) for L, U in interval_bounds(net, 1.0)]
    [([-1.5], [2.5])]
    """
    cn = compile_network(net)
    lo, hi = normalize_box(box, cn.input_dim)
    out = []
    hl, hu = lo, hi
    for W, b, r in zip(cn.weights, cn.biases, cn.relu):
        Wp, Wm = np.maximum(W, 0), np.minimum(W, 0)
        zl = Wp @ hl + Wm @ hu + b
        zu = Wp @ hu + Wm @ hl + b
        if r:
            out.append((zl, zu))
            hl, hu = np.maximum(zl, 0), np.maximum(zu, 0)
        else:
            hl, hu = zl, zu
    return out


def _check_box(box: Any) -> None:
    if box is None:
        raise InvalidInputError("MILP counting needs a bounded box (big-M constants come from it); pass box=R")


def _build(net: ReLUNetwork, box: Any, eps: float, add_var, add_con, lin):
    """Shared model construction; returns the binaries in neuron order."""
    cn = compile_network(net)
    lo, hi = normalize_box(box, cn.input_dim)
    bounds = interval_bounds(net, (lo, hi))
    x = [add_var(f"x{k}", lo[k], hi[k], False) for k in range(cn.input_dim)]
    h_prev = x
    binaries = []
    li = 0
    for ell, (W, b, r) in enumerate(zip(cn.weights, cn.biases, cn.relu)):
        if not r:
            break  # the output map does not change regions
        L, U = bounds[li]
        li += 1
        h_new = []
        for i in range(W.shape[0]):
            z = lin([(float(W[i, k]), h_prev[k]) for k in range(len(h_prev)) if W[i, k] != 0], float(b[i]))
            a = add_var(f"a{ell}_{i}", 0, 1, True)
            h = add_var(f"h{ell}_{i}", 0, max(float(U[i]), 0.0), False)
            Li, Ui = float(min(L[i], -eps)), float(max(U[i], eps))
            add_con(lin([(1.0, h)], 0.0) - z, ">=", 0.0)
            add_con(lin([(1.0, h), (-Li, a)], 0.0) - z, "<=", -Li)
            add_con(lin([(1.0, h), (-Ui, a)], 0.0), "<=", 0.0)
            add_con(z - lin([(eps - Li, a)], 0.0), ">=", Li)
            add_con(z - lin([(Ui + eps, a)], 0.0), "<=", -eps)
            binaries.append(a)
            h_new.append(h)
        h_prev = h_new
    return binaries


def milp_count_pulp(net: ReLUNetwork, box: Any, *, eps: float = 1e-6, solver: str = "auto",
                    max_regions: int = 10_000, time_limit: float = 600.0) -> MILPCount:
    """Count regions with PuLP: solve, add a no-good cut, repeat (Serra et al. 2018).

    Parameters
    ----------
    solver : {"auto", "highs", "cbc"}
        "auto" uses HiGHS through highspy when installed, else PuLP's bundled CBC.

    Examples
    --------
    >>> from expressivity.relu import ReLUNetwork
    >>> net = ReLUNetwork.from_matrices([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.1, 0.2], [0.0]])
    >>> milp_count_pulp(net, 1.0).count
    4
    """
    import pulp

    _check_box(box)
    if not (0 < eps < 1):
        raise InvalidInputError(f"eps must be in (0, 1), got {eps!r}")
    t0 = time.perf_counter()
    prob = pulp.LpProblem("regions", pulp.LpMinimize)

    def add_var(name, lo, hi, integer):
        cat = "Binary" if integer else "Continuous"
        if hasattr(prob, "add_variable"):  # PuLP >= 3.3 (the PuLP 4 API)
            return prob.add_variable(name, float(lo), float(hi), cat=cat)
        return pulp.LpVariable(name, lowBound=lo, upBound=hi, cat=cat)  # pragma: no cover - old PuLP

    def lin(terms, const):
        return pulp.lpSum(c * v for c, v in terms) + const

    def add_con(expr, sense, rhs):
        prob.addConstraint(expr >= rhs if sense == ">=" else expr <= rhs)

    a = _build(net, box, eps, add_var, add_con, lin)
    prob += pulp.lpSum([])  # feasibility problem
    from ..milp.solvers import available_solvers, make_solver  # one HiGHS policy; CBC as a killable child

    if solver == "auto":
        solver = "highs" if "highs" in available_solvers() else "cbc"
    if solver not in ("highs", "cbc"):
        raise InvalidInputError(f"solver must be 'auto', 'highs' or 'cbc', got {solver!r}")
    sv = make_solver(solver)
    found = []
    while True:
        if time.perf_counter() - t0 > time_limit:
            raise SolverTimeoutError(f"PuLP no-good loop exceeded {time_limit} s after {len(found)} regions; "
                                     f"use milp_count_scip or the traversal")
        status = prob.solve(sv)
        name = pulp.LpStatus[status]
        if name == "Infeasible":
            break
        if name != "Optimal":
            raise SolverFailedError(f"PuLP/{solver} returned status {name!r} after {len(found)} regions")
        bits = [int(round(v.value())) for v in a]
        found.append("".join(map(str, bits)))
        if len(found) > max_regions:
            raise LimitReachedError(f"more than max_regions = {max_regions} regions; raise it or use SCIP counting",
                                    found=len(found))
        prob += pulp.lpSum(1 - v for v, s in zip(a, bits) if s) + pulp.lpSum(v for v, s in zip(a, bits) if not s) >= 1
    return MILPCount(len(found), frozenset(found), f"pulp-{solver}", time.perf_counter() - t0, eps)


def scip_available() -> bool:
    """True when pyscipopt can be imported."""
    try:
        import pyscipopt  # noqa: F401
    except ImportError:
        return False
    return True


def milp_count_scip(net: ReLUNetwork, box: Any, *, eps: float = 1e-6, time_limit: float = 600.0) -> MILPCount:
    """Count regions with SCIP's native solution counter (projection onto the binaries).

    Examples
    --------
    >>> from expressivity.relu import ReLUNetwork
    >>> net = ReLUNetwork.from_matrices([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.1, 0.2], [0.0]])
    >>> milp_count_scip(net, 1.0).count
    4
    """
    _check_box(box)
    if not scip_available():
        raise SolverNotAvailableError("pyscipopt is not installed; `pip install pyscipopt` or use milp_count_pulp")
    from pyscipopt import Model, quicksum

    if not (0 < eps < 1):
        raise InvalidInputError(f"eps must be in (0, 1), got {eps!r}")
    t0 = time.perf_counter()
    m = Model("regions")
    m.hideOutput()

    def add_var(name, lo, hi, integer):
        return m.addVar(name, vtype="B" if integer else "C", lb=lo, ub=hi)

    def lin(terms, const):
        return quicksum(c * v for c, v in terms) + const

    def add_con(expr, sense, rhs):
        m.addCons(expr >= rhs if sense == ">=" else expr <= rhs)

    _build(net, box, eps, add_var, add_con, lin)
    m.setParamsCountsols()
    m.setParam("limits/time", float(time_limit))
    m.count()
    if m.getStatus() == "timelimit":
        raise SolverTimeoutError(f"SCIP counting hit the time limit of {time_limit} s")
    n = m.getNCountedSols()
    return MILPCount(int(n), None, "scip-count", time.perf_counter() - t0, eps)
