"""What the API server checks of names and labels beyond any OpenAPI schema.

A Kubernetes object's schema says `metadata.name` is a string and a label a map of
strings; the API server also validates their text (apimachinery's validation) and refuses
the object at install: `metadata.labels: Invalid value: "...": must be no more than 63
characters`, a Service named `Web_UI`, a container port named `Http_Port`. kubeconform
and the schemas pass them; Flux's HelmRelease then fails on the cluster. These are the
rules every object gets (names by kind, label keys and values, annotation keys) and
those of the pod templates and Services most charts render (container names, port names),
a CronJob's schedule (`*/5 * * *` has four fields; a day of week runs 0-6), an
Ingress's hosts and paths (`https://shop.example.com` is no host; `api` no path), an
apps/v1 workload's selector (its pod template must carry the labels it selects), and
the label selectors of workloads, PodDisruptionBudgets, NetworkPolicies, Services and
pod affinity and topology spread terms (labels' keys and values; an expression's
operator and values).

A value holding `${` is left alone: Flux substitutes it before the API server sees it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.validate.cron_schedule import cron_schedule_problem

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_IANA_SVC_NAME = re.compile(r"[-a-z0-9]+")

_LABEL_WORDS = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_SUBDOMAIN_WORDS = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)
_DNS1035_WORDS = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
    "with an alphabetic character, and end with an alphanumeric character"
)
_LABEL_VALUE_WORDS = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', "
    "'_' or '.', and must start and end with an alphanumeric character"
)
_QUALIFIED_WORDS = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character"
)
# The paths of a pod template in the workload kinds (a Pod's own spec is at `spec`).
_POD_SPECS = {
    "Pod": (("spec",),),
    "CronJob": (("spec", "jobTemplate", "spec", "template", "spec"),),
}
_TEMPLATED = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
_SELECTED = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")  # apps/v1's
_SPEC_KINDS = frozenset(("Service", "Ingress", *_POD_SPECS, *_TEMPLATED))
_SELECTOR_KINDS = frozenset(("Service", "PodDisruptionBudget", "NetworkPolicy", *_TEMPLATED))
_OPERATORS_WITH_VALUES = ("In", "NotIn")
_OPERATORS_WITHOUT = ("Exists", "DoesNotExist")
_IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}|.*:.*:.*")

Problem = tuple[str, str]  # (JSON path, message)


def object_meta_problems(obj: dict[str, Any]) -> list[Problem]:
    """Why the API server refuses `obj`'s names or labels (beyond its schema). Every
    object a compile plans is asked: the common case (a valid name, labels and
    annotations seen before) costs a regex and two cache lookups."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    api_version = api_version if isinstance(api_version, str) else ""
    kind = kind if isinstance(kind, str) else ""
    found: list[Problem] = []
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        name = metadata.get("name")
        if isinstance(name, str) and not _plainly_valid_name(name, api_version, kind):
            found.extend(_name_problems(name, api_version, kind))
        found.extend(_meta_maps(metadata, "metadata"))
    spec = obj.get("spec")
    if isinstance(spec, dict) and kind in _SPEC_KINDS:
        if kind == "Service" and api_version == "v1":
            found.extend(_service_ports(spec))
        if kind == "Ingress" and api_version.startswith("networking.k8s.io/"):
            found.extend(_ingress_problems(spec))
        if kind == "CronJob" and api_version.startswith("batch/"):
            schedule = _plain(spec.get("schedule"))
            if schedule and (problem := cron_schedule_problem(schedule)):
                found.append(("spec.schedule", f"{schedule!r}: {problem}"))
        for path in _POD_SPECS.get(kind, (("spec", "template", "spec"),)):
            found.extend(_pod_template(obj, path))
        if kind in _SELECTED and api_version == "apps/v1":
            found.extend(_selector_problems(spec))
    if isinstance(spec, dict) and kind in _SELECTOR_KINDS:
        found.extend(_selectors_text(kind, api_version, spec))
    return found


def _plainly_valid_name(name: str, api_version: str, kind: str) -> bool:
    """A DNS-1123 subdomain, for a kind whose name may be one (the common case)."""
    if api_version == "v1" and kind in ("Service", "Namespace"):
        return False
    return len(name) <= 253 and _DNS1123_SUBDOMAIN.fullmatch(name) is not None


def _name_problems(name: Any, api_version: str, kind: str) -> Iterator[Problem]:
    if _plain(name) is None:
        return
    if api_version.startswith("rbac.authorization.k8s.io/"):
        if name in (".", "..") or "/" in name or "%" in name:
            yield "metadata.name", f"{name!r}: may not be '.' or '..', nor contain '/' or '%'"
        return
    if api_version == "v1" and kind == "Service":
        problem = _dns_label(name, _DNS1035_LABEL, _DNS1035_WORDS)
    elif api_version == "v1" and kind == "Namespace":
        problem = _dns_label(name, _DNS1123_LABEL, _LABEL_WORDS)
    else:
        problem = _subdomain(name)
    if problem:
        yield "metadata.name", f"{name!r}: {problem}"


