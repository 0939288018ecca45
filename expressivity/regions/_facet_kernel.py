"""Optional compiled facet kernel of the region traversal (needs numba: ``pip install expressivity[fast]``).

For one region ``{w : a_j . w <= s_j}`` (coordinates relative to an interior point, unit rows
``a_j``, slacks ``s_j > 0``) :func:`facet_scan` classifies every row as a facet or as redundant
without a convex hull:

1. **ray shooting**: from the interior point along each row normal and along fixed random
   directions, the first hyperplane hit is a facet when the hit is unique (the hit point lies
   in the facet's relative interior); facet points are the means of the hits on each facet;
2. **Clarkson's scheme** for the rows no ray classified: a small LP ``max a_r . w`` over the
   facets found so far (and the box walls, which are valid constraints of every region),
   solved by a dense active-set (primal simplex) method warm-started at the best stored
   vertex.  If the optimum satisfies row ``r``, row ``r`` is redundant and the optimal basis
   with its multipliers ``lambda >= 0`` (``a_r = sum lambda_b a_b``) is exactly the Farkas
   hint the exact certifier needs; otherwise the ray from the interior point towards the
   optimum (or along the unbounded direction) leaves the region through a facet not yet
   found, which is added, and the LP is solved again;
3. optionally, the bounding box of the region (``max +-w_t``, one LP each) with its bases.

Everything here is floating point and is used as a *hint* or as the numeric traversal's
facet list; proofs are made by :mod:`expressivity.regions.completeness` in exact arithmetic.
Without numba the module still imports, ``COMPILED`` is False and the functions run as plain
(slow) Python; the traversal then uses the polar hull (qhull) instead.
"""

from __future__ import annotations

import numpy as np

try:
    from numba import njit

    COMPILED = True
except ImportError:  # pragma: no cover - exercised by forcing the fallback in the tests
    COMPILED = False

    def njit(**_options):
        return lambda func: func


__all__ = ["COMPILED", "facet_scan", "random_directions"]

_MAX_IT = 200


def random_directions(d: int, k: int, seed: int = 12345) -> np.ndarray:
    """``k`` fixed unit directions in R^d (the same in every process for reproducible traversals).

    >>> random_directions(3, 4).shape
    (4, 3)
    """
    rng = np.random.default_rng(seed)
    U = rng.normal(size=(k, d))
    return U / np.linalg.norm(U, axis=1)[:, None]


@njit(cache=True)
def _pivot_row(M, k, n):
    """Partial pivoting: the row ``p >= k`` with the largest ``|M[p, k]|`` among the first n rows, or -1
    when that is <= 1e-13 (numerically singular)."""
    p = k
    best = abs(M[k, k])
    for i in range(k + 1, n):
        if abs(M[i, k]) > best:
            best = abs(M[i, k])
            p = i
    return p if best > 1e-13 else -1


@njit(cache=True)
def _solve_sym(M, rhs, n):
    """Solve the n x n system M y = rhs (Gaussian elimination, partial pivoting); M, rhs overwritten.
    Returns False when singular."""
    for k in range(n):
        p = _pivot_row(M, k, n)
        if p < 0:
            return False
        if p != k:
            for j in range(n):
                M[k, j], M[p, j] = M[p, j], M[k, j]
            rhs[k], rhs[p] = rhs[p], rhs[k]
        for i in range(k + 1, n):
            f = M[i, k] / M[k, k]
            if f != 0.0:
                for j in range(k, n):
                    M[i, j] -= f * M[k, j]
                rhs[i] -= f * rhs[k]
    for k in range(n - 1, -1, -1):
        acc = rhs[k]
        for j in range(k + 1, n):
            acc -= M[k, j] * rhs[j]
        rhs[k] = acc / M[k, k]
    return True


