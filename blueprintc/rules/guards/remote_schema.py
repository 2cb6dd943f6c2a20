"""Where a chart whose values schemas refer to remote schemas is reported, and the fix
(`blueprintc.remote_schemas`): BPG011 when `--offline` skips its renders, BPG003 when a
render fails because a remote schema could not be fetched."""

from __future__ import annotations

import re

from blueprintc.chartsources import file_source
from blueprintc.diagnostics import Location
from blueprintc.remote_schemas import SCHEMA_FILE, RemoteRef
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import chart_location

# Helm's schema check when a `$ref` could not be fetched (jsonschema's loader error).
_NOT_LOADED = re.compile(r'failing loading "(?P<url>https?://[^"]+)"')


def listed(refs: list[RemoteRef]) -> str:
    """`values.schema.json of <chart> refers to <url>` (and how many more)."""
    first = refs[0]
    more = f" (and {len(refs) - 1} more)" if len(refs) > 1 else ""
    return f"values.schema.json of {first.chart} refers to {first.url}{more}"


def place(ctx: BlueprintContext, ref: RemoteRef) -> Location:
    """The URL's line in the chart's own values.schema.json; for a subchart's, the
    Chart.yaml entry of the dependency that holds it; else (a schema found by no scan:
    one a fetched schema refers to) Chart.yaml's `name:`."""
    assert ctx.chart_dir is not None
    if ref.schema == SCHEMA_FILE and (ctx.chart_dir / SCHEMA_FILE).is_file():
        source = ctx.read(ctx.chart_dir / SCHEMA_FILE)
        for number, line in enumerate(source.lines, start=1):
            if ref.url in line or (ref.url.rsplit("/", 1)[-1] in line and "$ref" in line):
                column = max(line.find('"$ref"'), 0) + 1
                return Location(source.rel, number, column)
        return Location(source.rel, 1, 1)
    for index, dep in enumerate(ctx.declared_dependencies):
        names = {str(dep.get(k)) for k in ("name", "alias") if dep.get(k)}
        source = file_source(ctx.chart_dir, dep)
        if source is not None:
            names.add(source.name)
        heads = {f"charts/{name}/" for name in names} | {f"{name}/" for name in names}
        if ref.schema.startswith(tuple(heads)) or any(
            ref.schema.startswith(f"charts/{name}-") for name in names
        ):
            return chart_location(ctx, ("dependencies", index), key=False)
    return chart_location(ctx, ("name",))


def fix(ref: RemoteRef) -> str:
    return (
        f"a Sovereign without egress to {ref.host} cannot install the chart either: bundle "
        "the schema into values.schema.json (helm-values-schema-json's `bundle` option "
        f"inlines it under $defs), or pin a release of {ref.chart} that does"
    )


def not_loaded(ctx: BlueprintContext, message: str) -> RemoteRef | None:
    """The remote schema whose fetch failed a render, by Helm's `message`; None for
    another failure."""
    match = _NOT_LOADED.search(message)
    if match is None:
        return None
    url = match.group("url").split("#", 1)[0]
    known = [ref for ref in ctx.remote_schema_refs if ref.url == url]
    return known[0] if known else RemoteRef("", ctx.release_name, url)
