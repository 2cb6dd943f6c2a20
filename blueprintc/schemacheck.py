"""A quick and exact "is this instance valid?" for the common case: a valid document.

jsonschema builds a validator object for every subschema it descends into and
resolves every `$ref` through its registry, for each instance; on a valid
document all that work finds nothing. `certainly_valid` walks the schema directly,
applying each keyword as jsonschema does (its own type checker, format checker,
`equal` and `uniq`). A keyword it does not implement, a `$ref` that is not a
local JSON pointer, or a non-string key makes the verdict "not certain"; only a
certain "valid" lets the caller skip jsonschema, so findings never change.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from blueprintc.schemawalk import is_walkable, walkable

if TYPE_CHECKING:  # jsonschema is imported only where a validator exists (~70 ms)
    from jsonschema.protocols import Validator

Verdict = bool | None  # True valid, False invalid, None not certain
# `format` name, instance -> what the validator's format checker says (None: not known
# here, so not certain). None instead of a function: formats are not asserted.
FormatCheck = Callable[[str, Any], Verdict]

# The keywords jsonschema's Draft202012Validator applies (its VALIDATORS); any other
# keyword is an annotation. tests/schemas/test_schemacheck.py keeps the two equal.
DRAFT_2020_12_KEYWORDS = frozenset(
    {
        "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const",
        "contains", "dependentRequired", "dependentSchemas", "enum", "exclusiveMaximum",
        "exclusiveMinimum", "format", "if", "items", "maxItems", "maxLength",
        "maxProperties", "maximum", "minItems", "minLength", "minProperties",
        "minimum", "multipleOf", "not", "oneOf", "pattern", "patternProperties",
        "prefixItems", "properties", "propertyNames", "required", "type",
        "unevaluatedItems", "unevaluatedProperties", "uniqueItems",
    }
)  # fmt: skip


def certainly_valid(validator: Validator, instance: Any) -> bool:
    """True only when jsonschema would find no error in `instance`."""
    from jsonschema import Draft202012Validator

    if not walkable(validator.schema) or not isinstance(validator, Draft202012Validator):
        return False  # earlier drafts let `$ref` override its siblings
    return _Walk.of(validator).check(instance, validator.schema) is True


def certainly_valid_schema(
    schema: Any, instance: Any, formats: FormatCheck | None, *, long_lived: bool = True
) -> bool:
    """`certainly_valid` for the draft 2020-12 validator of `schema` (with the format
    checker that `formats` answers for, or none), without building it: a valid
    instance never needs jsonschema imported. `long_lived=False` for a schema made for
    one check (lint's copy of a configSchema node without its `default`): its plans are
    not cached by object identity, which would keep every such copy alive."""
    if not (walkable(schema) if long_lived else is_walkable(schema, remember=False)):
        return False
    plans: dict[int, Any] = _plans if long_lived else {}
    return _Walk(schema, None, formats, plans).check(instance, schema) is True


# id(subschema) -> (subschema, its checks). Holding the subschema keeps its id from being
# reused; only the packaged schemas (and the metaschema) are walked, all long-lived.
_plans: dict[int, tuple[Any, list[tuple[Callable[..., Verdict], Any]] | None]] = {}
# Draft 2020-12's type checker (jsonschema/_types.py), inlined.
_STANDARD_TYPES: dict[str, Callable[[Any], bool]] = {
    "array": lambda i: isinstance(i, list),
    "boolean": lambda i: isinstance(i, bool),
    "integer": lambda i: (
        not isinstance(i, bool)
        and (isinstance(i, int) or (isinstance(i, float) and i.is_integer()))
    ),
    "null": lambda i: i is None,
    "number": lambda i: not isinstance(i, bool) and isinstance(i, numbers.Number),
    "object": lambda i: isinstance(i, dict),
    "string": lambda i: isinstance(i, str),
}


class _Walk:
    def __init__(
        self,
        root: Any,
        validator: Validator | None,
        formats: FormatCheck | None,
        plans: dict[int, Any] = _plans,
    ) -> None:
        self.root = root
        self.validator = validator  # None: a plain draft 2020-12 validator's checks
        self.formats = formats
        self.standard_types = validator is None
        self.plans = plans

    @classmethod
    def of(cls, validator: Validator) -> _Walk:
        from jsonschema import Draft202012Validator

        walk = cls(validator.schema, validator, _checker_formats(validator))
        walk.standard_types = validator.TYPE_CHECKER is Draft202012Validator.TYPE_CHECKER
        return walk

    def check(self, instance: Any, schema: Any) -> Verdict:
        if schema is True or schema is False:
            return schema
        if not isinstance(schema, dict):
            return None
        plan = self.plans.get(id(schema))
        if plan is None:
            plan = self.plans[id(schema)] = (schema, self.plan(schema))
        if plan[1] is None:
            return None
        verdict: Verdict = True
        for keyword_check, value in plan[1]:
            result = keyword_check(self, value, instance, schema)
            if result is False:
                return False
            if result is None:
                verdict = None
        return verdict

    def plan(self, schema: dict[str, Any]) -> list[tuple[Callable[..., Verdict], Any]] | None:
        """The checks `schema` asks for, in order; None when one is not implemented."""
        plan = []
        for keyword, value in schema.items():
            if keyword not in DRAFT_2020_12_KEYWORDS:
                continue  # an annotation, or unknown: jsonschema ignores it too
            keyword_check = _KEYWORDS.get(keyword)
            if keyword_check is None:
                return None
            plan.append((keyword_check, value))
        return plan

    def is_type(self, instance: Any, name: str) -> Verdict:
        if self.standard_types:
            known = _STANDARD_TYPES.get(name)
            if known is not None:
                return known(instance)
        if self.validator is None:
            return None
        from jsonschema.exceptions import UnknownType

        try:
            return bool(self.validator.is_type(instance, name))
        except UnknownType:
            return None

    def all_of(self, pairs: list[tuple[Any, Any]]) -> Verdict:
        verdict: Verdict = True
        for instance, schema in pairs:
            result = self.check(instance, schema)
            if result is False:
                return False
            if result is None:
                verdict = None
        return verdict


def _type(walk: _Walk, types: Any, instance: Any, schema: Any) -> Verdict:
    if not isinstance(types, list):
        return walk.is_type(instance, types)  # what `any` of the one result gives
    results = [walk.is_type(instance, t) for t in types]
    return None if None in results else any(results)


def _properties(walk: _Walk, properties: Any, instance: Any, schema: Any) -> Verdict:
    if not isinstance(instance, dict):
        return True
    verdict: Verdict = True  # `all_of`, without the list of pairs
    for name, subschema in properties.items():
        if name in instance:
            result = walk.check(instance[name], subschema)
            if result is False:
                return False
            if result is None:
                verdict = None
    return verdict


def _additional(walk: _Walk, extra: Any, instance: Any, schema: Any) -> Verdict:
    if not isinstance(instance, dict):
        return True
    if not all(isinstance(key, str) for key in instance):
        return None
    properties = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    extras = [
        key
        for key in instance
        if key not in properties and not (patterns and re.search(patterns, key))
    ]
    if isinstance(extra, dict):
        return walk.all_of([(instance[key], extra) for key in extras])
    return bool(extra) or not extras


def _pattern_properties(walk: _Walk, patterns: Any, instance: Any, schema: Any) -> Verdict:
    if not isinstance(instance, dict):
        return True
    if not all(isinstance(key, str) for key in instance):
        return None
    return walk.all_of(
        [(v, sub) for p, sub in patterns.items() for k, v in instance.items() if re.search(p, k)]
    )


def _property_names(walk: _Walk, names: Any, instance: Any, schema: Any) -> Verdict:
    if not isinstance(instance, dict):
        return True
    return walk.all_of([(key, names) for key in instance])


def _items(walk: _Walk, items: Any, instance: Any, schema: Any) -> Verdict:
    if "prefixItems" in schema:
        return None
    if not isinstance(instance, list):
        return True
    return walk.all_of([(item, items) for item in instance])


def _ref(walk: _Walk, ref: Any, instance: Any, schema: Any) -> Verdict:
    if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
        return None
    if "~" in ref or "%" in ref:
        return None
    target: Any = walk.root
    for part in ref[2:].split("/") if ref != "#" else []:
        if not isinstance(target, dict) or part not in target:
            return None
        target = target[part]
    return walk.check(instance, target)


def _any_of(walk: _Walk, subschemas: Any, instance: Any, schema: Any) -> Verdict:
    results = [walk.check(instance, sub) for sub in subschemas]
    if True in results:
        return True
    return None if None in results else False


def _one_of(walk: _Walk, subschemas: Any, instance: Any, schema: Any) -> Verdict:
    results = [walk.check(instance, sub) for sub in subschemas]
    return None if None in results else results.count(True) == 1


def _not(walk: _Walk, subschema: Any, instance: Any, schema: Any) -> Verdict:
    result = walk.check(instance, subschema)
    return None if result is None else not result


def _if(walk: _Walk, condition: Any, instance: Any, schema: Any) -> Verdict:
    result = walk.check(instance, condition)
    if result is None:
        return None
    branch = "then" if result else "else"
    return walk.check(instance, schema[branch]) if branch in schema else True


def _format(walk: _Walk, name: Any, instance: Any, schema: Any) -> Verdict:
    if walk.formats is None:
        return True
    return walk.formats(name, instance)


def _checker_formats(validator: Validator) -> FormatCheck | None:
    checker = validator.format_checker
    if checker is None:
        return None

    def conforms(name: str, instance: Any) -> Verdict:
        try:
            return bool(checker.conforms(instance, name))
        except Exception:  # jsonschema would raise it; let it
            return None

    return conforms


def _equal(one: Any, two: Any) -> Verdict:
    """jsonschema's `equal` where a scalar decides it, as there: a string by plain `==`;
    a boolean equals only itself (1 is not true); null only null; numbers by `==`. Else
    jsonschema's own, imported then (lists, mappings)."""
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, bool) or isinstance(two, bool) or one is None or two is None:
        return one is two
    if isinstance(one, int | float) and isinstance(two, int | float):
        return one == two
    from jsonschema._utils import equal

    return bool(equal(one, two))


