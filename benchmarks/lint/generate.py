"""A workspace of N realistic umbrella-chart Blueprints, cloned from the reference catalog.

The reference catalog's Helm Blueprints are copied round-robin in dependency order,
each round renaming every `bp-<name>` to `bp-<name>-<round>` in the Blueprint's own
files (blueprint.yaml, Chart.yaml, values, templates, README): names, helper
definitions and `depends` stay consistent, and every prefix of a round is closed
under `depends`. Vendored subcharts (`chart/charts/`) are copied untouched. The
Kustomize Blueprint is left out: the benchmark is about Helm umbrella charts.
`upstream-charts/` is copied too, so the `file://` dependency repositories resolve.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import REPO
from blueprintc.model.blueprint import Blueprint, normalise
from blueprintc.source import read_source
from blueprintc.workspace import BLUEPRINT_FILE, WORKSPACE_FILE
from blueprintc.yamldoc import load_yaml

CATALOG = REPO / "blueprints"
UPSTREAM = REPO / "upstream-charts"
TEXT_SUFFIXES = (".yaml", ".yml", ".tpl", ".txt", ".md", ".json", ".lock")
WORKSPACE_TEXT = """\
apiVersion: blueprintc.openova.io/v1alpha1
kind: Workspace
blueprints: [blueprints]
"""


@dataclass(frozen=True)
class Template:
    """A reference Blueprint to clone: its directory, name and the names it depends on."""

    dir: Path
    name: str
    depends: tuple[str, ...]


def helm_templates(catalog: Path = CATALOG) -> list[Template]:
    """The catalog's Helm Blueprints, ordered so each comes after what it depends on."""
    found: dict[str, Template] = {}
    for bp_file in sorted(catalog.glob(f"*/{BLUEPRINT_FILE}")):
        blueprint = _load(bp_file.parent, catalog)
        if blueprint.manifest_kind == "helm" and blueprint.name:
            depends = tuple(d.blueprint for d in blueprint.depends)
            found[blueprint.name] = Template(bp_file.parent, blueprint.name, depends)
    ordered: dict[str, Template] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in ordered or name not in found:
            return
        if name in trail:
            raise ValueError(f"dependency cycle in the reference catalog: {trail}")
        for dependency in found[name].depends:
            visit(dependency, (*trail, name))
        ordered[name] = found[name]

    for name in sorted(found):
        visit(name, ())
    return list(ordered.values())


def _load(directory: Path, root: Path) -> Blueprint:
    source = read_source(directory / BLUEPRINT_FILE, root)
    return normalise(load_yaml(source), directory, directory.name)


def generate(destination: Path, count: int, catalog: Path = CATALOG) -> list[str]:
    """Write a workspace of `count` Blueprints into `destination` (empty or absent).

    Returns the Blueprint names, in generation order.
    """
    templates = helm_templates(catalog)
    if not templates:
        raise ValueError(f"no Helm Blueprints in {catalog}")
    destination.mkdir(parents=True, exist_ok=True)
    (destination / WORKSPACE_FILE).write_text(WORKSPACE_TEXT, encoding="utf-8")
    shutil.copytree(UPSTREAM, destination / "upstream-charts")
    rounds = -(-count // len(templates))
    width = max(2, len(str(rounds)))
    pattern = _name_pattern([t.name for t in templates])
    names = []
    for index in range(count):
        template = templates[index % len(templates)]
        suffix = f"{index // len(templates) + 1:0{width}d}"
        target = destination / "blueprints" / f"{template.dir.name}-{suffix}"
        _clone(template.dir, target, pattern, suffix)
        names.append(f"{template.name}-{suffix}")
    return names


def _name_pattern(names: list[str]) -> re.Pattern[str]:
    """Any Blueprint name as a whole word (longest first); a `-` may follow, as in
    `bp-observability-metrics-collector`, a name derived from the release name."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w])")


def _clone(source: Path, target: Path, pattern: re.Pattern[str], suffix: str) -> None:
    shutil.copytree(source, target, symlinks=True)
    for path in sorted(target.rglob("*")):
        rel = path.relative_to(target).parts
        vendored = "charts" in rel[:-1]
        if vendored or not path.is_file() or path.is_symlink() or path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8")
        renamed = pattern.sub(lambda m: f"{m.group(0)}-{suffix}", text)
        if renamed != text:
            path.write_text(renamed, encoding="utf-8")
