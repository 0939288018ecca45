"""``expressivity depth max | check | hconform | certificate | certificate-run | bounds`` (ReLU depth thread)."""

from __future__ import annotations

import argparse
import json
import sys

from ..exceptions import CertificateError, ComputationTooLargeError, InvalidInputError
from ._common import EXIT_FAIL, EXIT_OK, EXIT_TIMEOUT, add_json_option, positive_int, print_table, worker_count, write_json

__all__ = ["register"]

GROUP_HELP = "ReLU depth: MAX_n networks, exact checks, H-conformity, HBDSS MIP"


def _cmd_max(args: argparse.Namespace) -> int:
    from ..relu.max_networks import max_network
    from ..relu.network_io import save_network

    net = max_network(args.n, args.construction)
    if args.out:
        save_network(net, args.out)
    summary = {"n": args.n, "construction": args.construction, "hidden_layers": net.hidden_layers,
               "widths": list(net.widths), "neurons": net.num_neurons, "out": args.out}
    if args.json:
        write_json(args.json, summary)
    else:
        print(f"MAX_{args.n} ({args.construction}): {net.hidden_layers} hidden layers, widths {net.widths}, "
              f"{net.num_neurons} neurons" + (f" -> {args.out}" if args.out else ""))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from ..relu.network_io import load_network
    from ..relu.verify_max import verify_computes_max

    net = load_network(args.network)
    if args.target is not None:
        return _check_target(args, net)
    if args.max != net.input_dim:
        raise InvalidInputError(f"--max {args.max} but the network has {net.input_dim} inputs; "
                                "max{x1..xN} needs exactly N inputs")
    try:
        res = verify_computes_max(net, max_cones=args.max_cones, progress=args.json != "-",
                                  symmetry=args.symmetry, workers=args.workers)
    except ComputationTooLargeError as exc:
        # a resource limit reached mid-run: nothing proved either way (exit 3, like a time limit)
        return _limit_reached(args, exc, {"network": args.network, "n": net.input_dim, "computes_max": None,
                                           "status": "cone limit reached, not proved",
                                           "max_cones": args.max_cones})
    if args.json:
        write_json(args.json, {"network": args.network, "hidden_layers": net.hidden_layers,
                               "neurons": net.num_neurons, **res.to_json()})
    elif res.computes_max:
        print(f"{args.network}: computes max{{x1..x{res.n}}} exactly (method: {res.method}; "
              f"{res.cones} cones, {res.rays} rays, {res.seconds:.2f} s)")
    else:
        pt = ", ".join(str(v) for v in res.counterexample)
        print(f"{args.network}: does NOT compute max{{x1..x{res.n}}}: at x = ({pt}) the network gives "
              f"{res.network_value}, the max is {res.max_value}")
    return EXIT_OK if res.computes_max else EXIT_FAIL


def _limit_reached(args: argparse.Namespace, exc: Exception, record: dict) -> int:
    """A cone/cell limit reached mid-run: nothing is proved either way (exit 3, like a time limit)."""
    write_json(args.json, record)
    print(f"expressivity: limit: {exc} (nothing proved)", file=sys.stderr)
    return EXIT_TIMEOUT


def _check_target(args: argparse.Namespace, net) -> int:
    """``depth check NET --target EXPR``: exact equivalence with a CPWL expression (text or .cpwl file)."""
    from ..cpwl.equivalence import EXPRESSION_PREFIX, check_target
    from ..cpwl.expression import ExpressionSyntaxError, load_expression, parse_expression
    from ..exceptions import LimitReachedError

    spec = args.target
    try:
        if spec.lower().endswith(".cpwl"):
            target = load_expression(spec, input_dim=net.input_dim)
        else:
            text = spec[len(EXPRESSION_PREFIX):] if spec.startswith(EXPRESSION_PREFIX) else spec
            target = parse_expression(text, input_dim=net.input_dim)
    except ExpressionSyntaxError as exc:
        print(exc.render("expressivity: error: "), file=sys.stderr)
        return 2
    try:
        res = check_target(net, target, max_cells=args.max_cones, progress=args.json != "-")
    except LimitReachedError as exc:
        from .equiv import limit_message

        msg = limit_message(exc, {"max_cells": "--max-cones"})  # the library names its parameter max_cells
        return _limit_reached(args, msg, {"network": args.network, "target": spec, "computes_target": None,
                                           "proved": False, "status": "limit reached, not proved",
                                           "message": msg, "max_cones": args.max_cones})
    if args.json:
        write_json(args.json, {"network": args.network, "target": spec, "target_parsed": str(target),
                               "hidden_layers": net.hidden_layers,
                               "neurons": net.num_neurons, "computes_target": res.equal, **res.to_json()})
    elif res.equal:
        print(f"{args.network}: computes {spec} exactly (method: exact; {res.cells} cells, {res.rays} rays, "
              f"{res.seconds:.2f} s)")
    else:
        pt = ", ".join(str(v) for v in res.counterexample)
        print(f"{args.network}: does NOT compute {spec}: at x = ({pt}) the network gives "
              f"{', '.join(map(str, res.value_a))}, the target is {', '.join(map(str, res.value_b))}")
    return EXIT_OK if res.equal else EXIT_FAIL


