"""Optional compiled kernel of the planar subdivision (needs numba: ``pip install expressivity[fast]``).

:func:`cut_layer` does what :func:`expressivity.regions.planar._cut_layer` does -- cut every
face by the zero lines of one ReLU layer -- face by face in compiled loops instead of numpy
rounds over all faces, which removes numpy's per-call overhead on small networks.  The
geometry is the same arithmetic, operation for operation: the same line values and
tolerances (``a x + b y + c`` against ``1e-11 (|a x| + |b y| + |c|)``), the same binary space
partition (each piece is split by the crossing line nearest its vertex centroid), the same
2x2 solve for the crossing points with the same interpolation fallback, and the same
on/off rule for the bits.  Only the order of the output faces differs.

Importing this module imports numba; the functions are compiled on first call and cached on
disk (``cache=True``), so only the first process ever pays the compile time.  Without numba
the module still imports, ``COMPILED`` is False and the functions are plain (slow) Python --
the planar path then uses numpy instead.
"""

from __future__ import annotations

import math

import numpy as np

try:
    from numba import njit

    COMPILED = True
except ImportError:
    COMPILED = False

    def njit(**_options):
        return lambda func: func


__all__ = ["COMPILED", "cut_layer"]

_RTOL = 1e-11


@njit(cache=True)
def _grow_f(a, need):
    while a.shape[0] < need:
        a = np.concatenate((a, a))
    return a


@njit(cache=True)
def _grow_i(a, need):
    while a.shape[0] < need:
        a = np.concatenate((a, a))
    return a


@njit(cache=True)
def _grow_b2(a, need):
    while a.shape[0] < need:
        a = np.concatenate((a, a))
    return a


@njit(cache=True)
def _grow_lines(a, need):
    while a.shape[0] < need:
        a = np.concatenate((a, a))
    return a


@njit(cache=True)
def _meet(a1, b1, c1, a2, b2, c2, x, y, xn, yn, v, vn):
    """Where the cut (a2, b2, c2) meets the edge (x, y) -> (xn, yn) on the line (a1, b1, c1)."""
    det = a1 * b2 - a2 * b1
    par = det == 0.0
    if par:
        det = 1.0
    qx = (b1 * c2 - b2 * c1) / det
    qy = (a2 * c1 - a1 * c2) / det
    lx, hx = min(x, xn), max(x, xn)
    ly, hy = min(y, yn), max(y, yn)
    sx = 1e-9 * (hx - lx + abs(hx) + abs(lx))
    sy = 1e-9 * (hy - ly + abs(hy) + abs(ly))
    if par or qx < lx - sx or qx > hx + sx or qy < ly - sy or qy > hy + sy:
        t = v / (v - vn)
        qx = x + t * (xn - x)
        qy = y + t * (yn - y)
    return qx, qy