@njit(cache=True)
def _active_set_lp(A, s, inset, g, w, B, nb0, lam, pdir):
    """max g . w over {a_j . w <= s_j : inset[j]} from the feasible point ``w`` with active rows
    ``B[:nb0]`` (tight at w).  Returns (status, nb): 0 optimal (w, B[:nb], lam[:nb] with
    g = sum lam_i a_{B_i}, lam >= 0), 1 unbounded (ascent direction in pdir), 2 failure."""
    m, d = A.shape
    nb = nb0
    M = np.empty((d, d))
    rhs = np.empty(d)
    p = np.empty(d)
    gn = 0.0
    for t in range(d):
        gn += g[t] * g[t]
    gn = np.sqrt(gn)
    for _it in range(_MAX_IT):
        # least-squares multipliers of g on the active rows, and the projected ascent direction
        for i in range(nb):
            bi = B[i]
            acc = 0.0
            for t in range(d):
                acc += A[bi, t] * g[t]
            rhs[i] = acc
            for j in range(i, nb):
                bj = B[j]
                acc = 0.0
                for t in range(d):
                    acc += A[bi, t] * A[bj, t]
                M[i, j] = acc
                M[j, i] = acc
        if nb == d:
            st = _revised_simplex(A, s, inset, g, w, B, lam, pdir)
            return st, nb
        if nb > 0 and not _solve_sym(M, rhs, nb):
            return 2, nb
        pn = 0.0
        for t in range(d):
            acc = g[t]
            for i in range(nb):
                acc -= rhs[i] * A[B[i], t]
            p[t] = acc
            pn += acc * acc
        pn = np.sqrt(pn)
        if pn <= 1e-10 * gn:
            k = -1
            worst = -1e-12 * gn
            for i in range(nb):
                if rhs[i] < worst:
                    worst = rhs[i]
                    k = i
            if k < 0:
                for i in range(nb):
                    lam[i] = max(rhs[i], 0.0)
                return 0, nb
            B[k] = B[nb - 1]
            nb -= 1
            continue
        # ratio test along p
        step = np.inf
        jmin = -1
        for j in range(m):
            if not inset[j]:
                continue
            act = False
            for i in range(nb):
                if B[i] == j:
                    act = True
                    break
            if act:
                continue
            ap = 0.0
            aw = 0.0
            for t in range(d):
                ap += A[j, t] * p[t]
                aw += A[j, t] * w[t]
            if ap > 1e-12 * pn:
                tj = max((s[j] - aw) / ap, 0.0)
                if tj < step:
                    step = tj
                    jmin = j
        if jmin < 0:
            for t in range(d):
                pdir[t] = p[t] / pn
            return 1, nb
        for t in range(d):
            w[t] += step * p[t]
        if nb >= d:
            return 2, nb
        B[nb] = jmin
        nb += 1
    return 2, nb


@njit(cache=True)
def _invert(A, B, Binv):
    """Binv = inverse of the d x d matrix with rows A[B] (Gauss-Jordan, partial pivoting); False
    when singular."""
    d = A.shape[1]
    M = np.empty((d, d))
    for i in range(d):
        for t in range(d):
            M[i, t] = A[B[i], t]
            Binv[i, t] = 1.0 if i == t else 0.0
    for k in range(d):
        p = _pivot_row(M, k, d)
        if p < 0:
            return False
        if p != k:
            for t in range(d):
                M[k, t], M[p, t] = M[p, t], M[k, t]
                Binv[k, t], Binv[p, t] = Binv[p, t], Binv[k, t]
        piv = 1.0 / M[k, k]
        for t in range(d):
            M[k, t] *= piv
            Binv[k, t] *= piv
        for i in range(d):
            if i != k:
                f = M[i, k]
                if f != 0.0:
                    for t in range(d):
                        M[i, t] -= f * M[k, t]
                        Binv[i, t] -= f * Binv[k, t]
    return True


