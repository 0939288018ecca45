"""``expressivity depth build | symmetry``: networks built from certificates, structural symmetry."""

from __future__ import annotations

import argparse

from ..exceptions import CertificateError
from ._common import EXIT_OK, add_json_option, write_json

__all__ = ["register"]

GROUP_HELP = "ReLU depth: MAX_n networks, exact checks, H-conformity, HBDSS MIP"


def _load_certificate(spec: str):
    from ..relu.certificates import Certificate, known_certificate

    if spec.isdigit():
        return known_certificate(int(spec))
    from .._jsonfile import read_json_file

    return Certificate.from_json(read_json_file(spec, CertificateError, "certificate file"))


def _cmd_build(args: argparse.Namespace) -> int:
    from ..relu.certificate_network import certificate_network
    from ..relu.network_io import save_network

    built = certificate_network(_load_certificate(args.cert_or_n), progress=not args.json)
    if args.out:
        save_network(built.network, args.out)
    summary = {"certificate": args.cert_or_n, "out": args.out, **built.to_json()}
    if args.json:
        write_json(args.json, summary)
    else:
        c = built.counts
        print(f"MAX_{built.n} from {c['templates']} templates: 2 hidden layers, widths {built.network.widths} "
              f"(second layer: naive 3*s*n! = {c['naive_second_layer']}, {c['terms']} distinct terms, "
              f"{c['merged']} after merging, {c['nonzero']} with nonzero weight, {c['sign_definite']} sign-definite dropped)"
              + (f" -> {args.out}" if args.out else "") + f" [{built.seconds:.1f} s]")
    return EXIT_OK


def _cmd_symmetry(args: argparse.Namespace) -> int:
    from ..relu.network_io import load_network
    from ..relu.symmetric_check import is_symmetric, symmetry_blocks

    net = load_network(args.network)
    full = is_symmetric(net)
    blocks = [list(range(net.input_dim))] if full else [list(b) for b in symmetry_blocks(net)]
    res = {"network": args.network, "n": net.input_dim, "symmetric": full, "blocks": blocks,
           "method": "exact (structural: equal canonical expressions; a negative answer proves nothing)"}
    if args.json:
        write_json(args.json, res)
    elif full:
        print(f"{args.network}: invariant under all permutations of the {net.input_dim} inputs (exact, structural)")
    else:
        shown = ", ".join("{" + ",".join(str(i + 1) for i in b) + "}" for b in blocks) or "none"
        print(f"{args.network}: S_n-invariance not visible structurally; invariant within blocks: {shown}")
    return EXIT_OK  # a negative structural answer proves nothing, so it is not exit 1


def register(cli) -> None:
    g = cli.group("depth", GROUP_HELP)

    p = g.add_parser("build", help="build the compact 2-hidden-layer network of a certificate",
                     description="Build the 2-hidden-layer network of a Rueß et al. certificate (stored n = 6, 7, 8 "
                                 "or a certificate JSON file) with shared first layer, merged second-layer neurons "
                                 "and cancelled weights dropped; reports neuron counts against 3*s*n!.")
    p.add_argument("cert_or_n", metavar="CERT_OR_N", help="a certificate JSON file, or N for a stored certificate")
    p.add_argument("--out", help="write the network JSON here")
    add_json_option(p)
    p.set_defaults(func=_cmd_build)

    p = g.add_parser("symmetry", help="exact structural test that a network is invariant under permuting inputs",
                     description="Is the network's function invariant under all permutations of its inputs "
                                 "(exact, structural; symmetric=false only means not visible in the structure)? Also lists blocks of "
                                 "inputs it is invariant under.")
    p.add_argument("network", help="network JSON file")
    add_json_option(p)
    p.set_defaults(func=_cmd_symmetry)
