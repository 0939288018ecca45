"""Rueß et al. (R+26) certificates: MAX_n as a rational combination of symmetrised 2-layer blocks.

Building block (R+26): for multisets ``A``, ``B`` of ``k`` index pairs ``(i, j)``
(diagonal pairs allowed), ``Phi_{A,B}(x) = max{sum_{(i,j) in A} max(x_i, x_j),
sum_{(i,j) in B} max(x_i, x_j)}`` -- two hidden layers.  Its symmetrisation
``F_{A,B}(x) = sum_{sigma in S_n} Phi_{A,B}(sigma x)`` is a symmetric function, and a
symmetric identity holds on R^n iff it holds on the sorted cone ``C = {x_1 <= ... <= x_n}``
(R+26 Prop. 3.1).  On ``C`` each ``max(x_i, x_j)`` is a single coordinate, so ``F_{A,B}`` is a
linear part plus an integer combination of hinges ``relu(d^T x)``.

:func:`sorted_cone_expansion` computes that expansion exactly (dropping hinges of constant
sign on ``C``, identifying ``d`` with ``-d`` via ``relu(-t) = relu(t) - t`` and merging positive
multiples).  Because distinct hinges whose kinks cross the interior of ``C`` are linearly
independent modulo linear functions, ``max{x_1..x_n} = sum lambda_T F_T`` holds iff every
hinge coefficient cancels and the linear parts add up to ``x_n`` (R+26 Prop. 2.1): a linear
system over Q.  :func:`check_certificate` decides it exactly; :func:`search_certificate`
looks for rational coefficients over a pool of candidate templates.

Examples
--------
>>> cert = ruess_max6_certificate()
>>> check_certificate(cert).valid
True
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import flint

from .._jsonfile import read_json_file
from .._random import as_rng
from ..exceptions import CertificateError, ComputationTooLargeError, InvalidInputError
from ..linalg_exact import solve_exact
from ..numbers import to_fraction
from ..progress import Progress

__all__ = [
    "Template",
    "Certificate",
    "CertificateCheck",
    "Expansion",
    "sorted_cone_expansion",
    "check_certificate",
    "ruess_max6_certificate",
    "enumerate_templates",
    "sample_templates",
    "SearchResult",
    "search_certificate",
    "known_certificate",
    "stored_certificate_sizes",
]

#: Largest n for which sorted-cone expansions are computed (the sum runs over injective maps).
MAX_CERT_N = 12


def _pair(p: Sequence[int]) -> tuple[int, int]:
    if len(p) != 2:
        raise InvalidInputError(f"a pair must have two indices, got {p!r}")
    i, j = int(p[0]), int(p[1])
    return (i, j) if i <= j else (j, i)


@dataclass(frozen=True)
class Template:
    """A block ``Phi_{A,B}``: two multisets of index pairs (0-based), each of size ``k``."""

    A: tuple[tuple[int, int], ...]
    B: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        A = tuple(sorted(_pair(p) for p in self.A))
        B = tuple(sorted(_pair(p) for p in self.B))
        if len(A) != len(B) or not A:
            raise InvalidInputError(f"A and B must be non-empty with the same number of pairs, got {len(A)} and {len(B)}")
        if any(i < 0 for p in A + B for i in p):
            raise InvalidInputError("pair indices must be non-negative (0-based)")
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "B", B)

    @property
    def k(self) -> int:
        return len(self.A)

    @property
    def indices(self) -> tuple[int, ...]:
        return tuple(sorted({i for p in self.A + self.B for i in p}))

    def to_json(self) -> dict:
        return {"A": [list(p) for p in self.A], "B": [list(p) for p in self.B]}


@dataclass(frozen=True)
class Certificate:
    """``max{x_1..x_n} = sum_T coefficient_T * F_T`` with ``F_T`` the symmetrised block."""

    n: int
    terms: tuple[tuple[Template, Fraction], ...]

    def to_json(self) -> dict:
        return {"n": self.n, "terms": [{**t.to_json(), "coefficient": str(c)} for t, c in self.terms]}

    @classmethod
    def from_json(cls, data: dict) -> "Certificate":
        try:
            n = data["n"]
            if isinstance(n, bool) or not isinstance(n, int):
                raise TypeError(f"n must be an integer, got {type(n).__name__}")
            terms = tuple((Template(tuple(map(tuple, t["A"])), tuple(map(tuple, t["B"]))),
                           to_fraction(t["coefficient"], where=f"terms[{i}].coefficient"))
                          for i, t in enumerate(data["terms"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise CertificateError(f"malformed certificate: {str(exc)[:300]}; "
                                   "expected {'n': int, 'terms': [{'A', 'B', 'coefficient'}]}") from None
        return cls(n, terms)


@dataclass(frozen=True)
class Expansion:
    """``F_{A,B}`` on the sorted cone: ``linear . x + sum_h hinges[h] * relu(h . x)``."""

    linear: tuple[int, ...]
    hinges: dict = field(default_factory=dict)


def _hinge(d: Sequence[int]) -> tuple[str, tuple[int, ...] | None, int]:
    """Classify ``relu(d.x)`` on the sorted cone (``sum d = 0``).

    In the coordinates ``y_j = x_j - x_{j-1} >= 0`` (j >= 2) one has ``d.x = sum_j y_j D_j`` with
    suffix sums ``D_j``; the sign is constant on C iff all ``D_j`` have one sign.  Returns
    ``("lin", None, 0)`` (relu = d.x on C), ``("zero", None, 0)``, or ``("hinge", key, g)``
    with ``d = g * key``, ``key`` primitive, ``g`` > 0 when the leading nonzero ``D_j`` is
    positive and ``g < 0`` otherwise (then ``key`` is ``-d/|g|``, normalised).
    """
    n = len(d)
    D = [0] * n
    s = 0
    for j in range(n - 1, 0, -1):
        s += d[j]
        D[j] = s
    pos = any(v > 0 for v in D)
    neg = any(v < 0 for v in D)
    if not neg:
        return ("lin", None, 0)
    if not pos:
        return ("zero", None, 0)
    g = math.gcd(*d)
    lead = next(v for v in D[1:] if v != 0)
    if lead > 0:
        return ("hinge", tuple(v // g for v in d), g)
    return ("hinge", tuple(-v // g for v in d), -g)


def local_pairs(t: "Template", n: int) -> tuple[int, list, list, int]:
    """``(u, A, B, (n - u)!)``: the template's pairs relabelled onto 0..u-1, where u is the number of
    indices it uses; (n - u)! maps of S_n induce each injective labelling of those indices."""
    idx = t.indices
    if idx[-1] >= n:
        raise InvalidInputError(f"template uses index {idx[-1]} but n = {n} (indices are 0-based)")
    pos = {v: k for k, v in enumerate(idx)}
    A = [(pos[i], pos[j]) for i, j in t.A]
    B = [(pos[i], pos[j]) for i, j in t.B]
    return len(idx), A, B, math.factorial(n - len(idx))


def sorted_cone_expansion(t: Template, n: int) -> Expansion:
    """Exact expansion of ``F_{A,B} = sum_sigma Phi_{A,B}(sigma x)`` on ``x_1 <= ... <= x_n``.

    The sum over ``S_n`` is taken over injective maps of the template's indices, each counted
    ``(n - u)!`` times (``u`` the number of distinct indices used).  Hinge keys are primitive
    integer vectors whose leading suffix sum is positive (``d`` and ``-d`` identified through
    ``relu(-t) = relu(t) - t``).

    Examples
    --------
    ``A = B`` gives a linear function: ``F = sum_sigma max(x_sigma(0), x_sigma(1))``, which is
    ``2 q (n-2)! x_q`` summed over q on the sorted cone.

    >>> e = sorted_cone_expansion(Template(((0, 1),), ((0, 1),)), 3)
    >>> e.linear, e.hinges
    ((0, 2, 4), {})
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise InvalidInputError(f"n must be an integer >= 2, got {n!r}")
    if n > MAX_CERT_N:
        raise ComputationTooLargeError(f"n = {n} > {MAX_CERT_N}: the sorted-cone expansion sums over n!/(n-u)! maps")
    u, A, B, mult = local_pairs(t, n)
    lin = [0] * n
    hinges: Counter = Counter()
    for img in itertools.permutations(range(n), u):
        d = [0] * n
        for i, j in A:
            q = max(img[i], img[j])
            d[q] -= 1
            lin[q] += mult
        for i, j in B:
            d[max(img[i], img[j])] += 1
        # max(la, lb) = la + relu(lb - la)
        kind, key, g = _hinge(d)
        if kind == "lin":
            for q in range(n):
                lin[q] += mult * d[q]
        elif kind == "hinge":
            hinges[key] += mult * abs(g)
            if g < 0:  # relu(d.x) = |g| relu(key.x) + d.x with key = -d/|g|
                for q in range(n):
                    lin[q] += mult * d[q]
    return Expansion(tuple(lin), {h: c for h, c in hinges.items() if c != 0})


