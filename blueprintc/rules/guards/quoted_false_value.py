"""A switch given to an upstream as a quoted "false", where the upstream's own default is
a boolean: Go templates read every non-empty string as true.

`{{- if .Values.tls.enabled }}` renders the TLS objects for `enabled: false` and not
for `enabled: "false"`, which is a string, and every non-empty string is true to `if`,
`and`, `or`, `not` and `default`: the quotes switch on what the line says is off. The
value is reported when it is a string that says false (`"false"`, `"no"`, `"off"`, any
case, or `"0"`: `blueprintc.quoted_false`) and the upstream's values.yaml has a boolean
at that path (so its templates test it as one), unless its values.schema.json gives the
value a type: then Helm refuses the string itself, where it stands (BPG003, BPG012).

Checked under each vendored upstream's key in values.yaml and in each `ci/*values.yaml`;
an observability toggle's default in values.yaml is BPG005's (it must be false).

Failing (the upstream storefront's values.yaml has `tls.enabled: true`)::

    storefront:
      tls:
        enabled: "false"
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.mapping import value_at
from blueprintc.quoted_false import false_strings, wording
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import doc_location, is_helm, toggles
from blueprintc.rules.guards.upstream_templates import upstream_schema
from blueprintc.rules.guards.upstream_values import values_given
from blueprintc.schema_refusal import property_choices
from blueprintc.yamldoc import PathKey, YamlDoc, json_path


@rule(
    "BPG016",
    "quoted-false",
    Severity.WARNING,
    'a value for an upstream is a quoted "false" where the upstream has a boolean: '
    "templates read the string as true",
    "write the boolean without quotes",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.chart_dir is None:
        return
    for values in values_given(ctx):
        dep = values.dep
        for path, text in false_strings(values.given):
            if values.doc is ctx.values_yaml and _toggle(ctx, (values.key, *path)):
                continue  # an observability toggle's default: BPG005 says it must be false
            default = value_at(values.defaults, path)
            # the schema only once a value is a candidate (it is read with the templates)
            if isinstance(default, bool) and not _typed(upstream_schema(ctx, dep), path):
                yield _finding(values.doc, values.key, str(dep.get("name")), path, text, default)


def _toggle(ctx: BlueprintContext, path: PathKey) -> bool:
    return any(toggle.path == path for toggle in toggles(ctx))


def _typed(schema: object, path: PathKey) -> bool:
    """Whether the upstream's values.schema.json gives the value a type or an enum: then
    Helm checks the string against it, and refuses it where it stands (BPG003, BPG012)."""
    return schema is not None and bool(property_choices(schema, path[:-1], (str(path[-1]),)))


def _finding(
    doc: YamlDoc, key: str, upstream: str, path: PathKey, text: str, default: bool
) -> Finding:
    return Finding(
        wording(json_path((key, *path)), text, upstream, default),
        doc_location(doc, (key, *path)),
        hint=f"write `{path[-1]}: false` without quotes",
    )


RULE = check
