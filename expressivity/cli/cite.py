"""``expressivity cite``: BibTeX of the papers the selected claims cite.

Registration imports only argparse (``--help`` stays fast); the claim registry and the
bibliography ``docs/references.bib`` are read inside the handler.
"""

from __future__ import annotations

import argparse

from ._common import add_json_option

__all__ = ["register"]

CITE_HELP = "print the BibTeX entries cited by the selected claims (all claims when none are named)"


def _cmd_cite(args: argparse.Namespace) -> int:
    from expressivity.proofs.registry import bibliography, select_claims

    from ._common import EXIT_OK, write_json

    claims = select_claims(args.ids)
    rows = [{"id": c.id, "source": c.source, "keys": sorted({key for key, _ in c.citations})} for c in claims]
    keys = sorted({k for row in rows for k in row["keys"]}, key=lambda k: (k.lower(), k))
    bib = bibliography()
    entries = [bib[k] for k in keys]
    if args.json is not None:
        write_json(args.json, {"claims": rows, "entries": [{"key": k, "bibtex": e} for k, e in zip(keys, entries)]})
        if args.json == "-":
            return EXIT_OK
    print("\n\n".join(entries))
    return EXIT_OK


def register(cli) -> None:
    p = cli.command("cite", CITE_HELP,
                    description=CITE_HELP + ". Each entry is printed once, sorted by key; claim sources name "
                                "a key of docs/references.bib and a theorem or section, e.g. 'HBDSS23 Thm 1.7'.")
    p.add_argument("ids", nargs="*", help="claim ids, id prefixes or globs, as for 'verify' (default: all)")
    add_json_option(p)
    p.set_defaults(func=_cmd_cite)