@njit(cache=True)
def cut_layer(X, Y, E, start, A, lines, nlines):
    """Cut faces ``start`` (vertices X, Y, edge labels E) by the lines ``A[f, :, j]`` of one layer.

    Returns (X, Y, E, start, parent, bits, lines, nlines) of the new faces; ``lines[:nlines]``
    is the line table extended by the cuts made.
    """
    P = start.shape[0] - 1
    n = A.shape[2]
    # output faces
    oX = np.empty(4 * X.shape[0] + 64)
    oY = np.empty(oX.shape[0])
    oE = np.empty(oX.shape[0], np.int64)
    ostart = np.zeros(P + 65, np.int64)
    opar = np.empty(P + 64, np.int64)
    obits = np.zeros((P + 64, n), np.bool_)
    nout, vout = 0, 0
    # stack of pieces (arenas reused LIFO): vertices, candidate lines, bits
    sX = np.empty(256)
    sY = np.empty(256)
    sE = np.empty(256, np.int64)
    sC = np.empty(max(256, 4 * n), np.int64)
    sB = np.zeros((64, n), np.bool_)
    pv = np.empty(64, np.int64)   # vertex offset, vertex count, candidate offset, candidate count
    pk = np.empty(64, np.int64)
    pc = np.empty(64, np.int64)
    pm = np.empty(64, np.int64)
    # scratch for one piece
    tv = np.empty(64)
    cross = np.empty(n, np.int64)
    for f in range(P):
        k0 = start[f]
        k = start[f + 1] - k0
        sX = _grow_f(sX, k)
        sY = _grow_f(sY, k)
        sE = _grow_i(sE, k)
        for i in range(k):
            sX[i] = X[k0 + i]
            sY[i] = Y[k0 + i]
            sE[i] = E[k0 + i]
        for j in range(n):
            sC[j] = j
            sB[0, j] = False
        pv[0], pk[0], pc[0], pm[0] = 0, k, 0, n
        top = 1
        while top > 0:
            top -= 1
            v0, k, c0, m = pv[top], pk[top], pc[top], pm[top]
            tv = _grow_f(tv, k)
            # test every candidate line against the piece
            ncross = 0
            best, bestkey = -1, np.inf
            for q in range(m):
                j = sC[c0 + q]
                a, b, c = A[f, 0, j], A[f, 1, j], A[f, 2, j]
                pos, neg, tot = False, False, 0.0
                for i in range(k):
                    ax = a * sX[v0 + i]
                    by = b * sY[v0 + i]
                    val = ax + by + c
                    tol = _RTOL * (abs(ax) + abs(by) + abs(c))
                    if val > tol:
                        pos = True
                    elif val < -tol:
                        neg = True
                    tot += val
                if pos and neg:
                    cross[ncross] = j
                    ncross += 1
                    key = abs(tot / k) / math.hypot(a, b)
                    if key < bestkey:
                        best, bestkey = j, key
                else:
                    sB[top, j] = pos
            if ncross == 0:
                # a finished face
                opar = _grow_i(opar, nout + 1)
                ostart = _grow_i(ostart, nout + 2)
                obits = _grow_b2(obits, nout + 1)
                oX = _grow_f(oX, vout + k)
                oY = _grow_f(oY, vout + k)
                oE = _grow_i(oE, vout + k)
                for i in range(k):
                    oX[vout + i] = sX[v0 + i]
                    oY[vout + i] = sY[v0 + i]
                    oE[vout + i] = sE[v0 + i]
                vout += k
                obits[nout, :] = sB[top, :]
                opar[nout] = f
                nout += 1
                ostart[nout] = vout
                continue
            # split by the best line: new line id, signs and values at the vertices
            a, b, c = A[f, 0, best], A[f, 1, best], A[f, 2, best]
            if nlines >= lines.shape[0]:
                lines = _grow_lines(lines, nlines + 1)
            lines[nlines, 0], lines[nlines, 1], lines[nlines, 2] = a, b, c
            cid = nlines
            nlines += 1
            for i in range(k):
                ax = a * sX[v0 + i]
                by = b * sY[v0 + i]
                tv[i] = ax + by + c
            # the two children are built above the parent's storage (which is the top of the
            # arena: pieces are processed last in, first out), then moved down into it
            need = v0 + 5 * k
            sX = _grow_f(sX, need)
            sY = _grow_f(sY, need)
            sE = _grow_i(sE, need)
            base = v0 + k  # scratch area for the two children (positive, then negative)
            npos = 0
            nneg = 0
            # positive child written at base, negative child at base + 2 k (each has at most 2 k vertices)
            nb = base + 2 * k
            for i in range(k):
                inext = i + 1 if i + 1 < k else 0
                xi, yi, ei = sX[v0 + i], sY[v0 + i], sE[v0 + i]
                xn, yn = sX[v0 + inext], sY[v0 + inext]
                si = _sign(a, b, c, xi, yi)
                sn = _sign(a, b, c, xn, yn)
                if si >= 0:
                    sX[base + npos], sY[base + npos] = xi, yi
                    sE[base + npos] = cid if (si == 0 and sn < 0) else ei
                    npos += 1
                if si <= 0:
                    sX[nb + nneg], sY[nb + nneg] = xi, yi
                    sE[nb + nneg] = cid if (si == 0 and sn > 0) else ei
                    nneg += 1
                if si * sn < 0:
                    la, lb, lc = lines[ei, 0], lines[ei, 1], lines[ei, 2]
                    qx, qy = _meet(la, lb, lc, a, b, c, xi, yi, xn, yn, tv[i], tv[inext])
                    sX[base + npos], sY[base + npos] = qx, qy
                    sE[base + npos] = cid if si > 0 else ei
                    npos += 1
                    sX[nb + nneg], sY[nb + nneg] = qx, qy
                    sE[nb + nneg] = cid if si < 0 else ei
                    nneg += 1
            # candidates of both children: the crossing lines other than the cut
            mc = 0
            for q in range(ncross):
                if cross[q] != best:
                    sC[c0 + mc] = cross[q]
                    mc += 1
            sC = _grow_i(sC, c0 + 2 * mc + 1)
            for q in range(mc):
                sC[c0 + mc + q] = sC[c0 + q]
            # move the children down: positive at v0, negative right after it
            for i in range(npos):
                sX[v0 + i], sY[v0 + i], sE[v0 + i] = sX[base + i], sY[base + i], sE[base + i]
            for i in range(nneg):
                sX[v0 + npos + i], sY[v0 + npos + i], sE[v0 + npos + i] = sX[nb + i], sY[nb + i], sE[nb + i]
            if top + 2 > pv.shape[0]:
                pv = _grow_i(pv, top + 2)
                pk = _grow_i(pk, top + 2)
                pc = _grow_i(pc, top + 2)
                pm = _grow_i(pm, top + 2)
                sB = _grow_b2(sB, top + 2)
            sB[top + 1, :] = sB[top, :]
            sB[top, best] = True
            sB[top + 1, best] = False
            pv[top], pk[top], pc[top], pm[top] = v0, npos, c0, mc
            pv[top + 1], pk[top + 1], pc[top + 1], pm[top + 1] = v0 + npos, nneg, c0 + mc, mc
            top += 2
    return (oX[:vout].copy(), oY[:vout].copy(), oE[:vout].copy(), ostart[:nout + 1].copy(),
            opar[:nout].copy(), obits[:nout].copy(), lines, nlines)


@njit(cache=True)
def _sign(a, b, c, x, y):
    ax = a * x
    by = b * y
    val = ax + by + c
    tol = _RTOL * (abs(ax) + abs(by) + abs(c))
    if val > tol:
        return 1
    if val < -tol:
        return -1
    return 0
