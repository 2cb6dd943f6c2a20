"""An upstream's default credential that the release installs: a literal secret in the
upstream chart's own values.yaml (harbor's `database.internal.password: changeit`,
nats-operator's `cluster.auth.password`) that the Blueprint's values do not replace and
its default render puts into the cluster, so every Sovereign runs with the password the
whole internet knows.

The evidence is the render, not the values alone: the literal must stand as a whole
value in what the upstream's templates render (as it is, or base64-encoded as a
Secret's `data` holds it). A default the Blueprint replaces (its own value at that path,
or an `existingSecret` that makes the upstream stop rendering it) leaves no such value,
and is not reported; nor is a default in a part of the upstream the Blueprint switches
off. The finding stands at the upstream's Chart.yaml entry (one place, the fix in its
values), and never shows the secret.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.diagnostics import Finding
from blueprintc.helm import chart_relative, subchart_of
from blueprintc.mapping import value_at
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import upstream_under
from blueprintc.rules.guards.secret_values import literal_secrets
from blueprintc.rules.guards.support import chart_location, usable_render
from blueprintc.rules.guards.upstream_templates import upstream_defaults
from blueprintc.yamldoc import PathKey, json_path

MIN_LENGTH = 4  # a shorter literal is too likely to stand as a value by chance


def rendered_upstream_defaults(ctx: BlueprintContext) -> Iterator[Finding]:
    """One finding per upstream whose default credentials its default render installs."""
    ours = ctx.values if isinstance(ctx.values, dict) else {}
    candidates = []
    defaults_of: dict[int, dict[str, Any]] = {}
    for index, dep in enumerate(ctx.declared_dependencies):
        key = values_key(dep)
        if upstream_under(ctx, key) is None:
            continue
        defaults = upstream_defaults(ctx, dep)
        if not defaults:
            continue
        given = ours.get(key)
        secrets = [
            (path, literal)
            for path, literal in literal_secrets(ctx, defaults)
            if len(literal) >= MIN_LENGTH and not _sets(given, path)
        ]
        if secrets:
            candidates.append((index, dep, key, secrets))
            defaults_of[index] = defaults
    if not candidates:
        return
    render = usable_render(ctx)
    if render is None:
        return
    for index, dep, key, secrets in candidates:
        texts = [
            text
            for template, text in render.manifests.items()
            if subchart_of(chart_relative(template)) == key
        ]
        installed = [path for path, literal in secrets if _installed(literal, texts)]
        if installed:
            yield _finding(ctx, index, dep, defaults_of[index], installed)


def _finding(
    ctx: BlueprintContext,
    index: int,
    dep: dict[str, Any],
    defaults: dict[str, Any],
    installed: list[PathKey],
) -> Finding:
    """At the upstream's Chart.yaml entry, naming its existing-Secret keys where it has."""
    name, key = dep.get("name"), values_key(dep)
    values = ctx.rel(ctx.chart_dir / "values.yaml") if ctx.chart_dir else "values.yaml"
    references = _references(ctx, defaults, installed)
    instead = (
        f"set {', '.join(f'`{json_path(r)}`' for r in references)} to a Secret an "
        "ExternalSecret creates"
        if references
        else "give it an existing Secret (an ExternalSecret's), if it takes one, or the "
        "value itself from the overlay"
    )
    one = len(installed) == 1
    return Finding(
        f"the upstream {name}'s default {', '.join(json_path(p) for p in installed)} "
        f"({'a literal secret' if one else 'literal secrets'} in its values.yaml, not shown) "
        f"{'is' if one else 'are'} rendered into the release: every install gets the same, "
        "published credential",
        chart_location(ctx, ("dependencies", index), key=False),
        hint=f"under `{key}:` in {values}, {instead}",
    )


def _references(ctx: BlueprintContext, defaults: Any, paths: list[PathKey]) -> list[PathKey]:
    """The upstream's own keys for an existing Secret (canon `secretReferenceKeyPattern`,
    `existingSecret*`) beside each path, or in the mapping above it."""
    pattern = ctx.canon.regex("charts", "secretReferenceKeyPattern")
    found: list[PathKey] = []
    for path in paths:
        for level in (path[:-1], path[:-2]) if len(path) > 1 else (path[:-1],):
            mapping = value_at(defaults, level)
            keys = (
                [k for k in mapping if isinstance(k, str) and pattern.match(k)]
                if isinstance(mapping, dict)
                else []
            )
            if keys:
                found.extend((*level, k) for k in keys if (*level, k) not in found)
                break
    return found


def _sets(given: Any, path: PathKey) -> bool:
    """Whether the Blueprint's values for the upstream set `path` (any value)."""
    return value_at(given, path, _UNSET) is not _UNSET


_UNSET = object()


def _installed(literal: str, texts: list[str]) -> bool:
    """The literal stands as a whole value (after `:` or `=`, quoted or not) in the
    rendered text: base64-encoded anywhere (a Secret's `data`); as written, where it is
    long enough not to be another key's value by chance, or the key says it is a secret
    (`admin` is also many a user name)."""
    encoded = base64.b64encode(literal.encode()).decode()
    if any(_whole_value(encoded).search(text) for text in texts):
        return True
    plain = _whole_value(literal)
    return any(
        match.group("key") not in _NAMES_A_KEY
        and (len(literal) >= PLAIN_LENGTH or _SECRET_KEY.search(match.group("key")))
        for text in texts
        for match in plain.finditer(text)
    )


PLAIN_LENGTH = 8
_SECRET_KEY = re.compile(r"(?i)pass|secret|token|key|cred")
# A field whose value names an entry of a Secret or ConfigMap (`secretKeyRef.key`,
# `configMapKeyRef.key`, a volume's `items[].key`), never holds one: harbor renders
# `key: password` beside its swift storage's default password `password`.
_NAMES_A_KEY = frozenset({"key"})


def _whole_value(token: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<key>[\w.-]*)[\"']?[ \t]*[:=][ \t]*[\"']?{re.escape(token)}[\"']?[ \t]*$",
        re.MULTILINE,
    )
