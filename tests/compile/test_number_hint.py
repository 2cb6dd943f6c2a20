"""BPP015 where the schema wants a number and the spec has text: the hint gives the
number to write, from the digits the text starts with (`minREScore: 80%`: 80), not
"use a value of type integer"."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.compile.run import run_compile
from tests.compile.helpers import copy_workspace


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("80%", "write a whole number, e.g. 80"),
        ('"80"', "write a whole number, e.g. 80"),
        ("80.5", "write a whole number, e.g. 80"),
        ("high", "write a whole number, unquoted"),
    ],
)
def test_text_where_an_integer_belongs_is_told_the_number_to_write(
    tmp_path: Path, written: str, hint: str
) -> None:
    root = copy_workspace(tmp_path / "ws")
    org = root / "organizations" / "acme.yaml"
    text = org.read_text()
    assert "minREScore: 80\n" in text
    org.write_text(text.replace("minREScore: 80\n", f"minREScore: {written}\n"))
    [found] = run_compile(root, out=tmp_path / "out").diagnostics
    assert (found.rule, found.location.line) == ("BPP015", 15)
    assert "is not of type 'integer'" in found.message
    assert found.hint == hint
