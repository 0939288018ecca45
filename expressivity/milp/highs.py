"""One HiGHS policy for the whole process: thread count, silence, Ctrl-C.

HiGHS keeps a *global* task scheduler, sized by the ``threads`` option of the first solve that
runs in the process.  A later solve that sets ``threads`` to another value fails ("Option
'threads' is set to 1 but the scheduler has already been initialized to use 2 threads"), which
PuLP reports as "Not Solved".  Every HiGHS solve of :mod:`expressivity.milp` -- the exact
search's node LPs (highspy directly) and the float MIP (PuLP's ``HiGHS`` backend) -- therefore
takes its thread count from the single setting :data:`HIGHS_THREADS`, and each top-level entry
point calls :func:`sync_highs_scheduler` once, so a scheduler sized by other code in the same
process (a notebook cell, another library) is re-sized before our solves.

highspy prints a "Running HiGHS ... THIRD_PARTY_NOTICES.md" banner on file descriptor 1 when
the first solver object of the process is constructed, before any option can be set;
:func:`new_highs` constructs solvers with descriptor 1 pointed at ``os.devnull`` for that
first construction, so library users' stdout stays clean.

A MIP run in the calling thread does not return to Python until it finishes, so Ctrl-C would
wait for the whole solve; :func:`run_interruptible` runs it in a worker thread with HiGHS'
interrupt callback, and on ``KeyboardInterrupt`` asks HiGHS to stop and re-raises.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from ..exceptions import InvalidInputError, SolverNotAvailableError

__all__ = ["HIGHS_THREADS", "set_highs_threads", "sync_highs_scheduler", "new_highs", "run_interruptible"]

#: Threads of every HiGHS solve started by this package (1: reproducible, and polite on shared
#: machines).  Change it with :func:`set_highs_threads`, not by assignment.
HIGHS_THREADS: int = 1

_banner_done = False
_banner_lock = threading.Lock()


def _highspy():
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - highspy is a dependency
        raise SolverNotAvailableError("highspy is not installed here: pip install highspy") from exc
    return highspy


def set_highs_threads(threads: int) -> None:
    """Set :data:`HIGHS_THREADS` and re-size HiGHS' global scheduler to it.

    Not safe while another thread of the process is running a HiGHS solve.

    Examples
    --------
    >>> set_highs_threads(1); HIGHS_THREADS
    1
    """
    global HIGHS_THREADS
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise InvalidInputError(f"HiGHS threads must be a positive integer, got {threads!r}")
    HIGHS_THREADS = threads
    sync_highs_scheduler()


def sync_highs_scheduler() -> None:
    """Make the next HiGHS solve (re-)initialise the global scheduler with :data:`HIGHS_THREADS`.

    Cheap (tens of microseconds); called once per top-level solve or search, never per node LP.
    """
    _highspy().Highs.resetGlobalScheduler(True)


def _construct_silently(highspy) -> Any:
    """The first ``Highs()`` of the process prints the banner on fd 1: construct it with fd 1 on devnull."""
    global _banner_done
    with _banner_lock:
        if _banner_done:
            return highspy.Highs()
        try:
            sys.stdout.flush()
        except (AttributeError, ValueError, OSError):
            pass
        try:
            saved = os.dup(1)
        except OSError:  # no fd 1 at all: nothing to protect
            saved = None
        if saved is None:
            h = highspy.Highs()
        else:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
                _flush_c_stdout()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
        _banner_done = True
        return h


def _flush_c_stdout() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # pragma: no cover - e.g. Windows
        pass


def new_highs(*, time_limit: float | None = None, output: bool = False):
    """A ``highspy.Highs`` solver following the process policy: silent, :data:`HIGHS_THREADS` threads.

    Parameters
    ----------
    time_limit : float, optional
        Seconds (HiGHS option ``time_limit``).
    output : bool
        Keep HiGHS' log (it goes to stdout); off by default.

    Examples
    --------
    >>> h = new_highs()        # prints nothing, not even the first-construction banner
    >>> type(h).__name__
    'Highs'
    """
    highspy = _highspy()
    h = _construct_silently(highspy)
    h.setOptionValue("output_flag", bool(output))
    h.setOptionValue("log_to_console", bool(output))
    h.setOptionValue("threads", HIGHS_THREADS)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    return h


def run_interruptible(h, *, poll: float = 0.05, grace: float = 10.0) -> None:
    """Run ``h`` (a loaded ``highspy.Highs``) so that Ctrl-C stops it within about a second.

    The solve runs in a worker thread with HiGHS' interrupt callbacks enabled; the calling
    thread waits in short slices on an event (not ``Thread.join``, which a ``KeyboardInterrupt``
    can leave reporting a running thread as finished), and on ``KeyboardInterrupt`` -- or any
    other exception -- asks HiGHS to stop, waits up to ``grace`` seconds for the worker, and
    re-raises.  The worker must end before the interpreter does: a HiGHS thread still running
    at exit aborts the process ("terminate called without an active exception").
    """
    h.HandleUserInterrupt = True
    done = threading.Event()
    failure: list[BaseException] = []

    def work() -> None:
        try:
            h.run()
            type(h).resetThreadScheduler(False)  # as highspy's own threaded solve does
        except BaseException as exc:  # pragma: no cover - handed to the caller below
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, name="highs-solve", daemon=True).start()
    try:
        while not done.wait(poll):
            pass
    except BaseException:
        h.cancelSolve()
        done.wait(grace)
        raise
    if failure:
        raise failure[0]
