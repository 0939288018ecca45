"""Certificate files of the MAX_n search, in the formats of ``python -m proofs.certificate_check``.

* ``expressivity.relu-max-certificate/1``: ``{"format", "n", "k", "statement", "template_space",
  "terms": [{"A", "B", "coefficient"}]}`` -- ``max{x_1..x_n} = sum coefficient * F_{A,B}``
  (0-based index pairs, exact coefficients as strings).
* ``expressivity.relu-max-infeasibility/1``: ``{"format", "n", "k", "diagonal", "space": "all",
  "y_linear", "y_hinges"}`` -- an exact ``y`` orthogonal to the sorted-cone expansion of every
  template of the complete space and with ``y . x_n != 0``.

Both are re-checked by the standard-library checker, which re-expands every template itself.

Examples
--------
>>> import tempfile, pathlib, json
>>> from expressivity.relu.certificates import ruess_max6_certificate
>>> p = pathlib.Path(tempfile.mkdtemp()) / "max6.json"
>>> _ = write_certificate_file(p, ruess_max6_certificate())
>>> json.loads(p.read_text())["format"]
'expressivity.relu-max-certificate/1'
"""

from __future__ import annotations

import json
from pathlib import Path

from .._io import atomic_write_text

__all__ = ["MAX_CERTIFICATE_FORMAT", "INFEASIBILITY_FORMAT", "certificate_document", "write_certificate_file",
           "write_infeasibility_file"]

MAX_CERTIFICATE_FORMAT = "expressivity.relu-max-certificate/1"
INFEASIBILITY_FORMAT = "expressivity.relu-max-infeasibility/1"


def certificate_document(cert, *, statement: str | None = None) -> dict:
    """The JSON document of a :class:`~expressivity.relu.certificates.Certificate`.

    Examples
    --------
    >>> from expressivity.relu.certificates import ruess_max6_certificate
    >>> d = certificate_document(ruess_max6_certificate())
    >>> d["n"], d["k"], len(d["terms"])
    (6, 2, 4)
    """
    k = max(t.k for t, _ in cert.terms)
    doc = {"format": MAX_CERTIFICATE_FORMAT, "n": cert.n, "k": k,
           "statement": f"max{{x_1..x_{cert.n}}} = sum_T coefficient_T * F_T, F_T(x) = sum over sigma in S_{cert.n} "
                        "of max{sum_{(i,j) in A} max(x_sigma(i), x_sigma(j)), sum_{(i,j) in B} ...} (0-based pairs)",
           "method": "exact"}
    if statement:
        doc["template_space"] = statement
    doc.update(cert.to_json())
    doc["n"] = cert.n
    return doc


def write_certificate_file(path: str | Path, cert, *, statement: str | None = None) -> Path:
    """Write a certificate atomically (one term per line, so diffs stay readable)."""
    doc = certificate_document(cert, statement=statement)
    terms = doc.pop("terms")
    head = json.dumps(doc)[:-1]
    body = ",\n".join(" " + json.dumps(t) for t in terms)
    return atomic_write_text(path, f'{head}, "terms": [\n{body}\n]}}\n')


def write_infeasibility_file(path: str | Path, res) -> Path:
    """Write the exact infeasibility certificate of a :class:`~.certificate_search.RunResult`."""
    inf = res.infeasibility
    doc = {"format": INFEASIBILITY_FORMAT, "n": res.n, "k": res.k, "diagonal": "i = j allowed" in res.space,
           "space": "all", "template_space": res.space, "method": "exact",
           "statement": f"y^T F_T = 0 for every template T of the space and y^T x_{res.n} = 1: max is not in their span",
           "y_linear": inf["y_linear"], "y_hinges": inf["y_hinges"]}
    return atomic_write_text(path, json.dumps(doc) + "\n")
