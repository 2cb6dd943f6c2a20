"""A Kustomize Blueprint builds with `kubectl kustomize`.

The real kustomize (the one inside kubectl) must build the Blueprint's
manifests directory; Flux's kustomize-controller runs the same code. It runs
it without `--enable-helm`, so a `helmCharts:` inflation never builds there:
that is reported at its key, with the ways to ship the chart instead. So does a
generator or transformer that is a plugin (ksops, a KRM function): reported at its
configuration's `kind:`. A manifests directory without a kustomization is reported at
blueprint.yaml's `spec.manifests`: Flux would generate one, but blueprintc builds and
publishes what is committed. So is a build that holds no object (`resources: []`), at
the kustomization's `resources:`: the Blueprint would publish and install nothing, the
Kustomize Blueprint's hollow chart. So is an entry by which the build reads from outside
the manifests directory (`../base`), at that entry: blueprintc publishes the directory
alone, so Flux cannot build the artifact (kubectl refuses such a file, not a directory).

Failing: a `kustomization.yaml` that lists a missing resource file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.kustomize_files import KUSTOMIZATION_FILES, kustomization_in
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.kustomize_support import (
    entry_location,
    first_line,
    kind_line,
    kustomization_file,
    listed_entry,
    manifest_sources,
)


@rule(
    "BPG010",
    "kustomize-build",
    Severity.ERROR,
    "`kubectl kustomize` cannot build the Blueprint's manifests",
    "fix the kustomization as kustomize's message says",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if ctx.blueprint.manifest_kind != "kustomize":
        return
    build = ctx.kustomize_build
    outside = _outside(ctx)
    if build.error is not None and not kustomization_file(ctx).exists():
        yield _no_kustomization(ctx)
    elif outside:
        yield from outside  # what the build reads from there is not in the artifact
    elif build.unreachable is not None:
        yield unreachable_finding(ctx, build.unreachable, kustomization_file(ctx))
    elif build.error is not None:
        yield kustomize_failure(ctx, build.error, kustomization_file(ctx))
    elif not build.objects and not build.not_fetched:  # (not built offline: BPG011)
        yield _empty(ctx)


def unreachable_finding(
    ctx: BlueprintContext,
    unreachable: tuple[str, str],
    top: Path,
    command: str = "kubectl kustomize",
) -> Finding:
    """A remote resource the build of the kustomization `top` could not fetch, and why,
    at its entry; `command` starts the message."""
    entry, cause = unreachable
    return Finding(
        f"{command} could not fetch the remote resource {entry}: {cause}",
        entry_location(ctx, entry, top),
        hint="check the address and the network; `blueprintc lint --offline` skips a "
        "Kustomize build that fetches remote resources (BPG011 names it)",
    )


def _outside(ctx: BlueprintContext) -> list[Finding]:
    """Each local entry the build reads from outside the manifests directory (`../base`,
    a file beside it): the artifact Flux installs holds the directory only, so there
    the build fails (kubectl's own build refuses such a file, but not a directory)."""
    from blueprintc.kustomize import entries_outside

    directory = ctx.blueprint.manifest_dir
    assert directory is not None
    shown = ctx.rel(directory)
    found = []
    for here, entry in entries_outside(directory, ctx.root):
        listing = kustomization_in(here)
        assert listing is not None  # the entry was read from it
        found.append(
            Finding(
                f"the kustomization reads {entry}, outside {shown}: the Blueprint's artifact "
                f"holds {shown} only, so Flux cannot build it",
                entry_location(ctx, entry, listing),
                hint=f"move what {entry} holds into {shown} (a `base/` beside the "
                "kustomization), or make spec.manifests the directory that holds both",
            )
        )
    return found


def _empty(ctx: BlueprintContext) -> Finding:
    """The build holds no object: the Kustomize Blueprint's hollow chart (BPG001, BPG003
    for a Helm one). At the kustomization's `resources:`, else its first line."""
    top = kustomization_file(ctx)
    source = [s for s in ctx.text_files if s.path == top]
    where = first_line(source, _RESOURCES_KEY) or Location(ctx.rel(top), 1, 1)
    directory = ctx.rel(top.parent)
    return Finding(
        f"kubectl kustomize builds no object from {directory}: the Blueprint would publish "
        "and install nothing",
        where,
        hint="list the Blueprint's manifests under `resources:` (`kustomize edit add "
        "resource FILE`)",
    )


def kustomize_failure(
    ctx: BlueprintContext, error: str, top: Path, failed: str = "kubectl kustomize failed"
) -> Finding:
    """kustomize's error building the kustomization `top`, said where it causes it;
    `failed` starts the message."""
    if _HELM_INFLATION in error:
        return Finding(
            "the kustomization inflates a Helm chart (`helmCharts:`), which Flux's "
            "kustomize-controller never does: it builds without --enable-helm",
            _helm_charts_location(ctx, top),
            hint="make the chart a Helm Blueprint (spec.manifests.chart: a chart that "
            "depends on it), or render it in CI and list the rendered YAML as a resource",
        )
    plugin = _PLUGIN.search(error)
    if plugin is not None:
        kind = plugin.group("kind")
        return Finding(
            f"the kustomization runs the Kustomize plugin {kind}, and Flux's "
            "kustomize-controller runs no plugins (exec or container functions)",
            _plugin_location(ctx, kind, top),
            hint="produce those objects another way: Flux decrypts SOPS-encrypted files "
            "itself (the Flux Kustomization's spec.decryption) and substitutes variables "
            "(spec.postBuild); anything else, generate in CI and list the YAML",
        )
    from blueprintc.kustomize import on_disk  # loaded by the build before

    entry = _named_entry(ctx, error, top)
    field = _UNKNOWN_FIELD.search(error)
    if entry is None and field is not None:
        name = field.group(1)
        found = first_line([ctx.read(top)], re.compile(rf"^{re.escape(name)}\s*:"))
        return Finding(
            f"{failed}: {error}",
            found or Location(ctx.rel(top), 1, 1),
            hint=f"`{name}` is no field of a kustomization: correct its name, or remove it",
        )
    if entry is None:
        return Finding(f"{failed}: {error}", Location(ctx.rel(top), 1, 1))
    if _MISSING in error and on_disk(top.parent / entry) is None:
        # kustomize's message says it three times, through its loader's layers
        return Finding(
            f"{failed}: {entry} does not exist, and the kustomization lists it",
            entry_location(ctx, entry, top),
            hint=f"add {entry} beside the kustomization, or remove it from the list",
        )
    return Finding(f"{failed}: {error}", entry_location(ctx, entry, top))


_QUOTED = re.compile(r"'([^']+)'")
# kustomize's refusal of a key a kustomization does not have (`fatal:` of a git error).
_UNKNOWN_FIELD = re.compile(r'unknown field "([^"]+)"')
_RESOURCES_KEY = re.compile(r"^resources\s*:")
_MISSING = "no such file or directory"
# kustomize's refusal of a `helmCharts:` entry (or a HelmChartInflationGenerator) unless
# built with --enable-helm, which Flux never passes (fluxcd/kustomize-controller#579).
_HELM_INFLATION = "must specify --enable-helm"
_HELM_CHARTS_KEY = re.compile(r"^(helmCharts|helmChartInflationGenerator)\s*:")


def _no_kustomization(ctx: BlueprintContext) -> Finding:
    """The manifests directory has no kustomization: at blueprint.yaml's `spec.manifests`,
    which names the directory (Flux would generate one; blueprintc builds what is there)."""
    blueprint = ctx.blueprint
    assert blueprint.manifest_dir is not None
    line, column = blueprint.doc.locate(blueprint.manifest_path)
    directory = ctx.rel(blueprint.manifest_dir)
    return Finding(
        f"{directory} has no kustomization.yaml, so kubectl kustomize cannot build it",
        Location(blueprint.rel, line, column, "spec.manifests"),
        hint=f"add {directory}/kustomization.yaml listing its manifests (`kustomize create "
        "--autodetect` writes one): blueprintc builds and publishes the kustomization you "
        "commit, where Flux would generate one",
    )


# kustomize's refusal of a generator, transformer or validator that is a plugin (ksops,
# an exec or container KRM function): Flux never enables them either.
_PLUGIN = re.compile(r"unable to load external plugin '(?P<kind>[^']+)'")


def _plugin_location(ctx: BlueprintContext, kind: str, top: Path) -> Location:
    """The `kind:` line of the plugin's configuration in the kustomization's directory;
    else the kustomization's first line."""
    found = first_line(manifest_sources(ctx, top.parent), kind_line(kind))
    return found or Location(ctx.rel(top), 1, 1)


def _helm_charts_location(ctx: BlueprintContext, top: Path) -> Location:
    """The `helmCharts:` key of the kustomization, or of a kustomization in a base below
    it; else the kustomization's first line."""
    below = [s for s in ctx.text_files if s.path.name in KUSTOMIZATION_FILES]
    found = first_line(sorted(below, key=lambda s: (s.path != top, s.rel)), _HELM_CHARTS_KEY)
    return found or Location(ctx.rel(top), 1, 1)


def _named_entry(ctx: BlueprintContext, error: str, top: Path) -> str | None:
    """The first entry of the kustomization, in its order, that kustomize's message names."""
    if not top.is_file():
        return None
    named = set(_QUOTED.findall(error))
    for text in ctx.read(top).lines:
        entry = listed_entry(text)
        if entry and entry in named:
            return entry
    return None


RULE = check