def _meta_maps(metadata: dict[str, Any], at: str) -> list[Problem]:
    found = list(_labels_map(metadata.get("labels"), f"{at}.labels"))
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict) and annotations:
        keys = tuple(str(key) for key in annotations)
        found.extend((f"{at}.annotations", message) for message in _keys_problems(keys))
    return found


def _labels_map(labels: Any, at: str) -> Iterator[Problem]:
    """A map of labels at `at` (an object's labels, a selector's `matchLabels`): a bad
    value at its key, a bad key at the map."""
    if not isinstance(labels, dict) or not labels:
        return
    try:
        problems = _labels_problems(tuple(labels.items()))
    except TypeError:  # an unhashable value: its schema says so
        return
    for key, on_value, message in problems:
        yield (f"{at}.{key}" if on_value else at), message


@functools.lru_cache(maxsize=65_536)
def _labels_problems(labels: tuple[tuple[Any, Any], ...]) -> tuple[tuple[Any, bool, str], ...]:
    """A labels map's problems, (key, on its value, message): worked out once per map, as
    a compile's objects repeat theirs."""
    return tuple(
        (key, on_value, message)
        for key, value in labels
        for on_value, message in _label_problems(str(key), value)
    )


@functools.lru_cache(maxsize=65_536)
def _label_problems(key: str, value: object) -> tuple[tuple[bool, str], ...]:
    """A label's problems, (on its value, message): worked out once per label, as a
    compile's objects repeat theirs."""
    found = [(False, message) for message in _key_problems(key)]
    if isinstance(value, str) and (problem := _label_value_problem(value)):
        found.append((True, f"{value!r}: {problem}"))
    return tuple(found)


def _label_value_problem(value: str) -> str | None:
    if "${" in value:
        return None
    if len(value) > 63:
        return "must be no more than 63 characters"
    return None if _LABEL_VALUE.fullmatch(value) else _LABEL_VALUE_WORDS


