"""A value set for an upstream that the upstream never reads: a slip of the keyboard
(`blueprintc.unread_values` says when a key is one).

Checked in values.yaml and in each `ci/*values.yaml` chart-testing renders the chart
with (kyverno's own `ci/hooks-values.yaml` sets `webhooksCleanup.enable`). The upstream
is read where Helm reads it (`charts/`, its archive, or a `file://` source); an
upstream that is not vendored yet is not checked.

Failing (the upstream webapp's values.yaml has `serviceMonitor.enabled`)::

    webapp:
      serviceMonitor:
        enable: true
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import doc_location, is_helm
from blueprintc.rules.guards.upstream_templates import files
from blueprintc.rules.guards.upstream_values import values_given
from blueprintc.unread_values import Unread, dotted_wording, unread_values
from blueprintc.yamldoc import YamlDoc, json_path


@rule(
    "BPG014",
    "unread-upstream-value",
    Severity.WARNING,
    "a value set for an upstream is a key it never reads: a slip away from one it does, or "
    "a path written as one dotted key",
    "rename the key to the upstream's, nested as its values.yaml nests it",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.chart_dir is None:
        return
    for values in values_given(ctx):
        read = functools.partial(files, ctx, values.dep)  # only once a key is a candidate
        for found in unread_values(values.given, values.defaults, read):
            yield _finding(values.doc, values.key, str(values.dep.get("name")), found)


def _finding(doc: YamlDoc, key: str, upstream: str, found: Unread) -> Finding:
    name = found.path[-1]
    here = json_path((key, *found.path))
    where = doc_location(doc, (key, *found.path), key=True)
    if found.dotted:
        parent = json_path((key, *found.path[:-1]))
        message, hint = dotted_wording(parent, name, upstream)
        return Finding(message, where, hint=hint)
    if found.rendered_by:
        return Finding(
            f"{here} is not a key {upstream} knows: its values.yaml has `{found.known}` "
            f"there, and its templates render the map whole (`{found.rendered_by}`), so "
            f"`{name}` reaches its configuration beside `{found.known}`",
            where,
            hint=f"rename `{name}` to `{found.known}`: a program given both keys may take "
            "the default or refuse to start (Falco refuses `rules_file` beside `rules_files`)",
        )
    return Finding(
        f"{here} is not a value {upstream} reads: its values.yaml has "
        f"`{found.known}` there, and no template of {upstream} names `{name}`",
        where,
        hint=f"rename `{name}` to `{found.known}`; Helm passes a key no template reads "
        f"to {upstream} without a word, so it changes nothing",
    )


RULE = check