@njit(cache=True)
def _revised_simplex(A, s, inset, g, w, B, lam, pdir):
    """Primal simplex from the vertex ``w`` with the d tight rows ``B`` (inverse kept by rank-one
    updates).  Returns 0 optimal (lam >= 0, g = sum lam_i a_{B_i}), 1 unbounded (pdir), 2 failure."""
    m, d = A.shape
    Binv = np.empty((d, d))
    if not _invert(A, B, Binv):
        return 2
    inB = np.zeros(m, dtype=np.bool_)
    for i in range(d):
        inB[B[i]] = True
    p = np.empty(d)
    rowv = np.empty(d)
    for it in range(_MAX_IT):
        if it > 0 and it % 16 == 0 and not _invert(A, B, Binv):
            return 2
        # lam = Binv^T g
        k = -1
        worst = 0.0
        gn = 0.0
        for i in range(d):
            acc = 0.0
            for t in range(d):
                acc += Binv[t, i] * g[t]
            lam[i] = acc
            gn += abs(acc)
        for i in range(d):
            if lam[i] < -1e-12 * (1.0 + gn) and lam[i] < worst:
                worst = lam[i]
                k = i
        if k < 0:
            # re-check with a fresh inverse before declaring optimality (after several updates)
            if it > 2:
                if not _invert(A, B, Binv):
                    return 2
                again = False
                for i in range(d):
                    acc = 0.0
                    for t in range(d):
                        acc += Binv[t, i] * g[t]
                    lam[i] = acc
                    if acc < -1e-12 * (1.0 + gn):
                        again = True
                if again:
                    continue
            for i in range(d):
                lam[i] = max(lam[i], 0.0)
            return 0
        pn = 0.0
        for t in range(d):
            p[t] = -Binv[t, k]
            pn += p[t] * p[t]
        pn = np.sqrt(pn)
        step = np.inf
        jmin = -1
        apj = 0.0
        for j in range(m):
            if not inset[j] or inB[j]:
                continue
            ap = 0.0
            for t in range(d):
                ap += A[j, t] * p[t]
            if ap > 1e-12 * pn:
                aw = 0.0
                for t in range(d):
                    aw += A[j, t] * w[t]
                tj = max((s[j] - aw) / ap, 0.0)
                if tj < step:
                    step = tj
                    jmin = j
                    apj = ap
        if jmin < 0:
            for t in range(d):
                pdir[t] = p[t] / pn
            return 1
        for t in range(d):
            w[t] += step * p[t]
        # Sherman-Morrison: row k of A_B becomes a_jmin; Binv e_k = -p, (a_j - a_k) . Binv e_k = -a_j . p - 1
        # Binv' = Binv - (Binv e_k) ((a_j - a_k)^T Binv) / (-a_j . p)
        inB[B[k]] = False
        inB[jmin] = True
        for t in range(d):
            acc = 0.0
            for i in range(d):
                acc += A[jmin, i] * Binv[i, t]
            rowv[t] = acc
        rowv[k] -= 1.0  # a_k^T Binv = e_k^T
        for i in range(d):
            ci = -p[i] / (-apj)
            for t in range(d):
                Binv[i, t] -= ci * rowv[t]
        B[k] = jmin
    return 2


@njit(cache=True)
def _dual_simplex(A, s, inset, w, B, lam, nb):
    """Restore primal feasibility of the optimal vertex ``w`` (basis ``B``, d rows, multipliers ``lam``)
    after rows were added to ``inset``: dual simplex pivots (the objective stays optimal).
    Returns True when every row of ``inset`` holds at the new vertex."""
    m, d = A.shape
    if nb != d:
        return False
    M = np.empty((d, d))
    y = np.empty(d)
    q = np.empty(d)
    for _it in range(_MAX_IT):
        j = -1
        worst = 0.0
        for i in range(m):
            if not inset[i]:
                continue
            aw = 0.0
            for t in range(d):
                aw += A[i, t] * w[t]
            v = aw - s[i]
            if v > 1e-10 * (1.0 + s[i]) and v > worst:
                worst = v
                j = i
        if j < 0:
            return True
        # a_j = sum_k y_k a_{B_k}
        for k in range(d):
            for t in range(d):
                M[t, k] = A[B[k], t]
            y[k] = A[j, k]
        if not _solve_sym(M, y, d):
            return False
        k = -1
        ratio = np.inf
        for i in range(d):
            if y[i] > 1e-12:
                r = lam[i] / y[i]
                if r < ratio:
                    ratio = r
                    k = i
        if k < 0:
            return False
        # q = A_B^{-1} e_k: the edge direction that loosens row B_k and keeps the others tight
        for i in range(d):
            for t in range(d):
                M[i, t] = A[B[i], t]
            q[i] = 0.0
        q[k] = 1.0
        if not _solve_sym(M, q, d):
            return False
        step = worst / y[k]
        for t in range(d):
            w[t] -= step * q[t]
        for i in range(d):
            lam[i] = max(lam[i] - ratio * y[i], 0.0)
        lam[k] = ratio
        B[k] = j
    return False


