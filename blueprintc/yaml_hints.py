"""What to do about a YAML syntax error, from what libyaml says and where it stopped.

libyaml's words name the parser's state, not the author's mistake ("found character
that cannot start any token", "did not find expected key"), and every BPI001 said "fix
the YAML syntax at this position". The mistakes behind them are few and well known
(yamllint's and Helm's issue trackers are full of them): a tab in the indentation, a
value starting with `@`, a backtick or `*`, a `: ` inside an unquoted value, a line
indented off its block, an unclosed quote or bracket. Each gets its fix here; anything
else keeps the general hint.
"""

from __future__ import annotations

import yaml

GENERAL = "fix the YAML syntax at this position"
_NO_TOKEN = "found character that cannot start any token"
_CANNOT_START = {
    "@": "`@` is reserved in YAML",
    "`": "a backtick is reserved in YAML",
    "%": "`%` starts a directive",
}


def syntax_hint(exc: yaml.MarkedYAMLError, text: str) -> str:
    """The fix for `exc`, raised reading `text`."""
    problem, context = exc.problem or "", exc.context or ""
    found = _character_at(text, exc.problem_mark)
    opened = f" on line {exc.context_mark.line + 1}" if exc.context_mark else ""
    no_token = problem == _NO_TOKEN or (  # libyaml's words, then PyYAML's own
        problem.startswith("found character ") and problem.endswith(" cannot start any token")
    )
    if "tab character" in problem or (no_token and found == "\t"):
        return "indent with spaces: YAML does not allow a tab in indentation"
    if no_token and found in _CANNOT_START:
        why = _CANNOT_START[found]
        return f'quote the value: {why} and cannot start a plain value ("{found}...")'
    if problem.startswith("mapping values are not allowed"):
        return (
            'quote a value that holds ": " (key: "a: b"), or indent this line as a key of '
            "the mapping it belongs to (a key cannot sit under a key that has a value)"
        )
    if problem.startswith("found undefined alias"):
        return 'a value starting with `*` is an alias: quote it ("*..."), or define &anchor first'
    if "duplicate anchor" in context:
        return "give each anchor (&name) a name of its own"
    if problem == "found unexpected end of stream" and "quoted scalar" in context:
        return f"close the quote opened{opened}"
    if problem.startswith("found unknown escape character"):
        return (
            "in double quotes a backslash starts an escape: write it twice (\\\\), or use "
            "single quotes"
        )
    for closing, opening in (("]", "["), ("}", "{")):
        expected = f"expected ',' or '{closing}'"
        if problem == f"did not find {expected}" or problem.startswith(f"{expected}, but got"):
            return (
                f"close the `{opening}` opened{opened} with `{closing}`, or quote the item "
                "that holds a `,` or a bracket"
            )
    if problem == "could not find expected ':'":
        return (
            "this line is neither `key: value` nor part of a value: add the `: `, or "
            "quote the text it continues (or use a `|` block for text over several lines)"
        )
    key_expected = problem == "did not find expected key" or problem.startswith(
        "expected <block end>, but found"
    )
    if key_expected and "block mapping" in context:
        if _line_before(text, exc.problem_mark).strip():  # `a: 'x' y`: not at a line's start
            return "only a comment may follow a quoted value on its line: quote the whole value"
        return f"indent this line as the keys of the mapping that starts{opened}"
    if problem == "did not find expected '-' indicator" or (
        problem.startswith("expected <block end>, but found") and "block collection" in context
    ):
        return f"indent this item as the `- ` items of the list that starts{opened}"
    return GENERAL


def _character_at(text: str, mark: yaml.Mark | None) -> str:
    line = _line(text, mark)
    return line[mark.column] if mark is not None and mark.column < len(line) else ""


def _line_before(text: str, mark: yaml.Mark | None) -> str:
    return _line(text, mark)[: mark.column] if mark is not None else ""


def _line(text: str, mark: yaml.Mark | None) -> str:
    lines = text.splitlines()
    return lines[mark.line] if mark is not None and mark.line < len(lines) else ""
