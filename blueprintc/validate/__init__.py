"""Validation of what blueprintc emits: single objects and whole output trees.

- :func:`validate_object` / :func:`check_object`: one Kubernetes object against the
  schema of its apiVersion and kind (Catalyst, Flux or core Kubernetes);
- :func:`validate_tree`: every ``*.yaml`` in an output tree (BPC001) and a
  ``kubectl kustomize`` build of every kustomization entry point (BPC002).
"""

from blueprintc.rules.output_rules import EMITTED_OBJECT_SCHEMA, KUSTOMIZE_BUILD, RULES
from blueprintc.validate.objects import (
    DEFAULT_KUBERNETES_VERSION,
    SchemaError,
    check_object,
    validate_object,
)
from blueprintc.validate.tree import validate_tree

__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "EMITTED_OBJECT_SCHEMA",
    "KUSTOMIZE_BUILD",
    "RULES",
    "SchemaError",
    "check_object",
    "validate_object",
    "validate_tree",
]
