"""PuLP model of the HBDSS23 depth MIP (HBDSS23 Sec. 2) for general n, with export and sizes.

The model, for the rays ``S`` of H_n and the one-hidden-layer basis ``B^(1)``::

    max   sum_S (-1)^{|S|} y_S                       (= phi_n(sigma o g))
    s.t.  y_S >= g_S(a)                              g_S(a) = sum_M G[S, M] a_M
          y_S <= M_S z_S
          y_S <= g_S(a) + M_S (1 - z_S)
          g_S(a) >= -M_S (1 - z_T),  g_T(a) >= -M_T (1 - z_S)     for nested S < T
          a in [-1, 1]^|B|,  z binary,  y >= 0 (as bounds)

**Big-M.** Over the box, ``|g_S(a)| <= sum_M |G[S, M]| =: L_S`` exactly (the bound is attained at
``a = sign(G[S])``).  Every big-M role above needs ``M >= L_S`` and nothing more: ``y_S <= M z_S``
must allow ``y_S = g_S <= L_S``; ``y_S <= g_S + M`` must allow ``y_S = 0 >= g_S`` i.e.
``g_S >= -M``; and the conformity rows must be slack when ``z = 0``, i.e. ``g >= -M``.  So
``big_m="uniform"`` uses ``M = max_S L_S`` (14 for n = 4; the paper uses 15),
``big_m="per_row"`` uses ``M_S = L_S`` (tighter LP relaxation), and a number is accepted only
when it is ``>= max_S L_S`` (a smaller M silently cuts off solutions: refused).

``tightened=True`` gives the per-row model plus symmetry breaking on one orbit: the rays
``r = e_i`` (``S = [n]_0 minus {i}``) form a single orbit under the input permutations S_n, which
map feasible points to feasible points with the same objective.  If some ``z_{e_i} = 1``, a
permutation taking ``i`` to 1 gives an equally good point with ``z_{e_1} = 1``; hence the rows
``z_{e_i} <= z_{e_1}`` keep an optimal point.  (Only one orbit is broken: combining breaks of
different orbits needs a compatibility argument.)
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

from .._io import atomic_write_bytes
from ..exceptions import InvalidInputError
from .hbdss_data import HBDSSData, hbdss_data

__all__ = ["ModelSize", "HBDSSModel", "build_hbdss_model", "model_size", "export_model", "export_format", "mps_size"]

Sense = Literal["max", "min"]


@dataclass(frozen=True)
class ModelSize:
    """Counts in the MPS convention: ``rows`` excludes the objective, bounds are not rows."""

    columns: int
    binaries: int
    continuous: int
    rows: int
    nonzeros: int

    def to_json(self) -> dict:
        return dict(columns=self.columns, binaries=self.binaries, continuous=self.continuous,
                    rows=self.rows, nonzeros=self.nonzeros)


@dataclass(frozen=True)
class HBDSSModel:
    """A built PuLP model with its data and variables.

    Attributes
    ----------
    problem : pulp.LpProblem
    data : HBDSSData
    a, z, y : tuple of pulp.LpVariable
        In the order of ``data.basis`` / ``data.rays``.
    big_m : tuple of int
        The big-M of each ray's rows.
    sense : {"max", "min"}
    tightened : bool
    """

    problem: object
    data: HBDSSData
    a: tuple
    z: tuple
    y: tuple
    big_m: tuple[int, ...]
    sense: str
    tightened: bool = False
    size: ModelSize = field(default=None)  # type: ignore[assignment]


def _big_m(data: HBDSSData, big_m: object) -> tuple[int, ...]:
    L = data.row_l1()
    bound = max(L)
    if big_m == "uniform":
        return tuple(bound for _ in L)
    if big_m == "per_row":
        return L
    if isinstance(big_m, bool) or not isinstance(big_m, (int, Fraction)):
        raise InvalidInputError(f"big_m must be 'uniform', 'per_row' or an exact number >= {bound}, got {big_m!r}")
    if big_m < bound:
        raise InvalidInputError(
            f"big_m = {big_m} is smaller than max_S sum_M |G[S, M]| = {bound}, the exact bound on |g_S(a)| over the box; "
            "a smaller M would cut off feasible networks. Use big_m='uniform' (CLI: --big-m uniform, the default) or a value >= the bound"
        )
    return tuple(int(big_m) if isinstance(big_m, int) else big_m for _ in L)


def build_hbdss_model(n: int = 4, *, big_m: object = "uniform", sense: Sense = "max", tightened: bool = False) -> HBDSSModel:
    """Build the HBDSS MIP for ``n`` inputs as a :class:`pulp.LpProblem`.

    Parameters
    ----------
    n : int
        Number of inputs (the target is ``max{0, x_1..x_n}``); the paper's case is 4.
    big_m : {"uniform", "per_row"} or int
        See the module docstring; ``tightened=True`` forces ``"per_row"``.
    sense : {"max", "min"}
        Direction of ``phi``.  For even n the two are equivalent (sign flip of the first layer).
    tightened : bool
        Per-row big-M plus symmetry breaking on the orbit of the rays ``e_i``.

    Examples
    --------
    >>> m = build_hbdss_model(4, big_m=15)
    >>> m.size
    ModelSize(columns=74, binaries=30, continuous=44, rows=390, nonzeros=2658)
    """
    import pulp

    if sense not in ("max", "min"):
        raise InvalidInputError(f"sense must be 'max' or 'min', got {sense!r}")
    data = hbdss_data(n)
    Ms = _big_m(data, "per_row" if tightened else big_m)
    prob = pulp.LpProblem(f"hbdss_n{n}_{sense}", pulp.LpMaximize if sense == "max" else pulp.LpMinimize)
    a = tuple(prob.add_variable(f"a_{j}", -1, 1) for j in range(data.n_basis))
    z = tuple(prob.add_variable(f"z_{s}", cat=pulp.LpBinary) for s in range(data.n_rays))
    y = tuple(prob.add_variable(f"y_{s}", 0) for s in range(data.n_rays))
    act = [pulp.lpSum(c * a[j] for j, c in enumerate(row) if c) for row in data.G]
    prob += pulp.lpSum(sg * y[s] for s, sg in enumerate(data.signs)), "phi"
    for s in range(data.n_rays):
        M = Ms[s]
        prob += y[s] >= act[s], f"relu_lo_{s}"
        prob += y[s] <= M * z[s], f"relu_on_{s}"
        prob += y[s] <= act[s] + M * (1 - z[s]), f"relu_up_{s}"
    for s, t in data.pairs:
        prob += act[s] >= Ms[s] * (z[t] - 1), f"conf_{s}_{t}"
        prob += act[t] >= Ms[t] * (z[s] - 1), f"conf_{t}_{s}"
    if tightened:
        full = frozenset(range(n + 1))
        unit = [data.rays.index(full - {i}) for i in range(1, n + 1)]  # r_S = e_i
        for s in unit[1:]:
            prob += z[s] <= z[unit[0]], f"symbreak_{s}"
    model = HBDSSModel(prob, data, a, z, y, Ms, sense, tightened)
    object.__setattr__(model, "size", model_size(prob))
    return model


def model_size(problem) -> ModelSize:
    """Columns, binaries, rows and constraint nonzeros of a PuLP problem (bounds are not rows)."""
    variables = problem.variables()
    binaries = sum(1 for v in variables if v.cat == "Integer" and v.lowBound == 0 and v.upBound == 1)
    cons = list(problem.constraints())  # PuLP >= 3.3: a list (the dict mapping is deprecated)
    nnz = sum(sum(1 for c in con.values() if c != 0) for con in cons)
    return ModelSize(len(variables), binaries, len(variables) - binaries, len(cons), nnz)


def export_model(model: HBDSSModel, path: str | os.PathLike) -> Path:
    """Write the model as fixed MPS (``.mps``) or CPLEX LP (``.lp``), chosen by the suffix.

    PuLP marks maximisation only by a ``*SENSE:Maximize`` comment line in MPS files (as the
    authors' ``mip.mps`` has no ``OBJSENSE``); readers that ignore it minimise, which for even n
    gives the same optimum 0 (sign flip of the first layer).  The file is written atomically
    (staged in a private temporary folder, then renamed into place).
    """
    p = Path(path)
    kind = export_format(p)
    with tempfile.TemporaryDirectory(prefix="expressivity-export-") as tmp:
        staged = Path(tmp) / f"model.{kind}"
        if kind == "mps":
            model.problem.writeMPS(str(staged))
        else:
            model.problem.writeLP(str(staged))
        return atomic_write_bytes(p, staged.read_bytes())


def export_format(path: str | os.PathLike) -> str:
    """``"mps"`` or ``"lp"`` from the suffix of ``path``; anything else is refused.

    Examples
    --------
    >>> export_format("model.MPS")
    'mps'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in (".mps", ".lp"):
        raise InvalidInputError(f"export path must end in .mps or .lp, got {Path(path).name!r}")
    return suffix[1:]


def mps_size(path: str | os.PathLike) -> ModelSize:
    """Count columns, integer columns, rows and nonzeros by reading an MPS file.

    An independent reader used to cross-check :func:`model_size` and the paper's ``mip.mps``
    header (74 columns, 30 integer, 390 rows, 2658 nonzeros for n = 4).
    """
    section = None
    rows: dict[str, str] = {}
    obj = None
    cols: dict[str, bool] = {}
    nnz = 0
    integer = False
    for line in Path(path).read_text().splitlines():
        if not line.strip() or line.startswith("*"):
            continue
        if not line[0].isspace():
            section = line.split()[0]
            continue
        parts = line.split()
        if section == "ROWS":
            rows[parts[1]] = parts[0]
            if parts[0] == "N" and obj is None:
                obj = parts[1]
        elif section == "COLUMNS":
            if len(parts) >= 3 and parts[1] == "'MARKER'":
                integer = parts[2] == "'INTORG'"
                continue
            name = parts[0]
            cols.setdefault(name, integer)
            for r, v in zip(parts[1::2], parts[2::2]):
                if r != obj and float(v) != 0.0:
                    nnz += 1
    n_int = sum(cols.values())
    return ModelSize(len(cols), n_int, len(cols) - n_int, sum(1 for r in rows if r != obj), nnz)
