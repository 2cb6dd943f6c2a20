"""Lists that server-side apply reads as maps, given one key twice: Helm 4 refuses them.

Flux 2.9's helm-controller installs and upgrades with Helm 4's server-side apply (on
unless a HelmRelease sets `serverSideApply: false`). The API server reads each list its
OpenAPI marks as a map (`x-kubernetes-list-type: map`) by the keys it names, and
refuses an applied object that gives one key twice: `failed to create typed patch object
(ns/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="app"].env:
duplicate entries for key [name="SERVER_CONTEXT_PATH"]` (helm/helm#31529: Camunda's
charts set a variable twice so that the later one wins, which Helm 3's client-side
apply let pass; airbyte's workload-api-server shipped one too). A create or update
without apply still accepts it, with a warning, which is why the API server's checks
(`blueprintc.validate`) do not see it; structured-merge-diff 4.4 tolerates duplicates
already in a live object, never in an applied one.

Checked: a container's `env` by `name`, and its `ports` by `containerPort` and
`protocol` (`TCP` when left out, as the API server defaults it): the two lists the API
server lets hold duplicates. Each second entry is a `RenderFailure` at the line that
writes it, reported as `manifest_refusals`' are (BPG003 for the default render, BPG012
for an overlay's).
"""

from __future__ import annotations

from collections.abc import Iterable

from blueprintc.helm import RenderedObject, RenderFailure, chart_relative
from blueprintc.list_map_keys import REPEAT_HINT, repeats
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import template_position


def duplicate_apply_keys(
    ctx: BlueprintContext, objects: Iterable[RenderedObject]
) -> list[RenderFailure]:
    """A failure for each repeated entry, at the line that writes it."""
    return [
        RenderFailure(
            repeat.message,
            chart_relative(repeat.obj.template),
            *template_position(ctx, repeat.obj, repeat.path),
            False,
            REPEAT_HINT,
        )
        for repeat in repeats(objects)
    ]
