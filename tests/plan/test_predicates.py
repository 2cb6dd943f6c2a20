from __future__ import annotations

import gc
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blueprintc.plan.predicates import MAX_DEPTH, MAX_LENGTH, PredicateError, evaluate, validate

CONTEXT: dict[str, Any] = {
    "config": {
        "postgres": {"mode": "embedded", "host": "db"},
        "ha": True,
        "external": False,
        "replicas": 3,
        "tier": "gold",
        "items": "a config key that shadows dict.items",
        "my-key": 1,
        "zones": ["a", "b"],
        "empty": [],
    },
    "application": {"name": "shop", "labels": {"team": "web"}},
    "environment": {"type": "prod"},
    "sovereign": {"name": "acme"},
}

TRUE_OR_FALSE = [
    ("{{ .config.postgres.mode == 'embedded' }}", True),
    ('{{ .config.postgres.mode == "external" }}', False),
    ("{{ .config.ha }}", True),
    ("{{ not .config.external }}", True),
    ("{{ .config.external }}", False),
    ("{{ .config.replicas > 1 and .application.name != 'x' }}", True),
    ("{{ .config.replicas > 1 and .application.name != 'shop' }}", False),
    ("{{ .config.tier in ['gold', 'silver'] }}", True),
    ("{{ .config.tier not in ['gold', 'silver'] }}", False),
    ("{{ 'a' in .config.zones }}", True),
    ("{{ .config.zones.1 == 'b' and .config.zones[0] == 'a' }}", True),
    ("{{ .config.empty }}", False),
    ("{{ .config.items == 'a config key that shadows dict.items' }}", True),
    ("{{ .config['my-key'] == 1 }}", True),
    ("{{ .config.replicas - 1 == 2 and .config.tier ~ '!' == 'gold!' }}", True),
    ("{{ (.config.ha or .config.external) and not (.config.replicas < 2) }}", True),
    ("{{ .config.absent is defined }}", False),
    ("{{ .config.absent is not defined }}", True),
    ("{{ .config.absent is defined and .config.absent.deeper == 1 }}", False),
    ("{{ .config.postgres is mapping and .config.tier is string }}", True),
    ("{{ .environment.type == 'prod' and .sovereign.name == 'acme' }}", True),
    ("{{ .application.labels.team == 'web' }}", True),
    ("{{- .config.ha -}}", True),
    ("  {{ .config.ha }}  ", True),
    (".config.ha", True),
    ("config.ha", True),
    ("{{ true }}", True),
    ("{{ none }}", False),
    ("{{ .config.postgres.mode=='embedded' }}", True),
    ("{{ '.config.ha' == '.config.' ~ 'ha' }}", True),
]


@pytest.mark.parametrize(("text", "expected"), TRUE_OR_FALSE)
def test_evaluates(text: str, expected: bool) -> None:
    assert validate(text) is None
    assert evaluate(text, CONTEXT) is expected


