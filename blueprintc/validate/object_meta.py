"""What the API server checks of names and labels beyond any OpenAPI schema.

A Kubernetes object's schema says `metadata.name` is a string and a label a map of
strings; the API server also validates their text (apimachinery's validation) and refuses
the object at install: `metadata.labels: Invalid value: "...": must be no more than 63
characters`, a Service named `Web_UI`, a container port named `Http_Port`. kubeconform
and the schemas pass them; Flux's HelmRelease then fails on the cluster. These are the
rules every object gets (names by kind, label keys and values, annotation keys) and
those of the pod templates and Services most charts render (container names, port names),
a CronJob's schedule (`*/5 * * *` has four fields; a day of week runs 0-6), an
Ingress's (`validate.ingresses`), an
apps/v1 workload's selector (its pod template must carry the labels it selects), and
the label selectors of workloads, PodDisruptionBudgets, NetworkPolicies, Services and
pod affinity and topology spread terms (labels' keys and values; an expression's
operator and values).

A value holding `${` is left alone: Flux substitutes it before the API server sees it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.validate.affinities import affinity_problems
from blueprintc.validate.cron_schedule import cron_schedule_problem
from blueprintc.validate.env_vars import env_problems
from blueprintc.validate.ingresses import ingress_problems
from blueprintc.validate.label_selectors import (
    SELECTOR_KINDS,
    pod_selectors,
    selectors_problems,
)
from blueprintc.validate.label_text import (
    DNS1123_SUBDOMAIN,
    Problem,
    dns1035_label_problem,
    dns1123_label_problem,
    keys_problems,
    labels_map,
    plain,
    port_name_problem,
    port_problem,
    subdomain_problem,
)
from blueprintc.validate.object_shapes import POD_SPEC_PATHS, api_group, containers_of
from blueprintc.validate.pod_volumes import pod_volume_problems
from blueprintc.validate.probes import probe_problems
from blueprintc.validate.security_contexts import security_context_problems
from blueprintc.validate.services import service_port_problems, service_type_problems
from blueprintc.validate.volume_sources import volume_source_problems

_ALL_CONTAINERS = ("initContainers", "containers", "ephemeralContainers")
_SELECTED = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")  # apps/v1's
_SPEC_KINDS = frozenset(("Service", "Ingress", *POD_SPEC_PATHS))


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
            found.extend(service_port_problems(spec))
            found.extend(service_type_problems(spec))
        if kind == "Ingress" and api_version.startswith("networking.k8s.io/"):
            found.extend(ingress_problems(spec))
        if kind == "CronJob" and api_version.startswith("batch/"):
            schedule = plain(spec.get("schedule"))
            if schedule and (problem := cron_schedule_problem(schedule)):
                found.append(("spec.schedule", f"{schedule!r}: {problem}"))
        path = POD_SPEC_PATHS.get(kind, ("spec", "template", "spec"))
        found.extend(_pod_template(obj, path))
        pod = value_at(obj, path)
        if isinstance(pod, dict) and _built_in(api_version):
            # A StatefulSet's pods are validated when it creates them, with its claim
            # templates as volumes too: its volume types, security contexts, affinities,
            # probes and env vars fail them all the same.
            at = ".".join(path)
            if kind != "StatefulSet":
                found.extend(pod_volume_problems(pod, at))
            found.extend(volume_source_problems(pod, at))
            found.extend(security_context_problems(pod, at))
            found.extend(affinity_problems(pod, at))
            found.extend(probe_problems(pod, at))
            found.extend(env_problems(pod, at))
        if kind in _SELECTED and api_version == "apps/v1":
            found.extend(_selector_problems(spec))
    if isinstance(spec, dict) and kind in SELECTOR_KINDS:
        found.extend(selectors_problems(kind, api_version, spec))
    return found


def metadata_problems(obj: dict[str, Any]) -> list[Problem]:
    """What the API server refuses in any object's metadata, whatever its kind: for an
    object whose kind has no schema at hand (a custom resource), the one check it gets.
    Its name, labels and annotations as for every object, and their types, which its
    kind's schema would say: ObjectMeta's labels and annotations are maps of strings
    (`version: 1.0` is a number, which the API server cannot decode, and Helm's manifest
    sorter refuses a number among annotations before that), its name a string."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return []
    found: list[Problem] = []
    name = metadata.get("name")
    if name is not None and not isinstance(name, str):
        found.append(("metadata.name", f"{_as_yaml(name)} is not a string: quote it"))
    for field in ("labels", "annotations"):
        entries = metadata.get(field)
        if entries is not None and not isinstance(entries, dict):
            found.append((f"metadata.{field}", f"{_as_yaml(entries)} is not a map of strings"))
        for key, value in entries.items() if isinstance(entries, dict) else ():
            if value is not None and not isinstance(value, str):
                found.append(
                    (f"metadata.{field}.{key}", f"{_as_yaml(value)} is not a string: quote it")
                )
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    typed = isinstance(name, str) and isinstance(kind, str) and isinstance(api_version, str)
    if typed and not _plainly_valid_name(name, api_version, kind):
        found.extend(_name_problems(name, api_version, kind))
    found.extend(_meta_maps(metadata, "metadata"))
    return found


