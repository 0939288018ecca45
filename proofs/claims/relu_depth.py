"""ReLU depth claims: MAX_n constructions, certificates, braid spaces, lattice parity (exact)."""

from __future__ import annotations

from fractions import Fraction

from expressivity.relu.certificates import check_certificate, ruess_max6_certificate, search_certificate
from expressivity.relu.conformity import braid_coefficients, h_conformity, in_V, restrict_input
from expressivity.relu.depth_bounds import depth_bounds
from expressivity.relu.lattice import in_Qk, minkowski_sum, normalized_volume, simplex_points
from expressivity.relu.max_networks import max_log3_network, max_ruess_network, max_tree_network, ruess_depth
from expressivity.relu.newton import evaluate_pair, newton_pair, random_integer_network
from expressivity.relu.verify_max import verify_computes_max

from ..registry import Outcome, claim


@claim(
    "relu.max5.bakaev_two_hidden_layers",
    statement="max{x1..x5} is computed by a ReLU net with 2 hidden layers (identity (2) of Bakaev et al.)",
    source="BBHSY25 Prop. 3, identity (2)",
    method="exact",
)
def _bakaev(full: bool) -> Outcome:
    net = max_log3_network(5)
    chk = verify_computes_max(net)
    ok = net.hidden_layers == 2 and chk.computes_max
    return Outcome(ok, f"{net.hidden_layers} hidden layers, widths {net.widths}; exact cone check: {chk.cones} cones",
                   {"widths": net.widths, "cones": chk.cones})


@claim(
    "relu.max5.bakaev_not_h_conforming",
    statement="The 2-hidden-layer MAX5 net is not H-conforming, also after fixing x5 = 0 (as Thm 1.7 forces)",
    source="HBDSS23 Thm 1.7; BBHSY25 Sec. 2",
    method="exact",
)
def _bakaev_nonconf(full: bool) -> Outcome:
    net = max_log3_network(5)
    a = h_conformity(net)
    b = h_conformity(restrict_input(net, 4))
    tree = h_conformity(max_tree_network(5))
    ok = (not a.conforming) and (not b.conforming) and tree.conforming
    return Outcome(ok, f"MAX5 net: {a.explanation}; with x5=0: {b.explanation}; tree accepted: {tree.conforming}",
                   {"violation": a.violation, "violation_x5_0": b.violation})


@claim(
    "relu.max_log3.depth_formula",
    statement="The Bakaev recursion computes max{x1..xn} with ceil(log3(n-2))+1 hidden layers (n >= 4)",
    source="BBHSY25 Thm 1, Claims 5-7",
    method="exact",
    has_full=True,
)
def _log3(full: bool) -> Outcome:
    data = {}
    for n in range(4, 9 if full else 8):  # n = 7: ~10 s; n = 8: 1.9e6 cones, 10-15 min on 2 shared cores
        net = max_log3_network(n)
        chk = verify_computes_max(net, max_cones=3_000_000)
        data[n] = {"hidden_layers": net.hidden_layers, "neurons": net.num_neurons, "cones": chk.cones}
        if net.hidden_layers != depth_bounds(n).log3 or not chk.computes_max:
            return Outcome(False, f"n={n}: {net.hidden_layers} layers, computes max: {chk.computes_max}", data)
    return Outcome(True, "exactly verified for n = " + ", ".join(map(str, data)), data,
                   scope=f"checked for {min(data)} ≤ n ≤ {max(data)}")


@claim(
    "relu.max6.ruess_certificate",
    statement="max{x1..x6} = F1/720 + F2/360 - F3/1440 - F4/360 (symmetrised 2-layer blocks), so MAX6 has 2 hidden layers",
    source="R+26 Sec. 4 (explicit n = 6 certificate)",
    method="exact",
)
def _ruess6(full: bool) -> Outcome:
    chk = check_certificate(ruess_max6_certificate())
    net = max_ruess_network(6)
    v = verify_computes_max(net)
    ok = chk.valid and net.hidden_layers == 2 and v.computes_max
    return Outcome(ok, f"certificate residual zero: {chk.valid}; network {net.widths} verified on {v.cones} cones",
                   {"widths": net.widths, "cones": v.cones})