def _unique(items: list[Any]) -> Verdict:
    if all(isinstance(item, str) for item in items):
        return len(set(items)) == len(items)  # strings: `equal` is `==`
    from jsonschema._utils import uniq

    return bool(uniq(items))


def _sized(kind: type, compare: Callable[[int, Any], bool]) -> Callable[..., Verdict]:
    def check(walk: _Walk, bound: Any, instance: Any, schema: Any) -> Verdict:
        return not isinstance(instance, kind) or compare(len(instance), bound)

    return check


def _number(compare: Callable[[Any, Any], bool]) -> Callable[..., Verdict]:
    def check(walk: _Walk, bound: Any, instance: Any, schema: Any) -> Verdict:
        return not walk.is_type(instance, "number") or compare(instance, bound)

    return check


def _at_least(size: int, bound: Any) -> bool:
    return size >= bound


def _at_most(size: int, bound: Any) -> bool:
    return size <= bound


_KEYWORDS: dict[str, Callable[[_Walk, Any, Any, Any], Verdict]] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "patternProperties": _pattern_properties,
    "propertyNames": _property_names,
    "required": lambda w, req, i, s: not isinstance(i, dict) or all(p in i for p in req),
    "items": _items,
    "$ref": _ref,
    "allOf": lambda w, subs, i, s: w.all_of([(i, sub) for sub in subs]),
    "anyOf": _any_of,
    "oneOf": _one_of,
    "not": _not,
    "if": _if,
    "enum": lambda w, enums, i, s: any(_equal(each, i) for each in enums),
    "const": lambda w, const, i, s: _equal(i, const),
    "pattern": lambda w, p, i, s: not isinstance(i, str) or re.search(p, i) is not None,
    "format": _format,
    "uniqueItems": lambda w, u, i, s: not (u and isinstance(i, list)) or _unique(i),
    "minLength": _sized(str, _at_least),
    "maxLength": _sized(str, _at_most),
    "minItems": _sized(list, _at_least),
    "maxItems": _sized(list, _at_most),
    "minProperties": _sized(dict, _at_least),
    "maxProperties": _sized(dict, _at_most),
    "minimum": _number(lambda value, bound: not value < bound),  # NaN passes, as there
    "maximum": _number(lambda value, bound: not value > bound),
}
