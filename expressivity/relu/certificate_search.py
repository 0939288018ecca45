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

Memory: the state keeps, per kept template, its column as a
:class:`~expressivity.relu.certificate_modular.CompactColumn` (64-bit hashes of the row keys and
exact integer coefficients, ~16 bytes per nonzero) and its integer sketch (8 bytes per sketch
row); the exact expansions (dicts of ``n``-tuples, ~11x larger) are dropped after sketching.  A
hash collision could only give a wrong candidate ``lambda`` or a lost column, never a wrong
result: a certificate is accepted only after the templates of its support are **re-expanded from
(A, B) alone** and the identity is re-checked in exact integers on exact keys, and an
infeasibility vector is computed from, and re-checked against, exact re-expansions too.

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
from .certificate_modular import (Echelon, compact_column, exact_residual_zero, infeasibility_vector, integer_sketch,
                                  sketch_primes, solve_by_primes, target_integer_sketch)

__all__ = ["RunResult", "run_certificate_search", "template_space_statement", "CHECKPOINT_FORMAT"]

CHECKPOINT_FORMAT = "expressivity.relu-certificate-run/1"
_PRIMES = sketch_primes(48)
#: Version of the row-key hash behind the sketch (2: polynomial hash; 1: Python's tuple hash, which
#: merges keys differing by -1 <-> -2 and so lost rank).  Stored in the checkpoint configuration.
KEY_HASH_VERSION = 2


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
    """Compact column and integer sketch (``r`` rows mod ``p``) of one template (runs on workers)."""
    c = compact_column(fast_sorted_cone_expansion(t, n))
    return c, integer_sketch(c, p, r)


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

    def expansions(self, templates, n: int, chunk: int = 32):
        """Exact expansions (dicts on exact keys), yielded in order, a chunk at a time (lean)."""
        for s in range(0, len(templates), chunk):
            part = templates[s:s + chunk]
            if self.client is None:
                yield from (fast_sorted_cone_expansion(t, n) for t in part)
            else:
                yield from self.client.gather(self.client.map(fast_sorted_cone_expansion, part, n=n, pure=False))

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
    notes = list(data.get("notes", []))
    saved = data.get("config")
    if isinstance(saved, dict) and "key_hash" not in saved:
        # written with key hash 1: its kept templates are independent over Q (a sketch can only
        # lose rank), so they are a valid prefix; the run continues with the current hash
        saved = {**saved, "key_hash": config["key_hash"]}
        notes.append(f"templates 1..{data.get('drawn')} were screened with key hash 1 (Python tuple hash); "
                     f"the rest with key hash {config['key_hash']}")
    if saved != config:
        raise InvalidInputError(f"{path}: checkpoint configuration {data.get('config')} differs from this run's "
                                f"{config}; use the same options or a new checkpoint file")
    try:
        kept = [Template(tuple(map(tuple, t["A"])), tuple(map(tuple, t["B"]))) for t in data["kept"]]
        return {"drawn": int(data["drawn"]), "kept": kept, "seconds_total": float(data["seconds_total"]),
                "history": list(data.get("history", [])), "notes": notes}
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
    """Kept templates, their compact columns and integer sketches, and the sketch echelon mod p.

    The sketch is enlarged (x1.5, new rows only) before it could fill up.
    """

    def __init__(self, n: int, r: int):
        self.n, self.p, self.r = n, _PRIMES[0], r
        self.kept: list = []
        self.cols: list = []  # CompactColumn per kept template
        self.sks: list = []  # integer sketch (r rows) per kept template
        self.ech = Echelon(self.p, r)
        self.target = None
        self.notes: list[str] = []  # provenance notes carried in the checkpoint

    def _rows(self, col, sk) -> np.ndarray:
        if len(sk) < self.r:
            sk = np.concatenate([sk, integer_sketch(col, self.p, self.r, start=len(sk))])
        return sk[:self.r]

    def offer_batch(self, items) -> list[bool]:
        """Offer ``(template, column, integer sketch)`` triples in order; returns which were kept.

        ``column`` is a :class:`CompactColumn` (an ``Expansion`` is compacted); the sketch may be
        shorter than the current sketch (it is extended) or None (it is computed).
        """
        items = [(t, c if hasattr(c, "hashes") else compact_column(c), v) for t, c, v in items]
        live = [i for i, (_, c, _) in enumerate(items) if len(c)]
        flags = [False] * len(items)
        if not live:
            return flags
        self._ensure_room(len(live))
        sks = {i: self._rows(items[i][1], items[i][2] if items[i][2] is not None else np.zeros(0, np.int64))
               for i in live}
        V = np.stack([(sks[i] % self.p).astype(np.int64) for i in live])
        for i, f in zip(live, self.ech.add_batch(V)):
            if f:
                flags[i] = True
                self.kept.append(items[i][0])
                self.cols.append(items[i][1])
                self.sks.append(sks[i])
        return flags

    def offer(self, t, e, v=None) -> bool:
        return self.offer_batch([(t, e, v)])[0]

    def _ensure_room(self, b: int) -> None:
        """A sketch with fewer than ``b + 16`` spare rows could hide independence: enlarge it (x1.5)."""
        if self.r - self.ech.rank >= b + 16:
            return
        while self.r - self.ech.rank < b + 16:
            self.r = (int(self.r * 1.5) + 63) // 64 * 64
        self.ech = Echelon(self.p, self.r)
        self.sks = [self._rows(c, sk) for c, sk in zip(self.cols, self.sks)]
        for s in range(0, len(self.sks), 256):
            V = np.stack([(sk % self.p).astype(np.int64) for sk in self.sks[s:s + 256]])
            if not all(self.ech.add_batch(V)):  # pragma: no cover - rank only grows
                raise CertificateError("internal: sketch rank dropped when the sketch was enlarged")
        self.target = None

    def nbytes(self) -> int:
        """Bytes held per the arrays of the kept columns and sketches (not the echelon)."""
        return sum(c.nbytes for c in self.cols) + sum(sk.nbytes for sk in self.sks)

    def target_in_span(self) -> bool:
        if not self.cols:
            return False
        if self.target is None or len(self.target) != self.r:
            self.target = (target_integer_sketch(self.n, self.p, self.r) % self.p).astype(np.int64)
        return not self.ech.reduce(self.target).any()


