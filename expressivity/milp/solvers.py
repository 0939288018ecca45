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

**Process hygiene.**  The backends are PuLP's, with three changes so that a solve is safe to
interrupt and leaves nothing behind:

* HiGHS runs in-process under the package's single HiGHS policy (:mod:`.highs`: thread count,
  no banner on stdout) and in a worker thread, so Ctrl-C stops it within about a second;
* CBC runs as a child in its own session, killed (SIGTERM, then SIGKILL) on Ctrl-C or any
  other exception, so no orphan survives the Python process; its ``.mps``/``.sol`` files live
  in a private temporary folder removed on every exit;
* SCIP (pyscipopt) catches SIGINT itself and stops with status "userinterrupt", which is
  turned back into ``KeyboardInterrupt``.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import tempfile
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
from . import highs as _highs
from .model import HBDSSModel

__all__ = ["SOLVERS", "FloatSolution", "MILPTimeLimitError", "available_solvers", "classify_status", "make_solver",
           "run_child", "solve_model"]

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


@functools.lru_cache(maxsize=None)
def _backend_classes() -> dict[str, type]:
    """PuLP's solver classes, the CBC and HiGHS ones subclassed for process hygiene (module docstring)."""
    import pulp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # see make_solver
        base_cbc = pulp.PULP_CBC_CMD

    class CleanCBC(base_cbc):  # type: ignore[misc, valid-type]
        """PuLP's bundled CBC, run in its own session in a private temporary folder."""

        def solve_CBC(self, lp, use_mps=True):
            return _solve_cbc(self, lp)

    class PolicyHiGHS(pulp.HiGHS):  # type: ignore[misc, valid-type]
        """PuLP's in-process HiGHS under the package's HiGHS policy, interruptible."""

        def createAndConfigureSolver(self, lp):
            lp.solverModel = _new_highs_for_pulp(self)

        def callSolver(self, lp):
            _highs.run_interruptible(lp.solverModel)

    return {"cbc": CleanCBC, "highs": PolicyHiGHS, "scip": getattr(pulp, SOLVERS["scip"], None)}


def _new_highs_for_pulp(solver):
    """A policy HiGHS object carrying the options of the PuLP solver object ``solver``."""
    h = _highs.new_highs(time_limit=solver.timeLimit, output=bool(solver.msg))
    if solver.gapRel is not None:
        h.setOptionValue("mip_rel_gap", solver.gapRel)
    if solver.gapAbs is not None:
        h.setOptionValue("mip_abs_gap", solver.gapAbs)
    for key, value in solver.optionsDict.items():
        h.setOptionValue(key, value)
    return h


def _solve_cbc(solver, lp) -> int:
    """PuLP's ``solve_CBC`` (MPS route) with a private temporary folder and a killable child."""
    import pulp

    if not solver.executable(solver.path):
        raise pulp.PulpSolverError(f"cannot execute the CBC binary {solver.path}")
    with tempfile.TemporaryDirectory(prefix="expressivity-cbc-") as tmp:
        mps, sol = os.path.join(tmp, "model.mps"), os.path.join(tmp, "model.sol")
        vs, var_names, con_names, _ = lp.writeMPS(mps, rename=1)
        args = [solver.path, mps] + (["-max"] if lp.sense == pulp.LpMaximize else [])
        if solver.timeLimit is not None:
            args += ["-sec", str(solver.timeLimit)]
        for option in list(solver.options) + solver.getOptions():
            args += ("-" + option).split()
        args += ["-solve" if solver.mip else "-initialSolve", "-printingOptions", "all", "-solution", sol]
        rc = run_child(args, chatter=bool(solver.msg))
        if rc != 0 or not os.path.exists(sol):
            raise pulp.PulpSolverError(f"CBC exited with code {rc} without a solution file")
        status, values, reduced, prices, slacks, sol_status = solver.readsol_MPS(sol, lp, vs, var_names, con_names)
    lp.assignVarsVals(values)
    lp.assignVarsDj(reduced)
    lp.assignConsPi(prices)
    lp.assignConsSlack(slacks, activity=True)
    lp.assignStatus(status, sol_status)
    return status