def _cmd_hconform(args: argparse.Namespace) -> int:
    from ..relu.conformity import h_conformity
    from ..relu.network_io import load_network

    net = load_network(args.network)
    res = h_conformity(net)
    if args.json:
        write_json(args.json, {"network": args.network, **res.to_json()})
    else:
        print(f"{args.network}: {'H_%d-conforming' % res.n if res.conforming else 'NOT H_%d-conforming' % res.n} -- {res.explanation}")
    return EXIT_OK if res.conforming else EXIT_FAIL


def _cmd_certificate(args: argparse.Namespace) -> int:
    from ..relu.certificates import Certificate, check_certificate, search_certificate

    if args.check:
        from .._jsonfile import read_json_file

        data = read_json_file(args.check, CertificateError, "certificate file")
        chk = check_certificate(Certificate.from_json(data))
        write_json(args.json, chk.to_json())
        if not args.json:
            print(f"{args.check}: {'valid' if chk.valid else 'INVALID'} certificate for MAX_{chk.n} (exact, sorted cone)")
        return EXIT_OK if chk.valid else EXIT_FAIL
    if args.n is None:
        raise InvalidInputError("give --n N to search, or --check FILE to verify a certificate")
    res = search_certificate(args.n, k=args.k, time_limit=args.time_limit, seed=args.seed, progress=not args.json)
    if args.out and res.certificate is not None:
        from .._io import atomic_write_text

        atomic_write_text(args.out, json.dumps(res.certificate.to_json(), indent=1) + "\n")
    if args.json:
        write_json(args.json, res.to_json())
    else:
        print(f"MAX_{args.n}, k = {res.k}: {'FOUND' if res.found else 'not found'} -- {res.message} "
              f"({res.templates_tried} templates, {res.distinct_hinges} hinges, {res.seconds:.1f} s)")
    return EXIT_OK if res.found else EXIT_FAIL


def _cmd_certificate_run(args: argparse.Namespace) -> int:
    from ..relu.certificate_search import run_certificate_search
    from ..relu.certificate_files import write_certificate_file, write_infeasibility_file

    for path in (args.out, args.infeasibility_out):
        if path and args.checkpoint and path == args.checkpoint:
            raise InvalidInputError(f"--out/--infeasibility-out {path!r} would overwrite the checkpoint")
    res = run_certificate_search(args.n, args.k, seed=args.seed, space=args.space, diagonal=args.diagonal,
                                 batch=args.batch, max_templates=args.max_templates, time_limit=args.time_limit,
                                 max_batches=args.max_batches, checkpoint=args.checkpoint, resume=args.resume,
                                 workers=args.workers, scheduler=args.scheduler, progress=args.json != "-")
    if args.out and res.certificate is not None:
        write_certificate_file(args.out, res.certificate, statement=res.space)
    if args.infeasibility_out and res.infeasibility is not None:
        write_infeasibility_file(args.infeasibility_out, res)
    if args.json:
        write_json(args.json, res.to_json())
    else:
        print(f"MAX_{res.n}, k = {res.k}: {res.outcome.upper()} -- {res.message} ({res.templates_drawn} templates drawn, "
              f"{res.templates_kept} kept, {res.seconds:.1f} s this run, {res.seconds_total:.1f} s in total)")
        print(f"template space: {res.space}")
    if res.outcome == "certificate":
        return EXIT_OK
    return EXIT_TIMEOUT if res.outcome == "partial" else EXIT_FAIL


def _cmd_bounds(args: argparse.Namespace) -> int:
    from ..relu.depth_bounds import depth_bound_table

    rows = depth_bound_table(range(args.start, args.stop + 1))
    if args.json:
        write_json(args.json, [r.to_json() for r in rows])
    else:
        print_table(["m", "log2 (tree)", "log3 (BBHSY25)", "log5 (R+26)", "best known", "exact"],
                    [(r.m, r.log2, r.log3 if r.log3 is not None else "-", r.log5 if r.log5 is not None else "-",
                      r.best, r.exact if r.exact is not None else "open") for r in rows])
    return EXIT_OK


