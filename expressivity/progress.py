"""Progress reports for long computations that tell the truth.

On a terminal (``stream.isatty()``) :class:`Progress` draws a live `tqdm
<https://tqdm.github.io>`_ bar; otherwise (CI logs, pipes, files) it prints a line at most
every ``every`` seconds, and a final line on :meth:`~Progress.close`.

The estimated time left (ETA) is never a guess from the first few items: it is
``remaining items / rate``, with the rate measured **in the current phase only** (a phase starts
at construction and at each :meth:`~Progress.phase`), and it is shown only once the phase has
enough data -- at least ``MIN_FRACTION`` (5 %) of its items done and ``MIN_SECONDS`` (3 s)
elapsed.  Without a known total there is no percentage and no ETA, only a count and a rate.
Work whose items have very different costs should be split into phases, or reported without a
total.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, TextIO

__all__ = ["Progress", "MIN_FRACTION", "MIN_SECONDS"]

MIN_FRACTION = 0.05
"""Share of a phase's items that must be done before an ETA is shown."""

MIN_SECONDS = 3.0
"""Seconds a phase must have run before an ETA is shown."""

_BAR_REFRESH = 0.5  # seconds between postfix (ETA, extra) updates of the bar


def _fmt_seconds(s: float) -> str:
    if s < 99.5:
        return f"{s:.0f} s"
    if s < 5940:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


class Progress:
    """Report ``done/total`` of a long computation on ``stream`` (stderr by default).

    Parameters
    ----------
    total : int or None
        Number of items of the (first) phase; ``None`` when unknown (no percentage, no ETA).
    label : str
        What is being done; printed first on each line.
    every : float
        Seconds between progress lines (line mode).  The first line comes after ``every``
        seconds, so quick runs print only the final line.
    stream : text stream, optional
        Where to report; ``sys.stderr`` by default.  A terminal gets a live bar.
    enabled : bool
        ``False`` makes it silent (and never imports tqdm).
    clock : callable, optional
        Returns the time in seconds (``time.monotonic`` by default); tests inject a fake one.
    bar : bool, optional
        Force the live bar on or off; by default on exactly when ``stream.isatty()``.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> with Progress(3, "demo", every=0, stream=buf) as p:
    ...     p.update(3)
    >>> "demo: 3/3" in buf.getvalue()
    True
    """

    def __init__(self, total: int | None, label: str, *, every: float = 2.0, stream: TextIO | None = None,
                 enabled: bool = True, clock: Callable[[], float] | None = None, bar: bool | None = None):
        self.every = every
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.clock = clock or time.monotonic
        self._bar: Any = None
        self._closed = False
        self._start_phase(total, label)
        self._use_bar = enabled and (bar if bar is not None else _isatty(self.stream))
        if self._use_bar:
            self._open_bar()

    # ------------------------------------------------------------------ public API
    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, k: int = 1, extra: str = "") -> None:
        """Add ``k`` finished items; ``extra`` is a short status shown after the numbers."""
        self.done += k
        if extra:
            self.extra = extra
        if not self.enabled or self._closed:
            return
        now = self.clock()
        if self._bar is not None:
            self._bar.update(k)
            if now - self._last >= _BAR_REFRESH:
                self._last = now
                self._bar.set_postfix_str(self._postfix(now), refresh=True)
        elif now - self._last >= self.every:
            self._last = now
            self._emit(now)

    def set_total(self, total: int | None) -> None:
        """Change the number of items of the current phase (e.g. once it becomes known)."""
        self.total = total
        if self._bar is not None:
            self._bar.total = total if total else None
            self._bar.bar_format = self._bar_format()
            self._bar.refresh()

    def phase(self, label: str, total: int | None = None) -> None:
        """Start a new phase: counts restart at 0 and the rate is measured afresh."""
        if self._closed:
            return
        self._finish_phase()
        self._start_phase(total, label)
        if self._use_bar:
            self._open_bar()

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left in the current phase, from its measured rate; None without enough data."""
        now = self.clock() if now is None else now
        elapsed = now - self._t0
        if not self.total or self.done <= 0 or self.done > self.total:
            return None
        if self.done < MIN_FRACTION * self.total or elapsed < MIN_SECONDS:
            return None
        rate = self.done / elapsed
        return (self.total - self.done) / rate

    def close(self) -> None:
        """Report the final state once (unless the last report already showed it)."""
        if self._closed:
            return
        self._finish_phase()
        self._closed = True

    # ------------------------------------------------------------------ internals
    def _start_phase(self, total: int | None, label: str) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self.extra = ""
        self._t0 = self.clock()
        self._last = self._t0
        self._emitted_at = -1  # value of `done` at the last printed line

    def _finish_phase(self) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(self._postfix(None), refresh=False)
            self._bar.close()
            self._bar = None
        elif self.done and self._emitted_at != self.done:
            self._emit(self.clock(), final=True)

    def _postfix(self, now: float | None) -> str:
        parts = []
        eta = self.eta(now) if now is not None else None
        if eta is not None:
            parts.append(f"eta {_fmt_seconds(eta)}")
        if self.extra:
            parts.append(self.extra)
        return ", ".join(parts)

    def _emit(self, now: float, final: bool = False) -> None:
        elapsed = now - self._t0
        if self.total and self.done <= self.total:
            msg = f"{self.label}: {self.done}/{self.total} ({100.0 * self.done / self.total:.0f}%), {elapsed:.1f} s"
        else:
            rate = f", {self.done / elapsed:.3g}/s" if elapsed > 0 else ""
            msg = f"{self.label}: {self.done} done, {elapsed:.1f} s{rate}"
        eta = None if final else self.eta(now)
        if eta is not None:
            msg += f", eta {_fmt_seconds(eta)}"
        if self.extra:
            msg += f" [{self.extra}]"
        print(msg, file=self.stream, flush=True)
        self._emitted_at = self.done

    def _bar_format(self) -> str:
        if self.total:
            return "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]"
        return "{desc}: {n_fmt} [{elapsed}, {rate_fmt}{postfix}]"

    def _open_bar(self) -> None:
        try:
            from tqdm import tqdm
        except ImportError:  # pragma: no cover - tqdm is a core dependency
            self._bar = None
            return
        self._bar = tqdm(total=self.total or None, desc=self.label, file=self.stream, leave=True,
                         dynamic_ncols=True, mininterval=0.2, bar_format=self._bar_format())


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False
