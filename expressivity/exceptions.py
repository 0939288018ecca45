"""The exception hierarchy of :mod:`expressivity`.

Every error the toolkit raises on purpose derives from :class:`ExpressivityError`, so
``except ExpressivityError`` catches all of them.  The subclasses say *what kind* of thing
went wrong; where it makes sense they also derive from the matching builtin (``ValueError``,
``TypeError``, ``TimeoutError``), so generic callers can catch them the usual way.

Messages name the offending object or field and say what to do about it.
"""

from __future__ import annotations

__all__ = [
    "ExpressivityError",
    "InvalidInputError",
    "ShapeError",
    "NonFiniteError",
    "NumberTypeError",
    "DegenerateInputError",
    "NetworkFileError",
    "CertificateError",
    "ComputationTooLargeError",
    "LimitReachedError",
    "NumberTooLargeError",
    "SolverError",
    "SolverNotAvailableError",
    "SolverTimeoutError",
    "SolverFailedError",
    "InfeasibleError",
    "UnboundedError",
    "ClaimError",
    "UnknownNameError",
]


class ExpressivityError(Exception):
    """Base class of every error raised on purpose by the toolkit."""


class InvalidInputError(ExpressivityError, ValueError):
    """An argument is malformed: wrong value, wrong range, inconsistent options."""


class ShapeError(InvalidInputError):
    """Arrays have the wrong shape or inconsistent dimensions."""


class NonFiniteError(InvalidInputError):
    """A weight, bias or input contains NaN or infinity."""


class NumberTypeError(InvalidInputError, TypeError):
    """Exact (rational) and floating-point numbers were mixed, or the wrong kind was given.

    The toolkit never converts between the two silently: convert explicitly with
    :meth:`expressivity.ReLUNetwork.to_float` or :meth:`expressivity.ReLUNetwork.to_exact`.
    """


class DegenerateInputError(InvalidInputError):
    """The input is valid but degenerate (non-generic) in a way the routine cannot handle."""


class NetworkFileError(InvalidInputError):
    """A network file (JSON) is malformed; the message names the offending field."""


class CertificateError(ExpressivityError):
    """A certificate file is malformed or does not certify what it claims."""


class ComputationTooLargeError(InvalidInputError):
    """The requested instance is too large for the routine (e.g. ``n`` too big).

    Raised *before* the work, from an estimate; the message names the limit to raise.
    The command line exits 2.
    """


class NumberTooLargeError(ComputationTooLargeError):
    """An input number is longer than the documented limits (``expressivity.numbers.MAX_DIGITS``,
    ``MAX_EXPONENT``): refused before any arithmetic, so ``"1e999999999"`` never hangs."""


class LimitReachedError(ComputationTooLargeError):
    """A work limit was reached *during* a run: the computation stopped and proved nothing.

    ``found`` holds what had been found when the limit was hit (e.g. the number of regions
    so far), or None.  The command line exits 3, like a solver time limit.
    """

    def __init__(self, message: str, *, found: int | None = None):
        super().__init__(message)
        self.found = found


class SolverError(ExpressivityError):
    """An LP/MILP solver did not deliver a usable answer."""


class SolverNotAvailableError(SolverError):
    """The requested solver backend is not installed or cannot be run."""


class SolverTimeoutError(SolverError, TimeoutError):
    """The solver hit its time limit before proving optimality."""


class SolverFailedError(SolverError):
    """The solver stopped with an error or an undefined status."""


class InfeasibleError(SolverError):
    """The optimisation problem has no feasible point."""


class UnboundedError(SolverError):
    """The optimisation problem is unbounded."""


class ClaimError(ExpressivityError):
    """A claim is malformed, unknown, or its check misbehaved."""


class UnknownNameError(InvalidInputError, KeyError):
    """A name (activation, construction, claim, figure, ...) is not known.

    ``KeyError`` quotes its message; ``__str__`` is overridden so it reads normally.
    """

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""
