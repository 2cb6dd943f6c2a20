"""Where the values a chart was rendered with set the value a rendered object is refused
for: `memory: 128MiB` under `webapp.resources.limits` in values.yaml, not the upstream's
Chart.yaml entry or the `resources:` line whose `toYaml` printed it.

A field's value is traced to a values file when that file holds it in one place only,
under a key of the field's own name, as the same scalar: the file that rendered the
object (a `ci/` file first), then values.yaml. An unknown field is traced by its key and
its parent's, whatever its value (reloader's `deployment.securityContext` given
container fields that its template renders into the pod's `securityContext`). A value
a template writes itself is the template's (`object_location` finds it there); a value
found twice, or not at all, is not traced: the finding keeps the template's place
rather than guess.
"""

from __future__ import annotations

from typing import Any

from blueprintc.diagnostics import Location
from blueprintc.helm import RenderedObject
from blueprintc.mapping import value_at
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards import template_keys
from blueprintc.rules.guards.object_sources import template_writes
from blueprintc.rules.guards.rendered_objects import values_sets
from blueprintc.rules.guards.support import doc_location
from blueprintc.yamldoc import YamlDoc


def value_origin(
    ctx: BlueprintContext,
    obj: RenderedObject,
    path: str,
    values_label: str,
    *,
    at_key: bool = False,
) -> Location | None:
    """The place in a values file that sets the value at `path` of `obj`, rendered with
    the values set `values_label` (its key's place with `at_key`: an unknown field); None
    when no single place does."""
    parts = template_keys.path_parts(obj.body, path)
    if not parts or not isinstance(parts[-1], str):
        return None
    value = value_at(obj.body, parts)
    # An unknown field is found by its key and its parent's (`securityContext.capabilities`
    # given for a container, rendered for the pod): distinctive enough for any value.
    tail = tuple(parts[-2:]) if at_key and all(isinstance(p, str) for p in parts[-2:]) else ()
    if len(tail) < 2:
        tail = (parts[-1],)
        if not _traceable(value):
            return None
    if template_writes(ctx, obj, path):
        return None
    values_set = next((s for s in values_sets(ctx) if s.label == values_label), None)
    if values_set is None or (values_set.location is not None and values_set.doc is None):
        return None  # a `--values` file: lint has its data, not its positions
    for doc in (values_set.doc, ctx.values_yaml):
        if doc is None:
            continue
        places = _places(doc, tail, value)
        if places:
            return doc_location(doc, places[0], key=at_key) if len(places) == 1 else None
    return None


def _traceable(value: Any) -> bool:
    """A scalar distinctive enough to be looked for: text, or a number (not a boolean)."""
    if isinstance(value, bool):
        return False
    return (isinstance(value, str) and value != "") or isinstance(value, int | float)


def _places(doc: YamlDoc, tail: tuple[str, ...], value: Any) -> list[tuple[Any, ...]]:
    """The paths of `doc` that end with the keys `tail` and hold `value`."""
    found = []
    for path in doc.values:
        if path[-len(tail) :] == tail:
            written = doc.get(path)
            if type(written) is type(value) and written == value:
                found.append(path)
    return found