# (text, fragment of the message, column within the text)
REJECTED = [
    ("{{ ''.__class__.__mro__ }}", "`__mro__`: names starting with `_`", 16),
    ("{{ config.__init__ }}", "`__init__`: names starting with `_`", 10),
    ("{{ .config.__class__ }}", "names starting with `_`", 11),
    ("{{ .config['__class__'] }}", "names starting with `_`", 11),
    ("{{ ''.upper }}", "only references have keys", 6),
    ("{{ lipsum }}", "unknown name `lipsum`", 4),
    ("{{ range(10) }}", "calls are not allowed", 9),
    ("{{ cycler }}", "unknown name `cycler`", 4),
    ("{{ .config.items() }}", "calls are not allowed", 17),
    ("{{ .config.tier | upper }}", "filters", 19),
    ("{{ 'a' * 100000000000 }}", "`*` operator is not allowed", 4),
    ("{{ 9 ** 9 ** 9 }}", "`**` operator is not allowed", 11),
    ("{{ '%999999999s' % 1 }}", "`%` operator is not allowed", 4),
    ("{{ 1 / 0 }}", "`/` operator is not allowed", 4),
    ("{{ {'a': 1} }}", "dict literals", 4),
    ("{{ .config.zones[0:1] }}", "slices", 18),
    ("{{ 1 if .config.ha else 2 }}", "`if ... else`", 4),
    ("{{ .config.replicas is divisibleby 3 }}", "test `divisibleby` is not allowed", 21),
    ("{{ .config.replicas is defined(1) }}", "test `defined` is not allowed", 21),
    ("{{ .nope.x }}", "unknown name `nope`", 4),
    ("{{ .config.my-key }}", "write .config['my-key']", 15),
    ("{{ eq .config.tier 'gold' }}", "Go template functions", 4),
    ("{{ .config.replicas > }}", "syntax error: unexpected 'end of predicate'", 22),
    ("{{ .config.replicas >> 1 }}", "syntax error", 22),
    ("{{ $x }}", "unexpected char '$'", 4),
    ("{{ 'open }}", "syntax error", 4),
    ("{{ .config.tier == 'a\\.b' }}", "invalid escape sequence", 20),
    ("{{ .config.ha ", "`{{` is not closed", 1),
    ("{{ }}", "the predicate is empty", 3),
    ("", "the predicate is empty", 1),
    ("{{ .config.ha }} and {{ .config.ha }}", "a single `{{ expression }}`", 15),
    ("{{ .config.ha .config.ha }}", "unexpected 'config' after the end", 15),
    ("{{ " + "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1) + " }}", "nest deeper", 20),
    ("{{ " + "x" * MAX_LENGTH + " }}", f"at most {MAX_LENGTH} characters", MAX_LENGTH + 1),
]


@pytest.mark.parametrize(("text", "fragment", "column"), REJECTED)
def test_rejects_with_message_and_column(text: str, fragment: str, column: int) -> None:
    error = validate(text)
    assert error is not None
    assert fragment in error.message
    assert error.column == column
    with pytest.raises(PredicateError) as info:
        evaluate(text, CONTEXT)
    assert info.value.message == error.message


def test_missing_key_names_the_key_and_what_is_there() -> None:
    with pytest.raises(PredicateError) as info:
        evaluate("{{ .config.postgres.port == 5432 }}", CONTEXT)
    assert "`.config.postgres` has no key 'port' (it has: host, mode)" in info.value.message
    assert info.value.column == 20
    with pytest.raises(PredicateError, match=r"`\.config\.ha` is a bool, not a mapping"):
        evaluate("{{ .config.ha.enabled }}", CONTEXT)
    with pytest.raises(PredicateError, match=r"`\.config\.zones` is a list of 2"):
        evaluate("{{ .config.zones.5 == 'x' }}", CONTEXT)
    # a missing key is an error, never silently false
    with pytest.raises(PredicateError, match="no key 'absent'"):
        evaluate("{{ not .config.absent }}", CONTEXT)
    with pytest.raises(PredicateError, match="no key 'absent'"):
        evaluate("{{ .config.tier in [.config.absent] }}", CONTEXT)


def test_missing_key_is_the_one_evaluation_read() -> None:
    # `.config.legacy` is missing too, but `or` never reads it: `.config.tier2` failed
    text = "{{ (.config.ha or .config.legacy) and .config.tier2 == 'x' }}"
    with pytest.raises(PredicateError, match="no key 'tier2'") as info:
        evaluate(text, CONTEXT)
    assert info.value.column == text.index(".tier2") + 1
    text = "{{ .config.gone is defined or .config.other == 1 }}"
    with pytest.raises(PredicateError, match="no key 'other'"):
        evaluate(text, CONTEXT)


def test_context_roots_must_be_present() -> None:
    with pytest.raises(PredicateError, match=r"`\.environment` is not available") as info:
        evaluate("{{ .config.ha and .environment.type }}", {"config": {"ha": True}})
    assert info.value.column == 19
    # roots that the predicate does not use need not be given
    assert evaluate("{{ .config.ha }}", {"config": {"ha": True}}) is True


