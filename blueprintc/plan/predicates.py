"""Evaluate `when:` predicates of Blueprint dependencies, safely.

Authors write Go-template-like text: `{{ .config.postgres.mode == 'embedded' }}`,
`{{ .config.ha }}`, `{{ not .config.external }}`, `{{ .config.tier in ['gold'] }}`.
A leading-dot reference (`.config.x`) becomes a name (`config.x`) and the text
is evaluated as a Jinja expression in `ImmutableSandboxedEnvironment` against
`{config, application, environment, sovereign}`. The braces are optional.

The language is deliberately tiny; anything else is a `PredicateError` with the
1-based column (within the predicate text) of the offending part:

- literals, lists, references into the four roots (`.a.b`, `.a['b-c']`, `.a.list.0`);
- comparisons (`== != < <= > >=`, `in`, `not in`), `and`, `or`, `not`, `+`, `-`, `~`;
- tests without arguments: `is defined`, `is none`, `is string`, ... (see `TESTS`).

No calls, filters, `*`, `/`, `%`, `**`, dict literals or `if`/`else`; no name
outside the four roots (so no `lipsum`, `range`, `cycler`: the globals are also
emptied); no attribute or key starting with `_`; `.x` reads a mapping key, never
a Python attribute (so a config key named `items` or `values` works as written).
Because nothing can loop, call or repeat a value, evaluation is linear in the
size of the text (at most `MAX_LENGTH`) and of the values it compares: no timeout
is needed. Nesting is capped at `MAX_DEPTH` so the parser cannot recurse deeply.

A reference to a key that is not set is an error naming that key (guard optional
keys with `.config.x is defined and ...`). The result is truthy as in Go
templates: false, 0, "", empty lists and maps and null are false.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.environment import TemplateExpression
from jinja2.lexer import TokenStream
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOTS = ("config", "application", "environment", "sovereign")
MAX_LENGTH = 1000
MAX_DEPTH = 16
TESTS = frozenset(
    {"defined", "undefined", "none", "true", "false", "boolean", "number", "integer", "float"}
    | {"string", "mapping", "sequence"}
)
_GO_FUNCTIONS = frozenset({"eq", "ne", "lt", "le", "gt", "ge", "len", "index", "and", "or"})
_GUARDS = frozenset({"defined", "undefined"})
# fmt: off
_ALLOWED = (
    nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.List, nodes.Tuple,
    nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos,
    nodes.Add, nodes.Sub, nodes.Concat, nodes.Test,
)
# fmt: on
_GONE = object()
_MISSES: ContextVar[list[tuple[Any, Any]] | None] = ContextVar("_MISSES", default=None)
_CHAIN = (nodes.Name, nodes.Getattr, nodes.Getitem)
_FORBIDDEN = {
    nodes.Call: "calls are not allowed in a predicate",
    nodes.Filter: "filters (`| name`) are not allowed in a predicate",
    nodes.Dict: "dict literals are not allowed in a predicate",
    nodes.Slice: "slices are not allowed in a predicate",
    nodes.CondExpr: "`if ... else` is not allowed in a predicate; combine with and/or",
}


class PredicateError(ValueError):
    """Why a predicate cannot be used; `column` is 1-based within the predicate text."""

    def __init__(self, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


class _Environment(ImmutableSandboxedEnvironment):
    """`a.b` and `a['b']` read mapping keys and sequence items, never Python attributes."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self.getitem(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        found = _lookup(obj, argument)
        if found is _GONE:
            misses = _MISSES.get()
            if misses is not None:  # remember which read failed, for the error message
                misses.append((obj, argument))
            return self.undefined(obj=obj, name=argument)
        return found


def _lookup(obj: Any, key: Any) -> Any:
    try:
        if isinstance(obj, Mapping):
            if key in obj:
                return obj[key]
        elif isinstance(obj, list | tuple) and isinstance(key, int) and not isinstance(key, bool):
            return obj[key]
    except (TypeError, IndexError):
        pass
    return _GONE


_ENV = _Environment(undefined=StrictUndefined, autoescape=False)
_ENV.globals.clear()


_Ref = tuple[tuple[Any, int], ...]  # `.root.key...` with the column of each part


@dataclass(frozen=True)
class _Prepared:
    expression: TemplateExpression
    column: int  # where the expression starts, for errors that have no better place
    roots: tuple[tuple[str, int], ...]
    refs: tuple[_Ref, ...]


def validate(text: str) -> PredicateError | None:
    """Check syntax and the allowed language without a context."""
    prepared = _prepare(text)
    return PredicateError(*prepared) if isinstance(prepared, tuple) else None


def evaluate(text: str, context: Mapping[str, Any]) -> bool:
    prepared = _prepare(text)
    if isinstance(prepared, tuple):
        raise PredicateError(*prepared)
    for root, column in prepared.roots:
        if root not in context:
            raise PredicateError(f"`.{root}` is not available where this predicate is used", column)
    misses: list[tuple[Any, Any]] = []
    token = _MISSES.set(misses)
    try:
        return bool(prepared.expression(**{root: context[root] for root, _ in prepared.roots}))
    except UndefinedError as exc:
        missing = _missing(prepared, context, misses)
        raise missing or PredicateError(f"undefined value: {exc}", prepared.column) from None
    except Exception as exc:  # untrusted text (a SecurityError too): the author's to fix
        raise PredicateError(f"cannot evaluate: {exc}", prepared.column) from None
    finally:
        _MISSES.reset(token)