def run_child(args: list[str], *, chatter: bool = False, grace: float = 2.0) -> int:
    """Run a solver binary in its own session and return its exit code.

    Its output goes to stderr (``chatter=True``) or nowhere, never to stdout.  On
    ``KeyboardInterrupt`` or any other exception the whole session gets SIGTERM, then SIGKILL
    after ``grace`` seconds, and is reaped before the exception propagates: no orphan.
    """
    out: Any = subprocess.DEVNULL
    if chatter:
        try:
            out = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):  # e.g. captured by pytest
            out = subprocess.DEVNULL
    posix = os.name == "posix"
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=posix)
    try:
        return proc.wait()
    except BaseException:
        _kill_session(proc, grace, posix)
        raise


def _kill_session(proc: subprocess.Popen, grace: float, posix: bool) -> None:
    for sig in ((signal.SIGTERM, signal.SIGKILL) if posix else (None,)):
        try:
            if posix:
                os.killpg(proc.pid, sig)
            else:  # pragma: no cover - Windows
                proc.kill()
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue
    proc.wait()


def make_solver(name: str, *, time_limit: float | None = None, msg: bool = False, threads: int | None = None):
    """Instantiate the PuLP solver ``name`` (``cbc``, ``highs`` or ``scip``).

    Parameters
    ----------
    threads : int, optional
        CBC threads (default 1).  HiGHS always uses the process policy
        :data:`expressivity.milp.highs.HIGHS_THREADS` (change it with
        :func:`~expressivity.milp.highs.set_highs_threads`); another value is refused.

    Raises
    ------
    InvalidInputError
        Unknown name, bad time limit, or a HiGHS thread count other than the policy's.
    SolverNotAvailableError
        The backend is not installed; the message names it and how to get it.
    """
    if name not in SOLVERS:
        raise InvalidInputError(f"unknown solver {name!r}; choose one of {sorted(SOLVERS)}")
    if time_limit is not None and not (time_limit > 0):
        raise InvalidInputError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    if name == "highs" and threads is not None and threads != _highs.HIGHS_THREADS:
        raise InvalidInputError(f"HiGHS uses one thread count per process (HIGHS_THREADS = {_highs.HIGHS_THREADS}); "
                                f"call expressivity.milp.highs.set_highs_threads({threads}) instead of threads={threads}")
    cls_name = SOLVERS[name]
    cls = _backend_classes()[name]
    kw: dict[str, Any] = {"msg": msg}
    if time_limit is not None:
        kw["timeLimit"] = time_limit
    if name == "cbc":
        kw["threads"] = 1 if threads is None else threads
    with warnings.catch_warnings():
        # PuLP 3.3.2 deprecates PULP_CBC_CMD (removed in 4.0) when it is instantiated; the project
        # pins pulp<4, whose wheel bundles CBC, and the issue asks for exactly this backend
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
                threads: int | None = None) -> FloatSolution:
    """Solve a built model with the backend ``solver`` and map the status (see module docstring).

    The model is copied first, so the same :class:`HBDSSModel` can be solved repeatedly.
    Ctrl-C stops the solver (and kills a CBC child) and raises ``KeyboardInterrupt``.

    Examples
    --------
    >>> from expressivity.milp import build_hbdss_model
    >>> sol = solve_model(build_hbdss_model(2), "highs")
    >>> round(sol.objective, 6), sol.method
    (1.0, 'numeric')
    """
    import pulp

    backend = make_solver(solver, time_limit=time_limit, msg=msg, threads=threads)
    prob = model.problem.deepcopy()
    if solver == "highs":
        _highs.sync_highs_scheduler()
    t0 = time.perf_counter()
    try:
        prob.solve(backend)
    except pulp.PulpSolverError as exc:
        raise SolverFailedError(f"{SOLVERS[solver]} failed on {prob.name}: {exc}") from exc
    seconds = time.perf_counter() - t0
    if solver == "scip" and _scip_interrupted(prob):
        raise KeyboardInterrupt
    return _solution(model, prob, solver, seconds, time_limit)


def _scip_interrupted(prob) -> bool:
    try:
        return prob.solverModel.getStatus() == "userinterrupt"
    except AttributeError:  # pragma: no cover - no solver model attached
        return False


def _solution(model: HBDSSModel, prob, solver: str, seconds: float, time_limit: float | None) -> FloatSolution:
    import pulp

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
