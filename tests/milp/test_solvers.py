"""Float solves through PuLP backends: values against an enumeration oracle, status mapping."""

import itertools

import pulp
import pytest
from scipy.optimize import linprog

from expressivity.exceptions import InvalidInputError, SolverNotAvailableError
from expressivity.milp import MILPTimeLimitError, available_solvers, build_hbdss_model, hbdss_data, make_solver, solve_model
from expressivity.milp.solvers import classify_status


def _enumeration_optimum(n: int, sense: int) -> float:
    """Independent oracle: enumerate all z, solve the LP in (a, y) for each (box |a| <= 1)."""
    d = hbdss_data(n)
    R, k = d.n_rays, d.n_basis
    best = -float("inf")
    for z in itertools.product((0, 1), repeat=R):
        act = {s for s in range(R) if z[s]}
        # y_s = g_s on active rays (g_s >= 0 and nested rays >= 0), y = 0 and g <= 0 elsewhere
        A, b = [], []
        for s in range(R):
            row = list(d.G[s])
            if s in act:
                A.append([-v for v in row]); b.append(0)
            else:
                A.append(row); b.append(0)
        for s, t in d.pairs:
            if t in act:
                A.append([-v for v in d.G[s]]); b.append(0)
            if s in act:
                A.append([-v for v in d.G[t]]); b.append(0)
        c = [0.0] * k
        for s in act:
            for j, v in enumerate(d.G[s]):
                c[j] += sense * d.signs[s] * v
        res = linprog([-v for v in c], A_ub=A, b_ub=b, bounds=[(-1, 1)] * k, method="highs")
        if res.status == 0:
            best = max(best, -res.fun)
    return best


@pytest.mark.parametrize("solver", ["highs", "cbc", "scip"])
def test_n2_optimum_matches_enumeration(solver):
    if solver not in available_solvers():
        pytest.skip(f"{solver} not installed")
    want = _enumeration_optimum(2, 1)
    got = solve_model(build_hbdss_model(2), solver)
    assert got.objective == pytest.approx(want, abs=1e-6)
    assert want > 0  # max{0,x1,x2} needs 2 hidden layers; phi_2 detects it
    low = solve_model(build_hbdss_model(2, sense="min"), solver)
    assert low.objective == pytest.approx(-_enumeration_optimum(2, -1), abs=1e-6)


def test_n4_highs_float_optimum_is_zero():
    # published: optimum 0 (PPL exact, Gurobi); here a float candidate only
    sol = solve_model(build_hbdss_model(4, big_m="per_row"), "highs")
    assert sol.method == "numeric" and sol.status == "optimal"
    assert abs(sol.objective) < 1e-6


def test_status_table():
    S, L = pulp.constants, pulp.constants
    assert classify_status(S.LpStatusOptimal, L.LpSolutionOptimal, time_limit_set=False) == "optimal"
    # HiGHS/SCIP report a time limit as (Optimal, IntegerFeasible): must not count as optimal
    assert classify_status(S.LpStatusOptimal, L.LpSolutionIntegerFeasible, time_limit_set=True) == "limit"
    assert classify_status(S.LpStatusNotSolved, L.LpSolutionNoSolutionFound, time_limit_set=True) == "limit"
    assert classify_status(S.LpStatusNotSolved, L.LpSolutionNoSolutionFound, time_limit_set=False) == "failed"
    assert classify_status(S.LpStatusInfeasible, L.LpSolutionInfeasible, time_limit_set=False) == "infeasible"
    assert classify_status(S.LpStatusUnbounded, L.LpSolutionUnbounded, time_limit_set=False) == "unbounded"
    assert classify_status(S.LpStatusUndefined, 0, time_limit_set=False) == "failed"


def test_time_limit_is_not_optimal():
    # n = 5 cannot be proved optimal in 0.05 s
    with pytest.raises(MILPTimeLimitError, match="without proving optimality"):
        solve_model(build_hbdss_model(5), "highs", time_limit=0.05)


def test_missing_backend_is_named(monkeypatch):
    monkeypatch.setattr(pulp.HiGHS, "available", lambda self: False)
    with pytest.raises(SolverNotAvailableError, match="HiGHS"):
        make_solver("highs")


def test_unknown_solver_and_bad_limit():
    with pytest.raises(InvalidInputError, match="unknown solver"):
        make_solver("gurobi")
    with pytest.raises(InvalidInputError, match="time_limit"):
        make_solver("highs", time_limit=-1)