@functools.lru_cache(maxsize=1024)
def _prepare_cached(text: str) -> _Prepared | tuple[str, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # Jinja warns about bad string escapes: an error here
            source, columns, end_column = _translate(text)
            tree, positions = _parse(source, columns, end_column)
            refs, roots = _check(tree, positions, text)
            expression = _ENV.compile_expression(source, undefined_to_none=False)
    except PredicateError as error:
        return (error.message, error.column)
    except RecursionError:
        return ("the predicate nests too deeply", 1)
    except Exception as exc:  # pragma: no cover - a Jinja failure the checks did not foresee
        return (f"cannot compile the predicate: {exc}", 1)
    return _Prepared(expression, _start(source, columns), roots, refs)


def _prepare(text: str) -> _Prepared | tuple[str, int]:
    if not isinstance(text, str):
        return (f"a predicate must be a string, not {type(text).__name__}", 1)
    if len(text) > MAX_LENGTH:
        return (f"a predicate may be at most {MAX_LENGTH} characters long", MAX_LENGTH + 1)
    return _prepare_cached(text)


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


def _parse(source: str, columns: list[int], end_column: int) -> tuple[nodes.Expr, dict[int, int]]:
    """Parse with Jinja's own parser, numbering tokens so every node's `lineno` is a column."""
    positions: dict[int, int] = {}

    def column_of(index: int | None) -> int:
        offset = positions.get(index or 0, len(source))
        return columns[offset] if offset < len(columns) else end_column

    def raw() -> Iterator[tuple[int, str, str]]:
        offset = index = 0
        try:
            for _, kind, value in _ENV.lexer.tokeniter(source, None, state="variable"):
                index += 1
                positions[index] = offset
                yield index, kind, value
                offset += len(value)
        except TemplateSyntaxError as exc:
            message = re.sub(r" at \d+$", "", exc.message or "syntax error")
            column = columns[offset] if offset < len(columns) else end_column
            raise PredicateError(f"syntax error: {message}", column) from None

    parser = Parser(_ENV, "", state="variable")
    try:
        parser.stream = TokenStream(_ENV.lexer.wrap(raw()), None, None)
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
    if not parser.stream.eos:
        token, hint = parser.stream.current, _go_hint(source)
        raise PredicateError(
            f"unexpected {token.value!r} after the end of the expression{hint}",
            _start(source, columns) if hint else column_of(token.lineno),
        )
    return tree, {index: column_of(index) for index in positions}


def _walk(node: nodes.Node, parent: nodes.Node | None = None) -> Iterator[tuple[nodes.Node, Any]]:
    yield node, parent
    for child in node.iter_child_nodes():
        yield from _walk(child, node)


def _check(
    tree: nodes.Expr, columns: dict[int, int], text: str
) -> tuple[tuple[_Ref, ...], tuple[tuple[str, int], ...]]:
    """Enforce the allowed language; collect references and the roots they use."""
    refs: list[_Ref] = []
    roots: dict[str, int] = {}
    for node, parent in _walk(tree):
        column = columns.get(node.lineno, 1)
        if not isinstance(node, _ALLOWED):
            message = _FORBIDDEN.get(type(node))
            if isinstance(node, nodes.BinExpr):
                message = f"the `{node.operator}` operator is not allowed; use comparisons"
                message += ", and/or/not, in, + and -"
            raise PredicateError(message or f"{type(node).__name__} is not allowed", column)
        if isinstance(node, nodes.Name) and node.name not in ROOTS:
            raise PredicateError(_unknown(node.name, column, text), column)
        if isinstance(node, nodes.Name):
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
        chained = isinstance(parent, nodes.Getattr | nodes.Getitem) and parent.node is node
        guarded = isinstance(parent, nodes.Test) and parent.name in _GUARDS
        if not chained and not guarded:
            ref = _reference(node, columns)
            if ref:
                refs.append(ref)
    return tuple(refs), tuple(roots.items())


def _const(node: nodes.Node) -> Any:
    return node.value if isinstance(node, nodes.Const) else None


def _reference(node: nodes.Node, columns: dict[int, int]) -> _Ref | None:
    parts: list[tuple[Any, int]] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            return None
        key = node.attr if isinstance(node, nodes.Getattr) else _const(node.arg)
        parts.append((key, columns.get(node.lineno, 1)))
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    parts.append((node.name, columns.get(node.lineno, 1)))
    return tuple(reversed(parts))


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


def _missing(
    prepared: _Prepared, context: Mapping[str, Any], misses: list[tuple[Any, Any]]
) -> PredicateError | None:
    """Name the key whose read failed: the last unguarded miss, else the first missing."""
    failing = [failure for ref in prepared.refs if (failure := _fails(ref, context))]
    for obj, key in reversed(misses):
        for value, missed, error in failing:
            if value is obj and missed == key:
                return error
    return failing[0][2] if failing else None


def _fails(ref: _Ref, context: Mapping[str, Any]) -> tuple[Any, Any, PredicateError] | None:
    (root, _), *rest = ref
    value, shown = context[root], f".{root}"
    for key, column in rest:
        found = _lookup(value, key)
        if found is _GONE:
            return value, key, PredicateError(_describe_missing(shown, key, value), column)
        value = found
        shown += f".{key}" if isinstance(key, str) and key.isidentifier() else f"[{key!r}]"
    return None


def _describe_missing(shown: str, key: Any, value: Any) -> str:
    if isinstance(value, Mapping):
        keys = sorted(str(k) for k in value)
        have = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "") if keys else "no keys"
        return f"`{shown}` has no key {key!r} (it has: {have}); guard with `is defined`"
    if isinstance(value, list | tuple):
        return f"`{shown}` is a list of {len(value)} and has no item {key!r}"
    return f"`{shown}` is a {type(value).__name__}, not a mapping, so it has no key {key!r}"
