"""Evaluate a checked predicate tree against plain data: nothing is called or compiled.

Values are what YAML gives (mappings, lists, strings, numbers, booleans, null).
A key is read from a mapping, an item from a list or tuple by integer index,
never a Python attribute; the operations are Python's own comparisons, `in`,
`+`, `-`, `not` and `str` (for `~`) on those values, as the Jinja code
generator would have emitted them, so the results are the same.

Left-leaning chains (`.a.b.c...`, `a and b and ...`, `1 + 2 + ...`) and
prefix chains (`not not ...`) are walked in loops, so evaluation is linear in
the size of the tree and recurses only as deep as brackets nest.

A key that is not there is a `Missing` value: `is defined` and the other
tests look at it, any other use raises the error naming that key.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from jinja2 import nodes
from jinja2.tests import TESTS as JINJA_TESTS

from blueprintc.plan.predicate_syntax import GUARDS, TESTS, Parsed, PredicateError

_GONE = object()


class Missing:
    """A key that is not set: fine under a test, an error wherever it is used."""

    __slots__ = ("error",)

    def __init__(self, error: PredicateError) -> None:
        self.error = error

    def _fail(self, *_: object) -> NoReturn:
        raise self.error

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _fail  # type: ignore[assignment]
    __hash__ = __bool__ = __len__ = __iter__ = __contains__ = __str__ = _fail  # type: ignore[assignment]
    __add__ = __radd__ = __sub__ = __rsub__ = __neg__ = __pos__ = _fail

    def __repr__(self) -> str:
        return f"Missing({self.error.message!r})"


_TESTS: dict[str, Callable[[Any], bool]] = {
    **{name: JINJA_TESTS[name] for name in TESTS - GUARDS},
    "defined": lambda value: not isinstance(value, Missing),
    "undefined": lambda value: isinstance(value, Missing),
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lteq": operator.le,
    "gt": operator.gt,
    "gteq": operator.ge,
    "in": lambda left, right: left in right,
    "notin": lambda left, right: left not in right,
}


def lookup(obj: Any, key: Any) -> Any:
    """`obj[key]` for a mapping key or a list/tuple index; `_GONE` when there is none."""
    try:
        if isinstance(obj, Mapping):
            if key in obj:
                return obj[key]
        elif isinstance(obj, list | tuple) and isinstance(key, int) and not isinstance(key, bool):
            return obj[key]
    except (TypeError, IndexError):
        pass
    return _GONE


class Evaluator:
    def __init__(self, parsed: Parsed, roots: Mapping[str, Any]) -> None:
        self.parsed = parsed
        self.roots = roots
        self._kinds: dict[type, Callable[[Any], Any]] = {
            nodes.Const: lambda node: node.value,
            nodes.Name: lambda node: self.roots[node.name],
            nodes.Getattr: self._chain,
            nodes.Getitem: self._chain,
            nodes.And: self._logic,
            nodes.Or: self._logic,
            nodes.Not: self._not,
            nodes.Neg: self._sign,
            nodes.Pos: self._sign,
            nodes.Add: self._sum,
            nodes.Sub: self._sum,
            nodes.Concat: self._concat,
            nodes.Compare: self._compare,
            nodes.Operand: lambda node: self.value(node.expr),
            nodes.Test: lambda node: _TESTS[node.name](self.value(node.node)),
            nodes.List: lambda node: [self.value(item) for item in node.items],
            nodes.Tuple: lambda node: tuple(self.value(item) for item in node.items),
        }

    def value(self, node: nodes.Node) -> Any:
        return self._kinds[type(node)](node)

    def _chain(self, node: nodes.Getattr | nodes.Getitem) -> Any:
        base, steps = _unwind(node, nodes.Getattr | nodes.Getitem, "node")
        value, path = self.value(base), []
        for step in steps:
            key = step.attr if isinstance(step, nodes.Getattr) else self.value(step.arg)
            if isinstance(value, Missing):
                continue
            found = lookup(value, key)
            if found is _GONE:
                shown = self._shown(base, path)
                error = PredicateError(
                    _describe_missing(shown, key, value), self.parsed.at(step.lineno)
                )
                value = Missing(error)
            else:
                value = found
                path.append(key)
        return value

    def _shown(self, base: nodes.Node, path: list[Any]) -> str:
        shown = f".{base.name}" if isinstance(base, nodes.Name) else self.parsed.excerpt(base)
        for key in path:
            shown += f".{key}" if isinstance(key, str) and key.isidentifier() else f"[{key!r}]"
        return shown

    def _logic(self, node: nodes.And | nodes.Or) -> Any:
        base, steps = _unwind(node, type(node), "left")
        *first, last = [base, *(step.right for step in steps)]
        for operand in first:
            value = self.value(operand)
            if bool(value) is isinstance(node, nodes.Or):  # `or` stops at true, `and` at false
                return value
        return self.value(last)

    def _not(self, node: nodes.Not) -> bool:
        base, nots = _unwind(node, nodes.Not, "node")
        value = bool(self.value(base))
        return value if len(nots) % 2 == 0 else not value

    def _sign(self, node: nodes.Neg | nodes.Pos) -> Any:
        base, signs = _unwind(node, nodes.Neg | nodes.Pos, "node")
        value = self.value(base)
        for sign in signs:
            function = operator.neg if isinstance(sign, nodes.Neg) else operator.pos
            value = self._apply(sign, function, value)
        return value

    def _sum(self, node: nodes.Add | nodes.Sub) -> Any:
        base, steps = _unwind(node, nodes.Add | nodes.Sub, "left")
        value = self.value(base)
        for step in steps:
            function = operator.add if isinstance(step, nodes.Add) else operator.sub
            value = self._apply(step, function, value, self.value(step.right))
        return value

    def _concat(self, node: nodes.Concat) -> str:
        values = [self.value(part) for part in node.nodes]
        return self._apply(node, _join, values)  # type: ignore[no-any-return]

    def _compare(self, node: nodes.Compare) -> Any:
        left, result = self.value(node.expr), True
        for operand in node.ops:
            right = self.value(operand.expr)
            result = self._apply(node, _COMPARE[operand.op], left, right)
            if not result:  # `a < b < c` stops, as in Python, at the first false comparison
                return result
            left = right
        return result

    def _apply(self, node: nodes.Node, function: Callable[..., Any], *operands: Any) -> Any:
        """`function(*operands)` for `node`; a type error or an overflow is about `node`."""
        try:
            result = function(*operands)
        except OverflowError:
            self._overflow(node)
        except PredicateError:  # a Missing value was used: its own error
            raise
        except (TypeError, ValueError) as exc:
            self._cannot(node, exc)
        if isinstance(result, float) and not math.isfinite(result) and all(map(_finite, operands)):
            self._overflow(node)
        return result

    def _overflow(self, node: nodes.Node) -> NoReturn:
        raise PredicateError(
            f"`{self.parsed.excerpt(node)}` overflows: the result is too large for a number",
            self.parsed.at(self.parsed.first_token(node)),
        )

    def _cannot(self, node: nodes.Node, exc: Exception) -> NoReturn:
        raise PredicateError(
            f"cannot evaluate `{self.parsed.excerpt(node)}`: {exc}",
            self.parsed.at(self.parsed.first_token(node)),
        ) from None


def _unwind(node: Any, kinds: Any, inner: str) -> tuple[nodes.Node, list[Any]]:
    """The innermost node of a chain of `kinds` linked through `inner`, and the chain,
    innermost first: a loop, so a chain 300 deep costs no recursion."""
    chain = []
    while isinstance(node, kinds):
        chain.append(node)
        node = getattr(node, inner)
    chain.reverse()
    return node, chain


def _finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def _join(values: list[Any]) -> str:
    return "".join(map(str, values))  # what Jinja's `~` does when autoescape is off


def _describe_missing(shown: str, key: Any, value: Any) -> str:
    if isinstance(value, Mapping):
        keys = sorted(str(k) for k in value)
        have = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "") if keys else "no keys"
        return f"`{shown}` has no key {key!r} (it has: {have}); guard with `is defined`"
    if isinstance(value, list | tuple):
        return f"`{shown}` is a list of {len(value)} and has no item {key!r}"
    return f"`{shown}` is a {type(value).__name__}, not a mapping, so it has no key {key!r}"