@claim(
    "relu.max_ruess.recursive_substitution",
    statement="Recursive substitution of the MAX6 certificate computes max{x1..xn} with 2 + ceil(log3(n/6)) hidden layers (n = 7, 8: 3)",
    source="R+26 Thm 5.1",
    method="exact",
    has_full=True,
)
def _ruess_recursive(full: bool) -> Outcome:
    data = {}
    for n in ((7, 8) if full else (7,)):  # n = 7: 5 040 cones, ~5-12 s; n = 8: 40 320 cones, ~80 s
        net = max_ruess_network(n)
        chk = verify_computes_max(net)
        data[n] = {"hidden_layers": net.hidden_layers, "widths": net.widths, "cones": chk.cones}
        if net.hidden_layers != ruess_depth(n) or not chk.computes_max:
            return Outcome(False, f"n={n}: {net.hidden_layers} layers, computes max: {chk.computes_max}", data)
    return Outcome(True, "exactly verified for n = " + ", ".join(map(str, data)), data,
                   scope=f"checked for {min(data)} ≤ n ≤ {max(data)}")


@claim(
    "relu.certificate.search_finds_max6",
    statement="Exact linear algebra over symmetrised Phi_{A,B} blocks (k = 2) finds a MAX6 certificate from scratch",
    source="R+26 Prop. 2.1, Thm 1.1",
    method="exact",
    has_full=True,
)
def _search(full: bool) -> Outcome:
    data = {}
    for n in ((5, 6, 7) if full else (5, 6)):
        res = search_certificate(n, time_limit=300 if full else 30, seed=0)
        data[n] = {"found": res.found, "terms": len(res.certificate.terms) if res.certificate else 0,
                   "seconds": round(res.seconds, 2)}
        if not res.found or not check_certificate(res.certificate).valid:
            return Outcome(False, f"n={n}: {res.message}", data)
    return Outcome(True, "found and exactly re-checked for n = " + ", ".join(map(str, data)), data)


@claim(
    "relu.braid.v4_excludes_max0",
    statement="max{0,x1..x4} has Möbius coefficient 1 on g_{[4]_0}: it is not in V(4), the span of 2-layer conforming nets",
    source="GHL25 Prop. 2.3, Thm 5.2; HBDSS23 Lemma 2.9",
    method="exact",
)
def _v4(full: bool) -> Outcome:
    lam = braid_coefficients(lambda r: max(0, *r), 4)
    nz = {tuple(sorted(M)): c for M, c in lam.items() if c != 0}
    ok = nz == {(0, 1, 2, 3, 4): Fraction(1)} and not in_V(lambda r: max(0, *r), 4, 4)
    return Outcome(ok, f"nonzero coefficients: {nz}", {"coefficients": {str(k): v for k, v in nz.items()}})


@claim(
    "relu.depth.bound_table",
    statement="MAX_m depth bounds log2/log3/log5: m=5 -> 3/2/2, m=10 -> 4/3/2, m=11 -> 4/3/3, m=29 -> 5/4/3",
    source="ABMM18 Thm 2.1; BBHSY25 Thm 1; R+26 Cor. 1.2",
    method="exact",
)
def _bounds(full: bool) -> Outcome:
    want = {5: (3, 2, 2), 10: (4, 3, 2), 11: (4, 3, 3), 29: (5, 4, 3)}
    got = {m: (b.log2, b.log3, b.log5) for m in want for b in [depth_bounds(m)]}
    # second path: the depths of the networks actually built
    built = all(max_tree_network(m).hidden_layers == depth_bounds(m).log2 for m in range(2, 12)) and all(
        max_log3_network(m).hidden_layers == depth_bounds(m).log3 for m in range(4, 10))
    return Outcome(got == want and built, f"table {got}; constructions match the log2/log3 columns: {built}", {"table": got})


#: (n, widths, k): k-hidden-layer nets whose Newton polytopes reach dimension >= 2^k, so that
#: in_Qk has faces to check (the first-layer width bounds the polytope's dimension).
HHL_CASES_QUICK = ((3, (3,), 1), (4, (4, 2), 2), (8, (4, 2), 2))
HHL_CASES_FULL = HHL_CASES_QUICK + ((4, (5, 2), 2), (4, (4, 3), 2), (8, (5, 2), 2))


