"""Size estimates for ``expressivity invariants``, computed before anything large is built.

Everything the ``compute`` pipeline builds has a size that follows from ``(d, a, t, d',
max_degree)`` by counting:

* the raw coefficients ``N(d, t)`` of one output entry and the number of linear relations;
* the Jacobians of the dimension phase (``d' d^3`` rows of ``2ad + dd'`` entries);
* per invariant family, the number of generators ``G`` and a bound ``tau`` on the terms of
  each (a ``k x k`` determinant of linear forms has at most ``k!`` terms, a product of two at
  most the product, ...);
* per degree ``k`` of the implicitisation, the monomials ``C(n + k - 1, k)`` in the ``n``
  reduced coordinates and the sizes of the torus-weight classes, counted exactly by a
  dynamic programme over the distinct coordinate weights (:func:`weight_class_sizes`), which
  fix the evaluation matrices ``(c + 8) x c`` and their null-space cost ``~c^3``;
* for the family coverage, the multiples ``g * monomial`` of every generator.

Bytes and seconds are converted from those counts with constants measured on the reference
machine (2 shared cores; see ``docs/lightning.md``).  They are *estimates*, deliberately on the
high side, meant to refuse instances that are clearly out of reach (hundreds of GiB, days) before
allocating anything -- not to predict run times.  :meth:`CostEstimate.check` raises
:class:`~expressivity.exceptions.ComputationTooLargeError` naming the limit and the flag that
raises it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from ..exceptions import ComputationTooLargeError, InvalidInputError
from .model import LightningShape, coefficient_count, reduced_coordinate_count

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_SECONDS",
    "DEFAULT_MAX_CLASS",
    "PhaseCost",
    "CostEstimate",
    "linear_relation_count",
    "weight_class_sizes",
    "family_size",
    "estimate_compute_cost",
    "estimate_check_point_seconds",
    "family_eval_work",
]

GIB = 1024 ** 3
DEFAULT_MAX_MEMORY = 4 * GIB      #: bytes; ``--max-memory`` (GiB)
DEFAULT_MAX_SECONDS = 3600.0      #: estimated seconds; ``--max-estimated-seconds``
DEFAULT_MAX_CLASS = 6000          #: monomials in one weight class; ``--max-class``

# conversion constants, measured on the reference machine and rounded up
_MONOMIAL_BYTES = 96        # a stored monomial (tuple + list/dict slots)
_INDEX_BYTES = 160          # a monomial in the coverage index dicts
_ROW_ENTRY_BYTES = 100      # one entry of a coverage row (dict int -> int)
_MATRIX_ENTRY_BYTES = 48    # int64 entry + its Python int on the way to flint
_OBJECT_ENTRY_BYTES = 48    # numpy object-array entry (pointer + Python int)
_NULLSPACE_RATE = 2.0e9     # c^3 units per second (flint nmod_mat)
_PYTHON_RATE = 2.0e6        # Python-level elementary steps per second
_TERM_RATE = 5.0e5          # polynomial terms built per second (flint fmpz_mpoly, incl. verification)
_BIG = 10 ** 30             # "astronomically large": stands for counts not worth computing


def _f(x: int | float) -> float:
    """A count as a float, saturating instead of overflowing."""
    return float(min(x, 10 ** 300))


@dataclass(frozen=True)
class PhaseCost:
    """Estimated size of one phase: items built, peak bytes, seconds."""

    phase: str
    items: int
    bytes: int
    seconds: float
    detail: str

    def to_json(self) -> dict:
        return {"phase": self.phase, "items": self.items, "bytes": self.bytes, "seconds": self.seconds,
                "detail": self.detail}


@dataclass(frozen=True)
class CostEstimate:
    """Per-phase estimates of a ``compute`` run (see module docstring)."""

    shape: LightningShape
    max_degree: int
    phases: tuple[PhaseCost, ...]
    biggest_class: int

    @property
    def peak_bytes(self) -> int:
        """Family generators stay cached; the other phases run one after the other."""
        kept = sum(p.bytes for p in self.phases if p.phase.startswith("families"))
        rest = max((p.bytes for p in self.phases if not p.phase.startswith("families")), default=0)
        return kept + rest

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    def largest(self, key: str) -> PhaseCost:
        return max(self.phases, key=lambda p: getattr(p, key))

    def check(self, max_memory: float = DEFAULT_MAX_MEMORY, max_seconds: float = DEFAULT_MAX_SECONDS,
              max_class: int = DEFAULT_MAX_CLASS) -> None:
        """Raise :class:`ComputationTooLargeError` if a limit is exceeded; the message names the flag."""
        what = f"invariants --d {self.shape.d} --a {self.shape.a} --t {self.shape.t} --dprime {self.shape.dprime} " \
               f"--max-degree {self.max_degree}"
        if self.peak_bytes > max_memory:
            p = self.largest("bytes")
            raise ComputationTooLargeError(
                f"{what} would need about {_human_bytes(self.peak_bytes)} of memory (largest: {p.phase}, {p.detail}); "
                f"the limit is {_human_bytes(max_memory)}: lower --d/--max-degree, or raise --max-memory GIB")
        if self.biggest_class > max_class:
            raise ComputationTooLargeError(
                f"{what}: a weight class of the implicitisation has {_count(self.biggest_class)} monomials "
                f"(> {max_class}, the limit on one evaluation matrix); lower --max-degree, or raise --max-class")
        if self.seconds > max_seconds:
            p = self.largest("seconds")
            raise ComputationTooLargeError(
                f"{what} is estimated at {_human_seconds(self.seconds)} (largest: {p.phase}, {p.detail}); "
                f"the limit is {_human_seconds(max_seconds)}: lower --d/--max-degree, or raise --max-estimated-seconds")

    def to_json(self) -> dict:
        return {"peak_bytes": self.peak_bytes, "seconds": self.seconds, "biggest_class": self.biggest_class,
                "phases": [p.to_json() for p in self.phases]}


def _count(x: int | float) -> str:
    """A count for messages: exact when short, otherwise three significant digits."""
    return str(int(x)) if x < 10 ** 7 else f"{_f(x):.3g}"


def _human_bytes(n: float) -> str:
    n = _f(n)
    for unit, size in (("TiB", 1024 ** 4), ("GiB", GIB), ("MiB", 1024 ** 2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


def _human_seconds(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.2g} days"


def linear_relation_count(d: int, t: int) -> int:
    """Number of linear relations of one output entry (linear family), without building them.

    Examples
    --------
    >>> linear_relation_count(3, 2), linear_relation_count(2, 3), linear_relation_count(3, 1)
    (10, 10, 0)
    """
    if t < 2:
        return 0
    return (t - 2) * d * d * (d + 1) // 2 + math.comb(d + 2, 3)


def weight_class_sizes(shape: LightningShape, degree: int, *, max_steps: int = 2_000_000) -> list[int] | None:
    """Sizes of the torus-weight classes of the degree-``degree`` monomials, largest first.

    Counted by a dynamic programme over the distinct coordinate weights (a weight ``u`` carried by
    ``mu`` coordinates contributes ``C(mu + e - 1, e)`` monomials of multiplicity ``e``), so
    nothing is enumerated.  Returns None when the programme would take more than about
    ``max_steps`` dictionary updates (then use :func:`_class_count_bound`).

    Examples
    --------
    >>> sizes = weight_class_sizes(LightningShape(2, 2, 2), 2)
    >>> sum(sizes) == math.comb(6 + 1, 2), len(sizes)
    (True, 7)
    """
    from .implicitization import coordinate_weights

    distinct = math.comb(shape.d + 2, 3) * shape.dprime  # distinct coordinate weights
    if _class_count_bound(shape, degree) * distinct * degree > max_steps:
        return None
    mult = Counter(coordinate_weights(shape))
    dim = len(next(iter(mult)))
    layers: list[dict] = [{(0,) * dim: 1}] + [{} for _ in range(degree)]
    for u, mu in mult.items():
        new: list[dict] = [{} for _ in range(degree + 1)]
        for j in range(degree + 1):
            for w, c in layers[j].items():
                for e in range(degree - j + 1):
                    key = tuple(x + e * y for x, y in zip(w, u))
                    new[j + e][key] = new[j + e].get(key, 0) + c * math.comb(mu + e - 1, e)
        layers = new
    return sorted(layers[degree].values(), reverse=True)


def _class_count_bound(shape: LightningShape, degree: int) -> int:
    """Upper bound on the number of weight classes of degree ``degree`` (weights are sums of
    ``degree`` vectors with entries summing to 3 in the first d slots and to 1 in the d' row slots)."""
    return math.comb(3 * degree + shape.d - 1, shape.d - 1) * math.comb(degree + shape.dprime - 1, shape.dprime - 1)


def _veronese_size(d: int, a: int) -> tuple[int, int]:
    gens = terms = 0
    for r in range(2, min(d, a) + 1):
        s = math.comb(d, r)
        g = math.comb(r, 2) * math.comb(s * math.comb(2 * r - 2, r - 1), 2) * s
        gens += g
        terms += g * 2 * math.factorial(r) ** 2
        if terms > _BIG:
            return gens, terms
    return gens, terms


def _resultant_keys(d: int) -> int:
    m = d * (d + 1) // 2
    return m * (m + 1) // 2


def family_size(key: str, d: int, a: int, n_lines: int = 12) -> tuple[int, int, int]:
    """``(generators, total terms, weights work)`` of family ``key`` -- upper estimates.

    The third entry is the work of the Cauchy-Binet weights of the context syzygies (0 otherwise).

    Examples
    --------
    >>> family_size("cross_column", 3, 2)[0], family_size("veronese", 3, 2)[0]
    (10, 45)
    """
    m = d * (d + 1) // 2
    nv = d * m
    if key == "low_rank":
        if a >= d:
            return 0, 0, 0
        g = math.comb(m, a + 1) * math.comb(d, a + 1)
        return g, g * math.factorial(a + 1), 0
    if key == "cross_column":
        if d < 3:
            return 0, 0, 0
        s = math.comb(d, 3)
        g = s * (s + 1) // 2 * math.comb(d + 2, 3)
        return g, 36 * g, 0
    if key in ("context_syzygy_maximal", "context_syzygy_submaximal"):
        k = d if key == "context_syzygy_maximal" else d - 1
        if k < 1 or (key == "context_syzygy_submaximal" and d < 3):
            return 0, 0, 0
        rows = math.comb(m, k) * math.comb(d, k)
        fk = math.factorial(k) if k < 40 else _BIG
        weights_work = rows * k * 2 ** (k - 1) * math.comb(d + k - 1, k) if k < 64 else _BIG
        return rows, 3 * rows * fk, weights_work
    if key == "veronese":
        g, t = _veronese_size(d, a)
        return g, t, 0
    if key == "resultant":
        if d < 2:
            return 0, 0, 0
        g = n_lines * _resultant_keys(d)
        return g, g * min(math.comb(nv + 3, 4), max(1, m ** 4 // 2)), 0
    if key == "single_low_rank":
        k = 2 * a + 2
        if k > d:
            return 0, 0, 0
        g = math.comb(d, k) ** 2
        return g, g * (math.factorial(k) if k < 40 else _BIG), 0
    if key == "lie_flattening":
        if d < 3:
            return 0, 0, 0
        n = d * d - 1
        g = math.comb(math.comb(d + 2, 3), n)
        if g > 2000:  # not built (family_generators refuses; check-point uses a rank test)
            return 0, 0, 0
        npure = math.comb(d + 2, 3)
        return g, g * min(math.comb(npure + n - 1, n), math.factorial(n)), 0
    if key == "slice_pair_minors":
        if d < 4:
            return 0, 0, 0
        cp = math.comb(d, 2)
        g = math.comb(d, 4) * (cp * (cp + 1) // 2) * math.comb(d + 1, 2) ** 2
        return g, g * 4 * 24 * 16, 0
    if key == "brill_hessian":
        if a != 1 or d < 3:
            return 0, 0, 0
        from .families import default_planes

        g = 45 * len(default_planes(d))
        # measured: at most 13 (d = 3) and 320 (d = 4, 5) terms per generator; bound 400
        return g, g * 400, 0
    raise InvalidInputError(f"unknown family {key!r}")


def _term_bytes(nvars: int) -> int:
    # fmpz_mpoly: packed exponents (>= 8 bits per variable) + coefficient, twice for intermediates
    return 2 * 8 * (math.ceil(nvars * 8 / 64) + 2)


def _family_phases(shape: LightningShape, keys: Iterable[str], verify: bool, n_lines: int) -> list[PhaseCost]:
    d, a = shape.d, shape.a
    out = []
    for key in keys:
        if key == "linear":
            continue
        gens, terms, wwork = family_size(key, d, a, n_lines)
        nvars = d * d * (d + 1) // 2 if shape.t >= 2 else math.comb(d + 2, 3)
        factor = 2 if verify else 1  # the symbolic check rebuilds the family over the parameters
        seconds = factor * _f(terms) / _TERM_RATE + _f(wwork) / _PYTHON_RATE
        out.append(PhaseCost(f"families: {key}", gens, terms * _term_bytes(nvars), seconds,
                             f"{_count(gens)} generators, about {_count(terms)} polynomial terms"))
    return out


def _dimension_phase(shape: LightningShape) -> PhaseCost:
    rows_full = shape.dprime * shape.d ** 3
    entries = rows_full * shape.n_params
    # float Jacobian + SVD copies; object Jacobian at an integer point (twice) + fmpz/nmod matrices
    b = entries * 8 * 4 + entries * _OBJECT_ENTRY_BYTES * 3
    # object-array einsums: 2 a d updates of d' d^3 entries each, then exact ranks
    secs = _f(2 * shape.a * shape.d * rows_full * 3) / (20 * _PYTHON_RATE) \
        + _f(reduced_coordinate_count(shape) * shape.n_params ** 2) / (_NULLSPACE_RATE / 100)
    return PhaseCost("dimension", entries, b, secs, f"Jacobian {rows_full} x {shape.n_params}")


def _coverage_phase(shape: LightningShape, k: int, n: int, sizes: dict[int, int], keys: list[str], n_lines: int,
                    whole_resultants: bool) -> PhaseCost:
    from .families import family_info

    monos = sum(c * m for c, m in sizes.items())
    rows = entries = mixed_rows = used = 0
    for key in keys:
        degs = family_info(key).degree(shape.d, shape.a) if key != "linear" else ()
        if not degs or min(degs) > k:
            continue
        used += 1
        gens, terms, _ = family_size(key, shape.d, shape.a, n_lines)
        mult = math.comb(n + k - min(degs) - 1, k - min(degs))
        rows += gens * mult
        entries += terms * mult
        if key == "resultant" and whole_resultants and k >= 4:
            mixed_rows += gens * mult
    spans = 1 + 2 * used  # all families, each alone, each left out
    b = monos * _INDEX_BYTES + entries * _ROW_ENTRY_BYTES
    secs = _f(entries) / _PYTHON_RATE * (1 + spans)
    if mixed_rows:  # one dense matrix over all monomials
        b += rows * monos * _MATRIX_ENTRY_BYTES
        secs += spans * _f(rows * monos * min(rows, monos)) / _NULLSPACE_RATE
    else:  # rows spread over the classes in proportion to their sizes
        biggest = 0
        for c, mult in sizes.items():
            r = rows * c // max(monos, 1) + 1
            biggest = max(biggest, r * c)
            secs += spans * mult * (_f(r * c * min(r, c)) / _NULLSPACE_RATE + _f(r * c) / (50 * _PYTHON_RATE))
        b += biggest * _MATRIX_ENTRY_BYTES
    return PhaseCost(f"coverage: degree {k}", rows, b, secs,
                     f"{_count(rows)} generator multiples against {_count(monos)} monomials")


def _implicitization_phase(k: int, n: int, sizes: dict[int, int]) -> PhaseCost:
    monos = sum(c * m for c, m in sizes.items())
    c = max(sizes)
    squares = sum(x * x * m for x, m in sizes.items())
    cubes = sum(x ** 3 * m for x, m in sizes.items())
    # monomials + null-space bases (about a fifth of each class) + the largest evaluation matrix
    b = monos * _MONOMIAL_BYTES + squares * 8 // 2 + (c + 8) * c * _MATRIX_ENTRY_BYTES
    secs = _f(monos) * 8 / _PYTHON_RATE + _f(cubes + 200 * squares) / _NULLSPACE_RATE
    ncls = sum(sizes.values())
    return PhaseCost(f"implicitization: degree {k}", monos, b, secs,
                     f"{_count(monos)} monomials in {n} coordinates, {_count(ncls)} weight classes, largest {_count(c)}")


def estimate_compute_cost(shape: LightningShape, max_degree: int, *, verify: bool = True, coverage: bool = True,
                          families: Iterable[str] | None = None, n_lines: int = 12,
                          whole_resultants: bool = False) -> CostEstimate:
    """Estimate every phase of ``expressivity invariants`` (see module docstring).

    Examples
    --------
    >>> est = estimate_compute_cost(LightningShape(3, 2, 2), 4)
    >>> est.peak_bytes < 2 ** 30, est.biggest_class
    (True, 297)
    >>> est = estimate_compute_cost(LightningShape(100, 100, 2), 4)
    >>> est.peak_bytes > 2 ** 40
    True
    """
    from .families import applicable_families

    if max_degree < 1:
        raise InvalidInputError(f"max_degree must be >= 1, got {max_degree}")
    d, t = shape.d, shape.t
    keys = list(applicable_families(d, shape.a, t))
    cov_keys = [k for k in (families if families is not None else keys) if k in keys]
    n = reduced_coordinate_count(shape)
    N = coefficient_count(d, t)
    lin = linear_relation_count(d, t)
    phases = [PhaseCost("setup", N, 0, 0.0, f"N(d,t) = {N} coefficients per output entry, {lin} linear relations")]
    if lin * N <= 10 ** 8:  # the relations are built only for the verification of small cases
        phases.append(PhaseCost("linear relations", lin, lin * N * 8 * (2 if verify else 1), lin * N / _PYTHON_RATE,
                                f"{lin} relations of length {N}"))
    phases.append(_dimension_phase(shape))
    phases.extend(_family_phases(shape, keys, verify, n_lines))
    biggest = 0
    for k in range(1, max_degree + 1):
        monos = math.comb(n + k - 1, k)
        if monos * _MONOMIAL_BYTES > 64 * DEFAULT_MAX_MEMORY:  # far beyond any limit: stop counting
            phases.append(PhaseCost(f"implicitization: degree {k}", monos, monos * _MONOMIAL_BYTES,
                                    _f(monos) / _PYTHON_RATE, f"{_count(monos)} monomials in {n} coordinates"))
            biggest = max(biggest, -(-monos // _class_count_bound(shape, k)))
            break
        exact = weight_class_sizes(shape, k)
        if exact is not None:
            sizes = dict(Counter(exact))
        else:  # too many classes to count: pigeonhole lower bound for the largest class
            ncls = _class_count_bound(shape, k)
            sizes = {-(-monos // ncls): ncls}
        biggest = max(biggest, max(sizes))
        phases.append(_implicitization_phase(k, n, sizes))
        if coverage and shape.dprime == 1:
            phases.append(_coverage_phase(shape, k, n, sizes, cov_keys, n_lines, whole_resultants))
    return CostEstimate(shape, max_degree, tuple(phases), biggest)


_EVAL_RATE = {"exact": 2.0e5, "numeric": 1.0e6}  # ring multiplications per second at one point


def _det_work(k: int) -> int:
    return k * 2 ** max(k - 1, 0) if k < 64 else _BIG


def family_eval_work(key: str, d: int, a: int, n_lines: int = 12) -> int:
    """Ring multiplications to evaluate family ``key`` at one point (determinants are not expanded).

    The one-off polynomial work of the context-syzygy weights is not included (see
    :func:`family_size`, third entry).

    Examples
    --------
    >>> family_eval_work("low_rank", 3, 1) == 45 * 2 * 2
    True
    """
    m = d * (d + 1) // 2
    gens = family_size(key, d, a, n_lines)[0]
    if key == "low_rank":
        return gens * _det_work(a + 1)
    if key == "single_low_rank":
        return gens * _det_work(2 * a + 2)
    if key == "cross_column":
        return gens * 72
    if key in ("context_syzygy_maximal", "context_syzygy_submaximal"):
        k = d if key == "context_syzygy_maximal" else d - 1
        return gens * (m if m < 64 else _BIG) + gens * _det_work(k)
    if key == "veronese":
        dets = sum(math.comb(d, r) ** 2 * math.comb(2 * r - 1, r) * _det_work(r) for r in range(2, min(d, a) + 1))
        return 4 * gens + dets
    if key == "resultant":
        return gens * 24 + n_lines * 3 * d * d * d
    if key == "slice_pair_minors":
        return gens * 4 * _det_work(4)
    if key == "brill_hessian":
        return gens * 2 + (gens // 45) * (10 * 27 + 27 * _det_work(3))
    if key == "lie_flattening":
        if gens:
            return gens * _det_work(d * d - 1)
        rows, cols = math.comb(d + 2, 3), d * d - 1  # exact rank test instead of generators
        return rows * cols * min(rows, cols)
    return 0


def estimate_check_point_seconds(shape: LightningShape, families: Iterable[str] | None = None,
                                 exact: bool = True) -> tuple[float, str]:
    """Estimated seconds of :func:`expressivity.attention.check_point` and the costliest family.

    Counts ring multiplications (:func:`family_eval_work`) per output row and converts them
    with a measured rate (exact ``Fraction`` arithmetic is slower than floats).

    Examples
    --------
    >>> estimate_check_point_seconds(LightningShape(3, 2, 2))[0] < 10
    True
    >>> estimate_check_point_seconds(LightningShape(40, 40, 2))[0] > 1e6
    True
    """
    from .families import applicable_families

    rate = _EVAL_RATE["exact" if exact else "numeric"]
    keys = [k for k in (families or applicable_families(shape.d, shape.a, shape.t)) if k != "linear"]
    worst, worst_key = 0.0, "linear"
    total = _f(shape.dprime * shape.d ** 3 * 4) / rate  # the linear relations / symmetry checks
    for key in keys:
        secs = shape.dprime * _f(family_eval_work(key, shape.d, shape.a)) / rate \
            + _f(family_size(key, shape.d, shape.a)[2]) / _PYTHON_RATE
        total += secs
        if secs > worst:
            worst, worst_key = secs, key
    return total, worst_key
