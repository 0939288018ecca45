"""Claims on networks built from certificates and on symmetry-reduced exact verification."""

from __future__ import annotations

from expressivity.relu.certificate_network import certificate_network
from expressivity.relu.certificates import known_certificate, ruess_max6_certificate
from expressivity.relu.max_networks import max_network
from expressivity.relu.verify_max import verify_computes_max

from ..registry import Outcome, claim


@claim(
    "relu.networks.certificate_max6_network",
    statement="The compact 2-hidden-layer network built from the MAX6 certificate computes max{x1..x6} "
              "(S_6-invariance proved structurally, the sorted cone checked exactly); with full=True also "
              "the MAX7 network built from the stored certificate",
    source="R+26 Thm 1.1, Prop. 2.1 and Prop. 3.1",
    method="exact",
    has_full=True,
)
def _certificate_networks(full: bool) -> Outcome:
    rows = {}
    certs = [ruess_max6_certificate()] + ([known_certificate(7)] if full else [])
    for cert in certs:
        built = certificate_network(cert)
        chk = verify_computes_max(built.network)
        rows[cert.n] = {**built.counts, "verified": chk.computes_max, "method": chk.method, "cones": chk.cones}
        if not chk.computes_max:
            return Outcome(False, f"n={cert.n}: the built network differs from max at {chk.counterexample}", rows)
        if "invariance proved" not in chk.method:
            return Outcome(False, f"n={cert.n}: S_n-invariance was not proved structurally", rows)
    summary = "; ".join(f"n={n}: second layer {r['second_layer']} vs naive 3*s*n! = {r['naive_second_layer']}"
                        for n, r in rows.items())
    return Outcome(True, summary, rows)


@claim(
    "relu.networks.symmetry_reduction_agrees",
    statement="For the tree, log3 and Rueß MAX_n networks with n <= 6, the symmetry-reduced exact check and "
              "the full cone search agree (both: computes max)",
    source="R+26 Prop. 3.1 (a symmetric identity holds iff it holds on the sorted cone)",
    method="exact",
)
def _reduction_agrees(full: bool) -> Outcome:
    rows = {}
    for name in ("tree", "log3", "ruess"):
        for n in (4, 5, 6):
            net = max_network(n, name)
            a = verify_computes_max(net, symmetry="none")
            b = verify_computes_max(net, symmetry="blocks")
            rows[f"{name}{n}"] = {"full_cones": a.cones, "reduced_cones": b.cones}
            if not (a.computes_max and b.computes_max):
                return Outcome(False, f"{name} n={n}: verdicts {a.computes_max} / {b.computes_max}", rows)
    return Outcome(True, "all 9 networks verified both ways", rows)
