"""The runnable examples in the docstrings of expressivity.attention."""

import doctest
import importlib

import pytest

MODULES = ["model", "ring", "families", "verification", "dimension", "implicitization", "check_point", "cost",
           "cross_rows", "weights"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(f"expressivity.attention.{name}")
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0
