"""A template reading below a value nothing sets: the finding names the value and the fix.

`{{ .Values.ingres.className }}` fails the render with `nil pointer evaluating
interface {}.className`, and BPG003's hint said "fix the template". The missing value is
the first part of the path values.yaml lacks: a misspelling of a key it has, a key it
leaves empty, or one it should give a default.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace

CHART = "blueprints/demo/chart"
VALUES = "replicas: 1\ningress:\n  className: cilium\nexposure:\n"


@pytest.mark.parametrize(
    ("expression", "hint"),
    [
        (
            ".Values.ingres.className",
            "read .Values.ingress.className instead: nothing sets .Values.ingres",
        ),
        (
            "$.Values.ingress.clasName.x",
            "read .Values.ingress.className.x instead: nothing sets .Values.ingress.clasName",
        ),
        (
            ".Values.exposure.mode",
            f"give .Values.exposure a value in {CHART}/values.yaml, "
            "where it is empty (null), or read it inside `{{ with .Values.exposure }}`",
        ),
        (
            ".Values.tls.secretName",
            f"give .Values.tls a default in {CHART}/values.yaml, or "
            "read it inside `{{ with .Values.tls }}`: nothing sets it",
        ),
    ],
)
def test_the_value_nothing_sets_is_named_with_the_fix(
    tmp_path: Path, expression: str, hint: str
) -> None:
    template = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ {expression} }}}}\n"
    workspace = write_workspace(
        tmp_path / "ws", {"demo": VALUES}, extra={f"{CHART}/templates/x.yaml": template}
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003"})
    [found] = result.active
    assert (found.location.file, found.location.line) == (f"{CHART}/templates/x.yaml", 4)
    assert "nil pointer evaluating" in found.message
    assert found.hint == hint