@dataclass(frozen=True)
class CertificateCheck:
    """Outcome of :func:`check_certificate`: exact residuals of the identity on the sorted cone."""

    valid: bool
    linear_residual: tuple[Fraction, ...]
    hinge_residual: dict
    n: int

    def to_json(self) -> dict:
        return {"valid": self.valid, "n": self.n, "linear_residual": [str(v) for v in self.linear_residual],
                "hinge_residual": {str(list(k)): str(v) for k, v in self.hinge_residual.items()}}


def _expansion_columns(templates: Sequence[Template], n: int) -> tuple[list[list[Fraction]], list[Counter]]:
    lins, hs = [], []
    for t in templates:
        e = sorted_cone_expansion(t, n)
        lins.append([Fraction(v) for v in e.linear])
        hs.append(e.hinges)
    return lins, hs


def check_certificate(cert: Certificate) -> CertificateCheck:
    """Decide exactly whether ``sum_T c_T F_T = max{x_1..x_n}`` on R^n (via the sorted cone).

    Examples
    --------
    >>> bad = Certificate(6, tuple((t, 2 * c) for t, c in ruess_max6_certificate().terms))
    >>> check_certificate(bad).valid
    False
    """
    if not isinstance(cert, Certificate) or not cert.terms:
        raise CertificateError("a certificate needs at least one term")
    n = cert.n
    lin = [Fraction(0)] * n
    hinge: Counter = Counter()
    lins, hs = _expansion_columns([t for t, _ in cert.terms], n)
    for (t, c), l, h in zip(cert.terms, lins, hs):
        c = Fraction(c)
        for q in range(n):
            lin[q] += c * l[q]
        for key, v in h.items():
            hinge[key] += c * v
    target = [Fraction(0)] * (n - 1) + [Fraction(1)]
    res = tuple(lin[q] - target[q] for q in range(n))
    hres = {k: v for k, v in hinge.items() if v != 0}
    return CertificateCheck(all(v == 0 for v in res) and not hres, res, hres, n)


