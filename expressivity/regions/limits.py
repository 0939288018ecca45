"""Work limits of the region counters, and the error raised when one is reached during a run.

Two kinds of "too large" are kept apart, because they mean different things to a caller:

* refused **up front** (an estimate made before any work exceeds a limit): the plain
  :class:`~expressivity.exceptions.ComputationTooLargeError`; the command line exits 2;
* a limit reached **during** a run (the traversal found more regions than ``max_regions``,
  the intersection poset grew past ``max_flats``...):
  :class:`~expressivity.exceptions.LimitReachedError` (re-exported here), a subclass,
  so ``except ComputationTooLargeError`` still catches both; the command line exits 3
  ("resource limit reached, nothing proved"), like a solver time limit.

Examples
--------
>>> from expressivity.exceptions import ComputationTooLargeError
>>> issubclass(LimitReachedError, ComputationTooLargeError)
True
"""

from __future__ import annotations

from ..exceptions import LimitReachedError

__all__ = ["LimitReachedError", "DEFAULT_MAX_FLATS", "DEFAULT_MAX_STEPS"]

#: Default bound on the number of flats of an intersection poset.
DEFAULT_MAX_FLATS = 200_000
#: Default bound on the (flat, hyperplane) intersection steps of the poset construction
#: (about 5 microseconds each: 10 million steps is under a minute).
DEFAULT_MAX_STEPS = 10_000_000