def register(cli) -> None:
    g = cli.group("depth", GROUP_HELP)

    p = g.add_parser("max", help="build an exact network for max{x1..xN}",
                     description="Build an exact, bias-free ReLU network computing max{x1..xN}.")
    p.add_argument("--n", type=int, required=True, help="number of inputs N")
    p.add_argument("--construction", default="tree", choices=["tree", "log3", "ruess", "rueß"],
                   help="tree: ceil(log2 N) layers; log3: Bakaev et al.; ruess: Rueß et al. MAX6 certificate")
    p.add_argument("--out", help="write the network JSON here")
    add_json_option(p)
    p.set_defaults(func=_cmd_max)

    p = g.add_parser("check", help="decide exactly whether a network computes max{x1..xN} or any CPWL target",
                     description="Exact verdict (integer arithmetic); exit 1 with a counterexample point if not. "
                                 "--max N is shorthand for --target 'max(x1, ..., xN)' with a faster specialised "
                                 "search (polyhedral cone splitting with hinge propagation, reduced by proved "
                                 "input symmetries).")
    p.add_argument("network", help="network file: .json, .onnx, .safetensors or .npz (README; docs/interop.md)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--max", type=positive_int, metavar="N", help="the claimed target max{x1..xN}")
    target.add_argument("--target", metavar="EXPR",
                        help="the claimed target: a CPWL expression, e.g. 'max(x1, x2) - relu(x3)', or a .cpwl file")
    p.add_argument("--symmetry", choices=("auto", "blocks", "none"), default="auto",
                   help="--max only. auto: one sorted cone when S_N-invariance is proved structurally, else one "
                        "per orbit of the group generated by the proved invariant involutions; blocks: one per "
                        "orbit of the permutations within blocks of inputs; none: all cones (default auto)")
    p.add_argument("--workers", type=worker_count, help="--max only: examine the start cones in this many processes")
    p.add_argument("--max-cones", type=positive_int, default=3_000_000,
                   help="give up after this many cones/cells (default 3000000): exit 3, nothing proved")
    add_json_option(p)
    p.set_defaults(func=_cmd_check)

    p = g.add_parser("hconform", help="exact H_n-conformity test by ray propagation",
                     description="Is every neuron linear on every cell of H_n (x_i = x_j, x_i = 0)? Exit 1 if not.")
    p.add_argument("network", help="bias-free network JSON file")
    add_json_option(p)
    p.set_defaults(func=_cmd_hconform)

    p = g.add_parser("certificate", help="search (or --check) a Rueß et al. certificate for MAX_N",
                     description="Exact linear-algebra search for max{x1..xN} = sum lambda F_{A,B} (R+26 Prop. 2.1).")
    p.add_argument("--n", type=int, help="search a certificate for MAX_N")
    p.add_argument("--k", type=int, help="pairs per side (default floor((N-1)/2))")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the template search (default 0)")
    p.add_argument("--out", help="write a found certificate (JSON) here")
    p.add_argument("--check", metavar="FILE", help="verify a certificate JSON file exactly instead")
    add_json_option(p)
    p.set_defaults(func=_cmd_certificate)

    p = g.add_parser("certificate-run", help="scalable, resumable certificate search for MAX_N (optionally on Dask)",
                     description="Search max{x1..xN} = sum lambda F_{A,B} (R+26 Prop. 2.1) over canonical templates: "
                                 "combinatorial sorted-cone expansion, modular screening, exact rational solution. "
                                 "Exit 0 certificate, 1 no certificate (infeasible or exhausted), 3 partial (limit "
                                 "reached; continue with --resume).")
    p.add_argument("--n", type=int, required=True, help="arity N of max{x1..xN}")
    p.add_argument("--k", type=int, help="pairs per side (default floor((N-1)/2))")
    p.add_argument("--seed", type=int, default=0, help="seed of the template stream (default 0)")
    p.add_argument("--space", choices=["sampled", "stratified", "all"], default="sampled",
                   help="sampled: seeded canonical stream of uniform pairs; stratified: a uniform number of indices "
                        "first; all: complete enumeration, small N and k (default sampled)")
    p.add_argument("--diagonal", action="store_true", help="allow diagonal pairs (i, i)")
    p.add_argument("--batch", type=positive_int, default=100, help="templates per batch and checkpoint (default 100)")
    p.add_argument("--max-templates", type=positive_int, help="stop after this many templates in total (partial)")
    p.add_argument("--time-limit", type=float, help="stop this invocation after this many seconds (partial)")
    p.add_argument("--max-batches", type=positive_int, help="stop this invocation after this many batches (partial)")
    p.add_argument("--checkpoint", help="checkpoint JSON file, written atomically after every batch")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint if it exists")
    p.add_argument("--workers", type=worker_count, help="expand on a local Dask cluster with this many worker processes")
    p.add_argument("--scheduler", metavar="ADDRESS", help="expand on the Dask cluster at this scheduler address")
    p.add_argument("--out", help="write a found certificate here (checked by python -m proofs.certificate_check)")
    p.add_argument("--infeasibility-out", metavar="FILE", help="write an exact infeasibility certificate here")
    add_json_option(p)
    p.set_defaults(func=_cmd_certificate_run)

    p = g.add_parser("bounds", help="depth upper bounds for MAX_m (log2, log3, log5) and known exact values",
                     description="Hidden layers needed for max{x1..xm}: the tree bound ceil(log2 m), the BBHSY25 and "
                                 "R+26 bounds, the best known upper bound and the exact value where it is known (exact).")
    p.add_argument("--start", type=int, default=2, help="first m of the table (default 2)")
    p.add_argument("--stop", type=int, default=16, help="last m of the table (default 16)")
    add_json_option(p)
    p.set_defaults(func=_cmd_bounds)