def _parity_of_newton_pair(net, n: int, k: int, tally: dict) -> str | None:
    """Check one net: its Newton pair reproduces it, both polytopes are in Q_k and, for n = 2^k,
    P + Δ^n is NOT in Q_k (odd volume, HHL23 Prop. 17).  Counts faces checked per dimension
    in ``tally``; returns a failure message or None."""
    G, H = newton_pair(net)
    pts = [(0,) * n, tuple(1 - (i % 3) for i in range(n)), tuple(range(n)), tuple(-v for v in range(n))]
    if any(evaluate_pair((G, H), x) != net(list(x))[0] for x in pts):
        return "Newton pair does not reproduce the network"
    for P in (G, H):
        Pi = [tuple(int(v) for v in p) for p in P]
        res = in_Qk(Pi, k)
        if not res.member:
            return f"a Newton polytope is not in Q_{k}: face {res.odd_face} has odd volume {res.odd_volume}"
        for d, c in res.faces_by_dimension.items():
            tally["faces"][d] = tally["faces"].get(d, 0) + c
        tally["polytopes"] += 1
        if n == 2 ** k:
            S = minkowski_sum(Pi, simplex_points(n))
            plus = in_Qk(S, k)
            if plus.member or plus.odd_volume % 2 != 1:
                return f"P + Delta^{n} is in Q_{k} for P = {Pi} (HHL23 Prop. 17 says its volume is odd)"
            tally["not_in_Qk"] += 1
    return None


@claim(
    "relu.lattice.hhl_parity",
    statement="Newton polytopes of integral bias-free k-hidden-layer nets lie in Q_k (all faces of dim >= 2^k have "
              "even normalized volume), and for n = 2^k, P + Delta^n is not in Q_k",
    source="HHL23 Thm 16, Prop. 17",
    method="exact",
    has_full=True,
)
def _parity(full: bool) -> Outcome:
    cases = HHL_CASES_FULL if full else HHL_CASES_QUICK
    seeds = range(6 if full else 3)
    tally: dict = {"faces": {}, "polytopes": 0, "not_in_Qk": 0}
    for n, widths, k in cases:
        for seed in seeds:
            msg = _parity_of_newton_pair(random_integer_network(n, list(widths), seed=seed), n, k, tally)
            if msg is not None:
                return Outcome(False, f"n={n}, widths {widths}, seed {seed}: {msg}", tally)
    faces = ", ".join(f"dim {d}: {c}" for d, c in sorted(tally["faces"].items()))
    high = sum(c for d, c in tally["faces"].items() if d >= 3)
    vol_ok = all(normalized_volume(simplex_points(d)) == 1 for d in range(1, 6))
    ok = vol_ok and high > 0 and tally["not_in_Qk"] > 0
    nets = len(cases) * len(seeds)
    return Outcome(ok, f"{tally['polytopes']} Newton polytopes of {nets} random nets in Q_k; even-volume faces "
                       f"checked: {faces}; P + Delta^4 not in Q_2 (odd volume) for {tally['not_in_Qk']} of them; "
                       "Vol(Delta^d) = 1 for d <= 5",
                   tally, scope=f"checked on {nets} random integer nets, n in {sorted({c[0] for c in cases})}")


@claim(
    "relu.certificate.max7_max8_stored",
    statement="Stored certificates (found by our search) write MAX7 and MAX8 as rational sums of symmetrised 2-layer blocks",
    source="R+26 Thm 1.1 (independent rediscovery for n = 7, 8)",
    method="exact",
    has_full=True,
)
def _stored(full: bool) -> Outcome:
    from expressivity.relu.certificates import known_certificate

    data = {}
    for n in ((7, 8) if full else (7,)):
        cert = known_certificate(n)
        chk = check_certificate(cert)
        data[n] = {"templates": len(cert.terms), "valid": chk.valid}
        if not chk.valid:
            return Outcome(False, f"n={n}: residual {chk.to_json()}", data)
    return Outcome(True, "exact sorted-cone check passes for n = " + ", ".join(map(str, data)), data)