def _as_yaml(value: Any) -> str:
    """A value as YAML writes it: `1.0`, `true`, `[a]`."""
    return json.dumps(value) if not isinstance(value, str) else repr(value)


def _built_in(api_version: str) -> bool:
    """The core group's, or apps' or batch's (not a custom resource's kind of that name)."""
    return api_version == "v1" or api_group(api_version) in ("apps", "batch")


def _plainly_valid_name(name: str, api_version: str, kind: str) -> bool:
    """A DNS-1123 subdomain, for a kind whose name may be one (the common case)."""
    if api_version == "v1" and kind in ("Service", "Namespace"):
        return False
    return len(name) <= 253 and DNS1123_SUBDOMAIN.fullmatch(name) is not None


def _name_problems(name: Any, api_version: str, kind: str) -> Iterator[Problem]:
    if plain(name) is None:
        return
    if api_version.startswith("rbac.authorization.k8s.io/"):
        if name in (".", "..") or "/" in name or "%" in name:
            yield "metadata.name", f"{name!r}: may not be '.' or '..', nor contain '/' or '%'"
        return
    if api_version == "v1" and kind == "Service":
        problem = dns1035_label_problem(name)
    elif api_version == "v1" and kind == "Namespace":
        problem = dns1123_label_problem(name)
    else:
        problem = subdomain_problem(name)
    if problem:
        yield "metadata.name", f"{name!r}: {problem}"


def _meta_maps(metadata: dict[str, Any], at: str) -> list[Problem]:
    found = labels_map(metadata.get("labels"), f"{at}.labels")
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict) and annotations:
        keys = tuple(str(key) for key in annotations)
        found.extend((f"{at}.annotations", message) for message in keys_problems(keys))
    return found


def _pod_template(obj: dict[str, Any], spec_path: tuple[str, ...]) -> Iterator[Problem]:
    node = value_at(obj, spec_path)
    template_meta = value_at(obj, (*spec_path[:-1], "metadata"))
    if spec_path != ("spec",) and isinstance(template_meta, dict):
        yield from _meta_maps(template_meta, ".".join((*spec_path[:-1], "metadata")))
    if not isinstance(node, dict):
        return
    at = ".".join(spec_path)
    yield from pod_selectors(node, at)
    host_network = node.get("hostNetwork") is True
    for field, index, container in containers_of(node, _ALL_CONTAINERS):
        name = plain(container.get("name"))
        if name and (problem := dns1123_label_problem(name)):
            yield f"{at}.{field}[{index}].name", f"{name!r}: {problem}"
        ports = container.get("ports")
        for number, port in enumerate(ports if isinstance(ports, list) else ()):
            if not isinstance(port, dict):
                continue
            where = f"{at}.{field}[{index}].ports[{number}]"
            port_name = plain(port.get("name"))
            if port_name and (problem := port_name_problem(port_name)):
                yield f"{where}.name", f"{port_name!r}: {problem}"
            for key in ("containerPort", "hostPort"):  # a hostPort of 0 is none
                value = port.get(key)
                if value != 0 and (problem := port_problem(value, named=False)):
                    yield f"{where}.{key}", f"{value!r}: {problem}"
            host, container_port = port.get("hostPort"), port.get("containerPort")
            if host_network and isinstance(host, int) and host not in (0, container_port):
                # Unset (0), it is defaulted to the container's port.
                message = "must match `containerPort` when `hostNetwork` is true"
                yield f"{where}.hostPort", f"{host}: {message} (it is {container_port!r})"


def _selector_problems(spec: dict[str, Any]) -> Iterator[Problem]:
    """An apps/v1 workload's `selector.matchLabels` must be labels its pod template
    carries: the API server refuses `selector does not match template labels`."""
    wanted = value_at(spec, ("selector", "matchLabels"))
    labels = value_at(spec, ("template", "metadata", "labels"))
    if not isinstance(wanted, dict) or not wanted:
        return
    labels = labels if isinstance(labels, dict) else {}
    for key, value in wanted.items():
        if plain(value) is None and value != "":
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
