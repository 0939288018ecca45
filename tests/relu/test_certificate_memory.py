"""Memory-lean certificate search: compact columns (key hashes + exact coefficients) lose nothing.

Oracles: the sketch written out by hand from its definition on the exact dict expansion (the
earlier state's representation); exact rational linear algebra (flint ``fmpz_mat``) on the exact
row keys for the kept templates, the stopping point and ``lambda``; the n!-enumeration checker
for any certificate produced under a deliberately colliding hash.
"""

import itertools
import tracemalloc
from fractions import Fraction

import flint
import numpy as np
import pytest

from expressivity.relu import certificate_modular as cm
from expressivity.relu.certificate_expansion import fast_sorted_cone_expansion
from expressivity.relu.certificate_search import _State, _stream, run_certificate_search
from expressivity.relu.certificates import check_certificate, sample_templates, sorted_cone_expansion


def _naive_sketch(exp, p, r):
    """``sum_key (c mod p) * h(key)^(j+1) mod p`` from the dict, term by term (the definition)."""
    items = [((-(q + 1),), v) for q, v in enumerate(exp.linear) if v] + list(exp.hinges.items())
    return [sum((v % p) * pow(cm.key_hash(key) % p, j + 1, p) for key, v in items) % p for j in range(r)]


@pytest.mark.parametrize("n,k", [(6, 2), (7, 3)])
def test_compact_sketch_equals_the_dict_sketch_by_definition(n, k):
    p = cm.sketch_primes(1)[0]
    for t in sample_templates(n, k, 6, seed=n):
        e = sorted_cone_expansion(t, n)  # n!-enumeration: exact dict keys from a second algorithm
        c = cm.compact_column(fast_sorted_cone_expansion(t, n))
        want = _naive_sketch(e, p, 70)
        assert [int(x) for x in cm.sketch_column(c, p, 70)] == want
        # enlarging a sketch computes only the new rows, with the same values
        full = cm.integer_sketch(c, p, 70)
        assert np.array_equal(np.concatenate([cm.integer_sketch(c, p, 33), cm.integer_sketch(c, p, 70, start=33)]), full)
        assert [int(x) % p for x in full] == want


def _exact_reference(n, k, seed, batch):
    """Greedy exact independence on exact keys, batch by batch, until x_n is in the span; exact lambda."""
    keys: dict = {}
    cols, kept = [], []

    def vec(e):
        d = {(-(q + 1),): v for q, v in enumerate(e.linear) if v}
        d.update(e.hinges)
        for key in d:
            keys.setdefault(key, len(keys))
        return d

    def matrix(ds):
        M = flint.fmpz_mat(len(keys), len(ds))
        for j, d in enumerate(ds):
            for key, v in d.items():
                M[keys[key], j] = v
        return M

    target = {(-n,): 1}
    keys.setdefault((-n,), 0)
    stream = _stream(n, k, "sampled", seed, False)
    while True:
        chunk = list(itertools.islice(stream, batch))
        assert chunk, "reference stream ended"
        for t in chunk:
            d = vec(sorted_cone_expansion(t, n))
            if matrix(cols + [d]).rank() == len(cols) + 1:
                cols.append(d)
                kept.append(t)
        if matrix(cols + [target]).rank() == len(cols):
            break
    X, nullity = matrix(cols + [target]).nullspace()
    assert nullity == 1
    z = [int(X[i, 0]) for i in range(len(cols) + 1)]
    lam = [Fraction(-v, z[-1]) for v in z[:-1]]
    return kept, lam


@pytest.mark.parametrize("n,seed", [(6, 1), (7, 1)])
def test_compact_state_matches_exact_dict_state(n, seed, tmp_path):
    import json

    k = (n - 1) // 2
    ck = tmp_path / "ck.json"
    res = run_certificate_search(n, seed=seed, batch=40, checkpoint=ck)
    assert res.outcome == "certificate"
    kept_ref, lam_ref = _exact_reference(n, k, seed, 40)
    saved = json.loads(ck.read_text())
    kept = [(tuple(map(tuple, t["A"])), tuple(map(tuple, t["B"]))) for t in saved["kept"]]
    assert kept == [(t.A, t.B) for t in kept_ref]
    assert res.templates_kept == res.sketch_rank == len(kept_ref)
    assert dict(res.certificate.terms) == {t: c for t, c in zip(kept_ref, lam_ref) if c != 0}


