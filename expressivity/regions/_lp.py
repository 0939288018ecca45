"""Small LPs solved by calling HiGHS (highspy) directly: Chebyshev balls and facet tests.

Rows are assumed normalised (unit normals), so a ball of radius r around x fits in
{A x <= c} exactly when A x + r <= c.  Kept private: the public entry points are in
:mod:`expressivity.regions.enumeration`.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import SolverFailedError, SolverNotAvailableError

__all__ = ["chebyshev_center", "lp_max", "lp_max_dual", "facet_point"]

try:
    import highspy

    _INF = highspy.kHighsInf
except ImportError:  # pragma: no cover
    highspy = None
    _INF = 1e30


def _solver() -> "highspy.Highs":
    if highspy is None:  # pragma: no cover
        raise SolverNotAvailableError("highspy is not installed; `pip install highspy`")
    from ..milp.highs import new_highs  # the process's one HiGHS policy: threads, no banner on stdout

    return new_highs()


def _solve(c_obj: np.ndarray, A: np.ndarray, row_lo: np.ndarray, row_hi: np.ndarray,
           col_lo: np.ndarray, col_hi: np.ndarray, duals: bool = False):
    """Minimise c_obj . y subject to row_lo <= A y <= row_hi, col_lo <= y <= col_hi.

    Returns (status, y, value), or (status, row duals, value) with ``duals=True``."""
    m, n = A.shape
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m
    lp.col_cost_ = np.asarray(c_obj, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lo, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_hi, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lo, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_hi, dtype=np.float64)
    # column-wise dense storage: HiGHS wants CSC arrays
    Acsc = np.asfortranarray(A)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    # (no rows at all -- e.g. a net whose neurons are all constant -- is a valid, empty matrix)
    lp.a_matrix_.start_ = np.arange(0, (n + 1) * m, m, dtype=np.int32) if m else np.zeros(n + 1, dtype=np.int32)
    lp.a_matrix_.index_ = np.tile(np.arange(m, dtype=np.int32), n)
    lp.a_matrix_.value_ = Acsc.ravel(order="F")
    h = _solver()
    h.passModel(lp)
    h.run()
    st = h.getModelStatus()
    if st == highspy.HighsModelStatus.kOptimal:
        got = h.getSolution()
        sol = np.asarray(got.row_dual if duals else got.col_value)
        return "optimal", sol, float(h.getInfo().objective_function_value)
    if st == highspy.HighsModelStatus.kInfeasible:
        return "infeasible", None, float("nan")
    if st in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return "unbounded", None, float("nan")
    raise SolverFailedError(f"HiGHS stopped with status {h.modelStatusToString(st)} on a {m}x{n} LP")


def chebyshev_center(A: np.ndarray, c: np.ndarray, r_max: float) -> tuple[np.ndarray | None, float]:
    """Centre and radius of a largest ball (radius <= r_max) in {A x <= c}; (None, -1) if empty.

    ``A`` must have unit rows.
    """
    m, d = A.shape
    M = np.hstack([A, np.ones((m, 1))])
    obj = np.zeros(d + 1)
    obj[-1] = -1.0
    status, sol, _ = _solve(obj, M, np.full(m, -_INF), c, np.r_[np.full(d, -_INF), -_INF], np.r_[np.full(d, _INF), r_max])
    if status != "optimal":
        return None, -1.0
    return sol[:d], float(sol[d])


def facet_point(A: np.ndarray, c: np.ndarray, i: int, others: np.ndarray, r_max: float) -> tuple[np.ndarray | None, float]:
    """A point of the hyperplane row ``i`` as deep as possible inside the rows ``others``.

    Returns ``(point, depth)``; depth > 0 means row ``i`` carries a (d-1)-dimensional facet.
    """
    m, d = A.shape
    rows = A[others]
    M = np.vstack([np.hstack([rows, np.ones((len(others), 1))]), np.r_[A[i], 0.0][None, :]])
    lo = np.r_[np.full(len(others), -_INF), c[i]]
    hi = np.r_[c[others], c[i]]
    obj = np.zeros(d + 1)
    obj[-1] = -1.0
    status, sol, _ = _solve(obj, M, lo, hi, np.r_[np.full(d, -_INF), -_INF], np.r_[np.full(d, _INF), r_max])
    if status != "optimal":
        return None, -1.0
    return sol[:d], float(sol[d])


def lp_max(obj: np.ndarray, A: np.ndarray, c: np.ndarray) -> tuple[str, np.ndarray | None, float]:
    """Maximise obj . x over {A x <= c}."""
    m, d = A.shape
    status, sol, val = _solve(-np.asarray(obj, dtype=np.float64), A, np.full(m, -_INF), c, np.full(d, -_INF), np.full(d, _INF))
    return status, sol, -val


def lp_max_dual(obj: np.ndarray, A: np.ndarray, c: np.ndarray) -> tuple[str, np.ndarray | None]:
    """Maximise obj . x over {A x <= c}; returns the status and the row duals (a Farkas hint:
    obj = sum_i y_i A_i with y >= 0 up to rounding at an optimum)."""
    m, d = A.shape
    status, dual, _ = _solve(-np.asarray(obj, dtype=np.float64), A, np.full(m, -_INF), c, np.full(d, -_INF),
                             np.full(d, _INF), duals=True)
    return status, (None if dual is None else -dual)
