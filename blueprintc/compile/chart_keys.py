"""The top-level values a chart has, and the config keys that match none of them.

An Application's config, its configSchema defaults, the Blueprint's size
overlays and the Sovereign and Environment overlays all land as HelmRelease
values. A key the chart does not have is passed by Helm and read by nothing:
the setting silently does nothing. Judged at the top level only (what can
be told without rendering, never crying wolf): a key is the chart's when it
is a top-level key of `values.yaml`; a `properties` key of
`values.schema.json`, or one its `patternProperties` match (a schema whose
`additionalProperties` is itself a schema takes any key, and nothing is
judged); a dependency's name or alias (the subchart's section of an
umbrella chart); `global`; or read by a template as `.Values.<key>` or
`index .Values "<key>"`. Nested keys are not judged: a subchart's values are
its own, and a map value (labels, env) takes any key.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from blueprintc.compile.inputfiles import tree_files
from blueprintc.model.blueprint import Blueprint
from blueprintc.source import InputError, SourceFile

_READ = re.compile(r"\.Values\.([A-Za-z_][A-Za-z0-9_]*)|index\s+\$?\.Values\s+\"([^\"]+)\"")
# `.Values` used whole (`toYaml .Values`, `range $k, $v := .Values`, `$.Values | ...`):
# every key may be read, so none is judged. `index .Values "k"` reads one key;
# `index .Values $key` with a key worked out at render time reads any key too.
_WHOLE = re.compile(r"(?<!index )(?<!index \$)\.Values(?![.\w])|index\s+\$?\.Values\s+(?![\"\s])")


def chart_keys(
    chart_dir: Path,
    values: dict[str, Any] | None,
    chart: dict[str, Any] | None,
    read: Callable[[Path], SourceFile],
) -> frozenset[str] | None:
    """Every top-level value key the chart in `chart_dir` has; None when any key may be
    (a schema taking every key, a schema that cannot be read: nothing is judged)."""
    known = {"global", *(str(k) for k in values or {})}
    for dependency in (chart or {}).get("dependencies") or []:
        if isinstance(dependency, dict):
            known.update(str(dependency[k]) for k in ("name", "alias") if dependency.get(k))
    schema_path = chart_dir / "values.schema.json"
    if schema_path.is_file():
        try:
            schema = json.loads(read(schema_path).text)
        except (InputError, ValueError):
            return None
        if not isinstance(schema, dict) or isinstance(schema.get("additionalProperties"), dict):
            return None
        known.update(str(k) for k in schema.get("properties") or {})
        patterns = schema.get("patternProperties") or {}
        known.update(f"/{p}" for p in patterns)  # matched in unknown_keys
    templates = chart_dir / "templates"
    for path in tree_files(templates) if templates.is_dir() else []:
        try:
            text = read(path).text
        except InputError:
            continue  # reported with the refusals
        if _WHOLE.search(text):
            return None
        for match in _READ.finditer(text):
            known.add(match.group(1) or match.group(2))
    return frozenset(known)


_CONFIG_READ = re.compile(r"\.config\.([A-Za-z_][A-Za-z0-9_]*)")


def predicate_keys(blueprint: Blueprint) -> frozenset[str]:
    """The top-level config keys the Blueprint's `depends` predicates read (compile's)."""
    return frozenset(
        match.group(1)
        for dependency in blueprint.depends
        if dependency.when
        for match in _CONFIG_READ.finditer(dependency.when)
    )


def unknown_keys(keys: list[str], known: frozenset[str]) -> Iterator[str]:
    """The keys of `keys` the chart does not have (`known`, from chart_keys)."""
    patterns = [re.compile(k[1:]) for k in known if k.startswith("/")]
    for key in keys:
        if key in known or any(p.search(key) for p in patterns):
            continue
        yield key


def closest(key: str, values: dict[str, Any] | None, known: frozenset[str]) -> str | None:
    """The chart key `key` most likely meant (difflib's ratio, at least 0.6): a top-level
    key, or a nested values.yaml key by its last part (`replicas` ->
    `webapp.replicaCount`); the closest wins, a top-level one on a tie."""
    candidates = [(k, k) for k in sorted(known) if not k.startswith("/")]
    candidates += [(p.rsplit(".", 1)[-1], p) for p in sorted(_paths(values or {}, ""))]
    best, best_ratio = None, 0.6
    for name, path in candidates:
        ratio = difflib.SequenceMatcher(None, key, name).ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is None):
            best, best_ratio = path, ratio
    return best


def _paths(data: dict[str, Any], prefix: str) -> Iterator[str]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if prefix:
            yield path
        if isinstance(value, dict):
            yield from _paths(value, f"{path}.")
