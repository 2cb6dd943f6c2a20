"""Keys a template's block spilled to the top of an object (BPG012's unknown fields).

`labels:` then `{{ toYaml .Values.labels }}` at column 0 renders `labels` empty and the
labels as top-level keys; `    {{ toYaml .Values.labels }}` (the line indented, the
block not) leaves the block's second line and on at column 0. Either way the objects
are YAML and the spilled keys are "unknown fields", one finding per key at the values
line that set it, where the values were right. Told once, at the template line that
needs the fix: the emptied field's key, or the line writing the block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blueprintc.diagnostics import Finding, Location
from blueprintc.helm import RenderedObject, chart_relative
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import object_location
from blueprintc.rules.guards.template_indent import misindented_block

NINDENT = "(`{{- toYaml ... | nindent N }}`, N the column of its keys)"


@dataclass(frozen=True)
class Spill:
    """The keys (in writing order) a block spilled, and where and why to say so."""

    keys: list[str]
    location: Location
    why: str
    hint: str

    def finding(self, obj: RenderedObject, where: str) -> Finding:
        fields = "an unknown field" if len(self.keys) == 1 else "unknown fields"
        return Finding(
            f"{obj.kind or '(no kind)'} {obj.name or '(no name)'}: {', '.join(self.keys)}: "
            f"{fields} at the top of the object{self.why}{where}",
            self.location,
            hint=self.hint,
        )


def spilled_keys(ctx: BlueprintContext, errors: list[Any]) -> dict[tuple[int, str], Spill]:
    """By object (id) and values set: the unknown top-level fields a template's block
    spilled, when that is what happened."""
    stray: dict[tuple[int, str], tuple[RenderedObject, list[str]]] = {}
    for error in errors:
        body = error.obj.body
        if error.message == "unknown field" and "." not in error.path and error.path in body:
            entry = stray.setdefault((id(error.obj), str(error.values)), (error.obj, []))
            entry[1].append(error.path)
    spills = {}
    for key, (obj, paths) in stray.items():
        fields = list(obj.body)
        paths.sort(key=fields.index)  # in writing order
        spill = _emptied(ctx, obj, fields, paths) or _misindented(ctx, obj, paths)
        if spill is not None:
            spills[key] = spill
    return spills


def _emptied(
    ctx: BlueprintContext, obj: RenderedObject, fields: list[str], paths: list[str]
) -> Spill | None:
    """The field just above the first spilled key renders empty: the block meant for it
    was written at column 0."""
    first = fields.index(paths[0])
    if first == 0:
        return None
    empty = _last_empty(obj.body[fields[first - 1]], fields[first - 1])
    if empty is None:
        return None
    return Spill(
        paths,
        object_location(ctx, obj, empty),
        f", and {empty} renders empty: the template writes the mapping meant for {empty} "
        "without its indentation",
        f"indent what the template writes under `{empty.rsplit('.', 1)[-1]}:` {NINDENT}",
    )


def _misindented(ctx: BlueprintContext, obj: RenderedObject, paths: list[str]) -> Spill | None:
    """The template has a line that writes a block indented by the line's own spaces."""
    source = ctx.template_source(chart_relative(obj.template))
    block = misindented_block(source.lines, len(source.lines)) if source else None
    if source is None or block is None:
        return None
    return Spill(
        paths,
        Location(source.rel, block.line, block.column, f"{obj.kind}/{obj.name}"),
        f": the block line {block.line} writes continues at column 0",
        block.hint,
    )


def _last_empty(value: Any, path: str) -> str | None:
    """The dotted path of the last field of `value` (in writing order), following the
    last key of each mapping down, when it is empty."""
    while isinstance(value, dict) and value:
        key = list(value)[-1]
        path, value = f"{path}.{key}", value[key]
    return path if value is None else None