def test_compact_columns_need_an_exact_check():
    c = cm.compact_column(fast_sorted_cone_expansion(sample_templates(5, 2, 1, seed=0)[0], 5))
    with pytest.raises(ValueError, match="exact_check"):
        cm.solve_by_primes([c], 5, [0], 8, cm.sketch_primes(3)[1:])


@pytest.mark.parametrize("n,k,space", [(5, 1, "all"), (6, 2, "all"), (7, 3, "sampled")])
def test_forced_hash_collisions_never_give_a_wrong_certificate(n, k, space, monkeypatch):
    """With only 5 hash values the sketch is blind; results must still be exact or absent."""
    import expressivity.relu.certificate_search as cs

    monkeypatch.setattr(cm, "_hash_keys", lambda keys: np.array([hash(k) % 5 + 1 for k in keys], dtype=np.uint64))
    calls = []
    real = cs._exact_check

    def spy(state, n_, mapper):
        check = real(state, n_, mapper)

        def wrapped(lam):
            ok = check(lam)
            calls.append(ok)
            return ok
        return wrapped

    monkeypatch.setattr(cs, "_exact_check", spy)
    res = run_certificate_search(n, k, space=space, seed=0, max_templates=400)
    if res.outcome == "certificate":
        assert check_certificate(res.certificate).valid  # n!-enumeration, independent of hashes
    if n == 5:  # R+26 Cor. 4.3: no certificate exists; the y is computed and re-checked on exact keys
        assert res.outcome == "infeasible"
    else:
        assert calls and not all(calls), "the blind sketch must have proposed a lambda the exact check rejected"


def test_memory_per_kept_template_is_bounded_at_n8():
    """Bound: 24 B per nonzero + 8 B per sketch row + 1 KiB; and at most 1/4 of the dict expansion."""
    n, k = 8, 3
    ts = list(itertools.islice(_stream(n, k, "sampled", 0, False), 60))
    exps = [fast_sorted_cone_expansion(t, n) for t in ts]
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    dicts = [fast_sorted_cone_expansion(t, n) for t in ts]
    dict_bytes = tracemalloc.get_traced_memory()[0] - base
    del dicts
    st = _State(n, 256)
    base = tracemalloc.get_traced_memory()[0]
    st.offer_batch([(t, e, None) for t, e in zip(ts, exps)])
    del exps
    state_bytes = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    kept = len(st.kept)
    assert kept >= 40
    nonzeros = sum(len(c) for c in st.cols)
    echelon = st.ech.E.nbytes
    per_kept = (state_bytes - echelon) / kept
    assert per_kept <= 24 * nonzeros / kept + 8 * st.r + 1024, (per_kept, nonzeros / kept, st.r)
    assert per_kept <= dict_bytes / len(ts) / 4, (per_kept, dict_bytes / len(ts))


def test_checkpoint_from_key_hash_1_is_read_and_continued(tmp_path):
    """Checkpoints written before the hash change (no ``key_hash`` in the configuration) resume."""
    import json

    ck = tmp_path / "ck.json"
    part = run_certificate_search(7, seed=2, batch=40, checkpoint=ck, max_batches=2)
    assert part.outcome == "partial"
    doc = json.loads(ck.read_text())
    del doc["config"]["key_hash"]
    doc.pop("notes", None)
    ck.write_text(json.dumps(doc))
    rest = run_certificate_search(7, seed=2, batch=40, checkpoint=ck, resume=True)
    assert rest.outcome == "certificate" and check_certificate(rest.certificate).valid
    saved = json.loads(ck.read_text())
    assert saved["config"]["key_hash"] == 2 and "key hash 1" in saved["notes"][0]
