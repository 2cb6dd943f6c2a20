"""A Kustomize Blueprint builds with `kubectl kustomize`.

The real kustomize (the one inside kubectl) must build the Blueprint's
manifests directory; Flux's kustomize-controller runs the same code.

Failing: a `kustomization.yaml` that lists a missing resource file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.kustomize_support import entry_location, kustomization_file


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
    if build.unreachable is not None:
        entry, cause = build.unreachable
        yield Finding(
            f"kubectl kustomize could not fetch the remote resource {entry}: {cause}",
            entry_location(ctx, entry),
            hint="check the address and the network; `blueprintc lint --offline` skips a "
            "Kustomize build that fetches remote resources (BPG011 names it)",
        )
    elif build.error is not None:
        path = kustomization_file(ctx)
        line = 1
        if path.is_file():
            source = ctx.read(path)
            named = set(_QUOTED.findall(build.error))
            for number, text in enumerate(source.lines, start=1):
                entry = text.strip().removeprefix("- ").strip()
                if entry and entry in named:
                    line = number
                    break
        yield Finding(f"kubectl kustomize failed: {build.error}", Location(ctx.rel(path), line, 1))


_QUOTED = re.compile(r"'([^']+)'")


RULE = check
