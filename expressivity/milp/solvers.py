"""Float MILP solves of the HBDSS model through an explicitly chosen PuLP backend.

A float solve is *evidence*, never a proof: :class:`FloatSolution` says ``method="numeric"``.
PuLP reports status on two axes (``LpStatus`` for the solver, ``LpSolution`` for the solution)
and maps time limits of HiGHS and SCIP to ``LpStatusOptimal`` with an "integer feasible"
solution status (coin-or/pulp #711, #517).  :func:`solve_model` therefore accepts only the
pair (Optimal, Optimal) as an optimum; everything else becomes an exception:

=====================================  =========================================
PuLP (status, sol_status)              result
=====================================  =========================================
(Optimal, Optimal)                     :class:`FloatSolution`
(Optimal, IntegerFeasible)             :class:`MILPTimeLimitError` (limit hit; incumbent kept)
(NotSolved, *) with a time limit set   :class:`MILPTimeLimitError`
(Infeasible, *)                        :class:`~expressivity.exceptions.InfeasibleError`
(Unbounded, *)                         :class:`~expressivity.exceptions.UnboundedError`
anything else                          :class:`~expressivity.exceptions.SolverFailedError`
=====================================  =========================================
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

from ..exceptions import (
    InfeasibleError,
    InvalidInputError,
    SolverFailedError,
    SolverNotAvailableError,
    SolverTimeoutError,
    UnboundedError,
)
from .model import HBDSSModel

__all__ = ["SOLVERS", "FloatSolution", "MILPTimeLimitError", "available_solvers", "classify_status", "make_solver",
           "solve_model"]

#: CLI name -> PuLP solver class name.
SOLVERS: dict[str, str] = {"cbc": "PULP_CBC_CMD", "highs": "HiGHS", "scip": "SCIP_PY"}


class MILPTimeLimitError(SolverTimeoutError):
    """The solver stopped at a limit before proving optimality.

    Attributes
    ----------
    incumbent : float or None
        Objective of the best solution found, if any (a float *candidate*, not an optimum).
    """

    def __init__(self, message: str, incumbent: float | None = None):
        super().__init__(message)
        self.incumbent = incumbent


@dataclass(frozen=True)
class FloatSolution:
    """A float MILP optimum as reported by a solver (method ``numeric``).

    Attributes
    ----------
    solver : str
        CLI name (``cbc``, ``highs``, ``scip``).
    objective : float
    a : tuple of float
        First-layer coefficients of the optimal point.
    seconds : float
        Wall-clock time of the solve call.
    status : str
        Always ``"optimal"`` (other statuses raise).
    """

    solver: str
    objective: float
    a: tuple[float, ...]
    seconds: float
    status: str = "optimal"
    method: str = "numeric"

    def to_json(self) -> dict[str, Any]:
        return dict(solver=self.solver, objective=self.objective, a=list(self.a), seconds=round(self.seconds, 4),
                    status=self.status, method=self.method)


def available_solvers() -> list[str]:
    """CLI names of the backends PuLP can run here."""
    import pulp

    have = set(pulp.listSolvers(onlyAvailable=True))
    return [k for k, v in SOLVERS.items() if v in have]


def make_solver(name: str, *, time_limit: float | None = None, msg: bool = False, threads: int | None = 1):
    """Instantiate the PuLP solver ``name`` (``cbc``, ``highs`` or ``scip``).

    Raises
    ------
    InvalidInputError
        Unknown name.
    SolverNotAvailableError
        The backend is not installed; the message names it and how to get it.
    """
    import pulp

    if name not in SOLVERS:
        raise InvalidInputError(f"unknown solver {name!r}; choose one of {sorted(SOLVERS)}")
    if time_limit is not None and not (time_limit > 0):
        raise InvalidInputError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    cls_name = SOLVERS[name]
    cls = getattr(pulp, cls_name, None)
    kw: dict[str, Any] = {"msg": msg}
    if time_limit is not None:
        kw["timeLimit"] = time_limit
    if threads is not None and name != "scip":
        kw["threads"] = threads
    with warnings.catch_warnings():
        # PuLP 3.3.2 deprecates PULP_CBC_CMD (removed in 4.0); the project pins pulp<4, whose wheel
        # bundles CBC, and the issue asks for exactly this backend
        warnings.simplefilter("ignore", DeprecationWarning)
        solver = cls(**kw) if cls is not None else None
    if solver is None or not solver.available():
        hint = {"cbc": "pulp<4 bundles CBC (pip install 'pulp<4')", "highs": "pip install highspy",
                "scip": "pip install pyscipopt"}[name]
        raise SolverNotAvailableError(f"solver backend {cls_name} ({name}) is not available here: {hint}")
    return solver


def classify_status(status: int, sol_status: int, *, time_limit_set: bool) -> str:
    """Map PuLP's ``(status, sol_status)`` to one of
    ``optimal``, ``limit``, ``infeasible``, ``unbounded``, ``failed`` (table in the module docstring).

    Examples
    --------
    >>> classify_status(1, 1, time_limit_set=False), classify_status(1, 2, time_limit_set=True)
    ('optimal', 'limit')
    """
    import pulp

    if status == pulp.LpStatusOptimal and sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if status == pulp.LpStatusOptimal and sol_status == pulp.LpSolutionIntegerFeasible:
        return "limit"
    if status == pulp.LpStatusNotSolved and time_limit_set:
        return "limit"
    if status == pulp.LpStatusInfeasible:
        return "infeasible"
    if status == pulp.LpStatusUnbounded:
        return "unbounded"
    return "failed"


def solve_model(model: HBDSSModel, solver: str = "highs", *, time_limit: float | None = None, msg: bool = False,
                threads: int | None = 1) -> FloatSolution:
    """Solve a built model with the backend ``solver`` and map the status (see module docstring).

    The model is copied first, so the same :class:`HBDSSModel` can be solved repeatedly.
    """
    import pulp

    backend = make_solver(solver, time_limit=time_limit, msg=msg, threads=threads)
    prob = model.problem.deepcopy()
    t0 = time.perf_counter()
    try:
        prob.solve(backend)
    except pulp.PulpSolverError as exc:
        raise SolverFailedError(f"{SOLVERS[solver]} failed on {prob.name}: {exc}") from exc
    seconds = time.perf_counter() - t0
    status, sol = prob.status, prob.sol_status
    value = pulp.value(prob.objective)
    incumbent = float(value) if value is not None and sol in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible) else None
    kind = classify_status(status, sol, time_limit_set=time_limit is not None)
    if kind == "optimal":
        byname = {v.name: v.varValue for v in prob.variables()}
        a = tuple(float(byname[v.name]) for v in model.a)
        return FloatSolution(solver, float(value), a, seconds)
    if kind == "limit":
        raise MILPTimeLimitError(
            f"{SOLVERS[solver]} stopped after {seconds:.1f} s (time limit {time_limit}) without proving optimality; "
            f"best objective found: {incumbent}. Raise the time limit or use the exact path (--exact)", incumbent)
    if kind == "infeasible":
        raise InfeasibleError(f"{SOLVERS[solver]} reports {prob.name} infeasible (status {pulp.LpStatus[status]})")
    if kind == "unbounded":
        raise UnboundedError(f"{SOLVERS[solver]} reports {prob.name} unbounded")
    raise SolverFailedError(
        f"{SOLVERS[solver]} returned status {pulp.LpStatus.get(status, status)} / solution status {sol} on {prob.name}")
