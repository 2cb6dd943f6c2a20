"""Parse a `when:` predicate and check it against the allowed language.

The text is lexed and parsed by Jinja's own expression parser (the language is
Jinja's expression syntax, so its parser defines it exactly); the tree is then
checked here and never compiled by Jinja (see `blueprintc.plan.predicates` for
why). Tokens are numbered and each node's `lineno` is its token's number, so
every error and every excerpt maps back to a column of the predicate text.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.lexer import TokenStream
from jinja2.parser import Parser

from blueprintc.diagnostics import one_line

ROOTS = ("config", "application", "environment", "sovereign")
MAX_LENGTH = 1000
MAX_DEPTH = 16
TESTS = frozenset(
    {"defined", "undefined", "none", "true", "false", "boolean", "number", "integer", "float"}
    | {"string", "mapping", "sequence"}
)
GUARDS = frozenset({"defined", "undefined"})
_GO_FUNCTIONS = frozenset({"eq", "ne", "lt", "le", "gt", "ge", "len", "index", "and", "or"})
# fmt: off
_ALLOWED = (
    nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.List, nodes.Tuple,
    nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos,
    nodes.Add, nodes.Sub, nodes.Concat, nodes.Test,
)
# fmt: on
_CHAIN = (nodes.Name, nodes.Getattr, nodes.Getitem)
_FORBIDDEN = {
    nodes.Call: "calls are not allowed in a predicate",
    nodes.Filter: "filters (`| name`) are not allowed in a predicate",
    nodes.Dict: "dict literals are not allowed in a predicate",
    nodes.Slice: "slices are not allowed in a predicate",
    nodes.CondExpr: "`if ... else` is not allowed in a predicate; combine with and/or",
}
_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")
# Nodes whose `lineno` is one of their own tokens (a tuple's may be one of its brackets);
# the others may carry a neighbour's.
# fmt: off
_OWN_TOKEN = (
    nodes.Name, nodes.Const, nodes.List, nodes.Tuple, nodes.Not, nodes.Neg, nodes.Pos,
    nodes.Getattr, nodes.Getitem, nodes.Test,
)
# fmt: on
# Only the lexer and parser of this environment are used; nothing is ever compiled.
_JINJA = Environment(autoescape=False)


class PredicateError(ValueError):
    """Why a predicate cannot be used; `column` is 1-based within the predicate text."""

    def __init__(self, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Token:
    start: int  # 1-based column of its first character in the predicate text
    end: int  # 1-based column of its last character
    value: str


@dataclass(frozen=True)
class Parsed:
    """A checked predicate: its tree, its tokens by number, and the roots it reads."""

    text: str
    tree: nodes.Expr
    tokens: dict[int, Token]
    roots: tuple[tuple[str, int], ...]  # each root read, with its first column

    @property
    def column(self) -> int:
        """Where the expression starts: for errors that have no better place."""
        return self.at(self.first_token(self.tree))

    def at(self, index: int | None) -> int:
        token = self.tokens.get(index or 0)
        return token.start if token else 1

    def first_token(self, node: nodes.Node) -> int:
        return self.span(node)[0]

    def span(self, node: nodes.Node) -> tuple[int, int]:
        """First and last token of `node`, widened to balance the brackets inside."""
        marks = [index for index in self._marks(node) if index in self.tokens]
        first, last = min(marks), max(marks)
        depth = 0
        for index in range(first, last + 1):
            value = self.tokens[index].value if index in self.tokens else ""
            depth += (value in _OPENERS) - (value in _CLOSERS)
        while depth < 0 and first - 1 in self.tokens:  # a `)` closes a `(` before the span
            first -= 1
            value = self.tokens[first].value
            depth += (value in _OPENERS) - (value in _CLOSERS)
        while depth > 0 and last + 1 in self.tokens:
            last += 1
            value = self.tokens[last].value
            depth += (value in _OPENERS) - (value in _CLOSERS)
        return first, last

    def excerpt(self, node: nodes.Node, limit: int = 60) -> str:
        """The text of `node` as written, shortened past `limit` characters."""
        first, last = self.span(node)
        text = one_line(self.text[self.tokens[first].start - 1 : self.tokens[last].end])
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def _marks(self, node: nodes.Node) -> Iterator[int]:
        """Token numbers inside `node`, from the nodes whose `lineno` is one of their tokens."""
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, _OWN_TOKEN):
                yield current.lineno
            if isinstance(current, nodes.Getattr):  # `.` then the key
                yield self._next_word(current.lineno, skip="")
            elif isinstance(current, nodes.Test):  # `is` [`not`] then the test's name
                yield self._next_word(current.lineno, skip="not")
            stack.extend(current.iter_child_nodes())

    def _next_word(self, index: int, skip: str) -> int:
        """The next token after `index` that is not whitespace (nor `skip`)."""
        index += 1
        while index in self.tokens and self.tokens[index].value.strip() in ("", skip):
            index += 1
        return index


def parse(text: str) -> Parsed:
    """The checked tree of `text`; a `PredicateError` with its column if it is not allowed."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Jinja warns about bad string escapes: an error here
        source, columns, end_column = _translate(text)
        tree, tokens = _parse(source, columns, end_column)
    roots = _check(tree, tokens, text)
    return Parsed(text, tree, tokens, roots)


