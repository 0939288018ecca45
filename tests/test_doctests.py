"""Docstring examples are part of the documentation: every one must run and be right."""

import doctest
import importlib
import pkgutil

import pytest

import expressivity
from expressivity import paper_figures
from expressivity import proofs
def _modules():
    names = []
    for pkg in (expressivity, proofs, paper_figures):
        names.append(pkg.__name__)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
            if info.name.endswith("__main__"):
                continue
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
