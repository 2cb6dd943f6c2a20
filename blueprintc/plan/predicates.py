"""Evaluate `when:` predicates of Blueprint dependencies, safely and in bounded time.

Authors write Go-template-like text: `{{ .config.postgres.mode == 'embedded' }}`,
`{{ .config.ha }}`, `{{ not .config.external }}`, `{{ .config.tier in ['gold'] }}`.
A leading-dot reference (`.config.x`) becomes a name (`config.x`) and the text
is a Jinja expression over `{config, application, environment, sovereign}`.
The braces are optional.

The language is deliberately tiny; anything else is a `PredicateError` with the
1-based column (within the predicate text) of the offending part:

- literals, lists, references into the four roots (`.a.b`, `.a['b-c']`, `.a.list.0`);
- comparisons (`== != < <= > >=`, `in`, `not in`), `and`, `or`, `not`, `+`, `-`, `~`;
- tests without arguments: `is defined`, `is none`, `is string`, ... (see `TESTS`).

No calls, filters, `*`, `/`, `%`, `**`, dict literals or `if`/`else`; no name
outside the four roots; no attribute or key starting with `_`; `.x` reads a
mapping key, never a Python attribute (so a config key named `items` or
`values` works as written).

Why Jinja parses but never compiles: Jinja's lexer and parser define the
language and are linear in the text (8 ms for the worst 1,000 characters),
but its optimiser and code generator are cubic in the nesting of a chain
(`.config.a[0][0]...[0]`: 17 s at 300 levels) and fold constants into Python
source (`1e308 + 1e308` became the undefined name `inf`). So the checked tree
is evaluated here (`predicate_eval`): nothing is called, no attribute is read,
values are only compared, added and joined, so no sandbox is needed, and
evaluation is linear in the size of the text and of the values it compares.
Nesting is capped at `MAX_DEPTH` brackets and the parser's own recursion, so
nothing recurses deeply.

A reference to a key that is not set is an error naming that key (guard optional
keys with `.config.x is defined and ...`). An error while evaluating (comparing
a string with a number, a float overflow) names the part of the expression
that failed. The result is truthy as in Go templates: false, 0, "", empty lists
and maps and null are false.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from blueprintc.plan.predicate_eval import Evaluator
from blueprintc.plan.predicate_syntax import (
    MAX_DEPTH,
    MAX_LENGTH,
    ROOTS,
    TESTS,
    Parsed,
    PredicateError,
    parse,
)

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "ROOTS", "TESTS", "PredicateError", "evaluate", "validate"]


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
    try:
        return bool(Evaluator(prepared, context).value(prepared.tree))
    except PredicateError:
        raise
    except Exception as exc:  # untrusted text and data: the author's to fix, never a traceback
        raise PredicateError(f"cannot evaluate: {exc}", prepared.column) from None


@functools.lru_cache(maxsize=1024)
def _prepare_cached(text: str) -> Parsed | tuple[str, int]:
    """The checked tree, or why not (a tuple, so the cache never holds an exception)."""
    try:
        parsed = parse(text)
    except PredicateError as error:
        return (error.message, error.column)
    except RecursionError:
        return ("the predicate nests too deeply", 1)
    return parsed


def _prepare(text: str) -> Parsed | tuple[str, int]:
    if not isinstance(text, str):
        return (f"a predicate must be a string, not {type(text).__name__}", 1)
    if len(text) > MAX_LENGTH:
        return (f"a predicate may be at most {MAX_LENGTH} characters long", MAX_LENGTH + 1)
    return _prepare_cached(text)
