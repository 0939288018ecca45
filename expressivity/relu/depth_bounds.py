"""Depth (hidden layers) needed for MAX_m = max{x_1..x_m}: upper bounds and known exact values.

Upper bounds, computed in integer arithmetic (no floating-point logarithms):

* ``log2``: ``ceil(log2 m)`` -- binary tree (ABMM18, HBDSS23 Lemma 1.2);
* ``log3``: ``ceil(log3(m - 2)) + 1`` for m >= 4 -- Bakaev et al. (BBHSY25 Thm 1);
* ``log5``: ``ceil(log5(m / 2)) + 1`` for m >= 3 -- Rueß et al. (R+26 Cor. 1.2).

Exact values: 0 (m = 1), 1 (m = 2), 2 for 3 <= m <= 10 (lower bound: max{x1,x2,x3} is not a
one-hidden-layer function (MB17); upper bound R+26 Thm 1.1); open from m = 11 on, where only
the lower bound 2 is known unconditionally.

Examples
--------
>>> [(r.log2, r.log3, r.log5) for r in depth_bound_table([5, 10, 11, 29])]
[(3, 2, 2), (4, 3, 2), (4, 3, 3), (5, 4, 3)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..exceptions import InvalidInputError

__all__ = ["DepthBounds", "depth_bounds", "depth_bound_table", "ceil_log"]


def ceil_log(base: int, num: int, den: int = 1) -> int:
    """Smallest ``s >= 0`` with ``base**s >= num/den`` (exact integer arithmetic)."""
    if base < 2 or num < 1 or den < 1:
        raise InvalidInputError(f"ceil_log needs base >= 2 and a positive argument, got base={base}, {num}/{den}")
    s, p = 0, 1
    while p * den < num:
        p, s = p * base, s + 1
    return s


@dataclass(frozen=True)
class DepthBounds:
    """Bounds for MAX_m; ``None`` where a bound does not apply."""

    m: int
    log2: int
    log3: int | None
    log5: int | None
    best: int
    exact: int | None
    lower: int

    def to_json(self) -> dict:
        return {"m": self.m, "log2": self.log2, "log3": self.log3, "log5": self.log5, "best": self.best,
                "exact": self.exact, "lower": self.lower}


def depth_bounds(m: int) -> DepthBounds:
    """Upper bounds and the known exact depth of MAX_m."""
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise InvalidInputError(f"m must be a positive integer, got {m!r}")
    l2 = ceil_log(2, m)
    l3 = ceil_log(3, m - 2) + 1 if m >= 4 else None
    l5 = ceil_log(5, m, 2) + 1 if m >= 3 else None
    best = min(v for v in (l2, l3, l5) if v is not None)
    exact = {1: 0, 2: 1}.get(m, 2 if 3 <= m <= 10 else None)
    lower = min(m - 1, 2)
    return DepthBounds(m, l2, l3, l5, best, exact, lower)


def depth_bound_table(ms: Iterable[int]) -> list[DepthBounds]:
    """:func:`depth_bounds` for each m."""
    return [depth_bounds(int(m)) for m in ms]
