"""A switch given to an upstream as a quoted "false", where the upstream's own default is
a boolean: Go templates read every non-empty string as true.

`{{- if .Values.tls.enabled }}` renders the TLS objects for `enabled: false` and not
for `enabled: "false"`, which is a string, and every non-empty string is true to `if`,
`and`, `or`, `not` and `default`: the quotes switch on what the line says is off. The
value is reported when it is written in quotes, reads false unquoted (`"false"`, `"no"`,
`"off"`, `"n"`, any case) or is `"0"`, and the upstream's values.yaml has a boolean at
that path (so its templates test it as one).

Checked under each vendored upstream's key in values.yaml and in each `ci/*values.yaml`.

Failing (the upstream storefront's values.yaml has `tls.enabled: true`)::

    storefront:
      tls:
        enabled: "false"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.diagnostics import Finding, Severity
from blueprintc.mapping import value_at
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import upstream_under
from blueprintc.rules.guards.rendered_objects import values_sets
from blueprintc.rules.guards.support import doc_location, is_helm
from blueprintc.rules.guards.upstream_templates import upstream_defaults
from blueprintc.yamldoc import PathKey, YamlDoc, json_path

# Strings a YAML 1.1 reader (Helm's) takes as false when unquoted, and "0".
FALSE_WORDS = frozenset({"false", "no", "off", "n", "0"})


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
    documents = [ctx.values_yaml] if ctx.values_yaml is not None else []
    documents += [s.doc for s in values_sets(ctx) if s.doc is not None]
    for dep in ctx.declared_dependencies:
        key = values_key(dep)
        if upstream_under(ctx, key) is None:
            continue
        for doc in documents:
            given = doc.data.get(key) if isinstance(doc.data, dict) else None
            if not isinstance(given, dict) or not given:
                continue
            defaults = upstream_defaults(ctx, dep)
            if not defaults:
                break
            for path, text in _quoted_false(given, ()):
                default = value_at(defaults, path)
                if isinstance(default, bool) and _written_quoted(doc, (key, *path)):
                    yield _finding(doc, key, str(dep.get("name")), path, text, default)


def _quoted_false(node: dict[Any, Any], path: PathKey) -> Iterator[tuple[PathKey, str]]:
    for key, value in node.items():
        here = (*path, str(key))
        if isinstance(value, dict):
            yield from _quoted_false(value, here)
        elif isinstance(value, str) and value.strip().lower() in FALSE_WORDS:
            yield here, value


def _written_quoted(doc: YamlDoc, path: PathKey) -> bool:
    """Whether the value is written in quotes: a plain `n` is a string to PyYAML but
    false to Helm's go-yaml, so only the quotes say for sure that Helm reads a string."""
    line, column = doc.locate(path)
    return doc.source.line_text(line)[column - 1 : column] in ('"', "'")


def _finding(
    doc: YamlDoc, key: str, upstream: str, path: PathKey, text: str, default: bool
) -> Finding:
    written = json_path((key, *path))
    return Finding(
        f'{written} is the string "{text}", where {upstream}\'s values.yaml has a boolean '
        f"({str(default).lower()}): its templates' `if` reads any non-empty string as true, "
        "so this does not switch it off",
        doc_location(doc, (key, *path)),
        hint=f"write `{path[-1]}: false` without quotes",
    )


RULE = check
