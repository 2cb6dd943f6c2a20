"""A CustomResourceDefinition for tests: the head every CRD repeats, around what a test
needs of it (its kind, scope and the schema of its one version, `v1`)."""

from __future__ import annotations

import textwrap

# Any object of the kind is valid.
OPEN_SCHEMA = "{type: object, x-kubernetes-preserve-unknown-fields: true}"


def crd_manifest(
    group: str,
    kind: str,
    *,
    scope: str = "Namespaced",
    schema: str = OPEN_SCHEMA,
    versions: tuple[str, ...] = ("v1",),
) -> str:
    """The CRD of `kind` in `group` (plural: the kind in lower case with an `s`);
    `schema`, its `openAPIV3Schema` as YAML: a flow mapping on one line, or a block;
    served at each of `versions` with that schema, the first stored."""
    plural = kind.lower() + "s"
    if "\n" in schema.strip():
        schema = "\n" + textwrap.indent(schema.strip("\n"), " " * 10)
    else:
        schema = " " + schema
    served = "".join(
        f"""\
    - name: {version}
      served: true
      storage: {str(index == 0).lower()}
      schema:
        openAPIV3Schema:{schema}
"""
        for index, version in enumerate(versions)
    )
    return f"""\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: {plural}.{group}
spec:
  group: {group}
  names: {{kind: {kind}, listKind: {kind}List, plural: {plural}, singular: {kind.lower()}}}
  scope: {scope}
  versions:
{served}"""
