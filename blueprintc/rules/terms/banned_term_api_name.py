"""Banned terms in the names authors choose: schema properties, values keys, outputs.

CANON §4 applies to API names too: a `tenantId` property or a `moduleName`
values key puts the old vocabulary into every Application's config, the
console forms and the docs generated from them, where it is much harder to
rename later than prose.

Checked: `spec.configSchema` property names (at any depth), the keys of the
umbrella chart's `values.yaml` (not the subtrees of its subcharts, which
follow their upstream's API; keys with `.` or `/` are label names; lists are
not entered, their items are Kubernetes objects; a key that carries an upstream
program's command-line option, `maxClientBatchSize` for the
`--max-client-batch-size` a template passes, is that program's name, CANON §4), and
`spec.outputs` names.
Names are split into camelCase, snake_case and kebab-case words and judged
like prose, with the same exemptions (`clientId`, `oidcClient`,
`helmModule`) and the canon's `exemptIdentifiers` (the `operator` field of a
toleration).

Failing::

    configSchema:
      properties:
        tenantId: {type: string}
        moduleName: {type: string}

Passing::

    configSchema:
      properties:
        organizationId: {type: string}
        oidcClientId: {type: string}
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.text import location, offset_of
from blueprintc.rules.terms.matcher import Hit, Terms, split_identifier, terms
from blueprintc.rules.terms.sources import config_schema_nodes
from blueprintc.yamldoc import PathKey, YamlDoc, json_path


@rule(
    "BPT002",
    "banned-term-api-name",
    Severity.WARNING,
    "an API name (schema property, values key, output) contains a banned term",
    "rename it with the canon term (organizationId, not tenantId)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    matcher = terms(ctx.canon)
    doc = ctx.blueprint.doc
    for path, node in config_schema_nodes(ctx):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name in properties:
                path_of = (*path, "properties", str(name))
                yield from _name(matcher, doc, path_of, "property", key=True)
    values = ctx.values_yaml
    if values is not None and isinstance(values.data, dict):
        subcharts = {
            str(d.get(k)) for d in ctx.declared_dependencies for k in ("name", "alias") if d.get(k)
        }
        flags: frozenset[str] | None = None  # the templates are scanned only for a hit
        for path in _value_keys(values.data, (), subcharts):
            found = list(_name(matcher, values, path, "values key", key=True))
            if found:
                flags = _passed_flags(ctx) if flags is None else flags
                if _kebab(str(path[-1])) not in flags:
                    yield from found
    for path, key in _outputs(doc.get(("spec", "outputs"))):
        yield from _name(matcher, doc, path, "output", key=key)


def _value_keys(data: dict[Any, Any], path: PathKey, skip: set[str]) -> Iterator[PathKey]:
    for key, value in data.items():
        name = str(key)
        if (not path and name in skip) or "." in name or "/" in name:
            continue
        child = (*path, key if isinstance(key, int) else name)
        yield child
        if isinstance(value, dict):
            yield from _value_keys(value, child, skip)


_FLAG = re.compile(r"(?<![\w-])--([a-z0-9]+(?:-[a-z0-9]+)+)")


def _passed_flags(ctx: BlueprintContext) -> frozenset[str]:
    """The multi-word `--long-options` the chart's templates pass to a program: a values
    key of the same words (`maxClientBatchSize` for `--max-client-batch-size`) carries
    that upstream program's option, whose name is not the author's to choose."""
    return frozenset(m.group(1) for source in ctx.templates for m in _FLAG.finditer(source.text))


def _kebab(name: str) -> str:
    return "-".join(part.lower() for _, part in split_identifier(name))


def _outputs(outputs: Any) -> Iterator[tuple[PathKey, bool]]:
    """Paths of output names, and whether each is a mapping key (else a string value)."""
    base: PathKey = ("spec", "outputs")
    if isinstance(outputs, dict):
        yield from (((*base, str(name)), True) for name in outputs)
    elif isinstance(outputs, list):
        for index, item in enumerate(outputs):
            if isinstance(item, str):
                yield (*base, index), False
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                yield (*base, index, "name"), False


def _name(
    matcher: Terms, doc: YamlDoc, path: PathKey, what: str, *, key: bool
) -> Iterator[Finding]:
    name = str(path[-1]) if key else str(doc.get(path))
    hits = list(matcher.in_identifier(name))
    if not hits:
        return
    text = doc.source.text
    start = offset_of(text, *doc.locate(path, key=key))
    start += text[start : start + 1] in ("'", '"')
    for hit in hits:
        renamed = rename(name, hit)
        yield Finding(
            f"{what} '{name}' contains the banned term '{hit.text}': say '{renamed}'",
            location(doc.source, start + hit.start, json_path(path)),
            hint=f"rename it to '{renamed}', and every reference to it",
        )


def rename(name: str, hit: Hit) -> str:
    """`tenantId` -> `organizationId`, `operator_email` -> `sovereign_admin_email`."""
    words = [w.lower() for w in re.split(r"[^A-Za-z0-9]+", hit.term.use) if w]
    if hit.text.lower().endswith("s") and not hit.term.words[-1].endswith("s"):
        words[-1] += "s"
    separator = "_" if "_" in name else "-" if "-" in name else ""
    if hit.text.isupper() and len(hit.text) > 1:
        words = [w.upper() for w in words]
    elif separator:
        words[0] = words[0].capitalize() if hit.text[0].isupper() else words[0]
    else:
        first = words[0].capitalize() if hit.text[0].isupper() else words[0]
        words = [first, *(w.capitalize() for w in words[1:])]
    end = hit.start + len(hit.text)
    return name[: hit.start] + separator.join(words) + name[end:]


RULE = check
