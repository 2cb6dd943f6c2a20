"""BPS007: a Blueprint whose chart or manifests changed since a ref must have a higher
version, or publish refuses it (a version is immutable) after the merge.

chart-testing's `ct lint --check-version-increment` in Blueprint terms. Changed
means what `changed --since` sees (the merge base of the ref and HEAD against the
working tree: committed, staged, unstaged, untracked) under the Blueprint's
`chart/` or `manifests/` directory, whatever the file: like chart-testing, every
file of the chart directory counts, .helmignore'd ones too (a reviewer cannot tell
them apart in a diff, and a bump costs nothing). `blueprint.yaml` alone does not
count: it is not in the published artifact. The version compared is the
manifest's (`spec.version`, else `metadata.version`; BPS006 keeps Chart.yaml's
equal), SemVer order. A Blueprint with no blueprint.yaml at the base is new: no
finding. Raised by `lint --since REF` and `changed --since REF`.

Failing (chart/values.yaml edited, version still 1.4.2)::

    blueprints/webapp/blueprint.yaml:8:12: error BPS007 [version-bump] bp-webapp's
    chart changed since origin/main but its version is still 1.4.2
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from blueprintc.build.changed import Comparison, under
from blueprintc.diagnostics import Diagnostic, Finding, Location
from blueprintc.lint import make_diagnostic
from blueprintc.model.blueprint import Blueprint
from blueprintc.plan.versions import VersionError, next_patch, parse_version
from blueprintc.rules.schema.version_bump import RULE
from blueprintc.workspace import BLUEPRINT_FILE
from blueprintc.yamldoc import json_path

_SHOWN = 3  # changed files named in a message


def unbumped(comparison: Comparison) -> list[Diagnostic]:
    """BPS007 for every Blueprint whose chart or manifests changed without a version
    increase, at its manifest's version."""
    found = []
    for node in comparison.nodes:
        blueprint = node.blueprint
        if blueprint is None or blueprint.manifest_dir is None or blueprint.version is None:
            continue
        changed = sorted(p for p in comparison.paths if under(p, blueprint.manifest_dir))
        if not changed:
            continue
        then = _version_at_base(comparison, blueprint)
        if then is None:
            continue  # new since the base (or unreadable there): nothing to compare with
        try:
            if parse_version(blueprint.version) > parse_version(then):
                continue
        except VersionError:
            continue  # not SemVer: BPS001 and BPS004 say so
        found.append(
            make_diagnostic(RULE, _finding(comparison, blueprint, node.name, then, changed))
        )
    return found


def _finding(
    comparison: Comparison, blueprint: Blueprint, name: str, then: str, changed: list[Path]
) -> Finding:
    shown = ", ".join(p.relative_to(comparison.top).as_posix() for p in changed[:_SHOWN])
    more = f" and {len(changed) - _SHOWN} more" if len(changed) > _SHOWN else ""
    what = "chart" if blueprint.manifest_kind == "helm" else "manifests"
    now = blueprint.version
    moved = "is still" if parse_version(str(now)) == parse_version(then) else "went down to"
    message = (
        f"{name}'s {what} changed since {comparison.since} ({shown}{more}) but its version "
        f"{moved} {now} (was {then}): publish refuses a version it has published with other "
        "content"
    )
    field = json_path(blueprint.version_path)
    upcoming = next_patch(then)
    files = f"{field} in {blueprint.rel}"
    if blueprint.manifest_kind == "helm" and blueprint.manifest_dir is not None:
        files += f" and version in {comparison.workspace.rel(blueprint.manifest_dir)}/Chart.yaml"
    hint = f"set {files} to {upcoming} (the next patch), or higher"
    line, column = blueprint.doc.locate(blueprint.version_path)
    return Finding(message, Location(blueprint.rel, line, column, field), hint)


def _version_at_base(comparison: Comparison, blueprint: Blueprint) -> str | None:
    data = comparison.at_base(blueprint.dir / BLUEPRINT_FILE)
    if data is None:
        return None
    try:
        document: Any = yaml.safe_load(data)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict):
        return None
    for section in ("spec", "metadata"):  # the manifest model's order
        part = document.get(section)
        if isinstance(part, dict) and part.get("version") is not None:
            return str(part["version"])
    return None
