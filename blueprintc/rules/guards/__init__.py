"""Chart guards (CANON.md §6): the pre-merge and publish contract of a Blueprint chart."""

from __future__ import annotations

from blueprintc.rules.base import Rule
from blueprintc.rules.guards import (
    crd_and_cr,
    crd_upgrades,
    default_true,
    dependency_presence,
    guards_skipped,
    hollow_chart,
    image_tag_number,
    kustomize_build,
    observability_default,
    observability_render,
    plaintext_secret,
    quoted_false_value,
    recommended_labels,
    release_namespace,
    rendered_schema,
    rendered_unchecked,
    smoke_render,
    stray_upstream_key,
    unread_value,
    version_in_immutable,
    version_pin,
)

RULES: list[Rule] = [
    hollow_chart.RULE,
    dependency_presence.RULE,
    smoke_render.RULE,
    version_pin.RULE,
    observability_default.RULE,
    observability_render.RULE,
    plaintext_secret.RULE,
    recommended_labels.RULE,
    crd_and_cr.RULE,
    rendered_schema.RULE,
    rendered_unchecked.RULE,
    unread_value.RULE,
    stray_upstream_key.RULE,
    quoted_false_value.RULE,
    image_tag_number.RULE,
    default_true.RULE,
    version_in_immutable.RULE,
    crd_upgrades.NEW_CRD,
    crd_upgrades.CHANGED_CRD,
    release_namespace.RULE,
    kustomize_build.RULE,
    guards_skipped.RULE,
]
