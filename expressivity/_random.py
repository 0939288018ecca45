"""One way to turn a ``seed`` argument into a NumPy generator."""

from __future__ import annotations

import numpy as np

__all__ = ["as_rng"]


def as_rng(seed: int | np.random.Generator | np.random.SeedSequence | None) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    ``None`` gives fresh OS entropy; an ``int`` or ``SeedSequence`` gives a reproducible
    generator; a ``Generator`` is passed through unchanged (so callers can share a stream).
    The global NumPy state is never used.

    Examples
    --------
    >>> bool(as_rng(0).integers(10) == as_rng(0).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool):
        raise TypeError("seed must be an int, a SeedSequence, a Generator or None, not a bool")
    return np.random.default_rng(seed)
