"""Periodic progress lines for long computations (no dependency, safe in CI logs)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Print ``label: done/total (pct) elapsed, eta`` at most every ``every`` seconds.

    Use as a context manager; ``update(k)`` adds ``k`` finished items.  ``total`` may be
    ``None`` when unknown.  ``enabled=False`` makes it silent.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> with Progress(3, "demo", every=0, stream=buf) as p:
    ...     p.update(3)
    >>> "demo: 3/3" in buf.getvalue()
    True
    """

    def __init__(self, total: int | None, label: str, *, every: float = 2.0, stream: TextIO | None = None, enabled: bool = True):
        self.total = total
        self.label = label
        self.every = every
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.done = 0
        self.extra = ""
        self._t0 = time.perf_counter()
        self._last = self._t0  # first line after `every` seconds: quick runs stay quiet
        self._emitted_at = -1  # value of `done` at the last printed line

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, k: int = 1, extra: str = "") -> None:
        self.done += k
        if extra:
            self.extra = extra
        now = time.perf_counter()
        if self.enabled and now - self._last >= self.every:
            self._last = now
            self._emit(now)

    def _emit(self, now: float) -> None:
        el = now - self._t0
        if self.total:
            pct = 100.0 * self.done / self.total
            eta = el / self.done * (self.total - self.done) if self.done else float("nan")
            msg = f"{self.label}: {self.done}/{self.total} ({pct:.0f}%) {el:.1f} s, eta {eta:.0f} s"
        else:
            msg = f"{self.label}: {self.done} done, {el:.1f} s"
        if self.extra:
            msg += f" [{self.extra}]"
        print(msg, file=self.stream, flush=True)
        self._emitted_at = self.done

    def close(self) -> None:
        # the final state is printed once, unless the last update already printed it
        if self.enabled and self.done and self._emitted_at != self.done:
            self._emit(time.perf_counter())
            self.enabled = False
