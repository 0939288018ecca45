"""Scalable, resumable certificate search for MAX_n (R+26 Prop. 2.1), optionally on Dask.

The search walks a reproducible stream of canonical templates (one per isomorphism class,
:mod:`.certificate_canonical`), expands each on the sorted cone combinatorially
(:mod:`.certificate_expansion`), keeps the templates whose column enlarges the span (screened
on a sketch modulo a prime, :mod:`.certificate_modular`) and, as soon as the target ``x_n`` is in
the sketched span, solves for ``lambda`` modulo several primes with rational reconstruction.
A certificate is returned only after the exact integer re-check of the identity.

Outcomes (``RunResult.outcome``):

* ``"certificate"`` -- an exactly re-checked certificate;
* ``"infeasible"`` -- the whole template space was enumerated (``space="all"``) and an exact
  vector ``y`` with ``y^T M = 0``, ``y^T b != 0`` was found and re-checked against *every*
  template of the space: no certificate over that space exists;
* ``"exhausted-unproved"`` -- the stream ended but no exact ``y`` was obtained;
* ``"partial"`` -- a time, template or batch limit stopped the run; the checkpoint resumes it.

Checkpoints (``expressivity.relu-certificate-run/1``) hold the configuration, the number of
templates drawn and the kept templates; they are written atomically after each batch.  A
resumed run re-expands the kept templates, rebuilds the sketch and skips the drawn prefix of the
(deterministic) stream, so it ends exactly as an uninterrupted run would.

Examples
--------
>>> res = run_certificate_search(6, 2, space="all")
>>> res.outcome, res.certificate is not None
('certificate', True)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._io import atomic_write_text
from .._random import as_rng
from ..exceptions import CertificateError, InvalidInputError
from ..progress import Progress
from .certificate_canonical import canonical_template_stream, enumerate_canonical_templates
from .certificate_expansion import fast_sorted_cone_expansion
from .certificate_modular import Echelon, infeasibility_vector, sketch_column, sketch_primes, solve_by_primes

__all__ = ["RunResult", "run_certificate_search", "template_space_statement", "CHECKPOINT_FORMAT"]

CHECKPOINT_FORMAT = "expressivity.relu-certificate-run/1"
_PRIMES = sketch_primes(48)


def template_space_statement(n: int, k: int, space: str, seed: int, diagonal: bool) -> str:
    """Plain-words description of the searched template space (reproducible from it).

    ``space`` is ``"all"``, ``"sampled"`` (uniform pairs) or ``"stratified"`` (a uniform number
    of indices first).

    Examples
    --------
    >>> template_space_statement(6, 1, "all", 0, False)[:60]
    'all templates (A, B): A != B multisets of k = 1 off-diagonal'
    """
    return _statement(n, k, space, seed, diagonal)


def _statement(n: int, k: int, space: str, seed: int, diagonal: bool) -> str:
    pairs = "pairs {i,j} (i = j allowed)" if diagonal else "off-diagonal pairs {i,j}, i != j"
    body = f"A != B multisets of k = {k} {pairs} on {{1..{n}}}, up to relabelling and swapping A, B"
    if space == "all":
        return f"all templates (A, B): {body} (complete enumeration)"
    how = ("each of the 2k pairs drawn uniformly" if space == "sampled" else
           f"a number u of indices drawn uniformly from 2..{min(n, 4 * k)}, then each of the 2k pairs drawn "
           "uniformly on u indices")
    return (f"a seeded random stream of templates (A, B): {body}; {how} (numpy PCG64, seed {seed}), repeats "
            "of a canonical form skipped; the space searched is the prefix drawn")


def _expand_and_sketch(t, n: int, p: int, r: int):
    e = fast_sorted_cone_expansion(t, n)
    return e, sketch_column(e, p, r)


@dataclass
class RunResult:
    """Outcome of :func:`run_certificate_search` (``outcome`` as in the module docstring)."""

    n: int
    k: int
    outcome: str
    certificate: Any
    templates_drawn: int
    templates_kept: int
    sketch_rank: int
    seconds: float
    seconds_total: float
    space: str
    message: str
    infeasibility: dict | None = None
    history: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"n": self.n, "k": self.k, "outcome": self.outcome, "template_space": self.space,
                "templates_drawn": self.templates_drawn, "templates_kept": self.templates_kept,
                "sketch_rank": self.sketch_rank, "seconds": round(self.seconds, 2),
                "seconds_total": round(self.seconds_total, 2), "message": self.message,
                "method": "exact (modular screen; solution or infeasibility vector re-checked in integers)",
                "certificate": self.certificate.to_json() if self.certificate is not None else None,
                "infeasibility": self.infeasibility}


class _Mapper:
    """Expansion + sketch of a batch, locally or on a Dask cluster."""

    def __init__(self, workers: int | None, scheduler: str | None):
        self.client = None
        self.cluster = None
        if scheduler or workers:
            try:
                from dask.distributed import Client, LocalCluster
            except ImportError:  # pragma: no cover - optional extra
                raise InvalidInputError("--workers/--scheduler need dask[distributed] "
                                        "(pip install 'expressivity[distributed]')") from None
            if scheduler:
                self.client = Client(scheduler)
            else:
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=":0")
                self.client = Client(self.cluster)

    def __call__(self, templates, n: int, p: int, r: int) -> list:
        if self.client is None:
            return [_expand_and_sketch(t, n, p, r) for t in templates]
        futs = self.client.map(_expand_and_sketch, templates, n=n, p=p, r=r, pure=False)
        return self.client.gather(futs)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _stream(n: int, k: int, space: str, seed: int, diagonal: bool):
    if space == "all":
        pool = enumerate_canonical_templates(n, k, diagonal=diagonal)
        return iter([pool[i] for i in as_rng(seed).permutation(len(pool))])
    return canonical_template_stream(n, k, seed=seed, diagonal=diagonal, stratified=space == "stratified")


def _load_checkpoint(path: Path, config: dict) -> dict:
    from .._jsonfile import read_json_file
    from .certificates import Template

    data = read_json_file(path, CertificateError, "checkpoint")
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise CertificateError(f"{path}: not a certificate-search checkpoint ({CHECKPOINT_FORMAT})")
    if data.get("config") != config:
        raise InvalidInputError(f"{path}: checkpoint configuration {data.get('config')} differs from this run's "
                                f"{config}; use the same options or a new checkpoint file")
    try:
        kept = [Template(tuple(map(tuple, t["A"])), tuple(map(tuple, t["B"]))) for t in data["kept"]]
        return {"drawn": int(data["drawn"]), "kept": kept, "seconds_total": float(data["seconds_total"]),
                "history": list(data.get("history", []))}
    except (KeyError, TypeError, ValueError) as exc:
        raise CertificateError(f"{path}: malformed checkpoint: {str(exc)[:200]}") from None


def _write_checkpoint(path: Path | None, config: dict, drawn: int, kept, seconds_total: float, status: str,
                      history: list, extra: dict | None = None) -> None:
    if path is None:
        return
    doc = {"format": CHECKPOINT_FORMAT, "config": config, "status": status, "drawn": drawn,
           "seconds_total": round(seconds_total, 3), "kept": [t.to_json() for t in kept],
           "history": history[-200:], **(extra or {})}
    atomic_write_text(path, json.dumps(doc) + "\n")


class _State:
    """Kept templates, their expansions and the sketch echelon (enlarged before it could fill up)."""

    def __init__(self, n: int, r: int):
        self.n, self.p, self.r = n, _PRIMES[0], r
        self.kept: list = []
        self.exps: list = []
        self.ech = Echelon(self.p, r)
        self.target = None

    def offer_batch(self, items) -> list[bool]:
        """Offer ``(template, expansion, sketch)`` triples in order; returns which were kept."""
        live = [i for i, (_, e, _) in enumerate(items) if e.hinges or any(e.linear)]
        flags = [False] * len(items)
        if not live:
            return flags
        self._ensure_room(len(live))
        V = np.stack([items[i][2] if len(items[i][2]) == self.r else sketch_column(items[i][1], self.p, self.r)
                      for i in live])
        for i, f in zip(live, self.ech.add_batch(V)):
            if f:
                flags[i] = True
                self.kept.append(items[i][0])
                self.exps.append(items[i][1])
        return flags

    def offer(self, t, e, v) -> bool:
        return self.offer_batch([(t, e, v)])[0]

    def _ensure_room(self, b: int) -> None:
        """A sketch with fewer than ``b + 16`` spare rows could hide independence: enlarge it (x1.5)."""
        if self.r - self.ech.rank >= b + 16:
            return
        while self.r - self.ech.rank < b + 16:
            self.r = (int(self.r * 1.5) + 63) // 64 * 64
        self.ech = Echelon(self.p, self.r)
        for s in range(0, len(self.exps), 256):
            V = np.stack([sketch_column(e, self.p, self.r) for e in self.exps[s:s + 256]])
            if not all(self.ech.add_batch(V)):  # pragma: no cover - rank only grows
                raise CertificateError("internal: sketch rank dropped when the sketch was enlarged")
        self.target = None

    def target_in_span(self) -> bool:
        if not self.exps:
            return False
        if self.target is None or len(self.target) != self.r:
            self.target = sketch_column(self.exps[0], self.p, self.r, target=True)
        return not self.ech.reduce(self.target).any()


def _try_solve(state: _State, n: int):
    from .certificates import Certificate

    lam = solve_by_primes(state.exps, n, list(state.ech.pivots), state.r, _PRIMES[1:])
    if lam is None:
        return None
    return Certificate(n, tuple((t, c) for t, c in zip(state.kept, lam) if c != 0))


def _prove_infeasible(state: _State, n: int, k: int, space: str, seed: int, diagonal: bool, mapper) -> dict | None:
    """Exact ``y`` over the kept columns, re-checked against every template of the space."""
    y = infeasibility_vector(state.exps, n)
    if y is None:
        return None
    templates = list(_stream(n, k, space, seed, diagonal))
    for t, (e, _) in zip(templates, mapper(templates, n, state.p, 1)):
        val = sum(y["linear"][q] * v for q, v in enumerate(e.linear)) + sum(
            y["hinges"].get(key, 0) * v for key, v in e.hinges.items())
        if val != 0:
            return None
    return {"templates_checked": len(templates), "y_linear": [str(v) for v in y["linear"]],
            "y_hinges": [[list(key), str(v)] for key, v in sorted(y["hinges"].items())], "y_dot_b": "1"}


def run_certificate_search(n: int, k: int | None = None, *, seed: int = 0, space: str = "sampled",
                           diagonal: bool = False, batch: int = 100, sketch_rows: int = 256,
                           max_templates: int | None = None, time_limit: float | None = None,
                           max_batches: int | None = None, checkpoint: str | Path | None = None,
                           resume: bool = False, workers: int | None = None, scheduler: str | None = None,
                           progress: bool = False) -> RunResult:
    """Search ``lambda`` with ``max{x_1..x_n} = sum lambda_T F_T`` over a stated template space.

    Parameters
    ----------
    n, k : int
        Arity and pairs per side (default ``k = floor((n-1)/2)``, R+26 Cor. 4.3).
    seed : int
        Seed of the template order (``space="all"``: a permutation of the complete list).
    space : {"sampled", "stratified", "all"}
        The seeded canonical stream (uniform pairs, or a uniform number of indices first), or the
        complete enumeration (small ``n, k`` only).
    batch : int
        Templates expanded per batch (one checkpoint per batch).
    max_templates, time_limit, max_batches : optional
        Limits of this invocation; reaching one gives ``outcome="partial"``.
    checkpoint, resume : optional
        Checkpoint file (written atomically after every batch) and whether to resume from it.
    workers, scheduler : optional
        Expand on a Dask ``LocalCluster`` with this many worker processes, or on the cluster
        at this scheduler address.

    Examples
    --------
    With one pair per side MAX_5 is out of reach (a 4-simplex is no signed Minkowski sum of
    polytopes of dimension <= 3, R+26 Cor. 4.3); the complete space gives an exact proof:

    >>> run_certificate_search(5, 1, space="all").outcome
    'infeasible'
    """
    t0 = time.monotonic()
    if isinstance(n, bool) or not isinstance(n, int) or not 3 <= n <= 16:
        raise InvalidInputError(f"n must be an integer in 3..16, got {n!r}")
    k = max(1, (n - 1) // 2) if k is None else k
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidInputError(f"k must be a positive integer, got {k!r}")
    if space not in ("sampled", "stratified", "all"):
        raise InvalidInputError(f"space must be 'sampled', 'stratified' or 'all', got {space!r}")
    config = {"n": n, "k": k, "seed": seed, "space": space, "diagonal": diagonal, "batch": batch,
              "sketch_rows": sketch_rows, "prime": _PRIMES[0]}
    ckpt = Path(checkpoint) if checkpoint is not None else None
    statement = template_space_statement(n, k, space, seed, diagonal)
    state = _State(n, sketch_rows)
    drawn, prior, history = 0, 0.0, []
    mapper = _Mapper(workers, scheduler)
    try:
        stream = _stream(n, k, space, seed, diagonal)
        if resume and ckpt is not None and ckpt.exists():
            saved = _load_checkpoint(ckpt, config)
            drawn, prior, history = saved["drawn"], saved["seconds_total"], saved["history"]
            kept = saved["kept"]
            for s in range(0, len(kept), 256):  # rebuild the sketch from the kept templates
                chunk = kept[s:s + 256]
                flags = state.offer_batch([(t, e, v) for t, (e, v) in zip(chunk, mapper(chunk, n, state.p, state.r))])
                if not all(flags):
                    raise CertificateError(f"{ckpt}: a kept template is dependent on the earlier ones; checkpoint corrupt")
            for _ in range(drawn):
                next(stream)
        return _run_loop(n, k, state, stream, mapper, config, ckpt, statement, drawn, prior, history, t0,
                         batch, max_templates, time_limit, max_batches, progress, space, seed, diagonal)
    finally:
        mapper.close()


def _run_loop(n, k, state, stream, mapper, config, ckpt, statement, drawn, prior, history, t0,
              batch, max_templates, time_limit, max_batches, progress, space, seed, diagonal) -> RunResult:
    def result(outcome, msg, cert=None, infeas=None):
        el = time.monotonic() - t0
        _write_checkpoint(ckpt, config, drawn, state.kept, prior + el, outcome, history,
                          {"certificate": cert.to_json() if cert is not None else None, "infeasibility": infeas,
                           "template_space": statement})
        return RunResult(n, k, outcome, cert, drawn, len(state.kept), state.ech.rank, el, prior + el, statement,
                         msg, infeas, history)

    batches = 0
    with Progress(max_templates, f"certificate search n={n} k={k}", enabled=progress) as prog:
        while True:
            if max_templates is not None and drawn >= max_templates:
                return result("partial", f"template limit {max_templates} reached")
            if max_batches is not None and batches >= max_batches:
                return result("partial", f"batch limit {max_batches} reached (resume from the checkpoint)")
            if time_limit is not None and time.monotonic() - t0 > time_limit:
                return result("partial", f"time limit {time_limit} s reached (resume from the checkpoint)")
            size = batch if max_templates is None else min(batch, max_templates - drawn)
            chunk = [t for _, t in zip(range(size), stream)]
            if not chunk:
                break
            state.offer_batch([(t, e, v) for t, (e, v) in zip(chunk, mapper(chunk, n, state.p, state.r))])
            drawn += len(chunk)
            batches += 1
            history.append([drawn, state.ech.rank, round(prior + time.monotonic() - t0, 1)])
            prog.update(len(chunk), extra=f"rank {state.ech.rank}, sketch {state.r}")
            if state.target_in_span():
                cert = _try_solve(state, n)
                if cert is not None:
                    return result("certificate", f"found with {len(cert.terms)} templates after {drawn} drawn", cert)
            _write_checkpoint(ckpt, config, drawn, state.kept, prior + time.monotonic() - t0, "running", history)
    if space == "all":
        infeas = _prove_infeasible(state, n, k, space, seed, diagonal, mapper)
        if infeas is not None:
            return result("infeasible", f"complete space of {drawn} templates: exact y with y^T M = 0, y^T b = 1",
                          None, infeas)
    return result("exhausted-unproved", "template stream exhausted without a certificate or an exact y")