def ruess_max6_certificate() -> Certificate:
    """The explicit n = 6 certificate of R+26 Sec. 4, 0-based indices."""
    T = Template
    return Certificate(6, (
        (T(((0, 1), (0, 1)), ((2, 3), (2, 3))), Fraction(1, 720)),
        (T(((0, 1), (0, 2)), ((0, 3), (4, 5))), Fraction(1, 360)),
        (T(((0, 1), (0, 2)), ((3, 4), (3, 5))), Fraction(-1, 1440)),
        (T(((0, 1), (2, 3)), ((0, 2), (4, 5))), Fraction(-1, 360)),
    ))


# ---------------------------------------------------------------------------------- search
def _normal_form(pairs: Sequence[tuple[int, int]]) -> tuple:
    """Relabel indices in order of first appearance (a cheap partial canonical form)."""
    lab: dict[int, int] = {}
    out = []
    for p in pairs:
        q = []
        for i in p:
            if i not in lab:
                lab[i] = len(lab)
            q.append(lab[i])
        out.append(tuple(sorted(q)))
    return tuple(out)


def sample_templates(n: int, k: int, count: int, *, seed: int | None = 0, diagonal: bool = False) -> list[Template]:
    """``count`` distinct random templates (first-appearance normal form), for large ``n, k``."""
    rng = as_rng(seed)
    pairs = [(i, j) for i in range(n) for j in range(i if diagonal else i + 1, n)]
    seen: set = set()
    out: list[Template] = []
    tries = 0
    while len(out) < count and tries < 50 * count:
        tries += 1
        pick = [pairs[int(i)] for i in rng.integers(len(pairs), size=2 * k)]
        nf = _normal_form(pick)
        A, B = tuple(sorted(nf[:k])), tuple(sorted(nf[k:]))
        if A == B:
            continue
        key = (A, B) if A <= B else (B, A)
        if key not in seen:
            seen.add(key)
            out.append(Template(*key))
    return out


