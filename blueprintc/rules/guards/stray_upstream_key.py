"""Values meant for an upstream, under a top-level key Helm gives to no dependency.

Helm hands a dependency the values under its key: its alias when Chart.yaml gives one,
else its name. Values under any other top-level key reach no upstream, and when the
chart's own templates never read that key either, they change nothing, without a word:
`valero:` for `velero:` leaves Velero on its defaults, with every setting below lost.
A top-level key is reported when all of these hold:

- it is no dependency's key, nor `global` or `tags` (Helm's own);
- it is a slip of the keyboard away from exactly one dependency's key
  (`blueprintc.spelling`), or it is the name of a dependency that Chart.yaml aliases
  (`postgresql:` where the dependency is `{name: postgresql, alias: db}`), or it is a
  top-level key of exactly one vendored upstream's own values.yaml, set beside that
  upstream's key instead of below it (`resources:` for `velero.resources`; not judged
  when the chart has a helper library, whose templates read the chart's own values);
- no template of the chart names it (as `.key` or `"key"`), and the chart's
  values.schema.json does not list it.

Checked in values.yaml and each `ci/*values.yaml`. The first two need nothing of the
upstream, so they are checked whether or not it is vendored. The observability
guards (BPG005, BPG006) leave the toggles below such a key in values.yaml alone: they
reach no chart, and each would be reported as not wired, far from the cause.

Failing (Chart.yaml depends on `velero`)::

    valero:
      configuration:
        backupStorageLocation: []
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.stray_keys import (
    ALIASED,
    MISPLACED,
    StrayKey,
    stray_keys,
    values_yaml_stray_keys,
)
from blueprintc.rules.guards.support import doc_location, is_helm
from blueprintc.rules.guards.upstream_values import values_files
from blueprintc.yamldoc import YamlDoc


@rule(
    "BPG015",
    "stray-upstream-key",
    Severity.WARNING,
    "a top-level values key meant for a dependency (a slip of its key, an aliased one's "
    "name, or a key of its own values set beside its key) that nothing reads",
    "move the values under the key Helm gives the dependency: its alias, else its name",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.chart_dir is None or not ctx.declared_dependencies:
        return
    for doc in values_files(ctx):
        found = values_yaml_stray_keys(ctx) if doc is ctx.values_yaml else stray_keys(ctx, doc.data)
        for stray in found:
            yield _finding(ctx, doc, stray)


def _finding(ctx: BlueprintContext, doc: YamlDoc, stray: StrayKey) -> Finding:
    chart = ctx.chart_meta.get("name") or "the chart"
    where = doc_location(doc, (stray.key,), key=True)
    if stray.kind == MISPLACED:
        upstream, _, below = stray.meant.partition(".")
        return Finding(
            f"`{stray.key}:` is a value of {stray.dependency}'s values.yaml, set at the top "
            f"level: Helm gives it to no dependency, and no template of {chart} reads it, "
            f"so {stray.dependency} keeps its own `{below}`",
            where,
            hint=f"move `{stray.key}:` below `{upstream}:` ({stray.meant})",
        )
    if stray.kind == ALIASED:
        why = (
            f"`{stray.key}:` is the name of a dependency Chart.yaml aliases "
            f"`{stray.meant}`: Helm gives it the values under `{stray.meant}:`"
        )
    else:
        why = (
            f"`{stray.key}:` is no dependency's key, a slip away from `{stray.meant}:` "
            f"({stray.dependency}), and no template of {chart} reads it"
        )
    return Finding(
        f"{why}, so none of the values below reach {stray.dependency}: it runs on its defaults",
        where,
        hint=f"rename `{stray.key}:` to `{stray.meant}:`",
    )


RULE = check
