"""Helm's hook annotations, which a render passes whatever they say, and Helm's manifest
sorter then reads (`releaseutil.SortManifests`, Helm v4):

- `helm.sh/hook` with an event Helm does not know (`pre-instal`, Helm 2's `test-failure`
  or `crd-install`, an empty value): the sorter skips the object, logging at info
  level (`skipping unknown hooks`), so it is never installed and nothing says so.

- `helm.sh/hook-delete-policy` on a hook, with no policy Helm knows among its values
  (`hook-succeded`, an empty value): Helm applies its default, `before-hook-creation`,
  only when the annotation is absent, so such a hook's object is never deleted, and the
  next install or upgrade that runs the hook fails to create it again (`already
  exists`). A list with one known policy beside an unknown one is left alone: it works.

Each is a `RenderFailure` at the annotation's line, reported as `manifest_refusals`'
are (BPG003, BPG012, BPG005).
"""

from __future__ import annotations

from typing import Any

from blueprintc.helm import RenderedObject, RenderFailure, chart_relative
from blueprintc.owned_objects import HOOK_ANNOTATION
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import template_position
from blueprintc.spelling import one_slip_apart

DELETE_POLICY_ANNOTATION = "helm.sh/hook-delete-policy"
_ANNOTATIONS = "metadata.annotations."  # a path into an object
DELETE_POLICIES = ("before-hook-creation", "hook-succeeded", "hook-failed")
# The events Helm's manifest sorter knows (`test-success`: Helm 2's name for `test`).
HOOK_EVENTS = (
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
)


def unknown_hooks(ctx: BlueprintContext, objects: list[RenderedObject]) -> list[RenderFailure]:
    """Each of `objects` annotated as a hook of an event Helm does not know, at that
    annotation's line."""
    found = []
    for obj in objects:
        value = _annotation(obj, HOOK_ANNOTATION)
        if not isinstance(value, str):
            continue
        unknown = _unknown_events(value)
        if not unknown:
            continue
        name = chart_relative(obj.template)
        shown = f"`{unknown[0]}`" if unknown[0] else "(an empty one)"
        message = (
            f"{name} renders {obj.kind} {obj.name or '(no name)'} as a hook of `{value}`: "
            f"Helm knows no hook event {shown}, so it skips the object and never installs it "
            "(`skipping unknown hooks`)"
        )
        line, column = template_position(ctx, obj, _ANNOTATIONS + HOOK_ANNOTATION)
        found.append(RenderFailure(message, name, line, column, False, _hook_hint(unknown[0])))
    return found


def unknown_delete_policies(
    ctx: BlueprintContext, objects: list[RenderedObject]
) -> list[RenderFailure]:
    """Each hook of `objects` whose delete policy names no policy Helm knows, at that
    annotation's line."""
    found = []
    for obj in objects:
        value, events = (
            _annotation(obj, DELETE_POLICY_ANNOTATION),
            _annotation(obj, HOOK_ANNOTATION),
        )
        if not isinstance(value, str) or not isinstance(events, str) or _unknown_events(events):
            continue  # not a hook, or one Helm drops (`unknown_hooks` says so)
        policies = [p.strip().lower() for p in value.split(",")]
        if any(policy in DELETE_POLICIES for policy in policies):
            continue
        name = chart_relative(obj.template)
        message = (
            f"{name} renders the hook {obj.kind} {obj.name or '(no name)'} with the delete "
            f"policy `{value}`, which names none Helm knows: Helm then deletes its object "
            "neither after the hook runs nor before the next run (its default, "
            "`before-hook-creation`, is for hooks without the annotation), so the next "
            "install or upgrade fails to create it again (`already exists`)"
        )
        meant = [p for p in DELETE_POLICIES if any(one_slip_apart(w, p) for w in policies)]
        policies_list = ", ".join(DELETE_POLICIES)
        hint = (
            f"write `{meant[0]}`" if meant else "use Helm's delete policies"
        ) + f" ({policies_list}, comma-separated), or drop the annotation for Helm's default"
        line, column = template_position(ctx, obj, _ANNOTATIONS + DELETE_POLICY_ANNOTATION)
        found.append(RenderFailure(message, name, line, column, False, hint))
    return found


def _unknown_events(events: str) -> list[str]:
    return [e for e in (e.strip().lower() for e in events.split(",")) if e not in HOOK_EVENTS]


def _hook_hint(unknown: str) -> str:
    meant = [event for event in HOOK_EVENTS if one_slip_apart(unknown, event)]
    events = ", ".join(e for e in HOOK_EVENTS if e != "test-success")
    if meant:
        return f"write `{meant[0]}`: Helm's hook events are {events}, comma-separated"
    if unknown in ("test-failure", "crd-install"):
        return (
            f"Helm 3 dropped the `{unknown}` hook: use one of {events} (a test passes or "
            "fails as its Pod does; CRDs go in the chart's crds/ directory)"
        )
    return f"use Helm's hook events, comma-separated: {events}; or drop the annotation"


def _annotation(obj: RenderedObject, key: str) -> Any:
    metadata = obj.body.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    return annotations.get(key) if isinstance(annotations, dict) else None