def enumerate_templates(n: int, k: int, *, diagonal: bool = False) -> list[Template]:
    """Templates ``(A, B)`` with ``k`` pairs each on indices ``0..n-1``, up to swapping ``A, B``
    and relabelling in order of first appearance (not a full canonical form: some isomorphic
    templates remain, which only costs time).  ``A = B`` (linear blocks) is excluded."""
    if k < 1 or n < 2:
        raise InvalidInputError("need n >= 2 and k >= 1")
    pairs = [(i, j) for i in range(n) for j in range(i if diagonal else i + 1, n)]
    multisets = list(itertools.combinations_with_replacement(pairs, k))
    seen = set()
    out = []
    for a in multisets:
        for b in multisets:
            if a == b:
                continue
            for first, second in ((a, b), (b, a)):
                nf = _normal_form(first + second)
                if max(max(p) for p in nf) >= n:
                    continue
                A, B = tuple(sorted(nf[:k])), tuple(sorted(nf[k:]))
                key = (A, B) if A <= B else (B, A)
                if key not in seen:
                    seen.add(key)
                    out.append(Template(*key))
    return out


@dataclass(frozen=True)
class SearchResult:
    """Outcome of :func:`search_certificate`."""

    n: int
    k: int
    found: bool
    certificate: Certificate | None
    templates_tried: int
    distinct_hinges: int
    seconds: float
    message: str

    def to_json(self) -> dict:
        return {"n": self.n, "k": self.k, "found": self.found, "templates_tried": self.templates_tried,
                "distinct_hinges": self.distinct_hinges, "seconds": round(self.seconds, 3), "message": self.message,
                "certificate": self.certificate.to_json() if self.certificate else None}


_P = 2_147_483_629  # a prime below 2^31 for the modular pre-screen


def _solve_support(lins, hs, n) -> list[int] | None:
    """Columns of an exact solution (pivot columns mod p of the augmented system), or None."""
    keys = sorted({h for h in itertools.chain.from_iterable(hs)})
    kidx = {h: i for i, h in enumerate(keys)}
    rows = n + len(keys)
    m = len(lins)
    mat = [[0] * (m + 1) for _ in range(rows)]
    for c, (l, h) in enumerate(zip(lins, hs)):
        for q in range(n):
            mat[q][c] = l[q]
        for key, v in h.items():
            mat[n + kidx[key]][c] = v
    mat[n - 1][m] = 1

    def mod(v: Fraction) -> int:
        return int(v.numerator * pow(v.denominator, -1, _P)) % _P

    M = flint.nmod_mat(rows, m + 1, [mod(Fraction(v)) for r in mat for v in r], _P)
    R = M.rref()[0]
    piv = []
    for i in range(rows):
        j = next((j for j in range(m + 1) if int(R[i, j]) != 0), None)
        if j is None:
            break
        piv.append(j)
    if m in piv:
        # inconsistent mod p.  NOT a proof over Q (an integer system can be consistent over Q and
        # inconsistent mod p, e.g. p*x = 1); exact infeasibility needs a vector y, see
        # certificate_modular.infeasibility_vector
        return None
    return piv


