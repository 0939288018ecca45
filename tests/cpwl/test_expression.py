"""The CPWL expression language: exact parsing and evaluation, errors with positions, compilation."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expressivity.cpwl import (
    ExpressionSyntaxError,
    compile_expression,
    load_expression,
    parse_expression,
)
from expressivity.cpwl.expression import MAX_EXPRESSION_LENGTH, MAX_NESTING
from expressivity.exceptions import InvalidInputError, NumberTypeError, ShapeError

from .strategies import DIM, expression_pairs, points


@pytest.mark.parametrize("text, x, value", [
    ("max(x1, x2, min(x3, 0)) + 1/2*relu(x4 - x1)", [1, 2, -3, 5], F(4)),
    ("0.25*x1", [1], F(1, 4)),                      # decimals are exact
    ("1/3*x1 + 1/3*x1 + 1/3*x1", [7], F(7)),         # 1/3 exactly, no rounding
    ("x1/3", [1], F(1, 3)),
    ("-x1", [2], F(-2)),
    ("--x1", [2], F(2)),
    ("−x1 + 1", [2], F(-1)),                        # Unicode minus
    ("abs(x1 - x2)", [F(1, 2), 3], F(5, 2)),
    ("min(x1)", [5], F(5)),
    ("max(1, 2)*x1", [3], F(6)),                    # constant folding
    ("2*3*x1/4", [4], F(6)),
    ("1.5e-3*x1", [1000], F(3, 2)),
    ("relu(x1)*(-2)", [3], F(-6)),
    ("x1 # a comment\n + x2", [1, 2], F(3)),
])
def test_exact_values(text, x, value):
    f = parse_expression(text)
    assert f(x) == value and isinstance(f(x), F)
    assert compile_expression(f)(x)[0] == value


def test_round_trip_of_the_canonical_text():
    f = parse_expression("max(x1, x2, min(x3, 0)) + 1/2*relu(x4 - x1) - 3")
    g = parse_expression(str(f))
    pts = [[F(i), F(-j, 3), F(j - i, 2), F(i * j)] for i in range(-3, 4) for j in range(-3, 4)]
    assert all(f(p) == g(p) for p in pts)


def test_floats_are_refused_and_dimensions_checked():
    f = parse_expression("x1 + x2")
    with pytest.raises(NumberTypeError):
        f([0.5, 1])
    with pytest.raises(ShapeError):
        f([1, 2, 3])


def _error(text, **kw) -> ExpressionSyntaxError:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_expression(text, **kw)
    return info.value


@pytest.mark.parametrize("text, pos, words", [
    ("max(x1, x2", 3, "never closed"),
    ("(x1))", 4, "without a matching"),
    ("x1*x2", 2, "not piecewise linear"),
    ("x1/x2", 2, "not piecewise linear"),
    ("x1/(2-2)", 2, "division by zero"),
    ("mux(x1)", 0, "unknown function 'mux'"),
    ("y + 1", 0, "unknown name 'y'"),
    ("relu(x1, x2)", 0, "exactly 1 argument"),
    ("max()", 4, "at least one argument"),
    ("2x1", 1, "write 2*x1"),
    ("x0", 0, "numbered from 1"),
    ("x1 ^ 2", 3, "not piecewise linear"),
    ("max(x1,,x2)", 7, "a term was expected"),
    ("1e99999*x1", 0, "number out of range"),
    ("", 0, "empty"),
    ("x1 +", 4, "ends where a term"),
])
def test_errors_name_the_position(text, pos, words):
    exc = _error(text)
    assert exc.pos == pos and words in str(exc)
    first, caret = str(exc).split("\n")
    if text:
        assert first.endswith(text) and caret.index("^") == len(first) - len(text) + pos


def test_caret_is_under_the_offending_character_with_a_prefix():
    exc = _error("max(x1, mux(x2))")
    first, caret = exc.render("expressivity: error: ").split("\n")
    assert first[caret.index("^"):].startswith("mux(")


def test_variables_beyond_the_stated_dimension():
    exc = _error("max(x1, x7)", input_dim=5)
    assert exc.pos == 8 and "beyond the input dimension 5" in str(exc)
    assert parse_expression("max(x1, x3)", input_dim=5).input_dim == 5


def test_limits_are_one_line_errors_and_fast():
    exc = _error("(" * (MAX_NESTING + 5) + "x1" + ")" * (MAX_NESTING + 5))
    assert "MAX_NESTING" in str(exc)
    exc = _error("-" * 5000 + "x1")
    assert "MAX_NESTING" in str(exc)
    exc = _error("x1+" * (MAX_EXPRESSION_LENGTH // 3 + 1) + "x1")
    assert "MAX_EXPRESSION_LENGTH" in str(exc)
    assert "MAX_VARIABLE_INDEX" in str(_error("x99999999"))
    assert len(str(_error("1" * 5000))) < 600
    with pytest.raises(InvalidInputError):
        parse_expression(b"x1")  # type: ignore[arg-type]


def test_expression_files(tmp_path):
    p = tmp_path / "f.cpwl"
    p.write_text("# the max of two\nmax(x1,\n    x2) + 1/2\n")
    assert load_expression(p)([1, 3]) == F(7, 2)
    p.write_text("# comment\nmax(x1,\n    x2))\n")
    with pytest.raises(ExpressionSyntaxError) as info:
        load_expression(p)
    assert info.value.line == 3 and info.value.column == 8 and str(p) in str(info.value)
    p.write_bytes(b"\xff\xfe")
    with pytest.raises(InvalidInputError, match="UTF-8"):
        load_expression(p)
    with pytest.raises(InvalidInputError, match="cannot read"):
        load_expression(tmp_path / "missing.cpwl")


def test_compiled_layers_have_equal_depth_and_identity_carries():
    net = compile_expression("max(x1, x2, x3, x4) + x5")
    assert net.hidden_layers == 2 and net.kind == "exact"
    assert [L.activation for L in net.layers] == ["relu", "relu", "linear"]
    assert net([1, 2, 3, 4, F(1, 2)])[0] == F(9, 2)
    affine = compile_expression("2*x1 - x2/3 + 1")
    assert affine.hidden_layers == 0 and affine([3, 3])[0] == 6


@settings(max_examples=60, deadline=None)
@given(pair=expression_pairs(), pts=st.lists(points, min_size=1, max_size=8))
def test_parsed_and_compiled_values_equal_an_independent_oracle(pair, pts):
    text_a, text_b, oracle = pair
    fa = parse_expression(text_a, input_dim=DIM)
    fb = parse_expression(text_b, input_dim=DIM)
    net = compile_expression(fa)
    values = net(pts)
    for x, v in zip(pts, values):
        assert fa(x) == oracle(x) == fb(x) == v[0]
