"""Bad input files end in a clear one-line error, fast -- never a hang, a traceback or a flood.

Every file-taking command is run AS A SUBPROCESS (``python -m expressivity ...``) on malformed
files: numbers that would hang or overflow (``"1e999999999"``, ``1e4000``, a 100 000-digit
integer), binary garbage, JSON nested 1000 deep, empty/missing files, a directory, NaN/Infinity,
and wrong shapes.  Each run must exit 2 within 10 s with exactly one line on stderr starting
with ``expressivity: error:`` (under 500 characters, no traceback, not the CLI's generic
last-resort handler) and nothing on stdout.

One exception, documented in ``expressivity depth check-certificate --help``: a certificate file
that can be read but is not a valid certificate is *rejected* (exit 1, one ``REJECTED: reason``
line on stdout, as for a certificate whose arithmetic fails); only a file that cannot be read
(missing, a directory, not UTF-8) is a usage error (exit 2).

A subset (two cases per command) runs by default; the full matrix is marked ``slow``
(each run is a fresh interpreter, ~1-3 s).
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

# command line (the file goes where "F" is) and a valid file of its format, with "@X@" where a
# number goes (replaced by the raw text of each bad number)
NETWORK = ('{"input_dim": 2, "layers": [{"weight": [[@X@, "-1"], ["0", "1"], ["0", "-1"]], "bias": ["0", "0", "0"],'
           ' "activation": "relu"}, {"weight": [["1", "1", "-1"]], "bias": ["0"], "activation": "linear"}]}')
ARRANGEMENT = ('{"dim": 2, "hyperplanes": [{"normal": [@X@, 0], "offset": 0}, {"normal": [0, 1], "offset": "0"},'
               ' {"normal": ["1", "1"], "offset": "1"}]}')
HBDSS_CERT = (
    '{"format":"expressivity.hbdss-certificate/1","n":2,"rays":[[0],[1],[2],[0,1],[0,2],[1,2]],'
    '"basis":[[1],[2],[0,1],[0,2],[1,2]],"flip_matrix":[["-1","0","-1","0","-1"],["0","-1","0","-1","-1"],'
    '["0","0","1","0","0"],["0","0","0","1","0"],["0","0","0","0","1"]],"symmetries":[{"perm":[2,1],"flip":false}],'
    '"proofs":{"max":{"witness":{"a":[@X@,"0","1","1","1"]}},"min":{"witness":{"a":["-1","1","1","1","0"]}}}}')
POINT = ('{"format": "lightning-coefficients", "version": 1, "d": 2, "t": 2, "dprime": 1, "a": 2,'
         ' "cross": [[[[@X@, "0"], ["5/2", "1/2"]], [["5/2", "1/2"], ["6", "2"]]]],'
         ' "pure": [[[["1", "5/3"], ["5/3", "7/3"]], [["5/3", "7/3"], ["7/3", "2"]]]]}')
RELU_CERT = '{"n": 3, "terms": [{"A": [[0, 1]], "B": [[0, 2]], "coefficient": @X@}]}'

COMMANDS = {
    "depth-check": (["depth", "check", "F", "--max", "2"], NETWORK),
    "depth-hconform": (["depth", "hconform", "F"], NETWORK),
    "regions-count": (["regions", "count", "F"], NETWORK),
    "regions-arrangement": (["regions", "arrangement", "F"], ARRANGEMENT),
    "depth-check-certificate": (["depth", "check-certificate", "F"], HBDSS_CERT),
    "invariants-check-point": (["invariants", "check-point", "F"], POINT),
    "depth-certificate-check": (["depth", "certificate", "--check", "F"], RELU_CERT),
}

# a number slot filled with bad text
NUMBERS = {
    "exp-string": '"1e999999999"',  # Fraction("1e999999999") computes 10**999999999: a hang
    "exp-bare": "1e999999999",
    "e4000-string": '"1e4000"',
    "e4000-bare": "1e4000",  # float overflow
    "bigint-bare": "9" * 100_000,  # Python refuses int(str) beyond 4300 digits
    "bigint-string": '"' + "7" * 100_000 + '"',
    "nan": "NaN",
    "infinity": "-Infinity",
}
# a whole file, whatever the command
WHOLE = {
    "garbage": random.Random(20240610).randbytes(4096),
    "nested-1000": ("[" * 1000 + "]" * 1000).encode(),
    "nested-objects": ('{"a":' * 1000 + "1" + "}" * 1000).encode(),
    "empty": b"",
    "top-level-list": b"[1, 2, 3]",
    "top-level-string": b'"hello"',
    "truncated": NETWORK.replace("@X@", "1")[:60].encode(),
    "missing": None,
    "directory": None,
}
# shape errors inside each format
SHAPES = {
    "depth-check": NETWORK.replace('["0", "1"],', '["0"],'),
    "depth-hconform": NETWORK.replace('"bias": ["0"]', '"bias": ["0", "0"]'),
    "regions-count": NETWORK.replace('"layers": [', '"layers": [[1, 2], '),
    "regions-arrangement": ARRANGEMENT.replace("[@X@, 0]", "[1, 0, 0]"),
    "depth-check-certificate": HBDSS_CERT.replace('"n":2', '"n":[2]'),
    "invariants-check-point": POINT.replace('[["5/2", "1/2"], ["6", "2"]]', '[["5/2"], ["6", "2"]]'),
    "depth-certificate-check": RELU_CERT.replace('"terms": [', '"terms": "x", "t": ['),
}

# files that cannot be read at all: a usage error (exit 2) for every command
UNREADABLE = {"file:missing", "file:directory", "file:garbage"}

# (command, case) pairs run by default; everything else is slow
DEFAULT = {"exp-string", "bigint-bare"}


def _cases():
    out = []
    for cmd in COMMANDS:
        names = [f"num:{k}" for k in NUMBERS] + [f"file:{k}" for k in WHOLE] + ["shape"]
        if cmd == "regions-count":
            names.append("float-overflow")  # "1e400" is exact, but too large for the float enumeration
        for name in names:
            marks = () if name.split(":")[-1] in DEFAULT else (pytest.mark.slow,)
            out.append(pytest.param(cmd, name, id=f"{cmd}-{name}", marks=marks))
    return out


def _make_input(tmp_path: Path, cmd: str, case: str) -> str:
    template = COMMANDS[cmd][1]
    f = tmp_path / "input.json"
    kind, _, name = case.partition(":")
    if kind == "num":
        f.write_text(template.replace("@X@", NUMBERS[name]), encoding="utf-8")
    elif kind == "shape":
        f.write_text(SHAPES[cmd].replace("@X@", "1"), encoding="utf-8")
    elif kind == "float-overflow":
        f.write_text(template.replace("@X@", '"1e400"'), encoding="utf-8")
    elif name == "missing":
        return str(tmp_path / "no-such-file.json")
    elif name == "directory":
        return str(tmp_path)
    else:
        f.write_bytes(WHOLE[name])
    return str(f)


@pytest.mark.parametrize("cmd, case", _cases())
def test_bad_file_gives_one_line_error_fast(tmp_path, cmd, case):
    path = _make_input(tmp_path, cmd, case)
    argv = [path if a == "F" else a for a in COMMANDS[cmd][0]]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "expressivity", *argv], capture_output=True, text=True,
                          timeout=30, cwd=tmp_path)
    seconds = time.perf_counter() - t0
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert seconds < 10, f"took {seconds:.1f} s"
    if cmd == "depth-check-certificate" and case not in UNREADABLE:
        assert proc.returncode == 1, (proc.returncode, proc.stdout[-500:], proc.stderr[-500:])
        lines, prefix = proc.stdout.splitlines(), "REJECTED:"
    else:
        assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr[-500:])
        assert proc.stdout == "", proc.stdout[-500:]
        lines, prefix = proc.stderr.splitlines(), "expressivity: error:"
    assert len(lines) == 1, (proc.stdout[-1000:], proc.stderr[-1000:])
    assert lines[0].startswith(prefix), lines[0][:500]
    assert len(lines[0]) < 500, lines[0][:600]
    # the CLI's last-resort handler ("set EXPRESSIVITY_DEBUG=1") means the cause was not handled
    assert "EXPRESSIVITY_DEBUG" not in lines[0], lines[0]


# ----------------------------------------------------------------------------- in process
# The same inputs at the library level (fast): the one exact-number parser and the JSON reader.

from fractions import Fraction  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from expressivity.exceptions import InvalidInputError, NumberTypeError  # noqa: E402
from expressivity.numbers import MAX_DIGITS, NumberTooLargeError, to_fraction  # noqa: E402
from expressivity._jsonfile import MAX_DEPTH, JSONFloat, read_json_file  # noqa: E402


@given(st.integers(-10**30, 10**30), st.integers(1, 10**30))
def test_to_fraction_reads_p_over_q(p, q):
    assert to_fraction(f"{p}/{q}") == Fraction(p, q)  # oracle: Fraction(p, q) from the integers


@given(st.integers(-10**20, 10**20), st.integers(0, 12), st.integers(-40, 40))
def test_to_fraction_reads_decimals_exactly(m, frac_digits, e):
    digits = str(abs(m)).rjust(frac_digits + 1, "0")
    text = f"{'-' if m < 0 else ''}{digits[:len(digits) - frac_digits]}.{digits[len(digits) - frac_digits:]}e{e}"
    # oracle: integer arithmetic, value = m * 10**(e - frac_digits)
    assert to_fraction(text) == Fraction(m) * Fraction(10) ** (e - frac_digits)


@pytest.mark.parametrize("text, value", [
    ("3", Fraction(3)), (" -2 / 7 ", Fraction(-2, 7)), ("+4", Fraction(4)), (".5", Fraction(1, 2)),
    ("3.", Fraction(3)), ("1E+3", Fraction(1000)), ("-1.5e-3", Fraction(-3, 2000)), ("007/010", Fraction(7, 10)),
])
def test_to_fraction_accepted_forms(text, value):
    assert to_fraction(text) == value


def test_to_fraction_takes_exact_objects_of_other_libraries():
    import flint
    import numpy as np
    import sympy

    assert to_fraction(sympy.Rational(-3, 7)) == Fraction(-3, 7)
    assert to_fraction(sympy.Integer(5)) == 5
    assert to_fraction(flint.fmpq(3, 7)) == Fraction(3, 7)
    assert to_fraction(flint.fmpz(-9)) == -9
    assert to_fraction(np.int64(4)) == 4
    with pytest.raises(NumberTypeError, match="float_to_fraction"):
        to_fraction(0.5)


@pytest.mark.parametrize("text", ["1_000", "١", "1e", "1/0", "nan", "inf", "", "0x10", "1/-2", "--1"])
def test_to_fraction_refuses_malformed_strings(text):
    with pytest.raises(NumberTypeError):
        to_fraction(text)


def test_to_fraction_limits_are_exact_and_fast():
    t0 = time.perf_counter()
    for text in ["1e999999999", "1e-999999999", "1e" + "9" * 100_000, "9" * 100_000, "1/" + "7" * 100_000, "1e4000",
                 "1e-4000", "0." + "0" * MAX_DIGITS + "1"]:
        with pytest.raises(NumberTooLargeError) as info:
            to_fraction(text, where="w")
        assert len(str(info.value)) < 250 and "\n" not in str(info.value)
    assert time.perf_counter() - t0 < 1.0
    # the boundary: numerator and denominator of at most MAX_DIGITS digits are accepted
    assert to_fraction("1e3999") == 10 ** 3999
    assert to_fraction("1e-3999") == Fraction(1, 10 ** 3999)
    assert to_fraction("9" * MAX_DIGITS) == 10 ** MAX_DIGITS - 1
    assert to_fraction(10 ** MAX_DIGITS - 1) == 10 ** MAX_DIGITS - 1
    with pytest.raises(NumberTooLargeError):
        to_fraction(10 ** MAX_DIGITS)
    assert isinstance(NumberTooLargeError("x"), InvalidInputError)


def _read(tmp_path: Path, data: bytes, **kw):
    f = tmp_path / "x.json"
    f.write_bytes(data)
    return read_json_file(f, InvalidInputError, "test file", **kw)


@pytest.mark.parametrize("name", [k for k, v in WHOLE.items() if v is not None and k != "top-level-list"
                                  and k != "top-level-string"])
def test_reader_refuses_bad_files_in_one_line(tmp_path, name):
    t0 = time.perf_counter()
    with pytest.raises(InvalidInputError) as info:
        _read(tmp_path, WHOLE[name])
    msg = str(info.value)
    assert time.perf_counter() - t0 < 1.0
    assert "\n" not in msg and len(msg) < 300 and msg.startswith(str(tmp_path / "x.json"))


@pytest.mark.parametrize("text, pattern", [
    ('{"a": ' + "9" * 100_000 + "}", r"an integer with 100000 digits.*\(line 1, column 7\)"),
    ('[1,\n 1e4000]', r"the number '1e4000' is outside the float64 range.*\(line 2, column 2\)"),
    ("[Infinity]", r"Infinity is not finite"),
    ('{"a": 1, "b": {"c": 2, "c": 3}}', r"duplicate key 'c'"),
    ('{"a": [1, 2,]}', r"not valid JSON \(line 1, column 13: Expecting value\)"),
    ("  \n", r"empty"),
])
def test_reader_messages(tmp_path, text, pattern):
    with pytest.raises(InvalidInputError, match=pattern):
        _read(tmp_path, text.encode())


def test_reader_nesting_limit_counts_only_brackets_outside_strings(tmp_path):
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert _read(tmp_path, ok.encode()) is not None
    with pytest.raises(InvalidInputError, match=rf"nested deeper than {MAX_DEPTH} levels \(line 1, column {MAX_DEPTH + 1}\)"):
        _read(tmp_path, ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode())
    # brackets inside strings, with escaped quotes, do not count
    text = '["' + "[" * 500 + '", "\\"{{{{", [[1]]]'
    assert _read(tmp_path, text.encode()) == ["[" * 500, '"{{{{', [[1]]]
    assert _read(tmp_path, b"[[[1]]]", max_depth=3) == [[[1]]]
    with pytest.raises(InvalidInputError, match="nested deeper than 2"):
        _read(tmp_path, b"[[[1]]]", max_depth=2)


def test_reader_size_limit_and_encoding(tmp_path):
    with pytest.raises(InvalidInputError, match="larger than 10 bytes"):
        _read(tmp_path, b"[1, 2, 3, 4, 5]", max_bytes=10)
    assert _read(tmp_path, "\ufeff[1]".encode()) == [1]  # a byte-order mark is tolerated
    with pytest.raises(InvalidInputError, match=r"not a UTF-8 text file \(byte 0xff at offset 1\)"):
        _read(tmp_path, b"[\xff]")


def test_reader_floats_remember_their_text(tmp_path):
    got = _read(tmp_path, b"[1e300, 0.1, 2]")
    assert isinstance(got[0], JSONFloat) and got[0].text == "1e300" and got[0] == 1e300
    assert to_fraction(got[0].text) == 10 ** 300 and type(got[2]) is int