def search_certificate(n: int, *, k: int | None = None, templates: Sequence[Template] | None = None,
                       batch: int = 400, max_templates: int | None = None, time_limit: float = 60.0,
                       seed: int | None = 0, progress: bool = False) -> SearchResult:
    """Search rational ``lambda`` with ``max{x_1..x_n} = sum lambda_T F_T`` (R+26 Prop. 2.1).

    Candidate templates (all of :func:`enumerate_templates` ``(n, k)`` in a seeded random order,
    or the given list) are added in batches; after each batch the system is screened modulo a
    prime, and when it is consistent there the pivot columns are solved exactly over Q and
    the result is re-checked with :func:`check_certificate`.  ``k`` defaults to
    ``floor((n-1)/2)``, the minimum allowed by the simplex obstruction (R+26 Cor. 4.3).

    Running out of time or templates is not an error: the result has ``found=False`` and a
    message saying which limit was hit.
    """
    t0 = time.perf_counter()
    if isinstance(n, bool) or not isinstance(n, int) or n < 3:
        raise InvalidInputError(f"n must be an integer >= 3, got {n!r}")
    k = max(1, (n - 1) // 2) if k is None else k
    if templates is None:
        npairs = n * (n - 1) // 2
        if math.comb(npairs + k - 1, k) ** 2 <= 200_000:
            pool = enumerate_templates(n, k)
            order = as_rng(seed).permutation(len(pool))
            pool = [pool[i] for i in order]
        else:  # too many to list: a seeded random sample
            pool = sample_templates(n, k, max_templates or 20_000, seed=seed)
    else:
        pool = list(templates)
    if max_templates is not None:
        pool = pool[:max_templates]
    chosen: list[Template] = []
    lins: list = []
    hs: list = []
    seen_cols: set = set()
    msg = ""
    with Progress(len(pool), f"certificate search n={n} k={k}", enabled=progress) as prog:
        for start in range(0, len(pool), batch):
            for t in pool[start:start + batch]:
                e = sorted_cone_expansion(t, n)
                lin, h = list(e.linear), e.hinges
                colkey = (tuple(lin), tuple(sorted(h.items())))
                if colkey in seen_cols or (not h and not any(lin)):
                    continue
                seen_cols.add(colkey)
                chosen.append(t)
                lins.append(lin)
                hs.append(h)
                if time.perf_counter() - t0 > time_limit:
                    break
            prog.update(min(batch, len(pool) - start), extra=f"{len(chosen)} distinct columns")
            piv = _solve_support(lins, hs, n)
            nh = len({x for h in hs for x in h})
            if piv is not None:
                sub = [chosen[j] for j in piv]
                cert = _exact_solve(sub, [lins[j] for j in piv], [hs[j] for j in piv], n)
                if cert is not None and check_certificate(cert).valid:
                    return SearchResult(n, k, True, cert, start + batch, nh, time.perf_counter() - t0,
                                        f"found with {len(cert.terms)} templates")
            if time.perf_counter() - t0 > time_limit:
                msg = f"time limit {time_limit} s reached"
                break
        else:
            msg = ("candidate pool exhausted: MAX_n is not in the span of these templates modulo a prime "
                   "(evidence, not an exact proof; run_certificate_search(space='all') gives an exact vector y)")
    nh = len({x for h in hs for x in h})
    return SearchResult(n, k, False, None, len(chosen), nh, time.perf_counter() - t0, msg)


def _exact_solve(templates, lins, hs, n) -> Certificate | None:
    keys = sorted({h for h in itertools.chain.from_iterable(hs)})
    kidx = {h: i for i, h in enumerate(keys)}
    m = len(templates)
    A = [[Fraction(0)] * m for _ in range(n + len(keys))]
    for c, (l, h) in enumerate(zip(lins, hs)):
        for q in range(n):
            A[q][c] = Fraction(l[q])
        for key, v in h.items():
            A[n + kidx[key]][c] = Fraction(v)
    b = [Fraction(0)] * len(A)
    b[n - 1] = Fraction(1)
    sol = solve_exact(A, b)
    if sol is None:
        return None
    return Certificate(n, tuple((t, c) for t, c in zip(templates, sol) if c != 0))


def stored_certificate_sizes() -> tuple[int, ...]:
    """The ``n`` with a certificate available from :func:`known_certificate` (6 is the published one).

    Examples
    --------
    >>> {6, 7, 8} <= set(stored_certificate_sizes())
    True
    """
    from pathlib import Path

    data = Path(__file__).with_name("data")
    found = {int(p.name[3:].split("_")[0]) for p in data.glob("max*_certificate.json") if p.name[3:].split("_")[0].isdigit()}
    return tuple(sorted(found | {6}))


def known_certificate(n: int) -> Certificate:
    """A stored certificate: n = 6 (R+26, published) or a larger n found by our own search and stored
    in ``expressivity/relu/data`` (n = 7, 8 by :func:`search_certificate` with ``seed=0``; n >= 9 by
    :func:`~expressivity.relu.certificate_search.run_certificate_search`).  Re-check with
    :func:`check_certificate` or ``python -m proofs.certificate_check FILE``."""
    if n == 6:
        return ruess_max6_certificate()
    sizes = stored_certificate_sizes()
    if n not in sizes:
        raise InvalidInputError(f"no stored certificate for n = {n}; stored: {', '.join(map(str, sizes))} "
                                "(search with expressivity depth certificate-run)")
    from pathlib import Path

    path = Path(__file__).with_name("data") / f"max{n}_certificate.json"
    try:
        return Certificate.from_json(read_json_file(path, CertificateError, "stored certificate"))
    except OSError as exc:  # pragma: no cover - broken installation
        raise CertificateError(f"cannot read the stored certificate {path}: {exc}") from None