def _bounds(text: str) -> tuple[int, int]:
    """Start and end index of the expression inside optional `{{ ... }}` (and `{{- -}}`)."""
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    if text.startswith("{{", start):
        if end - start < 4 or not text.endswith("}}", 0, end):
            raise PredicateError(
                "`{{` is not closed by `}}` at the end of the predicate", start + 1
            )
        start, end = start + 2, end - 2
        start += text.startswith("-", start)
        end -= end > start and text[end - 1] == "-"
    if not text[start:end].strip():
        raise PredicateError("the predicate is empty; write e.g. {{ .config.ha }}", start + 1)
    return start, end


def _translate(text: str) -> tuple[str, list[int], int]:
    """Drop the leading dot of each reference; keep each kept character's original column.

    Returns the Jinja expression, the 1-based column in `text` of each of its
    characters, and the column just past the expression (for "unexpected end").
    """
    start, end = _bounds(text)
    out: list[str] = []
    columns: list[int] = []
    quote = ""
    depth = 0
    carry: int | None = None
    i = start
    while i < end:
        char = text[i]
        if quote:
            if char == "\\" and i + 1 < end:
                out.append(char)
                columns.append(i + 1)
                i += 1
                char = text[i]
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif text.startswith(("{{", "}}"), i):
            raise PredicateError("a predicate is a single `{{ expression }}`", i + 1)
        elif char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise PredicateError(f"brackets nest deeper than {MAX_DEPTH} levels", i + 1)
        elif char in ")]}":
            depth -= 1
        elif char == "." and _is_reference(text, i, end):
            carry = i + 1
            i += 1
            continue
        out.append(" " if char in "\r\n\t" else char)
        columns.append(carry or i + 1)
        carry = None
        i += 1
    return "".join(out), columns, len(text[:end].rstrip()) + 1


def _is_reference(text: str, i: int, end: int) -> bool:
    """`.config` after a space, operator or bracket is a reference; `x.y`, `].y` an attribute."""
    following = text[i + 1] if i + 1 < end else ""
    previous = text[i - 1] if i > 0 else " "
    starts_name = following.isalpha() or following == "_"
    return starts_name and not (previous.isalnum() or previous in "_)]}'\"")