@functools.lru_cache(maxsize=65_536)
def _keys_problems(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The problems of an annotations map's keys, worked out once per set of keys."""
    return tuple(message for key in keys for message in _key_problems(key))


@functools.lru_cache(maxsize=65_536)
def _key_problems(key: str) -> tuple[str, ...]:
    """A label or annotation key: `[prefix/]name`, the prefix a DNS subdomain."""
    if "${" in key:
        return ()
    prefix, _, name = key.rpartition("/")
    if "/" in prefix or (key.count("/") and not prefix):
        return (f"{key!r}: a qualified name must be a name, with an optional DNS prefix and '/'",)
    found = []
    if prefix and (problem := _subdomain(prefix)):
        found.append(f"{key!r}: prefix part {problem}")
    if len(name) > 63:
        found.append(f"{key!r}: name part must be no more than 63 characters")
    elif not _QUALIFIED_NAME.fullmatch(name):
        found.append(f"{key!r}: {_QUALIFIED_WORDS}")
    return tuple(found)


def _pod_template(obj: dict[str, Any], spec_path: tuple[str, ...]) -> Iterator[Problem]:
    node = value_at(obj, spec_path)
    template_meta = value_at(obj, (*spec_path[:-1], "metadata"))
    if spec_path != ("spec",) and isinstance(template_meta, dict):
        yield from _meta_maps(template_meta, ".".join((*spec_path[:-1], "metadata")))
    if not isinstance(node, dict):
        return
    at = ".".join(spec_path)
    yield from _pod_selectors(node, at)
    for field in ("initContainers", "containers", "ephemeralContainers"):
        containers = node.get(field)
        for index, container in enumerate(containers if isinstance(containers, list) else ()):
            if not isinstance(container, dict):
                continue
            where = f"{at}.{field}[{index}]"
            name = _plain(container.get("name"))
            if name and (problem := _dns_label(name, _DNS1123_LABEL, _LABEL_WORDS)):
                yield f"{where}.name", f"{name!r}: {problem}"
            ports = container.get("ports")
            for number, port in enumerate(ports if isinstance(ports, list) else ()):
                port_name = _plain(port.get("name") if isinstance(port, dict) else None)
                if port_name and (problem := _port_name(port_name)):
                    yield f"{where}.ports[{number}].name", f"{port_name!r}: {problem}"


def _service_ports(spec: dict[str, Any]) -> Iterator[Problem]:
    ports = spec.get("ports")
    for index, port in enumerate(ports if isinstance(ports, list) else ()):
        name = _plain(port.get("name") if isinstance(port, dict) else None)
        if name and (problem := _dns_label(name, _DNS1123_LABEL, _LABEL_WORDS)):
            yield f"spec.ports[{index}].name", f"{name!r}: {problem}"


def _selector_problems(spec: dict[str, Any]) -> Iterator[Problem]:
    """An apps/v1 workload's `selector.matchLabels` must be labels its pod template
    carries: the API server refuses `selector does not match template labels`."""
    wanted = value_at(spec, ("selector", "matchLabels"))
    labels = value_at(spec, ("template", "metadata", "labels"))
    if not isinstance(wanted, dict) or not wanted:
        return
    labels = labels if isinstance(labels, dict) else {}
    for key, value in wanted.items():
        if _plain(value) is None and value != "":
            continue  # Flux substitutes it, or its schema says what is wrong
        if labels.get(key) != value:
            carried = f"{labels.get(key)!r}" if key in labels else "none"
            yield (
                "spec.selector.matchLabels",
                (
                    f"{key}={value}: `selector` does not match template `labels` (the pod "
                    f"template's {key} is {carried})"
                ),
            )


def _selectors_text(kind: str, api_version: str, spec: dict[str, Any]) -> Iterator[Problem]:
    """The label selectors of a workload, a PodDisruptionBudget, a NetworkPolicy (its own
    and its peers') and a Service's selector map: keys and values are labels'."""
    if kind == "Service":
        if api_version == "v1" and spec.get("type") != "ExternalName":
            yield from _labels_map(spec.get("selector"), "spec.selector")
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
    elif kind != "PodDisruptionBudget" or api_version.startswith("policy/"):
        yield from label_selector_problems(spec.get("selector"), "spec.selector")


def _pod_selectors(pod_spec: dict[str, Any], at: str) -> Iterator[Problem]:
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
    yield from _labels_map(selector.get("matchLabels"), f"{at}.matchLabels")
    expressions = selector.get("matchExpressions")
    for index, expression in enumerate(expressions if isinstance(expressions, list) else ()):
        if isinstance(expression, dict):
            yield from _expression_problems(expression, f"{at}.matchExpressions[{index}]")


def _expression_problems(expression: dict[str, Any], at: str) -> Iterator[Problem]:
    operator, values = expression.get("operator"), expression.get("values")
    listed = values if isinstance(values, list) else []
    if _plain(operator) is None or (values is not None and not isinstance(values, list)):
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
    key = _plain(expression.get("key"))
    if key is not None:
        yield from ((f"{at}.key", message) for message in _key_problems(key))
    for index, value in enumerate(listed):
        if isinstance(value, str) and (problem := _label_value_problem(value)):
            yield f"{at}.values[{index}]", f"{value!r}: {problem}"


def _ingress_problems(spec: dict[str, Any]) -> Iterator[Problem]:
    """An Ingress's hosts (a DNS name, `*.` allowed first; no scheme, port or IP address)
    and paths (absolute), in its rules and its TLS entries."""
    rules = spec.get("rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else ()):
        if not isinstance(rule, dict):
            continue
        host = _plain(rule.get("host"))
        if host and (problem := _host_problem(host)):
            yield f"spec.rules[{index}].host", f"{host!r}: {problem}"
        paths = value_at(rule, ("http", "paths"))
        for number, entry in enumerate(paths if isinstance(paths, list) else ()):
            path = _plain(entry.get("path") if isinstance(entry, dict) else None)
            if path and not path.startswith("/"):
                where = f"spec.rules[{index}].http.paths[{number}].path"
                yield where, f"{path!r}: must be an absolute path"
    entries = spec.get("tls")
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        hosts = entry.get("hosts") if isinstance(entry, dict) else None
        for number, tls_host in enumerate(hosts if isinstance(hosts, list) else ()):
            host = _plain(tls_host)
            if host and (problem := _host_problem(host)):
                yield f"spec.tls[{index}].hosts[{number}]", f"{host!r}: {problem}"


def _host_problem(host: str) -> str | None:
    if _IP_ADDRESS.fullmatch(host):
        return "must be a DNS name, not an IP address"
    name = host[2:] if host.startswith("*.") else host
    problem = _subdomain(name)
    if problem and ("://" in host or ":" in host or "/" in host):
        return f"{problem} (a host alone: no scheme, port or path)"
    return problem


def _plain(value: Any) -> str | None:
    """`value` when it is a non-empty string Flux leaves as it is (no `${`)."""
    return value if isinstance(value, str) and value and "${" not in value else None


def _dns_label(name: str, pattern: re.Pattern[str], words: str) -> str | None:
    if len(name) > 63:
        return "must be no more than 63 characters"
    return None if pattern.fullmatch(name) else words


def _subdomain(name: str) -> str | None:
    if len(name) > 253:
        return "must be no more than 253 characters"
    return None if _DNS1123_SUBDOMAIN.fullmatch(name) else _SUBDOMAIN_WORDS


def _port_name(name: str) -> str | None:
    """IANA_SVC_NAME, as a container port's name must be."""
    if len(name) > 15:
        return "must be no more than 15 characters"
    if not _IANA_SVC_NAME.fullmatch(name):
        return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
    if "--" in name:
        return "must not contain consecutive hyphens"
    if not re.search("[a-z]", name):
        return "must contain at least one letter (a-z)"
    if name[0] == "-" or name[-1] == "-":
        return "must not begin or end with a hyphen"
    return None