def _standalone_check(doc: dict):
    """Verdict of the standard-library checker (its own sorted-cone expansion, not the search's)."""
    from expressivity.proofs.certificate_check import CertificateError as CheckerRejected
    from expressivity.proofs.certificate_check import check_max_certificate

    try:
        return check_max_certificate(doc), None
    except CheckerRejected as exc:
        return None, exc.reason


def _stored_document(n: int) -> dict:
    import json
    from pathlib import Path

    import expressivity.relu as relu_pkg

    return json.loads((Path(relu_pkg.__file__).with_name("data") / f"max{n}_certificate.json").read_text())


@claim(
    "relu.certificate.stored_by_standalone_checker",
    statement="Every stored certificate (n = 7, 8, 9, 10 and any larger stored n), found by our own search with "
              "k = floor((n-1)/2), writes MAX_n as a rational sum of symmetrised 2-hidden-layer blocks; the "
              "standard-library checker re-expands every template and finds the identity exact",
    source="R+26 Thm 1.1, Prop. 2.1 (independent rediscovery for n = 7..10)",
    method="exact",
    has_full=True,
)
def _stored_standalone(full: bool) -> Outcome:
    from expressivity.relu.certificate_expansion import fast_sorted_cone_expansion
    from expressivity.relu.certificate_modular import exact_residual_zero
    from expressivity.relu.certificates import Certificate, stored_certificate_sizes

    sizes = [n for n in stored_certificate_sizes() if n >= 7]
    checked = sizes if full else [n for n in sizes if n <= 8]
    data = {}
    for n in checked:
        doc = _stored_document(n)
        rep, why = _standalone_check(doc)
        if rep is None:
            return Outcome(False, f"standalone checker rejected the MAX{n} certificate: {why}", data)
        cert = Certificate.from_json(doc)
        lib = exact_residual_zero([fast_sorted_cone_expansion(t, n) for t, _ in cert.terms],
                                  [c for _, c in cert.terms], n)
        data[n] = {"templates": rep.templates, "k": rep.k, "hinges": rep.hinges, "library_check": lib}
        if not lib or rep.k != (n - 1) // 2:
            return Outcome(False, f"n={n}: library residual zero {lib}, k = {rep.k}", data)
    return Outcome(True, "standalone checker and library expansion both exact for n = " + ", ".join(map(str, data)),
                   data, scope=None if checked == sizes else "checked for n = " + ", ".join(map(str, checked)))


@claim(
    "relu.certificate.infeasible_below_min_k",
    statement="For k < floor((n-1)/2) no rational combination of symmetrised blocks with k pairs per side equals "
              "max{x1..xn}: exact infeasibility vectors y (y^T M = 0, y^T b = 1) over the complete template space",
    source="R+26 Cor. 4.3 (reproduced)",
    method="exact",
    has_full=True,
)
def _infeasible(full: bool) -> Outcome:
    from expressivity.relu.certificate_files import INFEASIBILITY_FORMAT
    from expressivity.relu.certificate_search import run_certificate_search

    data = {}
    for n, k in ((5, 1), (6, 1)) + (((7, 2), (8, 2)) if full else ()):
        res = run_certificate_search(n, k, space="all")
        if res.outcome != "infeasible":
            return Outcome(False, f"n={n}, k={k}: outcome {res.outcome} ({res.message})", data)
        doc = {"format": INFEASIBILITY_FORMAT, "n": n, "k": k, "diagonal": False, "space": "all",
               "y_linear": res.infeasibility["y_linear"], "y_hinges": res.infeasibility["y_hinges"]}
        rep, why = _standalone_check(doc)
        if rep is None:
            return Outcome(False, f"n={n}, k={k}: the standalone checker rejected y: {why}", data)
        data[f"n={n},k={k}"] = {"classes": res.templates_drawn, "labelled_templates_rechecked": rep.templates}
    return Outcome(True, "exact y re-checked by the standalone checker for " + ", ".join(data), data,
                   scope="checked for (n, k) in " + ", ".join(data))