@njit(cache=True)
def _first_hit(A, s, rep, u, hit):
    """First hyperplane (among representative rows) hit by the ray t u, t > 0, from the interior
    point: returns (row, t) with hit = t u, or (-1, t) when there is no hit or the first hit is
    not unique (a lower-dimensional face)."""
    m, d = A.shape
    t1 = np.inf
    t2 = np.inf
    j1 = -1
    for j in range(m):
        if rep[j] != j:
            continue
        au = 0.0
        for t in range(d):
            au += A[j, t] * u[t]
        if au > 1e-14:
            tj = s[j] / au
            if tj < t1:
                t2 = t1
                t1 = tj
                j1 = j
            elif tj < t2:
                t2 = tj
    if j1 < 0 or not (t2 > t1 * (1.0 + 1e-9) + 1e-13):
        return -1, t1
    for t in range(d):
        hit[t] = t1 * u[t]
    return j1, t1


@njit(cache=True)
def facet_scan(A, s, nwalls, dirs, want_bbox):
    """Classify the rows of the region {w : A w <= s} (unit rows, s > 0; the last ``nwalls`` rows are
    box walls).

    Returns ``(ok, status, fpts, basis, lam, bbasis, blam, bval)``: ``status[j]`` 1 facet (point
    ``fpts[j]``, relative to the interior point), 0 redundant (``a_j = sum_i lam[j, i] a_{basis[j, i]}``
    over the entries ``basis[j, i] >= 0``, ``lam >= 0``), 2 a duplicate of row ``basis[j, 0]``;
    with ``want_bbox`` the values ``bval[k]`` of max w_t (k = t) and max -w_t (k = d + t) with
    their bases.  ``ok`` False means a numerical failure: use another method for this region.
    """
    m, d = A.shape
    status = np.full(m, -1, dtype=np.int64)
    basis = np.full((m, d), -1, dtype=np.int64)
    lam = np.zeros((m, d))
    fsum = np.zeros((m, d))
    fcnt = np.zeros(m)
    bbasis = np.full((2 * d, d), -1, dtype=np.int64)
    blam = np.zeros((2 * d, d))
    bval = np.full(2 * d, np.inf)
    rep = np.arange(m)
    # duplicate rows (the same half-space): one representative
    for j in range(m):
        for i in range(j):
            if rep[i] != i:
                continue
            same = abs(s[i] - s[j]) <= 1e-9 * (1.0 + abs(s[i]))
            if same:
                for t in range(d):
                    if abs(A[i, t] - A[j, t]) > 1e-9:
                        same = False
                        break
            if same:
                rep[j] = i
                status[j] = 2
                basis[j, 0] = i
                lam[j, 0] = 1.0
                break
    inset = np.zeros(m, dtype=np.bool_)
    for j in range(m - nwalls, m):
        inset[j] = rep[j] == j
    hit = np.empty(d)
    u = np.empty(d)
    # 1. rays along the row normals and along fixed directions
    nd = dirs.shape[0]
    for k in range(m + nd):
        if k < m:
            if rep[k] != k:
                continue
            for t in range(d):
                u[t] = A[k, t]
        else:
            for t in range(d):
                u[t] = dirs[k - m, t]
        j, _ = _first_hit(A, s, rep, u, hit)
        if j >= 0:
            status[j] = 1
            inset[j] = True
            fcnt[j] += 1.0
            for t in range(d):
                fsum[j, t] += hit[t]
    # 2. Clarkson: an LP over the facets found so far (and the walls) for every unclassified row
    nv_max = 4 * m + 2 * d + 8
    verts = np.zeros((nv_max, d))
    vB = np.full((nv_max, d), -1, dtype=np.int64)
    vnb = np.zeros(nv_max, dtype=np.int64)
    alive = np.zeros(nv_max, dtype=np.bool_)
    nv = 0
    w = np.empty(d)
    B = np.empty(d, dtype=np.int64)
    lamv = np.empty(d)
    pdir = np.empty(d)
    g = np.empty(d)
    for kk in range(m + 2 * d):
        if kk < m:
            r = kk
            if status[r] != -1:
                continue
            for t in range(d):
                g[t] = A[r, t]
        else:
            if not want_bbox:
                break
            r = -1
            for t in range(d):
                g[t] = 0.0
            tt = kk - m
            g[tt % d] = 1.0 if tt < d else -1.0
        settled = False
        have = False
        nb = 0
        was = False
        if r >= 0:  # the LP of row r runs without row r (a wall may be in inset)
            was = inset[r]
            inset[r] = False
        for _round in range(m + 1):
            if not (have and _dual_simplex(A, s, inset, w, B, lamv, nb)):
                # warm start: the stored vertex best for g (still feasible), its active rows minus r
                best = -np.inf
                bi = -1
                for v in range(nv):
                    if alive[v]:
                        val = 0.0
                        for t in range(d):
                            val += g[t] * verts[v, t]
                        if val > best:
                            best = val
                            bi = v
                nb = 0
                if bi >= 0:
                    for t in range(d):
                        w[t] = verts[bi, t]
                    for i in range(vnb[bi]):
                        if vB[bi, i] != r:
                            B[nb] = vB[bi, i]
                            nb += 1
                else:
                    for t in range(d):
                        w[t] = 0.0
            st, nb = _active_set_lp(A, s, inset, g, w, B, nb, lamv, pdir)
            if st == 2:
                return False, status, fsum, basis, lam, bbasis, blam, bval
            if st == 0 and nv < nv_max:
                for t in range(d):
                    verts[nv, t] = w[t]
                for i in range(nb):
                    vB[nv, i] = B[i]
                vnb[nv] = nb
                alive[nv] = True
                nv += 1
            if r < 0:
                if st == 0:
                    val = 0.0
                    for t in range(d):
                        val += g[t] * w[t]
                    bval[kk - m] = val
                    for i in range(nb):
                        bbasis[kk - m, i] = B[i]
                        blam[kk - m, i] = lamv[i]
                settled = True
                break
            if st == 0:
                aw = 0.0
                for t in range(d):
                    aw += A[r, t] * w[t]
                if aw <= s[r] + 1e-9 * (1.0 + s[r]):
                    status[r] = 0
                    for i in range(nb):
                        basis[r, i] = B[i]
                        lam[r, i] = lamv[i]
                    settled = True
                    break
                for t in range(d):
                    u[t] = w[t]
                have = True
            else:
                have = False
                for t in range(d):
                    u[t] = pdir[t]
            j, _ = _first_hit(A, s, rep, u, hit)
            tries = 0
            while j < 0 and tries < 4:
                tries += 1
                for t in range(d):
                    u[t] += 1e-4 * (1.0 + abs(u[t])) * ((((t + 1) * 7919 + tries * 104729) % 2003) / 1001.5 - 1.0)
                j, _ = _first_hit(A, s, rep, u, hit)
            if j < 0 or status[j] == 1 and j != r:
                return False, status, fsum, basis, lam, bbasis, blam, bval
            status[j] = 1
            if j == r:
                was = True
            else:
                inset[j] = True
            fcnt[j] += 1.0
            for t in range(d):
                fsum[j, t] += hit[t]
            # stored vertices cut off by the new facet are no longer feasible starts
            for v in range(nv):
                if alive[v]:
                    aw = 0.0
                    for t in range(d):
                        aw += A[j, t] * verts[v, t]
                    if aw > s[j] + 1e-9 * (1.0 + s[j]):
                        alive[v] = False
            if j == r:
                settled = True
                break
        if r >= 0:
            inset[r] = was
        if not settled:
            return False, status, fsum, basis, lam, bbasis, blam, bval
    for j in range(m):
        if status[j] == 1:
            for t in range(d):
                fsum[j, t] /= fcnt[j]
        elif status[j] == -1:
            return False, status, fsum, basis, lam, bbasis, blam, bval
        elif status[j] == 2 and status[rep[j]] == 0:
            # a copy of a redundant row: the representative's certificate
            for i in range(d):
                basis[j, i] = basis[rep[j], i]
                lam[j, i] = lam[rep[j], i]
    return True, status, fsum, basis, lam, bbasis, blam, bval
