"""BPI001: a YAML syntax error's hint names the fix for the mistake behind it, not
only "fix the YAML syntax at this position" (`blueprintc.yaml_hints`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.rules.guards.rendered_objects import read_values_file
from blueprintc.source import InputError, SourceFile
from blueprintc.yaml_hints import GENERAL
from blueprintc.yamldoc import load_yaml

TAB = "indent with spaces: YAML does not allow a tab in indentation"
CASES = [
    ("a: 1\n\tb: 2\n", 2, TAB),
    ("a:\n\t- 1\n", 2, TAB),
    ("a: @foo\n", 1, "quote the value: `@` is reserved in YAML and cannot start a plain value"),
    ("a: `x`\n", 1, "quote the value: a backtick is reserved in YAML"),
    ("a: %x\n", 1, "quote the value: `%` starts a directive"),
    ("a: b: c\n", 1, 'quote a value that holds ": " (key: "a: b")'),
    ("a: *foo\n", 1, "a value starting with `*` is an alias"),
    ("a: &x 1\nb: &x 2\n", 2, "give each anchor (&name) a name of its own"),
    ('a: "abc\nb: 1\n', 3, "close the quote opened on line 1"),
    ('a: "c:\\d"\n', 1, "in double quotes a backslash starts an escape"),
    ("a: [1, 2\nb: 3\n", 2, "close the `[` opened on line 1 with `]`"),
    ("a: {x: 1\nb: 3\n", 2, "close the `{` opened on line 1 with `}`"),
    ("a: 1\nb\nc: 2\n", 3, "this line is neither `key: value` nor part of a value"),
    ("a:\n  b: 1\n c: 2\n", 3, "indent this line as the keys of the mapping that starts on line 1"),
    ("a: 'x' y\n", 1, "only a comment may follow a quoted value on its line"),
    ("- a\nb: 1\n", 2, "indent this item as the `- ` items of the list that starts on line 1"),
]


def _error(text: str) -> InputError:
    with pytest.raises(InputError) as raised:
        load_yaml(SourceFile(Path("values.yaml"), "values.yaml", text))
    return raised.value


@pytest.mark.parametrize(("text", "line", "hint"), CASES)
def test_each_common_mistake_gets_its_fix(text: str, line: int, hint: str) -> None:
    error = _error(text)
    assert (error.rule, error.line) == ("BPI001", line)
    assert error.hint is not None and error.hint.startswith(hint), error.hint


def test_another_error_keeps_the_general_hint() -> None:
    assert _error("a: b\n--- [\n").hint == GENERAL


@pytest.mark.parametrize(("text", "hint"), [(text, hint) for text, _, hint in CASES])
def test_a_values_file_given_on_the_command_line_gets_the_same_fixes(
    tmp_path: Path, text: str, hint: str
) -> None:
    """`--values` files are read by PyYAML's own loader, whose words differ."""
    values = tmp_path / "values.yaml"
    values.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="is not YAML") as raised:
        read_values_file(values)
    assert f"; {hint}" in str(raised.value)