def _exact_check(state: _State, n: int, mapper):
    """``lam -> bool``: re-expand the support templates from (A, B) alone, check the identity exactly."""
    def check(lam) -> bool:
        support = [(t, c) for t, c in zip(state.kept, lam) if c != 0]
        return exact_residual_zero(mapper.expansions([t for t, _ in support], n), [c for _, c in support], n)
    return check


def _try_solve(state: _State, n: int, mapper=None):
    from .certificates import Certificate

    mapper = _Mapper(None, None) if mapper is None else mapper
    lam = solve_by_primes(state.cols, n, list(state.ech.pivots), state.r, _PRIMES[1:], sketch_prime=state.p,
                          sketches=state.sks, exact_check=_exact_check(state, n, mapper))
    if lam is None:
        return None
    return Certificate(n, tuple((t, c) for t, c in zip(state.kept, lam) if c != 0))


def _prove_infeasible(state: _State, n: int, k: int, space: str, seed: int, diagonal: bool, mapper) -> dict | None:
    """Exact ``y`` over the kept columns (re-expanded on exact keys), re-checked against every template."""
    y = infeasibility_vector(list(mapper.expansions(state.kept, n)), n)
    if y is None:
        return None
    templates = list(_stream(n, k, space, seed, diagonal))
    for e in mapper.expansions(templates, n):
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
              "sketch_rows": sketch_rows, "prime": _PRIMES[0], "key_hash": KEY_HASH_VERSION}
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
            state.notes = saved["notes"]
            with Progress(len(kept), f"re-expanding {len(kept)} kept templates", enabled=progress) as prog:
                for s in range(0, len(kept), 256):  # rebuild the sketch from the kept templates
                    chunk = kept[s:s + 256]
                    flags = state.offer_batch([(t, c, v) for t, (c, v) in
                                               zip(chunk, mapper(chunk, n, state.p, state.r))])
                    if not all(flags):
                        raise CertificateError(f"{ckpt}: a kept template is dependent on the earlier ones; "
                                               "checkpoint corrupt")
                    prog.update(len(chunk), extra=f"rank {state.ech.rank}, sketch {state.r}")
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
                           "template_space": statement, "notes": state.notes})
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
            state.offer_batch([(t, c, v) for t, (c, v) in zip(chunk, mapper(chunk, n, state.p, state.r))])
            drawn += len(chunk)
            batches += 1
            history.append([drawn, state.ech.rank, round(prior + time.monotonic() - t0, 1)])
            prog.update(len(chunk), extra=f"rank {state.ech.rank}, sketch {state.r}")
            if state.target_in_span():
                cert = _try_solve(state, n, mapper)
                if cert is not None:
                    return result("certificate", f"found with {len(cert.terms)} templates after {drawn} drawn", cert)
            _write_checkpoint(ckpt, config, drawn, state.kept, prior + time.monotonic() - t0, "running", history,
                              {"notes": state.notes})
    if space == "all":
        infeas = _prove_infeasible(state, n, k, space, seed, diagonal, mapper)
        if infeas is not None:
            return result("infeasible", f"complete space of {drawn} templates: exact y with y^T M = 0, y^T b = 1",
                          None, infeas)
    return result("exhausted-unproved", "template stream exhausted without a certificate or an exact y")
