"""A pod's node and pod affinity as the API server validates it (its label selectors are
`label_selectors`').

The schema passes a node selector requirement `operator: In` with `values: []`, which a
chart renders from a values list left empty (`values: {{ toYaml .Values.zones }}`), and
the API server refuses it (`values: Required value: must be specified when `operator`
is 'In' or 'NotIn'`); also `Exists` with values, `Gt` or `Lt` without exactly one
value, an operator it does not know, a required node affinity with no selector term, a
preferred term's weight outside 1 to 100, and a pod (anti-)affinity term whose
`topologyKey` is empty (`{{ .Values.topologyKey }}` with no default: `can not be
empty`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem, key_problems

_REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
_PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"
_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
_WORDS = ", ".join(_OPERATORS)


def affinity_problems(pod: dict[str, Any], at: str) -> Iterator[Problem]:
    """The node and pod affinity problems of the pod spec `pod`, found at path `at`."""
    affinity = pod.get("affinity")
    if not isinstance(affinity, dict):
        return
    at = f"{at}.affinity"
    node = affinity.get("nodeAffinity")
    if isinstance(node, dict):
        yield from _node_affinity(node, f"{at}.nodeAffinity")
    for kind in ("podAffinity", "podAntiAffinity"):
        terms = affinity.get(kind)
        if isinstance(terms, dict):
            yield from _pod_affinity(terms, f"{at}.{kind}")


def _node_affinity(node: dict[str, Any], at: str) -> Iterator[Problem]:
    required = node.get(_REQUIRED)
    if isinstance(required, dict):
        terms = required.get("nodeSelectorTerms")
        where = f"{at}.{_REQUIRED}.nodeSelectorTerms"
        if terms is None or terms == []:
            yield where, "Required value: must have at least one node selector term"
        for index, term in enumerate(terms if isinstance(terms, list) else ()):
            yield from _term(term, f"{where}[{index}]")
    preferred = node.get(_PREFERRED)
    for index, entry in enumerate(preferred if isinstance(preferred, list) else ()):
        if isinstance(entry, dict):
            where = f"{at}.{_PREFERRED}[{index}]"
            yield from _weight(entry.get("weight"), f"{where}.weight")
            yield from _term(entry.get("preference"), f"{where}.preference")


def _term(term: Any, at: str) -> Iterator[Problem]:
    expressions = term.get("matchExpressions") if isinstance(term, dict) else None
    for index, requirement in enumerate(expressions if isinstance(expressions, list) else ()):
        if isinstance(requirement, dict):
            yield from _requirement(requirement, f"{at}.matchExpressions[{index}]")


def _requirement(requirement: dict[str, Any], at: str) -> Iterator[Problem]:
    key, operator, values = (requirement.get(k) for k in ("key", "operator", "values"))
    if isinstance(key, str) and key:
        yield from ((f"{at}.key", message) for message in key_problems(key))
    if not isinstance(operator, str) or "${" in operator:
        return
    given = values if isinstance(values, list) else []
    if operator in ("In", "NotIn") and not given:
        yield (
            f"{at}.values",
            "Required value: must be specified when `operator` is 'In' or 'NotIn' (is the "
            "list the values give empty?)",
        )
    elif operator in ("Exists", "DoesNotExist") and given:
        message = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
        yield f"{at}.values", f"Forbidden: {message}"
    elif operator in ("Gt", "Lt") and len(given) != 1:
        message = "must be specified single value when `operator` is 'Lt' or 'Gt'"
        yield f"{at}.values", f"Required value: {message}"
    elif operator not in _OPERATORS:
        yield f"{at}.operator", f"{operator!r}: not a valid selector operator ({_WORDS})"


def _pod_affinity(terms: dict[str, Any], at: str) -> Iterator[Problem]:
    required = terms.get(_REQUIRED)
    for index, term in enumerate(required if isinstance(required, list) else ()):
        if isinstance(term, dict):
            yield from _topology_key(term.get("topologyKey"), f"{at}.{_REQUIRED}[{index}]")
    preferred = terms.get(_PREFERRED)
    for index, entry in enumerate(preferred if isinstance(preferred, list) else ()):
        if isinstance(entry, dict):
            where = f"{at}.{_PREFERRED}[{index}]"
            yield from _weight(entry.get("weight"), f"{where}.weight")
            term = entry.get("podAffinityTerm")
            if isinstance(term, dict):
                yield from _topology_key(term.get("topologyKey"), f"{where}.podAffinityTerm")


def _topology_key(key: Any, at: str) -> Iterator[Problem]:
    if key is None or key == "":
        message = "Required value: can not be empty (e.g. kubernetes.io/hostname)"
        yield f"{at}.topologyKey", message
    elif isinstance(key, str):
        yield from ((f"{at}.topologyKey", message) for message in key_problems(key))


def _weight(weight: Any, at: str) -> Iterator[Problem]:
    if isinstance(weight, int) and not isinstance(weight, bool) and not 1 <= weight <= 100:
        yield at, f"{weight}: must be in the range 1-100"
