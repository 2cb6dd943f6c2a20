"""Validation of what blueprintc emits: single objects and whole output trees.

- :func:`validate_object` / :func:`check_object`: one Kubernetes object against the
  schema of its apiVersion and kind (Catalyst, Flux or core Kubernetes);
- :func:`validate_tree`: every ``*.yaml`` in an output tree (BPC001) and a
  ``kubectl kustomize`` build of every kustomization entry point (BPC002).

The names are loaded when first used: a sealed compile reads only
``blueprintc.validate.extra_schemas`` (its schema locations), and importing this
package must not pull in jsonschema and the rules with it (issue 11).
"""

from __future__ import annotations

from blueprintc.lazy_exports import lazy_exports

_WHERE = {
    "EMITTED_OBJECT_SCHEMA": "blueprintc.rules.output_rules",
    "KUSTOMIZE_BUILD": "blueprintc.rules.output_rules",
    "RULES": "blueprintc.rules.output_rules",
    "DEFAULT_KUBERNETES_VERSION": "blueprintc.validate.objects",
    "SchemaError": "blueprintc.validate.objects",
    "check_object": "blueprintc.validate.objects",
    "validate_object": "blueprintc.validate.objects",
    "validate_tree": "blueprintc.validate.tree",
}

__all__ = sorted(_WHERE)


__getattr__ = lazy_exports(__name__, _WHERE, globals())
