"""Label selectors as apimachinery validates them (`ValidateLabelSelector`): a
workload's, a PodDisruptionBudget's, a NetworkPolicy's and its peers', a pod affinity
term's and a topology spread constraint's, and a Service's selector map. `matchLabels`
are labels; an expression's operator is In, NotIn, Exists or DoesNotExist, with values
for the first two only, each a label value, and its key a label key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.validate.label_text import (
    Problem,
    key_problems,
    label_value_problem,
    labels_map,
    plain,
)
from blueprintc.validate.object_shapes import WORKLOAD_KINDS, api_group

SELECTOR_KINDS = frozenset(("Service", "PodDisruptionBudget", "NetworkPolicy", *WORKLOAD_KINDS))
_OPERATORS_WITH_VALUES = ("In", "NotIn")
_OPERATORS_WITHOUT = ("Exists", "DoesNotExist")


def selectors_problems(kind: str, api_version: str, spec: dict[str, Any]) -> Iterator[Problem]:
    """The label selectors of a workload, a PodDisruptionBudget, a NetworkPolicy (its own
    and its peers') and a Service's selector map: keys and values are labels'."""
    if kind == "Service":
        if api_version == "v1" and spec.get("type") != "ExternalName":
            yield from labels_map(spec.get("selector"), "spec.selector")
    elif kind == "NetworkPolicy":
        if api_version.startswith("networking.k8s.io/"):
            yield from label_selector_problems(spec.get("podSelector"), "spec.podSelector")
            for direction, peers in (("ingress", "from"), ("egress", "to")):
                rules = spec.get(direction)
                for index, rule in enumerate(rules if isinstance(rules, list) else ()):
                    entries = rule.get(peers) if isinstance(rule, dict) else None
                    for number, peer in enumerate(entries if isinstance(entries, list) else ()):
                        if isinstance(peer, dict):
                            at = f"spec.{direction}[{index}].{peers}[{number}]"
                            for name in ("podSelector", "namespaceSelector"):
                                yield from label_selector_problems(peer.get(name), f"{at}.{name}")
    else:  # a workload's or a PodDisruptionBudget's, not a custom resource's of that name
        groups = ("policy",) if kind == "PodDisruptionBudget" else ("apps", "batch")
        if api_group(api_version) in groups:
            yield from label_selector_problems(spec.get("selector"), "spec.selector")


def pod_selectors(pod_spec: dict[str, Any], at: str) -> Iterator[Problem]:
    """A pod spec's selectors: pod (anti-)affinity terms', topology spread constraints'."""
    for kind in ("podAffinity", "podAntiAffinity"):
        affinity = value_at(pod_spec, ("affinity", kind))
        if not isinstance(affinity, dict):
            continue
        for rule, inner in (
            ("requiredDuringSchedulingIgnoredDuringExecution", ()),
            ("preferredDuringSchedulingIgnoredDuringExecution", ("podAffinityTerm",)),
        ):
            terms = affinity.get(rule)
            for index, term in enumerate(terms if isinstance(terms, list) else ()):
                node = value_at(term, inner) if inner else term
                where = ".".join((f"{at}.affinity.{kind}.{rule}[{index}]", *inner))
                for name in ("labelSelector", "namespaceSelector"):
                    selector = node.get(name) if isinstance(node, dict) else None
                    yield from label_selector_problems(selector, f"{where}.{name}")
    constraints = pod_spec.get("topologySpreadConstraints")
    for index, constraint in enumerate(constraints if isinstance(constraints, list) else ()):
        selector = constraint.get("labelSelector") if isinstance(constraint, dict) else None
        yield from label_selector_problems(
            selector, f"{at}.topologySpreadConstraints[{index}].labelSelector"
        )


def label_selector_problems(selector: Any, at: str) -> Iterator[Problem]:
    """A LabelSelector as apimachinery validates it: `matchLabels` as labels; each
    `matchExpressions` entry's operator (In, NotIn, Exists, DoesNotExist), its values
    (given for In and NotIn only, each a label value) and its key (a label key)."""
    if not isinstance(selector, dict):
        return
    yield from labels_map(selector.get("matchLabels"), f"{at}.matchLabels")
    expressions = selector.get("matchExpressions")
    for index, expression in enumerate(expressions if isinstance(expressions, list) else ()):
        if isinstance(expression, dict):
            yield from _expression_problems(expression, f"{at}.matchExpressions[{index}]")


def _expression_problems(expression: dict[str, Any], at: str) -> Iterator[Problem]:
    operator, values = expression.get("operator"), expression.get("values")
    listed = values if isinstance(values, list) else []
    if plain(operator) is None or (values is not None and not isinstance(values, list)):
        pass  # Flux substitutes it, or its schema says what is wrong
    elif operator in _OPERATORS_WITH_VALUES:
        if not listed:
            yield f"{at}.values", "must be specified when `operator` is 'In' or 'NotIn'"
    elif operator in _OPERATORS_WITHOUT:
        if listed:
            yield (
                f"{at}.values",
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )
    else:
        yield (
            f"{at}.operator",
            f"{operator!r}: not a valid selector operator (In, NotIn, Exists or DoesNotExist)",
        )
    key = plain(expression.get("key"))
    if key is not None:
        yield from ((f"{at}.key", message) for message in key_problems(key))
    for index, value in enumerate(listed):
        if isinstance(value, str) and (problem := label_value_problem(value)):
            yield f"{at}.values[{index}]", f"{value!r}: {problem}"