def _parse(source: str, columns: list[int], end_column: int) -> tuple[nodes.Expr, dict[int, Token]]:
    """Parse with Jinja's own parser, numbering tokens so every node's `lineno` is a token."""
    tokens: dict[int, Token] = {}

    def column_of(index: int | None) -> int:
        token = tokens.get(index or 0)
        return token.start if token else end_column

    def raw() -> Iterator[tuple[int, str, str]]:
        offset = index = 0
        try:
            for _, kind, value in _JINJA.lexer.tokeniter(source, None, state="variable"):
                index += 1
                last = min(offset + max(len(value), 1), len(columns)) - 1
                tokens[index] = Token(columns[offset], columns[last], value)
                yield index, kind, value
                offset += len(value)
        except TemplateSyntaxError as exc:
            message = re.sub(r" at \d+$", "", exc.message or "syntax error")
            column = columns[offset] if offset < len(columns) else end_column
            raise PredicateError(f"syntax error: {message}", column) from None

    parser = Parser(_JINJA, "", state="variable")
    try:
        parser.stream = TokenStream(_JINJA.lexer.wrap(raw()), None, None)
        tree = parser.parse_expression()
    except TemplateSyntaxError as exc:
        current = parser.stream.current
        at_end = current.type == "eof" and exc.lineno == current.lineno
        message = (exc.message or "syntax error").replace("template", "predicate")
        message = message[:-1] if message.count(")") > message.count("(") else message
        raise PredicateError(
            f"syntax error: {message}{_go_hint(source)}",
            end_column if at_end else column_of(exc.lineno),
        ) from None
    except RecursionError:
        raise PredicateError("the predicate nests too deeply", 1) from None
    if not parser.stream.eos:
        token, hint = parser.stream.current, _go_hint(source)
        raise PredicateError(
            f"unexpected {token.value!r} after the end of the expression{hint}",
            _start(source, columns) if hint else column_of(token.lineno),
        )
    return tree, tokens


def _check(tree: nodes.Expr, tokens: dict[int, Token], text: str) -> tuple[tuple[str, int], ...]:
    """Enforce the allowed language (outermost problem first); collect the roots used."""
    roots: dict[str, int] = {}
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        token = tokens.get(node.lineno or 0)
        column = token.start if token else 1
        if not isinstance(node, _ALLOWED):
            message = _FORBIDDEN.get(type(node))
            if isinstance(node, nodes.BinExpr):
                message = f"the `{node.operator}` operator is not allowed; use comparisons"
                message += ", and/or/not, in, + and -"
            raise PredicateError(message or f"{type(node).__name__} is not allowed", column)
        if isinstance(node, nodes.Name):
            if node.name not in ROOTS:
                raise PredicateError(_unknown(node.name, column, text), column)
            roots.setdefault(node.name, column)
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            key = node.attr if isinstance(node, nodes.Getattr) else _const(node.arg)
            if isinstance(key, str) and key.startswith("_"):
                raise PredicateError(f"`{key}`: names starting with `_` are not allowed", column)
            if isinstance(node, nodes.Getattr) and not isinstance(node.node, _CHAIN):
                raise PredicateError(f"`.{key}`: only references have keys", column)
        if isinstance(node, nodes.Test) and (
            node.name not in TESTS or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs
        ):
            allowed = ", ".join(sorted(TESTS))
            raise PredicateError(f"test `{node.name}` is not allowed (allowed: {allowed})", column)
        stack.extend(reversed(list(node.iter_child_nodes())))
    return tuple(roots.items())


def _const(node: nodes.Node) -> object:
    return node.value if isinstance(node, nodes.Const) else None


def _start(source: str, columns: list[int]) -> int:
    return columns[len(source) - len(source.lstrip())]


def _go_hint(source: str) -> str:
    words = source.split(None, 1)
    if words and words[0] in _GO_FUNCTIONS:
        return f"; Go template functions such as `{words[0]} .a .b` are not supported"
    return ""


def _unknown(name: str, column: int, text: str) -> str:
    message = f"unknown name `{name}`: a predicate refers to " + ", ".join(f".{r}" for r in ROOTS)
    if name in _GO_FUNCTIONS:
        message += _go_hint(name)
    elif column >= 2 and text[column - 2] == "-":
        message += "; for a key with `-` write .config['my-key']"
    return message
