"""``expressivity convert IN OUT``: network files between JSON, ONNX, safetensors and npz.

The formats follow the extensions (``.json``, ``.onnx``, ``.safetensors``, ``.npz``); an output
with another extension is refused unless ``--format`` names the format.  ``--exact``
takes floats at their exact binary value (or, with ``--max-denominator Q``, the closest fraction
with denominator ≤ Q, reporting the largest change of a weight); ``--float`` rounds rationals to
float64.  The output is written atomically and never replaces the input.  Exit 0 on success,
2 on bad input (one line naming the field, node or tensor).
"""

from __future__ import annotations

import argparse

from ._common import EXIT_OK, add_json_option, positive_int, text_stream, write_json

__all__ = ["register"]


def _cmd_convert(args: argparse.Namespace) -> int:
    from ..exceptions import InvalidInputError
    from ..interop.formats import convert_network

    if args.max_denominator is not None and not args.exact:
        raise InvalidInputError("--max-denominator needs --exact (rationals with a bounded denominator)")
    to = "exact" if args.exact else ("float" if args.to_float else None)
    rep = convert_network(args.source, args.out, to=to, max_denominator=args.max_denominator,
                          dtype="float32" if args.float32 else "float64", layer_order=args.layer_order,
                          activations=args.activations, format=args.format)
    out = rep.to_json()
    n = rep.network
    print(f"{rep.source} ({rep.source_format}, {rep.source_kind}) -> {rep.target} ({rep.target_format}, "
          f"{rep.target_kind}): input_dim {n.input_dim}, widths {list(n.widths)}, output_dim {n.output_dim}; "
          f"conversion: {rep.conversion}; max weight change {rep.max_deviation} (≈ {float(rep.max_deviation):.3g})",
          file=text_stream(args))
    write_json(args.json, out)
    return EXIT_OK


def register(cli) -> None:
    p = cli.command(
        "convert", "convert a network file between JSON, ONNX, safetensors and npz (and exact/float)",
        description="Convert a network file; formats by extension (an unknown output extension needs --format): "
                    ".json (exact or float), .onnx, .safetensors, "
                    ".npz (float64; an exact network is stored only when every weight is a float64 number, and is "
                    "read back exact). Weight files need a layer order unless the layer names are numbered "
                    "(0.weight, layers.2.bias, fc1.weight ...). Floats are taken at their exact binary value. "
                    "The output is written atomically and never replaces the input. See docs/interop.md.")
    p.add_argument("source", metavar="IN", help="input network file (.json, .onnx, .safetensors, .npz)")
    p.add_argument("out", metavar="OUT", help="output network file; format by extension (.json, .onnx, "
                                              ".safetensors, .npz), any other extension needs --format")
    p.add_argument("--format", choices=("json", "onnx", "safetensors", "npz"), default=None,
                   help="output format, whatever OUT's extension (default: from the extension; an unknown "
                        "extension is refused)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--exact", action="store_true",
                      help="rational weights: each float's exact binary value (or see --max-denominator)")
    kind.add_argument("--float", dest="to_float", action="store_true",
                      help="float64 weights: round each rational once (needed to store e.g. 1/3 in .onnx)")
    p.add_argument("--max-denominator", type=positive_int, default=None, metavar="Q",
                   help="with --exact: the closest fraction with denominator <= Q instead of the binary value "
                        "(changes the function; the largest change of a weight is reported); JSON output only")
    p.add_argument("--float32", action="store_true",
                   help="store float32 tensors in .onnx/.safetensors/.npz (rounds each weight once; default float64)")
    p.add_argument("--layer-order", default=None, metavar="LIST",
                   help="weight files: comma-separated layer names in network order, e.g. fc1,fc2,out "
                        "(the tensors are NAME.weight, NAME.bias)")
    p.add_argument("--activations", default=None, metavar="LIST",
                   help="weight files: comma-separated activation per layer, relu or linear "
                        "(default relu after every layer but the last)")
    add_json_option(p)
    p.set_defaults(func=_cmd_convert)
