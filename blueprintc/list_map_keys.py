"""Container list entries whose server-side-apply key an earlier entry has: a container's
`env` by `name`, its `ports` by `containerPort` and `protocol` (`TCP` when left out, as
the API server defaults it), the two lists the API server lets hold duplicates but
refuses in an applied object (`duplicate entries for key`). Lint's render guards
(`rules.guards.apply_keys`) and compile's render facts both read them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from blueprintc.helm import RenderedObject, chart_relative
from blueprintc.mapping import value_at
from blueprintc.validate.object_shapes import POD_CONTAINERS, POD_SPEC_PATHS, containers_of

REPEAT_HINT = (
    "give each key once: where values add an entry the chart also writes, write the "
    "chart's only when the values do not (`{{- if not (hasKey ...) }}`), or merge the two "
    "lists by name before rendering them"
)


@dataclass(frozen=True)
class Repeat:
    """A list entry whose key an earlier entry of the same list has."""

    obj: RenderedObject
    path: str  # of the entry in the object: `spec.template.spec.containers[0].env[3]`
    field: str  # `containers` or `initContainers`
    container: str
    what: str  # `env` or `ports`
    key: tuple[Any, ...]
    shown: str  # the key as the API server prints it: `name="PORT"`

    @property
    def message(self) -> str:
        entry = (
            f"the variable `{self.key[0]}`"
            if self.what == "env"
            else f"the port {self.key[0]}/{self.key[1]}"
        )
        pod_path = ".".join(POD_SPEC_PATHS[self.obj.kind])
        return (
            f"{chart_relative(self.obj.template)} renders {self.obj.kind} {self.obj.name} "
            f"whose container `{self.container}` lists {entry} twice in `{self.what}`: "
            "Flux's helm-controller applies it server-side (Helm 4), and the API server "
            "refuses the release (`failed to create typed patch object: "
            f'.{pod_path}.{self.field}[name="{self.container}"].{self.what}: duplicate '
            f"entries for key [{self.shown}]`), where Helm 3 kept the last one"
        )


def repeats(objects: Iterable[RenderedObject]) -> Iterator[Repeat]:
    """Each container list entry whose key an earlier entry has."""
    for obj in objects:
        path = POD_SPEC_PATHS.get(obj.kind)
        pod = value_at(obj.body, path, None) if path is not None else None
        if not isinstance(pod, dict):
            continue
        prefix = ".".join(path or ())
        for field, index, container in containers_of(pod, POD_CONTAINERS):
            name = str(container.get("name"))
            for what, entry, key, shown in _repeats(container):
                at = f"{prefix}.{field}[{index}].{what}[{entry}]"
                yield Repeat(obj, at, field, name, what, key, shown)


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