def test_type_errors_are_predicate_errors() -> None:
    with pytest.raises(PredicateError, match="cannot evaluate") as info:
        evaluate("{{ .config.tier > 1 }}", CONTEXT)
    assert info.value.column == 4


def test_non_string_text() -> None:
    error = validate(True)  # type: ignore[arg-type]
    assert error is not None and "must be a string" in error.message


def test_deep_not_chain_is_fine_or_a_predicate_error() -> None:
    text = "{{ " + "not " * 240 + "true }}"
    assert evaluate(text, CONTEXT) is True
    error = validate("{{ " + "-" * 990 + "1 }}")
    assert error is not None and "nests too deeply" in error.message


def test_values_in_context_are_never_attributes() -> None:
    class Sneaky:
        secret = "x"

    context = {"config": {"obj": Sneaky(), "s": "text"}}
    with pytest.raises(PredicateError, match="not a mapping"):
        evaluate("{{ .config.obj.secret == 'x' }}", context)
    with pytest.raises(PredicateError, match="not a mapping"):
        evaluate("{{ .config.s.upper }}", context)


# --- fuzz -------------------------------------------------------------------

PIECES = [
    ".config", ".config.postgres.mode", ".application.name", ".x", "config", ".", "..",
    "==", "!=", ">", "<=", "and", "or", "not", "in", "is", "defined", "none", "(", ")", "[",
    "]", "{", "}", "{{", "}}", ",", "'embedded'", '"a"', "'", '"', "\\", "1", "1.5", "-", "+",
    "~", "*", "**", "/", "%", "|", "upper", "__class__", "_x", ".__init__", "lipsum", "range",
    "(1)", "[0]", "['a']", ":", "if", "else", "$", "eq", "true", "\n", " ", "-}}", "{{-",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_text_raises_only_predicate_error(text: str) -> None:
    _evaluate_or_predicate_error(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14), st.booleans())
def test_fuzz_token_soup_raises_only_predicate_error(pieces: list[str], braces: bool) -> None:
    text = " ".join(pieces)
    _evaluate_or_predicate_error("{{ " + text + " }}" if braces else text)


def _evaluate_or_predicate_error(text: str) -> None:
    try:
        result = evaluate(text, CONTEXT)
    except PredicateError as error:
        assert error.message
        assert 1 <= error.column <= len(text) + 1
    else:
        assert isinstance(result, bool)
        assert validate(text) is None


# --- cost bounded by size, not nesting (issue 13) ---------------------------


