"""Lists that server-side apply reads as maps, given one key twice: Helm 4 refuses them.

Flux 2.9's helm-controller installs and upgrades with Helm 4's server-side apply (on
unless a HelmRelease sets `serverSideApply: false`). The API server reads each list its
OpenAPI marks as a map (`x-kubernetes-list-type: map`) by the keys it names, and
refuses an applied object that gives one key twice: `failed to create typed patch object
(ns/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="app"].env:
duplicate entries for key [name="SERVER_CONTEXT_PATH"]` (helm/helm#31529: Camunda's
charts set a variable twice so that the later one wins, which Helm 3's client-side
apply let pass; airbyte's workload-api-server shipped one too). A create or update
without apply still accepts it, with a warning, which is why the API server's checks
(`blueprintc.validate`) do not see it; structured-merge-diff 4.4 tolerates duplicates
already in a live object, never in an applied one.

Checked: a container's `env` by `name`, and its `ports` by `containerPort` and
`protocol` (`TCP` when left out, as the API server defaults it): the two lists the API
server lets hold duplicates. Each second entry is a `RenderFailure` at the line that
writes it, reported as `manifest_refusals`' are (BPG003 for the default render, BPG012
for an overlay's).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from blueprintc.helm import RenderedObject, RenderFailure, chart_relative
from blueprintc.mapping import value_at
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import template_position
from blueprintc.validate.object_shapes import POD_CONTAINERS, POD_SPEC_PATHS, containers_of

HINT = (
    "give each key once: where values add an entry the chart also writes, write the "
    "chart's only when the values do not (`{{- if not (hasKey ...) }}`), or merge the two "
    "lists by name before rendering them"
)


def duplicate_apply_keys(
    ctx: BlueprintContext, objects: Iterable[RenderedObject]
) -> list[RenderFailure]:
    """A failure for each container list entry whose key an earlier entry has."""
    found = []
    for obj in objects:
        path = POD_SPEC_PATHS.get(obj.kind)
        pod = value_at(obj.body, path, None) if path is not None else None
        if not isinstance(pod, dict):
            continue
        prefix = ".".join(path or ())
        for field, index, container in containers_of(pod, POD_CONTAINERS):
            at = f"{prefix}.{field}[{index}]"
            for what, entry, key, text in _repeats(container):
                where = f"{at}.{what}[{entry}]"
                found.append(_failure(ctx, obj, where, field, container, what, key, text))
    return found


def _repeats(container: dict[str, Any]) -> Iterator[tuple[str, int, tuple[Any, ...], str]]:
    """(list, index, key, the key as the API server prints it) of each repeated entry."""
    for what, key_of, shown in (("env", _env_key, _env_shown), ("ports", _port_key, _port_shown)):
        entries = container.get(what)
        seen: set[tuple[Any, ...]] = set()
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            key = key_of(entry) if isinstance(entry, dict) else None
            if key is None:
                continue
            if key in seen:
                yield what, index, key, shown(key)
            seen.add(key)


def _env_key(entry: dict[str, Any]) -> tuple[Any, ...] | None:
    name = entry.get("name")
    return (name,) if isinstance(name, str) else None


def _env_shown(key: tuple[Any, ...]) -> str:
    return f'name="{key[0]}"'


def _port_key(entry: dict[str, Any]) -> tuple[Any, ...] | None:
    port = entry.get("containerPort")
    if not isinstance(port, int) or isinstance(port, bool):
        return None
    return port, entry.get("protocol") or "TCP"


def _port_shown(key: tuple[Any, ...]) -> str:
    return f'containerPort={key[0]},protocol="{key[1]}"'


def _failure(
    ctx: BlueprintContext,
    obj: RenderedObject,
    path: str,
    field: str,
    container: dict[str, Any],
    what: str,
    key: tuple[Any, ...],
    shown: str,
) -> RenderFailure:
    name = chart_relative(obj.template)
    entry = f"the variable `{key[0]}`" if what == "env" else f"the port {key[0]}/{key[1]}"
    pod_path = ".".join(POD_SPEC_PATHS[obj.kind])
    message = (
        f"{name} renders {obj.kind} {obj.name} whose container `{container.get('name')}` "
        f"lists {entry} twice in `{what}`: Flux's helm-controller applies it server-side "
        "(Helm 4), and the API server refuses the release (`failed to create typed patch "
        f'object: .{pod_path}.{field}[name="{container.get("name")}"].{what}: duplicate '
        f"entries for key [{shown}]`), where Helm 3 kept the last one"
    )
    line, column = template_position(ctx, obj, path)
    return RenderFailure(message, name, line, column, False, HINT)