def _nested_list(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def _nested_map(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


DEEP: dict[str, Any] = {
    "config": {
        "a": _nested_list(MAX_LENGTH),
        "m": _nested_map(MAX_LENGTH),
        "ha": True,
        "big": 1e308,
    },
    "application": {"name": "shop"},
    "environment": {"type": "prod"},
    "sovereign": {"name": "acme"},
}


def _fill(head: str, piece: str, tail: str) -> str:
    """`head + piece * n + tail` with the largest n that stays within MAX_LENGTH."""
    count = (MAX_LENGTH - len(head) - len(tail)) // len(piece)
    return head + piece * count + tail


# The worst shapes within MAX_LENGTH; each was seconds (or a failure) through Jinja's compiler.
WORST = [
    (_fill("{{ .config.a", "[0]", " is defined }}"), True),
    (_fill("{{ .config.a", "[0]", " == 'x' or true }}"), True),
    (_fill("{{ .config.a", ".0", " is defined }}"), True),
    (_fill("{{ .config.m", ".a", " is defined }}"), True),
    (_fill("{{ .config.m", "['a']", " is defined }}"), True),
    (_fill("{{ .config.zz", ".a", " is defined }}"), False),  # missing from the first key on
    (_fill("{{ " + "(" * 15 + ".config.a", "[0]", ")" * 15 + " is defined }}"), True),
    (_fill("{{ .config.ha", " and .config.ha", " }}"), True),
    (_fill("{{ not .config.ha", " or not .config.ha", " or true }}"), True),
    (_fill("{{ 1", " + 1", " > 0 }}"), True),
    (_fill("{{ 1", " - 1", " < 0 }}"), True),
    (_fill("{{ 'a'", " ~ 'a'", " is string }}"), True),
    (_fill("{{ 1", " < 2", " }}"), False),
    (_fill("{{ 1 in [1", ", 1", "] }}"), True),
    (_fill("{{ ", "not not ", "true }}"), True),
    (_fill("{{ ", "(" * 15 + ".config.a[0] is defined" + ")" * 15 + " and ", "true }}"), True),
]


@pytest.mark.parametrize(("text", "expected"), WORST, ids=[t[:24] for t, _ in WORST])
def test_worst_predicates_compile_and_evaluate_in_bounded_time(text: str, expected: bool) -> None:
    assert len(text) <= MAX_LENGTH
    from blueprintc.plan import predicates

    predicates._prepare_cached.cache_clear()  # measure the parse, not a cache hit
    gc.collect()  # nor a collection of the rest of the suite's heap (seen at 239 ms)
    gc.disable()
    try:
        start = time.process_time()
        assert validate(text) is None
        assert evaluate(text, DEEP) is expected
        elapsed = time.process_time() - start
    finally:
        gc.enable()
    assert elapsed < 0.05, f"{elapsed * 1000:.0f} ms for a {len(text)}-character predicate"


def test_missing_key_in_a_deep_chain_names_the_first_missing_key() -> None:
    text = "{{ .config.m" + ".a" * 100 + ".b.c.d == 1 }}"
    with pytest.raises(PredicateError, match=r"has no key 'b' \(it has: leaf\)|has no key 'b'"):
        evaluate(text, DEEP)


# --- arithmetic errors are about the expression (issue 13) ------------------


@pytest.mark.parametrize(
    ("text", "shown", "column"),
    [
        ("{{ 1e308 + 1e308 > 0 }}", "`1e308 + 1e308` overflows", 4),
        ("{{ .config.ha and -1e308 - 1e308 < 0 }}", "`-1e308 - 1e308` overflows", 19),
        ("{{ (1e308 + 1e308) is number }}", "`1e308 + 1e308` overflows", 5),
    ],
)
def test_overflow_of_literals_names_the_expression(text: str, shown: str, column: int) -> None:
    assert validate(text) is None  # the language allows it; evaluating it fails
    with pytest.raises(PredicateError) as info:
        evaluate(text, DEEP)
    assert shown in info.value.message and "too large for a number" in info.value.message
    assert "'inf'" not in info.value.message
    assert info.value.column == column


def test_overflow_at_evaluation_names_the_expression() -> None:
    with pytest.raises(PredicateError) as info:
        evaluate("{{ .config.ha and .config.big + .config.big > 0 }}", DEEP)
    assert "`.config.big + .config.big` overflows" in info.value.message
    assert "'inf'" not in info.value.message
    assert info.value.column == 19
    # an int too large for a float overflows too, with the same message
    context = {"config": {"huge": 10**400}}
    with pytest.raises(PredicateError, match=r"`\.config\.huge \+ 1\.5` overflows"):
        evaluate("{{ .config.huge + 1.5 > 0 }}", context)
    # an infinity that came with the data is not this expression's overflow
    assert evaluate("{{ .config.inf + 1 > 0 }}", {"config": {"inf": float("inf")}}) is True


def test_a_number_literal_out_of_range_is_infinity() -> None:
    # Jinja wrote the folded constant into Python source as the undefined name `inf`
    assert evaluate("{{ .config.ha and 1 < 1e999 }}", DEEP) is True
    assert evaluate("{{ -1e999 < .config.big }}", DEEP) is True
